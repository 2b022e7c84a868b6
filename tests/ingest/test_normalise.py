"""normalise_text: unit cases and properties (Hypothesis)."""

from __future__ import annotations

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
