"""Held-out checks on corpus reports that are NOT in the dev gold (plus a few gold documents' siblings).

Every expected value below was typed by hand from reading the report text (the ``fragment`` is the
piece of text that was read; it must occur in the document). Nothing here is derived from the
extractor's output or from ``shared/gold``. Sources: ``shared/corpus/reports`` and the SC target
history in ``shared/taxonomy/surface_forms.md`` §3.5.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from pipelines.extract import Fact, extract_facts
from tests.paths import SHARED_REPORTS

REPORTS = SHARED_REPORTS

pytestmark = pytest.mark.skipif(not REPORTS.exists(), reason="../shared not present")


@lru_cache(maxsize=64)
def _doc(rel: str) -> tuple[str, tuple[Fact, ...]]:
    """The text and its whole-region facts (facts about a part of the region carry a subject)."""
    text = (REPORTS / rel).read_text(encoding="utf-8")
    facts = tuple(extract_facts(text, report_year=int(Path(rel).stem)))
    for f in facts:
        assert text[f.char_start : f.char_end] == f.quote
    return text, tuple(f for f in facts if f.subject is None)


def _span(text: str, fragment: str) -> tuple[int, int]:
    i = text.find(fragment)
    assert i >= 0, f"fragment not in text: {fragment}"
    return i, i + len(fragment)


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _overlaps(f: Fact, span: tuple[int, int]) -> bool:
    return f.char_start < span[1] and span[0] < f.char_end


def _value_ok(f: Fact, value: float | None, low: float | None, high: float | None) -> bool:
    if value is None:
        return f.value is None and f.value_low == low and f.value_high == high
    return f.value is not None and abs(abs(f.value) - value) <= 0.005 * value


# --------------------------------------------------------------------------------------------
# State Council: GDP growth target of the session year (value, low, high, qualifier, fragment)
# --------------------------------------------------------------------------------------------
SC_TARGETS = [
    (2004, 7, None, None, "about", "中央提出今年经济增长预期目标为7%左右"),
    (2005, 8, None, None, "about", "今年经济社会发展主要预期目标是：国内生产总值增长8%左右"),
    (2006, 8, None, None, "about", "主要预期目标是：国内生产总值增长8%左右"),
    (2007, 8, None, None, "about", "国内生产总值增长8%左右"),
    (2008, 8, None, None, "about", "国内生产总值增长8%左右"),
    (2010, 8, None, None, "about", "国内生产总值增长8％左右"),
    (2011, 8, None, None, "about", "国内生产总值增长8%左右"),
    (2012, 7.5, None, None, "exact", "国内生产总值增长7.5％"),
    (2013, 7.5, None, None, "about", "主要预期目标是：国内生产总值增长7.5%左右"),
    (2014, 7.5, None, None, "about", "主要预期目标是：国内生产总值增长7.5%左右"),
    (2015, 7, None, None, "about", "主要预期目标是：国内生产总值增长7%左右"),
    (2017, 6.5, None, None, "about", "主要预期目标是：国内生产总值增长6.5%左右"),
    (2018, 6.5, None, None, "about", "主要预期目标是：国内生产总值增长6.5%左右"),
    (2019, None, 6, 6.5, "range", "主要预期目标是：国内生产总值增长6%－6.5%"),
    (2021, 6, None, None, "at_least", "主要预期目标是：国内生产总值增长6%以上"),
    (2023, 5, None, None, "about", "主要预期目标是：国内生产总值增长5%左右"),
    (2024, 5, None, None, "about", "主要预期目标是：国内生产总值增长5%左右"),
    (2025, 5, None, None, "about", "主要预期目标是：国内生产总值增长5%左右"),
]


def _target_hits(facts, iid, year, span):
    return [f for f in facts if f.indicator_id == iid and f.kind == "target" and f.period_year == year
            and _overlaps(f, span)]


@pytest.mark.parametrize(("year", "value", "low", "high", "qual", "fragment"), SC_TARGETS,
                         ids=[str(r[0]) for r in SC_TARGETS])
def test_sc_gdp_target(year, value, low, high, qual, fragment) -> None:
    text, facts = _doc(f"national/国务院/{year}.txt")
    span = _span(text, fragment)
    hits = _target_hits(facts, "gdp_growth", year, span)
    assert len(hits) == 1, hits
    f = hits[0]
    assert _value_ok(f, value, low, high) and f.qualifier == qual and f.measure == "growth_rate", f
    # exactly one GDP growth fact in the target paragraph, and no conflicting target in the report
    a, b = _paragraph(text, span[0])
    in_para = [g for g in facts if g.indicator_id == "gdp_growth" and a <= g.char_start < b]
    assert len(in_para) == 1, in_para
    others = [g for g in facts if g.indicator_id == "gdp_growth" and g.kind == "target" and g.period_year == year
              and not _value_ok(g, value, low, high)]
    assert others == [], others


def test_sc_2020_has_no_gdp_target() -> None:
    _, facts = _doc("national/国务院/2020.txt")
    assert [f for f in facts if f.indicator_id == "gdp_growth" and f.kind == "target"] == []


# SC: previous year's GDP growth (one-year) and level as stated in the first results paragraph
SC_ACTUALS = [
    (2002, 7.3, "比上年增长７．３％", 95933, "国内生产总值达到９５９３３亿元"),
    (2004, 9.1, "国内生产总值比上年增长9.1%", 116700, "达到11.67万亿元"),
    (2005, 9.5, "比上年增长9.5%", 136500, "国内生产总值达到13.65万亿元"),
    (2006, 9.9, "比上年增长9.9%", 182300, "国内生产总值达到18.23万亿元"),
    (2007, 10.7, "比上年增长10.7%", 209400, "国内生产总值20.94万亿元"),
    (2010, 8.7, "比上年增长8.7%", 335000, "国内生产总值达到33.5万亿元"),
    (2011, 10.3, "国内生产总值增长10.3%", None, None),
    (2012, 9.2, "比上年增长9.2％", 472000, "国内生产总值47.2万亿元"),
    (2013, 7.8, "国内生产总值增长7.8%", None, None),
    (2014, 7.7, "比上年增长7.7%", 569000, "国内生产总值达到56.9万亿元"),
    (2015, 7.4, "比上年增长7.4%", 636000, "国内生产总值达到63.6万亿元"),
    (2017, 6.7, "增长6.7%", 744000, "国内生产总值达到74.4"),
    (2018, 6.9, "国内生产总值增长6.9%", None, None),
    (2019, 6.6, "国内生产总值增长6.6%", 900000, "总量突破90万亿元"),
    (2020, 6.1, "增长6.1%", 991000, "国内生产总值达到99.1万亿元"),
    (2021, 2.3, "全年国内生产总值增长2.3％", None, None),
    (2023, 3, "全年国内生产总值增长3%", None, None),
    (2024, 5.2, "增长5.2%", 1260000, "国内生产总值超过126万亿元"),
    (2025, 5, "增长5%，增速居世界", 1349000, "国内生产总值达到134.9万亿元"),
]


def _actual_check(rel: str, year: int, growth: float, g_frag: str, level: float | None, l_frag: str | None):
    text, facts = _doc(rel)
    span = _span(text, g_frag)
    hits = [f for f in facts if f.indicator_id == "gdp_growth" and f.kind == "actual" and f.period_year == year - 1
            and f.measure == "growth_rate" and _overlaps(f, span)]
    assert len(hits) == 1 and _value_ok(hits[0], growth, None, None), hits
    if level is not None:
        lspan = _span(text, l_frag)
        lv = [f for f in facts if f.indicator_id == "gdp" and f.kind == "actual" and f.period_year == year - 1
              and f.measure == "level" and _overlaps(f, lspan)]
        assert len(lv) == 1 and abs(lv[0].value_std - level) <= 0.005 * level, lv


@pytest.mark.parametrize(("year", "growth", "g_frag", "level", "l_frag"), SC_ACTUALS,
                         ids=[str(r[0]) for r in SC_ACTUALS])
def test_sc_gdp_actual(year, growth, g_frag, level, l_frag) -> None:
    _actual_check(f"national/国务院/{year}.txt", year, growth, g_frag, level, l_frag)


# --------------------------------------------------------------------------------------------
# 23 provincial 2026 reports
# --------------------------------------------------------------------------------------------
PROV_TARGETS = [
    ("上海市", 5, None, None, "about", "全市生产总值增长5%左右"),
    ("云南省", 4.5, None, None, "about", "主要预期目标为：地区生产总值增长4.5%左右"),
    ("内蒙古自治区", 5, None, None, "about", "主要预期目标是：地区生产总值增长5%左右"),
    ("北京市", 5, None, None, "about", "主要预期目标是：地区生产总值增长5%左右"),
    ("吉林省", 5, None, None, "about", "主要预期目标是：地区生产总值增长5%左右"),
    ("天津市", 4.5, None, None, "exact", "主要预期目标是：地区生产总值增长4.5%"),
    ("宁夏回族自治区", 5, None, None, "about", "经济主要预期目标是：地区生产总值增长5%左右"),
    ("安徽省", None, 5, 5.5, "range", "主要预期目标是：全省地区生产总值增长5%—5.5%"),
    ("山东省", 5, None, None, "at_least", "主要预期目标为：地区生产总值增长5%以上"),
    ("山西省", None, 4.5, 5, "range", "主要目标是：地区生产总值增长4.5%—5%"),
    ("广西壮族自治区", 5, None, None, "about", "主要预期目标是：经济增长5%左右"),
    ("新疆维吾尔自治区", None, 5.5, 6, "range", "主要预期目标是：地区生产总值增长5.5%—6%"),
    ("江西省", None, 5, 5.5, "range", "主要预期目标是：地区生产总值增长5%-5.5%"),
    ("河北省", 5, None, None, "at_least", "主要预期目标是：地区生产总值增长5%以上"),
    ("河南省", 5, None, None, "about", "主要预期目标是：经济增长5%左右"),
    ("浙江省", None, 5, 5.5, "range", "主要预期目标为：全省生产总值增长5%—5.5%"),
    ("湖北省", 5.5, None, None, "about", "主要预期目标是：经济增长5.5%左右"),
    ("湖南省", 5, None, None, "about", "今年主要预期目标是：地区生产总值增长5%左右"),
    ("甘肃省", 5.5, None, None, "about", "主要预期目标是：地区生产总值增长5.5%左右"),
    ("福建省", 5, None, None, "about", "主要预期目标是：全省地区生产总值增长5%左右"),
    ("贵州省", 5, None, None, "about", "主要预期目标是：地区生产总值增长5%左右"),
    ("辽宁省", 4.5, None, None, "about", "主要预期目标是：地区生产总值增长4.5%左右"),
    ("青海省", 4.5, None, None, "about", "全省地区生产总值增长4.5%左右"),
]


@pytest.mark.parametrize(("prov", "value", "low", "high", "qual", "fragment"), PROV_TARGETS,
                         ids=[r[0] for r in PROV_TARGETS])
def test_province_gdp_target(prov, value, low, high, qual, fragment) -> None:
    text, facts = _doc(f"province/{prov}/2026.txt")
    span = _span(text, fragment)
    hits = _target_hits(facts, "gdp_growth", 2026, span)
    assert len(hits) == 1, [f for f in facts if _overlaps(f, span)]
    f = hits[0]
    assert _value_ok(f, value, low, high) and f.qualifier == qual and f.is_headline, f
    a, b = _paragraph(text, span[0])
    in_para = [g for g in facts if g.indicator_id == "gdp_growth" and a <= g.char_start < b]
    assert len(in_para) == 1, in_para
    others = [g for g in facts if g.indicator_id == "gdp_growth" and g.kind == "target" and g.period_year == 2026
              and not _value_ok(g, value, low, high)]
    assert others == [], others


# 十五五 plan GDP growth (年均…): plan_target 2030, never target
PROV_PLANS = [
    ("北京市", None, 4.5, 5, "range", "地区生产总值年均增速4.5%-5%"),
    ("吉林省", 5, None, None, "at_least", "主要目标包括：地区生产总值年均增长5%以上"),
    ("安徽省", None, 5, 5.5, "range", "全省地区生产总值年均增长5%—5.5%"),
    ("广西壮族自治区", 5, None, None, "about", "提出地区生产总值年均增长5%左右"),
    ("新疆维吾尔自治区", None, 5.5, 6, "range", "增速目标设定为年均增长5.5%—6%"),
    ("江西省", 5, None, None, "about", "其中地区生产总值年均增长5%左右"),
    ("河南省", 5, None, None, "about", "经济年均增长5%左右"),
    ("湖南省", None, 5, 5.5, "range", "提出地区生产总值年均增长5%—5.5%"),
    ("甘肃省", 5, None, None, "at_least", "全省地区生产总值年均增长5%以上"),
    ("福建省", 5, None, None, "about", "包括地区生产总值年均增长5%左右"),
    ("贵州省", 5, None, None, "about", "全省地区生产总值年均增长5%左右"),
    ("辽宁省", 5, None, None, "about", "其中地区生产总值年均增长5%左右"),
]


@pytest.mark.parametrize(("prov", "value", "low", "high", "qual", "fragment"), PROV_PLANS,
                         ids=[r[0] for r in PROV_PLANS])
def test_province_plan_gdp(prov, value, low, high, qual, fragment) -> None:
    text, facts = _doc(f"province/{prov}/2026.txt")
    span = _span(text, fragment)
    hits = [f for f in facts if f.indicator_id == "gdp_growth" and _overlaps(f, span)]
    assert len(hits) == 1, hits
    f = hits[0]
    assert (f.kind, f.period_year) == ("plan_target", 2030), f
    assert _value_ok(f, value, low, high) and f.qualifier == qual, f


# 2025 actual GDP growth (and level where the summary states it)
PROV_ACTUALS = [
    ("上海市", 5.4, "增长5.4%，好于预期", 56700, "全市生产总值达到5.67万亿元"),
    ("云南省", 4.1, "完成地区生产总值32765亿元、增长4.1%", 32765, "完成地区生产总值32765亿元"),
    ("内蒙古自治区", 4.7, "地区生产总值增长4.7%、低于全国", 26700, "经济总量达到2.67万亿元"),
    ("北京市", 5.4, "全市地区生产总值5.2万亿元、增长5.4%", 52000, "全市地区生产总值5.2万亿元"),
    ("吉林省", 5, "地区生产总值增长5%，一般", None, None),
    ("天津市", 4.8, "全市地区生产总值增长4.8%", None, None),
    ("宁夏回族自治区", 5.3, "增长5.3%，超过全国", 5696, "实现地区生产总值5696亿元"),
    ("安徽省", 5.5, "全省地区生产总值5.3万亿元、增长5.5%", 53000, "全省地区生产总值5.3万亿元"),
    ("山东省", 5.5, "地区生产总值增长5.5%、达到10.3万亿元", 103000, "地区生产总值增长5.5%、达到10.3万亿元"),
    ("山西省", 4, "全年GDP增长4%", None, None),
    ("广西壮族自治区", 5.1, "全区地区生产总值增长5.1%", None, None),
    ("新疆维吾尔自治区", 5.5, "全年地区生产总值2.15万亿元、增长5.5%", 21500, "全年地区生产总值2.15万亿元"),
    ("江西省", 5.2, "一是经济增长好于预期。地区生产总值增长5.2%", 36000, "达3.6万亿元"),
    ("河北省", 5.6, "全省生产总值增长5.6%", None, None),
    ("河南省", 5.6, "真抓实干，生产总值增长5.6%", 66600, "生产总值6.66万亿元"),
    ("浙江省", 5.5, "全省生产总值增长5.5%", None, None),
    ("湖北省", 5.5, "地区生产总值增长5.5%、居经济大省", 62661, "达到62661亿元"),
    ("湖南省", 4.8, "稳居全国前十强、增长4.8%", 55300, "全省地区生产总值达到5.53万亿元"),
    ("甘肃省", 5.8, "地区生产总值增长5.8%，增速居全国第2位", 13697.5, "全省地区生产总值达到13697.5亿元"),
    ("福建省", 5, "60199.45亿元、增长5%", 60199.45, "全省地区生产总值60199.45亿元"),
    ("贵州省", 4.9, "全年地区生产总值增长4.9%", 23562, "达到23562亿元"),
    ("辽宁省", 3.7, "地区生产总值增长3.7%", None, None),
    ("青海省", 4.1, "地区生产总值增长4.1%", None, None),
]


@pytest.mark.parametrize(("prov", "growth", "g_frag", "level", "l_frag"), PROV_ACTUALS,
                         ids=[r[0] for r in PROV_ACTUALS])
def test_province_gdp_actual(prov, growth, g_frag, level, l_frag) -> None:
    _actual_check(f"province/{prov}/2026.txt", 2026, growth, g_frag, level, l_frag)


@pytest.mark.parametrize(("prov", "growth"), [(r[0], r[1]) for r in PROV_ACTUALS], ids=[r[0] for r in PROV_ACTUALS])
def test_province_no_conflicting_gdp_growth(prov, growth) -> None:
    """A province has one 2025 GDP growth rate: any other one-year value is a misattribution."""
    _, facts = _doc(f"province/{prov}/2026.txt")
    bad = [f for f in facts if f.indicator_id == "gdp_growth" and f.kind == "actual" and f.period_year == 2025
           and f.measure == "growth_rate" and not _value_ok(f, growth, None, None)]
    assert bad == [], [(f.value, f.quote) for f in bad]


def test_province_first_results_paragraph_is_headline() -> None:
    missing = []
    for prov, _growth, g_frag, *_ in PROV_ACTUALS:
        text, facts = _doc(f"province/{prov}/2026.txt")
        span = _span(text, g_frag)
        hits = [f for f in facts if f.indicator_id == "gdp_growth" and _overlaps(f, span)]
        if not hits or not hits[0].is_headline:
            missing.append(prov)
    assert missing == []


# Numbers about something else than the jurisdiction's GDP (denominators, sub-regions, sectors,
# comparisons, durations): no gdp / gdp_growth fact may overlap them.
NOT_GDP = [
    ("national/国务院/2012.txt", "占国内生产总值的4%"),
    ("national/国务院/2007.txt", "经济增长连续四年达到或略高于10%"),
    ("national/国务院/2004.txt", "人均国内生产总值突破1000美元"),
    ("province/吉林省/2026.txt", "社会物流总费用与GDP比率降低至13.6%左右"),
    ("province/云南省/2026.txt", "社会物流总费用与GDP的比率降低1.1个百分点"),
    ("province/安徽省/2026.txt", "GDP的比率从14.7%降至13%左右"),
    ("province/山东省/2026.txt", "万元生产总值用水量下降22%"),
    ("province/辽宁省/2026.txt", "海洋生产总值增长6%左右"),
    ("province/浙江省/2026.txt", "力争海洋生产总值增长6%左右"),
    ("province/湖南省/2026.txt", "快于经济增速1个百分点"),
    ("province/湖北省/2026.txt", "武汉都市圈经济总量达到3.8万亿元"),
    ("province/甘肃省/2026.txt", "兰州新区经济总量突破500亿元"),
    ("province/青海省/2026.txt", "人均可支配收入增速高于经济增速、突破3万元"),
    ("province/北京市/2026.txt", "城市副中心和平原新城地区生产总值年均增长5%以上"),
    ("province/新疆维吾尔自治区/2026.txt", "南疆五地州地区生产总值年均增长6%"),
    ("province/福建省/2026.txt", "经济总量连跨5万亿元、6万亿元两个台阶"),
    ("province/江西省/2026.txt", "突破3万亿元"),
    ("province/贵州省/2026.txt", "突破2万亿元"),
]


@pytest.mark.parametrize(("rel", "fragment"), NOT_GDP, ids=[f"{r[0].split('/')[1]}:{r[1][:10]}" for r in NOT_GDP])
def test_not_a_gdp_fact(rel, fragment) -> None:
    text, facts = _doc(rel)
    span = _span(text, fragment)
    bad = [f for f in facts if f.indicator_id in ("gdp", "gdp_growth") and span[0] < f.char_end <= span[1] + 2]
    assert bad == [], [(f.indicator_id, f.value, f.quote) for f in bad]


# --------------------------------------------------------------------------------------------
# County (海拉尔区 2012-2018): headline actuals of the first results paragraph
# (year, indicator, measure, value, unit, fragment, expected period)
# --------------------------------------------------------------------------------------------
COUNTY = [
    (2012, "gdp", "level", 198.5, "亿元", "地区生产总值完成198.5亿元", 2011),
    (2012, "gdp_growth", "growth_rate", 22.3, "%", "同比增长22.3%", 2011),
    (2012, "fixed_asset_investment_growth", "level", 155.4, "亿元", "全社会固定资产投资完成155.4亿元", 2011),
    (2012, "fixed_asset_investment_growth", "growth_rate", 101.6, "%", "同比增长101.6%", 2011),
    (2012, "retail_sales_growth", "level", 84, "亿元", "社会消费品零售总额预计完成84亿元", 2011),
    (2012, "retail_sales_growth", "growth_rate", 19.2, "%", "预计同比增长19.2%", 2011),
    (2013, "gdp", "level", 235.2, "亿元", "全年地区生产总值完成235.2亿元", 2012),
    (2013, "gdp_growth", "growth_rate", 18.5, "%", "同比增长18.5%", 2012),
    (2013, "retail_sales_growth", "level", 97.9, "亿元", "社会消费品零售总额完成97.9亿元", 2012),
    (2014, "gdp", "level", 253.7, "亿元", "全年地区生产总值完成253.7亿元", 2013),
    (2014, "gdp_growth", "growth_rate", 10.1, "%", "同比增长10.1%", 2013),
    (2014, "fixed_asset_investment_growth", "level", 90.7, "亿元", "全社会固定资产投资额完成90.7亿元", 2013),
    (2016, "gdp", "level", 287.9, "亿元", "增加到2015年的287.9亿元", 2015),
    (2016, "gdp", "level", 162.4, "亿元", "地区生产总值由2010年的162.4亿元", 2010),
    (2016, "gdp_growth", "avg_growth_rate", 12.1, "%", "年均增长12.1%", 2015),
    (2016, "fixed_asset_investment_growth", "cumulative_level", 615, "亿元", "累积完成全社会固定资产投资615亿元", 2015),
    (2017, "gdp", "level", 303.6, "亿元", "地区生产总值完成303.6亿元", 2016),
    (2017, "gdp_growth", "growth_rate", 7.2, "%", "同比增长7.2%", 2016),
    (2017, "general_budget_revenue", "level", 17, "亿元", "一般公共财政预算收入完成17亿元", 2016),
    (2017, "general_budget_revenue_growth", "growth_rate", 13, "%", "按可比口径增长13%", 2016),
    (2017, "retail_sales_growth", "growth_rate", 9.5, "%", "同比增长9.5%", 2016),
    (2018, "retail_sales_growth", "level", 159.5, "亿元", "社会消费品零售总额完成159.5亿元", 2017),
    (2018, "urban_per_capita_disposable_income", "level", 35512, "元", "城镇和农村居民人均可支配收入分别达35512元", 2017),
    (2018, "urban_per_capita_disposable_income_growth", "growth_rate", 7.8, "%", "分别同比增长7.8%", 2017),
    (2018, "rural_per_capita_disposable_income_growth", "growth_rate", 7.8, "%", "分别同比增长7.8%", 2017),
]


@pytest.mark.parametrize(("year", "iid", "measure", "value", "unit", "fragment", "period"), COUNTY,
                         ids=[f"{r[0]}-{r[1]}-{r[3]}" for r in COUNTY])
def test_county_actuals(year, iid, measure, value, unit, fragment, period) -> None:
    text, facts = _doc(f"county/呼伦贝尔市海拉尔区/{year}.txt")
    span = _span(text, fragment)
    hits = [f for f in facts if f.indicator_id == iid and f.kind == "actual" and f.period_year == period
            and f.measure == measure and f.unit == unit and span[0] < f.char_end <= span[1] + 2]
    assert len(hits) == 1 and _value_ok(hits[0], value, None, None), [
        (f.indicator_id, f.measure, f.value, f.period_year, f.quote) for f in facts if _overlaps(f, span)]
