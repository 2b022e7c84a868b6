"""``govreport query`` is sandboxed; every command fails with ``govreport <cmd>: error: …``, no traceback."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.warehouse.connection import ensure_raw_schema, lock_path


@pytest.fixture
def published(tmp_path: Path, monkeypatch) -> Path:
    """A small published snapshot where ``GOVREPORT_WAREHOUSE`` says (no pipeline run needed)."""
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    snapshot = tmp_path / "wh" / "govreport.published.duckdb"
    warehouse.parent.mkdir()
    for path in (warehouse, snapshot):
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE fct_x AS SELECT 42 AS answer")
        ensure_raw_schema(con)
        con.close()
    monkeypatch.setenv("GOVREPORT_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("GOVREPORT_PUBLISHED", raising=False)
    return snapshot


def test_query_reads_the_published_snapshot(published, capsys):
    assert main(["query", "SELECT answer FROM fct_x", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["answer", "42"]


@pytest.mark.parametrize("sql", [
    "COPY (SELECT 1) TO '{warehouse}'",
    "COPY (SELECT 1) TO '{tmp}/leak.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "ATTACH '{warehouse}' AS w2",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "CREATE TABLE t AS SELECT 1",
])
def test_query_cannot_write_read_files_or_load_extensions(published, capsys, sql):
    warehouse = published.with_name("govreport.duckdb")
    before = {p.name: p.read_bytes() for p in published.parent.iterdir() if p.is_file()}
    code = main(["query", sql.format(warehouse=warehouse, tmp=published.parent)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("govreport query: error: ") and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in published.parent.iterdir() if p.is_file()} == before


def test_chart_with_a_bad_path_is_an_error_not_a_traceback(published, tmp_path, capsys):
    code = main(["chart", "cross-region", "--out", str(tmp_path / "no" / "such" / "dir" / "x.svg")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("govreport chart: error: ") and "Traceback" not in err


def test_quarantine_does_not_need_the_writer_lock(published, capsys):
    """A warehouse whose folder takes no new files (the lock file cannot be created): still listed."""
    warehouse = published.with_name("govreport.duckdb")
    lock_path(warehouse).mkdir()  # opening the lock file now fails, as in a read-only folder
    assert main(["quarantine"]) == 0
    assert "No files in quarantine." in capsys.readouterr().out


def test_every_command_reports_errors_the_same_way(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GOVREPORT_WAREHOUSE", str(tmp_path / "none.duckdb"))
    monkeypatch.delenv("GOVREPORT_PUBLISHED", raising=False)
    for argv in (["query", "SELECT 1"], ["quarantine"], ["chart", "target-vs-actual", "--out", "x.png"],
                 ["run", "--reports", str(tmp_path / "nope")], ["extract", str(tmp_path / "nope.txt")]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code != 0 and f"govreport {argv[0]}: error: " in err and "Traceback" not in err, (argv, err)
