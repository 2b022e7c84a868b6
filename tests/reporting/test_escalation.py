"""fct_target_escalation on a real dbt build: targets beside the parent's and the nation's, children's spread."""

from __future__ import annotations

import pytest

from pipelines.warehouse.publish import connect_read_only

COLUMNS = ("target_value, parent_region, parent_target_value, gap_to_parent, national_target_value, gap_to_national,"
           " children_count, children_min, children_median, children_max, children_above_count")


@pytest.fixture(scope="module")
def escalation(reporting_warehouse):
    con = connect_read_only(reporting_warehouse)
    try:
        rows = con.execute(
            f"select region, {COLUMNS} from fct_target_escalation"
            " where indicator_id = 'gdp_growth' and measure = 'growth_rate' and year = 2026"
        ).fetchall()
        comments = con.execute(
            "select table_name, count(*) filter (where comment is null or comment = '') from duckdb_columns()"
            " where table_name in ('fct_target_escalation', 'fct_panel_values') group by all"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}, dict(comments)


def test_targets_down_the_hierarchy(escalation):
    rows, _ = escalation
    #                          target parent   p_target gap   national gap   n  min  median max  above
    assert rows["国务院"] == (4.75, None, None, None, 4.75, 0.0, 3, 4.5, 5.0, 5.25, 2)
    assert rows["江苏省"] == (5.0, "国务院", 4.75, 0.25, 4.75, 0.25, 2, 5.5, 5.625, 5.75, 2)
    assert rows["浙江省"] == (5.25, "国务院", 4.75, 0.5, 4.75, 0.5, 0, None, None, None, 0)  # 5–5.5: midpoint
    assert rows["广东省"] == (4.5, "国务院", 4.75, -0.25, 4.75, -0.25, 0, None, None, None, 0)
    assert rows["南京市"] == (5.5, "江苏省", 5.0, 0.5, 4.75, 0.75, 1, 6.5, 6.5, 6.5, 1)
    assert rows["江宁区"] == (6.5, "南京市", 5.5, 1.0, 4.75, 1.75, 0, None, None, None, 0)
    assert set(rows) == {"国务院", "江苏省", "浙江省", "广东省", "南京市", "苏州市", "江宁区"}


def test_marts_are_documented(escalation):
    _, undocumented = escalation
    assert undocumented == {"fct_target_escalation": 0, "fct_panel_values": 0}
