"""The cluster path on one machine: the partitioned job on dagster-celery builds what the in-process run builds.

A local broker (Debian's ``redis-server`` on a free port, in a temporary folder, no persistence)
and two Celery workers (``celery -A pipelines.defs.celery_worker worker --pool solo``, each its own
process group). A run-worker process, configured by environment variables only
(``GOVREPORT_EXECUTOR=celery``, ``GOVREPORT_CELERY_BROKER``, the ``GOVREPORT_*`` folders and a
persistent ``DAGSTER_HOME``), registers the report files as partitions and executes
``process_reports`` over all of them with ``dg.execute_job``: every step is a Celery task that a
worker rebuilds from ``pipelines.definitions`` and runs. The reports are the bundled sample, six
variants of it under other cities (10 partitions: enough for the ingest and extract steps to use
their process pool inside a worker), one filed under the wrong year, an empty file and a copy (so
quarantine and duplicates take part).

Then ``run_pipeline`` (what ``govreport run`` does, in one process) builds the same folder into
another warehouse, and every table of the two published snapshots (schema ``main``) and of the two
raw schemas must hold the same rows (``tests.pipeline.helpers.table_differences``: write times
left out). The run's own events must show every step executed in one of the two worker processes,
and the warehouse writers one after another: raw tables, dbt models, publish.

Skips with the reason when ``redis-server`` (``apt-get install redis-server``; ``.ci/run`` installs
it) or ``dagster_celery`` (the ``cluster`` extra) is absent.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.runner import run_pipeline
from tests.paths import NANJING_2024, SAMPLE_CORRECTIONS, SAMPLE_REPORTS
from tests.pipeline.helpers import query, table_differences
from tests.pipeline.test_partitions_and_sensor import write_variant
from tests.procs import alive, group_members, reaped_group, wait_gone

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (Debian: apt-get install "
                                                    "redis-server; .ci/run installs it when it can)"),
    pytest.mark.skipif(importlib.util.find_spec("dagster_celery") is None,
                       reason="dagster-celery is not installed (pip install 'govreport[cluster]'; make install does)"),
]

BIN = Path(sys.executable).parent
WORKERS = ("w1", "w2")
VARIANTS = ("苏州市", "无锡市", "常州市", "镇江市", "扬州市", "泰州市")
WRITERS = ("raw_tables", "dbt_models", "published_warehouse")  # step keys of the warehouse writers

# The run worker: what a Dagster deployment's run process does, configured by the environment only.
RUN_ON_CELERY = textwrap.dedent(
    """
    import json
    import dagster as dg
    from pipelines import paths
    from pipelines.definitions import process_reports_job
    from pipelines.defs.automation import partition_range_tags
    from pipelines.defs.runner import sync_partitions
    from pipelines.ingest.discover import scan_reports

    instance = dg.DagsterInstance.get()
    keys = sync_partitions(instance, sorted(scan_reports(paths.reports_dir()).files))
    result = dg.execute_job(dg.reconstructable(process_reports_job), instance, tags=partition_range_tags(keys))
    print(json.dumps({"run_id": result.run_id, "success": result.success, "partitions": len(keys)}))
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _reports(root: Path) -> Path:
    reports = root / "reports"
    shutil.copytree(SAMPLE_REPORTS, reports)
    for i, region in enumerate(VARIANTS):
        write_variant(reports, "city", region, 2024, f"variant {i}")
    write_variant(reports, "city", "徐州市", 2025, "filed under the wrong year")  # attribution_conflict
    (reports / "city" / "盐城市").mkdir(parents=True)
    (reports / "city" / "盐城市" / "2024.txt").write_bytes(b"")  # empty_file
    (reports / "city" / "南京").mkdir(parents=True)
    shutil.copy(NANJING_2024, reports / "city" / "南京" / "2024.txt")  # same text: one of the two is a duplicate
    return reports


def _environment(home: Path, reports: Path, warehouse: Path, corrections: Path, port: int) -> dict[str, str]:
    """This process's environment without any GOVREPORT_*/CELERY_*/DAGSTER_HOME of its own, plus the cluster's."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GOVREPORT_", "CELERY_")) and k != "DAGSTER_HOME"}
    return {
        **base,
        "DAGSTER_HOME": str(home),
        "GOVREPORT_REPORTS_DIR": str(reports),
        "GOVREPORT_WAREHOUSE": str(warehouse),
        "GOVREPORT_CORRECTIONS": str(corrections),
        "GOVREPORT_EXECUTOR": "celery",
        "GOVREPORT_CELERY_BROKER": f"redis://127.0.0.1:{port}/0",
    }


def _wait_ready(worker: subprocess.Popen, log: Path) -> None:
    """Until the worker says it is ready (it fails the test if it exits first)."""
    while "ready." not in log.read_text(encoding="utf-8", errors="replace"):
        assert worker.poll() is None, f"worker exited with {worker.returncode}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)


def test_partitioned_job_on_celery_equals_the_in_process_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reports = _reports(tmp_path)
    corrections = tmp_path / "corrections.csv"
    shutil.copy(SAMPLE_CORRECTIONS, corrections)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "scripts" / "dagster.yaml", home / "dagster.yaml")  # pools: 1
    warehouse = tmp_path / "celery" / "govreport.duckdb"
    port = _free_port()
    env = _environment(home, reports, warehouse, corrections, port)
    (tmp_path / "redis").mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()

    redis = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path / "redis"), "--logfile", str(logs / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    groups: list[int] = [redis.pid]
    with reaped_group(redis):
        while not _redis_answers(port):
            assert redis.poll() is None, (logs / "redis.log").read_text()[-3000:]
            time.sleep(0.1)
        workers: dict[str, subprocess.Popen] = {}
        try:
            for name in WORKERS:
                with open(logs / f"{name}.log", "wb") as out:
                    workers[name] = subprocess.Popen(
                        [str(BIN / "celery"), "-A", "pipelines.defs.celery_worker", "worker", "--pool", "solo",
                         "-n", f"{name}@%h", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                        env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                groups.append(workers[name].pid)
            for name, worker in workers.items():
                _wait_ready(worker, logs / f"{name}.log")
            with open(logs / "run.out", "wb") as out, open(logs / "run.err", "wb") as err:
                run = subprocess.Popen([sys.executable, "-c", RUN_ON_CELERY], env=env, stdout=out, stderr=err,
                                       start_new_session=True)
            groups.append(run.pid)
            with reaped_group(run):
                while run.poll() is None:  # a step whose worker died would never report back
                    dead = {name: w.returncode for name, w in workers.items() if w.poll() is not None}
                    assert not dead, f"workers exited: {dead}"
                    time.sleep(0.5)
        finally:
            for worker in workers.values():
                with reaped_group(worker):
                    pass
    leftovers = [pid for pgid in groups for pid in group_members(pgid)]
    assert wait_gone(leftovers) == [], [(pid, alive(pid)) for pid in leftovers]  # no orphan of redis or a worker

    run_out = (logs / "run.out").read_text(encoding="utf-8")
    assert run.returncode == 0, run_out[-2000:] + (logs / "run.err").read_text(encoding="utf-8")[-5000:]
    summary = json.loads(run_out.strip().splitlines()[-1])
    assert summary["success"] and summary["partitions"] == 10, summary

    # the run's events: every step in a worker process, writers one after another
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()
    records = instance.all_logs(summary["run_id"])
    events = [r for r in records if r.dagster_event is not None]
    starts = {r.step_key: r for r in events if r.dagster_event.event_type == dg.DagsterEventType.STEP_START}
    ends = {r.step_key: r for r in events if r.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS}
    assert {"landing__report_texts", "landing__indicator_facts", *WRITERS} <= set(starts), sorted(starts)
    assert set(ends) == set(starts), sorted(set(starts) - set(ends))
    worker_pids = {worker.pid for worker in workers.values()}
    step_pids = {key: r.dagster_event.pid for key, r in starts.items()}
    assert set(step_pids.values()) <= worker_pids, (step_pids, worker_pids)  # --pool solo: in the worker itself
    taken = {r.step_key: r.dagster_event.engine_event_data.metadata["Celery worker"].value
             for r in events if r.dagster_event.event_type == dg.DagsterEventType.ENGINE_EVENT
             and "in celery worker" in r.dagster_event.message}
    assert set(taken) == set(starts), (sorted(taken), sorted(starts))
    assert {name.split("@")[0] for name in taken.values()} <= set(WORKERS), taken
    for before, after in itertools.pairwise(WRITERS):
        assert ends[before].timestamp <= starts[after].timestamp, f"{after} started before {before} ended"
    print(f"steps by worker: {dict(sorted(taken.items()))}")

    # the same folder, in one process, into another warehouse
    monkeypatch.delenv("DAGSTER_HOME")
    in_process = run_pipeline(reports, tmp_path / "in_process" / "govreport.duckdb",
                              instance=dg.DagsterInstance.ephemeral(), corrections=corrections)
    assert in_process.success, in_process.error
    published = warehouse.with_name(warehouse.stem + ".published.duckdb")
    assert in_process.published != published
    assert table_differences(published, in_process.published, "main", reports, reports) == {}
    assert table_differences(warehouse, in_process.warehouse, "raw", reports, reports) == {}

    # the comparison has content: every report, the quarantined files, the duplicate
    assert query(published, "SELECT count(*) FROM dim_report")[0][0] == 1 + len(VARIANTS)
    assert query(published, "SELECT count(*) FROM fct_indicator_facts WHERE region = '苏州市'")[0][0] > 0
    reasons = {r[0] for r in query(published, "SELECT DISTINCT reason_code FROM ingest_quarantine")}
    assert {"empty_file", "attribution_conflict"} <= reasons, reasons
    assert query(published, "SELECT count(*) FROM ingest_quarantine WHERE severity = 'duplicate'")[0][0] == 1
