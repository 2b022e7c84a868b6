"""Readings an economist would not sign, from real sentences of the 2026 provincial reports."""

from __future__ import annotations

import pytest

from tests.extract.helpers import facts_of

REVIEW = "一、2025年工作回顾\n"


def _whole(sentence: str, year: int = 2026) -> list[tuple]:
    return sorted((f.indicator_id, f.measure, f.value) for f in facts_of(REVIEW + sentence + "\n", year)
                  if f.subject is None)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 福建: a new thing after 争取 is not the previous subject
        ("自审自发地方政府专项债券1542亿元，争取中央预算内投资150亿元。", [("local_gov_special_bonds", "level", 1542)]),
        # 辽宁: same with 降低
        ("新增减税降费59.3亿元，降低交通物流成本65亿元。", [("tax_fee_reduction", "level", 59.3)]),
        # 河南 / 江西 / 青海: a floor held for years is not the year's level
        ("粮食总产量连续9年稳定在1300亿斤以上。", []),
        # 南京: a share held at 100% for five years is still this year's 100%
        ("42个国省考断面水质优良比例连续5年保持100%。", [("surface_water_good_ratio", "share", 100)]),
        # 广西: half a year is not a base year
        ("年末城镇调查失业率从上半年5.5%降到5.3%。", [("surveyed_unemployment_rate", "ratio", 5.3)]),
        # 湖南: the same figure on another basis, in parentheses
        ("地方一般公共预算收入达3507.6亿元、增长1.7%（同口径增长2.5%以上）。",
         [("general_budget_revenue", "level", 3507.6), ("general_budget_revenue_growth", "growth_rate", 1.7)]),
        # 上海: a year's construction beside the running total is the increment
        ("建成高标准农田8.9万亩、累计达到120.5万亩。",
         [("high_standard_farmland", "increment", 8.9), ("high_standard_farmland", "level", 120.5)]),
        # 贵州: a yearly average of a level has no measure
        ("实施稳岗计划，每年城镇新增就业60万人以上。", []),
        # 北京: beneficiaries of a programme are not renovated communities
        ("为380个老旧小区加装电梯。", []),
    ],
)
def test_precision_rules(sentence: str, expected: list[tuple]) -> None:
    assert _whole(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "value", "subject"),
    [
        ("“新三样”产品出口增长17.4%。", 17.4, "“新三样”产品"),  # 上海
        ("非烟非能工业增加值增长8.1%。", 8.1, "非烟非能"),  # 云南
        ("“一带一路”国家进出口增长14.7%。", 14.7, "“一带一路”国家"),  # 新疆
        ("退役军人、残疾人新增就业均超7.3万人。", 7.3, "残疾人"),  # 云南
        ("地表水考核断面水质优良比例99.1%，近岸海域水质优良比例94.9%。", 94.9, None),  # 广西: not carried over
        ("软件和信息技术服务业增加值增长9.6%。", 9.6, "软件和信息技术"),  # 浙江
    ],
)
def test_parts_never_reach_the_whole_region(sentence: str, value: float, subject: str | None) -> None:
    facts = [f for f in facts_of(REVIEW + sentence + "\n", 2026) if f.value == value]
    assert all(f.subject is not None for f in facts), facts
    assert {f.subject for f in facts} == ({subject} if subject else set())


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # indicators added to dim_indicator from the 2026 provincial reports (not in shared/taxonomy)
        ("建成5G基站20.6万个、网络实现城区全覆盖。", [("base_stations_5g", "count", 20.6)]),
        ("每千人口托位数达4.6个。", [("childcare_places_per_1000", "ratio", 4.6)]),
        ("非金融类对外直接投资601亿美元。", [("outward_direct_investment", "level", 601)]),
        ("对外直接投资增长4.3%。", [("outward_direct_investment_growth", "growth_rate", 4.3)]),
        # 河北 2026: the share of renewables in installed power capacity, not the capacity
        ("可再生能源占电力装机比重提升至73.4%。", [("renewable_capacity_share", "share", 73.4)]),
        # a rate per head of the thing counted, and one sum of two indicators, are neither indicator
        ("5G基站万人拥有量33.7座。", []),
        ("利用外资和对外直接投资38亿美元。", []),
    ],
)
def test_indicators_added_from_real_reports(sentence: str, expected: list[tuple]) -> None:
    assert _whole(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        # State Council texts (2013–2023): a level reached after a fall is not a decline
        ("居民消费价格涨幅回落到2.6%。", 2013, [("cpi", "growth_rate", 2.6)]),
        # the deficit's central and local shares are parts of the whole deficit
        ("今年拟安排财政赤字1.2万亿元，其中中央财政赤字8500亿元。", 2013, [("fiscal_deficit", "level", 1.2)]),
        # one pollutant is a component of the aggregate reduction
        ("化学需氧量、二氧化硫排放总量分别下降15.7%和17.5%。", 2013, []),
        # a ten-year span has no measure in the contract; a floor held year after year is not a level
        ("国内生产总值增加到121万亿元，五年年均增长5.2%，十年增加近70万亿元、年均增长6.2%。", 2023,
         [("gdp", "level", 121), ("gdp_growth", "avg_growth_rate", 5.2)]),
        ("粮食产量连年稳定在1.3万亿斤以上。", 2023, []),
        # 国务院 2006: a span named before the subject
        ("2005年与2000年相比，国内生产总值增长57.3%，年均增长9.5%。", 2006,
         [("gdp_growth", "avg_growth_rate", 9.5), ("gdp_growth", "cumulative_growth_rate", 57.3)]),
    ],
)
def test_state_council_rules(sentence: str, year: int, expected: list[tuple]) -> None:
    assert _whole(sentence, year) == expected


def test_last_years_rate_is_a_base() -> None:
    facts = facts_of(REVIEW + "工业企业利润由上年下降2.3%转为增长8.5%。\n", 2017)
    assert sorted((f.period_year, f.value) for f in facts) == [(2015, -2.3), (2016, 8.5)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 福建 2026: shares of the national average are comparisons
        ("单位地区生产总值能耗、主要污染物排放强度分别约为全国平均的70%、60%。", []),
        # 福建 2026: households in renovated communities are not communities
        ("推动城中村改造2.6万户、老旧小区改造8.36万户。", []),
        ("完成老旧小区改造101个。", [("old_community_renovation", "count", 101)]),
    ],
)
def test_comparisons_and_counting_units(sentence: str, expected: list[tuple]) -> None:
    assert _whole(sentence) == expected


def test_units_fit_the_indicator() -> None:
    from pipelines.extract.units import units_fit

    assert units_fit("亿美元", "亿元") and units_fit("万家", "万户") and units_fit("件", "件/万人")
    assert units_fit("万公里", "公里") and units_fit("岁", "岁")
    assert not units_fit("万亩", "微克/立方米")  # PM2.5 is never an area
    assert not units_fit("个", "万人") and not units_fit("名", "万人") and not units_fit("项", "元/月")
    # real misreadings from the 2026 provincial texts: a count of things is not the indicator
    assert _whole("完成每万城镇常住人口配备18名社区工作者。") == []
    assert _whole("出台提高城乡低保标准等10项政策。") == []


def test_a_page_that_lost_its_percent_signs() -> None:
    # 温州 2015: the page prints no % at all; in a text with % signs a bare number is never a rate
    lost = REVIEW + "实现地区生产总值4303亿元,同比增长7.2,一般公共预算收入353亿元,增长8.8。城镇登记失业率1.91。\n"
    got = {(f.indicator_id, f.value, f.unit) for f in facts_of(lost, 2015)}
    assert {("gdp_growth", 7.2, "%"), ("general_budget_revenue_growth", 8.8, "%"),
            ("registered_unemployment_rate", 1.91, "%")} <= got
    kept = REVIEW + "实现地区生产总值4303亿元,同比增长7.2%,一般公共预算收入353亿元,增长8.8。\n"
    assert {f.indicator_id for f in facts_of(kept, 2015)} == {"gdp", "gdp_growth", "general_budget_revenue"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 商洛 2018 and 海拉尔区 2017: people lifted out of poverty, named after the number
        ("6.69万人稳定脱贫,53个村退出贫困行列。", [("rural_poverty_reduction", "count", 6.69)]),
        ("183人实现全部脱贫。", [("rural_poverty_reduction", "count", 183)]),
        # people who were lifted out of poverty, counted for something else, are not the reduction
        ("帮助1.2万脱贫人口就业。", []),
        ("脱贫人口务工规模超过3300万人。", []),
    ],
)
def test_people_lifted_out_of_poverty(sentence: str, expected: list[tuple]) -> None:
    assert _whole(sentence, 2018) == expected


def test_a_year_written_before_the_subject_is_the_period() -> None:
    # 东莞 2014 news: 2012's growth is 2012's, not last year's; 比2012年… stays a comparison
    facts = facts_of(REVIEW + "2013年初,由于2012年东莞GDP增速仅为6.1%,政府下调目标。\n", 2014)
    assert [(f.indicator_id, f.period_year, f.value) for f in facts] == [("gdp_growth", 2012, 6.1)]


def test_a_threshold_subject_is_not_carried() -> None:
    # 齐齐哈尔 2022: 固定资产投资 names a class of projects here, so 完成投资 is not the region's investment
    assert _whole("固定资产投资5000万元以上产业项目947个,完成投资832.6亿元。", 2022) == []


def test_a_contribution_is_not_the_indicator() -> None:
    # 甘肃 2026
    assert _whole("省属规上工业企业对全省规上工业增长贡献39.7%。") == []


def test_additions_named_by_the_subject_and_parts_of_the_retail_sector() -> None:
    text = "二、2026年工作安排\n新入库规模以上工业企业400家以上、限上批零住餐业经营主体600家左右。\n"
    got = {(f.indicator_id, f.measure, f.value, f.subject) for f in facts_of(text, 2026)}
    assert got == {("above_scale_industrial_enterprises", "increment", 400, None),
                   ("market_entities", "increment", 600, "限上批零住餐业")}
    assert _whole("新升规工业企业1797家。", 2024) == [("above_scale_industrial_enterprises", "increment", 1797)]


def test_a_target_paragraph_that_turns_to_last_years_results() -> None:
    # 东莞 2024 news: the targets first, then 据介绍，2023年… and more results in later sentences
    text = ("2024年东莞市政府工作报告出炉,全市经济社会发展主要预期目标揭晓\n地区生产总值预期增长5%。"
            "据介绍,2023年东莞全年新增经营主体31万户；新升规工业企业1797家。\n")
    got = {(f.indicator_id, f.kind, f.period_year, f.value) for f in facts_of(text, 2024)}
    assert got == {("gdp_growth", "target", 2024, 5), ("market_entities", "actual", 2023, 31),
                   ("above_scale_industrial_enterprises", "actual", 2023, 1797)}


@pytest.mark.parametrize(
    ("sentence", "year", "expected"),
    [
        # State Council texts: a list item after the last named subject keeps its place
        ("非金融类对外直接投资和对外工程承包营业额分别达433亿美元和777亿美元。", 2010,
         [("outward_direct_investment", "level", 433)]),
        # a bare tail completed from the head before it (单位国内生产总值…二氧化碳排放)
        ("单位国内生产总值能耗和二氧化碳排放分别降低13.5%、18%。", 2021,
         [("carbon_intensity_reduction", "growth_rate", 18), ("energy_intensity_reduction", "growth_rate", 13.5)]),
        ("服务业增加值比重达到46.1%。", 2014, [("services_va_share", "share", 46.1)]),
    ],
)
def test_state_council_lists_and_aliases(sentence: str, year: int, expected: list[tuple]) -> None:
    assert _whole(sentence, year) == expected


def test_people_counted_in_bare_ten_thousands() -> None:
    text = "二、2017年工作安排\n今年再减少农村贫困人口1000万以上，完成易地扶贫搬迁340万人。\n"
    facts = facts_of(text, 2017)
    assert [(f.indicator_id, f.kind, f.value, f.unit, f.qualifier) for f in facts] == [
        ("rural_poverty_reduction", "target", 1000, "万人", "at_least")]
