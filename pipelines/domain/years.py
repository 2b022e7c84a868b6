"""The session year a report states about itself: date line, NPC session, title, review heading, ….

The cues are tried in order of confidence; the first that yields a year between 1949 and 2100 wins
and is returned with a short evidence label (``session line: …``, ``title: …``, ``review heading: …``).
Texts are expected in simplified script (see :func:`pipelines.domain.script.to_simplified`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .numerals import parse_chinese_numeral, parse_year
from .plans import npc_year, plan_end, plan_number

HEAD = 4000  # chars searched for title/session/opening cues
WINDOW = 30000  # chars searched for review headings and year statistics

_YEAR = r"((?:19|20)[0-9]{2}|[〇○零OＯ一二三四五六七八九]{4})"
_RE_SESSION_DATE = re.compile(
    _YEAR + r"\s*年\s*[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日\s*"
    r"(?:在|于)[^\n]{0,40}?(?:人民代表大会|人大)"
)
_RE_NPC = re.compile(
    r"第([一二三四五六七八九十]{1,3})届全国人民代表大会第([一二三四五六七八九十]{1,3})次会议(以来)?"
)
_RE_TITLE_YEAR = re.compile(r"^[\s—\-]*" + _YEAR + r"\s*年\s*(?:度)?[^\n]{0,25}?政府工作报告")
_RE_TITLE_YEAR_PAREN = re.compile(r"政府工作报告[^\n]{0,3}[（(]\s*" + _YEAR + r"\s*年?\s*[)）]")
_RE_REVIEW_LINE = re.compile(r"(?m)^[\s　]*(?:[一1][、.．，]|首先)[^\n]{0,40}$")
_RE_REVIEW_WORDS = re.compile(r"回顾|工作|成就|报告")
_RE_Y4 = re.compile(r"((?:19|20)[0-9]{2})\s*年")
_RE_PLAN = re.compile(r"“?(十[一二三四五]五|九五|十五)”?(?:时期|计划|规划)")
_RE_TASK_HEADING = re.compile(
    r"(?m)^[\s　]*[二三四五六七八九十][、.．][^\n]{0,20}?" + r"((?:19|20)[0-9]{2})\s*年[^\n]{0,30}?"
    r"(?:总体要求|主要任务|工作任务|工作安排|重点工作|预期目标|政策取向|工作总体部署)"
)
_RE_LAST_YEAR = re.compile(r"(?:过去一年|过去的一年|去年|一年来)[^\n]{0,60}?((?:19|20)[0-9]{2})\s*年")
# weaker cues, for a text that names none of the above: a bare date, a date field, 今年是2024年
_RE_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|([一二三四五六七八九〇零]{4})年[一二三四五六七八九十]{1,2}月")
_RE_DATE_FIELD = re.compile(r"(?:时间|日期)[:：]?\s*((?:19|20)\d\d)-\d")
_RE_THIS_YEAR_IS = re.compile(r"今年是((?:19|20)\d\d)年|((?:19|20)\d\d)年是")


@dataclass(frozen=True)
class YearReading:
    """A report's session year and the cue it was read from."""

    year: int
    evidence: str


def first_lines(text: str, n: int) -> list[str]:
    """The first ``n`` non-blank lines of ``text``, stripped."""
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip(" \t\u3000")
        if s:
            out.append(s)
            if len(out) >= n:
                break
    return out


def _npc_number(s: str) -> int | None:
    n = parse_chinese_numeral(s)
    return int(n) if n is not None else None


def _cues(window: str, hints: list[str]):
    """Candidate (year, evidence) pairs in order of confidence (a generator: later cues are read lazily)."""
    head = window[:HEAD]
    # 1. session date line: "——2024年1月…日在…人民代表大会…会议上"
    m = _RE_SESSION_DATE.search(head[:3000])
    if m:
        yield parse_year(m.group(1)), f"session line: {m.group(0)[:50]}"
    # 2. NPC term/session numbers (State Council reports)
    for m in _RE_NPC.finditer(head[:3000]):
        term, session = _npc_number(m.group(1)), _npc_number(m.group(2))
        if term and session and term >= 5:
            yield npc_year(term, session) + (5 if m.group(3) else 0), f"NPC session: {m.group(0)}"
    # 3. title line in the page title / first lines
    for line in hints + first_lines(head, 12):
        m = _RE_TITLE_YEAR.search(line) or _RE_TITLE_YEAR_PAREN.search(line)
        if m:
            yield parse_year(m.group(1)), f"title: {line[:50]}"
    # 4. review heading: "一、2023年工作回顾" -> 2024; "一、“十一五”时期…回顾" -> 2011
    for m in _RE_REVIEW_LINE.finditer(window):
        line = m.group(0)
        if not _RE_REVIEW_WORDS.search(line):
            continue
        years = [int(y) for y in _RE_Y4.findall(line)]
        if years:
            yield max(years) + 1, f"review heading: {line.strip()[:50]}"
        if re.search(r"去年|过去一年|过去的一年|一年来", line):
            nxt = _RE_Y4.search(window, m.end(), m.end() + 300)
            if nxt:
                yield int(nxt.group(1)) + 1, f"review heading {line.strip()[:30]} + {nxt.group(0)}"
        plan = _RE_PLAN.search(line)
        number = plan_number(plan.group(1)) if plan else None
        if number and "回顾" in line:
            yield plan_end(number) + 1, f"plan review: {line.strip()[:50]}"
    # 5. task heading: "三、2024年政府工作任务"
    m = _RE_TASK_HEADING.search(window)
    if m:
        yield int(m.group(1)), f"task heading: {m.group(0).strip()[:50]}"
    # 6. "过去一年…2023年" -> 2024
    m = _RE_LAST_YEAR.search(window[:8000])
    if m:
        yield int(m.group(1)) + 1, f"past-year context: {m.group(0)[:50]}"
    # 7. statistics: the most-mentioned year in the opening review, plus one
    counts = Counter(int(y) for y in _RE_Y4.findall(window[:10000]))
    if counts:
        year, n = counts.most_common(1)[0]
        if n >= 3:
            yield year + 1, f"most-mentioned year {year} ({n}x) in the review, plus one"
    # 8. weaker cues: a bare date in the opening, a date field (时间：2024-01-15), 今年是2024年
    m = _RE_DATE.search(head[:600])
    if m:
        yield parse_year(m.group(1) or m.group(2)), f"date: {m.group(0)}"
    m = _RE_DATE_FIELD.search(head[:600])
    if m:
        yield int(m.group(1)), f"date field: {m.group(0)}"
    m = _RE_THIS_YEAR_IS.search(window[:8000])
    if m:
        yield int(m.group(1) or m.group(2)), f"this year: {m.group(0)}"


def read_report_year(text: str, hints: list[str] | None = None) -> YearReading | None:
    """The session year ``text`` (simplified script) states about itself, with its evidence, or None.

    ``hints`` are page titles and the like. Only the opening (:data:`WINDOW` characters) is read.
    """
    for year, evidence in _cues(text[:WINDOW], [h for h in (hints or []) if h]):
        if year is not None and 1949 <= year <= 2100:
            return YearReading(year, evidence)
    return None
