"""Document structure: headings, paragraphs and the period *mode* each paragraph is written in.

Modes:

* ``actual``  – results of the previous year (section 一、<year-1>年工作回顾, 过去一年, 一年来 …);
* ``review5`` – results over a finished plan period (过去五年, 这五年, “十四五”时期 in a 2026 report);
* ``target``  – the session year's targets and work (今年, <year>年重点工作 …);
* ``plan``    – a multi-year plan (“十五五”时期主要目标, 《纲要草案》, 到2030年 …).

The mode of a paragraph comes from its top-level heading, overridden by cue words at the start of
the paragraph (or by a 主要预期目标 / 主要目标 introduction), and persists to the following paragraphs
of the same section until another cue or heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.domain.numerals import parse_year
from pipelines.domain.plans import plan_end_year

_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_HEADING_WORDS = re.compile(r"工作回顾|重点工作|工作安排|目标任务|主要任务|总体要求|工作部署|发展成就|政府工作任务")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_CN_YEAR = re.compile(r"([一二三四五六七八九〇零]{4})年")
_REVIEW_WORDS = re.compile(r"回顾|过去|成就|总结|成绩")
_ACTUAL_START = re.compile(r"^(?:——)?(?:过去一年|过去的一年|一年来|刚刚过去的|去年|回顾过去一年)")
_REVIEW5_START = re.compile(r"^(?:——)?(?:过去五年|五年来|这五年|过去的五年|本届政府)")
_TARGET_INTRO = re.compile(r"(?:主要预期目标|主要目标|预期目标|主要指标)(?:任务)?(?:是|为|:|：|如下|包括)")
_SALUTATION = re.compile(r"^各位代表[！!：:，,]\s*")
# a sentence that turns back to the last year inside a five-year review paragraph
ACTUAL_SENTENCE = re.compile(r"(?:——)?(?:刚刚过去的|过去一年|过去的一年|一年来|去年)")
# a sentence that opens a five-year review inside a paragraph (…收官之年。五年来，我们…)
_FIVE_YEARS_OPENING = r"(?:——)?(?:五年来|过去五年|这五年|过去的五年)[，,]"
REVIEW5_SENTENCE = re.compile(r"(?:^|[。！!；;])" + _FIVE_YEARS_OPENING)
REVIEW5_START_OF_SENTENCE = re.compile(_FIVE_YEARS_OPENING)
_PLAN_TEXT = re.compile(r"纲要草案|规划纲要|今后五年|未来五年|规划建议")
_TODAY = re.compile(r"今年|明年")
_LATER_TOP = re.compile(r"^(?:[二三四五六七八九十]+、|第[二三四五六七八九十]+部分)")
_ANNUAL_INTRO = re.compile(r"预期目标")
_TARGET_INTRO_LATE = re.compile(r"(?<=[。；;])[^。；;]{0,16}主要预期目标(?:是|为)[:：]")
# a short line without sentence punctuation that names a part of the report (回顾2017年, 展望2018年, 主要目标)
_SHORT_HEADING = re.compile(r"^[—\-\s【\[]*(?:回顾|展望|主要(?:预期)?目标|预期目标|发展目标)[^。，,；;:：%]{0,12}$")
_PLAN_WORDS = re.compile(r"十[一二三四五六七八九]?五|年均|时期|期间|规划|纲要|今后五年|未来五年|到20\d\d年")
_PLAN_DOC = re.compile(r"纲要[（(]?草案|规划纲要|规划的建议|主要指标|主要目标[是为:：]|指标[，,]其中")


def is_forward_plan(plan_end: int | None, report_year: int | None) -> bool:
    """True when a plan ending in ``plan_end`` lies ahead of a report of ``report_year``.

    A report in the plan's first year or the year before it (2026 or 2025 for 十五五) looks
    forward; a report in the middle of a plan (2024 for 十四五) does not.
    """
    if plan_end is None:
        return False
    return report_year is None or plan_end >= report_year + 3


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the normalised text with its structural context."""

    start: int
    end: int
    mode: str
    section: str | None
    is_headline: bool
    plan_end: int | None


def _years(text: str) -> list[int]:
    out = [int(y) for y in _YEAR.findall(text)]
    for y in _CN_YEAR.findall(text):
        v = parse_year(y)
        if v:
            out.append(v)
    return out


def _heading_mode(text: str, report_year: int | None, prev: str) -> str:
    plan_end = plan_end_year(text)
    years = _years(text)
    forward_plan = is_forward_plan(plan_end, report_year)
    past_plan = plan_end is not None and report_year is not None and plan_end < report_year
    review = bool(_REVIEW_WORDS.search(text))
    this_year = report_year is not None and report_year in years or "今年" in text
    last_year = report_year is not None and report_year - 1 in years
    if review:
        if last_year or not (past_plan or "五年" in text):
            return "actual"
        return "review5"
    if forward_plan and (not this_year or text.find("五") < text.find(str(report_year or "今年"))):
        return "plan"
    if this_year:
        return "target"
    if last_year:
        return "actual"
    if forward_plan:
        return "plan"
    if "目标" in text or "展望" in text:
        return "target"
    if prev in ("actual", "review5") and _LATER_TOP.match(text):
        return "target"  # a slogan heading after the review (福建: 二、一张蓝图绘到底…) looks forward
    return prev


def _paragraph_cue(text: str, report_year: int | None, section_mode: str) -> tuple[str | None, bool]:
    """(mode, is_headline) suggested by the start of a paragraph, or (None, False)."""
    text = _SALUTATION.sub("", text, count=1)  # 各位代表！刚刚过去的2025年，…
    head = text[:40]
    if _TARGET_INTRO.search(text[:60]) and "完成" not in text[:60]:
        years = _years(text[:60])
        if _TODAY.search(text[:60]) or (report_year is not None and report_year in years):
            return "target", True
        if is_forward_plan(plan_end_year(text[:80]), report_year) or _PLAN_TEXT.search(text[:80]):
            return "plan", True
        if section_mode in ("target", "plan"):
            if _ANNUAL_INTRO.search(text[:60]) and not _PLAN_WORDS.search(text[:60]):
                return "target", True  # "主要预期目标是" in a merged 十五五-and-2026 section
            return section_mode, True
    m = _TARGET_INTRO_LATE.search(text, 60)
    if m and section_mode == "target" and not _PLAN_WORDS.search(m.group()):
        return "target", True  # "…确保“十五五”良好开局。主要预期目标是：…" later in the paragraph
    if _PLAN_DOC.search(text[:160]) and is_forward_plan(plan_end_year(text[:160]), report_year):
        return "plan", False
    if _ACTUAL_START.search(head):
        return "actual", section_mode in ("actual", "review5")
    if _REVIEW5_START.search(head):
        return "review5", False
    if section_mode in ("actual", "review5") and REVIEW5_SENTENCE.search(text):
        return "review5", False  # 各位代表！2025年是“十四五”收官之年。五年来，…: the five-year review starts here
    m = re.match(r"^(?:——)?“?十[一二三四五六七八九]?五”?(?:时期|期间)", head)
    if m:
        plan_end = plan_end_year(head)
        if is_forward_plan(plan_end, report_year):
            return ("plan", False) if section_mode != "actual" else (None, False)
        if plan_end and report_year and plan_end < report_year:
            return "review5", False
    if _PLAN_TEXT.search(head) and section_mode != "actual":
        return "plan", False
    m = re.match(r"^(?:刚刚过去的)?((?:19|20)\d\d)年", head)
    if m and report_year:
        y = int(m.group(1))
        if y == report_year - 1:
            return "actual", section_mode in ("actual", "review5")
        if y == report_year:
            return "target", False
    return None, False


def split_paragraphs(text: str, report_year: int | None) -> list[Paragraph]:
    """Split normalised ``text`` at ``\\n`` and assign each paragraph its mode and section label."""
    out: list[Paragraph] = []
    section_mode = "actual"
    mode = section_mode
    top_label: str | None = None
    sub_label: str | None = None
    headline_next = False
    highlight_run = False
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line:
            continue
        is_top = bool(_TOP_HEADING.match(line)) and len(line) <= 60 and "。" not in line[:-1]
        if not is_top and len(line) <= 30 and "。" not in line and _HEADING_WORDS.search(line):
            is_top = True
        if not is_top and _SHORT_HEADING.match(line):
            is_top = True  # "展望2018年", "— 主要目标 —" in a news rewrite
        if is_top:
            section_mode = _heading_mode(line, report_year, mode)
            mode = section_mode
            top_label, sub_label = line[:40], None
            headline_next = highlight_run = False
            out.append(Paragraph(start, end, mode, top_label, False, plan_end_year(line)))
            continue
        if _SUB_HEADING.match(line):
            sub_label = line[:40].split("。")[0]
        cue, headline = _paragraph_cue(line, report_year, section_mode)
        if cue is not None:
            mode = cue
        if headline_next:
            headline = True
        highlight = line.startswith("——") and mode == "actual"
        if highlight and highlight_run:
            headline = True  # "——经济运行稳中有进。…" highlights under a results summary
        highlight_run = (headline and mode == "actual") and (highlight or not line.startswith("——"))
        headline_next = headline and line.rstrip().endswith((":", "："))
        label = sub_label or top_label
        out.append(Paragraph(start, end, mode, label, headline, plan_end_year(line)))
    return out
