"""分别 lists and parallel values: every subject pair, elided and compound heads, unknown items keep their place."""

from __future__ import annotations

import pytest

from pipelines.extract.lists import value_runs
from pipelines.extract.numbers import find_quantities
from tests.extract.helpers import facts_of

REVIEW = "一、{year}年工作回顾\n"


def _facts(sentence: str, year: int) -> set[tuple]:
    text = REVIEW.format(year=year - 1) + sentence + "\n"
    return {(f.indicator_id, f.measure, f.value) for f in facts_of(text, year) if f.subject is None}


CASES = [
    # 海拉尔区 2018: elided head (城镇和农村…), then a second 分别 with one shared value
    ("城镇和农村居民人均可支配收入分别达35512元、25689元，分别同比增长7.8%。", 2018, {
        ("urban_per_capita_disposable_income", "level", 35512), ("rural_per_capita_disposable_income", "level", 25689),
        ("urban_per_capita_disposable_income_growth", "growth_rate", 7.8),
        ("rural_per_capita_disposable_income_growth", "growth_rate", 7.8)}),
    # 深圳 2011: an item outside the taxonomy (高新技术产品产值) keeps its place; growth list in a later clause
    ("规模以上工业增加值、高新技术产品产值、地方财政一般预算收入和全口径财政收入跃上新台阶,"
     "分别为4050亿元、10176亿元、1106.8亿元和3507亿元,比2005年增长88%、108%、168%和158%。", 2011, {
        ("industrial_va_growth", "level", 4050), ("general_budget_revenue", "level", 1106.8),
        ("total_fiscal_revenue", "level", 3507), ("industrial_va_growth", "cumulative_growth_rate", 88),
        ("general_budget_revenue_growth", "cumulative_growth_rate", 168),
        ("total_fiscal_revenue_growth", "cumulative_growth_rate", 158)}),
    # 惠州 2012: each subject with its own level, then 分别 lists of one-year and average growth
    ("城镇居民可支配收入26500元,农民人均纯收入10800元,分别增长12.5%和19%,年均分别增长8.7%和16.2%。", 2012, {
        ("urban_per_capita_disposable_income", "level", 26500), ("rural_per_capita_disposable_income", "level", 10800),
        ("urban_per_capita_disposable_income_growth", "growth_rate", 12.5),
        ("rural_per_capita_disposable_income_growth", "growth_rate", 19),
        ("urban_per_capita_disposable_income_growth", "avg_growth_rate", 8.7),
        ("rural_per_capita_disposable_income_growth", "avg_growth_rate", 16.2)}),
    # 潮州 2021: interleaved subjects and values, 较2015年分别增长 (an item without an id keeps its place)
    ("2020年全市实现生产总值1097亿元、规模以上工业增加值269.7亿元、一般公共预算收入48.6亿元、税费收入144.8亿元,"
     "较2015年分别增长26.8%、12%、0.6%和25.9%。", 2021, {
        ("gdp", "level", 1097), ("industrial_va_growth", "level", 269.7), ("general_budget_revenue", "level", 48.6),
        ("gdp_growth", "cumulative_growth_rate", 26.8), ("industrial_va_growth", "cumulative_growth_rate", 12),
        ("general_budget_revenue_growth", "cumulative_growth_rate", 0.6)}),
    # 苏州 2023: compound head 存贷款
    ("金融机构本外币存贷款余额分别达到4.79万亿元和4.68万亿元。", 2023, {
        ("deposit_balance", "level", 4.79), ("loan_balance_growth", "level", 4.68)}),
    # 邢台 2024: 工业用电量 has no id and keeps its place; elided 存、贷款余额
    ("工业用电量和金融机构存、贷款余额分别增长12.8%、13.4%、14.9%。", 2024, {
        ("deposit_balance", "growth_rate", 13.4), ("loan_balance_growth", "growth_rate", 14.9)}),
    # 贵州 2026: 城镇和农村 is a compound head
    ("城镇和农村常住居民人均可支配收入分别增长3.9%和5.7%。", 2026, {
        ("urban_per_capita_disposable_income_growth", "growth_rate", 3.9),
        ("rural_per_capita_disposable_income_growth", "growth_rate", 5.7)}),
    # 宁夏 2026: visitors and their spending
    ("全区游客人次、旅游花费分别增长14%、10%，入境游客增长25%。", 2026, {
        ("tourist_arrivals", "growth_rate", 14), ("tourism_revenue", "growth_rate", 10)}),
    # 贵州 2026: one value for both subjects (均), then a list of parts that does not reuse them
    ("接待游客人次、旅游总花费均增长8%以上，省外游客、入境过夜游客分别增长10%、35%以上。", 2026, {
        ("tourist_arrivals", "growth_rate", 8), ("tourism_revenue", "growth_rate", 8)}),
    # 金融业、软件和信息服务业: sub-sectors, not 服务业增加值
    ("金融业、软件和信息服务业增加值分别增长9.7%、15.3%。", 2024, set()),
]


@pytest.mark.parametrize(("sentence", "year", "expected"), CASES, ids=[c[0][:12] for c in CASES])
def test_list_alignment(sentence: str, year: int, expected: set[tuple]) -> None:
    assert _facts(sentence, year) == expected


def test_a_list_alias_with_one_value_is_the_whole_population() -> None:
    # 潮州 2021: 城乡居民人均可支配收入2.33万元 (one value) is all residents, not the urban series
    assert _facts("城乡居民人均可支配收入2.33万元,年均增长6.7%。", 2021) == {
        ("per_capita_disposable_income", "level", 2.33),
        ("per_capita_disposable_income_growth", "avg_growth_rate", 6.7)}


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("分别增长12.8%、13.4%和14.9%", [[12.8, 13.4, 14.9]]),
        ("分别提高10.6、3.1、2.0个百分点", [[10.6, 3.1, 2.0]]),
        ("增长7.3%左右和7.8%左右", [[7.3, 7.8]]),
        ("增长5%，投资增长6%", []),
        ("达4270亿元、增长8%", []),  # a level and a rate are not one list
    ],
)
def test_value_runs(text: str, runs: list[list[float]]) -> None:
    assert [[q.value for q in r] for r in value_runs(text, find_quantities(text))] == runs


def test_a_clause_with_its_own_values_is_not_a_list_of_names() -> None:
    # 芜湖 2024: one company's sales and exports, each with a count of cars, then 分别增长
    assert _facts("奇瑞销量突破188万辆、出口93万辆,分别增长53%和101%。", 2024) == set()
