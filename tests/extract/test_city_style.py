"""Prefecture-city style excerpts written for these tests (not from the corpus), with exact expected facts."""

from __future__ import annotations

import pytest

from tests.extract.helpers import facts_of


def _key(f):
    v = (f.value_low, f.value_high) if f.value is None else f.value
    return (f.indicator_id, f.kind, f.period_year, f.measure, v, f.qualifier)


REVIEW = (
    "一、2025年工作回顾\n"
    "过去一年，全市地区生产总值增长5.6%，总量突破3000亿元、达3128.6亿元；一般公共预算收入完成265.3亿元、增长3.1%；"
    "规上工业增加值增长7.2%，高于全国0.4个百分点、居全省第6位；固定资产投资下降2.1%；"
    "社会消费品零售总额预计达1450亿元、增长4.8%。城镇和农村居民人均可支配收入分别增长4.6%、6.1%。\n"
)


def test_city_review_paragraph() -> None:
    facts = facts_of(REVIEW, 2026)
    assert {_key(f) for f in facts} == {
        ("gdp_growth", "actual", 2025, "growth_rate", 5.6, "exact"),
        ("gdp", "actual", 2025, "level", 3128.6, "exact"),
        ("general_budget_revenue", "actual", 2025, "level", 265.3, "exact"),
        ("general_budget_revenue_growth", "actual", 2025, "growth_rate", 3.1, "exact"),
        ("industrial_va_growth", "actual", 2025, "growth_rate", 7.2, "exact"),
        ("fixed_asset_investment_growth", "actual", 2025, "growth_rate", -2.1, "exact"),
        ("retail_sales_growth", "actual", 2025, "level", 1450, "expected"),
        ("retail_sales_growth", "actual", 2025, "growth_rate", 4.8, "expected"),
        ("urban_per_capita_disposable_income_growth", "actual", 2025, "growth_rate", 4.6, "exact"),
        ("rural_per_capita_disposable_income_growth", "actual", 2025, "growth_rate", 6.1, "exact"),
    }
    # the first results paragraph is a headline paragraph
    assert all(f.is_headline for f in facts)


TARGETS = (
    "二、2026年工作安排\n"
    "今年全市经济社会发展的主要预期目标是：地区生产总值增长５．５％左右，\n一般公共预算收入按增长3%安排，"
    "固定资产投资增长7%以上、力争8%，社会消费品零售总额增长6%，城镇调查失业率控制在5.5%以内，"
    "居民消费价格涨幅3%左右，城镇新增就业不低于3万人，单位地区生产总值能耗降低3%左右。\n"
)


def test_city_target_paragraph() -> None:
    facts = facts_of(TARGETS, 2026)
    assert {_key(f) for f in facts} == {
        ("gdp_growth", "target", 2026, "growth_rate", 5.5, "about"),
        ("general_budget_revenue_growth", "target", 2026, "growth_rate", 3, "exact"),
        ("fixed_asset_investment_growth", "target", 2026, "growth_rate", 7, "at_least"),
        ("fixed_asset_investment_growth", "target", 2026, "growth_rate", 8, "strive"),
        ("retail_sales_growth", "target", 2026, "growth_rate", 6, "exact"),
        ("surveyed_unemployment_rate", "target", 2026, "ratio", 5.5, "at_most"),
        ("cpi", "target", 2026, "growth_rate", 3, "about"),
        ("urban_new_jobs", "target", 2026, "count", 3, "at_least"),
        ("energy_intensity_reduction", "target", 2026, "growth_rate", 3, "about"),
    }
    assert all(f.is_headline for f in facts)


def test_plan_trigger_then_ambiguous_annual_trigger() -> None:
    """Both paragraphs say 主要目标是; the section and the wording decide plan vs annual target."""
    text = ("二、“十五五”时期主要目标任务和2026年工作安排\n"
            "“十五五”时期经济社会发展的主要目标是：全市地区生产总值年均增长5.5%左右，"
            "人均地区生产总值达到12万元，常住人口城镇化率年均提高1个百分点。\n"
            "全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长3%。\n")
    facts = facts_of(text, 2026)
    assert {_key(f) for f in facts} == {
        ("gdp_growth", "plan_target", 2030, "avg_growth_rate", 5.5, "about"),  # 年均: an average
        ("gdp_per_capita", "plan_target", 2030, "level", 12, "exact"),
        ("urbanization_rate", "plan_target", 2030, "change_pp", 1, "exact"),
        ("gdp_growth", "target", 2026, "growth_rate", 6, "about"),
        ("general_budget_revenue_growth", "target", 2026, "growth_rate", 3, "exact"),
    }


@pytest.mark.parametrize("rng", ["5%-5.5%", "5%—5.5%", "5-5.5%", "5%到5.5%", "5%－5.5%", "5%至5.5%", "5%～5.5%"])
def test_city_ranges(rng: str) -> None:
    facts = facts_of("二、2026年工作安排\n今年全市主要预期目标是：地区生产总值增长" + rng + "。", 2026)
    assert [_key(f) for f in facts] == [("gdp_growth", "target", 2026, "growth_rate", (5, 5.5), "range")]


@pytest.mark.parametrize(
    ("clause", "iid", "value", "qual"),
    [("进出口总额突破800亿元", "foreign_trade_total", 800, "over"),
     ("实际使用外资超过5亿美元", "fdi_utilized", 5, "over"),
     ("城镇调查失业率5.5%以内", "surveyed_unemployment_rate", 5.5, "at_most"),
     ("城镇新增就业不低于6万人", "urban_new_jobs", 6, "at_least"),
     ("粮食产量约30亿斤", "grain_output", 30, "about"),
     ("高新技术企业近2000家", "high_tech_enterprises", 2000, "about"),
     ("粮食产量稳定在30亿斤以上", "grain_output", 30, "at_least"),
     ("力争高新技术企业达到2100家", "high_tech_enterprises", 2100, "strive")],
)
def test_city_qualifiers(clause: str, iid: str, value: float, qual: str) -> None:
    facts = facts_of("二、2026年工作安排\n今年全市主要预期目标是：" + clause + "。", 2026)
    assert [(f.indicator_id, f.value, f.qualifier, f.kind) for f in facts] == [(iid, value, qual, "target")]


def test_fenbie_and_pp_and_cn_numerals() -> None:
    text = ("一、2025年工作回顾\n过去一年，一产、二产、三产增加值分别增长3.5%、6%、5.5%。"
            "常住人口城镇化率提高1.2个百分点、达到68.5%。全年接待游客一千二百万人次。\n")
    facts = facts_of(text, 2026)
    assert {_key(f) for f in facts} == {
        ("primary_industry_va_growth", "actual", 2025, "growth_rate", 3.5, "exact"),
        ("secondary_industry_va_growth", "actual", 2025, "growth_rate", 6, "exact"),
        ("services_va_growth", "actual", 2025, "growth_rate", 5.5, "exact"),
        ("urbanization_rate", "actual", 2025, "change_pp", 1.2, "exact"),
        ("urbanization_rate", "actual", 2025, "share", 68.5, "exact"),
        ("tourist_arrivals", "actual", 2025, "count", 1200, "exact"),
    }


def test_spaces_traditional_full_width_line_breaks() -> None:
    text = ("一、2025年工作回顧\n過去一年，全市地區生產總值增長 5 . 8 %，\n總量達到２１５０億元。\n"
            "二、2026年工作安排\n今年全市經濟社會發展的主要預期目標\n是：地區生產總值增長6%左右。\n")
    facts = facts_of(text, 2026)
    assert {_key(f) for f in facts} == {
        ("gdp_growth", "actual", 2025, "growth_rate", 5.8, "exact"),
        ("gdp", "actual", 2025, "level", 2150, "exact"),
        ("gdp_growth", "target", 2026, "growth_rate", 6, "about"),
    }


def test_highlight_paragraphs_are_headline() -> None:
    text = ("一、2025年工作回顾\n过去一年，全市上下攻坚克难，经济社会发展取得新成效。\n"
            "——经济运行稳中有进。全市地区生产总值增长5.2%，规上工业增加值增长6.8%。\n"
            "——民生福祉持续增进。城镇新增就业5.6万人。\n"
            "（一）聚力产业强链。新增高新技术企业120家。\n")
    facts = facts_of(text, 2026)
    head = {f.indicator_id for f in facts if f.is_headline}
    assert head == {"gdp_growth", "industrial_va_growth", "urban_new_jobs"}


def test_ratio_flat_cpi_and_shared_value() -> None:
    text = ("一、2025年工作回顾\n过去一年，城乡居民收入比由2.9∶1缩小至2.52∶1，居民消费价格指数持平。\n"
            "二、2026年工作安排\n今年全市主要预期目标是：基本养老、医疗保险参保率稳定在95%以上。\n")
    facts = facts_of(text, 2026)
    ratio = [f for f in facts if f.indicator_id == "urban_rural_income_ratio"]
    # from-to: the base value is the year before (README: 从…到… gives two facts)
    assert [(f.period_year, f.measure, f.value, f.unit_std) for f in ratio] == [
        (2024, "ratio", 2.9, "ratio (rural=1)"), (2025, "ratio", 2.52, "ratio (rural=1)")]
    cpi = [f for f in facts if f.indicator_id == "cpi"]
    assert [(f.kind, f.period_year, f.value, f.measure) for f in cpi] == [("actual", 2025, 0, "growth_rate")]
    cov = sorted((f.indicator_id, f.value, f.qualifier, f.kind) for f in facts if "coverage" in f.indicator_id)
    assert cov == [("basic_medical_insurance_coverage", 95, "at_least", "target"),
                   ("basic_pension_insurance_coverage", 95, "at_least", "target")]


def test_milestone_then_exact_level() -> None:
    facts = facts_of("一、2025年工作回顾\n全市地区生产总值突破3000亿元、达3128.6亿元。", 2026)
    assert [(f.indicator_id, f.value, f.qualifier) for f in facts] == [("gdp", 3128.6, "exact")]
    # a lone milestone stays a lower-bound fact
    facts = facts_of("一、2025年工作回顾\n全市地区生产总值突破3000亿元。", 2026)
    assert [(f.indicator_id, f.value, f.qualifier) for f in facts] == [("gdp", 3000, "over")]


@pytest.mark.parametrize(
    "sentence",
    [
        "——2026年1月8日在某某市第十七届人民代表大会第五次会议上",
        "“十四五”圆满收官，“十五五”开局良好。",
        "全面完成“3610”目标任务，加快构建“2+6+6”创新型产业集群和“1650”产业体系。",
        "出台稳经济“23条”，营商环境评价居全省第6位。",
        "招引10亿元以上项目203个。",
        "地区生产总值连续迈上4个万亿元台阶，培育形成2个万亿级产业集群。",
        "规上工业增加值实现两位数增长。",
        "海洋生产总值增长6%，县域经济总量突破500亿元。",
        "社会物流总费用与GDP的比率下降0.5个百分点，万元生产总值用水量下降4%。",
        "农村居民收入增速快于经济增速1.2个百分点。",
        "经济增长连续三年保持在6%以上。",
    ],
)
def test_city_negatives(sentence: str) -> None:
    facts = [f for f in facts_of("一、2025年工作回顾\n" + sentence + "\n", 2026) if f.subject is None]
    assert [f for f in facts if f.indicator_id in ("gdp", "gdp_growth")] == []
    assert [f for f in facts if f.indicator_id != "logistics_cost_gdp_ratio"] == []


def test_vs_national_keeps_only_own_value() -> None:
    facts = facts_of("一、2025年工作回顾\n全市地区生产总值增长5.4%、高于全国0.4个百分点。", 2026)
    assert [_key(f) for f in facts] == [("gdp_growth", "actual", 2025, "growth_rate", 5.4, "exact")]


def test_past_year_sentence_inside_target_paragraph() -> None:
    text = ("三、2026年的工作\n2026年是“十五五”开局之年。过去一年，我们取得了很大成绩。"
            "全市地区生产总值增长6.3%，居民消费价格涨幅控制在2%。这为做好今年的工作打下了良好基础。\n")
    facts = facts_of(text, 2026)
    assert {_key(f) for f in facts} == {
        ("gdp_growth", "actual", 2025, "growth_rate", 6.3, "exact"),
        ("cpi", "actual", 2025, "growth_rate", 2, "exact"),
    }
