"""Process helpers for the tests that kill runs and look for orphans (read from /proc, Linux only)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager


def children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    tree, out, todo = children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cmdline(pid: int) -> str:
    """The command line of ``pid`` with spaces between arguments ("" once it is gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids: list[int], polls: int = 600) -> list[int]:
    """Poll until every pid is gone (at most ``polls`` × 0.05 s); return those still alive."""
    left = list(pids)
    for _ in range(polls):
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return left


def kill_quietly(pid: int) -> None:
    """Kill a process this test started, if it is still there (no leak when an assertion fails)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def reaped(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Yield ``proc``; on the way out kill and reap it if it still runs (no leak when an assertion fails)."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (a child started with ``start_new_session=True`` leads one)."""
    out = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry))
    return out


@contextmanager
def reaped_group(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Like :func:`reaped`, for a child started with ``start_new_session=True``: on the way out kill its
    whole process group (a server's or worker's own children too) and reap it."""
    try:
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def ephemeral_dagster_env() -> dict[str, str]:
    """This process's environment without ``DAGSTER_HOME``: a child `govreport run` uses an ephemeral
    Dagster instance, like a newcomer's first run."""
    return {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
