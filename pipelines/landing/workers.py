"""Child processes that die with the run, and a time budget per report.

* :func:`die_with_parent` asks Linux to SIGKILL this process when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``). Pool workers call it on start; the ``govreport-dbt`` wrapper calls
  it before it ``exec``-s dbt, so a killed run leaves no ``dbt build`` holding DuckDB's write lock.
* :func:`call_with_budget` runs one report's work under a wall-clock budget (a watchdog thread)
  and says whether it finished, so one pathological file is set aside as ``timeout`` and the run
  goes on.

No Dagster or DuckDB imports here.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1
DBT_PID_SUFFIX = ".dbt.pid"
WAREHOUSE_VAR = "govreport_warehouse"  # the dbt var that names the warehouse file (dbt_project/profiles.yml)


class ReportTimeout(BaseException):
    """Raised inside the work of one report when its time budget is spent.

    A ``BaseException`` so that no ``except Exception`` inside the work swallows it.
    """


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Have the kernel send ``sig`` to this process when its parent exits; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)
    return True


def init_pool_worker() -> None:
    """Initializer of the ingest/extract process pools: die with the run, ignore Ctrl-C (the parent handles it)."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits every object of the run's process (Dagster's, often millions); without
    # this, each full garbage collection in the worker walks them all again while it extracts.
    gc.freeze()


def call_with_budget(fn: Callable[..., Any], args: Any, seconds: float) -> tuple[bool, Any]:
    """``(True, fn(args))``, or ``(False, None)`` when ``fn`` ran longer than ``seconds`` (0 = no budget).

    A watchdog thread raises :class:`ReportTimeout` in the calling thread when the budget is spent
    (``PyThreadState_SetAsyncExc``): it works in any thread and needs no signal. Like a signal,
    it takes effect between Python bytecodes, so the work must not sit in one C call for long.

    Known limit: a report stuck inside one C call (a pathological regex, say) is not stopped; its
    worker computes on until the call returns. Killing the worker instead needs each report in a
    process of its own: a fork per report from the Dagster process when the work runs in-process
    (it has threads, which makes fork unsafe) or a pool that replaces killed workers (the stdlib
    pool breaks when one dies). Left as is until a report actually does that.
    """
    if seconds <= 0:
        return True, fn(args)
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}
    stop = threading.Event()

    def watchdog() -> None:
        if stop.wait(seconds):
            return
        with lock:
            if not state["finished"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(ReportTimeout))

    timer = threading.Thread(target=watchdog, name="report-budget", daemon=True)
    timer.start()
    try:
        try:
            result = fn(args)
        finally:
            with lock:
                state["finished"] = True
                if state["fired"]:  # raised already, or still pending: clear a pending one
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            stop.set()
            timer.join()
    except ReportTimeout:
        return False, None
    if state["fired"]:
        return False, None  # the budget ran out just as the work ended: treat as over budget
    return True, result


def warehouse_from_dbt_vars(argv: list[str]) -> str | None:
    """The ``govreport_warehouse`` value of a dbt command line's ``--vars`` JSON, if any."""
    for i, arg in enumerate(argv):
        if arg == "--vars" and i + 1 < len(argv):
            text = argv[i + 1]
        elif arg.startswith("--vars="):
            text = arg.split("=", 1)[1]
        else:
            continue
        try:
            value = json.loads(text).get(WAREHOUSE_VAR)
        except (ValueError, AttributeError):
            return None
        return str(value) if value else None
    return None


def dbt_main() -> None:
    """``govreport-dbt``: run the dbt beside this Python so that it dies with the process that started it.

    Sets ``PR_SET_PDEATHSIG`` (kept across ``exec``), records its pid beside the warehouse named in
    ``--vars`` (``<warehouse>.dbt.pid``, so a later run can clear a survivor of an older version),
    then ``exec``-s dbt.
    """
    die_with_parent()
    warehouse = warehouse_from_dbt_vars(sys.argv[1:])
    pidfile = warehouse + DBT_PID_SUFFIX if warehouse else None
    if pidfile and sys.argv[1:2] != ["--version"]:
        try:
            with open(pidfile, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
        except OSError:
            pass
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    os.execv(dbt, [dbt, *sys.argv[1:]])


def clear_stale_dbt(pidfile: str) -> int | None:
    """Kill a ``dbt`` left running by a dead run (its pid in ``pidfile``, its run gone); return its pid.

    A dbt whose parent is a live run (a Python/Dagster process) is left alone (the writer lock
    serialises with it).
    """
    try:
        with open(pidfile, encoding="utf-8") as fh:
            pid = int(fh.read().strip() or 0)
    except (OSError, ValueError):
        return None
    if pid <= 0:
        return None
    if not os.path.exists(f"/proc/{pid}"):
        _unlink_quietly(pidfile)
        return None
    if not kill_if_orphan_dbt(pid):
        return None
    _unlink_quietly(pidfile)
    return pid


def kill_if_orphan_dbt(pid: int) -> bool:
    """SIGKILL ``pid`` when it is a ``dbt`` whose run is gone (adopted by init or a reaper); True if killed."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().decode("utf-8", "replace")
    except (OSError, ValueError, IndexError):
        return False
    if "dbt" not in cmdline or (ppid != 1 and not _adopted(ppid)):
        return False
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in [^\n]*?\(PID (\d+)\)")


def clear_orphan_lock_holder(message: str) -> int | None:
    """From DuckDB's "Conflicting lock is held in … (PID n)" error: kill ``n`` if it is an orphaned dbt."""
    m = _LOCK_HOLDER.search(message)
    if not m:
        return None
    pid = int(m.group(1))
    return pid if kill_if_orphan_dbt(pid) else None


def wait_gone(pid: int, polls: int = 200) -> None:
    """Wait (at most ``polls`` × 0.05 s) until ``pid`` has exited (a killed process releases its locks)."""
    for _ in range(polls):
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.05)


def _adopted(ppid: int) -> bool:
    """True when the parent ``ppid`` is not a run (gone, or an init-like reaper that adopted the orphan)."""
    try:
        with open(f"/proc/{ppid}/cmdline", "rb") as fh:
            cmd = fh.read().decode("utf-8", "replace")
    except OSError:
        return True
    return "python" not in cmd and "dagster" not in cmd and "govreport" not in cmd


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
