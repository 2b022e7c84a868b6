"""The data-quality checks: dbt tests (seen by Dagster as asset checks on the dbt models) and the one Python check.

Each check passes on the sample; a real ``dbt build`` on a copy of that warehouse with bad rows planted in the
raw tables warns on exactly the test that guards against them, and lists the bad rows with a ``problem``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import paths
from pipelines.defs import checks
from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.resources import WarehouseResource
from pipelines.warehouse import rules

dbt_main = pytest.importorskip("dbt.cli.main")

DBT_CHECKS = {
    # check name -> (asset the check is on, SQL that plants a row it must catch)
    "headline_facts_present": (
        "fct_indicator_facts", "DELETE FROM raw.facts WHERE indicator_id = 'gdp_growth' AND kind = 'target'"),
    "facts_have_provenance": (
        "fct_indicator_facts", "UPDATE raw.facts SET char_start = char_start + 1 WHERE indicator_id = 'gdp'"),
    "values_plausible": (
        "fct_indicator_facts",
        "UPDATE raw.facts SET value = 460 WHERE indicator_id = 'gdp_growth' AND kind = 'actual'"),
    "corrections_all_applied": (
        "fct_fact_corrections",
        "INSERT INTO raw.corrections (line_no, source_path, fact_id, report_id, quote, action, loaded_at) "
        "VALUES (1, 'corrections.csv', 'gone', 'city/南京市/2024', '不存在', 'reject', now())"),
}


@pytest.fixture(scope="module")
def healthy(sample_build):
    """The session's sample warehouse (read-only here: breakages go to a copy): its first run and instance."""
    return sample_build.first, sample_build.instance


def dbt_build(warehouse: Path, target: Path) -> dict[str, str]:
    """A real ``dbt build`` of the project on ``warehouse``: status of every data test by name.

    ``--full-refresh``: the bad rows are planted in the raw tables by hand, not by the loader, so no region
    is journaled as pending and an incremental build would leave the marts as they were.
    """
    return {name: status for name, (status, _) in dbt_build_tests(warehouse, target).items()}


def dbt_build_tests(warehouse: Path, target: Path, *extra: str, full: bool = True) -> dict[str, tuple[str, int | None]]:
    """``dbt build --full-refresh`` (``full``, else an incremental build; plus ``extra`` arguments) on
    ``warehouse``: (status, failures) of every data test."""
    result = dbt_main.dbtRunner().invoke(
        ["build", *(["--full-refresh"] if full else []), *extra, "--project-dir", str(paths.DBT_PROJECT_DIR),
         "--profiles-dir", str(paths.DBT_PROJECT_DIR),
         "--target-path", str(target / "target"), "--log-path", str(target / "logs"), "--quiet",
         "--vars", json.dumps({"govreport_warehouse": str(warehouse)})]
    )
    assert result.result is not None, result.exception
    return {r.node.name: (str(r.status), r.failures) for r in result.result if str(r.node.resource_type) == "test"}


def test_dbt_checks_are_asset_checks_of_the_definitions():
    from pipelines.defs.build import build_definitions

    keys = build_definitions().resolve_asset_graph().asset_check_keys
    for name, (asset, _) in DBT_CHECKS.items():
        assert dg.AssetCheckKey(dg.AssetKey([asset]), name) in keys
    assert dg.AssetCheckKey(dg.AssetKey(["raw", "reports"]), "row_counts_sane") in keys


def test_in_process_run_reports_the_dbt_checks(healthy):
    outcome, instance = healthy
    assert outcome.failed_checks == []
    evaluations = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        for e in [e.dagster_event]
    }
    assert {name: evaluations.get(name) for name in [*DBT_CHECKS, "row_counts_sane"]} == {
        name: True for name in [*DBT_CHECKS, "row_counts_sane"]
    }


def test_each_dbt_check_warns_on_its_planted_bad_rows(healthy, tmp_path):
    outcome, _ = healthy
    broken = tmp_path / "broken.duckdb"
    shutil.copy(outcome.warehouse, broken)
    con = duckdb.connect(str(broken))
    for _, sql in DBT_CHECKS.values():
        con.execute(sql)
    con.close()

    statuses = dbt_build(broken, tmp_path)

    assert {name: statuses[name] for name in DBT_CHECKS} == {name: "warn" for name in DBT_CHECKS}
    assert [n for n, s in statuses.items() if s not in ("pass", "success") and n not in DBT_CHECKS] == []
    # dbt-duckdb keeps its instance open in this process: share it (a read-only open would be refused)
    con = duckdb.connect(str(broken))
    try:
        headline = con.execute("SELECT report_id, problem FROM test_failures.headline_facts_present").fetchall()
        assert headline == [
            ("city/南京市/2024", "text has a main-targets paragraph but no gdp_growth target was extracted")]
        provenance = con.execute("SELECT DISTINCT problem FROM test_failures.facts_have_provenance").fetchall()
        assert provenance and all(p[0].startswith("the quote is not the report text at ") for p in provenance)
        plausible = con.execute("SELECT problem FROM test_failures.values_plausible").fetchall()
        assert plausible and all(
            p[0] == "value 460.0% is outside the plausible range [-60, 200] of growth_rate" for p in plausible)
        orphans = con.execute("SELECT line_no, fact_id, status FROM test_failures.corrections_all_applied").fetchall()
        assert orphans == [(1, "gone", "orphaned")]
    finally:
        con.close()


def test_an_incremental_build_tests_the_changed_regions_and_a_full_build_every_region(healthy, tmp_path):
    """In an incremental build a generic test on an incremental model reads the rows of the pending regions only
    (macros/tests_on_changed_rows.sql): an implausible value of 南京市 is missed while another region is pending,
    and found when 南京市 is pending or the build is full."""
    outcome, _ = healthy
    broken = tmp_path / "broken.duckdb"
    shutil.copy(outcome.warehouse, broken)
    con = duckdb.connect(str(broken))
    for table in ("raw.facts", "main.fct_indicator_facts"):  # the mart as the raw row would make it
        planted = con.execute(f"UPDATE {table} SET value = 460 WHERE indicator_id = 'gdp_growth' AND kind = 'actual' "
                              "AND region = '南京市'").fetchone()[0]
        assert planted >= 1
    con.close()
    select = ("--select", "+fct_indicator_facts", "--exclude", "headline_facts_present")

    def values_plausible(pending: str | None, full: bool = False) -> tuple[str, int | None]:
        with duckdb.connect(str(broken)) as journal:
            journal.execute("DELETE FROM raw.pending_regions")
            if pending:
                journal.execute("INSERT INTO raw.pending_regions VALUES (?, 'city', now())", [pending])
        return dbt_build_tests(broken, tmp_path, *select, full=full)["values_plausible"]

    assert values_plausible("苏州市") == ("pass", 0)
    assert values_plausible(None) == ("pass", 0)
    status, failures = values_plausible("南京市")
    assert status == "warn" and failures >= 1
    assert values_plausible("苏州市", full=True) == ("warn", failures)


def test_table_contract_fails_on_each_broken_rule_and_names_it(healthy, tmp_path):
    """One ``table_contract`` test per model stands for its former not_null, accepted_values, expression and
    unique tests: it fails with one row per broken rule and row (per duplicated key), and ``problem`` names
    the rule and the column."""
    outcome, _ = healthy
    broken = tmp_path / "broken.duckdb"
    shutil.copy(outcome.warehouse, broken)
    con = duckdb.connect(str(broken))
    con.execute("ALTER TABLE raw.keyword_counts ALTER COLUMN keyword DROP NOT NULL")  # as a hand edit could
    nulls = con.execute("UPDATE raw.keyword_counts SET keyword = NULL WHERE keyword = "
                        "(SELECT min(keyword) FROM raw.keyword_counts WHERE keyword_source = 'top')").fetchone()[0]
    unexpected = con.execute("UPDATE raw.keyword_counts SET keyword_source = 'guessed' WHERE keyword = "
                             "(SELECT max(keyword) FROM raw.keyword_counts WHERE keyword_source = 'top')").fetchone()[0]
    duplicated = con.execute(
        "INSERT INTO raw.keyword_counts SELECT * FROM raw.keyword_counts WHERE keyword = "
        "(SELECT min(keyword) FROM raw.keyword_counts WHERE keyword_source = 'curated') LIMIT 1").fetchone()[0]
    con.close()
    assert nulls >= 1 and unexpected >= 1 and duplicated == 1

    tests = dbt_build_tests(broken, tmp_path, "--select", "stg_raw__keyword_counts", "--store-failures")
    failed = {name: outcome for name, outcome in tests.items() if outcome[0] != "pass"}
    assert failed == {"stg_raw__keyword_counts_contract": ("fail", nulls + unexpected + duplicated)}
    con = duckdb.connect(str(broken))
    try:
        problems = con.execute('SELECT problem, count(*) FROM test_failures."stg_raw__keyword_counts_contract" '
                               "GROUP BY problem ORDER BY problem").fetchall()
        assert problems == [("duplicate key: report_id, keyword", 1), ("null: keyword", nulls),
                            ("unexpected value: keyword_source", unexpected)]
        failing = json.loads(con.execute('SELECT failing FROM test_failures."stg_raw__keyword_counts_contract" '
                                         "WHERE problem LIKE 'duplicate%'").fetchone()[0])
        assert failing["n_rows"] == 2 and set(failing) == {"report_id", "keyword", "n_rows"}
    finally:
        con.close()


def test_table_contract_names_the_expression_a_row_breaks(healthy, tmp_path):
    outcome, _ = healthy
    broken = tmp_path / "broken.duckdb"
    shutil.copy(outcome.warehouse, broken)
    con = duckdb.connect(str(broken))
    negative = con.execute("UPDATE raw.keyword_counts SET occurrences = -1 WHERE keyword = "
                           "(SELECT min(keyword) FROM raw.keyword_counts)").fetchone()[0]
    con.close()
    assert negative >= 1

    tests = dbt_build_tests(broken, tmp_path, "--select", "stg_raw__keyword_counts fct_keyword_year", "--store-failures")
    assert {name: outcome for name, outcome in tests.items() if outcome[0] != "pass"} == {
        "fct_keyword_year_contract": ("fail", negative)}
    con = duckdb.connect(str(broken))
    try:
        assert con.execute('SELECT DISTINCT problem FROM test_failures."fct_keyword_year_contract"').fetchall() == [
            ("expression false: occurrences >= 0 and per_10k_chars >= 0",)]
    finally:
        con.close()


def test_row_counts_check_passes_on_the_sample_and_fails_without_facts(healthy, tmp_path):
    outcome, instance = healthy
    context = dg.build_asset_check_context(instance=instance)
    assert checks.row_counts_sane(context, warehouse=WarehouseResource(path=str(outcome.warehouse))).passed
    broken = tmp_path / "broken.duckdb"
    shutil.copy(outcome.warehouse, broken)
    con = duckdb.connect(str(broken))
    con.execute("DELETE FROM raw.facts")
    con.close()
    result = checks.row_counts_sane(dg.build_asset_check_context(instance=instance),
                                    warehouse=WarehouseResource(path=str(broken)))
    assert result.passed is False and "no facts extracted" in result.metadata["details"].value


def test_row_count_check_notices_lost_files(healthy):
    outcome, _ = healthy
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(REPORTS_PARTITION, ["city/南京市/2024", "city/lost/2024"])
        result = checks.row_counts_sane(dg.build_asset_check_context(instance=instance),
                                        warehouse=WarehouseResource(path=str(outcome.warehouse)))
    assert result.passed is False and "files were lost" in result.metadata["details"].value


def test_row_count_rule_directly():
    assert rules.row_count_problems(3, 2, 1, 100) == []
    assert rules.row_count_problems(3, 1, 1, 100) != []
