"""A real ``dbt build`` of dbt_project/ against a temporary DuckDB warehouse, then checks on the marts' values."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.dbt.fixtures import build_raw_warehouse
from tests.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow  # its own dbt build of the fixture rows

dbt_main = pytest.importorskip("dbt.cli.main")

MARTS = (
    "fct_indicator_facts",
    "fct_region_indicator_year",
    "fct_target_vs_actual",
    "fct_cross_region",
    "fct_keyword_year",
    "dim_region",
)
# marts that are views in the warehouse (projections of raw tables; the published snapshot stores them as tables)
VIEW_MARTS = ("dim_report", "ingest_quarantine")


@pytest.fixture(scope="module")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory):
    """Build the raw fixture warehouse, run ``dbt build`` in-process, yield (path, dbt result)."""
    tmp = tmp_path_factory.mktemp("dbt_build")
    warehouse = tmp / "govreport.duckdb"
    build_raw_warehouse(warehouse)
    plant_old_layout(warehouse)
    with pytest.MonkeyPatch.context() as mp:  # a module fixture: the function-scoped monkeypatch is not there
        mp.setenv("GOVREPORT_WAREHOUSE", str(warehouse))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        result = dbt_main.dbtRunner().invoke(
            [
                "build",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(tmp / "target"),
                "--log-path",
                str(tmp / "logs"),
                "--no-partial-parse",
                "--quiet",
            ]
        )
    yield warehouse, result, tmp / "target"


def plant_old_layout(warehouse: Path) -> None:
    """Relations an older layout built in ``main`` (dbt does not drop what it no longer builds)."""
    connection = duckdb.connect(str(warehouse))
    connection.execute("CREATE TABLE main.stg_raw__facts AS SELECT 1 AS stale")
    connection.execute("CREATE VIEW main.int_indicator_values AS SELECT 1 AS stale")
    connection.close()


@pytest.fixture(scope="module")
def con(built_warehouse):
    warehouse, result, _ = built_warehouse
    assert result.success, f"dbt build failed: {result.exception or result.result}"
    # dbt-duckdb keeps its database instance open in this process after invoke(); a connection with the
    # default configuration shares that instance (read_only=True would be refused as a different configuration).
    connection = duckdb.connect(str(warehouse))
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict:
    rel = con.execute(sql, params or [])
    cols = [d[0] for d in rel.description]
    rows = rel.fetchall()
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql} {params}"
    return dict(zip(cols, rows[0], strict=True))


def test_build_succeeds_and_runs_unit_tests(built_warehouse):
    _, result, _ = built_warehouse
    assert result.success, f"dbt build failed: {result.exception}"
    statuses = {str(r.node.resource_type): 0 for r in result.result}
    for r in result.result:
        statuses[str(r.node.resource_type)] += 1
    assert statuses.get("unit_test", 0) >= 3
    assert statuses.get("test", 0) >= 40  # one table_contract per model and seed, relationships, the data-quality tests
    failing = {r.node.name: str(r.status) for r in result.result if str(r.status) not in ("success", "pass")}
    # the two provinces state a GDP growth target but no actual: the headline check warns, nothing else
    assert failing == {"headline_facts_present": "warn"}


def test_sources_map_to_dagster_asset_keys(built_warehouse):
    _, _, target = built_warehouse
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    keys = {
        src["name"]: src["config"]["meta"]["dagster"]["asset_key"] for src in manifest["sources"].values()
    }
    assert keys == {
        "reports": ["raw", "reports"],
        "facts": ["raw", "facts"],
        "keyword_counts": ["raw", "keyword_counts"],
        # one key per raw table, matching the raw_tables multi-asset in pipelines/defs/warehouse_assets.py
        "ingest_quarantine": ["raw", "ingest_quarantine"],
        "corrections": ["raw", "corrections"],
        "pending_regions": ["raw", "pending_regions"],
    }


def test_layers_in_their_schemas(con):
    tables = {
        r[0]
        for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
    }
    assert set(MARTS) <= tables
    views = {
        r[0]
        for r in con.execute("select view_name from duckdb_views() where schema_name = 'staging'").fetchall()
    }
    assert {
        "stg_raw__reports",
        "stg_raw__facts",
        "stg_raw__keyword_counts",
        "stg_raw__ingest_quarantine",
    } <= views
    schemas = {r[0]: r[1] for r in con.execute(
        "select table_name, schema_name from duckdb_tables() where table_name like 'int_%'").fetchall()}
    assert schemas == {"int_facts_corrected": "intermediate", "int_indicator_values": "intermediate"}
    # the views in main: dim_report (the texts, not copied on every build) and ingest_quarantine (a projection of
    # one raw table); the snapshot stores both as tables
    assert con.execute("select view_name from duckdb_views() where schema_name = 'main' and not internal "
                       "order by 1").fetchall() == [(v,) for v in VIEW_MARTS]
    assert con.execute("select comment from duckdb_views() where view_name = 'dim_report'").fetchone()[0]
    # the old layout's copies in main are dropped after the run (macros/drop_stale_relations.sql)
    assert not {t for t in tables if t.startswith(("stg_", "int_"))}
    headline = con.execute("select report_id from test_failures.headline_facts_present order by 1").fetchall()
    assert headline == [("province/广东省/2026",), ("province/浙江省/2026",)]


def test_docs_are_persisted_as_comments(con):
    for table in MARTS:
        row = one(
            con, "select comment from duckdb_tables() where schema_name = 'main' and table_name = ?", [table]
        )
        assert row["comment"], f"{table} has no table comment"
        missing = con.execute(
            "select column_name from duckdb_columns() where schema_name = 'main' and table_name = ?"
            " and (comment is null or comment = '')",
            [table],
        ).fetchall()
        assert missing == [], f"{table} columns without comment: {missing}"
    quarantine = one(con, "select comment from duckdb_views() where schema_name = 'main' and view_name = ?",
                     ["ingest_quarantine"])
    assert quarantine["comment"], "ingest_quarantine has no view comment"
    assert con.execute("select column_name from duckdb_columns() where schema_name = 'main' and table_name = "
                       "'ingest_quarantine' and (comment is null or comment = '')").fetchall() == []
    met = one(
        con,
        "select comment from duckdb_columns() where table_name = 'fct_target_vs_actual' and column_name = 'met'",
    )
    assert "met_rule" in met["comment"]


def test_fact_mart_keeps_every_fact_with_indicator_name(con):
    assert one(con, "select count(*) n from fct_indicator_facts")["n"] == 27
    row = one(con, "select * from fct_indicator_facts where fact_id = 'f03'")
    assert row["indicator_name_zh"] == "地区生产总值"
    assert row["indicator_category"] == "economy"
    assert row["value_std"] == 17400.0 and row["unit"] == "万亿元"
    assert row["quote"] == "地区生产总值达1.74万亿元"


def test_a_part_of_the_region_stays_in_the_fact_mart_only(con):
    row = one(con, "select * from fct_indicator_facts where fact_id = 'p01'")
    assert (row["subject"], row["is_whole_region"], row["value"]) == ("县域经济", False, 9.1)
    assert one(con, "select count(*) n from fct_indicator_facts where subject is null")["n"] == 26
    for mart, where in (
        ("fct_region_indicator_year", "region = '江苏省' and indicator_id = 'gdp_growth' and year = 2025"
                                      " and measure = 'growth_rate'"),
        ("fct_cross_region", "region = '江苏省' and indicator_id = 'gdp_growth' and year = 2025"
                             " and measure = 'growth_rate'"),
        ("fct_target_vs_actual", "region = '江苏省' and indicator_id = 'gdp_growth' and year = 2025"),
    ):
        assert one(con, f"select count(*) n from {mart} where {where}")["n"] == 0, mart


def test_panel_deduplicates_and_records_candidates(con):
    row = one(
        con,
        "select * from fct_region_indicator_year where region = '南京市' and indicator_id = 'gdp_growth'"
        " and measure = 'growth_rate' and year = 2023",
    )
    # f01 (2024 report, headline) beats f06 (预计, same report) and f14 (2025 restatement)
    assert row["actual_value"] == 4.6
    assert row["actual_candidates"] == 3
    assert row["actual_report_id"] == "city/南京市/2024"
    assert row["actual_qualifier"] == "exact"
    row = one(
        con,
        "select * from fct_region_indicator_year where region = '南京市' and indicator_id = 'gdp_growth'"
        " and measure = 'growth_rate' and year = 2024",
    )
    assert (row["actual_value"], row["target_value"], row["target_qualifier"]) == (5.0, 5.0, "at_least")
    assert (row["actual_report_id"], row["target_report_id"]) == ("city/南京市/2025", "city/南京市/2024")
    row = one(
        con,
        "select * from fct_region_indicator_year where region = '南京市' and indicator_id = 'gdp' and year = 2023",
    )
    assert (row["actual_value"], row["unit"]) == (17400.0, "亿元")
    # a multi-year measure is its own row, the plan target in plan_target_* columns
    row = one(
        con,
        "select * from fct_region_indicator_year where region = '江苏省' and measure = 'avg_growth_rate'"
        " and year = 2030",
    )
    assert row["is_multi_year"] is True
    assert row["plan_target_value"] == 5.0 and row["target_value"] is None and row["actual_value"] is None


def test_target_vs_actual_met(con):
    def tva(region: str, indicator: str, year: int) -> dict:
        return one(
            con,
            "select * from fct_target_vs_actual where region = ? and indicator_id = ? and year = ?",
            [region, indicator, year],
        )

    row = tva("南京市", "gdp_growth", 2024)  # 5%以上 vs 5.0
    assert (row["met"], row["met_rule"], row["gap"], row["status"]) == (True, "at_least", 0.0, "met")
    row = tva("南京市", "retail_sales_growth", 2024)  # 5.5%左右 vs 4.6: 0.9pp short
    assert (row["met"], row["met_rule"], row["gap"], row["within_tolerance"]) == (
        False,
        "about_higher",
        -0.9,
        False,
    )
    row = tva("南京市", "high_tech_enterprises", 2024)  # 突破1.1万家 vs 1.2万家, compared in 家
    assert (row["met"], row["compared_target"], row["actual_value"], row["unit"]) == (
        True,
        11000.0,
        12000.0,
        "家",
    )
    row = tva("国务院", "cpi", 2024)  # 3%左右 vs 0.2: a ceiling, lower is better
    assert (row["met"], row["met_rule"], row["lower_is_better"]) == (True, "about_lower", True)
    row = tva("南京市", "gdp_growth", 2025)
    assert (row["met"], row["status"], row["actual_value"]) == (None, "no_actual_yet", None)
    row = tva("浙江省", "gdp_growth", 2026)  # range 5%-5.5%: compared with the low end
    assert (row["met_rule"], row["compared_target"], row["target_value_low"]) == ("range_low", 5.0, 5.0)
    n_multi = one(
        con, "select count(*) n from fct_target_vs_actual where measure like '%avg%' or measure like 'cum%'"
    )
    assert n_multi["n"] == 0


def test_cross_region_ranks(con):
    rows = con.execute(
        "select region, value_mid, rank_in_level, regions_in_level from fct_cross_region"
        " where indicator_id = 'gdp_growth' and measure = 'growth_rate' and kind = 'target' and year = 2026"
        " and region_level = 'province' order by rank_in_level"
    ).fetchall()
    assert rows == [("浙江省", 5.25, 1, 3), ("江苏省", 5.0, 2, 3), ("广东省", 4.5, 3, 3)]
    ties = con.execute(
        "select rank_in_level from fct_cross_region where indicator_id = 'cpi' and year = 2026 and kind = 'target'"
    ).fetchall()
    assert sorted(ties) == [(1,), (1,)]


def test_keyword_rates(con):
    row = one(
        con, "select * from fct_keyword_year where report_id = 'city/南京市/2024' and keyword = '高质量发展'"
    )
    assert (row["region"], row["report_year"], row["per_10k_chars"]) == ("南京市", 2024, 6.0)
    assert row["keyword_source"] == "curated"


def test_dim_region_codes(con):
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select region, region_level, parent_province, admin_code, report_count, first_year, last_year"
            " from dim_region"
        ).fetchall()
    }
    assert rows["南京市"] == ("city", "江苏省", "320100", 2, 2024, 2025)
    assert rows["国务院"] == ("national", None, "100000", 2, 2024, 2025)
    assert rows["江苏省"][2] == "320000"
    assert rows["江宁区"] == ("county", "江苏省", "320115", 1, 2024, 2024)  # every county is in the seed now
    # a county written with its parent city matches the seed row 海拉尔区
    assert rows["呼伦贝尔市海拉尔区"] == ("county", "内蒙古自治区", "150702", 1, 2015, 2015)


def test_quarantine_mart(con):
    row = one(con, "select * from ingest_quarantine")
    assert (row["reason_code"], row["severity"], row["was_loaded"]) == ("binary", "rejected", False)
