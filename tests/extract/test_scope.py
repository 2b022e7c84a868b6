"""Scope: figures about a part of the region carry a subject and never pose as the region's own."""

from __future__ import annotations

import pytest

from pipelines.extract.scope import part_subject
from tests.extract.helpers import facts_of


@pytest.mark.parametrize(
    ("clause", "mention", "region", "subject"),
    [
        # real sentences of the 2026 provincial reports
        ("武汉都市圈经济总量达到3.8万亿元", "经济总量", "湖北省", "武汉都市圈"),
        ("兰州新区经济总量突破500亿元", "经济总量", "甘肃省", "兰州新区"),
        ("南疆五地州地区生产总值年均增长6%", "地区生产总值", "新疆维吾尔自治区", "南疆五地州"),
        ("京津冀区域优良天数比率接近80%", "优良天数比率", "河北省", "京津冀区域"),
        ("县域经济总量突破500亿元", "经济总量", "江苏省", "县域"),  # the extractor adds 经济
        ("绿色贷款余额增长25%", "贷款余额", "浙江省", "绿色"),
        ("“新三样”出口增长近30%", "出口", "国务院", "“新三样”"),
        ("西安市地区生产总值增长5.6%", "地区生产总值", "陕西省", "西安市"),
        # the whole region
        ("全省地区生产总值增长5.5%", "地区生产总值", "湖北省", None),
        ("南京市地区生产总值增长4.6%", "地区生产总值", "南京市", None),
        ("2025年全省地区生产总值60199.45亿元", "地区生产总值", "河南省", None),
        ("外贸出口1.97亿美元", "出口", "鄂州市", None),
        ("城乡居民人均可支配收入增长5%", "人均可支配收入", "北京市", None),
        ("实现规模以上工业增加值增长6%", "工业增加值", "南京市", None),
        # the official air-quality series are measured over the monitored cities: still the whole region
        ("国考城市PM2.5浓度下降18.3%", "PM2.5浓度", "湖北省", None),
        ("地级及以上城市细颗粒物平均浓度下降2.7%", "细颗粒物", "国务院", None),
    ],
)
def test_part_subject(clause: str, mention: str, region: str, subject: str | None) -> None:
    text = "。" + clause
    start = text.index(mention)
    assert part_subject(text, 1, start, region) == subject


def test_parts_get_a_subject_and_the_whole_region_keeps_none() -> None:
    text = ("一、2025年工作回顾\n全省地区生产总值增长5.5%，武汉都市圈经济总量达到3.8万亿元，"
            "县域经济总量突破500亿元。\n")
    facts = facts_of(text, 2026)
    whole = [(f.indicator_id, f.value) for f in facts if f.subject is None]
    parts = sorted((f.indicator_id, f.value, f.subject) for f in facts if f.subject is not None)
    assert whole == [("gdp_growth", 5.5)]
    assert parts == [("gdp", 3.8, "武汉都市圈"), ("gdp", 500, "县域经济")]
    assert not any(f.is_headline for f in facts if f.subject)


def test_the_regions_own_name_without_its_suffix_is_not_a_part() -> None:
    text = "。来源于惠州的财税总收入737.1亿元"  # 惠州 2012: 惠州 is 惠州市 itself
    assert part_subject(text, 1, text.index("财税总收入"), "惠州市") is None
    text = "。杭州都市圈经济总量达到3万亿元"
    assert part_subject(text, 1, text.index("经济总量"), "浙江省") == "杭州都市圈"
