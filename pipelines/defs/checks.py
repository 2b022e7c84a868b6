"""The asset check that needs Python: it compares the warehouse with Dagster's registered partitions.

Every SQL-shaped check is a dbt test, which dagster-dbt shows as an asset check on its dbt model:
facts_have_provenance, values_plausible, headline_facts_present (fct_indicator_facts) and
corrections_all_applied (fct_fact_corrections); see dbt_project/models/marts/*.yml and dbt_project/tests/.
"""


import dagster as dg

from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.warehouse_assets import RAW_KEYS
from pipelines.warehouse import rules

_COUNTS_SQL = """
SELECT
    (SELECT count(*) FROM raw.reports),
    (SELECT count(DISTINCT partition_key) FROM raw.ingest_quarantine WHERE severity <> 'warning'),
    (SELECT count(*) FROM raw.facts)
"""


@dg.asset_check(asset=RAW_KEYS["reports"], description="Every registered file is loaded or quarantined; reports yield facts.")
def row_counts_sane(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Row-count sanity across raw.reports, raw.ingest_quarantine and raw.facts (a read-only connection)."""
    registered = len(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    with warehouse.read() as con:
        reports, quarantined, facts = con.execute(_COUNTS_SQL).fetchone()
    problems = rules.row_count_problems(registered, reports, quarantined, facts)
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={
            "checked": registered, "reports": reports, "quarantined": quarantined, "facts": facts,
            "problems": len(problems),
            "details": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems) or "all counts ok"),
        },
    )


ASSET_CHECKS = [row_counts_sane]
