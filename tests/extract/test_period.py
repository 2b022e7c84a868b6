"""Period decisions without headings: target announcements, looking back, December sessions, short headings."""

from __future__ import annotations

import pytest

from pipelines.extract.period import (
    NOT_A_BASE,
    announcement_start,
    december_session,
    expected_result,
    from_base,
    looks_back,
    target_cue,
)
from tests.extract.helpers import facts_of


@pytest.mark.parametrize(
    ("sentence", "year", "found"),
    [
        ("报告提出今年的预期目标是生产总值增长11%", 2012, True),  # 惠州 2012 news
        ("2019年全市经济社会发展预期目标,地区生产总值增长仍将达到6.5%左右", 2019, True),  # 淄博 2019
        ("主要预期目标是:GDP增长9%左右", 2017, True),  # 岳阳 2017
        ("2014年东莞全年GDP增长目标为9%", 2014, True),  # 东莞 2014 news
        ("全面完成了年初确定的主要预期目标,", 2024, False),  # a look back
        ("将2013年GDP增长目标为7%", 2014, False),  # an earlier year's target
        ("—主要目标—地区生产总值增长7%以上", 2021, True),  # 西安 2021 page: a banner heading
        ("地区生产总值增长5.5%", 2026, False),
    ],
)
def test_target_cue(sentence: str, year: int, found: bool) -> None:
    assert (target_cue(sentence, year) is not None) is found


@pytest.mark.parametrize(
    ("sentence", "year", "back"),
    [
        ("预计地区生产总值迈上5000亿元台阶", 2019, True),
        ("2018年全市经济社会发展稳中有进", 2019, True),
        ("去年全市完成固定资产投资增长8%", 2019, True),
        ("固定资产投资增长6%左右", 2019, False),
        ("2019年地区生产总值增长6.5%左右", 2019, False),
    ],
)
def test_looks_back(sentence: str, year: int, back: bool) -> None:
    assert looks_back(sentence, year) is back


def test_december_session() -> None:
    head = "政府工作报告\n——2022年12月19日在兰州市第十七届人民代表大会第二次会议上\n"
    assert december_session(head, 2022)
    assert not december_session("——2023年1月9日在兰州市第十七届人民代表大会第三次会议上\n", 2023)
    assert not december_session(head, 2023)  # a December date of the year before the session
    assert not december_session(head, None)


def test_december_report_reviews_its_own_year() -> None:
    # 兰州 2022: delivered on 19 Dec 2022, 预计全年 is 2022, the targets are for 2023
    text = ("政府工作报告\n——2022年12月19日在兰州市第十七届人民代表大会第二次会议上\n各位代表:\n一、2022年工作回顾\n"
            "预计全年实现生产总值3420亿元、增长1.5%。\n二、2023年工作安排\n"
            "今年经济社会发展的主要预期目标是:生产总值增长6%左右。\n")
    facts = {(f.indicator_id, f.kind, f.period_year, f.value, f.report_year) for f in facts_of(text, 2022)}
    assert facts == {
        ("gdp", "actual", 2022, 3420, 2022),
        ("gdp_growth", "actual", 2022, 1.5, 2022),
        ("gdp_growth", "target", 2023, 6, 2022),
    }


def test_news_rewrite_targets_after_an_announcement() -> None:
    # 淄博 2019 style: results and the announcement of targets in one sentence, then the list
    text = ("报告指出,预计地区生产总值同比增长6.5%左右2019年全市经济社会发展预期目标,地区生产总值增长仍将达到6.5%左右。\n"
            "于海田还阐述了2019年经济社会发展的预期目标建议。其中一般公共预算收入增长5%左右,固定资产投资增长6%左右。"
            "去年全市社会消费品零售总额增长9.1%。\n")
    got = {(f.indicator_id, f.kind, f.period_year, f.value) for f in facts_of(text, 2019)}
    assert got == {
        ("gdp_growth", "actual", 2018, 6.5),
        ("gdp_growth", "target", 2019, 6.5),
        ("general_budget_revenue_growth", "target", 2019, 5),
        ("fixed_asset_investment_growth", "target", 2019, 6),
        ("retail_sales_growth", "actual", 2018, 9.1),
    }


def test_short_headings_of_a_news_rewrite() -> None:
    # 商洛 2018 style: 回顾2017年 / 展望2018年 lines instead of numbered headings
    text = "回顾2017年\n生产总值增长9.5%\n展望2018年\n生产总值增长9%左右,规模以上工业增加值增长12%左右\n"
    got = {(f.indicator_id, f.kind, f.period_year, f.value) for f in facts_of(text, 2018)}
    assert got == {
        ("gdp_growth", "actual", 2017, 9.5),
        ("gdp_growth", "target", 2018, 9),
        ("industrial_va_growth", "target", 2018, 12),
    }


@pytest.mark.parametrize(
    ("mode", "before", "expected"),
    [
        ("actual", "预计全年实现生产总值", ("actual", 2025, True)),
        ("target", "预计全年实现生产总值", ("actual", 2025, True)),  # an estimate inside a target paragraph
        ("target", "预计今年财政收入", ("target", 2026, False)),  # a forecast for this year stays a target
        ("target", "地区生产总值增长", ("target", 2026, False)),
    ],
)
def test_expected_result(mode: str, before: str, expected: tuple) -> None:
    period = 2025 if mode == "actual" else 2026
    got = expected_result(mode, period, 2026, has_estimate="预计" in before, has_this_year="今年" in before)
    assert got == expected


@pytest.mark.parametrize(
    ("zone", "after", "mode", "base"),
    [
        ("从2015年的", "增加到6870亿元", "actual", 2015),  # 温州 2021 style
        ("由", "提升至73.4%", "review5", 2020),  # 河北 2026: a five-year review starts from 2020
        ("由上年", "增加到732万人", "actual", 2024),  # 宁夏 2026
        ("从上半年", "降到5.3%", "actual", NOT_A_BASE),  # 广西 2026
        ("从", "跃升到38家", "review5", 2020),  # 浙江 2026
        ("达到", "", "actual", None),
    ],
)
def test_from_base(zone: str, after: str, mode: str, base: int | None) -> None:
    assert from_base(zone, after, mode, 2026) == base


@pytest.mark.parametrize(
    ("sentence", "starts_with"),
    [
        ("2014年东莞全年GDP增长目标为9%", "2014年东莞"),  # the subject sits between the year and the cue
        ("预计地区生产总值同比增长6.5%左右2019年全市经济社会发展预期目标,地区生产总值增长6.5%左右", "2019年全市"),
        ("报告提出今年的预期目标是生产总值增长11%", "今年的预期目标"),
        ("会议提出,主要预期目标是:GDP增长9%左右", "主要预期目标"),
    ],
)
def test_announcement_start(sentence: str, starts_with: str) -> None:
    cue = target_cue(sentence, 2019 if "2019" in sentence else 2014)
    assert cue is not None
    assert sentence[announcement_start(sentence, cue):].startswith(starts_with)


def test_news_of_a_target_keeps_subject_and_value_together() -> None:
    facts = facts_of("中新社东莞1月7日电 记者获悉,2014年东莞全年GDP增长目标为9%,重回高位。\n", 2014)
    assert [(f.indicator_id, f.kind, f.period_year, f.value) for f in facts] == [("gdp_growth", "target", 2014, 9)]
