"""A small, realistic raw warehouse for exercising the dbt project (Nanjing, three provinces, the State Council)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.warehouse.schema import RAW_SCHEMA, RAW_TABLES

LOADED_AT = dt.datetime(2026, 3, 1, 12, 0, 0)

# report_id, region, region_level, report_year, char_count
REPORTS = [
    ("city/南京市/2024", "南京市", "city", 2024, 20000),
    ("city/南京市/2025", "南京市", "city", 2025, 21000),
    ("county/江宁区/2024", "江宁区", "county", 2024, 12000),
    ("county/呼伦贝尔市海拉尔区/2015", "呼伦贝尔市海拉尔区", "county", 2015, 9000),
    ("province/江苏省/2026", "江苏省", "province", 2026, 25000),
    ("province/浙江省/2026", "浙江省", "province", 2026, 24000),
    ("province/广东省/2026", "广东省", "province", 2026, 26000),
    ("national/国务院/2024", "国务院", "national", 2024, 30000),
    ("national/国务院/2025", "国务院", "national", 2025, 31000),
]

# One fact per line: fact_id | report_id | indicator_id | kind | period_year | measure | value | value_low |
# value_high | unit | value_std | unit_std | qualifier | quote | char_start | is_headline   (blank = NULL)
FACTS_TABLE = """
# Nanjing 2024 report: 2023 results and 2024 targets; f06 is a duplicate candidate (预计, not headline)
f01 | city/南京市/2024 | gdp_growth | actual | 2023 | growth_rate | 4.6 | | | % | 4.6 | % | exact | 地区生产总值增长4.6% | 1200 | true
f02 | city/南京市/2024 | gdp_growth | target | 2024 | growth_rate | 5 | | | % | 5 | % | at_least | 地区生产总值增长5%以上 | 15000 | true
f03 | city/南京市/2024 | gdp | actual | 2023 | level | 1.74 | | | 万亿元 | 17400 | 亿元 | exact | 地区生产总值达1.74万亿元 | 1180 | true
f04 | city/南京市/2024 | retail_sales_growth | actual | 2023 | growth_rate | 4.7 | | | % | 4.7 | % | exact | 社会消费品零售总额增长4.7% | 1300 | true
f05 | city/南京市/2024 | retail_sales_growth | target | 2024 | growth_rate | 5.5 | | | % | 5.5 | % | about | 社会消费品零售总额增长5.5%左右 | 15100 | true
f06 | city/南京市/2024 | gdp_growth | actual | 2023 | growth_rate | 4.6 | | | % | 4.6 | % | expected | 预计全年地区生产总值增长4.6% | 400 | false
f07 | city/南京市/2024 | high_tech_enterprises | target | 2024 | count | 1.1 | | | 万家 | 11000 | 家 | over | 高新技术企业突破1.1万家 | 15500 | false
f08 | city/南京市/2024 | urban_new_jobs | actual | 2023 | count | 23.1 | | | 万人 | 23.1 | 万人 | exact | 城镇新增就业23.1万人 | 2500 | false
# Nanjing 2025 report: 2024 results, 2025 targets, and 2023 growth restated (f14, a third candidate)
f11 | city/南京市/2025 | gdp_growth | actual | 2024 | growth_rate | 5.0 | | | % | 5.0 | % | exact | 地区生产总值增长5% | 1100 | true
f12 | city/南京市/2025 | retail_sales_growth | actual | 2024 | growth_rate | 4.6 | | | % | 4.6 | % | exact | 社会消费品零售总额增长4.6% | 1250 | true
f13 | city/南京市/2025 | gdp_growth | target | 2025 | growth_rate | 5 | | | % | 5 | % | about | 地区生产总值增长5%左右 | 16000 | true
f14 | city/南京市/2025 | gdp_growth | actual | 2023 | growth_rate | 4.6 | | | % | 4.6 | % | exact | 比2023年的4.6%提高0.4个百分点 | 1150 | false
f15 | city/南京市/2025 | high_tech_enterprises | actual | 2024 | count | 1.2 | | | 万家 | 12000 | 家 | exact | 高新技术企业达1.2万家 | 2100 | false
# a county that is not in the region_codes seed
f21 | county/江宁区/2024 | gdp_growth | actual | 2023 | growth_rate | 5.5 | | | % | 5.5 | % | exact | 地区生产总值增长5.5% | 900 | true
# provinces, 2026 reports: 2026 targets for ranking, a 十四五 average and a 十五五 plan target
f31 | province/江苏省/2026 | gdp_growth | target | 2026 | growth_rate | 5 | | | % | 5 | % | about | 地区生产总值增长5%左右 | 20000 | true
f32 | province/浙江省/2026 | gdp_growth | target | 2026 | growth_rate | | 5 | 5.5 | % | | % | range | 地区生产总值增长5%—5.5% | 19000 | true
f33 | province/广东省/2026 | gdp_growth | target | 2026 | growth_rate | 4.5 | | | % | 4.5 | % | about | 地区生产总值增长4.5%左右 | 21000 | true
f34 | province/江苏省/2026 | cpi | target | 2026 | growth_rate | 2 | | | % | 2 | % | about | 居民消费价格涨幅2%左右 | 20100 | true
f35 | province/浙江省/2026 | cpi | target | 2026 | growth_rate | 2 | | | % | 2 | % | about | 居民消费价格涨幅2%左右 | 19100 | true
f36 | province/江苏省/2026 | gdp_growth | actual | 2025 | avg_growth_rate | 5.4 | | | % | 5.4 | % | exact | 地区生产总值年均增长5.4% | 800 | false
f37 | province/江苏省/2026 | gdp_growth | plan_target | 2030 | avg_growth_rate | 5 | | | % | 5 | % | about | 地区生产总值年均增长5%左右 | 23000 | false
f38 | province/江苏省/2026 | gdp | actual | 2025 | level | 14.2 | | | 万亿元 | 142000 | 亿元 | exact | 地区生产总值达14.2万亿元 | 700 | true
# State Council: CPI and unemployment (lower is better)
f41 | national/国务院/2024 | cpi | target | 2024 | growth_rate | 3 | | | % | 3 | % | about | 居民消费价格涨幅3%左右 | 9000 | true
f42 | national/国务院/2024 | surveyed_unemployment_rate | target | 2024 | ratio | 5.5 | | | % | 5.5 | % | about | 城镇调查失业率5.5%左右 | 9050 | true
f43 | national/国务院/2025 | cpi | actual | 2024 | growth_rate | 0.2 | | | % | 0.2 | % | exact | 居民消费价格上涨0.2% | 1500 | true
f44 | national/国务院/2025 | surveyed_unemployment_rate | actual | 2024 | ratio | 5.1 | | | % | 5.1 | % | exact | 城镇调查失业率平均5.1% | 1550 | true
"""


def _parse_facts(table: str) -> list[tuple]:
    rows = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        f = [c.strip() or None for c in line.split("|")]
        num = [float(x) if x is not None else None for x in (f[6], f[7], f[8], f[10])]
        rows.append(
            (
                f[0],
                f[1],
                f[2],
                f[3],
                int(f[4]),
                f[5],
                num[0],
                num[1],
                num[2],
                f[9],
                num[3],
                f[11],
                f[12],
                f[13],
            )
            + (int(f[14]), f[15] == "true")
        )
    return rows


FACTS = _parse_facts(FACTS_TABLE)

# report_id, keyword, keyword_source, occurrences
KEYWORDS = [
    ("city/南京市/2024", "高质量发展", "curated", 12),
    ("city/南京市/2024", "新质生产力", "curated", 3),
    ("city/南京市/2024", "创新", "top", 40),
    ("city/南京市/2025", "高质量发展", "curated", 14),
    ("province/江苏省/2026", "人工智能+", "curated", 5),
]


PART_FACT = ("province/江苏省/2026", "县域经济增长9.1%", 650)


def _report_texts() -> dict[str, str]:
    """Each report's text: filler of its char_count with every fact's quote at its offsets (provenance holds)."""
    texts = {report_id: ["。"] * char_count for report_id, _r, _l, _y, char_count in REPORTS}
    for report_id, quote, start in [(f[1], f[13], f[14]) for f in FACTS] + [PART_FACT]:
        texts[report_id][start:start + len(quote)] = list(quote)
    return {report_id: "".join(chars) for report_id, chars in texts.items()}


def build_raw_warehouse(path: Path) -> None:
    """Create schema ``raw`` with the project DDL in a fresh DuckDB file and fill it with the fixture rows."""
    con = duckdb.connect(str(path))
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
        for ddl in RAW_TABLES.values():
            con.execute(ddl)
        con.execute("ALTER TABLE raw.facts ADD COLUMN IF NOT EXISTS is_headline BOOLEAN")
        chars = {}
        texts = _report_texts()
        for report_id, region, level, year, char_count in REPORTS:
            chars[report_id] = char_count
            con.execute(
                "INSERT INTO raw.reports (report_id, partition_key, region, region_level, report_year, source_path,"
                " source_format, encoding, content_sha256, size_bytes, title, char_count, attribution, warnings,"
                " text, loaded_at) VALUES (?, ?, ?, ?, ?, ?, 'txt', 'utf-8', ?, ?, NULL, ?, 'path', NULL, ?, ?)",
                [
                    report_id,
                    report_id,
                    region,
                    level,
                    year,
                    f"{level}/{region}/{year}.txt",
                    f"sha-{report_id}",
                    char_count * 3,
                    char_count,
                    texts[report_id],
                    LOADED_AT,
                ],
            )
        region_of = {r[0]: r[1:4] for r in REPORTS}
        for (
            fact_id,
            report_id,
            indicator_id,
            kind,
            period_year,
            measure,
            value,
            low,
            high,
            unit,
            value_std,
            unit_std,
            qualifier,
            quote,
            char_start,
            is_headline,
        ) in FACTS:
            region, level, year = region_of[report_id]
            con.execute(
                "INSERT INTO raw.facts (fact_id, report_id, partition_key, region, region_level, report_year,"
                " indicator_id, kind, period_year, measure, value, value_low, value_high, unit, value_std,"
                " unit_std, qualifier, quote, char_start, char_end, section, extractor_version, loaded_at,"
                " is_headline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL,"
                " '0.1.0', ?, ?)",
                [
                    fact_id,
                    report_id,
                    report_id,
                    region,
                    level,
                    year,
                    indicator_id,
                    kind,
                    period_year,
                    measure,
                    value,
                    low,
                    high,
                    unit,
                    value_std,
                    unit_std,
                    qualifier,
                    quote,
                    char_start,
                    char_start + len(quote),
                    LOADED_AT,
                    is_headline,
                ],
            )
        # a part of the region (县域经济 of 江苏省, headline, the only 2025 growth figure): stays out of the marts
        con.execute(
            "INSERT INTO raw.facts (fact_id, report_id, partition_key, region, region_level, report_year,"
            " indicator_id, kind, period_year, measure, value, unit, value_std, unit_std, qualifier, quote,"
            " char_start, char_end, extractor_version, loaded_at, is_headline, subject) VALUES ('p01',"
            " 'province/江苏省/2026', 'province/江苏省/2026', '江苏省', 'province', 2026, 'gdp_growth', 'actual', 2025,"
            " 'growth_rate', 9.1, '%', 9.1, '%', 'exact', '县域经济增长9.1%', 650, 660, '0.1.0', ?, true, '县域经济')",
            [LOADED_AT],
        )
        for report_id, keyword, source, occurrences in KEYWORDS:
            con.execute(
                "INSERT INTO raw.keyword_counts VALUES (?, ?, ?, ?, ?, ?, ?)",
                [report_id, report_id, keyword, source, occurrences, chars[report_id], LOADED_AT],
            )
        con.execute(
            "INSERT INTO raw.ingest_quarantine VALUES ('city/某市/2024', 'city/某市/2024.pdf', 'binary',"
            " 'not a text document (scanned PDF without text layer)', 'rejected', NULL, 1048576, '', NULL, ?)",
            [LOADED_AT],
        )
    finally:
        con.close()
