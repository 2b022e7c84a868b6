"""One file, one key, or a reason: unique reversible keys, symlinks, editor leftovers, linear discovery."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.ingest import read_report
from pipelines.ingest.discover import decode_partition_key, scan_report_folders, scan_reports
from pipelines.landing.store import LandingStore
from pipelines.landing.work import extraction_payload, ingest_payload
from pipelines.warehouse.connection import open_warehouse
from pipelines.warehouse.load import sync_raw_tables
from tests.paths import NANJING_2024 as NANJING

COLLIDING = [
    ("city/南京'市/2024.txt", "city/南京\"市/2024.txt"),
    ("city/a...b市/2013.txt", "city/a_b市/2013.txt"),
    ("city/x/2013.txt", "city/x/2013.TXT"),
    ("city/y/2013.txt", "city/y/2013"),
    ("city/z/2013.txt", "city/z/2013.pdf"),
    ("p/a,b[1]%/2020.txt", "p/a_b_1__/2020.txt"),
]


def _touch(root: Path, rel: str, text: str = "x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("pair", COLLIDING, ids=[a for a, _ in COLLIDING])
def test_files_that_used_to_collide_get_distinct_reversible_keys(tmp_path, pair):
    for rel in pair:
        _touch(tmp_path, rel)
    found = scan_reports(tmp_path)
    assert len(found.files) == 2, found.files
    for key, path in found.files.items():
        rel = path.relative_to(tmp_path).as_posix()
        decoded = decode_partition_key(key)
        assert rel == decoded or rel.rsplit(".", 1)[0] == decoded, (key, rel)
        assert "..." not in key and not set(key) & set(",[]*?'\"\\|<>")


def test_suffix_kept_only_where_needed(tmp_path):
    for rel in ("city/南京市/2024.txt", "city/南京市/2024.pdf", "city/南京市/2023.HTML", "county/江宁区/2020"):
        _touch(tmp_path, rel)
    assert sorted(scan_reports(tmp_path).files) == [
        "city/南京市/2023", "city/南京市/2024", "city/南京市/2024.pdf", "county/江宁区/2020"]


def test_a_run_looks_up_its_keys_in_their_own_folders_with_the_keys_of_the_whole_walk(tmp_path):
    rels = [rel for pair in COLLIDING for rel in pair] + [
        "city/南京市/2024.txt", "city/南京市/2024.pdf", "city/南京市/2023.HTML", "city/南京市/sub/2020.txt",
        "county/江宁区/2020", "national/2024.txt", "top.txt", ".hidden/2020.txt", "county/江宁区/.2021.txt"]
    for rel in rels:
        _touch(tmp_path, rel)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    _touch(outside, "2019.txt")
    (tmp_path / "city" / "linked").symlink_to(outside, target_is_directory=True)
    whole = scan_reports(tmp_path).files
    wanted = ["city/南京市/2024.pdf", "city/x/2013.TXT", "p/a%2Cb%5B1%5D%25/2020", "top", "national/2024"]
    assert set(wanted) <= set(whole)
    found = scan_report_folders(tmp_path, wanted)
    folders = {key.rpartition("/")[0] for key in wanted}
    # every key of the wanted keys' folders, as the whole walk names them, and nothing from other folders
    assert found.files == {k: v for k, v in whole.items() if k.rpartition("/")[0] in folders}
    assert "city/南京市/sub/2020" not in found.files and "county/江宁区/2020" not in found.files
    # keys under a hidden folder or a link out of the reports folder are not looked up
    assert scan_report_folders(tmp_path, [".hidden/2020", "city/linked/2019"]).files == {}
    assert scan_report_folders(tmp_path / "nothing-here", wanted).files == {}


def test_editor_and_system_leftovers_are_skipped_and_listed(tmp_path):
    _touch(tmp_path, "city/南京市/2013.txt")
    leftovers = ["2013.txt~", ".#2013.txt", "~$2013.docx", ".2013.txt.swp", "2013.swp", ".DS_Store", "Thumbs.db"]
    for name in leftovers:
        _touch(tmp_path, f"city/南京市/{name}")
    found = scan_reports(tmp_path)
    assert list(found.files) == ["city/南京市/2013"]
    assert sorted(rel.rsplit("/", 1)[1] for rel, _ in found.skipped) == sorted(leftovers)


def test_symlinks_are_keyed_by_their_own_path(tmp_path):
    source = _touch(tmp_path, "store/nj.txt", NANJING.read_text(encoding="utf-8"))
    for region in ("南京市", "苏州市"):
        (tmp_path / "city" / region).mkdir(parents=True)
        os.symlink(source, tmp_path / "city" / region / "2024.txt")
    (tmp_path / "linked").symlink_to(tmp_path / "city", target_is_directory=True)  # a linked folder is walked
    found = scan_reports(tmp_path)
    assert sorted(found.files) == ["city/南京市/2024", "city/苏州市/2024", "linked/南京市/2024",
                                   "linked/苏州市/2024", "store/nj"]
    # attribution by where the link sits: 苏州市 disagrees with the text and is quarantined
    assert read_report(found.files["city/南京市/2024"], tmp_path).document.report_id == "city/南京市/2024"
    assert read_report(found.files["city/苏州市/2024"], tmp_path).issues[0].reason_code == "attribution_conflict"


def test_links_out_of_the_folder_are_refused_and_nothing_of_the_target_is_kept(tmp_path):
    outside = _touch(tmp_path, "secret/passwords.txt", "root:hunter2:0:0 政府工作报告 各位代表 我代表")
    reports = tmp_path / "reports"
    (reports / "city" / "南京市").mkdir(parents=True)
    os.symlink(outside, reports / "city" / "南京市" / "2024.txt")
    os.symlink(tmp_path / "secret", reports / "elsewhere")
    found = scan_reports(reports)
    assert list(found.files) == ["city/南京市/2024"]
    assert ("elsewhere/", "symlink to a folder outside the reports folder (not followed)") in found.skipped
    payload = ingest_payload(found.files["city/南京市/2024"], reports, "city/南京市/2024")
    issue = payload["issues"][0]
    assert payload["document"] is None and issue["reason_code"] == "outside_reports_folder"
    assert issue["first_chars"] == "" and issue["size_bytes"] == 0 and "hunter2" not in repr(payload)


def test_broken_link_and_loops_are_listed(tmp_path):
    _touch(tmp_path, "city/南京市/2024.txt")
    os.symlink(tmp_path / "nowhere.txt", tmp_path / "city" / "南京市" / "2023.txt")
    os.symlink(tmp_path / "city", tmp_path / "city" / "南京市" / "loop")
    found = scan_reports(tmp_path)
    assert list(found.files) == ["city/南京市/2024"]
    assert found.unreadable == [("city/南京市/2023.txt", "broken symlink (its target does not exist)")]
    assert found.is_under_unreadable("city/南京市/2023")
    assert any(rel == "city/南京市/loop/" for rel, _ in found.skipped)


def test_two_files_of_one_report_the_loser_names_the_winner(tmp_path):
    """``2024.txt`` and ``2024.TXT`` with the same report: two keys, one loaded, one quarantined row."""
    text = NANJING.read_text(encoding="utf-8")
    _touch(tmp_path / "reports", "city/南京市/2024.txt", text)
    _touch(tmp_path / "reports", "city/南京市/2024.TXT", text[:8000] + "。\n")
    store = LandingStore(tmp_path / "landing")
    found = scan_reports(tmp_path / "reports")
    for key, path in found.files.items():
        payload = ingest_payload(path, tmp_path / "reports", key)
        store.write_extraction(key, store.write_document(key, payload), extraction_payload(payload["document"]))
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        sync_raw_tables(con, store)
        loaded = con.execute("SELECT partition_key FROM raw.reports").fetchall()
        rows = con.execute("SELECT partition_key, reason_code, duplicate_of FROM raw.ingest_quarantine").fetchall()
    assert sorted(found.files) == ["city/南京市/2024.TXT", "city/南京市/2024.txt"]
    assert loaded == [("city/南京市/2024.txt",)]
    assert rows == [("city/南京市/2024.TXT", "duplicate", "city/南京市/2024.txt")]


def test_discovery_is_linear_in_files_per_folder(tmp_path):
    """2,000 vs 250 files in one folder: the number of directory listings and stat calls is the same
    per file (the old per-file sibling scan listed the folder once per file)."""
    calls = {"n": 0}
    real = os.scandir

    def counting(path="."):
        calls["n"] += 1
        return real(path)

    for n, folder in ((250, "small"), (2000, "big")):
        for i in range(n):
            _touch(tmp_path / folder, f"{i:05d}.txt")
    os.scandir, calls["n"] = counting, 0
    try:
        assert len(scan_reports(tmp_path / "big").files) == 2000
        big = calls["n"]
        calls["n"] = 0
        assert len(scan_reports(tmp_path / "small").files) == 250
        small = calls["n"]
    finally:
        os.scandir = real
    assert big == small == 1
