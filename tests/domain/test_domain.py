"""The shared domain rules: numerals, five-year plans, report years, script conversion, seed vocabularies."""

from __future__ import annotations

import pytest

from pipelines.domain import numerals, plans, script, seeds
from pipelines.domain.years import read_report_year


@pytest.mark.parametrize(
    ("name", "end"),
    [("九五", 2000), ("十五", 2005), ("十一五", 2010), ("十二五", 2015), ("十三五", 2020), ("十四五", 2025), ("十五五", 2030)],
)
def test_plan_names_and_end_years(name: str, end: int) -> None:
    assert plans.plan_end(plans.plan_number(name)) == end


@pytest.mark.parametrize(
    ("text", "end"),
    [("“十五五”时期主要目标", 2030), ("十四五规划", 2025), ("第十四个五年规划", 2025), ("十五期间", 2005), ("五年来", None)],
)
def test_plan_end_year_in_text(text: str, end: int | None) -> None:
    assert plans.plan_end_year(text) == end


def test_npc_session_years() -> None:
    assert plans.npc_year(14, 2) == 2024  # 十四届全国人大二次会议
    assert plans.npc_year(5, 1) == 1978


@pytest.mark.parametrize(
    ("text", "year"),
    [("2024", 2024), ("二〇二四", 2024), ("二○二四", 2024), ("二O二四", 2024), ("二Ｏ二四", 2024), ("二〇二X", None), ("〇一二三", None), ("", None)],
)
def test_parse_year(text: str, year: int | None) -> None:
    assert numerals.parse_year(text) == year


def test_parse_chinese_numeral() -> None:
    assert numerals.parse_chinese_numeral("十四") == 14
    assert numerals.parse_chinese_numeral("一亿二千万") == 120_000_000
    assert numerals.parse_chinese_numeral("三点五") == 3.5
    assert numerals.parse_chinese_numeral("〇一") is None


@pytest.mark.parametrize(
    ("text", "year", "cue"),
    [
        ("政府工作报告\n——2024年1月10日在南京市第十七届人民代表大会第三次会议上\n", 2024, "session line"),
        ("政府工作报告\n——二〇二四年一月十日在南京市第十七届人民代表大会第三次会议上\n", 2024, "session line"),
        ("在第十四届全国人民代表大会第二次会议上\n各位代表：", 2024, "NPC session"),
        ("2019年南京市政府工作报告\n各位代表：", 2019, "title"),
        ("各位代表：\n一、2023年工作回顾\n过去一年……", 2024, "review heading"),
        ("各位代表：\n一、“十三五”时期工作回顾\n", 2021, "plan review"),
        ("各位代表：\n三、2025年重点工作\n", 2025, "task heading"),
        ("发布时间：2024-01-15\n各位代表：", 2024, "date field"),
        ("各位代表：今年是2024年，是……", 2024, "this year"),
        ("地区生产总值增长4.6%。", None, None),
    ],
)
def test_read_report_year(text: str, year: int | None, cue: str | None) -> None:
    reading = read_report_year(text)
    if year is None:
        assert reading is None
    else:
        assert reading is not None and reading.year == year and reading.evidence.startswith(cue)


def test_script_tables_are_two_views_of_one() -> None:
    t2s = script.t2s_characters()
    assert t2s["國"] == "国" and t2s["發"] == "发"
    assert "国" not in t2s
    assert {"國", "發", "實"} <= script.traditional_characters()
    assert script.is_traditional("中華人民共和國國務院發佈實現經濟發展" * 3)
    assert not script.is_traditional("中华人民共和国国务院发布实现经济发展" * 3)
    assert script.to_simplified("實現經濟發展") == "实现经济发展"


def test_fullwidth_folding() -> None:
    assert "８．５％，ＧＤＰ".translate(script.fullwidth_table(keep="，")) == "8.5%，GDP"
    digits_only = script.fullwidth_table(only="0123456789")
    assert "８％".translate(digits_only) == "8％"


def test_seed_vocabularies() -> None:
    assert seeds.KINDS == ("actual", "target", "plan_target")
    assert seeds.MULTI_YEAR_MEASURES == {"avg_growth_rate", "cumulative_growth_rate", "cumulative_level"}
    assert set(seeds.MULTI_YEAR_MEASURES) < set(seeds.MEASURES)
    assert {"exact", "about", "range", "expected"} <= set(seeds.QUALIFIERS)
    units = {row["unit"]: (row["dimension"], float(row["factor"])) for row in seeds.read_seed("units")}
    assert units["亿元"] == ("yuan", 1e8) and units["万吨"] == ("grain", 2e7)
