"""End-to-end: a real in-process Dagster run (ingest → extract → DuckDB → dbt build → publish).

The run is the session's shared sample warehouse (``sample_build`` in tests/conftest.py), built once.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.runner import run_pipeline
from tests.pipeline.helpers import fact_rows, facts_for, query

NANJING = "city/南京市/2024"


@pytest.fixture(scope="module")
def sample_run(sample_build):
    """The session's sample warehouse (tests/conftest.py): first run, re-run, facts after the first run."""
    return sample_build.first, sample_build.second, sample_build.facts_after_first


def test_sample_run_materialises_every_table(sample_run):
    first, _, _ = sample_run
    counts = first.table_counts
    assert counts["raw.reports"] == 1
    assert counts["raw.facts"] >= 40
    for mart in ("fct_indicator_facts", "fct_region_indicator_year", "fct_target_vs_actual",
                 "fct_cross_region", "fct_keyword_year", "dim_indicator", "dim_region"):
        assert f"main.{mart}" in counts, mart
    assert counts["main.fct_indicator_facts"] == counts["raw.facts"]
    assert counts["main.dim_indicator"] >= 80
    assert counts["main.fct_keyword_year"] > 10


def test_sample_headline_facts(sample_run):
    first, _, _ = sample_run
    db = first.published
    assert (2023, "growth_rate", 4.6, None, None, "%", "exact") in facts_for(db, NANJING, "gdp_growth", "actual")
    targets = facts_for(db, NANJING, "gdp_growth", "target")
    assert (2024, "growth_rate", 5.0, None, None, "%", "at_least") in targets
    assert (2023, "level", 1.74, None, None, "万亿元", "exact") in facts_for(db, NANJING, "gdp", "actual")


def test_published_snapshot_and_exports(sample_run):
    first, _, _ = sample_run
    assert first.published.exists()
    exports = first.warehouse.parent / "exports"
    # a region-scoped mart is a folder of buckets; a dimension one file
    assert not (exports / "fct_indicator_facts.parquet").exists() and (exports / "dim_region.parquet").exists()
    n = query(first.published, f"SELECT count(*) FROM read_parquet('{exports / 'fct_indicator_facts' / '*.parquet'}')")
    assert n[0][0] == first.table_counts["main.fct_indicator_facts"] > 0


def test_rerun_is_idempotent(sample_run):
    first, second, facts_after_first = sample_run
    assert fact_rows(second.warehouse) == facts_after_first
    assert second.table_counts == first.table_counts


def test_dim_region_has_nanjing_code(sample_run):
    first, _, _ = sample_run
    rows = query(first.published, "SELECT region_level, admin_code FROM dim_region WHERE region = '南京市'")
    assert rows and rows[0][0] == "city" and str(rows[0][1]) == "320100"


def test_missing_reports_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        run_pipeline(tmp_path / "nope", tmp_path / "wh.duckdb", instance=dg.DagsterInstance.ephemeral())


def test_cli_query_and_charts_on_the_published_warehouse(sample_run, tmp_path: Path, capsys):
    from pipelines.cli import main

    first, _, _ = sample_run
    published = str(first.published)
    assert main(["query", "SELECT indicator_id, target_value, target_qualifier FROM fct_target_vs_actual "
                 "WHERE indicator_id = 'gdp_growth'", "--warehouse", published, "--format", "csv"]) == 0
    assert "gdp_growth,5.0,at_least" in capsys.readouterr().out

    html = tmp_path / "nanjing.html"
    assert main(["chart", "target-vs-actual", "--region", "南京市", "--indicator", "gdp_growth",
                 "--out", str(html), "--warehouse", published]) == 0
    assert html.exists() and "南京市" in html.read_text(encoding="utf-8")
    png = tmp_path / "cities.png"
    assert main(["chart", "cross-region", "--indicator", "gdp_growth", "--year", "2024", "--kind", "target",
                 "--level", "city", "--out", str(png), "--warehouse", published]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "(1 data points)" in capsys.readouterr().out


def _step_events(instance: dg.DagsterInstance, run_id: str, step: str) -> list[str]:
    """The Dagster event types one step of a run logged, in order."""
    return [e.dagster_event.event_type_value for e in instance.all_logs(run_id)
            if e.dagster_event is not None and e.dagster_event.step_key == step]


def test_rerun_with_nothing_changed_skips_dbt_build_and_publish(sample_build):
    first, second = sample_build.first, sample_build.second
    built = _step_events(sample_build.instance, first.run_id, "dbt_models")
    assert built.count("ASSET_MATERIALIZATION") >= 20 and "STEP_SUCCESS" in built
    skipped = _step_events(sample_build.instance, second.run_id, "dbt_models")
    assert "ASSET_MATERIALIZATION" not in skipped and "STEP_SUCCESS" in skipped
    published = _step_events(sample_build.instance, second.run_id, "published_warehouse")
    assert "STEP_SKIPPED" in published and "ASSET_MATERIALIZATION" not in published
    assert second.published.exists() and second.success


@pytest.mark.slow
def test_missing_snapshot_runs_dbt_build_again(tmp_path: Path):
    import shutil

    from tests.paths import SAMPLE_REPORTS

    shutil.copytree(SAMPLE_REPORTS, tmp_path / "reports")
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()

    def dbt_materialisations(**kwargs) -> int:
        outcome = run_pipeline(tmp_path / "reports", warehouse, instance=instance, **kwargs)
        assert outcome.success, outcome.error
        return _step_events(instance, outcome.run_id, "dbt_models").count("ASSET_MATERIALIZATION")

    assert dbt_materialisations() >= 20
    assert dbt_materialisations() == 0  # nothing changed
    warehouse.with_name("govreport.published.duckdb").unlink()  # a user deleted the snapshot
    assert dbt_materialisations() >= 20  # inputs unchanged, but no snapshot: build and publish again
    assert warehouse.with_name("govreport.published.duckdb").exists()
    # --rebuild (the force_build run tag) through the CLI: tests/test_cli_run.py's verbose run
