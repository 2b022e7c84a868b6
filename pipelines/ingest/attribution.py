"""Who issued a report and for which year: from the path convention or from the text itself.

Path convention: ``<level>/<region>/<year>.<ext>`` (levels: national, province, city, county).
Text cues: title lines ("2024年南京市政府工作报告"), the session line ("——2024年1月…在…人民代表大会…
会议上"), the opening ("现在，我代表南京市人民政府…"), the review heading ("一、2023年工作回顾" -> 2024),
NPC session numbers for State Council reports. Traditional-character texts are converted to
simplified characters for matching only (the stored text is never converted).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .model import LEVELS

NATIONAL_REGION = "国务院"
PROVINCE_LEVEL_CITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# Names that stand for "this province/city/…" and do not identify a region.
_GENERIC = frozenset(
    "省 市 区 县 旗 州 盟 自治区 自治州 自治县 自治旗 地区 全省 全市 全区 全县 本市 本省 我市 我省 我区 我县".split()
)
_CN_DIGITS = {c: 0 for c in "〇○零OＯ"} | {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_HEAD = 4000  # chars searched for title/session/opening cues
_WINDOW = 30000  # chars searched for review headings and year statistics
_CJK = r"[\u4e00-\u9fff]"
_NUM_CN = "一二三四五六七八九十"

# --- region patterns (applied to simplified text) -----------------------------------------------
_RE_REPRESENT = re.compile(rf"我代表({_CJK}{{2,20}}?)人民政府")
_RE_CONGRESS = re.compile(rf"在({_CJK}{{2,20}}?)第?[{_NUM_CN}\d]{{1,3}}届人民代表大会")
_RE_TITLE_REGION = re.compile(
    rf"^[\s—\-]*(?:[0-9]{{4}}\s*年\s*(?:度)?)?({_CJK}{{2,20}}?)(?:[0-9]{{4}}\s*年\s*(?:度)?)?(?:人民)?政府工作报告"
)
_RE_HEAD_OF_GOV = re.compile(
    rf"({_CJK}{{2,20}}?)(?:人民政府)?(?:代理|代)?(?:省长|市长|区长|县长|旗长|州长|盟长|主席)"
)
_REGION_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|省|市|区|县|旗|州|盟|地区)$")
_NATIONAL_STRONG = re.compile(r"我代表国务院|国务院总理|在第[一二三四五六七八九十]{1,3}届全国人民代表大会")

# --- year patterns --------------------------------------------------------------------------------
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
_PLAN_END = {
    "九五": 2000,
    "十五": 2005,
    "十一五": 2010,
    "十二五": 2015,
    "十三五": 2020,
    "十四五": 2025,
    "十五五": 2030,
}
_RE_PLAN = re.compile(r"“?(十[一二三四五]五|九五|十五)”?(?:时期|计划|规划)")
_RE_TASK_HEADING = re.compile(
    r"(?m)^[\s　]*[二三四五六七八九十][、.．][^\n]{0,20}?" + r"((?:19|20)[0-9]{2})\s*年[^\n]{0,30}?"
    r"(?:总体要求|主要任务|工作任务|工作安排|重点工作|预期目标|政策取向|工作总体部署)"
)
_RE_LAST_YEAR = re.compile(r"(?:过去一年|过去的一年|去年|一年来)[^\n]{0,60}?((?:19|20)[0-9]{2})\s*年")
_TRAD_PROBE = 2000


@dataclass
class Attribution:
    """Region, level and year inferred for a report (any may be None), with the evidence used."""

    region: str | None = None
    region_level: str | None = None
    report_year: int | None = None
    title: str | None = None
    traditional: bool = False
    evidence: dict[str, str] = field(default_factory=dict)

    def missing(self) -> list[str]:
        """Names of the attributes that could not be determined."""
        return [n for n in ("region", "region_level", "report_year") if getattr(self, n) is None]


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (OpenCC t2s), for matching only."""
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def _traditional_only_chars() -> frozenset[str]:
    """Characters that OpenCC's t2s character table maps to a different character."""
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        src, _, targets = line.partition("\t")
        if len(src) == 1 and targets and src not in targets.split():
            chars.add(src)
    return frozenset(chars)


def is_traditional(text: str) -> bool:
    """True when the opening of ``text`` is written in traditional characters.

    Counts characters that t2s would change (one set lookup each: running the pure-Python
    converter here cost half of ingestion time).
    """
    probe = text[:_TRAD_PROBE]
    traditional = _traditional_only_chars()
    changed = sum(1 for c in probe if c in traditional)
    return changed >= 3 and changed >= 0.01 * max(1, len(_CJK_RE.findall(probe)))


_CJK_RE = re.compile(_CJK)


def level_for_region(region: str) -> str | None:
    """Administrative level of a region name by its suffix (北京/上海/天津/重庆市 are province level)."""
    if region == NATIONAL_REGION or region in ("中华人民共和国", "全国"):
        return "national"
    if region in PROVINCE_LEVEL_CITIES or region.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if region.endswith(("市", "自治州", "州", "盟", "地区")):
        return "city"
    if region.endswith(("区", "县", "旗", "自治县", "自治旗")):
        return "county"
    return None


def _year_from_cn(s: str) -> int | None:
    if s.isdigit() and s.isascii():
        return int(s)
    try:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    except KeyError:
        return None


def _cn_number(s: str) -> int | None:
    """Chinese numeral 1..99 (一 .. 九十九)."""
    if not s:
        return None
    if "十" not in s:
        return _CN_DIGITS.get(s) if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    t = _CN_DIGITS.get(tens, 0) if tens else 1
    o = _CN_DIGITS.get(ones, 0) if ones else 0
    return t * 10 + o


def _npc_year(term: int, session: int) -> int:
    """Calendar year of session ``session`` of the ``term``-th National People's Congress (term >= 5)."""
    # 5th NPC first session 1978; from the 6th (1983) every term is five years.
    first = 1978 if term == 5 else 1983 + 5 * (term - 6)
    return first + session - 1


def attribute_from_path(path: Path, root: Path | None) -> tuple[str, str, int] | None:
    """``(level, region, year)`` from ``<level>/<region>/<year>.<ext>`` relative to ``root``, or None."""
    if root is None:
        return None
    # The path as found (a symlink is read by where it sits, not where it points).
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if rel.startswith(".."):
        return None
    parts = Path(rel).parts
    if len(parts) < 3:
        return None
    level, region, name = parts[-3], parts[-2], parts[-1]
    stem = name.split(".", 1)[0]
    if level not in LEVELS or not re.fullmatch(r"(19|20)[0-9]{2}", stem) or not region.strip():
        return None
    return level, region, int(stem)


def _clean_region(name: str) -> str | None:
    name = name.strip()
    for prefix in ("现在", "中共", "我们", "各位代表"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if name in _GENERIC or len(name) < 2 or not _REGION_SUFFIX.search(name):
        return None
    # "上海市市长" style: keep the shortest name ending with a suffix.
    return name


def _first_lines(text: str, n: int) -> list[str]:
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip(" \t\u3000")
        if s:
            out.append(s)
            if len(out) >= n:
                break
    return out


def _infer_region(head: str, hints: list[str], attr: Attribution) -> None:
    lines = hints + _first_lines(head, 15)
    if _NATIONAL_STRONG.search(head) or any("国务院" in h and "政府工作报告" in h for h in hints):
        attr.region, attr.region_level = NATIONAL_REGION, "national"
        attr.evidence["region"] = "national cue (我代表国务院 / 全国人民代表大会 / 国务院总理)"
        return
    searches = (
        ("opening 我代表…人民政府", [head], _RE_REPRESENT),
        ("session line 在…届人民代表大会", lines + [head], _RE_CONGRESS),
        ("title line", lines, _RE_TITLE_REGION),
        ("head of government line", lines, _RE_HEAD_OF_GOV),
    )
    for label, texts, pattern in searches:
        for t in texts:
            for m in pattern.finditer(t):
                name = _clean_region(m.group(1))
                if name and level_for_region(name):
                    attr.region, attr.region_level = name, level_for_region(name)
                    attr.evidence["region"] = f"{label}: {m.group(0)[:60]}"
                    return
    if "全国人民代表大会" in head[:1500]:
        attr.region, attr.region_level = NATIONAL_REGION, "national"
        attr.evidence["region"] = "national cue (全国人民代表大会 in the opening)"


def _infer_year(head: str, window: str, hints: list[str], attr: Attribution) -> None:
    def found(year: int | None, label: str) -> bool:
        if year is not None and 1949 <= year <= 2100:
            attr.report_year = year
            attr.evidence["report_year"] = label
            return True
        return False

    # 1. session date line: "——2024年1月…日在…人民代表大会…会议上"
    m = _RE_SESSION_DATE.search(head[:3000])
    if m and found(_year_from_cn(m.group(1)), f"session line: {m.group(0)[:50]}"):
        return
    # 2. NPC term/session numbers (State Council reports)
    for m in _RE_NPC.finditer(head[:3000]):
        term, session = _cn_number(m.group(1)), _cn_number(m.group(2))
        if term and session and term >= 5:
            year = _npc_year(term, session) + (5 if m.group(3) else 0)
            if found(year, f"NPC session: {m.group(0)}"):
                return
    # 3. title line in the page title / first lines
    for line in hints + _first_lines(head, 12):
        m = _RE_TITLE_YEAR.search(line) or _RE_TITLE_YEAR_PAREN.search(line)
        if m and found(_year_from_cn(m.group(1)), f"title: {line[:50]}"):
            return
    # 4. review heading: "一、2023年工作回顾" -> 2024; "一、“十一五”时期…回顾" -> 2011
    for m in _RE_REVIEW_LINE.finditer(window):
        line = m.group(0)
        if not _RE_REVIEW_WORDS.search(line):
            continue
        years = [int(y) for y in _RE_Y4.findall(line)]
        if years and found(max(years) + 1, f"review heading: {line.strip()[:50]}"):
            return
        if re.search(r"去年|过去一年|过去的一年|一年来", line):
            nxt = _RE_Y4.search(window, m.end(), m.end() + 300)
            if nxt and found(int(nxt.group(1)) + 1, f"review heading {line.strip()[:30]} + {nxt.group(0)}"):
                return
        plan = _RE_PLAN.search(line)
        if (
            plan
            and "回顾" in line
            and found(_PLAN_END[plan.group(1)] + 1, f"plan review: {line.strip()[:50]}")
        ):
            return
    # 5. task heading: "三、2024年政府工作任务"
    m = _RE_TASK_HEADING.search(window)
    if m and found(int(m.group(1)), f"task heading: {m.group(0).strip()[:50]}"):
        return
    # 6. "过去一年…2023年" -> 2024
    m = _RE_LAST_YEAR.search(window[:8000])
    if m and found(int(m.group(1)) + 1, f"past-year context: {m.group(0)[:50]}"):
        return
    # 7. statistics: the most-mentioned year in the opening review, plus one
    counts = Counter(int(y) for y in _RE_Y4.findall(window[:10000]))
    if counts:
        year, n = counts.most_common(1)[0]
        if n >= 3:
            found(year + 1, f"most-mentioned year {year} ({n}x) in the review, plus one")


def _is_title(line: str) -> bool:
    squeezed = re.sub(r"\s+", "", line)
    return (
        "工作报告" in squeezed and "我代表" not in squeezed and len(squeezed) <= 60 and "。" not in squeezed
    )


def attribute_from_text(text: str, hints: list[str] | None = None) -> Attribution:
    """Infer region, level and report (session) year from the report text and page hints.

    ``hints`` are strings such as an HTML ``<title>`` or a document title. Only the opening
    (about 30k characters) is examined, so the cost does not grow with the file size.
    """
    hints = [h for h in (hints or []) if h]
    window = text[:_WINDOW]
    attr = Attribution()
    attr.title = next((ln for ln in hints + _first_lines(window[:_HEAD], 6) if _is_title(ln)), None)
    if is_traditional(window):
        attr.traditional = True
        window = to_simplified(window)
        hints = [to_simplified(h) for h in hints]
    head = window[:_HEAD]
    _infer_region(head, hints, attr)
    _infer_year(head, window, hints, attr)
    return attr


_CUES = (
    "政府工作报告",
    "各位代表",
    "人民代表大会",
    "工作回顾",
    "我代表",
    "请予审议",
    "人民政府",
    "国务院",
    "政协",
    "经济社会发展",
    "预期目标",
    "过去一年",
    "今年",
)
_SPEECH_CUES = ("各位代表", "我代表", "工作回顾", "请予审议")
TITLE_CUE = "title:政府工作报告"


def report_cues(text: str, hints: list[str] | None = None) -> list[str]:
    """Government-work-report cue phrases in the opening, closing and hints of ``text``.

    Includes ``title:政府工作报告`` when a title-like line (a hint or one of the first lines)
    names a 政府工作报告, as opposed to a news article that merely mentions one.
    """
    hints = [h for h in (hints or []) if h]
    sample = "\n".join([*hints, text[:_WINDOW], text[-3000:]])
    if is_traditional(sample):
        sample = to_simplified(sample)
        hints = [to_simplified(h) for h in hints]
    cues = [c for c in _CUES if c in sample]
    head = to_simplified(text[:_HEAD]) if is_traditional(text[:_HEAD]) else text[:_HEAD]
    if any(
        _is_title(ln) and "政府工作报告" in re.sub(r"\s+", "", ln) for ln in hints + _first_lines(head, 10)
    ):
        cues.append(TITLE_CUE)
    return cues


def looks_like_report(cues: list[str]) -> bool:
    """A report is a speech to the congress (各位代表 / 我代表 / 工作回顾 / 请予审议) or is titled
    政府工作报告, and shows at least three cues overall."""
    framed = TITLE_CUE in cues or any(c in _SPEECH_CUES for c in cues)
    return framed and len(cues) >= 3


# --- path vs text -----------------------------------------------------------------------------------
# Evidence labels (see _infer_region / _infer_year) that state the report's *own* attribution: the
# opening "我代表XX人民政府", national cues, the title line, the session/date line, NPC session numbers.
# Statistics, review headings and "past year" mentions name other years too and are never compared.
_CONFIDENT_REGION = ("national cue (我代表国务院", "opening ", "title line", "session line ")
# "review heading: 一、2018年工作回顾" is the report's own first heading; "…以来" (since the Nth
# session) and the "review heading … + year" guesses are not confident.
_CONFIDENT_YEAR = ("session line", "NPC session", "title", "review heading: ")
_CORE_SUFFIX = re.compile(
    r"(特别行政区|(?:壮族|回族|维吾尔)?自治区|自治州|自治县|自治旗|人民政府|政府|省|市|区|县|旗|州|盟|地区)$"
)


def region_core(name: str) -> str:
    """A region name without its administrative suffix (``广西壮族自治区`` -> ``广西``), simplified script."""
    core = to_simplified(name.strip())
    for _ in range(2):
        core = _CORE_SUFFIX.sub("", core) or core
    return core


def regions_agree(a: str, b: str) -> bool:
    """True when two region names can name the same region (one core name contains the other)."""
    if a == b:
        return True
    if NATIONAL_REGION in (a, b) or a in ("中华人民共和国", "全国") or b in ("中华人民共和国", "全国"):
        return level_for_region(a) == level_for_region(b) == "national"
    ca, cb = region_core(a), region_core(b)
    return bool(ca and cb) and (ca in cb or cb in ca)


def confident_text_reading(attr: Attribution) -> tuple[str | None, int | None]:
    """The region and year the text states about itself with confidence (either may be None)."""
    region = attr.region if attr.evidence.get("region", "").startswith(_CONFIDENT_REGION) else None
    label = attr.evidence.get("report_year", "")
    year = attr.report_year if label.startswith(_CONFIDENT_YEAR) and "以来" not in label else None
    return region, year


def attribution_conflict(path_region: str, path_year: int, attr: Attribution) -> str | None:
    """Why the path's reading (region, year) contradicts the text's own confident reading, or None."""
    region, year = confident_text_reading(attr)
    problems = []
    if region is not None and not regions_agree(path_region, region):
        problems.append(f"region: path says {path_region}, text says {region} ({attr.evidence['region'][:60]})")
    if year is not None and year != path_year:
        problems.append(f"year: path says {path_year}, text says {year} ({attr.evidence['report_year'][:60]})")
    return "; ".join(problems) or None
