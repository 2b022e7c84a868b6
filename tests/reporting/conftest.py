"""One warehouse for the reporting tests: the dbt fixture's raw rows plus regions and targets down the
hierarchy, built by a real ``dbt build`` once per session and published (read-only snapshot)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.dbt_build import build_events
from pipelines.warehouse.publish import publish_snapshot
from tests.dbt.fixtures import LOADED_AT, _parse_facts, build_raw_warehouse
from tests.paths import DBT_PROJECT_DIR

# report_id, region, region_level, report_year, char_count
EXTRA_REPORTS = [
    ("national/国务院/2026", "国务院", "national", 2026, 30000),
    ("city/南京市/2026", "南京市", "city", 2026, 21000),
    ("city/苏州市/2026", "苏州市", "city", 2026, 22000),
    ("county/江宁区/2026", "江宁区", "county", 2026, 12000),
    ("city/嵊州市/2016", "嵊州市", "city", 2016, 8000),          # a county-level city filed as a city report
    ("city/鄂尔多斯市/2020", "鄂尔多斯市", "city", 2020, 9000),
    ("county/鼓楼区/2020", "鼓楼区", "county", 2020, 7000),      # four cities have a 鼓楼区: ambiguous
    ("city/襄樊市/2009", "襄樊市", "city", 2009, 9000),          # renamed 襄阳市 in 2010
]

# Same columns as tests.dbt.fixtures.FACTS_TABLE
EXTRA_FACTS_TABLE = """
x01 | national/国务院/2026 | gdp_growth | target | 2026 | growth_rate | | 4.5 | 5 | % | | % | range | 国内生产总值增长4.5%—5% | 900 | true
x02 | city/南京市/2026 | gdp_growth | target | 2026 | growth_rate | 5.5 | | | % | 5.5 | % | at_least | 地区生产总值增长5.5%以上 | 15000 | true
x03 | city/苏州市/2026 | gdp_growth | target | 2026 | growth_rate | | 5.5 | 6 | % | | % | range | 地区生产总值增长5.5%—6% | 14000 | true
x04 | county/江宁区/2026 | gdp_growth | target | 2026 | growth_rate | 6.5 | | | % | 6.5 | % | about | 地区生产总值增长6.5%左右 | 9000 | true
x05 | city/南京市/2026 | gdp_growth | actual | 2025 | growth_rate | 5.2 | | | % | 5.2 | % | exact | 地区生产总值增长5.2% | 1100 | true
x06 | city/鄂尔多斯市/2020 | gdp_growth | actual | 2019 | growth_rate | 4.5 | | | % | 4.5 | % | exact | 地区生产总值增长4.5% | 800 | true
"""


def _add_extra_rows(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        for report_id, region, level, year, chars in EXTRA_REPORTS:
            con.execute(
                "INSERT INTO raw.reports (report_id, partition_key, region, region_level, report_year, source_path,"
                " source_format, encoding, content_sha256, size_bytes, title, char_count, attribution, warnings,"
                " text, loaded_at) VALUES (?, ?, ?, ?, ?, ?, 'txt', 'utf-8', ?, ?, NULL, ?, 'path', NULL, ?, ?)",
                [report_id, report_id, region, level, year, f"{report_id}.txt", f"sha-{report_id}", chars * 3,
                 chars, "政府工作报告", LOADED_AT],
            )
        region_of = {r[0]: r[1:4] for r in EXTRA_REPORTS}
        for (fact_id, report_id, indicator_id, kind, period_year, measure, value, low, high, unit, value_std,
             unit_std, qualifier, quote, char_start, is_headline) in _parse_facts(EXTRA_FACTS_TABLE):
            region, level, year = region_of[report_id]
            con.execute(
                "INSERT INTO raw.facts (fact_id, report_id, partition_key, region, region_level, report_year,"
                " indicator_id, kind, period_year, measure, value, value_low, value_high, unit, value_std,"
                " unit_std, qualifier, quote, char_start, char_end, extractor_version, loaded_at, is_headline)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '0.1.0', ?, ?)",
                [fact_id, report_id, report_id, region, level, year, indicator_id, kind, period_year, measure,
                 value, low, high, unit, value_std, unit_std, qualifier, quote, char_start,
                 char_start + len(quote), LOADED_AT, is_headline],
            )
    finally:
        con.close()


@pytest.fixture(scope="session")
def reporting_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published snapshot of a real ``dbt build`` over the fixture rows (session-wide, built once)."""
    tmp = tmp_path_factory.mktemp("reporting")
    warehouse = tmp / "govreport.duckdb"
    build_raw_warehouse(warehouse)
    _add_extra_rows(warehouse)
    # dbt in this process, as the pipeline runs it (the parsed manifest is shared with the session's other
    # builds of a govreport.duckdb; the build releases the file before the publish opens it)
    list(build_events(DBT_PROJECT_DIR, warehouse, tmp / "dbt"))
    published = tmp / "govreport.published.duckdb"
    publish_snapshot(warehouse, published)
    return published
