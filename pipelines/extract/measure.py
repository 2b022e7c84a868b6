"""Which measure a value is: pure decisions on the words around it, each testable from a table.

:func:`one_year_measure` reads the value's family and the words between subject and value
(增长 / 占比 / 新增 / 累计 / 增至 …). :func:`span_measure` then decides whether the value covers
several years: 年均 (an average, in a review or a plan), 比2020年 / 较2015年 (growth over a span),
totals of a five-year review (累计, and flows such as 城镇新增就业 or 新增… even without 累计). It
returns None for a value that has no measure in the contract (城镇新增就业每年超过90万人: a
yearly average of a level).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract import patterns as P

# indicators that count a flow over the period (a five-year review's figure is the five-year total)
FLOW_INDICATORS = frozenset({
    "urban_new_jobs", "affordable_housing_units", "old_community_renovation", "rural_poverty_reduction",
    "tax_fee_reduction", "new_registered_market_entities", "new_registered_enterprises",
    "new_foreign_invested_enterprises",
})
_PER_YEAR = re.compile(r"每年|年均")
_ADDED_BY_NAME = re.compile(r"新升规|升规|新入规|新入库")  # 新升规工业企业: the name itself says "added"
_ONE_YEAR = re.compile(r"全年|当年|年内|去年|一年来")
_FLOW_VERB = re.compile(r"(?:新增|净增|新建|建设|筹集|改造|引进|培育|转移|开工|建成|落户|新认定|新培育|获批)")
# a level reached, written right before the value (达到, 增至, 突破 …): not P.STOCK_WORDS, which finds words
# naming a stock (累计, 总量, 共有 …) anywhere between subject and value
_STOCK_VERB = re.compile(r"(?:达到|达|增至|增加到|提高到|提升至|总量|总数|突破|超过|迈上|跃上|稳定在|保持在)$")


@dataclass(frozen=True)
class MeasureWords:
    """The words that decide a measure: between subject and value, and before the subject."""

    zone: str  # between the subject (or the previous value) and the value
    before_subject: str = ""  # the clause's words before the subject
    after_subject: str = ""  # a few characters after a subject written after its count (50家获批…)
    carried: bool = False  # the subject was carried from an earlier clause
    subject: str = ""  # the subject's own words (新升规工业企业 says increment by itself)


def stated_as_flow(words: MeasureWords) -> bool:
    """True when the value is an amount done or added (建成, 筹措, 新建 …) rather than a level reached."""
    before = "" if words.carried else words.before_subject
    return bool(_FLOW_VERB.search(before[-6:] + words.zone)) and not _STOCK_VERB.search(words.zone)


def one_year_measure(family: str, unit: str, ind_measure: str, ind_family: str, words: MeasureWords) -> str:
    """The measure of one value before multi-year rules: ratio, change_pp, growth_rate, share, level …"""
    if unit == ":1":
        return "ratio"
    if family == "pp":
        return "change_pp"
    if family == "growth":
        return "growth_rate"
    if family == "pct":
        return ind_measure if ind_family == "pct" else "growth_rate"
    zone = words.zone
    if P.STOCK_WORDS.search(zone):
        return ind_measure if ind_measure in ("level", "count") else "level"
    before = "" if words.carried else words.before_subject
    if (P.INCREMENT_WORDS.search(zone + words.after_subject[:3]) or P.INCREMENT_WORDS.search(before)
            or P.INCREMENT_AFTER.match(words.after_subject) or _ADDED_BY_NAME.match(words.subject)):
        return "increment"
    if P.CHANGE_BEFORE.search(zone) and not re.search(r"[达到为至]$", zone):
        return "increment"
    return ind_measure if ind_measure in ("level", "count", "ratio") else "level"


def span_measure(measure: str, kind: str, *, indicator_id: str, words: MeasureWords, subject_text: str,
                 review5: bool, past_plan: bool, review_sentence: bool, names_last_year: bool = False) -> str | None:
    """The measure once spans are considered; None when the value has no measure in the contract.

    ``review5``: the sentence is in a five-year review; ``past_plan``: it names a finished plan
    period (“十三五”期间); ``review_sentence``: it speaks of the five years (这五年, 五年来) without
    naming the last year alone; ``names_last_year``: it names the review's last year (2025年…).
    """
    zone = words.zone
    if measure == "growth_rate" and kind in ("actual", "plan_target"):
        if P.AVERAGE_WORDS.search(zone) or P.AVERAGE_WORDS.search(subject_text):
            return "avg_growth_rate"
        if kind == "plan_target":
            return measure
        if P.CUMULATIVE_BASE.search(zone) or (review5 and P.CUMULATIVE_WORDS.search(zone)):
            return "cumulative_growth_rate"
        if review5 and review_sentence:
            return "cumulative_growth_rate"  # 这五年…达到1.5万亿元、增长19.8%: growth over the five years
        return measure
    if kind != "actual" or measure not in ("level", "count", "increment"):
        return measure
    before = "" if words.carried else words.before_subject
    around = before[-4:] + zone
    if (review5 or past_plan) and P.CUMULATIVE_WORDS.search(around):
        return "cumulative_level"
    if _PER_YEAR.search(zone) or _PER_YEAR.search(before[-4:]):
        return None  # 每年超过90万人: a yearly average of a level has no measure
    if not review5 or names_last_year or _ONE_YEAR.search(before[-6:] + zone):
        return measure  # 全年实现新增就业5650人: one year's figure, even inside a five-year review
    stock = bool(_STOCK_VERB.search(zone)) and not P.INCREMENT_WORDS.search(around)
    if measure == "increment" or indicator_id in FLOW_INDICATORS or (not stock and _FLOW_VERB.search(before[-6:] + zone)):
        return "cumulative_level"
    return measure
