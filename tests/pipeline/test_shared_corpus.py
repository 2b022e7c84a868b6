"""The whole shared corpus through the real pipeline (skipped without ../shared)."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.runner import run_pipeline
from tests.pipeline.helpers import facts_for, query

pytestmark = [pytest.mark.slow, pytest.mark.corpus]  # one run over the whole corpus


@pytest.fixture(scope="module")
def corpus_run(shared_reports, tmp_path_factory):
    """One run over every report in ../shared/corpus/reports."""
    warehouse = tmp_path_factory.mktemp("corpus") / "govreport.duckdb"
    outcome = run_pipeline(shared_reports, warehouse, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    return outcome


def test_every_corpus_report_loads(corpus_run, shared_reports):
    n_files = len(list(shared_reports.rglob("*.txt")))
    assert corpus_run.table_counts["raw.reports"] == n_files
    assert query(corpus_run.published, "SELECT count(*) FROM ingest_quarantine WHERE severity = 'rejected'")[0][0] == 0


def test_state_council_2024_gdp_target(corpus_run):
    rows = facts_for(corpus_run.published, "national/国务院/2024", "gdp_growth", "target")
    assert (2024, "growth_rate", 5.0, None, None, "%", "about") in rows


def test_nanjing_facts_in_corpus_run(corpus_run):
    rows = facts_for(corpus_run.published, "city/南京市/2024", "gdp_growth", "actual")
    assert (2023, "growth_rate", 4.6, None, None, "%", "exact") in rows


def test_state_council_target_vs_actual(corpus_run):
    rows = dict(query(
        corpus_run.published,
        "SELECT year, met FROM fct_target_vs_actual WHERE region = '国务院' AND indicator_id = 'gdp_growth' "
        "AND actual_value IS NOT NULL",
    ))
    # 2023: target 5% 左右, actual 5.2% (reported in 2024) -> met.
    assert rows.get(2023) is True
    assert len(rows) >= 10


def test_provinces_ranked_by_2026_gdp_target(corpus_run):
    rows = query(
        corpus_run.published,
        "SELECT region, rank_in_level, regions_in_level FROM fct_cross_region WHERE indicator_id = 'gdp_growth' "
        "AND kind = 'target' AND year = 2026 AND region_level = 'province' ORDER BY rank_in_level",
    )
    assert len(rows) >= 20
    assert rows[0][1] == 1


def test_corpus_regions_all_have_codes(corpus_run):
    rows = dict(query(corpus_run.published, "SELECT region, admin_code FROM dim_region WHERE code_candidates = 1"))
    assert len(rows) == query(corpus_run.published, "SELECT count(*) FROM dim_region")[0][0]
    assert (rows["国务院"], rows["南京市"], rows["呼伦贝尔市海拉尔区"], rows["新疆维吾尔自治区"]) == (
        "100000", "320100", "150702", "650000"
    )


def test_corpus_target_escalation(corpus_run):
    spread = query(corpus_run.published,
                   "SELECT children_count, children_min, children_median, children_max FROM fct_target_escalation"
                   " WHERE region = '国务院' AND indicator_id = 'gdp_growth' AND measure = 'growth_rate'"
                   " AND year = 2026")
    assert spread == [(23, 4.5, 5.0, 5.75)]  # the 23 provinces' 2026 targets (no 2026 national report here)
    hailar = dict(query(corpus_run.published,
                        "SELECT year, gap_to_national FROM fct_target_escalation WHERE region = '呼伦贝尔市海拉尔区'"
                        " AND indicator_id = 'gdp_growth' AND measure = 'growth_rate'"))
    assert (hailar[2012], hailar[2015], hailar[2018]) == (13.5, 1.0, -0.5)


@pytest.mark.parametrize("fmt", ["dta", "xlsx"])
def test_corpus_wide_panel_round_trips(corpus_run, tmp_path, fmt):
    from pandas.testing import assert_frame_equal

    from pipelines.reporting import export

    out = tmp_path / f"panel.{fmt}"
    result = export.export(corpus_run.published, out, fmt, wide=True)
    expected, _, _ = export.wide_panel(export.load_panel_values(corpus_run.published))
    assert result.rows == len(expected) > 100
    assert_frame_equal(export.read_export(out, wide=True), expected)
