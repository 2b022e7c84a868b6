"""Each asset check passes on a healthy warehouse and fails on a broken one (rules in pipelines.warehouse.rules)."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.defs import checks
from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.warehouse import rules as quality


@pytest.fixture(scope="module")
def healthy(sample_build):
    """The session's sample warehouse (read-only here: breakages go to a copy) and its Dagster instance."""
    return sample_build.warehouse, sample_build.instance


def broken_copy(warehouse: Path, tmp_path: Path, *statements: str) -> DuckDBResource:
    copy = tmp_path / "broken.duckdb"
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    for sql in statements:
        con.execute(sql)
    con.close()
    return DuckDBResource(database=str(copy))


def run_check(check, resource: DuckDBResource, instance: dg.DagsterInstance | None = None) -> dg.AssetCheckResult:
    if check is checks.row_counts_sane:
        context = dg.build_asset_check_context(instance=instance)
        return check(context, duckdb=resource)
    return check(duckdb=resource)


@pytest.mark.parametrize("check", checks.ASSET_CHECKS, ids=lambda c: c.check_key.name)
def test_check_passes_on_the_sample(healthy, check):
    warehouse, instance = healthy
    result = run_check(check, DuckDBResource(database=str(warehouse)), instance)
    assert result.passed, result.metadata


BREAKAGES = {
    "headline_facts_present": ["DELETE FROM raw.facts WHERE indicator_id = 'gdp_growth' AND kind = 'target'"],
    "facts_have_provenance": ["UPDATE raw.facts SET char_start = char_start + 1 WHERE indicator_id = 'gdp'"],
    "values_plausible": ["UPDATE raw.facts SET value = 460 WHERE indicator_id = 'gdp_growth' AND kind = 'actual'"],
    "row_counts_sane": ["DELETE FROM raw.facts"],
    "corrections_all_applied": [
        "INSERT INTO main.fct_fact_corrections (line_no, fact_id, action, status, orphan_reason) "
        "VALUES (1, 'gone', 'reject', 'orphaned', 'no such fact any more')"
    ],
}


@pytest.mark.parametrize("check", checks.ASSET_CHECKS, ids=lambda c: c.check_key.name)
def test_check_fails_on_a_broken_warehouse(healthy, check, tmp_path):
    warehouse, instance = healthy
    resource = broken_copy(warehouse, tmp_path, *BREAKAGES[check.check_key.name])
    result = run_check(check, resource, instance)
    assert result.passed is False
    assert result.metadata["problems"].value >= 1


def test_row_count_check_notices_lost_files(healthy, tmp_path):
    warehouse, _ = healthy
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(REPORTS_PARTITION, ["city/南京市/2024", "city/lost/2024"])
        result = run_check(checks.row_counts_sane, DuckDBResource(database=str(warehouse)), instance)
    assert result.passed is False and "files were lost" in result.metadata["details"].value


def test_quality_rules_directly():
    reports = [{"report_id": "r", "text": "全市地区生产总值增长5.2%。今年主要预期目标是：地区生产总值增长5%左右。"}]
    assert quality.missing_headline_facts(reports, []) == [
        "r: text states GDP growth but no gdp_growth actual was extracted",
        "r: text has a main-targets paragraph but no gdp_growth target was extracted",
    ]
    facts = [{"report_id": "r", "indicator_id": "gdp_growth", "kind": k} for k in ("actual", "target")]
    assert quality.missing_headline_facts(reports, facts) == []
    share = {"fact_id": "f", "report_id": "r", "indicator_id": "forest_coverage", "measure": "share", "unit": "%",
             "value": 101.0, "value_low": None, "value_high": None}
    assert len(quality.implausible_values([share])) == 1
    assert quality.implausible_values([{**share, "value": 45.0}]) == []
    assert quality.row_count_problems(3, 2, 1, 100) == []
    assert quality.row_count_problems(3, 1, 1, 100) != []
