"""Asset checks on the raw tables. dbt data tests show up as checks on the dbt models on their own."""


import dagster as dg

from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.warehouse_assets import RAW_KEYS
from pipelines.warehouse import rules as quality

_MAX_LISTED = 20


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _result(problems: list[str], checked: int, what: str, **extra: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={
            **extra,
            "checked": checked,
            "problems": len(problems),
            "details": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:_MAX_LISTED]) or f"all {what} ok"),
        },
    )


@dg.asset_check(asset=RAW_KEYS["facts"], description="Each report yields its GDP growth actual and target where the text states them.")
def headline_facts_present(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every loaded report that states GDP growth (and annual targets) has gdp_growth facts of that kind."""
    with warehouse.read() as con:
        reports = _rows(con, "SELECT report_id, text FROM raw.reports")
        facts = _rows(con, "SELECT report_id, indicator_id, kind FROM raw.facts")
    return _result(quality.missing_headline_facts(reports, facts), len(reports), "reports")


@dg.asset_check(asset=RAW_KEYS["facts"], description="Every fact has a quote that is exactly the report text at its offsets.")
def facts_have_provenance(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No fact without provenance: quote == text[char_start:char_end] in its report."""
    with warehouse.read() as con:
        texts = dict(con.execute("SELECT report_id, text FROM raw.reports").fetchall())
        facts = _rows(con, "SELECT fact_id, report_id, indicator_id, quote, char_start, char_end FROM raw.facts")
    return _result(quality.facts_without_provenance(facts, texts), len(facts), "facts")


@dg.asset_check(asset=RAW_KEYS["facts"], description="Percent values within plausible ranges per measure.")
def values_plausible(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Growth rates, shares and percentage-point changes within plausible bounds."""
    with warehouse.read() as con:
        facts = _rows(con, "SELECT fact_id, report_id, indicator_id, measure, unit, value, value_low, value_high "
                           "FROM raw.facts")
    return _result(quality.implausible_values(facts), len(facts), "values")


@dg.asset_check(asset=RAW_KEYS["reports"], description="Every registered file is loaded or quarantined; reports yield facts.")
def row_counts_sane(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Row-count sanity across raw.reports, raw.ingest_quarantine and raw.facts."""
    registered = len(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    with warehouse.read() as con:
        reports = con.execute("SELECT count(*) FROM raw.reports").fetchone()[0]
        quarantined = con.execute(
            "SELECT count(DISTINCT partition_key) FROM raw.ingest_quarantine WHERE severity <> 'warning'"
        ).fetchone()[0]
        facts = con.execute("SELECT count(*) FROM raw.facts").fetchone()[0]
    problems = quality.row_count_problems(registered, reports, quarantined, facts)
    return _result(problems, registered, "counts", reports=reports, quarantined=quarantined, facts=facts)


@dg.asset_check(
    asset=dg.AssetKey(["fct_fact_corrections"]),
    description="Every correction in the corrections CSV still finds its fact (none orphaned by a changed text or extractor).",
)
def corrections_all_applied(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Fails with the list of orphaned corrections (status ``orphaned`` in fct_fact_corrections)."""
    with warehouse.read() as con:
        total = con.execute("SELECT count(*) FROM main.fct_fact_corrections").fetchone()[0]
        orphans = _rows(con, "SELECT line_no, action, fact_id, report_id, quote, orphan_reason "
                             "FROM main.fct_fact_corrections WHERE status = 'orphaned' ORDER BY line_no")
    problems = [
        f"line {o['line_no']}: {o['action']} {o['fact_id']} ({o['report_id']}: {o['quote']}): {o['orphan_reason']}"
        for o in orphans
    ]
    return _result(problems, total, "corrections")


ASSET_CHECKS = [headline_facts_present, facts_have_provenance, values_plausible, row_counts_sane,
                corrections_all_applied]
