"""Helpers for the end-to-end tests: read facts from a warehouse file; compare two warehouses table by table."""

from __future__ import annotations

from pathlib import Path

import duckdb

FACT_COLUMNS = (
    "report_id, indicator_id, kind, period_year, measure, value, value_low, value_high, unit, "
    "qualifier, quote, char_start, char_end"
)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run one query on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def fact_rows(db: Path, table: str = "raw.facts") -> list[tuple]:
    """Every fact (without load timestamps), sorted, for comparing two runs."""
    return sorted(query(db, f"SELECT fact_id, {FACT_COLUMNS} FROM {table}"), key=repr)


def facts_for(db: Path, report_id: str, indicator_id: str, kind: str) -> list[tuple]:
    """(period_year, measure, value, value_low, value_high, unit, qualifier) of matching facts."""
    return query(
        db,
        "SELECT period_year, measure, value, value_low, value_high, unit, qualifier FROM fct_indicator_facts "
        "WHERE report_id = ? AND indicator_id = ? AND kind = ? ORDER BY char_start",
        [report_id, indicator_id, kind],
    )


# What legitimately differs between two builds of the same input, left out of the comparison:
BUILD_COLUMNS = {"loaded_at", "recorded_at"}  # when a row was written: differs between any two builds
BOOKKEEPING_TABLES = {"build_state", "unpublished_regions"}  # which build is published and what changed since
PATH_HASH_COLUMNS = {"stage_sha"}  # raw.load_state: hashes the staged document, absolute source_path included


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [catalog, schema, table],
    ).fetchall()


def warehouse_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    """The schema's tables except the build bookkeeping (raw.build_state: which build is published)."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? ORDER BY 1",
        [catalog, schema],
    ).fetchall() if r[0] not in BOOKKEEPING_TABLES]


def _select(catalog: str, schema: str, table: str, columns: list[tuple[str, str]], reports: Path) -> str:
    """The table's rows without build columns, with this build's reports folder written as <reports>."""
    prefix = str(reports).replace("'", "''")
    exprs = []
    for name, dtype in columns:
        if name in BUILD_COLUMNS | PATH_HASH_COLUMNS:
            continue
        col = f'"{name}"'
        exprs.append(f"replace({col}, '{prefix}', '<reports>') AS {col}" if dtype == "VARCHAR" else col)
    return f'SELECT {", ".join(exprs)} FROM {catalog}."{schema}"."{table}"'


def table_differences(a: Path, b: Path, schema: str, reports_a: Path, reports_b: Path) -> dict[str, str]:
    """``table -> what differs`` between schema ``schema`` of DuckDB files ``a`` and ``b`` (empty: the same).

    Every table of the schema (but :data:`BOOKKEEPING_TABLES`) must exist in both with the same
    columns and hold the same rows (as a multiset), leaving out :data:`BUILD_COLUMNS` and
    :data:`PATH_HASH_COLUMNS` and writing each build's reports folder (``reports_a``,
    ``reports_b``) as ``<reports>`` in every text column.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        tables_a, tables_b = warehouse_tables(con, "a", schema), warehouse_tables(con, "b", schema)
        out: dict[str, str] = {}
        if tables_a != tables_b:
            out["<tables>"] = f"only in {a.name}: {sorted(set(tables_a) - set(tables_b))}; " \
                              f"only in {b.name}: {sorted(set(tables_b) - set(tables_a))}"
        for table in sorted(set(tables_a) & set(tables_b)):
            cols_a, cols_b = _columns(con, "a", schema, table), _columns(con, "b", schema, table)
            if cols_a != cols_b:
                out[table] = f"columns differ: {cols_a} vs {cols_b}"
                continue
            sel_a = _select("a", schema, table, cols_a, reports_a)
            sel_b = _select("b", schema, table, cols_b, reports_b)
            only_a = con.execute(f"{sel_a} EXCEPT ALL {sel_b}").fetchall()
            only_b = con.execute(f"{sel_b} EXCEPT ALL {sel_a}").fetchall()
            if only_a or only_b:
                out[table] = (f"{len(only_a)} row(s) only in the first, e.g. {only_a[:3]}; "
                              f"{len(only_b)} only in the second, e.g. {only_b[:3]}")
        return out
    finally:
        con.close()
