"""DuckDB's memory limit: one setting for the writer, the readers, the publish copy and dbt."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.connection import open_warehouse, read_warehouse
from pipelines.warehouse.limits import (
    DEFAULT_MEMORY_LIMIT,
    load_memory_limit,
    memory_limit,
    publish_memory_limit,
)
from pipelines.warehouse.publish import connect_read_only
from tests.paths import DBT_PROJECT_DIR


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def test_every_pipeline_connection_has_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", "300MB")
    warehouse = tmp_path / "govreport.duckdb"
    with open_warehouse(warehouse) as con:
        assert _limit(con) == "286.1 MiB"  # DuckDB reports 300 MB in MiB
    with read_warehouse(warehouse) as con:
        assert _limit(con) == "286.1 MiB"
    con = connect_read_only(warehouse)
    try:
        assert _limit(con) == "286.1 MiB"
    finally:
        con.close()


def test_default_and_override(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", raising=False)
    assert memory_limit() == DEFAULT_MEMORY_LIMIT == "512MB"
    monkeypatch.setenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", " 2GB ")
    assert memory_limit() == "2GB"


def test_the_load_and_the_publish_stream_under_less_unless_the_variable_says(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", raising=False)
    assert (load_memory_limit(), publish_memory_limit()) == ("256MB", "384MB")
    monkeypatch.setenv("GOVREPORT_DUCKDB_MEMORY_LIMIT", "2GB")
    assert (load_memory_limit(), publish_memory_limit()) == ("2GB", "2GB")


def test_dbt_profile_reads_the_same_variable_and_default():
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    assert f"env_var('GOVREPORT_DUCKDB_MEMORY_LIMIT', '{DEFAULT_MEMORY_LIMIT}')" in profile


def test_in_memory_connections_spill_to_the_temp_directory_not_the_working_directory(tmp_path: Path, monkeypatch):
    """A ``:memory:`` connection that attaches files would spill into ``./.tmp`` (a checkout, say): the
    readers and the publish copy spill under the system's temp directory instead."""
    from pipelines.warehouse.limits import spill_directory

    monkeypatch.chdir(tmp_path)
    warehouse = tmp_path / "govreport.duckdb"
    with open_warehouse(warehouse):
        pass
    con = connect_read_only(warehouse)
    try:
        assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == str(spill_directory())
    finally:
        con.close()
    with read_warehouse(warehouse) as con:
        assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == str(spill_directory())


def test_pipeline_connections_draw_no_progress_bar_over_the_stage_lines(tmp_path: Path, capfd):
    """DuckDB draws a bar for queries over ``progress_bar_time`` (2 s); a large load or publish would put it
    in the middle of ``govreport run``'s output. Here the threshold is 0 so that any query would draw it."""
    slow = "SELECT sum(i) FROM range(20000000) t(i)"
    plain = duckdb.connect()
    plain.execute("SET progress_bar_time = 0")
    plain.execute(slow).fetchall()
    plain.close()
    assert "%" in capfd.readouterr().out  # the bar DuckDB draws by default: the check below can fail

    warehouse = tmp_path / "govreport.duckdb"
    with open_warehouse(warehouse) as con:
        con.execute("SET progress_bar_time = 0")
        con.execute(slow).fetchall()
    con = connect_read_only(warehouse)
    con.execute("SET progress_bar_time = 0")
    con.execute(slow).fetchall()
    con.close()
    with read_warehouse(warehouse) as con:
        con.execute("SET progress_bar_time = 0")
        con.execute(slow).fetchall()
    assert capfd.readouterr().out == ""
