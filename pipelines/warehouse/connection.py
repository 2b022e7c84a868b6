"""Connections to the building warehouse: one writer or many readers at a time, across processes.

DuckDB lets one process write a file, or any number of processes read it, never both: a reader
that opens while a writer has the file gets "Could not set lock", and so does a writer (or
``dbt build``) that opens while a reader has it. Dagster's ``duckdb_writer`` pool serialises writer
steps inside one Dagster instance; the lock file beside the warehouse makes that a wait instead of
an error for everything else (a second ``govreport run``, a check, a test, the CLI): writers hold it
exclusively (:func:`open_warehouse`, :func:`warehouse_lock`), readers share it (:func:`read_warehouse`),
so readers never wait for each other, only for a writer that is writing.

Readers read the building warehouse, not the published snapshot: a check must see what this run
just loaded, and the snapshot is one publish behind.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from pipelines.landing.workers import DBT_PID_SUFFIX, clear_orphan_lock_holder, clear_stale_dbt, wait_gone
from pipelines.warehouse.limits import connect_duckdb
from pipelines.warehouse.schema import RAW_COLUMN_MIGRATIONS, RAW_SCHEMA, RAW_TABLES

T = TypeVar("T")


def dbt_pidfile(warehouse: Path) -> Path:
    """Where the ``govreport-dbt`` wrapper records the pid of the dbt building ``warehouse``."""
    return warehouse.with_name(warehouse.name + DBT_PID_SUFFIX)


def lock_path(warehouse: Path) -> Path:
    """The lock file that guards a warehouse file."""
    return warehouse.with_name(warehouse.name + ".lock")


# Writer locks this process holds: lock file -> the thread holding it. A thread asking again for a lock it
# holds would wait for itself for ever (flock locks belong to the open file, and each request opens it anew).
_HELD_BY_THREAD: dict[str, int] = {}


class LockHeldBySameThread(RuntimeError):
    """This thread asked for a warehouse lock while it holds the writer lock (a step that failed inside it?)."""


def _refuse_self_deadlock(warehouse: Path, what: str) -> None:
    if _HELD_BY_THREAD.get(str(lock_path(warehouse).resolve())) == threading.get_ident():
        raise LockHeldBySameThread(
            f"this thread already holds the writer lock of {warehouse} and asked for its {what} lock, which "
            "would wait for ever: a step that failed while it held the lock (its error comes first in the "
            "run's log) has not released it")


def _flock(handle, mode: int, warehouse: Path, what: str, log=None) -> None:
    """``flock(handle, mode)``, saying so in ``log`` when it has to wait."""
    _refuse_self_deadlock(warehouse, what)
    try:
        fcntl.flock(handle, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        started = time.monotonic()
        if log is not None:
            log.info(f"waiting for the warehouse {what} lock on {warehouse}")
        fcntl.flock(handle, mode)
        if log is not None:
            log.info(f"got the warehouse {what} lock after {time.monotonic() - started:.1f}s")


@contextmanager
def warehouse_lock(warehouse: Path, log=None) -> Iterator[None]:
    """Hold the exclusive writer lock of ``warehouse`` (blocks until no writer or reader holds it)."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(warehouse), "a+") as handle:
        _flock(handle, fcntl.LOCK_EX, warehouse, "writer", log)
        held = str(lock_path(warehouse).resolve())
        _HELD_BY_THREAD[held] = threading.get_ident()
        try:
            # The lock is ours, so any dbt still building this warehouse outlived a killed run and
            # would hold DuckDB's write lock: clear it (PR_SET_PDEATHSIG normally prevents this).
            stale = clear_stale_dbt(str(dbt_pidfile(warehouse)))
            if stale and log is not None:
                log.warning(f"killed dbt (pid {stale}) left running by a dead run on {warehouse}")
            yield
        finally:
            _HELD_BY_THREAD.pop(held, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables if they do not exist."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for ddl in RAW_TABLES.values():
        con.execute(ddl)
    for table, column, type_ in RAW_COLUMN_MIGRATIONS:
        con.execute(f"ALTER TABLE {RAW_SCHEMA}.{table} ADD COLUMN IF NOT EXISTS {column} {type_}")


def connect_recovering(connect: Callable[[], T], log=None) -> T:
    """``connect()``; when DuckDB says its lock is held by a dbt whose run is dead, kill it and retry once.

    Call it while holding :func:`warehouse_lock`: then no live run of ours can hold the file.
    """
    try:
        return connect()
    except duckdb.IOException as exc:
        pid = clear_orphan_lock_holder(str(exc))
        if pid is None:
            raise
        wait_gone(pid)
        if log is not None:
            log.warning(f"cleared a stale DuckDB lock held by dbt (pid {pid}) left by a dead run")
        # The killed holder's lock can outlive it by a moment (seen on loaded machines, the holder
        # already a zombie): retry while DuckDB still names that pid, for at most about 5 s.
        for _ in range(50):
            try:
                return connect()
            except duckdb.IOException as again:
                if f"(PID {pid})" not in str(again):
                    raise
                time.sleep(0.1)
        return connect()


@contextmanager
def reader_lock(warehouse: Path, log=None) -> Iterator[None]:
    """Hold a shared reader lock of ``warehouse``: waits only while a writer holds it.

    Where the lock file cannot be opened (a read-only folder), no writer can work either, so the
    read goes ahead without it.
    """
    warehouse = Path(warehouse)
    try:
        handle = open(lock_path(warehouse), "a+")  # noqa: SIM115 - closed below
    except OSError:
        try:
            handle = open(lock_path(warehouse))  # noqa: SIM115 - an existing lock file in a read-only folder
        except OSError:
            yield
            return
    with handle:
        _flock(handle, fcntl.LOCK_SH, warehouse, "reader", log)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def read_warehouse(warehouse: Path, *, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the building warehouse read-only under a shared reader lock (never the writer lock).

    Many readers (checks, ``govreport run``'s summary, the CLI) read at once; a reader waits only
    while a writer (load, ``dbt build``, publish) holds the file. A dbt orphaned by a dead run that
    still holds DuckDB's lock is cleared as for a writer (no live run of ours can hold the file while
    we hold the reader lock). The connection is a fresh in-memory DuckDB with the file attached
    read-only, so it never shares DuckDB's per-process cache with a writer of the same process.
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    with reader_lock(warehouse, log=log):
        con = connect_recovering(lambda: _attach_read_only(warehouse), log=log)
        try:
            yield con
        finally:
            con.close()


def _attach_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = connect_duckdb()
    try:
        path = str(warehouse).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def open_warehouse(warehouse: Path, *, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the building warehouse for writing under the writer lock, with the raw schema present."""
    with warehouse_lock(warehouse, log=log), connect_holding_lock(warehouse, log=log) as con:
        yield con


@contextmanager
def connect_holding_lock(warehouse: Path, *, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for a caller that already holds :func:`warehouse_lock` (raw schema present).

    For a step that holds the lock across several writers of its own (the dbt build between two
    bookkeeping writes): taking the lock again in the same process would wait for itself.
    """
    con = connect_recovering(lambda: connect_duckdb(str(warehouse)), log=log)
    try:
        ensure_raw_schema(con)
        yield con
    finally:
        con.close()
