"""Which period a sentence speaks of, when headings do not say: pure decisions on short strings.

Reports are usually sectioned (一、2025年工作回顾 / 二、2026年工作安排), and :mod:`sections` reads
the mode from the headings. Excerpts, news rewrites and pages that start mid-report have no such
headings, so the mode is decided per sentence from cue words:

* a target announcement (今年的预期目标是…, 2019年…预期目标, 主要目标：) turns the rest of the
  paragraph into the session year's targets, until a sentence looks back again (预计, 去年, 2018年);
* a report delivered in December (——2022年12月19日在…人民代表大会…) reviews the session year itself
  and sets targets for the next one, so its periods are shifted by one year.
"""

from __future__ import annotations

import re

from pipelines.extract import patterns as P

KIND_OF_MODE = {"actual": "actual", "review5": "actual", "target": "target", "plan": "plan_target"}
NOT_A_BASE = -1  # from_base(): a from-value that is not a year's figure (从上半年5.5%降到5.3%)

# "主要预期目标是", "预期目标,", "今年的预期目标是", "增长目标为", "主要目标:"
_TARGET_CUE = re.compile(
    r"(?:主要)?预期目标(?:建议)?(?:是|为|:|：|,|，|如下|$)|主要(?:发展)?目标(?:是|为|:|：|,|，|[—\-]+)|增长目标(?:是|为)"
)
# "完成了年初确定的主要预期目标，": a look back at targets, not an announcement
_RETROSPECTIVE = re.compile(r"(?:完成|实现|超额|达成|确定|圆满|低于|高于|好于|超过|下调|上调)[^，。；;]{0,10}$")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_ANNOUNCED_YEAR = re.compile(r"(?:19|20)\d\d年|今年|明年")
_PAST_CUE = re.compile(r"预计|去年|上年(?!度目标)|过去一年|一年来|刚刚过去")
_SESSION_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月\d{1,2}日")
_HEAD_CHARS = 600
_LAST_YEARS_RATE = re.compile(r"(?:由|从)(?:上年|去年)(?:的)?(?:下降|增长)$")


def target_cue(sentence: str, report_year: int | None) -> int | None:
    """Offset in ``sentence`` where an announcement of the session year's targets starts, else None.

    The cue must not be a look back (完成…预期目标) and the sentence must not date it to an
    earlier year (2013年GDP增长目标为7% in a 2014 text is a past target).
    """
    m = _TARGET_CUE.search(sentence)
    if m is None or _RETROSPECTIVE.search(sentence[max(0, m.start() - 12) : m.start()]):
        return None
    if report_year is not None:
        years = [int(y) for y in _YEAR.findall(sentence[: m.start()])]
        if years and max(years) < report_year:
            return None
    return m.start()


def announcement_start(sentence: str, cue: int) -> int:
    """Where the target announcement whose cue is at ``cue`` begins, so subject and value stay together.

    ``2014年东莞全年GDP增长目标为9%``: the announcement starts with its year, before the subject;
    ``…同比增长6.5%左右2019年全市经济社会发展预期目标，…``: with 2019年, after the last result.
    Without a year, it starts after the last clause break before the cue.
    """
    years = [m.start() for m in _ANNOUNCED_YEAR.finditer(sentence, 0, cue)]
    if years:
        return years[-1]
    breaks = [sentence.rfind(c, 0, cue) for c in "，,：:；;"]
    return max(breaks) + 1 if max(breaks) >= 0 else 0


def looks_back(sentence: str, report_year: int | None) -> bool:
    """True when a sentence reports results (预计, 去年, an earlier year at its start) rather than targets."""
    if _PAST_CUE.search(sentence):
        return True
    m = _YEAR.search(sentence[:12])
    return bool(m and report_year is not None and int(m.group(1)) < report_year)


def december_session(text: str, report_year: int | None) -> bool:
    """True when the date line says the report was delivered in December of ``report_year``.

    Such a report (兰州, 19 Dec 2022, filed as the 2022 session) reviews ``report_year`` itself
    and sets the targets of ``report_year + 1``.
    """
    if report_year is None:
        return False
    m = _SESSION_DATE.search(text[:_HEAD_CHARS])
    return bool(m and int(m.group(1)) == report_year and int(m.group(2)) == 12)


def expected_result(mode: str, period: int | None, report_year: int | None, *, has_estimate: bool,
                    has_this_year: bool) -> tuple[str, int | None, bool]:
    """(mode, period, expected) once 预计 is read: an estimate is a result for the year before the session.

    ``has_estimate``: 预计 comes before the value in its sentence; ``has_this_year``: so does 今年.
    预计 makes the value ``expected``; in a target paragraph it turns the value into last year's
    estimated result, unless the sentence speaks of 今年 (预计今年…: a forecast, still a target).
    """
    if not has_estimate:
        return mode, period, False
    if mode in ("actual", "review5"):
        return mode, period, True
    if has_this_year:
        return mode, period, False
    return "actual", (report_year - 1 if report_year else None), True


def from_base(zone: str, after_value: str, mode: str, report_year: int | None) -> int | None:
    """The base year of the first value of 从A增加到B, :data:`NOT_A_BASE`, or None when not a from-value.

    从2020年的A → 2020; 由上年A → the year before last; 从上半年A → not a base; without a year, the
    year before the period the paragraph speaks of (a five-year review: its first year's predecessor).
    """
    if _LAST_YEARS_RATE.search(zone) and after_value.startswith("转为"):
        return report_year - 2 if report_year else None  # 利润由上年下降2.3%转为增长8.5%
    fm = P.FROM_BEFORE.search(zone)
    if not fm or not P.TO_AFTER.match(after_value):
        return None
    if fm.group(3):
        return NOT_A_BASE
    if fm.group(1):
        return int(fm.group(1))
    if report_year is None:
        return None
    if fm.group(2):
        return report_year - 2
    return report_year - (6 if mode == "review5" else 2 if mode == "actual" else 1)
