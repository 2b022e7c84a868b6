"""The indicator taxonomy (dbt seed ``dim_indicator.csv``) and its alias index.

Aliases are indexed by their *subject* form: a trailing growth word (``增长``, ``增速``, ``年均增长`` …)
is stripped, so ``地区生产总值增长`` and ``地区生产总值`` share the subject ``地区生产总值`` with two
candidate indicators (``gdp`` for levels, ``gdp_growth`` for growth rates). The extractor picks the
candidate from the value it finds. Matching is leftmost-longest over a character trie, so
``生产总值`` never fires inside ``单位地区生产总值能耗``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.domain.seeds import SEEDS_DIR
from pipelines.extract.normalised_view import normalise

TAXONOMY_CSV = SEEDS_DIR / "dim_indicator.csv"

_GROWTH_SUFFIXES = (
    "分别年均增长", "分别增长", "年均实际增长", "实际增长", "同口径增长", "年均增长", "年均增速", "增长", "增速",
    "增幅", "涨幅",
)
GROWTH_MEASURES = frozenset({"growth_rate"})
PCT_MEASURES = frozenset({"share", "ratio"})


def twin_id(indicator_id: str) -> str:
    """The id of the same series in the other family: ``gdp`` <-> ``gdp_growth``."""
    return indicator_id[: -len("_growth")] if indicator_id.endswith("_growth") else indicator_id + "_growth"


@dataclass(frozen=True)
class Indicator:
    """One taxonomy row."""

    indicator_id: str
    name_zh: str
    category: str
    measure: str
    default_unit: str
    aliases: tuple[str, ...]

    @property
    def family(self) -> str:
        """``growth`` / ``pct`` (share, ratio) / ``level`` (level, count)."""
        if self.measure in GROWTH_MEASURES:
            return "growth"
        if self.measure in PCT_MEASURES:
            return "pct"
        return "level"

    @property
    def is_reduction(self) -> bool:
        """True for indicators that store a decline as a positive number."""
        return self.indicator_id.endswith("_reduction") or "降低率" in self.name_zh


@dataclass
class Subject:
    """An alias subject: the indicators it may refer to, in taxonomy order."""

    text: str
    ids: list[str] = field(default_factory=list)
    implies_growth: bool = False  # the surface form itself carries a growth word (经济增长)


@dataclass(frozen=True)
class Mention:
    """A subject found in the normalised text."""

    start: int
    end: int
    subject: Subject


class Taxonomy:
    """Indicators plus a leftmost-longest alias matcher."""

    def __init__(self, indicators: list[Indicator]):
        self.indicators: dict[str, Indicator] = {i.indicator_id: i for i in indicators}
        self.subjects: dict[str, Subject] = {}
        for ind in indicators:
            for alias in ind.aliases:
                self._add(alias, ind.indicator_id)
        self._pair_growth_and_level()
        self._trie: dict = {}
        for text in self.subjects:
            node = self._trie
            for ch in text:
                node = node.setdefault(ch, {})
            node[""] = text
        self.first_chars = frozenset(self._trie)
        self._first_re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.first_chars)) + "]")

    def _pair_growth_and_level(self) -> None:
        """Complete each subject with the indicators of its other measure families.

        ``gdp`` <-> ``gdp_growth`` by id; otherwise a subject inherits from the longest proper
        suffix subject that shares one of its indicators (外贸进出口总额 gets ``foreign_trade_growth``
        from 进出口总额).
        """
        for subj in self.subjects.values():
            for iid in list(subj.ids):
                twin = twin_id(iid)
                if twin in self.indicators and twin not in subj.ids:
                    subj.ids.append(twin)
        for subj in sorted(self.subjects.values(), key=lambda s: len(s.text)):
            for k in range(1, len(subj.text) - 2):
                other = self.subjects.get(subj.text[k:])
                if other is None or not set(other.ids) & set(subj.ids):
                    continue
                families = {self.indicators[i].family for i in subj.ids}
                for iid in other.ids:
                    if self.indicators[iid].family not in families and iid not in subj.ids:
                        subj.ids.append(iid)
                break

    def _add(self, alias: str, indicator_id: str) -> None:
        alias = normalise(alias).text
        subject_text, implies_growth = alias, False
        for suffix in _GROWTH_SUFFIXES:
            if alias.endswith(suffix) and alias != suffix:
                base = alias[: -len(suffix)]
                if len(base) >= 3 and not base.endswith(("、", "和")):
                    subject_text = base
                else:
                    implies_growth = True
                break
        subj = self.subjects.setdefault(subject_text, Subject(subject_text))
        if indicator_id not in subj.ids:
            subj.ids.append(indicator_id)
        subj.implies_growth = subj.implies_growth or implies_growth

    def find_mentions(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Leftmost-longest, non-overlapping subject mentions in ``text[start:end]``."""
        end = len(text) if end is None else end
        out: list[Mention] = []
        trie, subjects = self._trie, self.subjects
        i = start
        search = self._first_re.search
        while True:
            m = search(text, i, end)
            if m is None:
                break
            i = m.start()
            node = trie
            j = i
            best: str | None = None
            while j < end and text[j] in node:
                node = node[text[j]]
                j += 1
                if "" in node:
                    best = node[""]
            if best is not None:
                out.append(Mention(i, i + len(best), subjects[best]))
                i += len(best)
            else:
                i += 1
        return out

    def pick(self, subject: Subject, family: str) -> str | None:
        """The indicator of ``subject`` best suited to a value of ``family`` (growth / pct / level)."""
        ids = subject.ids
        for iid in ids:
            if self.indicators[iid].family == family:
                return iid
        if family == "pct":
            for iid in ids:
                if self.indicators[iid].family == "growth":
                    return iid
        if family == "growth" and subject.implies_growth is False:
            # a level indicator can still carry a growth rate (技术合同成交额增长28.6%)
            return ids[0] if ids else None
        return ids[0] if ids else None

    def ids_of_family(self, subject: Subject, family: str) -> list[str]:
        """All indicators of ``subject`` in ``family`` (a list alias such as 一产、二产、三产增加值)."""
        return [i for i in subject.ids if self.indicators[i].family == family]


def load_indicators(path: Path = TAXONOMY_CSV) -> list[Indicator]:
    """Read the taxonomy CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        aliases = [a.strip() for a in (r.get("aliases_zh") or "").split("|") if a.strip()]
        name = r["name_zh"].strip()
        if name and name not in aliases:
            aliases.append(name)
        out.append(
            Indicator(r["indicator_id"].strip(), name, r["category"].strip(), r["measure"].strip(),
                      r["default_unit"].strip(), tuple(aliases))
        )
    return out


@lru_cache(maxsize=4)
def get_taxonomy(path: Path = TAXONOMY_CSV) -> Taxonomy:
    """The (cached) taxonomy built from ``path``."""
    return Taxonomy(load_indicators(path))
