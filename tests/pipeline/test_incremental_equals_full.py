"""The same answers: a warehouse built step by step equals one built from scratch, row for row.

The incremental warehouse sees three runs on one reports folder: a start (the bundled sample, three
corpus reports and an empty file, which is quarantined), three more reports added together with a
copy of the sample in a folder whose key sorts first (the copy must win as it does in a build from
scratch, where partitions load in key order: the kept text never depends on arrival), then in one
run one report's GDP sentence edited (its facts and every later fact's offsets change) while one
report and the empty file are removed. The final folder is then copied elsewhere and built once into a new warehouse.

Every table of schema ``main`` in the two published snapshots (marts, dims, seeds,
ingest_quarantine) and every raw table of the two building warehouses must hold the same rows.
Only what legitimately differs between two builds is left out or normalised:

* ``loaded_at`` (raw tables, ``dim_report``, the fact marts) and ``recorded_at`` (quarantine):
  when a row was written, not what it says;
* the reports folder's own path at the start of ``source_path`` (the from-scratch folder is a
  copy in another place), replaced by ``<reports>`` in every text column;
* ``raw.load_state.stage_sha``: the hash of the staged document and extraction, and the staged
  document holds that absolute ``source_path`` (so it differs between the two folders; what it
  stands for, the rows loaded from the stage, is compared in the other raw tables).

No run id or other build-specific column reaches the tables; a new one would show up here as a
difference.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.defs.runner import RunOutcome, run_pipeline
from tests.paths import NANJING_2024, SAMPLE_CORRECTIONS
from tests.pipeline.helpers import table_differences, warehouse_tables

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

RAW_TABLES = ("reports", "facts", "keyword_counts", "ingest_quarantine", "load_state", "corrections", "pending_regions")

START = ("national/国务院/2024.txt", "county/呼伦贝尔市海拉尔区/2017.txt", "province/浙江省/2026.txt")
ADDED = ("national/国务院/2025.txt", "county/呼伦贝尔市海拉尔区/2018.txt", "province/湖北省/2026.txt")
EMPTY = "province/湖南省/2026.txt"  # quarantined (empty_file) until it is removed
CHANGED = "national/国务院/2025.txt"
GDP_BEFORE, GDP_AFTER = "国内生产总值达到134.9万亿元、增长5%", "国内生产总值达到136.2万亿元、增长5.3%"
COPY = "city/南京/2024.txt"  # same text as city/南京市/2024.txt; its key sorts before it, so it is kept
REMOVED = "county/呼伦贝尔市海拉尔区/2017.txt"  # 1 of 7 loaded reports: under the removal guard's 20 %


@dataclass(frozen=True)
class Builds:
    """The last incremental run, the from-scratch run, and the two reports folders they read."""

    incremental: RunOutcome
    scratch: RunOutcome
    incremental_reports: Path
    scratch_reports: Path
    incremental_updated_by_region: list[str]  # what the last publish of each updated by region (its metadata)
    scratch_updated_by_region: list[str]


def _run(reports: Path, warehouse: Path, instance: dg.DagsterInstance, corrections: Path) -> RunOutcome:
    outcome = run_pipeline(reports, warehouse, instance=instance, corrections=corrections)
    assert outcome.success, outcome.error
    return outcome


@pytest.fixture(scope="module")
def builds(shared_reports: Path, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Three incremental runs (start; add; change one and remove two) and one from-scratch run of the final folder."""
    root = tmp_path_factory.mktemp("incremental")
    corrections = root / "corrections.csv"
    shutil.copy(SAMPLE_CORRECTIONS, corrections)
    reports = root / "reports"

    def put(rel: str) -> None:
        (reports / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared_reports / rel, reports / rel)

    (reports / "city" / "南京市").mkdir(parents=True)
    shutil.copy(NANJING_2024, reports / "city" / "南京市" / "2024.txt")
    for rel in START:
        put(rel)
    (reports / EMPTY).parent.mkdir(parents=True)
    (reports / EMPTY).write_bytes(b"")
    warehouse = root / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    _run(reports, warehouse, instance, corrections)

    for rel in ADDED:
        put(rel)
    (reports / COPY).parent.mkdir(parents=True)
    shutil.copy(NANJING_2024, reports / COPY)
    _run(reports, warehouse, instance, corrections)

    text = (reports / CHANGED).read_text(encoding="utf-8")
    assert text.count(GDP_BEFORE) == 1
    (reports / CHANGED).write_text(text.replace(GDP_BEFORE, GDP_AFTER), encoding="utf-8")
    # the change and the removals share one run: each run costs a dbt build, and the loader handles
    # changed and removed partitions of one run independently
    (reports / REMOVED).unlink()
    (reports / EMPTY).unlink()
    incremental = _run(reports, warehouse, instance, corrections)

    scratch_root = tmp_path_factory.mktemp("from_scratch")
    scratch_reports = scratch_root / "reports"
    shutil.copytree(reports, scratch_reports)
    scratch_instance = dg.DagsterInstance.ephemeral()
    scratch = _run(scratch_reports, scratch_root / "wh" / "govreport.duckdb", scratch_instance, corrections)
    return Builds(incremental, scratch, reports.resolve(), scratch_reports.resolve(),
                  _updated_by_region(instance), _updated_by_region(scratch_instance))


def _updated_by_region(instance: dg.DagsterInstance) -> list[str]:
    event = instance.get_latest_materialization_event(dg.AssetKey("published_warehouse"))
    return sorted(event.asset_materialization.metadata["updated_by_region"].value)


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
        con.execute("USE w")
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_every_published_table_is_identical(builds: Builds) -> None:
    diff = table_differences(builds.incremental.published, builds.scratch.published, "main",
                        builds.incremental_reports, builds.scratch_reports)
    assert diff == {}


def test_raw_tables_are_identical(builds: Builds) -> None:
    diff = table_differences(builds.incremental.warehouse, builds.scratch.warehouse, "raw",
                        builds.incremental_reports, builds.scratch_reports)
    assert diff == {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{builds.scratch.warehouse}' AS w (READ_ONLY)")
        assert sorted(warehouse_tables(con, "w", "raw")) == sorted(RAW_TABLES)
    finally:
        con.close()


def test_the_last_incremental_build_rebuilt_only_the_changed_regions(builds: Builds) -> None:
    """The equality above is between an incremental build and a full one: the incremental warehouse's last
    dbt build appended the changed regions' rows to its marts (dbt's run artifact of that build is an
    insert), and the build emptied the journal of pending regions it worked from."""
    run = builds.incremental.warehouse.parent / "dbt" / "run" / "govreport" / "models"
    for model in ("marts/fct_extracted_facts.sql", "marts/fct_indicator_facts.sql", "intermediate/int_indicator_values.sql",
                  "marts/fct_cross_region.sql", "marts/fct_target_escalation.sql"):
        # fct_cross_region by comparison group, fct_target_escalation by target group, the others by region
        assert (run / model).read_text().lstrip().startswith("insert into"), model
    assert not (run / "marts" / "dim_region.sql").read_text().lstrip().startswith("insert into")  # a table
    assert _count(builds.incremental.warehouse, "SELECT count(*) FROM raw.pending_regions") == 0


def test_the_last_incremental_publish_updated_the_snapshot_by_region(builds: Builds) -> None:
    """The equality of the snapshots is between one updated in place by region on top of the previous publish
    (the eight region-scoped marts) and one copied whole from a first build."""
    assert builds.incremental_updated_by_region == sorted(
        ["fct_cross_region", "fct_extracted_facts", "fct_indicator_facts", "fct_keyword_year", "fct_panel_values",
         "fct_region_indicator_year", "fct_target_vs_actual", "fct_value_conflicts"])
    assert builds.scratch_updated_by_region == []


def test_the_compared_marts_have_content(builds: Builds) -> None:
    """The comparison means something: every step left its mark on the final state."""
    db = builds.scratch.published
    assert _count(db, "SELECT count(*) FROM dim_report") == 6
    assert _count(db, "SELECT count(*) FROM dim_report WHERE report_id = 'county/呼伦贝尔市海拉尔区/2017'") == 0
    assert _count(db, "SELECT count(*) FROM ingest_quarantine WHERE reason_code = 'empty_file'") == 0
    assert _count(db, "SELECT count(*) FROM ingest_quarantine WHERE partition_key = 'city/南京市/2024' "
                      "AND severity = 'duplicate' AND duplicate_of = 'city/南京/2024'") == 1
    assert _count(db, "SELECT count(*) FROM fct_indicator_facts WHERE report_id = 'national/国务院/2025' "
                      "AND indicator_id = 'gdp' AND kind = 'actual' AND value = 136.2") == 1
    assert _count(db, "SELECT count(*) FROM fct_indicator_facts WHERE value = 134.9") == 0
    # cross-region: the two provinces ranked in one year; cross-year: the national panel over years
    assert _count(db, "SELECT count(DISTINCT region) FROM fct_cross_region WHERE region_level = 'province'") == 2
    assert _count(db, "SELECT count(DISTINCT year) FROM fct_region_indicator_year WHERE region = '国务院'") >= 2


def _exported_texts(exports: Path) -> dict[str, tuple[str, str]]:
    table = pq.read_table(exports / "report_texts")
    return {rid: (sha, text) for rid, sha, text in zip(*(table.column(c).to_pylist() for c in
                                                       ("report_id", "content_sha256", "report_text")), strict=True)}


def test_the_exported_report_texts_are_identical(builds: Builds) -> None:
    """The texts' Parquet buckets, written bucket by bucket over three runs, equal those written at once, and
    hold exactly the published texts."""
    incremental, scratch = builds.incremental.exports, builds.scratch.exports
    assert incremental is not None and scratch is not None
    texts = _exported_texts(incremental)
    assert texts == _exported_texts(scratch)
    assert sorted(p.name for p in (incremental / "report_texts").glob("*.parquet")) == sorted(
        p.name for p in (scratch / "report_texts").glob("*.parquet"))
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{builds.scratch.published}' AS w (READ_ONLY)")
        published = {rid: (sha, text) for rid, sha, text in
                     con.execute("SELECT report_id, content_sha256, report_text FROM w.dim_report").fetchall()}
    finally:
        con.close()
    assert texts == published and len(texts) == 6


def test_the_exported_marts_hold_their_snapshots_rows(builds: Builds) -> None:
    """Each region-scoped mart's folder of buckets, rewritten bucket by bucket in the incremental runs and written
    whole in the from-scratch run, holds exactly the rows of its own snapshot's table (the snapshots are equal, above)."""
    for build in (builds.incremental, builds.scratch):
        assert build.exports is not None
        folders = sorted(p.parent.name for p in build.exports.glob("*/.export.json"))
        assert folders == sorted(builds.incremental_updated_by_region)
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH '{build.published}' AS w (READ_ONLY)")
            for table in folders:
                exported = f"read_parquet('{build.exports / table}/*.parquet')"
                for a, b in ((exported, f"w.{table}"), (f"w.{table}", exported)):
                    assert con.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchone()[0] == 0, table
            assert con.execute("SELECT count(*) FROM w.fct_indicator_facts").fetchone()[0] > 0
        finally:
            con.close()
