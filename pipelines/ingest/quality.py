"""Is it a report, and does it look complete? Checks on normalised report text."""

from __future__ import annotations

import re

from .attribution import looks_like_report, report_cues

MIN_REPORT_CHARS = 200  # non-whitespace characters; anything shorter is not a usable report
SHORT_REPORT_CHARS = 3000  # real reports run 8k-25k characters; below this an ending must close
_NON_WS = re.compile(r"\S")
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
    """Number of non-whitespace characters."""
    return len(_NON_WS.findall(text))


def not_a_report_reason(text: str, hints: list[str] | None = None) -> str | None:
    """Why ``text`` is not a government work report, or None when it looks like one."""
    n = non_ws_len(text[:20000])
    if n < MIN_REPORT_CHARS:
        return f"too short to be a government work report ({n} non-space characters)"
    cues = report_cues(text, hints)
    if not looks_like_report(cues):
        found = "、".join(cues) if cues else "none"
        return (
            "no government-work-report cues (政府工作报告 / 各位代表 / 人民代表大会 / 工作回顾 / 请予审议); "
            f"cues found: {found}"
        )
    return None


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
