"""Is it a report, and does it look complete? Checks on normalised report text."""

from __future__ import annotations

import re

from pipelines.domain.script import is_traditional, to_simplified

from .attribution import looks_like_report, report_cues

MIN_REPORT_CHARS = 200  # non-whitespace characters; anything shorter is not a usable report
SHORT_REPORT_CHARS = 3000  # real reports run 8k-25k characters; below this an ending must close
# Page/clipping chrome that may follow the body ("来源：浙江日报", "责任编辑：…", "【打印】【关闭】", "（完）").
TAIL_CHROME = re.compile(
    r"^[\s【\[（(]*(来源|来源于|责任编辑|编辑|校对|审核|作者|稿源|打印|关闭|分享|扫一扫|字号|相关链接|"
    r"附件|上一篇|下一篇|返回顶部|发布时间|发布日期|日期|时间)[\s】\]）):：].{0,60}$|^[\s【】\[\]|｜]*$|"
    r"^[\s]*[（(【\[]?完[）)】\]]?[\s]*$"
)
_CLOSERS = "”’」』）)》】\"'"
_FINAL = "。！？!?…．.~～"
_EXHORTATION = re.compile(r"奋斗|贡献|前进|胜利|篇章|努力|！|!")


def strip_tail_chrome(lines: list[str]) -> list[str]:
    """Drop trailing blank and short chrome lines (source, editor, print/close links, （完）)."""
    end = len(lines)
    while end and (
        not lines[end - 1].strip() or (len(lines[end - 1]) <= 60 and TAIL_CHROME.match(lines[end - 1]))
    ):
        end -= 1
    return lines[:end]


def non_ws_len(text: str) -> int:
    """Number of non-whitespace characters (``str.split`` and ``\\s`` agree on what is whitespace)."""
    return sum(map(len, text.split()))


# "增长8.5%", "实现187亿元", "达到1.74万亿元", "下降3%": a figure stated the way reports state results and targets
_FIGURE = re.compile(
    r"(?:增长|增幅|增速|下降|回落|提高|达到|达|实现|完成|突破|超过|控制在|为)[^。；，,\n]{0,4}?"
    r"[0-9０-９]+(?:[.．][0-9０-９]+)?\s*(?:%|％|个百分点|万亿元|亿元|万元|元|亿美元|万人|万吨|萬億元|億元|萬元)"
)
MIN_FIGURES = 3


def indicator_figures(text: str) -> int:
    """Number of distinct report-style figures (a change or result verb followed by a number with a unit)."""
    sample = text[:50000]
    if is_traditional(sample):
        sample = to_simplified(sample)
    return len(set(_FIGURE.findall(sample)))


def report_check(text: str, hints: list[str] | None = None, attributed: bool = False) -> tuple[str | None, str | None]:
    """(why ``text`` is not a government work report, why it is only a fragment of one); None where not.

    The report's cues and figures are read once for both answers. ``attributed``: region, level
    and year are known from the path or from hints. Such a text is never refused for lacking the
    report's frame when it states indicator figures the way reports do (an excerpt, a summary, a
    news rewrite): it loads, and the second answer says why it is flagged as a fragment.
    """
    n = non_ws_len(text[:20000])
    if n < MIN_REPORT_CHARS:
        return f"too short to be a government work report ({n} non-space characters)", None
    cues = report_cues(text, hints)
    if looks_like_report(cues):
        return None, None
    found = "、".join(cues) if cues else "none"
    figures = indicator_figures(text) if attributed else 0
    if figures >= MIN_FIGURES:
        return None, (f"loaded as a fragment: it states {figures} indicator figures but lacks the report's "
                      f"frame (各位代表 / 我代表 / 工作回顾 / 请予审议 or a 政府工作报告 title); cues found: {found}")
    return (
        "no government-work-report cues (政府工作报告 / 各位代表 / 人民代表大会 / 工作回顾 / 请予审议); "
        f"cues found: {found}"
    ), None


def truncation_reason(text: str) -> str | None:
    """Why ``text`` looks truncated, or None.

    Truncated means the last line of the body (after trailing page chrome) ends mid-sentence
    without final punctuation, or the text is far shorter than any real report and has no
    closing exhortation (…而奋斗！ / 作出新的更大贡献！).
    """
    tail_lines = strip_tail_chrome(text[-5000:].split("\n"))
    if not tail_lines:
        return "the text has no body"
    last = tail_lines[-1].strip().rstrip(_CLOSERS).rstrip()
    if last and last[-1] not in _FINAL:
        return f"the text ends mid-sentence without final punctuation: …{last[-30:]}"
    n = non_ws_len(text) if len(text) < 4 * SHORT_REPORT_CHARS else SHORT_REPORT_CHARS
    if n < SHORT_REPORT_CHARS and not _EXHORTATION.search("\n".join(tail_lines)[-400:]):
        return (
            f"only {n} characters (real reports run about 8,000-25,000) and no closing exhortation: "
            "the end of the report seems to be missing"
        )
    return None
