"""Property-based tests: robustness, the offset invariant, and numbers that parse back."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.domain.numerals import parse_chinese_numeral
from pipelines.extract import extract_facts
from tests.extract.helpers import facts_of

_DIGITS = "零一二三四五六七八九"
_FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def to_chinese(n: int) -> str:
    """Write 1 <= n < 10^8 as a Chinese numeral (三千零五十, 十二, 两万…)."""

    def below_10k(x: int, leading: bool) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d:
                if zero and out:
                    out += "零"
                out += ("" if (unit == "十" and d == 1 and not out and leading) else _DIGITS[d]) + unit
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low, True)
    text = below_10k(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10k(low, False)
    return text


_TEXT = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from("0123456789.%％，、。；：\n增长亿元万地区生产总值左右以上—-")),
    max_size=300,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.one_of(st.none(), st.integers(1990, 2035)))
def test_never_raises_and_quotes_match(text: str, year: int | None) -> None:
    for f in extract_facts(text, report_year=year):
        assert f.quote == text[f.char_start : f.char_end]
        assert 0 <= f.char_start <= f.char_end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_chinese_numeral(to_chinese(n)) == n


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value="0.01", max_value="99999", places=2, allow_nan=False, allow_infinity=False),
       st.booleans())
def test_amounts_parse_back(x, full_width: bool) -> None:
    number = format(x.normalize(), "f")
    text = f"一、2025年工作回顾\n全省地区生产总值达到{number}亿元。"
    if full_width:
        text = text.translate(_FULL)
    facts = facts_of(text)
    assert [(f.indicator_id, f.value, f.unit) for f in facts] == [("gdp", float(number), "亿元")]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 99_999))
def test_chinese_amounts_parse_back(n: int) -> None:
    facts = facts_of(f"一、2025年工作回顾\n全省地区生产总值达到{to_chinese(n)}亿元。")
    # "一万亿元" reads as 1 万亿元: compare in the indicator's unit (亿元)
    assert [(f.indicator_id, f.unit_std) for f in facts] == [("gdp", "亿元")]
    assert facts[0].value_std == pytest.approx(n)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 150), st.integers(1, 30), st.sampled_from(["-", "—", "－", "到", "至"]), st.booleans())
def test_ranges_parse_back(a10: int, width10: int, sep: str, unit_on_both: bool) -> None:
    low, high = a10 / 10, (a10 + width10) / 10
    first = f"{low:g}%" if unit_on_both else f"{low:g}"
    text = f"二、2026年重点工作\n今年主要预期目标是：地区生产总值增长{first}{sep}{high:g}%。"
    facts = facts_of(text)
    assert [(f.indicator_id, f.value, f.value_low, f.value_high, f.qualifier) for f in facts] == [
        ("gdp_growth", None, low, high, "range")]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200), st.sampled_from([("左右", "about"), ("以上", "at_least"), ("以内", "at_most"), ("", "exact")]))
def test_growth_with_qualifiers_parse_back(v10: int, qual: tuple[str, str]) -> None:
    value = v10 / 10
    facts = facts_of(f"二、2026年重点工作\n今年主要预期目标是：一般公共预算收入增长{value:g}%{qual[0]}。")
    assert [(f.indicator_id, f.value, f.qualifier) for f in facts] == [
        ("general_budget_revenue_growth", value, qual[1])]



@given(st.lists(st.tuples(st.integers(-5, 65), st.integers(-5, 65)), max_size=8))
@settings(max_examples=200, deadline=None)
def test_coverage_answers_like_a_scan(spans: list[tuple[int, int]]) -> None:
    """The bisection look-ups of extract.spans.Coverage agree with scanning every span."""
    from pipelines.extract.spans import Coverage

    lo, hi = 0, 60
    cov = Coverage(lo, hi, spans)
    scan = [any(max(a, lo) <= i < min(b, hi) for a, b in spans) for i in range(hi)]
    for i in range(-2, hi + 2):
        assert cov.covered(i) == (0 <= i < hi and scan[i])
    for a in range(0, hi, 7):
        for b in range(a, hi + 1, 5):
            assert cov.any_covered(a, b) == any(scan[a:b])


@pytest.mark.parametrize(
    "pattern",
    [
        "增长1.1%，",  # a subject carried over many clauses
        "地区生产总值、财政收入分别增长1.1%、2%，",  # list after list
        "生产总值1097亿元、工业增加值269亿元，较2015年分别增长26.8%、12%，",  # interleaved lists
        "城镇和农村居民人均可支配收入均增长5%，",  # one value for both subjects
    ],
)
def test_dense_sentences_stay_linear(pattern: str) -> None:
    """×4 repetitions in one sentence cost about ×4 CPU (quadratic would be ×16); measured side by side."""
    import time

    def cpu(n: int) -> float:
        text = "一、2023年工作回顾\n地区生产总值3000亿元，" + pattern * n + "\n"
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            extract_facts(text, report_year=2024)
            best = min(best, time.process_time() - started)
        return best

    small, large = cpu(1000), cpu(4000)
    assert large / small < 9, (small, large)
