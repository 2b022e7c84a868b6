"""Helpers for the end-to-end tests: read facts from a warehouse file."""

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
