"""The loader under faults: a process killed mid-load leaves the warehouse as it was; re-runs change nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.landing.store import LandingStore
from pipelines.landing.work import extraction_payload, ingest_payload
from pipelines.warehouse.connection import open_warehouse
from pipelines.warehouse.load import raw_row_counts, sync_raw_tables
from tests.paths import NANJING_2024

NANJING = NANJING_2024.read_text(encoding="utf-8")

LOAD_IN_SUBPROCESS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipelines.landing.store import LandingStore
    from pipelines.warehouse.connection import open_warehouse
    from pipelines.warehouse.faults import marker_pause
    from pipelines.warehouse.load import sync_raw_tables
    with open_warehouse(Path(sys.argv[1])) as con:
        sync_raw_tables(con, LandingStore(Path(sys.argv[2])), pause=marker_pause(sys.argv[3]))
    """
)


def stage(reports: Path, store: LandingStore, regions: list[str]) -> None:
    """Write one report per region and stage its ingest + extraction like the assets do."""
    for region in regions:
        path = reports / "city" / region / "2024.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"（{region}）\n" + NANJING.replace("南京市", region), encoding="utf-8")
        key = f"city/{region}/2024"
        payload = ingest_payload(path, reports, key)
        sha = store.write_document(key, payload)
        store.write_extraction(key, sha, extraction_payload(payload["document"]))


def counts(warehouse: Path) -> dict[str, int]:
    with open_warehouse(warehouse) as con:
        return raw_row_counts(con)


def test_killed_load_leaves_previous_state_and_next_load_completes(tmp_path: Path):
    reports, store = tmp_path / "reports", LandingStore(tmp_path / "landing")
    warehouse = tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市", "乙市"])
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
    before = counts(warehouse)
    assert before["reports"] == 2 and before["facts"] > 0

    # change one report and add three: the next load deletes and inserts rows for four partitions
    stage(reports, store, ["甲市", "丙市", "丁市", "戊市"])
    (reports / "city" / "甲市" / "2024.txt").write_text(NANJING.replace("南京市", "甲市")[:3000] + "。\n", encoding="utf-8")
    stage_one = ingest_payload(reports / "city" / "甲市" / "2024.txt", reports, "city/甲市/2024")
    store.write_extraction("city/甲市/2024", store.write_document("city/甲市/2024", stage_one),
                           extraction_payload(stage_one["document"]))

    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-c", LOAD_IN_SUBPROCESS, str(warehouse), str(store.root), f"before_commit:{marker}"],
    )
    while not marker.exists():
        assert proc.poll() is None, "the load exited before its pause point"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert counts(warehouse) == before  # nothing of the killed load is visible

    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store)
        assert sorted(summary.partitions_loaded) == ["city/丁市/2024", "city/丙市/2024", "city/戊市/2024",
                                                     "city/甲市/2024"]
    after = counts(warehouse)
    assert after["reports"] == 5
    con = duckdb.connect(str(warehouse), read_only=True)
    per_report = dict(con.execute("SELECT report_id, count(*) FROM raw.facts GROUP BY 1").fetchall())
    con.close()
    assert per_report["city/甲市/2024"] < per_report["city/乙市/2024"] == per_report["city/丙市/2024"]

    # a re-run with nothing changed touches nothing
    with open_warehouse(warehouse) as con:
        again = sync_raw_tables(con, store)
    assert again.partitions_loaded == [] and again.partitions_unchanged == 5
    assert counts(warehouse) == after


def test_same_content_under_two_names_is_loaded_once(tmp_path: Path):
    reports, store = tmp_path / "reports", LandingStore(tmp_path / "landing")
    stage(reports, store, ["甲市"])
    copy = reports / "misc" / "nanjing-copy.txt"
    copy.parent.mkdir(parents=True)
    copy.write_text((reports / "city" / "甲市" / "2024.txt").read_text(encoding="utf-8").replace("\n", "\r\n"),
                    encoding="gb18030")
    payload = ingest_payload(copy, None, "misc/nanjing-copy")
    payload["document"]["region"], payload["document"]["report_id"] = "甲市", "city/甲市/2024-copy"
    store.write_extraction("misc/nanjing-copy", store.write_document("misc/nanjing-copy", payload),
                           extraction_payload(payload["document"]))
    warehouse = tmp_path / "wh.duckdb"
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store)
        rows = con.execute("SELECT partition_key, severity, duplicate_of FROM raw.ingest_quarantine "
                           "WHERE severity <> 'warning'").fetchall()
    assert summary.duplicates == {"misc/nanjing-copy": "city/甲市/2024"}
    assert rows == [("misc/nanjing-copy", "duplicate", "city/甲市/2024")]
    assert counts(warehouse)["reports"] == 1


def _stage_text(reports: Path, store: LandingStore, rel: str, text: str, region: str) -> str:
    path = reports / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    key = rel.rsplit(".", 1)[0]
    payload = ingest_payload(path, None, key)
    payload["document"].update(region=region, region_level="city", report_year=2024,
                               report_id=f"city/{region}/2024")
    store.write_extraction(key, store.write_document(key, payload), extraction_payload(payload["document"]))
    return key


def test_two_texts_of_one_report_keep_the_longer_and_a_removed_winner_brings_back_the_other(tmp_path: Path):
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    summary_key = _stage_text(reports, store, "a_summary.txt", NANJING[:5000] + "。\n", "南京市")
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
    full_key = _stage_text(reports, store, "z_full.txt", NANJING, "南京市")
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store)
        loaded = con.execute("SELECT partition_key FROM raw.reports").fetchall()
        quarantined = con.execute("SELECT partition_key, duplicate_of FROM raw.ingest_quarantine "
                                  "WHERE severity = 'duplicate'").fetchall()
        facts_from = {r[0] for r in con.execute("SELECT DISTINCT partition_key FROM raw.facts").fetchall()}
    assert summary.duplicates == {summary_key: full_key}
    assert loaded == [(full_key,)] and quarantined == [(summary_key, full_key)] and facts_from == {full_key}

    store.remove(full_key)  # the full text's file is gone: the summary is judged again and loads
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
        assert con.execute("SELECT partition_key FROM raw.reports").fetchall() == [(summary_key,)]
        assert con.execute("SELECT count(*) FROM raw.ingest_quarantine WHERE severity = 'duplicate'").fetchone() == (0,)


def stage_copies(store: LandingStore, count: int) -> int:
    """Stage ``count`` distinct reports (the Nanjing report under other region names, each its own content
    hash) with one extraction shared by all; return the facts per report."""
    payload = ingest_payload(NANJING_2024, NANJING_2024.parents[2], "city/南京市/2024")
    extraction = extraction_payload(payload["document"])
    for i in range(count):
        region = f"合成{i:03d}市"
        document = {**payload["document"], "region": region, "report_id": f"city/{region}/2024",
                    "content_sha256": f"{i:064x}", "source_path": f"city/{region}/2024.txt"}
        key = f"city/{region}/2024"
        store.write_extraction(key, store.write_document(key, {**payload, "document": document}), extraction)
    return len(extraction["facts"])


def test_a_large_load_commits_whole_chunks_and_a_killed_one_is_completed_by_the_next(tmp_path: Path):
    store, warehouse = LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    per_report = stage_copies(store, 401)
    marker = tmp_path / "paused"
    script = LOAD_IN_SUBPROCESS.replace("pause=marker_pause(sys.argv[3])",
                                        "pause=marker_pause(sys.argv[3]), commit_every=200")
    proc = subprocess.Popen([sys.executable, "-c", script, str(warehouse), str(store.root), f"before_commit:{marker}"])
    while not marker.exists():
        assert proc.poll() is None, "the load exited before its pause point"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    # killed before its last commit: the first two chunks of 200 are in, each partition with its load state
    with open_warehouse(warehouse) as con:
        assert raw_row_counts(con)["reports"] == 400 and raw_row_counts(con)["facts"] == 400 * per_report
        assert con.execute("SELECT count(*) FROM raw.load_state WHERE status = 'loaded'").fetchone()[0] == 400
        assert con.execute("SELECT count(*) FROM raw.pending_regions").fetchone()[0] == 400
        summary = sync_raw_tables(con, store, commit_every=200)
        assert summary.partitions_loaded == ["city/合成400市/2024"] and summary.partitions_unchanged == 400
        assert summary.regions_touched == 1
        assert raw_row_counts(con)["facts"] == 401 * per_report  # nothing twice, nothing missing
        assert con.execute("SELECT count(DISTINCT fact_id) FROM raw.facts").fetchone()[0] == 401 * per_report


def test_regions_touched_counts_every_chunk_and_the_load_gives_back_the_memory_limit(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", raising=False)
    store = LandingStore(tmp_path / "landing")
    stage_copies(store, 401)
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        summary = sync_raw_tables(con, store, commit_every=200)
        assert summary.regions_touched == 401 and len(summary.partitions_loaded) == 401
        assert con.execute("SELECT count(*) FROM raw.pending_regions").fetchone()[0] == 401
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before


def test_commit_every_must_be_a_whole_number_of_insert_batches(tmp_path: Path):
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        for bad in (0, 150):
            with pytest.raises(ValueError, match="multiple of 200"):
                sync_raw_tables(con, LandingStore(tmp_path / "landing"), commit_every=bad)
