"""Normalisation keeps a map back to the original offsets."""

from __future__ import annotations

from pipelines.extract.normalised_view import normalise


def test_full_width_and_spaces() -> None:
    text = "经济增长8 ．8 ％，国内生产总值达到６７７００多亿元"
    n = normalise(text)
    assert "增长8.8%" in n.text and "67700多亿元" in n.text
    a = n.text.index("8.8%")
    s, e = n.span(a, a + 4)
    assert text[s:e] == "8 ．8 ％"


def test_line_break_inside_sentence_is_joined() -> None:
    n = normalise("今年经济社会发展的\n主要预期目标\n是：地区生产总值增长4.5%—5%。\n二、重点工作\n")
    assert "主要预期目标是:地区生产总值" in n.text
    assert "\n二、重点工作" in n.text


def test_traditional_characters() -> None:
    n = normalise("地區生產總值增長5%")
    assert n.text == "地区生产总值增长5%"
    assert len(n.offsets) == len(n.text)


def test_ratio_colon() -> None:
    assert normalise("由2.9∶1缩小至2.52∶1").text == "由2.9:1缩小至2.52:1"
