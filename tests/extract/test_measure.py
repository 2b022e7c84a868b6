"""Measure decisions as tables: one year's measure, then spans (年均, 比2020年, five-year totals)."""

from __future__ import annotations

import pytest

from pipelines.extract.measure import MeasureWords, one_year_measure, span_measure
from tests.extract.helpers import facts_of


@pytest.mark.parametrize(
    ("family", "unit", "ind_measure", "ind_family", "words", "expected"),
    [
        ("growth", "%", "growth_rate", "growth", MeasureWords("增长"), "growth_rate"),
        ("pp", "个百分点", "share", "pct", MeasureWords("提高"), "change_pp"),
        ("pct", "%", "share", "pct", MeasureWords("达到"), "share"),
        ("level", ":1", "ratio", "pct", MeasureWords("缩小至"), "ratio"),
        ("level", "家", "count", "level", MeasureWords("增至"), "count"),  # 高新技术企业增至3.5万家
        ("level", "万户", "count", "level", MeasureWords("", before_subject="全年新增"), "increment"),
        ("level", "亿元", "level", "level", MeasureWords("比上年增加"), "increment"),
        ("level", "亿元", "level", "level", MeasureWords("增长5%、达到"), "level"),
        ("level", "家", "count", "level", MeasureWords("", after_subject="获批建设"), "increment"),
    ],
)
def test_one_year_measure(family, unit, ind_measure, ind_family, words, expected) -> None:
    assert one_year_measure(family, unit, ind_measure, ind_family, words) == expected


def _span(measure: str, kind: str, zone: str, *, indicator_id: str = "gdp", before: str = "", review5: bool = False,
          review_sentence: bool = False, names_last_year: bool = False, subject_text: str = "") -> str | None:
    return span_measure(measure, kind, indicator_id=indicator_id, words=MeasureWords(zone, before_subject=before),
                        subject_text=subject_text, review5=review5, past_plan=False,
                        review_sentence=review_sentence, names_last_year=names_last_year)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("growth_rate", "actual", "年均增长"), "avg_growth_rate"),
        (("growth_rate", "plan_target", "年均增长"), "avg_growth_rate"),  # the contract: plan averages too
        (("growth_rate", "plan_target", "增长"), "growth_rate"),
        (("growth_rate", "target", "年均增长"), "growth_rate"),
        (("growth_rate", "actual", "比2020年增长"), "cumulative_growth_rate"),
        (("growth_rate", "actual", "较2015年分别增长"), "cumulative_growth_rate"),
        (("growth_rate", "actual", "增长"), "growth_rate"),
    ],
)
def test_span_measure_of_rates(args: tuple, expected: str) -> None:
    assert _span(*args) == expected


def test_five_year_review_totals() -> None:
    # 河北 2026 (这五年): flows are five-year totals even without 累计; a level reached stays a level
    assert _span("count", "actual", "", indicator_id="urban_new_jobs", review5=True) == "cumulative_level"
    assert _span("increment", "actual", "净增", indicator_id="market_entities", review5=True) == "cumulative_level"
    assert _span("count", "actual", "", indicator_id="affordable_housing_units", before="建设筹集",
                 review5=True) == "cumulative_level"
    assert _span("level", "actual", "达到", indicator_id="gdp", review5=True) == "level"
    assert _span("level", "actual", "增至", indicator_id="retail_sales_growth", review5=True) == "level"
    assert _span("count", "actual", "", indicator_id="national_key_labs", review5=True) == "count"
    # the review's last year named alone, and one-year reports, keep the year's measure
    assert _span("count", "actual", "", indicator_id="urban_new_jobs", review5=True, names_last_year=True) == "count"
    assert _span("count", "actual", "", indicator_id="urban_new_jobs") == "count"
    assert _span("count", "actual", "", indicator_id="urban_new_jobs", before="全年实现", review5=True) == "count"
    # 累计 in a five-year review
    assert _span("level", "actual", "累计完成", indicator_id="fixed_asset_investment_growth",
                 review5=True) == "cumulative_level"
    # 城镇新增就业每年超过90万人 (湖北 2026): a yearly average of a level has no measure
    assert _span("count", "actual", "每年超过", indicator_id="urban_new_jobs", review5=True) is None


def test_five_year_review_in_a_report() -> None:
    text = ("一、“十四五”时期工作回顾\n这五年，经济实力跃上新台阶，地区生产总值达到4.8万亿元，城镇新增就业452万人，"
            "经营主体净增231万户，建设筹集保障性住房36万套。\n")
    got = {(f.indicator_id, f.measure, f.period_year, f.value) for f in facts_of(text, 2026)}
    assert got == {
        ("gdp", "level", 2025, 4.8),
        ("urban_new_jobs", "cumulative_level", 2025, 452),
        ("market_entities", "cumulative_level", 2025, 231),
        ("affordable_housing_units", "cumulative_level", 2025, 36),
    }


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("固定资产投资下降2.1%", -2.1),
        ("固定资产投资微降0.3%", -0.3),
        ("外贸进出口总额负增长4.2%", -4.2),
        ("规模以上工业增加值回落1.5%", -1.5),
        ("社会消费品零售总额增长4.8%", 4.8),
        ("规模以上工业增加值与上年持平", 0.0),
        ("单位地区生产总值能耗下降3%", 3.0),  # a reduction indicator stores the decline as positive
    ],
)
def test_signs_of_change(sentence: str, value: float) -> None:
    facts = [f for f in facts_of("一、2025年工作回顾\n" + sentence + "。\n", 2026) if f.unit == "%"]
    assert [f.value for f in facts] == [value], facts


def test_a_paragraph_that_turns_to_the_five_year_review() -> None:
    # 山东 2026: the review opens mid-paragraph (…收官之年。五年来，…) and the following highlights
    # speak of the five years; 云南 2026: 各位代表！刚刚过去的2025年… turns back to the last year
    text = ("一、2025年及“十四五”时期工作回顾\n各位代表！2025年是“十四五”收官之年。五年来，我们牢记嘱托。\n"
            "——经济综合实力实现新跃升。全省地区生产总值年均增长5.9%；人均生产总值由7.34万元提升至10.26万元，"
            "居民人均可支配收入增长34.3%。\n"
            "各位代表！刚刚过去的2025年，全省地区生产总值增长5.5%。\n")
    got = {(f.indicator_id, f.measure, f.period_year, f.value) for f in facts_of(text, 2026)}
    assert got == {
        ("gdp_growth", "avg_growth_rate", 2025, 5.9),
        ("gdp_per_capita", "level", 2020, 7.34),
        ("gdp_per_capita", "level", 2025, 10.26),
        ("per_capita_disposable_income_growth", "cumulative_growth_rate", 2025, 34.3),
        ("gdp_growth", "growth_rate", 2025, 5.5),
    }
