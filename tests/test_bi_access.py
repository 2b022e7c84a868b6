"""BI access: the published snapshot opened through SQLAlchemy + duckdb_engine, as Superset does."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.warehouse.publish import publish_snapshot

MARTS_SQL = """
CREATE TABLE fct_target_vs_actual (region VARCHAR, region_level VARCHAR, indicator_id VARCHAR, measure VARCHAR,
    year INTEGER, unit VARCHAR, target_value DOUBLE, target_value_low DOUBLE, target_value_high DOUBLE,
    target_qualifier VARCHAR, target_report_id VARCHAR, actual_value DOUBLE, actual_qualifier VARCHAR,
    actual_report_id VARCHAR, gap DOUBLE, met BOOLEAN, met_rule VARCHAR);
INSERT INTO fct_target_vs_actual VALUES
    ('南京市', 'city', 'gdp_growth', 'growth_rate', 2023, '%', 5, NULL, NULL, 'at_least', 'city/南京市/2023',
     4.6, 'exact', 'city/南京市/2024', -0.4, false, 'actual >= target'),
    ('苏州市', 'city', 'gdp_growth', 'growth_rate', 2023, '%', 5, NULL, NULL, 'about', 'city/苏州市/2023',
     4.6, 'exact', 'city/苏州市/2024', -0.4, true, 'about: within 0.5');
COMMENT ON TABLE fct_target_vs_actual IS '年度目标与次年报告的实际完成情况';
COMMENT ON COLUMN fct_target_vs_actual.met IS '是否完成目标';
CREATE TABLE build_state AS SELECT 1 AS generation;
"""


@pytest.fixture
def published(tmp_path: Path) -> Path:
    warehouse = tmp_path / "govreport.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute(MARTS_SQL)
    con.close()
    return publish_snapshot(warehouse, tmp_path / "govreport.published.duckdb").path


def _set_generation(published: Path, generation: int) -> None:
    warehouse = published.with_name("govreport.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE build_state SET generation = ?", [generation])
    con.close()
    publish_snapshot(warehouse, published)


@pytest.mark.parametrize(
    ("query", "connect_args"),
    [
        ("", {"read_only": True}),
        ("?access_mode=read_only", {}),
        ("", {"config": {"access_mode": "read_only"}}),
    ],
    ids=["connect_args-read_only", "uri-access_mode", "connect_args-config"],
)
def test_sqlalchemy_read_only_engine_queries_marts(published: Path, query: str, connect_args: dict) -> None:
    engine = sa.create_engine(f"duckdb:///{published}{query}", connect_args=connect_args)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT region, target_value, target_qualifier, actual_value, gap, met "
                    "FROM fct_target_vs_actual WHERE indicator_id = :ind AND year = :year ORDER BY region"
                ),
                {"ind": "gdp_growth", "year": 2023},
            ).all()
            assert [tuple(r) for r in rows] == [
                ("南京市", 5.0, "at_least", 4.6, -0.4, False),
                ("苏州市", 5.0, "about", 4.6, -0.4, True),
            ]
            assert conn.execute(sa.text("SELECT current_setting('access_mode')")).scalar() == "read_only"
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                conn.execute(sa.text("CREATE TABLE scratch (x INTEGER)"))
            conn.rollback()
        frame = pd.read_sql("SELECT region, met FROM fct_target_vs_actual ORDER BY region", engine)
        assert frame.to_dict("records") == [
            {"region": "南京市", "met": False},
            {"region": "苏州市", "met": True},
        ]
    finally:
        engine.dispose()


def test_read_only_as_uri_parameter_is_not_understood(published: Path) -> None:
    """duckdb_engine turns URI query parameters into SET statements; ``read_only`` is not a setting."""
    engine = sa.create_engine(f"duckdb:///{published}?read_only=true")
    try:
        with pytest.raises(sa.exc.DBAPIError, match="read_only"):
            with engine.connect():
                pass
    finally:
        engine.dispose()


def test_table_listing_and_comments_are_visible(published: Path) -> None:
    engine = sa.create_engine(f"duckdb:///{published}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == ["build_state", "fct_target_vs_actual"]
        assert inspector.get_table_comment("fct_target_vs_actual") == {
            "text": "年度目标与次年报告的实际完成情况"
        }
        with engine.connect() as conn:
            comment = conn.execute(
                sa.text(
                    "SELECT comment FROM duckdb_columns() "
                    "WHERE table_name = 'fct_target_vs_actual' AND column_name = 'met'"
                )
            ).scalar()
        assert comment == "是否完成目标"
    finally:
        engine.dispose()


# SQLAlchemy >= 2.0.45 column reflection queries pg_catalog.pg_collation, which duckdb_engine 0.17 on
# DuckDB 2.0.1 lacks (duckdb/duckdb#22069, Mause/duckdb_engine#1379): pyproject pins sqlalchemy < 2.0.45.
def test_column_reflection_with_comments(published: Path) -> None:
    engine = sa.create_engine(f"duckdb:///{published}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        columns = {c["name"]: c for c in sa.inspect(engine).get_columns("fct_target_vs_actual")}
        assert columns["met"]["comment"] == "是否完成目标"
    finally:
        engine.dispose()


def test_publish_while_bi_engine_is_connected(published: Path) -> None:
    """A pooled BI connection never blocks a publish; NullPool connections see each new snapshot."""
    pooled = sa.create_engine(f"duckdb:///{published}", connect_args={"read_only": True})
    try:
        with pooled.connect() as conn:
            assert conn.execute(sa.text("SELECT generation FROM build_state")).scalar() == 1
            _set_generation(published, 2)  # while the BI connection is open
            assert conn.execute(sa.text("SELECT generation FROM build_state")).scalar() == 1
    finally:
        pooled.dispose()  # pooled connections pin the snapshot they opened until disposed
    fresh = sa.create_engine(f"duckdb:///{published}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        with fresh.connect() as conn:
            assert conn.execute(sa.text("SELECT generation FROM build_state")).scalar() == 2
        _set_generation(published, 3)
        with fresh.connect() as conn:
            assert conn.execute(sa.text("SELECT generation FROM build_state")).scalar() == 3
    finally:
        fresh.dispose()
