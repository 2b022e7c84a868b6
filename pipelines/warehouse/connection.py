"""Connections to the building warehouse, serialised across processes by a file lock.

DuckDB allows one writing process per file. Dagster's ``duckdb_writer`` pool serialises writer
steps inside one Dagster instance; this lock makes the same guarantee for anything else (a second
``govreport run``, a test, the CLI) and turns "could not set lock" failures into waiting.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from pipelines.landing.workers import DBT_PID_SUFFIX, clear_orphan_lock_holder, clear_stale_dbt, wait_gone
from pipelines.warehouse.schema import RAW_COLUMN_MIGRATIONS, RAW_SCHEMA, RAW_TABLES

T = TypeVar("T")


def dbt_pidfile(warehouse: Path) -> Path:
    """Where the ``govreport-dbt`` wrapper records the pid of the dbt building ``warehouse``."""
    return warehouse.with_name(warehouse.name + DBT_PID_SUFFIX)


def lock_path(warehouse: Path) -> Path:
    """The lock file that guards a warehouse file."""
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def warehouse_lock(warehouse: Path, log=None) -> Iterator[None]:
    """Hold the exclusive writer lock of ``warehouse`` (blocks until it is free)."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(warehouse), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = time.monotonic()
            if log is not None:
                log.info(f"waiting for the warehouse writer lock on {warehouse}")
            fcntl.flock(handle, fcntl.LOCK_EX)
            if log is not None:
                log.info(f"got the warehouse writer lock after {time.monotonic() - started:.1f}s")
        try:
            # The lock is ours, so any dbt still building this warehouse outlived a killed run and
            # would hold DuckDB's write lock: clear it (PR_SET_PDEATHSIG normally prevents this).
            stale = clear_stale_dbt(str(dbt_pidfile(warehouse)))
            if stale and log is not None:
                log.warning(f"killed dbt (pid {stale}) left running by a dead run on {warehouse}")
            yield
        finally:
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
        return connect()


@contextmanager
def open_warehouse(warehouse: Path, *, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the building warehouse for writing under the writer lock, with the raw schema present."""
    with warehouse_lock(warehouse, log=log):
        con = connect_recovering(lambda: duckdb.connect(str(warehouse)), log=log)
        try:
            ensure_raw_schema(con)
            yield con
        finally:
            con.close()
