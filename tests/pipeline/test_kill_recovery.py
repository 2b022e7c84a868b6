"""A run killed while ``dbt build`` runs leaves no process behind, and the next run succeeds unaided."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.runner import run_pipeline
from tests.paths import PROJECT_ROOT, SAMPLE_REPORTS
from tests.pipeline.helpers import query
from tests.procs import cmdline, descendants, ephemeral_dagster_env, reaped, wait_gone


def _start_run(reports: Path, warehouse: Path, *extra: str) -> subprocess.Popen:
    """`govreport run` in a process of its own, on an ephemeral Dagster instance, output discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run", "--reports", str(reports), "--warehouse", str(warehouse),
         *extra],
        cwd=PROJECT_ROOT, env=ephemeral_dagster_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _building(dbt_log: Path) -> bool:
    """dbt has started building: its log has the "Concurrency: N threads" line a build prints before its first node."""
    try:
        return "Concurrency:" in dbt_log.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_kill_during_dbt_build_leaves_no_orphans_and_next_run_succeeds(tmp_path: Path):
    reports = tmp_path / "reports"
    shutil.copytree(SAMPLE_REPORTS, reports)
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    dbt_log = warehouse.parent / "dbt" / "dbt.log"  # dbt runs inside the run's process and logs here
    with reaped(_start_run(reports, warehouse)) as proc:
        for _ in range(3000):  # poll every 0.1 s until dbt build runs (or the run ends)
            if _building(dbt_log) or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None and _building(dbt_log), "dbt build never started"
        left = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    survivors = wait_gone(left)
    assert survivors == [], [(p, cmdline(p)) for p in survivors]

    outcome = run_pipeline(reports, warehouse, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    assert outcome.table_counts["main.fct_indicator_facts"] > 0


@pytest.mark.slow
def test_run_killed_mid_commit_leaves_nothing_half_done(tmp_path: Path):
    """`govreport run --fault-pause` stops the load at its commit; a kill there changes nothing.

    The same kill at the publish swap is pinned where it is cheaper, on the publish itself
    (tests/warehouse/test_publish.py::test_killed_publish_leaves_previous_snapshot_and_republish_works).
    """
    reports = tmp_path / "reports"
    shutil.copytree(SAMPLE_REPORTS, reports)
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    marker = tmp_path / "paused"
    with reaped(_start_run(reports, warehouse, "--fault-pause", f"before_commit:{marker}")) as proc:
        while not marker.exists():
            assert proc.poll() is None, "the run ended before its pause point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    published = warehouse.with_name("govreport.published.duckdb")
    assert query(warehouse, "SELECT count(*) FROM raw.facts") == [(0,)]  # the load's transaction never landed
    assert not published.exists()  # nothing was ever published
    outcome = run_pipeline(reports, warehouse, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.error
    facts = outcome.table_counts["raw.facts"]
    assert facts > 0 and query(published, "SELECT count(*) FROM fct_indicator_facts") == [(facts,)]
