"""Child processes that die with the run, and a time budget per report.

* :func:`die_with_parent` asks Linux to SIGKILL this process when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``). Pool workers call it on start; the ``govreport-dbt`` wrapper calls
  it before it ``exec``-s dbt, so a killed run leaves no ``dbt build`` holding DuckDB's write lock.
* :func:`call_with_budget` runs one report's work under a wall-clock budget (``SIGALRM``) and says
  whether it finished, so one pathological file is set aside as ``timeout`` and the run goes on.

No Dagster or DuckDB imports here.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1
DBT_PID_SUFFIX = ".dbt.pid"


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


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise ReportTimeout()


def call_with_budget(fn: Callable[..., Any], args: Any, seconds: float) -> tuple[bool, Any]:
    """``(True, fn(args))``, or ``(False, None)`` when ``fn`` ran longer than ``seconds`` (0 = no budget).

    The budget is enforced with ``SIGALRM``, so only in a process's main thread (pool workers run
    jobs there); elsewhere the work runs unbudgeted.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return True, fn(args)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})  # a library may have blocked it
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return True, fn(args)
    except ReportTimeout:
        return False, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def dbt_main() -> None:
    """``govreport-dbt``: run the dbt beside this Python so that it dies with the process that started it.

    Sets ``PR_SET_PDEATHSIG`` (kept across ``exec``), records its pid in ``$GOVREPORT_DBT_PIDFILE``
    when set (so a later run can clear a survivor of an older version), then ``exec``-s dbt.
    """
    die_with_parent()
    pidfile = os.environ.get("GOVREPORT_DBT_PIDFILE")
    if pidfile and sys.argv[1:2] != ["--version"]:
        try:
            with open(pidfile, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
        except OSError:
            pass
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    os.execv(dbt, [dbt, *sys.argv[1:]])


def clear_stale_dbt(pidfile: str) -> int | None:
    """Kill a ``dbt`` left running by a dead run (its pid in ``pidfile``, its parent gone); return its pid.

    A dbt whose parent is still alive belongs to a live run and is left alone (the writer lock
    serialises with it).
    """
    try:
        with open(pidfile, encoding="utf-8") as fh:
            pid = int(fh.read().strip() or 0)
    except (OSError, ValueError):
        return None
    if pid <= 0:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            stat = fh.read()
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().decode("utf-8", "replace")
    except OSError:
        _unlink_quietly(pidfile)
        return None
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    if "dbt" not in cmdline or (ppid != 1 and not _adopted(ppid)):
        return None
    os.kill(pid, signal.SIGKILL)
    _unlink_quietly(pidfile)
    return pid


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
