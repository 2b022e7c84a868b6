"""The warehouse resource: readers share, a writer excludes; reads never take the writer lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pipelines.defs.resources import WarehouseResource


@pytest.fixture
def warehouse(tmp_path: Path) -> WarehouseResource:
    resource = WarehouseResource(path=str(tmp_path / "wh.duckdb"))
    with resource.write() as con:
        con.execute("CREATE TABLE main.t AS SELECT 'f1' AS fact_id")
    return resource


def test_readers_read_together_without_the_writer_lock(warehouse):
    with warehouse.read() as first, warehouse.read() as second:
        assert first.execute("SELECT count(*) FROM main.t").fetchone() == (1,)
        assert second.execute("SELECT fact_id FROM main.t").fetchone() == ("f1",)
        with pytest.raises(Exception, match="read-only"):
            first.execute("DELETE FROM main.t")


def test_a_reader_waits_for_the_writer_and_sees_its_commit(warehouse):
    seen: list[int] = []
    writing = threading.Event()

    def read_after_write() -> None:
        writing.wait()
        with warehouse.read() as con:
            seen.append(con.execute("SELECT count(*) FROM main.t").fetchone()[0])

    reader = threading.Thread(target=read_after_write)
    reader.start()
    with warehouse.write() as con:
        writing.set()
        time.sleep(0.2)  # the reader is now blocked on the shared lock, not failing on DuckDB's
        con.execute("INSERT INTO main.t VALUES ('f2')")
    reader.join()
    assert seen == [2]


def test_a_writer_waits_for_readers(warehouse):
    order: list[str] = []
    reading = threading.Event()

    def write() -> None:
        reading.wait()
        with warehouse.write() as con:
            order.append("write")
            con.execute("DELETE FROM main.t")

    writer = threading.Thread(target=write)
    writer.start()
    with warehouse.read() as con:
        reading.set()
        time.sleep(0.2)
        order.append("read")
        assert con.execute("SELECT count(*) FROM main.t").fetchone() == (1,)
    writer.join()
    assert order == ["read", "write"]


def test_no_fault_pause_in_a_normal_run(warehouse, tmp_path: Path):
    assert warehouse.pause() is None
    marker = tmp_path / "m"
    paused = WarehouseResource(path=warehouse.path, fault_pause=f"before_commit:{marker}").pause()
    paused("copying")  # another stage: no pause
    assert not marker.exists()


def test_a_thread_holding_the_writer_lock_gets_an_error_not_a_wait_for_itself(tmp_path: Path):
    """A step that failed while suspended inside the writer lock (Dagster raised on an event it yielded) must
    not hang the next step of the same in-process run when that one asks for the reader lock."""
    from pipelines.warehouse.connection import (
        LockHeldBySameThread,
        open_warehouse,
        read_warehouse,
        warehouse_lock,
    )

    warehouse = tmp_path / "govreport.duckdb"
    with open_warehouse(warehouse) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")

    def step():
        with warehouse_lock(warehouse):
            yield "event"

    suspended = step()
    next(suspended)  # now inside the lock, never resumed
    with pytest.raises(LockHeldBySameThread, match="already holds the writer lock"):
        with read_warehouse(warehouse):
            pass
    with pytest.raises(LockHeldBySameThread):
        with open_warehouse(warehouse):
            pass
    suspended.close()  # released: reading works again
    with read_warehouse(warehouse) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]
