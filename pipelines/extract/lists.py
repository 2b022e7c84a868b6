"""Lists: which value of ``A、B和C分别增长x%、y%和z%`` belongs to which subject.

Pure helpers on the normalised text. A *value run* is two or more quantities joined only by list
words (、 和 及 与, an optional 左右/以上 after each). A *subject list* is the run of items before
the values, split at the same words: each item is an indicator mention, an elided head completed
from its neighbour (城镇、农村常住居民人均可支配收入; 存、贷款余额) or something outside the
taxonomy (高新技术产品产值), which keeps its place in the alignment and is then dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.extract import patterns as P
from pipelines.extract.numbers import Quantity
from pipelines.extract.scope import is_filler
from pipelines.extract.taxonomy import Mention, Subject, Taxonomy

_JOIN = re.compile(r"^(?:左右|以上|以内|以下|多)?(?:[、和及与]|以及)$")
_ITEM_SPLIT = re.compile(r"以及|[、和及与]")
# a compound head that stands for two subjects: 城乡居民 = 城镇居民 + 农村居民, 存贷款 = 存款 + 贷款
COMPOUND_HEADS: dict[str, tuple[str, ...]] = {
    "城乡居民": ("城镇居民", "农村居民"),
    "城乡": ("城镇", "农村"),
    "城镇和农村居民": ("城镇居民", "农村居民"),
    "城镇和农村": ("城镇", "农村"),
    "城镇、农村": ("城镇", "农村"),
    "存贷款": ("存款", "贷款"),
}
_LEAD = re.compile(
    r"^(?:其中|全年|全市|全省|全区|全县|我市|我省|我区|本市|同时|实现|完成|预计|年末|年底|(?:19|20)\d\d年(?:末|底)?|"
    r"去年|今年|金融机构)+"
)


@dataclass(frozen=True)
class Item:
    """One member of a subject list: its span and the mention it names (None: outside the taxonomy)."""

    start: int
    end: int
    mention: Mention | None


def value_runs(text: str, quantities: list[Quantity]) -> list[list[Quantity]]:
    """Maximal runs of two or more quantities joined only by list words, in text order."""
    runs: list[list[Quantity]] = []
    cur: list[Quantity] = []
    for q in quantities:
        if cur and _JOIN.match(text[cur[-1].end : q.start]) and _same_kind(cur[-1], q):
            cur.append(q)
            continue
        if len(cur) >= 2:
            runs.append(cur)
        cur = [q]
    if len(cur) >= 2:
        runs.append(cur)
    return runs


def _same_kind(a: Quantity, b: Quantity) -> bool:
    pct = ("%", "‰", "个百分点")
    return (a.unit in pct) == (b.unit in pct)


def mask_parentheses(text: str) -> str:
    """``text`` with short parentheticals blanked (生产总值(预计,下同)、…), offsets kept."""
    return P.PARENTHETICAL.sub(lambda m: " " * len(m.group()), text)


def subject_items(text: str, start: int, end: int, mentions: list[Mention], tax: Taxonomy) -> list[Item]:
    """Split ``text[start:end]`` into list items at 、 和 及 与 outside mentions and parentheses."""
    zone = mask_parentheses(text[start:end])
    lead = _LEAD.match(zone)
    offset = lead.end() if lead else 0
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    cuts = [start + offset]
    for sm in _ITEM_SPLIT.finditer(zone, offset):
        i = start + sm.start()
        if any(m.start <= i < m.end for m in inside):
            continue
        cuts.append(i)
        cuts.append(start + sm.end())
    cuts.append(end)
    items: list[Item] = []
    for a, b in zip(cuts[0::2], cuts[1::2], strict=False):
        if a >= b:
            continue
        own = [m for m in inside if a <= m.start and m.end <= b]
        # 信息服务业增加值 names a sub-sector, not 服务业增加值: only filler may precede the mention
        if own and not is_filler(text[a : own[-1].start]):
            own = []
        items.append(Item(a, b, own[-1] if own else None))
    return _complete_elided(text, items, tax)


def _complete_elided(text: str, items: list[Item], tax: Taxonomy) -> list[Item]:
    """Complete bare items from a neighbour's mention when the whole is a subject.

    A bare head takes the next mention's tail (城镇、农村常住居民…; 存、贷款余额); a bare tail takes
    the previous mention's head (单位国内生产总值能耗和二氧化碳排放).
    """
    out = list(items)
    for k in range(1, len(out)):
        item, prev = out[k], out[k - 1]
        if item.mention is not None or prev.mention is None:
            continue
        tail = text[item.start : item.end].strip()
        head = prev.mention.subject.text
        for j in range(len(head) - 1, 1, -1):
            cand = head[:j] + tail
            if cand in tax.subjects and cand != head:
                out[k] = Item(item.start, item.end, Mention(item.start, item.end, tax.subjects[cand]))
                break
    for k in range(len(out) - 2, -1, -1):
        item, nxt = out[k], out[k + 1]
        if item.mention is not None or nxt.mention is None:
            continue
        head = text[item.start : item.end].strip()
        if not head or len(head) > 6:
            continue
        subject = complete_head(head, nxt.mention.subject.text, tax)
        if subject is not None:
            out[k] = Item(item.start, item.end, Mention(item.start, item.end, subject))
    return out


def complete_head(head: str, tail: str, tax: Taxonomy) -> Subject | None:
    """The subject a bare head names with the end of its neighbour's subject ``tail``, or None.

    城镇 + 农村居民人均可支配收入 -> 城镇居民人均可支配收入; 存 + 贷款余额 -> 存款余额: the longest end of
    ``tail`` that makes a subject wins.
    """
    for j in range(len(tail)):
        cand = head + tail[j:]
        if cand in tax.subjects and cand != tail:
            return tax.subjects[cand]
    return None


def expand_compound(text: str, item: Item, tax: Taxonomy) -> list[Item]:
    """Split an item whose name starts with a compound head (城乡居民收入, 存贷款余额) into its parts."""
    name = text[item.start : item.end]
    for head, parts in COMPOUND_HEADS.items():
        i = name.find(head)
        if i < 0:
            continue
        out = []
        for part in parts:
            cand = name[:i] + part + name[i + len(head) :]
            # the subject must take in the part (城镇低保标准 is not a subject when only 低保标准 is)
            found = [m for m in tax.find_mentions(cand) if m.start <= i < m.end]
            best = max(found, key=lambda m: m.end - m.start) if found else None
            if best is None or best.end - best.start < 4:
                return []
            out.append(Item(item.start, item.end, Mention(item.start, item.end, best.subject)))
        return out
    return []
