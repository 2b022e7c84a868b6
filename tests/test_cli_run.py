"""`govreport run` as a newcomer sees it: a few stage lines and a summary; Dagster's log behind --verbose."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT, SAMPLE_REPORTS
from tests.pipeline.helpers import query
from tests.procs import ephemeral_dagster_env

pytestmark = pytest.mark.slow

STAGE_LABELS = ("read files", "extract", "load", "dbt build", "publish")


def _run(*args: str) -> subprocess.CompletedProcess:
    """`govreport run ARGS` with stdout and stderr in one stream, not a terminal (as in a CI log)."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", *args], cwd=PROJECT_ROOT, env=ephemeral_dagster_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli_run")
    shutil.copytree(SAMPLE_REPORTS, root / "reports")
    return root / "reports", root / "wh" / "govreport.duckdb"


@pytest.fixture(scope="module")
def first_run(sample) -> subprocess.CompletedProcess:
    """The first quiet `govreport run` into the module's warehouse (the later tests run after it)."""
    reports, warehouse = sample
    return _run("--reports", str(reports), "--warehouse", str(warehouse))


def test_quiet_run_prints_stage_lines_and_a_summary_of_the_marts(sample, first_run):
    reports, warehouse = sample
    proc = first_run
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert len(lines) < 60, proc.stdout
    assert "\r" not in proc.stdout  # one line per stage, no in-place updates outside a terminal
    assert "DEBUG" not in proc.stdout and "STEP_START" not in proc.stdout
    assert "Warning" not in proc.stdout and "Building prefix dict" not in proc.stdout  # no library chatter
    for label in STAGE_LABELS:
        assert sum(line.startswith(label) for line in lines) == 1, (label, proc.stdout)
    facts = query(warehouse, "SELECT count(*) FROM raw.facts")[0][0]
    assert facts > 0
    assert re.search(rf"^extract +1 reports: {facts} facts", proc.stdout, re.M), proc.stdout
    assert re.search(r"^ +reports loaded +1$", proc.stdout, re.M)
    assert re.search(r"^ +quarantined +0$", proc.stdout, re.M)
    assert re.search(rf"^ +facts \(raw.facts\) +{facts}$", proc.stdout, re.M)
    marts = query(warehouse, "SELECT schema_name, table_name FROM duckdb_tables() "
                             "WHERE table_name LIKE 'fct\\_%' ESCAPE '\\' OR table_name LIKE 'dim\\_%' ESCAPE '\\'")
    assert len(marts) >= 5
    for schema, table in marts:
        rows = query(warehouse, f'SELECT count(*) FROM "{schema}"."{table}"')[0][0]
        assert re.search(rf"^ +{schema}\.{table} +{rows}$", proc.stdout, re.M), (table, rows, proc.stdout)
    assert f"Published (BI tools):  {warehouse.with_name('govreport.published.duckdb')}" in proc.stdout
    assert f"Parquet exports:       {warehouse.parent / 'exports'}" in proc.stdout


def test_unchanged_rerun_says_dbt_build_and_publish_were_skipped(sample, first_run):
    reports, warehouse = sample
    published = warehouse.with_name("govreport.published.duckdb")
    before = published.stat().st_mtime_ns
    proc = _run("--reports", str(reports), "--warehouse", str(warehouse))
    assert proc.returncode == 0, proc.stdout
    assert len(proc.stdout.splitlines()) < 60, proc.stdout
    # the unchanged file is recognised before the run: no ingest or extract step runs for it
    assert re.search(r"^read files +1 files: 0 read, 1 unchanged \(fingerprint\)$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^extract +1 reports: 0 extracted, 1 unchanged$", proc.stdout, re.M), proc.stdout
    assert re.search(r"^dbt build +skipped: nothing changed since the last published build", proc.stdout, re.M)
    assert re.search(r"^publish +skipped: nothing to publish, the snapshot is current", proc.stdout, re.M)
    assert published.stat().st_mtime_ns == before
    assert "Blocking asset check" not in proc.stdout  # Dagster's per-check note on the skipped build
    assert f"Published (BI tools):  {published}" in proc.stdout


def test_verbose_run_prints_dagster_events_and_dbt_output(sample, first_run):
    reports, warehouse = sample
    proc = _run("--reports", str(reports), "--warehouse", str(warehouse), "--verbose", "--rebuild")
    assert proc.returncode == 0, proc.stdout
    assert "STEP_START" in proc.stdout and "ASSET_MATERIALIZATION" in proc.stdout
    assert "Running with dbt=" in proc.stdout  # dbt's own lines, through the run's log
    assert "raw.facts" in proc.stdout  # every table listed


def test_run_on_a_terminal_updates_the_stage_line_in_place(sample, tmp_path: Path):
    """On a terminal each stage line is redrawn in place. The run stops at the load (a bad corrections
    file), so the stages before it are drawn without paying for a dbt build; the error ends the screen."""
    reports, _ = sample
    bad = tmp_path / "corrections.csv"
    bad.write_text("not,a,corrections,header\n1,2,3,4\n", encoding="utf-8")
    pid, fd = pty.fork()
    if pid == 0:  # the child: govreport run on a terminal
        os.chdir(PROJECT_ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "pipelines.cli", "run", "--reports", str(reports),
                                   "--warehouse", str(tmp_path / "wh" / "govreport.duckdb"),
                                   "--corrections", str(bad)], ephemeral_dagster_env())
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 1, screen
    assert re.search(r"\r\x1b\[Kread files +1 files", screen), screen  # the stage line is redrawn in place
    assert re.search(r"\r\x1b\[Kextract +1 reports: \d+ facts", screen), screen
    assert "govreport run: error:" in screen and "Traceback" not in screen


def test_failed_run_says_why_with_exit_status_1(sample, first_run, tmp_path: Path):
    reports, warehouse = sample
    bad = tmp_path / "corrections.csv"
    bad.write_text("not,a,corrections,header\n1,2,3,4\n", encoding="utf-8")
    proc = _run("--reports", str(reports), "--warehouse", str(warehouse), "--corrections", str(bad))
    assert proc.returncode == 1, proc.stdout
    assert len(proc.stdout.splitlines()) < 60, proc.stdout
    error = [line for line in proc.stdout.splitlines() if line.startswith("govreport run: error:")]
    assert error and "step raw_tables failed" in error[0] and str(bad) in error[0], proc.stdout
    assert "--verbose" in error[0]
    assert "Traceback" not in proc.stdout


def test_a_run_larger_than_a_batch_ingests_and_extracts_batch_by_batch_then_loads_once(tmp_path: Path):
    reports = tmp_path / "reports"
    nanjing = next(SAMPLE_REPORTS.rglob("*.txt")).read_text(encoding="utf-8")
    for region in ("甲市", "乙市", "丙市"):
        (reports / "city" / region).mkdir(parents=True)
        (reports / "city" / region / "2024.txt").write_text(nanjing.replace("南京市", region), encoding="utf-8")
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    env = {**ephemeral_dagster_env(), "GOVREPORT_RUN_BATCH": "2"}
    proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--reports", str(reports), "--warehouse",
                           str(warehouse)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    lines = proc.stdout.splitlines()
    assert "batches    2 ingest-and-extract runs of at most 2 reports, then one load" in lines, proc.stdout
    extracted = [line for line in lines if line.startswith("extract ")]
    assert [line.split("reports:")[0].split()[-1] for line in extracted] == ["1", "2"], proc.stdout  # balanced
    assert "[batch 1/2]" in extracted[0] and "[batch 2/2]" in extracted[1]
    facts = sum(int(re.search(r"reports: (\d+) facts", line)[1]) for line in extracted)
    load = next(line for line in lines if line.startswith("load "))
    assert f"3 reports (re)loaded, 0 removed, 0 unchanged; {facts} fact rows inserted" in load, proc.stdout
    assert query(warehouse, "SELECT count(*), count(DISTINCT report_id) FROM raw.facts") == [(facts, 3)]
    assert sum(line.startswith("dbt build") for line in lines) == 1 and any(line.startswith("publish") for line in lines)
