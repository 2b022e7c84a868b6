"""Listing the staged partitions reads a ready marker only when it is new or was written again."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipelines.landing.store import READY_FILE, READY_INDEX, LandingStore


def _stage(store: LandingStore, key: str, facts: list[dict]) -> str:
    sha = store.write_document(key, {"report_id": key, "text": "政府工作报告"})
    return store.write_extraction(key, sha, {"facts": facts, "keywords": []})


def test_markers_are_read_again_only_when_rewritten(tmp_path: Path) -> None:
    store = LandingStore(tmp_path / "landing")
    a = _stage(store, "city/南京市/2024", [])
    b = _stage(store, "city/苏州市/2024", [{"indicator_id": "gdp_growth"}])
    listed = store.ready_partitions()
    assert {k: v.stage_sha for k, v in listed.items()} == {"city/南京市/2024": a, "city/苏州市/2024": b}
    assert len(json.loads((tmp_path / "landing" / READY_INDEX).read_text(encoding="utf-8"))) == 2

    # the same file, bytes changed in place with its size and time kept: the listing trusts the index, which
    # shows the marker is not read again
    marker = store.partition_dir("city/南京市/2024") / READY_FILE
    st = marker.stat()
    marker.write_bytes(marker.read_bytes().replace(a.encode(), ("f" * len(a)).encode()))
    os.utime(marker, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert store.ready_partitions()["city/南京市/2024"].stage_sha == a

    # a stage written again is a new marker file: read
    a2 = _stage(store, "city/南京市/2024", [{"indicator_id": "gdp"}])
    assert a2 != a and store.ready_partitions()["city/南京市/2024"].stage_sha == a2

    # a removed partition leaves the listing and the index; a new one joins
    store.remove("city/苏州市/2024")
    c = _stage(store, "county/江宁区/2024", [])
    assert {k: v.stage_sha for k, v in store.ready_partitions().items()} == {"city/南京市/2024": a2,
                                                                            "county/江宁区/2024": c}
    assert len(json.loads((tmp_path / "landing" / READY_INDEX).read_text(encoding="utf-8"))) == 2


def test_a_damaged_index_costs_reads_not_answers(tmp_path: Path) -> None:
    store = LandingStore(tmp_path / "landing")
    a = _stage(store, "city/南京市/2024", [])
    store.ready_partitions()
    index = tmp_path / "landing" / READY_INDEX
    for damage in ("not json", '["a list"]', '{"partitions/city/南京市/2024/ready.json": [1, 2]}'):
        index.write_text(damage, encoding="utf-8")
        assert {k: v.stage_sha for k, v in store.ready_partitions().items()} == {"city/南京市/2024": a}
