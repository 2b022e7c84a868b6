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
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.domain.script import is_traditional, to_simplified
from pipelines.domain.years import HEAD, WINDOW, first_lines, read_report_year

from .model import LEVELS

NATIONAL_REGION = "国务院"
PROVINCE_LEVEL_CITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# Names that stand for "this province/city/…" and do not identify a region.
_GENERIC = frozenset(
    "省 市 区 县 旗 州 盟 自治区 自治州 自治县 自治旗 地区 全省 全市 全区 全县 本市 本省 我市 我省 我区 我县".split()
)
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


def _infer_region(head: str, hints: list[str], attr: Attribution) -> None:
    lines = hints + first_lines(head, 15)
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


def _infer_year(window: str, hints: list[str], attr: Attribution) -> None:
    reading = read_report_year(window, hints)
    if reading is not None:
        attr.report_year = reading.year
        attr.evidence["report_year"] = reading.evidence


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
    window = text[:WINDOW]
    attr = Attribution()
    attr.title = next((ln for ln in hints + first_lines(window[:HEAD], 6) if _is_title(ln)), None)
    if is_traditional(window):
        attr.traditional = True
        window = to_simplified(window)
        hints = [to_simplified(h) for h in hints]
    head = window[:HEAD]
    _infer_region(head, hints, attr)
    _infer_year(window, hints, attr)
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
    sample = "\n".join([*hints, text[:WINDOW], text[-3000:]])
    if is_traditional(sample):
        sample = to_simplified(sample)
        hints = [to_simplified(h) for h in hints]
    cues = [c for c in _CUES if c in sample]
    head = to_simplified(text[:HEAD]) if is_traditional(text[:HEAD]) else text[:HEAD]
    if any(
        _is_title(ln) and "政府工作报告" in re.sub(r"\s+", "", ln) for ln in hints + first_lines(head, 10)
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


def attribution_conflict(
    path_region: str, path_year: int, attr: Attribution, path_level: str | None = None
) -> str | None:
    """Why the path's reading (region, year) contradicts the text's own confident reading, or None.

    Under ``national/`` any name of the State Council (国务院, 全国, 中国, …) agrees with a national text.
    """
    region, year = confident_text_reading(attr)
    problems = []
    national_match = path_level == "national" and region is not None and level_for_region(region) == "national"
    if region is not None and not national_match and not regions_agree(path_region, region):
        problems.append(f"region: path says {path_region}, text says {region} ({attr.evidence['region'][:60]})")
    if year is not None and year != path_year:
        problems.append(f"year: path says {path_year}, text says {year} ({attr.evidence['report_year'][:60]})")
    return "; ".join(problems) or None
