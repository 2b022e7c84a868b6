"""Unchanged report files are recognised before they are read: fingerprint, then content hash.

The decision functions alone, then real in-process runs (``run_pipeline``) on three reports where
the functions that read a report file, parse it and extract its facts record their calls.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.progress import Progress
from pipelines.defs.runner import run_pipeline
from pipelines.landing import work
from pipelines.landing.store import LandingStore
from pipelines.landing.unchanged import (
    HASH,
    RACY_WINDOW_NS,
    READ,
    REUSE,
    Fingerprint,
    extraction_is_current,
    ingest_decision,
    partition_is_current,
    stale_partitions,
    take_fingerprint,
)
from pipelines.landing.versions import extract_version, ingest_version
from tests.paths import NANJING_2024
from tests.pipeline.helpers import query

NANJING_TEXT = NANJING_2024.read_text(encoding="utf-8")
REGIONS = ("甲市", "乙市", "丙市")
HOUR_AGO_NS = time.time_ns() - 3600 * 10**9

# ------------------------------------------------------------------------------------ the decision


FP = Fingerprint(size=10, mtime_ns=1_000, inode=7, device=1, real_path="/r/city/a/2024.txt")


def record(**changes) -> dict:
    base = {"source_path": "/r/city/a/2024.txt", "root": "/r", "fingerprint": FP.to_dict(),
            "checked_at_ns": FP.mtime_ns + RACY_WINDOW_NS, "bytes_sha256": "ab", "ingest_version": "v1",
            "summary": {"document": True, "characters": 5, "issues": []}}
    return {**base, **changes}


def decide(rec: dict | None, current: Fingerprint | None = FP, **changes) -> str:
    where = {"source_path": "/r/city/a/2024.txt", "root": "/r", "version": "v1", **changes}
    return ingest_decision(rec, current, **where)


def test_same_fingerprint_same_place_same_version_is_reused_unread():
    assert decide(record()) == REUSE


@pytest.mark.parametrize("change", [{"size": 11}, {"mtime_ns": 2_000}, {"inode": 8}, {"device": 2},
                                    {"real_path": "/elsewhere/2024.txt"}])
def test_a_different_fingerprint_is_hashed(change):
    current = Fingerprint(**{**FP.to_dict(), **change})
    assert decide(record(), current) == HASH


def test_a_fingerprint_taken_in_the_same_moment_as_the_write_is_not_trusted():
    """Written and fingerprinted within the racy window: a same-size edit could keep the mtime."""
    assert decide(record(checked_at_ns=FP.mtime_ns + RACY_WINDOW_NS - 1)) == HASH


@pytest.mark.parametrize("rec, changes", [
    (None, {}),  # never ingested, or an older store without records
    ({"fingerprint": FP.to_dict()}, {}),  # a malformed record
    (record(), {"version": "v2"}),  # the ingest code changed
    (record(), {"source_path": "/r/city/b/2024.txt"}),
    (record(), {"root": "/other"}),  # the reports folder moved
])
def test_no_record_another_version_or_another_place_is_read(rec, changes):
    assert decide(rec, **changes) == READ


def test_a_file_that_cannot_be_stat_ed_is_read(tmp_path: Path):
    assert take_fingerprint(tmp_path / "gone.txt") is None
    assert decide(record(), None) == READ


def test_extraction_is_current_only_for_the_same_document_and_version():
    extraction = {"facts": [], "keywords": [], "document_sha": "d1", "extract_version": "e1"}
    assert extraction_is_current(extraction, "d1", "e1")
    assert not extraction_is_current(extraction, "d2", "e1")
    assert not extraction_is_current(extraction, "d1", "e2")
    assert not extraction_is_current({**extraction, "extract_version": None}, "d1", "e1")  # older store
    assert not extraction_is_current(None, "d1", "e1")
    timed_out = {**extraction, "error": {"reason_code": "timeout", "reason": "slow"}}
    assert not extraction_is_current(timed_out, "d1", "e1")  # tried again


def test_versions_follow_the_constants():
    assert ingest_version().startswith(work.INGEST_VERSION + "+")
    assert extract_version().startswith(work.EXTRACTOR_VERSION + "+")


def test_ingest_file_hashes_a_touched_file_and_reads_a_changed_one(tmp_path: Path):
    root = tmp_path / "reports"
    path = write_report(root, "甲市", "a")
    version = ingest_version()
    payload, rec = work.ingest_file(path, root, "city/甲市/2024", None, version)
    assert payload["document"]["region"] == "甲市" and rec["summary"]["document"]
    os.utime(path, ns=(HOUR_AGO_NS + 5, HOUR_AGO_NS + 5))
    same, refreshed = work.ingest_file(path, root, "city/甲市/2024", rec, version)
    assert same is None and refreshed["bytes_sha256"] == rec["bytes_sha256"]
    assert refreshed["fingerprint"]["mtime_ns"] == HOUR_AGO_NS + 5
    write_report(root, "甲市", "a, edited")
    changed, new = work.ingest_file(path, root, "city/甲市/2024", rec, version)
    assert changed is not None and new["bytes_sha256"] != rec["bytes_sha256"]


def test_a_partition_is_current_from_its_source_record_and_ready_marker_alone(tmp_path: Path):
    """What a run checks before it starts: a stat and two small JSON files, the extraction is not read."""
    root, store = tmp_path / "reports", LandingStore(tmp_path / "landing")
    path, key = write_report(root, "甲市", "a"), "city/甲市/2024"
    versions = (ingest_version(), extract_version())
    assert not partition_is_current(store, key, path, root, *versions)  # never staged
    payload, rec = work.ingest_file(path, root, key, None, versions[0])
    sha = store.write_document(key, payload)
    store.write_source_record(key, rec)
    assert not partition_is_current(store, key, path, root, *versions)  # ingested, not extracted
    store.write_extraction(key, sha, {"facts": [], "keywords": [], "extract_version": versions[1]})
    assert partition_is_current(store, key, path, root, *versions)
    (store.partition_dir(key) / "extraction.json").write_text("not read by the check")
    assert partition_is_current(store, key, path, root, *versions)
    assert not partition_is_current(store, key, path, root, versions[0], "another extractor")
    assert not partition_is_current(store, key, path, root, "another ingest", versions[1])
    store.write_extraction(key, sha, {"facts": [], "keywords": [], "extract_version": versions[1],
                                      "error": {"reason_code": "timeout", "reason": "slow"}})
    assert not partition_is_current(store, key, path, root, *versions)  # a timed-out extraction is tried again
    store.write_extraction(key, sha, {"facts": [], "keywords": [], "extract_version": versions[1]})
    marker = store.partition_dir(key) / "ready.json"
    old = json.loads(marker.read_text())
    marker.write_text(json.dumps({"partition_key": key, "stage_sha": old["stage_sha"]}))  # an older store's marker
    assert not partition_is_current(store, key, path, root, *versions)
    store.note_extract_version(key, versions[1])  # what the extract step does for a current extraction
    assert partition_is_current(store, key, path, root, *versions)
    assert store.ready_partitions()[key].stage_sha == old["stage_sha"]  # the loaded state still holds
    write_report(root, "甲市", "a, edited")  # new size and mtime: the steps must look at it
    assert stale_partitions(store, {key: path}, [key], root, *versions) == [key]


# ------------------------------------------------------------------------------- real runs


def write_report(reports: Path, region: str, marker: str) -> Path:
    """The Nanjing text renamed to ``region`` with a marker line, written an hour in the past."""
    path = reports / "city" / region / "2024.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"（{marker}）\n" + NANJING_TEXT.replace("南京市", region), encoding="utf-8")
    os.utime(path, ns=(HOUR_AGO_NS, HOUR_AGO_NS))
    return path


class Calls:
    """Records which report files were read and parsed and how many texts were extracted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        self.parsed: list[str] = []
        self.extracted = 0
        read_source, read_report, extract_facts = work.read_source, work.read_report, work.extract_facts

        def recording_read(path, *a, **kw):
            self.read.append(Path(path).parent.name)
            return read_source(path, *a, **kw)

        def recording_parse(path, *a, **kw):
            self.parsed.append(Path(path).parent.name)
            return read_report(path, *a, **kw)

        def recording_extract(*a, **kw):
            self.extracted += 1
            return extract_facts(*a, **kw)

        monkeypatch.setattr(work, "read_source", recording_read)
        monkeypatch.setattr(work, "read_report", recording_parse)
        monkeypatch.setattr(work, "extract_facts", recording_extract)

    def take(self) -> tuple[list[str], list[str], int]:
        """``(read, parsed, extracted)`` since the last take, then start counting again."""
        out = (sorted(self.read), sorted(self.parsed), self.extracted)
        self.read, self.parsed, self.extracted = [], [], 0
        return out


@pytest.fixture
def three_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reports, warehouse = tmp_path / "reports", tmp_path / "wh" / "govreport.duckdb"
    for i, region in enumerate(REGIONS):
        write_report(reports, region, str(i))
    calls = Calls(monkeypatch)
    instance = dg.DagsterInstance.ephemeral()

    def run() -> str:
        stream = io.StringIO()
        outcome = run_pipeline(reports, warehouse, instance=instance, progress=Progress(stream, live=False))
        assert outcome.success, outcome.error
        return stream.getvalue()

    return reports, warehouse, calls, run


def stage_line(screen: str, label: str) -> str:
    return next(line for line in screen.splitlines() if line.startswith(label))


@pytest.mark.slow
def test_unchanged_touched_changed_and_new_versions(three_reports, monkeypatch: pytest.MonkeyPatch):
    reports, warehouse, calls, run = three_reports
    screen = run()
    assert calls.take() == (sorted(REGIONS), sorted(REGIONS), 3)
    assert "3 files: 3 reports, 0 rejected; 3 read, 0 unchanged (fingerprint)" in stage_line(screen, "read files")
    assert "; full (no complete build recorded)  (" in stage_line(screen, "dbt build")
    facts = query(warehouse, "SELECT count(*) FROM raw.facts")[0][0]
    assert facts > 0

    # nothing changed: no file is opened, nothing is extracted, nothing is loaded again; the files are
    # recognised before the run, which has no ingest or extract step
    screen = run()
    assert calls.take() == ([], [], 0)
    assert stage_line(screen, "read files") == "read files 3 files: 0 read, 3 unchanged (fingerprint)"
    assert stage_line(screen, "extract") == "extract    3 reports: 0 extracted, 3 unchanged"
    assert "0 reports (re)loaded, 0 removed, 3 unchanged" in stage_line(screen, "load")
    assert query(warehouse, "SELECT count(*) FROM raw.facts")[0][0] == facts

    # in one run: one file touched (new mtime, same bytes) is hashed, not parsed or extracted; one file
    # changed is read, parsed, extracted and loaded again; the third (first in the partition order 丙,
    # 乙, 甲) is not opened and not in the run's ingest and extract steps
    os.utime(reports / "city" / "甲市" / "2024.txt", ns=(HOUR_AGO_NS + 10**9, HOUR_AGO_NS + 10**9))
    write_report(reports, "乙市", "1, edited")
    screen = run()
    assert calls.take() == (["乙市", "甲市"], ["乙市"], 1)
    assert stage_line(screen, "read files").startswith(
        "read files 2 files: 2 reports, 0 rejected; 1 read, 0 unchanged (fingerprint), 1 unchanged (content hash); "
        "1 other files unchanged, not in this run  ("), screen
    assert "1 extracted, 1 unchanged; 1 other reports unchanged, not in this run  (" in stage_line(screen, "extract")
    assert "1 reports (re)loaded, 0 removed, 2 unchanged" in stage_line(screen, "load")
    assert "; incremental, 1 regions changed  (" in stage_line(screen, "dbt build")  # 乙市 only: 甲市's text is the same
    # the incremental build rebuilds the 13 table models; the 7 seeds and 7 views stay as the full build made them,
    # and are reported so, so the publish follows
    assert stage_line(screen, "dbt build").startswith("dbt build  13 models and seeds built, 14 seeds and views kept, ")
    assert stage_line(screen, "publish").startswith("publish    20 tables in the snapshot, 20 Parquet exports"), screen
    text = query(warehouse, "SELECT text FROM raw.reports WHERE partition_key = 'city/乙市/2024'")[0][0]
    assert "1, edited" in text

    # a new ingest version reads every file again; the documents come out the same, so nothing is extracted
    monkeypatch.setattr(work, "INGEST_VERSION", "test-ingest-2")
    run()
    assert calls.take() == (sorted(REGIONS), sorted(REGIONS), 0)

    # a new extract version extracts every report again without opening a file
    monkeypatch.setattr(work, "EXTRACTOR_VERSION", "9.9.9-test")
    screen = run()
    assert calls.take() == ([], [], 3)
    assert "facts; 3 extracted, 0 unchanged  (" in stage_line(screen, "extract")
    store = LandingStore(warehouse.parent / "landing")
    assert store.read_extraction("city/甲市/2024")["extract_version"].startswith("9.9.9-test+")

    # (an older landing store without source records reads every file once: pinned without a run,
    # in the unit tests of the decision above)

