"""Listing the staged partitions lists a folder again only when it changed, and reads a ready marker only when
it is new or was written again (``LandingStore.ready_partitions`` and its ``.ready-index.json``)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from pipelines.landing import store as store_module
from pipelines.landing.store import _INDEX_VERSION, READY_FILE, READY_INDEX, LandingStore

HOUR_NS = 3600 * 10**9


def _stage(store: LandingStore, key: str, facts: list[dict]) -> str:
    sha = store.write_document(key, {"report_id": key, "text": "政府工作报告"})
    return store.write_extraction(key, sha, {"facts": facts, "keywords": []})


def _age_folders(root: Path) -> None:
    """Set every folder's time an hour back, as if the stages were written long before the listings."""
    old = time.time_ns() - HOUR_NS
    for folder, _subfolders, _files in os.walk(root / "partitions"):
        os.utime(folder, ns=(old, old))


def _listed(store: LandingStore) -> dict[str, str]:
    return {k: v.stage_sha for k, v in store.ready_partitions().items()}


class ScandirCount:
    """Records the folders a listing scans."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folders: list[str] = []
        real = os.scandir

        def counting(path):
            self.folders.append(str(path))
            return real(path)

        monkeypatch.setattr(store_module.os, "scandir", counting)

    def take(self) -> list[str]:
        out, self.folders = self.folders, []
        return out


def test_markers_are_read_again_only_when_rewritten(tmp_path: Path) -> None:
    store = LandingStore(tmp_path / "landing")
    a = _stage(store, "city/南京市/2024", [])
    b = _stage(store, "city/苏州市/2024", [{"indicator_id": "gdp_growth"}])
    assert _listed(store) == {"city/南京市/2024": a, "city/苏州市/2024": b}
    index = json.loads((tmp_path / "landing" / READY_INDEX).read_text(encoding="utf-8"))
    markers = [entry[2] for entry in index["dirs"].values() if entry[2] is not None]
    assert sorted(m[3] for m in markers) == ["city/南京市/2024", "city/苏州市/2024"]

    # the same file, bytes changed in place with its size and time kept: the listing trusts the index, which
    # shows the marker is not read again
    marker = store.partition_dir("city/南京市/2024") / READY_FILE
    st = marker.stat()
    marker.write_bytes(marker.read_bytes().replace(a.encode(), ("f" * len(a)).encode()))
    os.utime(marker, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _listed(store)["city/南京市/2024"] == a

    # a stage written again is a new marker file: read
    a2 = _stage(store, "city/南京市/2024", [{"indicator_id": "gdp"}])
    assert a2 != a and _listed(store)["city/南京市/2024"] == a2

    # a removed partition leaves the listing and the index; a new one joins
    store.remove("city/苏州市/2024")
    c = _stage(store, "county/江宁区/2024", [])
    assert _listed(store) == {"city/南京市/2024": a2, "county/江宁区/2024": c}
    index = json.loads((tmp_path / "landing" / READY_INDEX).read_text(encoding="utf-8"))
    assert "partitions/city/苏州市/2024" not in index["dirs"] and "partitions/county/江宁区/2024" in index["dirs"]


def test_unchanged_folders_are_not_listed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LandingStore(tmp_path / "landing")
    keys = ["city/南京市/2024", "city/南京市/2023", "city/苏州市/2024"]
    shas = {key: _stage(store, key, []) for key in keys}
    _age_folders(tmp_path / "landing")
    scans = ScandirCount(monkeypatch)
    assert _listed(store) == shas
    assert len(scans.take()) == 7  # partitions, city, two regions, three years

    # nothing changed: no folder is listed, no marker opened
    assert _listed(store) == shas
    assert scans.take() == []

    # a new year of 苏州市: its region folder (a new entry) and the new folder are listed, nothing else
    shas["city/苏州市/2025"] = _stage(store, "city/苏州市/2025", [])
    assert _listed(store) == shas
    assert sorted(Path(p).relative_to(tmp_path / "landing").as_posix() for p in scans.take()) == [
        "partitions/city/苏州市", "partitions/city/苏州市/2025"]

    # a partition staged again (document, extraction and marker renamed into place): its folder is listed
    _age_folders(tmp_path / "landing")
    store.ready_partitions()
    scans.take()
    shas["city/南京市/2023"] = _stage(store, "city/南京市/2023", [{"indicator_id": "gdp"}])
    assert _listed(store) == shas
    assert [Path(p).name for p in scans.take()] == ["2023"]


def test_a_folder_changed_just_before_a_listing_is_listed_again_next_time(tmp_path: Path) -> None:
    """On a file system whose clock is coarse, a change in the same tick as the last listing leaves the folder's
    time as the index has it: folders changed within the margin of that listing are not trusted."""
    store = LandingStore(tmp_path / "landing")
    a = _stage(store, "city/南京市/2024", [])
    folder = store.partition_dir("city/南京市/2024")
    assert _listed(store) == {"city/南京市/2024": a}
    recorded = folder.stat().st_mtime_ns
    (folder / READY_FILE).unlink()
    os.utime(folder, ns=(recorded, recorded))  # the tick did not move
    assert _listed(store) == {}


def test_a_damaged_index_costs_reads_not_answers(tmp_path: Path) -> None:
    store = LandingStore(tmp_path / "landing")
    a = _stage(store, "city/南京市/2024", [])
    _age_folders(tmp_path / "landing")
    store.ready_partitions()
    index = tmp_path / "landing" / READY_INDEX
    for damage in ("not json", '["a list"]', '{"partitions/city/南京市/2024/ready.json": [1, 2]}',
                   f'{{"version": {_INDEX_VERSION}, "made_at": 1, "dirs": {{"partitions": [1, "x", null]}}}}',
                   f'{{"version": {_INDEX_VERSION}, "made_at": "soon", "dirs": []}}'):
        index.write_text(damage, encoding="utf-8")
        assert _listed(store) == {"city/南京市/2024": a}


def test_partition_records_come_from_the_index_for_unchanged_folders(tmp_path: Path) -> None:
    """``partition_records`` (what a run checks to find stale partitions) gives each folder's source record and
    ready marker as the store's readers would, and reads them again only in folders that changed."""
    store = LandingStore(tmp_path / "landing")
    key = "city/南京市/2024"
    sha = store.write_document(key, {"report_id": key, "text": "政府工作报告"})
    store.write_source_record(key, {"size": 12, "mtime_ns": 1})
    store.write_extraction(key, sha, {"facts": [], "keywords": [], "extract_version": "v1"})
    folder = store.partition_folder_key(key)
    records = store.partition_records()
    # the fields that decide whether the partition is current, as the readers read them
    assert records[folder] == ({}, {"extract_version": "v1", "timed_out": False})
    assert store.read_source_record(key) == {"size": 12, "mtime_ns": 1}
    assert records["partitions/city"] == (None, None)
    store.write_source_record(key, {"size": 12, "source_path": "/r/a.txt", "root": "/r", "ingest_version": "i1",
                                    "fingerprint": {"size": 12, "mtime_ns": 1}, "checked_at_ns": 5})
    records = store.partition_records()
    assert records[folder][0] == {"source_path": "/r/a.txt", "root": "/r", "ingest_version": "i1",
                                  "fingerprint": {"size": 12, "mtime_ns": 1}, "checked_at_ns": 5}

    # unchanged folder (its time an hour back): the index answers, the files are not read
    _age_folders(tmp_path / "landing")
    store.partition_records()
    source = store.partition_dir(key) / "source.json"
    st = source.stat()
    source.write_text('{"root": "/elsewhere"}', encoding="utf-8")  # in place: the folder's time does not move
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert store.partition_records()[folder][0]["root"] == "/r"

    # a source record written again (renamed into place): read
    store.write_source_record(key, {"root": "/r2"})
    assert store.partition_records()[folder][0] == {"root": "/r2"}
    # a document written again drops the marker (and the record until it is written): as the readers say
    store.write_document(key, {"report_id": key, "text": "政府工作报告（修订）"})
    assert store.partition_records()[folder] == (None, None) == (store.read_source_record(key), store.ready_marker(key))
