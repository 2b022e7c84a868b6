"""normalise_text: unit cases and properties (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.normalise import normalise_text, squeeze_whitespace


def test_line_endings_and_bom():
    assert normalise_text("\ufeff各位代表：\r\n现在\r下一行\n") == "各位代表：\n现在\n下一行\n"


def test_full_width_digits_letters_percent():
    assert normalise_text("增长５．２％，ＧＤＰ达到１２３亿元") == "增长5.2%，GDP达到123亿元"


def test_full_width_punctuation_kept():
    text = "（一）稳增长，保就业；促发展：“十四五”。"
    assert normalise_text(text) == text


def test_odd_spaces_and_zero_width():
    assert normalise_text("李\u00a0强\u2003总理\u202f好\u200b\u200d\ufeff") == "李 强 总理 好"


def test_ideographic_space_kept_only_as_indent():
    assert normalise_text("\u3000\u3000现在，我代表\u3000国务院") == "\u3000\u3000现在，我代表 国务院"


def test_blank_runs_collapsed():
    assert normalise_text("甲\n\n\n\n\n乙\n\n丙") == "甲\n\n乙\n\n丙"
    assert normalise_text("甲\n \n\u3000\n\u00a0\n乙") == "甲\n\n乙"


def test_traditional_not_converted():
    assert normalise_text("政府工作報告") == "政府工作報告"


def test_squeeze_whitespace():
    assert squeeze_whitespace(" 各位\t代表\n：\u3000") == "各位代表："


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_idempotent(text):
    once = normalise_text(text)
    assert isinstance(once, str)
    assert normalise_text(once) == once
    assert "\r" not in once and "\ufeff" not in once and "\u200b" not in once


_MIXED = st.text(
    alphabet=st.sampled_from(list("０１２３４５６７８９％．\r\n \u3000\u00a0\u200b增长亿元，。ＡＺａｚ")),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_idempotent_on_report_like_characters(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.integers(min_value=0, max_value=10**12))
def test_full_width_digits_map_to_ascii(n):
    full = "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    assert normalise_text(f"增长{full}％") == f"增长{n}%"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a portal that prints pinyin after converted characters (西安 2021 page)
        ("西安市第十六屆人民代表大會(huì )第六次會(huì )議舉行", "西安市第十六屆人民代表大會第六次會議舉行"),
        ("貫通落實(shí)“五項要求”", "貫通落實“五項要求”"),
        # GBK em dashes read as ASCII (武汉 2005 copy), and lost characters
        ("呈现出新的积极变化:?D?D经济自主增长", "呈现出新的积极变化:——经济自主增长"),
        ("增长5%???固定资产投资", "增长5% 固定资产投资"),
        # HTML character references left in a text
        ("地区生产总值&nbsp;增长5%&#12289;达到&amp;", "地区生产总值 增长5%、达到&"),
        # 。 typed for a decimal point (鄂州 2015 page)
        ("同比增长9。5%，规模以上工业增加值373。15亿元", "同比增长9.5%，规模以上工业增加值373.15亿元"),
        # ... but not a sentence end followed by a list number
        ("增长5%。2024年", "增长5%。2024年"),
        ("(Beijing)不是拼音", "(Beijing)不是拼音"),
    ],
)
def test_web_artefacts(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
    assert normalise_text(expected) == expected


def test_ideographic_space_runs_and_literal_first_patterns() -> None:
    # a run inside a line becomes as many spaces; the run that starts a line (first or after LF) stays
    assert normalise_text("甲\u3000\u3000乙\n\u3000\u3000丙\r\n\u3000丁") == "甲  乙\n\u3000\u3000丙\n\u3000丁"
    # decimal points: only between digits (and 。 only before a unit), pinyin only after a Han character
    assert normalise_text("增长９．１％，达到373。15亿元。共5。") == "增长9.1%，达到373.15亿元。共5。"
    assert normalise_text("實(shí)現(xiàn)，A(shi)") == "實現，A(shi)"
    assert normalise_text("甲\u2028乙\u0085丙\r丁") == "甲\n乙\n丙\n丁"
