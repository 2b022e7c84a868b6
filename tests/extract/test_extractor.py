"""Facts from real report sentences (corpus and taxonomy/surface_forms.md examples)."""

from __future__ import annotations

import pytest

from pipelines.extract import extract_facts
from tests.extract.helpers import TARGET_INTRO, facts_of, only

NJ_REVIEW = "一、2023年工作回顾\n"


def test_gdp_growth_and_level_nanjing() -> None:
    text = NJ_REVIEW + "全力推动经济回升向好，全市地区生产总值增长4.6%，总量1.74万亿元、继续保持全国前十；"
    facts = facts_of(text, 2024)
    growth, level = only(facts, "gdp_growth"), only(facts, "gdp")
    assert (growth.kind, growth.period_year, growth.measure, growth.value, growth.unit) == (
        "actual", 2023, "growth_rate", 4.6, "%")
    assert growth.quote == "全市地区生产总值增长4.6%"
    assert (level.measure, level.value, level.unit, level.value_std, level.unit_std) == (
        "level", 1.74, "万亿元", pytest.approx(17400), "亿元")
    assert level.qualifier == "exact"
    assert len(facts) == 2


def test_flow_and_stock() -> None:
    text = NJ_REVIEW + ("紫金山实验室建立业界首个6G综合实验室，10家全国重点实验室获批建设，累计达23家、占全省近四分之三。"
                        "新增国家级专精特新“小巨人”企业107家、总量达213家。")
    facts = facts_of(text, 2024)
    labs = sorted((f.measure, f.value) for f in facts if f.indicator_id == "national_key_labs")
    assert labs == [("count", 23), ("increment", 10)]
    giants = sorted((f.measure, f.value) for f in facts if f.indicator_id == "little_giant_enterprises")
    assert giants == [("count", 213), ("increment", 107)]


def test_over_qualifiers() -> None:
    facts = facts_of(NJ_REVIEW + "高新技术企业突破1万家，入库科技型中小企业超过2.3万家。实际使用外资超49亿美元，保持正增长。", 2024)
    assert only(facts, "high_tech_enterprises").qualifier == "over"
    assert (only(facts, "tech_smes").value, only(facts, "tech_smes").unit) == (2.3, "万家")
    fdi = only(facts, "fdi_utilized")
    assert (fdi.value, fdi.unit, fdi.qualifier) == (49, "亿美元", "over")


def test_annual_targets_nanjing() -> None:
    text = ("二、2024年重点工作\n今年经济社会发展的主要预期目标是：地区生产总值增长5%以上，一般公共预算收入增长2%左右，"
            "固定资产投资保持稳定增长、力争达到3%，社会消费品零售总额增长5.5%左右，外贸进出口总额力争正增长、保持全省前列。")
    facts = facts_of(text, 2024)
    got = {(f.indicator_id, f.value, f.qualifier) for f in facts}
    assert got == {("gdp_growth", 5, "at_least"), ("general_budget_revenue_growth", 2, "about"),
                   ("fixed_asset_investment_growth", 3, "strive"), ("retail_sales_growth", 5.5, "about")}
    assert all(f.kind == "target" and f.period_year == 2024 and f.is_headline for f in facts)


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [("全省生产总值增长5%—5.5%，在实际工作中努力争取更好结果", 5, 5.5), ("地区生产总值增长4.5-5%", 4.5, 5),
     ("国内生产总值增长6%－6.5%", 6, 6.5), ("地区生产总值增长5%到5.5%", 5, 5.5)],
)
def test_gdp_growth_ranges(sentence: str, low: float, high: float) -> None:
    f = only(facts_of(TARGET_INTRO + sentence + "。"), "gdp_growth")
    assert (f.kind, f.period_year, f.value, f.value_low, f.value_high, f.qualifier) == (
        "target", 2026, None, low, high, "range")


def test_floor_plus_aspiration() -> None:
    facts = facts_of(TARGET_INTRO + "地区生产总值增长7%以上，力争8%。")
    got = sorted((f.value, f.qualifier) for f in facts if f.indicator_id == "gdp_growth")
    assert got == [(7, "at_least"), (8, "strive")]


def test_budget_plan_value() -> None:
    f = only(facts_of(TARGET_INTRO + "地区生产总值按增长5%安排。"), "gdp_growth")
    assert (f.value, f.qualifier, f.measure) == (5, "exact", "growth_rate")


def test_state_council_budget_2025() -> None:
    text = ("二、2025年经济社会发展总体要求和政策取向\n"
            "赤字率拟按4%左右安排、比上年提高1个百分点，赤字规模5.66万亿元、比上年增加1.6万亿元。")
    facts = facts_of(text, 2025)
    got = {(f.indicator_id, f.measure, f.value, f.unit, f.qualifier) for f in facts}
    assert got == {("fiscal_deficit_ratio", "ratio", 4, "%", "about"),
                   ("fiscal_deficit_ratio", "change_pp", 1, "个百分点", "exact"),
                   ("fiscal_deficit", "level", 5.66, "万亿元", "exact"),
                   ("fiscal_deficit", "increment", 1.6, "万亿元", "exact")}
    assert all(f.kind == "target" and f.period_year == 2025 for f in facts)


@pytest.mark.parametrize(
    ("sentence", "ids", "values", "quals"),
    [("城镇、农村居民人均可支配收入分别增长4.5%、5.5%左右",
      ["urban_per_capita_disposable_income_growth", "rural_per_capita_disposable_income_growth"], [4.5, 5.5],
      ["exact", "about"]),
     ("城镇和农村居民人均可支配收入分别增长4.3%、5.5%",
      ["urban_per_capita_disposable_income_growth", "rural_per_capita_disposable_income_growth"], [4.3, 5.5],
      ["exact", "exact"]),
     ("一产、二产、三产增加值分别增长6%、5.2%、5.2%",
      ["primary_industry_va_growth", "secondary_industry_va_growth", "services_va_growth"], [6, 5.2, 5.2],
      ["exact"] * 3),
     ("城镇居民人均可支配收入和农村居民人均纯收入实际增长8.4％和11.4％",
      ["urban_per_capita_disposable_income_growth", "rural_per_capita_disposable_income_growth"], [8.4, 11.4],
      ["exact", "exact"])],
)
def test_fenbie_lists(sentence: str, ids: list[str], values: list[float], quals: list[str]) -> None:
    facts = facts_of("一、2025年工作回顾\n" + sentence + "。")
    assert [f.indicator_id for f in facts] == ids
    assert [f.value for f in facts] == values
    assert [f.qualifier for f in facts] == quals
    assert all(f.measure == "growth_rate" and f.kind == "actual" and f.period_year == 2025 for f in facts)


def test_change_in_percentage_points() -> None:
    f = only(facts_of("一、2025年工作回顾\n常住人口城镇化率提高1.2个百分点。"), "urbanization_rate")
    assert (f.measure, f.value, f.unit) == ("change_pp", 1.2, "个百分点")


def test_expected_estimate() -> None:
    facts = facts_of("一、2025年工作回顾\n预计全社会研发投入5350亿元、增长4.9%。")
    assert {(f.measure, f.value, f.qualifier, f.kind) for f in facts} == {
        ("level", 5350, "expected", "actual"), ("growth_rate", 4.9, "expected", "actual")}


def test_decline_indicator_is_positive() -> None:
    f = only(facts_of(TARGET_INTRO + "单位国内生产总值能耗降低2.5%左右。", 2024), "energy_intensity_reduction")
    assert (f.value, f.qualifier, f.kind, f.period_year) == (2.5, "about", "target", 2024)


def test_full_width_and_spaced_numbers() -> None:
    text = "一、1997年工作回顾\n经济增长8 ．8 ％，国内生产总值达到６７７００多亿元。"
    facts = facts_of(text, 1998)
    g = only(facts, "gdp_growth")
    assert (g.value, g.quote) == (8.8, "经济增长8 ．8 ％")
    lvl = only(facts, "gdp")
    assert (lvl.value, lvl.unit, lvl.qualifier) == (67700, "亿元", "over")


def test_traditional_characters() -> None:
    f = only(facts_of("一、2025年工作回顧\n地區生產總值增長5.5%。"), "gdp_growth")
    assert (f.value, f.quote) == (5.5, "地區生產總值增長5.5%")


def test_longest_alias_wins() -> None:
    facts = facts_of("一、2025年工作回顾\n单位地区生产总值能耗下降3.2%。")
    assert [f.indicator_id for f in facts] == ["energy_intensity_reduction"]


def test_five_year_review() -> None:
    text = ("一、2025年和“十四五”时期工作回顾\n"
            "这五年，地区生产总值连续迈上4个万亿元台阶、达14.2万亿元、年均增长5.7%。"
            "人均预期寿命从2020年的82.4岁提升至83.9岁。")
    facts = facts_of(text)
    assert {(f.indicator_id, f.measure, f.value, f.period_year) for f in facts} == {
        ("gdp", "level", 14.2, 2025), ("gdp_growth", "avg_growth_rate", 5.7, 2025),
        ("life_expectancy", "level", 82.4, 2020), ("life_expectancy", "level", 83.9, 2025)}
    assert all(f.kind == "actual" for f in facts)


def test_plan_targets_and_annual_targets_share_the_trigger() -> None:
    text = ("二、“十五五”时期主要目标任务\n“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%—5.5%，"
            "全社会研发经费投入年均增长9.5%，常住人口城镇化率年均提升1个百分点以上。\n"
            "三、2026年重点工作\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。")
    facts = facts_of(text)
    plan = [f for f in facts if f.kind == "plan_target"]
    assert {(f.indicator_id, f.period_year) for f in plan} == {
        ("gdp_growth", 2030), ("rd_expenditure_growth", 2030), ("urbanization_rate", 2030)}
    annual = [f for f in facts if f.kind == "target"]
    assert [(f.indicator_id, f.value, f.period_year) for f in annual] == [("gdp_growth", 5, 2026)]


def test_report_year_inferred() -> None:
    text = "政府工作报告\n——2024年1月10日在南京市第十七届人民代表大会第三次会议上\n一、2023年工作回顾\n全市地区生产总值增长4.6%。"
    f = only(extract_facts(text), "gdp_growth")
    assert (f.report_year, f.period_year) == (2024, 2023)


def test_report_year_unknown() -> None:
    f = only(extract_facts("地区生产总值增长4.6%。"), "gdp_growth")
    assert f.period_year is None


def test_offsets_with_crlf_and_sections() -> None:
    text = "一、2025年工作回顾\r\n全省生产总值增长5.5%，一般公共预算收入增长1.8%。\r\n"
    facts = facts_of(text)
    assert [f.indicator_id for f in facts] == ["gdp_growth", "general_budget_revenue_growth"]
    assert facts[0].section == "一、2025年工作回顾"
    assert facts == sorted(facts, key=lambda f: f.char_start)


def test_deterministic() -> None:
    text = TARGET_INTRO + "地区生产总值增长5%左右，城镇新增就业110万人以上，粮食产量1300亿斤以上。"
    assert facts_of(text) == facts_of(text)
    assert {f.indicator_id for f in facts_of(text)} == {"gdp_growth", "urban_new_jobs", "grain_output"}
