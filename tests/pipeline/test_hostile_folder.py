"""A reports folder full of bad files: each is set aside with its reason, the good ones load, re-runs change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main as cli_main
from pipelines.defs.runner import run_pipeline
from tests.paths import NANJING_2024, SAMPLE_REPORTS
from tests.pipeline.helpers import fact_rows, query

pytestmark = pytest.mark.slow  # its own folder, run twice

NANJING = NANJING_2024.read_text(encoding="utf-8")


def build_hostile_folder(reports: Path) -> None:
    """The sample plus one file per failure mode (generated here, nothing committed)."""
    shutil.copytree(SAMPLE_REPORTS, reports)
    (reports / "empty.txt").write_bytes(b"")
    (reports / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (reports / "recipe.txt").write_text("红烧肉的做法：五花肉切块，焯水，加冰糖炒糖色，再加酱油炖一小时。\n" * 5, encoding="utf-8")
    # a real report with its region's name removed: nothing says whose report it is
    (reports / "nameless.txt").write_text(NANJING.replace("南京市", "").replace("南京", "本市"), encoding="utf-8")
    truncated = reports / "city" / "苏州市" / "2024.txt"
    truncated.parent.mkdir(parents=True)
    truncated.write_text(NANJING.replace("南京", "苏州")[:6000].rstrip("。\n"), encoding="utf-8")
    dup = reports / "downloads" / "nanjing_2024_copy.txt"
    dup.parent.mkdir(parents=True)
    dup.write_bytes(NANJING.replace("\n", "\r\n").encode("gb18030"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    reports = root / "reports"
    build_hostile_folder(reports)
    warehouse = root / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    first = run_pipeline(reports, warehouse, instance=instance)
    facts_first = fact_rows(warehouse)
    quarantine_first = query(warehouse, "SELECT partition_key, reason_code, severity FROM raw.ingest_quarantine "
                                        "ORDER BY 1, 2")
    second = run_pipeline(reports, warehouse, instance=instance)
    return first, second, facts_first, quarantine_first


def test_good_reports_load_despite_bad_files(hostile_run):
    first, _, _, _ = hostile_run
    assert first.success, first.error
    assert sorted(r[0] for r in query(first.warehouse, "SELECT report_id FROM raw.reports")) == [
        "city/南京市/2024", "city/苏州市/2024"]


def test_each_bad_file_has_its_reason(hostile_run):
    _, _, _, quarantine = hostile_run
    assert quarantine == [
        ("city/苏州市/2024", "truncated", "warning"),
        ("downloads/nanjing_2024_copy", "duplicate", "duplicate"),
        ("empty", "empty_file", "rejected"),
        ("junk", "binary", "rejected"),
        ("nameless", "unattributed", "rejected"),
        ("recipe", "not_a_report", "rejected"),
    ]


def test_truncated_report_still_yields_facts(hostile_run):
    first, _, _, _ = hostile_run
    n = query(first.warehouse, "SELECT count(*) FROM raw.facts WHERE report_id = 'city/苏州市/2024'")[0][0]
    assert n > 10


def test_rerun_changes_nothing(hostile_run):
    first, second, facts_first, quarantine_first = hostile_run
    assert second.success
    assert fact_rows(second.warehouse) == facts_first
    assert query(second.warehouse, "SELECT partition_key, reason_code, severity FROM raw.ingest_quarantine "
                                   "ORDER BY 1, 2") == quarantine_first
    assert second.table_counts == first.table_counts


def test_quarantine_command_lists_reasons(hostile_run, capsys):
    first, _, _, _ = hostile_run
    assert cli_main(["quarantine", "--warehouse", str(first.warehouse)]) == 0
    out = capsys.readouterr().out
    assert "[rejected] binary" in out and "[duplicate] duplicate" in out and "6 file(s) in quarantine." in out
    assert "same normalised content as partition city/南京市/2024" in out
