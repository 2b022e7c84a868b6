"""No orphans and linear costs: children die with the run, a per-report time budget, linear extraction."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from pipelines.defs.report_assets import _MIN_PARTITIONS_FOR_POOL, _extract_one, _map_reports, pool_chunk_size
from pipelines.extract import extract_facts
from pipelines.landing.store import LandingStore
from pipelines.landing.work import extraction_payload, ingest_payload
from pipelines.landing.workers import (
    call_with_budget,
    clear_stale_dbt,
    init_pool_worker,
    warehouse_from_dbt_vars,
)
from pipelines.warehouse.connection import open_warehouse
from pipelines.warehouse.load import sync_raw_tables
from tests.paths import NANJING_2024 as NANJING
from tests.procs import alive, cmdline, descendants, kill_quietly, wait_gone

DENSE = "地区生产总值增长1.1%，"


POOL_THEN_HANG = textwrap.dedent(
    """
    import os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from pipelines.landing.workers import init_pool_worker
    pool = ProcessPoolExecutor(max_workers=2, initializer=init_pool_worker)
    pids = [pool.submit(os.getpid).result() for _ in range(4)]
    pool.submit(time.sleep, 600)
    print(" ".join(str(p) for p in sorted(set(pids))), flush=True)
    time.sleep(600)
    """
)


def test_pool_workers_and_their_resource_tracker_die_with_a_killed_run():
    proc = subprocess.Popen([sys.executable, "-c", POOL_THEN_HANG], stdout=subprocess.PIPE, text=True)
    workers = [int(p) for p in proc.stdout.readline().split()]
    everything = descendants(proc.pid)  # the workers and multiprocessing's resource tracker
    assert workers and set(workers) <= set(everything) and all(alive(p) for p in workers)
    proc.kill()
    proc.wait()
    assert wait_gone(everything) == []


EXEC_CHILD = textwrap.dedent(
    """
    import os, subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c",
        "import os; from pipelines.landing.workers import die_with_parent; die_with_parent(); "
        "os.execv('/bin/sleep', ['sleep', '600'])"])
    print(child.pid, flush=True)
    time.sleep(600)
    """
)


def test_a_child_that_execs_like_the_dbt_wrapper_dies_with_its_parent():
    """``govreport-dbt`` sets PR_SET_PDEATHSIG and then ``exec``-s dbt: the setting survives the exec."""
    proc = subprocess.Popen([sys.executable, "-c", EXEC_CHILD], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    for _ in range(200):  # until the exec happened
        with open(f"/proc/{child}/cmdline", "rb") as fh:
            if fh.read().startswith(b"sleep"):
                break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert wait_gone([child]) == []


WRAPPER = Path(sys.executable).parent / "govreport-dbt"  # installed with the package, for dbt runs by hand


def test_the_wrapper_records_its_pid_beside_the_warehouse_named_in_the_dbt_vars(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    dbt_vars = json.dumps({"govreport_warehouse": str(warehouse)})
    assert warehouse_from_dbt_vars(["build", "--vars", dbt_vars]) == str(warehouse)
    assert warehouse_from_dbt_vars(["build", f"--vars={dbt_vars}"]) == str(warehouse)
    assert warehouse_from_dbt_vars(["parse", "--quiet"]) is None
    # the real wrapper, exec-ing the venv's dbt: its pid is in <warehouse>.dbt.pid, no environment variable
    proc = subprocess.run([str(WRAPPER), "debug", "--config-dir", "--vars", dbt_vars],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert int((tmp_path / "w.duckdb.dbt.pid").read_text()) > 0


def test_stale_dbt_of_a_dead_run_is_cleared(tmp_path):
    """A ``dbt`` whose run is gone (parent reaped) is killed by the next writer; a live run's is not."""
    orphan = subprocess.Popen(["bash", "-c", "(exec -a dbt-build-orphan sleep 600) & echo $!"],
                              stdout=subprocess.PIPE, text=True)
    pid = int(orphan.stdout.readline())
    orphan.wait()  # its parent shell is gone: the sleeper is an orphan named like a dbt
    try:
        for _ in range(400):  # until the background subshell has exec-ed into the "dbt"
            if cmdline(pid).startswith("dbt-build-orphan"):
                break
            time.sleep(0.05)
        pidfile = tmp_path / "w.duckdb.dbt.pid"
        pidfile.write_text(str(pid))
        assert clear_stale_dbt(str(pidfile)) == pid
        assert wait_gone([pid]) == [] and not pidfile.exists()
    finally:
        kill_quietly(pid)

    live = subprocess.Popen(["bash", "-c", "exec -a dbt-live sleep 600"])
    try:
        pidfile.write_text(str(live.pid))  # parent is this (python) test process: a live run
        assert clear_stale_dbt(str(pidfile)) is None and alive(live.pid)
    finally:
        live.kill()
        live.wait()


def test_budget_sets_a_pathological_report_aside(tmp_path):
    """Extraction over its budget in a pool worker: a ``timeout`` payload, and the load goes on."""
    store = LandingStore(tmp_path / "landing")
    reports = tmp_path / "reports"
    nanjing = NANJING.read_text(encoding="utf-8")
    for region, tail in (("甲市", DENSE * 200_000), ("乙市", "")):
        path = reports / "city" / region / "2024.txt"
        path.parent.mkdir(parents=True)
        path.write_text(nanjing.replace("南京市", region) + tail, encoding="utf-8")
        key = f"city/{region}/2024"
        payload = ingest_payload(path, reports, key)
        assert payload["document"] is not None, payload["issues"]
        store.write_document(key, payload)
    with ProcessPoolExecutor(max_workers=1, initializer=init_pool_worker) as pool:
        results = dict(pool.map(_extract_one, [(str(store.root), "city/甲市/2024", 0.5),
                                               (str(store.root), "city/乙市/2024", 0)]))
    for key, (sha, payload) in results.items():
        store.write_extraction(key, sha, payload)
    assert results["city/甲市/2024"][1]["error"]["reason_code"] == "timeout"
    assert results["city/乙市/2024"][1]["facts"]
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        sync_raw_tables(con, store)
        loaded = con.execute("SELECT report_id FROM raw.reports").fetchall()
        quarantined = con.execute("SELECT partition_key, reason_code FROM raw.ingest_quarantine "
                                  "WHERE severity = 'rejected'").fetchall()
    assert loaded == [("city/乙市/2024",)]
    assert quarantined == [("city/甲市/2024", "timeout")]


def test_budget_in_process_and_in_a_thread():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as threads:  # like a Dagster step thread: no signals needed
        done, _ = threads.submit(call_with_budget, extraction_payload, {
            "text": DENSE * 400_000, "region": "甲市", "region_level": "city", "report_year": 2024}, 0.2).result()
    assert done is False
    assert call_with_budget(sum, [1, 2], 5) == (True, 3)
    done, _ = call_with_budget(extraction_payload, {"text": DENSE * 400_000, "region": "甲市",
                                                    "region_level": "city", "report_year": 2024}, 0.2)
    assert done is False


def _cpu_seconds(repetitions: int) -> float:
    text = DENSE * repetitions
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        facts = extract_facts(text, region="南京市", region_level="city", report_year=2024)
        best = min(best, time.process_time() - started)
    assert len(facts) == repetitions
    return best


def test_extraction_is_linear_in_the_number_of_figures_in_a_sentence():
    """×20,000 vs ×2,500 figures in one sentence: CPU time within 2× of the 8× size ratio."""
    small, large = _cpu_seconds(2_500), _cpu_seconds(20_000)
    assert large / small < 16, (small, large)


def test_a_duckdb_lock_held_by_an_orphaned_dbt_is_cleared(tmp_path):
    """A dbt that survived its run (no pid file: e.g. from before the wrapper) holds DuckDB's write lock:
    the next writer reads the holder's pid from DuckDB's error, sees its run is gone, kills it, goes on."""
    from pipelines.warehouse.connection import open_warehouse as open_wh

    warehouse = tmp_path / "govreport.duckdb"
    holder = tmp_path / "fake_dbt_build.py"  # "dbt" in the command line, like `python …/bin/dbt build`
    holder.write_text(
        "import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1])\nprint('locked', flush=True)\ntime.sleep(600)\n",
        encoding="utf-8",
    )
    shell = subprocess.Popen(["bash", "-c", f'("{sys.executable}" "{holder}" "{warehouse}" &) ; sleep 0.1'],
                             stdout=subprocess.PIPE, text=True)
    assert shell.stdout.readline().strip() == "locked"
    shell.wait()  # the holder's parent shell is gone: an orphan, like a dbt that outlived a killed run
    orphans = [int(p) for p in filter(str.isdigit, os.listdir("/proc")) if str(holder) in cmdline(int(p))]
    try:
        assert len(orphans) == 1 and alive(orphans[0])
        with open_wh(warehouse) as con:
            assert con.execute("SELECT count(*) FROM raw.load_state").fetchone() == (0,)
        assert wait_gone(orphans) == []
    finally:
        for pid in orphans:
            kill_quietly(pid)


class _Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def info(self, message: str) -> None:
        self.lines.append(("info", message))

    def warning(self, message: str) -> None:
        self.lines.append(("warning", message))


def _map_in_this_process(queue) -> None:
    context, jobs = SimpleNamespace(log=_Log()), list(range(-_MIN_PARTITIONS_FOR_POOL, 0))
    try:
        queue.put((list(_map_reports(context, abs, jobs, SimpleNamespace(workers=2), "ingest")), context.log.lines))
    except BaseException as err:  # reported, not hung on
        queue.put((repr(err), context.log.lines))


def test_a_step_in_a_daemonic_process_maps_its_reports_there_instead_of_failing():
    """A Celery prefork worker's child is daemonic and may not start a process pool: the step works on alone."""
    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    child = fork.Process(target=_map_in_this_process, args=(queue,), daemon=True)
    child.start()
    child.join()
    results, lines = queue.get_nowait()
    assert results == list(range(_MIN_PARTITIONS_FOR_POOL, 0, -1)), results
    assert any(level == "warning" and "daemonic" in message for level, message in lines), lines


def test_pool_chunks_are_small_enough_that_no_worker_finishes_long_alone():
    # a batch of 2,000 on 2 workers used to go in chunks of 125 (about 6 s of one worker alone at the end)
    assert pool_chunk_size(2000, 2) == 16
    assert pool_chunk_size(100, 2) == 6  # about 8 chunks per worker
    assert pool_chunk_size(8, 2) == 1
    assert pool_chunk_size(0, 2) == 1
