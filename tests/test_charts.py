"""Charts from the marts: files written, PNG/HTML well-formed, plotted points as expected."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import duckdb
import pytest

from pipelines.reporting import charts, fonts
from pipelines.reporting.charts import ChartResult, NoChartData, cross_region_chart, target_vs_actual_chart

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

MARTS_SQL = """
CREATE TABLE dim_indicator (indicator_id VARCHAR, name_zh VARCHAR, aliases_zh VARCHAR, category VARCHAR,
    measure VARCHAR, default_unit VARCHAR, notes VARCHAR);
INSERT INTO dim_indicator VALUES
    ('gdp_growth', '地区生产总值增长', '经济增长|GDP增长|生产总值增长', 'economy', 'growth_rate', '%', NULL);

CREATE TABLE fct_target_vs_actual (region VARCHAR, region_level VARCHAR, indicator_id VARCHAR, measure VARCHAR,
    year INTEGER, unit VARCHAR, target_value DOUBLE, target_value_low DOUBLE, target_value_high DOUBLE,
    target_qualifier VARCHAR, target_report_id VARCHAR, actual_value DOUBLE, actual_qualifier VARCHAR,
    actual_report_id VARCHAR, gap DOUBLE, met BOOLEAN, met_rule VARCHAR);
INSERT INTO fct_target_vs_actual VALUES
    ('南京市', 'city', 'gdp_growth', 'growth_rate', 2023, '%', 5, NULL, NULL, 'at_least', 'city/南京市/2023',
     4.6, 'exact', 'city/南京市/2024', -0.4, false, 'actual >= target'),
    ('南京市', 'city', 'gdp_growth', 'growth_rate', 2021, '%', 6, NULL, NULL, 'at_least', 'city/南京市/2021',
     7.5, 'exact', 'city/南京市/2022', 1.5, true, 'actual >= target'),
    ('南京市', 'city', 'gdp_growth', 'growth_rate', 2024, '%', 5, 5, 5.5, 'range', 'city/南京市/2024',
     4.5, 'expected', 'city/南京市/2025', -0.5, false, 'actual >= target_low'),
    ('南京市', 'city', 'gdp_growth', 'growth_rate', 2025, '%', 5, NULL, NULL, 'about', 'city/南京市/2025',
     NULL, NULL, NULL, NULL, NULL, 'no actual yet'),
    ('南京市', 'city', 'gdp_growth', 'cumulative_growth_rate', 2025, '%', 30, NULL, NULL, 'about',
     'city/南京市/2021', 28, 'exact', 'city/南京市/2026', -2, false, 'actual >= target'),
    ('苏州市', 'city', 'gdp_growth', 'growth_rate', 2023, '%', 5, NULL, NULL, 'about', 'city/苏州市/2023',
     4.6, 'exact', 'city/苏州市/2024', -0.4, true, 'about: within 0.5');

CREATE TABLE fct_cross_region (indicator_id VARCHAR, measure VARCHAR, kind VARCHAR, year INTEGER,
    region_level VARCHAR, region VARCHAR, value DOUBLE, value_low DOUBLE, value_high DOUBLE, qualifier VARCHAR,
    unit VARCHAR, rank_in_level INTEGER, regions_in_level INTEGER);
INSERT INTO fct_cross_region VALUES
    ('gdp_growth', 'growth_rate', 'target', 2026, 'province', '江苏省', 5, NULL, NULL, 'about', '%', 2, 4),
    ('gdp_growth', 'growth_rate', 'target', 2026, 'province', '广东省', 4.75, 4.5, 5, 'range', '%', 3, 4),
    ('gdp_growth', 'growth_rate', 'target', 2026, 'province', '四川省', 5.5, NULL, NULL, 'about', '%', 1, 4),
    ('gdp_growth', 'growth_rate', 'target', 2026, 'province', '浙江省', 4.5, NULL, NULL, 'at_least', '%', 4, 4),
    ('gdp_growth', 'growth_rate', 'actual', 2026, 'province', '江苏省', 5.1, NULL, NULL, 'exact', '%', 1, 1),
    ('gdp_growth', 'growth_rate', 'target', 2026, 'city', '南京市', 5, NULL, NULL, 'at_least', '%', 1, 1);
"""


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "marts.duckdb"
    con = duckdb.connect(str(path))
    con.execute(MARTS_SQL)
    con.close()
    return path


NANJING_POINTS = [
    {"year": 2021, "measure": "growth_rate", "unit": "%", "target_value": 6.0, "target_value_low": None,
     "target_value_high": None, "target_qualifier": "at_least", "actual_value": 7.5, "actual_qualifier": "exact",
     "gap": 1.5, "met": True, "met_rule": "actual >= target", "target_report_id": "city/南京市/2021",
     "actual_report_id": "city/南京市/2022"},
    {"year": 2023, "measure": "growth_rate", "unit": "%", "target_value": 5.0, "target_value_low": None,
     "target_value_high": None, "target_qualifier": "at_least", "actual_value": 4.6, "actual_qualifier": "exact",
     "gap": -0.4, "met": False, "met_rule": "actual >= target", "target_report_id": "city/南京市/2023",
     "actual_report_id": "city/南京市/2024"},
    {"year": 2024, "measure": "growth_rate", "unit": "%", "target_value": 5.0, "target_value_low": 5.0,
     "target_value_high": 5.5, "target_qualifier": "range", "actual_value": 4.5, "actual_qualifier": "expected",
     "gap": -0.5, "met": False, "met_rule": "actual >= target_low", "target_report_id": "city/南京市/2024",
     "actual_report_id": "city/南京市/2025"},
    {"year": 2025, "measure": "growth_rate", "unit": "%", "target_value": 5.0, "target_value_low": None,
     "target_value_high": None, "target_qualifier": "about", "actual_value": None, "actual_qualifier": None,
     "gap": None, "met": None, "met_rule": "no actual yet", "target_report_id": "city/南京市/2025",
     "actual_report_id": None},
]  # fmt: skip


def _cell(page: str, column: str) -> list[str]:
    return re.findall(rf'<td data-col="{column}">([^<]*)</td>', page)


def test_target_vs_actual_png(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "charts" / "nanjing_gdp.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing-glyph warning would mean Chinese text drawn as boxes
        result = target_vs_actual_chart(warehouse, "南京市", "gdp_growth", out)
    assert isinstance(result, ChartResult)
    assert result.path == out
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert (
        result.points == NANJING_POINTS
    )  # default measure from dim_indicator; other region/measure excluded
    assert not list(out.parent.glob(".*.tmp"))


def test_target_vs_actual_html_is_self_contained_with_data_table(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "nanjing_gdp.html"
    result = target_vs_actual_chart(warehouse, "南京市", "gdp_growth", out)
    page = out.read_text(encoding="utf-8")
    assert result.points == NANJING_POINTS
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<svg" in page and "<script" not in page and 'src="http' not in page and "<link" not in page
    assert "南京市" in page and "地区生产总值增长" in page
    assert _cell(page, "year") == ["2021", "2023", "2024", "2025"]
    assert _cell(page, "target") == ["6", "5", "5-5.5", "5"]
    assert _cell(page, "actual_value") == ["7.5", "4.6", "4.5", ""]
    assert _cell(page, "gap") == ["1.5", "-0.4", "-0.5", ""]
    assert _cell(page, "met") == ["是 yes", "否 no", "否 no", ""]
    assert _cell(page, "target_qualifier") == ["at_least", "at_least", "range", "about"]


def test_target_vs_actual_other_measure(warehouse: Path, tmp_path: Path) -> None:
    result = target_vs_actual_chart(
        warehouse, "南京市", "gdp_growth", tmp_path / "c.png", measure="cumulative_growth_rate"
    )
    assert [(p["year"], p["target_value"], p["actual_value"], p["met"]) for p in result.points] == [
        (2025, 30.0, 28.0, False)
    ]


def test_cross_region_png_in_rank_order_with_chinese_labels(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "provinces_2026.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cross_region_chart(warehouse, "gdp_growth", 2026, out)
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert result.points == [
        {"region": "四川省", "measure": "growth_rate", "value": 5.5, "value_low": None, "value_high": None,
         "qualifier": "about", "unit": "%", "rank_in_level": 1, "regions_in_level": 4, "label": "四川省"},
        {"region": "江苏省", "measure": "growth_rate", "value": 5.0, "value_low": None, "value_high": None,
         "qualifier": "about", "unit": "%", "rank_in_level": 2, "regions_in_level": 4, "label": "江苏省"},
        {"region": "广东省", "measure": "growth_rate", "value": 4.75, "value_low": 4.5, "value_high": 5.0,
         "qualifier": "range", "unit": "%", "rank_in_level": 3, "regions_in_level": 4, "label": "广东省"},
        {"region": "浙江省", "measure": "growth_rate", "value": 4.5, "value_low": None, "value_high": None,
         "qualifier": "at_least", "unit": "%", "rank_in_level": 4, "regions_in_level": 4, "label": "浙江省"},
    ]  # fmt: skip


def test_cross_region_html_labels_are_names(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "provinces_2026.html"
    cross_region_chart(warehouse, "gdp_growth", 2026, out)
    page = out.read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page
    assert _cell(page, "label") == ["四川省", "江苏省", "广东省", "浙江省"]
    assert _cell(page, "region") == ["四川省", "江苏省", "广东省", "浙江省"]
    assert _cell(page, "value_text") == ["5.5", "5", "4.5-5", "4.5"]
    assert _cell(page, "rank_in_level") == ["1", "2", "3", "4"]


def test_cross_region_filters_kind_and_level(warehouse: Path, tmp_path: Path) -> None:
    actual = cross_region_chart(warehouse, "gdp_growth", 2026, tmp_path / "a.png", kind="actual")
    assert [(p["region"], p["value"]) for p in actual.points] == [("江苏省", 5.1)]
    cities = cross_region_chart(warehouse, "gdp_growth", 2026, tmp_path / "c.html", region_level="city")
    assert [(p["region"], p["value"], p["qualifier"]) for p in cities.points] == [("南京市", 5.0, "at_least")]


def test_no_data_and_bad_suffix(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(NoChartData):
        target_vs_actual_chart(warehouse, "上海市", "gdp_growth", tmp_path / "x.png")
    with pytest.raises(NoChartData):
        cross_region_chart(warehouse, "gdp_growth", 1999, tmp_path / "x.png")
    with pytest.raises(ValueError, match="png or .html"):
        target_vs_actual_chart(warehouse, "南京市", "gdp_growth", tmp_path / "x.svg")


def test_cjk_font_family_is_a_real_chinese_font() -> None:
    family = charts.cjk_font_family()
    assert family == fonts.cjk_font().family
    assert fonts.covers(fonts.cjk_font().path, "南京市呼伦贝尔市海拉尔区嵊州市")
