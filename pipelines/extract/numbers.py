"""Numeric expressions: Arabic and Chinese numerals, scale words, units, ranges and post-qualifiers.

Works on the *normalised* text (ASCII digits, ``%``; see :mod:`pipelines.extract.normalised_view`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.numerals import parse_chinese_numeral


def parse_number(s: str) -> float | None:
    """Parse an Arabic (``1,234.5``) or Chinese numeral string; ``None`` if it is neither."""
    t = s.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return parse_chinese_numeral(s)


_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*(?:万[零〇一二两三四五六七八九十百千]+)?"
_NUM = rf"(?:{_ARABIC}|{_CN})"
_SCALE = r"(?:万亿|千亿|百亿|亿|千万|百万|万)"
_BASE_UNITS = (
    "个百分点|百分点|%|‰|倍|"
    "微克每立方米|微克/立方米|毫克/立方米|"
    "美元|欧元|元人民币|元|"
    "公斤|斤|吨标准煤|吨|"
    "人次|人|家|户|个|套|间|亩|公顷|平方公里|平方米|公里|千瓦时|千瓦|标箱|岁|件|项|所|座|辆|名|张"
)
_PER = r"(?:/|每)(?:百亿元|亿元|万元|立方米|人|月|年|万人|户)"
QUANTITY_RE = re.compile(
    rf"(?P<n1>{_NUM})(?P<a0>[多余])?(?P<s1>{_SCALE})?(?P<a1>[多余])?(?P<u1>{_BASE_UNITS})?"
    rf"(?:(?P<sep>[-—–~至到])(?P<n2>{_NUM})(?P<s2>{_SCALE})?(?P<a2>[多余])?(?P<u2>{_BASE_UNITS}))?"
    rf"(?P<per>{_PER})?(?P<jian>（间）|\(间\))?"
)
POST_QUALIFIER_RE = re.compile(r"(?:左右|以上|以内|以下|上下|之内)")
_POST_QUAL = {"左右": "about", "上下": "about", "以上": "at_least", "以内": "at_most", "之内": "at_most",
              "以下": "at_most"}


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written, in normalised-text coordinates."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    unit: str
    approx_over: bool  # written with 多 / 余 ("2400多亿元", "1.9万余套")
    post_qualifier: str | None  # about / at_least / at_most from 左右 / 以上 / 以内 / 以下
    flat: bool = False  # 持平: a zero change written as a word

    @property
    def is_range(self) -> bool:
        """True for a range such as ``5%-5.5%``."""
        return self.low is not None


def _unit(scale: str | None, base: str | None, per: str | None) -> str:
    unit = (scale or "") + (base or "")
    if per:
        unit += "/" + per.lstrip("/每")
    return unit.replace("微克每立方米", "微克/立方米").replace("元人民币", "元")


def find_quantities(text: str) -> list[Quantity]:
    """Find every number with a unit in ``text`` (normalised), incl. ranges and post-qualifiers.

    Numbers without a unit (years, codes, ordinals) are skipped; so are numbers glued to ASCII
    letters or digits (``6G``, ``C919``, ``PM2.5``). A range keeps ``value=None`` and fills
    ``low``/``high``; its unit is taken from the second end when the first has none.
    """
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text):
        n1, s1, u1 = m.group("n1"), m.group("s1"), m.group("u1")
        n2 = m.group("n2")
        start = m.start()
        prev = text[start - 1] if start else ""
        if prev and prev.isascii() and (prev.isalnum() or prev in "._+"):
            continue
        end = m.end()
        if n2 is not None:
            u2, s2 = m.group("u2"), m.group("s2")
            if u1 is not None and (u1 != u2 or (s1 or "") != (s2 or "")):
                # "5%-5.5%" needs the same unit on both ends; else treat the first alone
                end = m.start("sep")
                n2 = None
        if n2 is None and not u1:
            continue
        nxt = text[end] if end < len(text) else ""
        if nxt and nxt.isascii() and nxt.isalnum():
            continue
        v1 = parse_number(n1)
        if v1 is None:
            continue
        if n2 is not None:
            v2 = parse_number(n2)
            if v2 is None or v2 < v1:
                continue
            scale = m.group("s2")
            unit = _unit(scale, m.group("u2"), m.group("per"))
            low, high, value = v1, v2, None
            approx = bool(m.group("a0") or m.group("a1") or m.group("a2"))
        else:
            unit = _unit(s1, u1, m.group("per") if end == m.end() else None)
            if end != m.end():
                end = m.start("sep")
            low = high = None
            value = v1
            approx = bool(m.group("a0") or m.group("a1"))
        if unit == "百分点":
            unit = "个百分点"
        post = None
        pm = POST_QUALIFIER_RE.match(text, end)
        if pm:
            post = _POST_QUAL[pm.group()]
        out.append(Quantity(start, end, value, low, high, unit, approx, post))
    if ":" in text:
        taken = [(q.start, q.end) for q in out]
        for m in RATIO_RE.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                out.append(Quantity(m.start(), m.end(), float(m.group(1)), None, None, ":1", False, None))
    if "持平" in text:
        for m in FLAT_RE.finditer(text):
            out.append(Quantity(m.start(), m.end(), 0.0, None, None, "%", False, None, True))
    if "、" in text or "和" in text:
        out.extend(_shared_unit_values(text, out))
    if len(out) > 1:
        out.sort(key=lambda q: q.start)
    return out


# bare numbers of a list whose unit is written once, after the last one: 分别提高10.6、3.1和2.0个百分点
_BARE_LIST = re.compile(r"((?<![\d.])\d+(?:\.\d+)?(?:、|和|及))+$")
_BARE_ITEM = re.compile(r"(\d+(?:\.\d+)?)(?:、|和|及)")
_SHARED_UNITS = frozenset({"%", "个百分点", "亿元", "万亿元", "万元", "元", "万人", "亿美元", "万户", "家", "个"})


def _shared_unit_values(text: str, found: list[Quantity]) -> list[Quantity]:
    """Quantities for the bare numbers of a list that shares the unit of its last value."""
    extra: list[Quantity] = []
    for q in found:
        if q.unit not in _SHARED_UNITS or q.is_range or q.flat:
            continue
        m = _BARE_LIST.search(text, max(0, q.start - 60), q.start)
        if m is None or m.end() != q.start:
            continue
        for item in _BARE_ITEM.finditer(text, m.start(), m.end()):
            v = parse_number(item.group(1))
            if v is not None:
                extra.append(Quantity(item.start(1), item.end(1), v, None, None, q.unit, False, None))
    return extra


# a two-term ratio with the second term 1 (城乡居民收入比2.52:1); not a triple (4.0:37.7:58.3) or a time
RATIO_RE = re.compile(r"(?<![\d.:])(\d+(?:\.\d+)?):1(?![\d.:])")
FLAT_RE = re.compile(r"(基本|总体|大体)?持平")
