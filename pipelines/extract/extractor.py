"""Text -> indicator facts.

Pipeline per report: normalise (with an offset map) -> paragraphs with a period mode
(:mod:`sections`) -> sentences that hold a number -> subject mentions (taxonomy trie) and
quantities (:mod:`numbers`) -> attach each quantity to its subject (same clause, a continued
subject, a ``N家<subject>`` count, or a ``分别`` list) -> kind / period / measure / qualifier ->
:class:`~pipelines.extract.facts.Fact` with offsets into the caller's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.domain.plans import plan_end_year
from pipelines.domain.years import read_report_year
from pipelines.extract import patterns as P
from pipelines.extract.facts import Fact
from pipelines.extract.lists import (
    Item,
    complete_head,
    expand_compound,
    mask_parentheses,
    subject_items,
    value_runs,
)
from pipelines.extract.measure import MeasureWords, one_year_measure, span_measure, stated_as_flow
from pipelines.extract.normalised_view import Normalised, normalise
from pipelines.extract.numbers import Quantity, find_quantities
from pipelines.extract.period import (
    KIND_OF_MODE,
    NOT_A_BASE,
    announcement_start,
    december_session,
    expected_result,
    from_base,
    looks_back,
    target_cue,
)
from pipelines.extract.scope import COMPONENT_SUBJECTS, INDICATOR_PARTS, economy_part, part_subject
from pipelines.extract.sections import (
    ACTUAL_SENTENCE,
    REVIEW5_START_OF_SENTENCE,
    Paragraph,
    is_forward_plan,
    split_paragraphs,
)
from pipelines.extract.spans import ByStart, Coverage
from pipelines.extract.taxonomy import Indicator, Mention, Taxonomy, get_taxonomy, twin_id
from pipelines.extract.units import convert, dimension, known_unit, units_fit

_HAS_NUMBER = re.compile(r"[0-9一二两三四五六七八九十](?:(?<=[0-9])|[十百千万亿]*[万亿元斤吨人家户套亩个%])|持平")
_AMOUNT_DIMS = frozenset({"yuan", "usd"})
# indicators whose count has one unit only (a count of communities is not a count of households in them)
_COUNTED_IN = {"old_community_renovation": {"items"}, "affordable_housing_units": {"housing", "items"}}
_LIST_JOIN = re.compile(r"^(?:左右|以上|以内|以下)?(?:[、和及与]|以及)$")


@dataclass
class _Context:
    """Per-sentence context shared by the attachment steps."""

    norm: Normalised
    tax: Taxonomy
    report_year: int | None
    mode: str
    period: int | None
    para: Paragraph
    region: str | None
    region_level: str | None
    sent_start: int
    sent_end: int
    last_list: tuple | None = None
    stated: dict[int, str] = field(default_factory=dict)  # fact id -> "stock" (累计达到) | "flow" (建成, 筹措)
    first_ends: dict[tuple, int | None] = field(default_factory=dict)
    lost_percent: bool = False  # the text has no % sign at all: a page that lost them

    def before(self, pattern: re.Pattern[str] | str, upto: int, start: int | None = None) -> bool:
        """True when ``pattern`` occurs wholly between ``start`` (default: the sentence start) and ``upto``.

        The first match in the sentence (or from the paragraph start) is found once and cached, so
        asking for each of many figures in one sentence costs O(1) instead of a rescan.
        """
        start = self.sent_start if start is None else start
        key = (pattern, start)
        if key not in self.first_ends:
            text = self.norm.text
            if isinstance(pattern, str):
                i = text.find(pattern, start, self.sent_end)
                self.first_ends[key] = None if i < 0 else i + len(pattern)
            else:
                m = pattern.search(text, start, self.sent_end)
                self.first_ends[key] = None if m is None else m.end()
        end = self.first_ends[key]
        return end is not None and end <= upto


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in P.SENTENCE_SPLIT.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _clauses(text: str, start: int, end: int, mentions: list[Mention], quantities: list[Quantity],
             pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    protected = Coverage(start, end, [(m.start, m.end) for m in mentions] + [(q.start, q.end) for q in quantities])
    cuts = [start]
    for m in pattern.finditer(text, start, end):
        i = m.start()
        if protected.covered(i):
            continue
        cuts.append(i)
    cuts.append(end)
    out = []
    for k in range(len(cuts) - 1):
        a = cuts[k] if k == 0 else cuts[k] + 1
        if a < cuts[k + 1]:
            out.append((a, cuts[k + 1]))
    return out


def _is_negative(text: str, q: Quantity, zone: str) -> bool:
    """True when the quantity is a rank, a comparison, a milestone, a threshold or a duration."""
    before = text[max(0, q.start - 3) : q.start]
    after_pos = q.end + (2 if q.post_qualifier else 0)
    after = text[q.end : q.end + 6]
    after_q = text[after_pos : after_pos + 6]
    if P.RANK_BEFORE.search(before) or P.RANK_AFTER.match(after):
        return True
    if P.VS_OUTSIDE.search(zone):
        return True
    if P.MILESTONE_AFTER.match(after) or P.MILESTONE_AFTER.match(after_q):
        passed = "大关" in after[:6] and P.PASSED_MARK.search(text[max(0, q.start - 3) : q.start])
        if not passed:
            return True
    if P.MILESTONE_VERB.search(zone) and P.MILESTONE_LATER.match(text, q.end):
        return True  # 经济总量连跨5万亿元、6万亿元两个台阶
    if q.unit == "个" and (P.COUNT_THEN_SCALE.match(after) or P.MONTH_AFTER.match(after)):
        return True
    if dimension(q.unit) in _AMOUNT_DIMS and P.THRESHOLD_AFTER.match(after_q if q.post_qualifier else after):
        return True
    if q.unit.endswith("岁") and P.AGE_BAND.match(after):
        return True
    return False


def _blocked(text: str, m: Mention, sent_start: int) -> bool:
    """True when mention ``m`` is not what its numbers describe (a denominator, a compared figure)."""
    before = text[max(sent_start, m.start - 4) : m.start]
    return bool(P.DENOMINATOR_BEFORE.search(before) or P.COMPARED_BEFORE.search(before))


def _subject(text: str, m: Mention, sent_start: int, region: str | None, indicator_id: str) -> str | None:
    """The part of the region mention ``m`` is about (海洋, 县域经济, 兰州新区, 西安市), or None."""
    if m.subject.text in COMPONENT_SUBJECTS:
        return m.subject.text  # 二氧化硫排放量下降3%: one pollutant of the aggregate
    lead = text[max(sent_start, m.start - 3) : m.start]
    own_parts = [w for w in INDICATOR_PARTS.get(indicator_id, ()) if lead.endswith(w) or m.subject.text.startswith(w)]
    if own_parts:
        return own_parts[0]  # 其中中央财政赤字8500亿元
    subject = part_subject(text, sent_start, m.start, region)
    if subject is None:
        subject = economy_part(text, sent_start, m.start, m.subject.text)
    if subject and m.subject.text.startswith("经济") and subject.endswith("县域"):
        subject += "经济"  # 县域经济总量: the part is 县域经济
    return subject


def _family(q: Quantity, growth: bool) -> str:
    if q.unit in ("%", "‰"):
        return "growth" if growth else "pct"
    if q.unit == "个百分点":
        return "pp"
    if q.unit == "倍":
        return "growth"
    return "level"


_WHOLE_OF_PAIR = {"城乡居民人均可支配收入": ("per_capita_disposable_income", "per_capita_disposable_income_growth")}


def _twin(tax: Taxonomy, ind: Indicator, family: str) -> Indicator:
    """The indicator of the same series for a value of ``family`` (urban income level -> its growth)."""
    fam = {"pp": "pct"}.get(family, family)
    if ind.family == fam or (fam == "pct" and ind.family == "growth"):
        return ind
    return tax.indicators.get(twin_id(ind.indicator_id), ind)


def _one_value_of_a_list_alias(tax: Taxonomy, subj, family: str) -> Indicator | None:
    """One value for a list alias (城乡居民人均可支配收入2.33万元): the whole-population series, else nothing."""
    level_id, growth_id = _WHOLE_OF_PAIR.get(subj.text, (None, None))
    iid = growth_id if family in ("growth", "pct", "pp") else level_id
    return tax.indicators.get(iid) if iid else None


def _pick(tax: Taxonomy, m: Mention, family: str, q: Quantity) -> Indicator | None:
    subj = m.subject
    if q.unit not in ("%", "‰", "个百分点", "倍"):
        qd = dimension(q.unit)
        for iid in subj.ids:
            ind = tax.indicators[iid]
            if ind.family != "level" and dimension(ind.default_unit) == qd:
                return ind  # a rate with its own unit (0.6人/百亿元)
    by = {f: tax.ids_of_family(subj, f) for f in ("growth", "pct", "level")}
    if any(len(v) >= 2 for v in by.values()):
        return _one_value_of_a_list_alias(tax, subj, family)
    if family == "growth":
        ids = by["growth"] or by["level"] or by["pct"]
    elif family == "pct":
        ids = by["pct"] or by["growth"]
    elif family == "pp":
        ids = by["pct"] or by["growth"]
    else:
        ids = by["level"] or by["growth"]
    if not ids:
        return None
    ind = tax.indicators[ids[0]]
    if family == "level":
        qd, dd = dimension(q.unit), dimension(ind.default_unit)
        if ind.family == "level" and q.unit != ":1" and not units_fit(q.unit, ind.default_unit):
            return None  # 老旧小区既有建筑节能改造9万平方米, PM2.5 in 万亩: not what the indicator measures
        if ind.indicator_id in _COUNTED_IN and qd not in _COUNTED_IN[ind.indicator_id]:
            return None  # 老旧小区改造8.36万户: households in the communities, not communities
        if ind.family == "level" and ((qd in _AMOUNT_DIMS) != (dd in _AMOUNT_DIMS)):
            return None
        if ind.family == "growth" and qd not in _AMOUNT_DIMS:
            return None
    return ind


def _qualifier(ctx: _Context, q: Quantity, clause_text_before: str, local_before: str, expected: bool) -> str:
    if q.is_range:
        return "range"
    if q.flat:
        return "about" if P.FLAT_WORDS.match(ctx.norm.text, q.start) and ctx.norm.text[q.start] != "持" else (
            "expected" if expected else "exact")
    if P.STRIVE.search(clause_text_before):
        return "strive"
    if expected:
        return "expected"
    if q.post_qualifier:
        return q.post_qualifier
    tail = local_before[-6:]
    if P.OVER_BEFORE.search(tail) or q.approx_over:
        return "over"
    if P.AT_LEAST_BEFORE.search(tail):
        return "at_least"
    if P.AT_MOST_BEFORE.search(tail):
        return "at_most"
    if P.ABOUT_BEFORE.search(tail):
        return "about"
    return "exact"


def _make_fact(ctx: _Context, ind: Indicator, q: Quantity, measure: str, qualifier: str, kind: str,
               period: int | None, span_start: int, negate: bool, span_end: int | None = None,
               subject: str | None = None) -> Fact:
    text = ctx.norm
    end = max(q.end + (2 if q.post_qualifier else 0), span_end or 0)
    if q.unit.endswith("套") and text.text.startswith("（间）", q.end):
        end = max(end, q.end + 3)
    a, b = text.span(span_start, end)
    value, low, high = q.value, q.low, q.high
    if negate:
        value = -value if value is not None else None
        if low is not None and high is not None:
            low, high = -high, -low
    unit = q.unit
    std = convert(value, unit, ind.default_unit) if value is not None else None
    if value is not None and std is None:
        std_value, std_unit = value, unit
    elif value is None:
        std_value, std_unit = None, (ind.default_unit if convert(1.0, unit, ind.default_unit) else unit)
    else:
        std_value, std_unit = std, ind.default_unit
    return Fact(
        region=ctx.region,
        region_level=ctx.region_level,
        report_year=ctx.report_year,
        indicator_id=ind.indicator_id,
        kind=kind,
        period_year=period,
        measure=measure,
        value=value,
        value_low=low,
        value_high=high,
        unit=unit,
        value_std=std_value,
        unit_std=std_unit,
        qualifier=qualifier,
        quote="",  # filled by the caller from the original text
        char_start=a,
        char_end=b,
        section=ctx.para.section,
        is_headline=ctx.para.is_headline and subject is None,
        subject=subject,
    )


_COMPLETION = re.compile(r"完成(?:了)?(?:年度计划的|计划的|任务的|目标的)?$")
_ATTRIBUTE = re.compile(r"[\u4e00-\u9fff]*(?:收入|利润|营收|产值|增加值|税收|出口|用电量)")


def _plausible_reading(text: str, m: Mention, q: Quantity, zone: str, ind: Indicator, family: str) -> bool:
    """False for readings an economist would not sign, whatever the indicator.

    * 增长3.2倍: a multiple is not a one-year growth rate (and is left out, see the gold conventions);
    * 项目投资完成148.47%: a completion rate, not a growth rate;
    * GDP产出达到1.17亿元: an output per unit (of land, of a worker), not the indicator;
    * 规上工业企业应税收入增长18.5%: the growth of an attribute of the counted things, not of their count.
    """
    if q.unit == "倍":
        return False
    if "贡献" in zone and "贡献" not in m.subject.text:
        return False  # 省属企业对全省工业增加值贡献39.7%: a contribution, not the indicator
    if q.unit in ("%", "‰") and _COMPLETION.search(zone) and not P.GROWTH_WORDS.search(zone):
        return False
    if text.startswith(("产出", "每平方公里", "地均", "万人拥有", "每万人", "人均", "户均"), m.end):
        return False  # GDP产出, 5G基站万人拥有量: a rate per unit of something else
    if family == "growth" and ind.measure == "count" and _ATTRIBUTE.match(zone):
        return False
    return True


def _emit(ctx: _Context, m: Mention, q: Quantity, zone: str, clause_before: str, span_start: int,
          out: list[Fact], pre_subject: bool = False, forced: Indicator | None = None,
          carried: bool = False, after: int | None = None) -> bool:
    """Build the fact of quantity ``q`` about mention ``m``; returns False when it is not a fact."""
    text = ctx.norm.text
    if _is_negative(text, q, zone) or P.OBJECT_ZONE.match(zone) or _blocked(text, m, ctx.sent_start):
        return False
    if m.subject.implies_growth and text[m.start - 1 : m.start] == "对":
        return False  # 服务业对经济增长贡献率: 经济增长 is an object here
    growth = m.subject.implies_growth or bool(P.GROWTH_WORDS.search(zone))
    share_words = bool(P.SHARE_WORDS.search(zone)) or (
        not pre_subject and m.end <= q.start and bool(P.SHARE_WORDS.search(text[m.end : min(q.start, m.end + 40)]))
    )
    family = _family(q, growth and not share_words)
    ind = forced or _pick(ctx.tax, m, family, q)
    if ind is None:
        return False
    if P.OTHER_SPAN.search(zone) or (m.end <= q.start and P.OTHER_SPAN.search(text[m.end : min(q.start, m.end + 40)])):
        return False  # 十年增加近70万亿元、年均增长6.2%: a span the contract has no measure for
    if P.DURATION_ZONE.search(zone) and (family == "growth" or q.post_qualifier in ("at_least", "at_most")):
        return False  # 连续9年稳定在1300亿斤以上: a bound held over several years, not one year's figure
    if q.flat and ind.family != "growth":
        return False  # 持平 is a zero change of a rate, not a level
    if not _plausible_reading(text, m, q, zone, ind, family):
        return False
    if share_words and q.unit in ("%", "‰", "个百分点") and ind.family != "pct":
        return False  # a share of some other total (民间投资占全部投资比重), not this indicator
    # what the sentence says before the value, read once per sentence (a long sentence stays linear)
    mode, period, expected = expected_result(
        ctx.mode, ctx.period, ctx.report_year,
        has_estimate=ctx.before(P.EXPECTED, q.start), has_this_year=ctx.before("今年", q.start))
    kind = KIND_OF_MODE[mode]
    named = _YEAR_BEFORE_SUBJECT.search(text, max(ctx.sent_start, m.start - 10), m.start)
    if kind == "actual" and named and ctx.report_year and int(named.group(1)) < ctx.report_year - 1:
        period = int(named.group(1))  # 由于2012年东莞GDP增速仅为6.1% in a 2014 text: 2012's figure
    seg_start = max(text.rfind("，", ctx.sent_start, m.start), text.rfind(",", ctx.sent_start, m.start))
    words = MeasureWords(
        zone=zone,
        before_subject=text[max(ctx.sent_start, seg_start + 1) : m.start],
        after_subject=text[m.end : m.end + 4] if pre_subject else "",
        carried=carried,
        subject=m.subject.text,
    )
    measure = one_year_measure(family, q.unit, ind.measure, ind.family, words)
    stated_as = "stock" if P.STOCK_WORDS.search(zone) else "flow" if stated_as_flow(words) else None
    last_year = ctx.before(f"{ctx.report_year - 1}年", q.start) if ctx.report_year else False
    span = span_measure(
        measure, kind, indicator_id=ind.indicator_id, words=words,
        subject_text=m.subject.text if m.subject.implies_growth else "",
        review5=mode == "review5", past_plan=ctx.before(P.PAST_PLAN_PERIOD, q.start),
        review_sentence=mode == "review5" and not last_year,
        names_last_year=last_year,
    )
    if span is None:
        return False
    measure = span
    if measure == "growth_rate" and kind == "actual" and ctx.report_year:
        # "2005年与2000年相比，国内生产总值增长57.3%": growth over a span named before the subject
        named = P.COMPARED_WITH_YEAR.search(text, max(ctx.sent_start, m.start - 30), m.start)
        if named and int(named.group(1)) < ctx.report_year - 2:
            measure = "cumulative_growth_rate"
    qualifier = _qualifier(ctx, q, clause_before, zone, expected)
    after_pos = q.end if after is None else after
    base = from_base(zone, text[after_pos : after_pos + 32], mode, ctx.report_year)  # 增加到… is short
    if base is not None:
        # "从4.16万亿元增加到5.67万亿元": the first value is the base year's level
        if base == NOT_A_BASE:
            return False
        kind, period = "actual", base
        qualifier = "exact" if qualifier not in ("about", "over", "at_least") else qualifier
        if measure == "increment":
            measure = ind.measure if ind.measure in ("level", "count") else "level"
    negate = (
        measure in ("growth_rate", "avg_growth_rate", "cumulative_growth_rate", "change_pp")
        and not ind.is_reduction
        and bool(P.DECLINE_WORDS.search(zone[-8:]))
    )
    span_end = m.end if pre_subject else None
    subject = _subject(text, m, ctx.sent_start, ctx.region, ind.indicator_id)
    out.append(_make_fact(ctx, ind, q, measure, qualifier, kind, period, span_start, negate, span_end, subject))
    if stated_as:
        ctx.stated[id(out[-1])] = stated_as
    return True


def _expand_subjects(ctx: _Context, seg_start: int, mentions: list[Mention], upto: int) -> list[Mention]:
    """Subjects of a ``分别`` list, restoring elided heads (城镇和农村居民人均可支配收入)."""
    text = ctx.norm.text
    if not mentions:
        return []
    first = mentions[0].start
    # walk back over list parts that precede the first mention ("城镇和" in 城镇和农村居民…)
    part_re = re.compile(r"([\u4e00-\u9fff]{1,4})(?:和|、|与|及)$")
    out = list(mentions)
    pm = part_re.search(text, max(seg_start, first - 6), first)
    if pm and pm.end() == first:
        subject = complete_head(pm.group(1), mentions[0].subject.text, ctx.tax)
        if subject is not None:
            out.insert(0, Mention(pm.start(1), pm.end(1), subject))
    return [m for m in out if m.end <= upto]


def _distribute(ctx: _Context, seg: tuple[int, int], mentions: list[Mention], qs: list[Quantity],
                out: list[Fact], used: set[int], by_start: tuple[ByStart, ByStart] | None = None) -> None:
    """Assign the values of a ``分别`` or parallel list (A和B增长x%和y%) to their subjects in order."""
    text = ctx.norm.text
    s, e = seg
    m_index, q_index = by_start or (ByStart(mentions), ByStart(qs))
    seg_mentions = [m for m in m_index.between(s, e + 1) if m.end <= e]
    seg_qs = [q for q in q_index.between(s, e + 1) if q.end <= e and id(q) not in used]
    if not seg_mentions and len(seg_qs) == 1 and ctx.last_list and P.SHARED_LIST_START.match(text, s):
        targets, _ = ctx.last_list
        q = seg_qs[0]
        zone = text[s : q.start]
        family = _family(q, bool(P.GROWTH_WORDS.search(zone)))
        for m, forced in targets:
            _emit(ctx, m, q, zone, zone, s, out, forced=None if forced is None else _twin(ctx.tax, forced, family))
        used.add(id(q))
        return
    if not seg_mentions or len(seg_qs) < 1:
        return
    first_q = seg_qs[0]
    before = [m for m in seg_mentions if m.end <= first_q.start]
    if not before or any(m.start >= first_q.start for m in seg_mentions):
        return
    seg_text = text[s:e]
    explicit = "分别" in seg_text
    for a, b in zip(seg_qs, seg_qs[1:], strict=False):
        if not _LIST_JOIN.match(text[a.end : b.start]):
            return
    zone = text[before[-1].end : first_q.start]
    growth = any(m.subject.implies_growth for m in before) or bool(P.GROWTH_WORDS.search(zone))
    family = _family(first_q, growth)
    fam = {"pp": "pct"}.get(family, family)
    targets: list[tuple[Mention, Indicator | None]] = []
    if len(before) == 1:
        ids = ctx.tax.ids_of_family(before[0].subject, fam)
        if len(ids) >= 2:
            targets = [(before[0], ctx.tax.indicators[i]) for i in ids]
        elif explicit:
            expanded = _expand_subjects(ctx, s, before, first_q.start)
            if len(expanded) >= 2:
                targets = [(m, None) for m in expanded]
    elif len(before) == 2 and len(seg_qs) == 1 and text[before[0].end : before[1].start] == "、" and (
            before[0].subject.text[-2:] == before[1].subject.text[-2:]):
        # 基本养老、医疗保险参保率稳定在95%以上: one value for both subjects of an elided pair
        targets = [(m, None) for m in before]
        seg_qs = seg_qs * 2
    else:
        if not explicit and len(before) != len(seg_qs):
            return
        expanded = _expand_subjects(ctx, s, before, first_q.start) if explicit else before
        targets = [(m, None) for m in expanded]
    if len(targets) < 2:
        if explicit and len(seg_qs) >= 2:
            used.update(id(q) for q in seg_qs)
        return
    if len(seg_qs) == 1 and "均" in zone:
        seg_qs = seg_qs * len(targets)
    if len(seg_qs) != len(targets):
        if explicit:
            used.update(id(q) for q in seg_qs)  # an unresolved 分别 list: no guessing
        return
    clause_before = text[s : first_q.start]
    span_start = min(before[0].start, targets[0][0].start)
    ctx.last_list = (targets, zone)
    for (m, forced), q in zip(targets, seg_qs, strict=True):
        if _emit(ctx, m, q, zone, clause_before, span_start, out, forced=forced):
            used.add(id(q))
        else:
            used.add(id(q))


_SEGMENT_BREAKS = "，,；;：:"
# a year written right before the subject (2012年东莞GDP…), not a base of comparison (比2012年…)
_YEAR_BEFORE_SUBJECT = re.compile(r"(?<![比较与同从由到至])((?:19|20)\d\d)年(?:[\u4e00-\u9fff]{0,4})$")
_RESTATED_BASIS = re.compile(r"[（(](?:按)?(?:同口径|可比口径|剔除[^）)]{0,12})[^）)]{0,6}$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]")


def _continues(lead: str) -> bool:
    """True when a clause without a subject goes on about the previous one (，增长5%; 、达到120亿元).

    ``争取中央预算内投资150亿元`` starts like a continuation (争取) but names a new thing: more than
    two characters between the cue and the number end the previous subject (实现再就业2529人).
    """
    m = P.CONTINUATION.match(lead)
    if not m:
        return False
    rest = lead[m.end() :]
    while rest and (more := P.CONTINUATION.match(rest)) and more.end():
        rest = rest[more.end() :]  # 预计同比增长: cue after cue
    return len(_CJK_RUN.findall(rest)) <= 2


def _list_targets(ctx: _Context, items: list[Item], n: int, family: str) -> list[tuple[Mention | None, Indicator | None]]:
    """The ``n`` subjects a value run of ``family`` refers to, from one subject list, or []."""
    tax, text = ctx.tax, ctx.norm.text
    if len(items) == 1 and n >= 2:
        if items[0].mention is not None:
            ids = tax.ids_of_family(items[0].mention.subject, family)
            if len(ids) == n:
                return [(items[0].mention, tax.indicators[i]) for i in ids]
        parts = expand_compound(text, items[0], tax)
        if len(parts) == n:
            return [(p.mention, None) for p in parts]
        return []
    if len(items) != n or all(i.mention is None for i in items):
        return []
    return [(i.mention, None) for i in items]


def _value_bearers(text: str, mention_index: ByStart, quantity_index: ByStart, s0: int, upto: int,
                   n: int) -> list[tuple[Mention | None, Indicator | None]]:
    """Subjects of the last ``n`` values stated before ``upto`` (A 1097亿元、B 269.7亿元，分别增长…).

    Each earlier value belongs to the nearest mention before it with no other value in between;
    a value without one (税费收入144.8亿元) keeps its place with no subject.
    """
    window = max(s0, upto - _SEGMENT_LOOKBACK)
    before = [q for q in quantity_index.between(window, upto) if q.end <= upto]
    if len(before) < n:
        return []
    out: list[tuple[Mention | None, Indicator | None]] = []
    for k, q in enumerate(before[-n:], start=len(before) - n):
        floor = before[k - 1].end if k else window
        own = [m for m in mention_index.between(floor, q.start) if m.end <= q.start]
        gap = text[own[-1].end : q.start] if own else ""
        bears = own and not re.search(r"[，,；;。]", gap) and known_unit(q.unit)  # not 93万辆
        out.append((own[-1] if bears else None, None))
    return out if any(m is not None for m, _ in out) else []


_SHARED_VALUE = re.compile(r"均(?:实现|保持|稳定在|达到|达|超过|超|增长|下降|提高|在)*$")


_SEGMENT_LOOKBACK = 200  # characters searched back for the clause break before a list
_MAX_CARRIED_QUOTE = 80  # a quote reaches back to a carried subject at most this far


def _segment_start(masked: str, s0: int, pos: int) -> int:
    """Start of the clause (after the last ，；： before ``pos``), looking back a bounded distance."""
    lo = max(0, pos - s0 - _SEGMENT_LOOKBACK)
    cut = max(masked.rfind(c, lo, pos - s0) for c in _SEGMENT_BREAKS)
    return s0 + (cut + 1 if cut >= 0 else lo)


def _shared_value(ctx: _Context, mention_index: ByStart, q: Quantity, masked: str, out: list[Fact],
                  used: set[int]) -> None:
    """``接待游客人次、旅游总花费均增长8%以上``: one value for every subject of the list before 均."""
    text, s0 = ctx.norm.text, ctx.sent_start
    if "均" not in text[max(s0, q.start - 12) : q.start]:
        return  # cheap test first: most values have no 均 before them (keeps long sentences linear)
    seg_start = _segment_start(masked, s0, q.start)
    own = [m for m in mention_index.between(seg_start, q.start) if m.end <= q.start]
    if not own or not _SHARED_VALUE.search(text, own[-1].end, q.start):
        return
    items = subject_items(text, seg_start, own[-1].end, own, ctx.tax)
    named = [i.mention for i in items if i.mention is not None]
    if len(items) < 2 or len(named) != len(items) or len({m.subject.text for m in named}) < 2:
        return
    zone = text[own[-1].end : q.start]
    for m in named:
        _emit(ctx, m, q, zone, text[seg_start : q.start], min(named[0].start, q.start), out)
    used.add(id(q))


def _align_lists(ctx: _Context, indexes: tuple[ByStart, ByStart], qs: list[Quantity], out: list[Fact],
                 used: set[int]) -> None:
    """Assign each run of listed values (x%、y%和z%) to the subjects of its list, in order."""
    text = ctx.norm.text
    s0 = ctx.sent_start
    masked = mask_parentheses(text[s0 : ctx.sent_end])
    earlier: list[list[Item]] = []
    earlier_targets: list[list[tuple[Mention | None, Indicator | None]]] = []
    runs = value_runs(text, [q for q in qs if id(q) not in used])
    in_runs = {id(q) for run in runs for q in run}
    by_start, quantity_index = indexes
    for q in qs:
        if id(q) not in used and id(q) not in in_runs:
            _shared_value(ctx, by_start, q, masked, out, used)
    for run in runs:
        first = run[0]
        seg_start = _segment_start(masked, s0, first.start)
        lead = text[seg_start : first.start]
        explicit = "分别" in lead
        own = [m for m in by_start.between(seg_start, first.start) if m.end <= first.start]
        growth = bool(P.GROWTH_WORDS.search(lead)) or any(m.subject.implies_growth for m in own)
        family = {"pp": "pct"}.get(_family(first, growth), _family(first, growth))
        targets: list[tuple[Mention | None, Indicator | None]] = []
        if own:
            # the list runs to 分别 when it is written: an item after the last mention has no id but a place
            list_end = text.find("分别", own[-1].end, first.start) if explicit else -1
            list_to = list_end if list_end > 0 else own[-1].end
            items = subject_items(text, seg_start, list_to, by_start.between(seg_start, list_to), ctx.tax)
            targets = _list_targets(ctx, items, len(run), family)
            if len(items) >= 2 or targets:
                earlier.append(items)
        if not targets and not own:
            for items in reversed(earlier[-3:]):  # the last few lists only: a long sentence stays linear
                targets = _list_targets(ctx, items, len(run), family)
                if targets:
                    break
        if not targets and not own and seg_start > s0 and _continues(P.PARENTHETICAL.sub("", lead)):
            # the list may be the whole previous clause: A、B和C跃上新台阶，分别为…
            prev_start = _segment_start(masked, s0, seg_start - 1)
            prev_own = [m for m in by_start.between(prev_start, seg_start - 1) if m.end <= seg_start - 1]
            # a clause that states values of its own (销量突破188万辆、出口93万辆) is not a list of names
            if prev_own and not quantity_index.any_between(prev_start, prev_own[-1].end):
                items = subject_items(text, prev_start, prev_own[-1].end, prev_own, ctx.tax)
                targets = _list_targets(ctx, items, len(run), family) if len(items) >= 2 else []
        if not targets and not own and _continues(P.PARENTHETICAL.sub("", lead)):
            # 分别增长…，年均分别增长…: the same subjects again (not 省外游客、入境游客分别增长…)
            for prev in reversed(earlier_targets[-3:]):
                if len(prev) == len(run):
                    targets = [(m, None if f is None else _twin(ctx.tax, f, family)) for m, f in prev]
                    break
        if not targets and not own and explicit:
            targets = _value_bearers(text, by_start, quantity_index, s0, first.start, len(run))
        if not targets:
            if explicit:
                used.update(id(q) for q in run)  # an unresolved 分别 list: no guessing
            continue
        zone = text[own[-1].end if own else seg_start : first.start]
        span_start = min((m.start for m, _ in targets if m is not None), default=seg_start)
        ctx.last_list = (targets, zone)
        earlier_targets.append(targets)
        for (m, forced), q in zip(targets, run, strict=True):
            used.add(id(q))
            if m is not None:
                _emit(ctx, m, q, zone, lead, min(span_start, q.start), out, forced=forced, after=run[-1].end)


_BARE_RATE = re.compile(
    r"(?:增长|下降|提高|回落|涨幅|增幅|增速|率|控制在)((?<![\d.])\d{1,2}(?:\.\d{1,2})?)(?=[，,；;。、和]|$)"
)


def _bare_rates(text: str, s0: int, s1: int, mentioned: Coverage) -> list[Quantity]:
    """Rates whose % sign the page lost (温州 2015: 同比增长7.2, 城镇登记失业率1.91), in a text with no % at all."""
    out = []
    for m in _BARE_RATE.finditer(text, s0, s1):
        if not mentioned.any_covered(m.start(1), m.end(1)):
            out.append(Quantity(m.start(1), m.end(1), float(m.group(1)), None, None, "%", False, None))
    return out


_LIFTED_OUT = re.compile(r"[^，,；;。]{0,14}?(?:稳定|实现|全部)?脱贫(?!人口|户|县|地区|攻坚|群众|劳动力|村)")


def _emit_poverty_count(ctx: _Context, q: Quantity, clause_start: int, out: list[Fact]) -> None:
    """A count of people lifted out of poverty, stated before the words that say so (N万人稳定脱贫)."""
    ind = ctx.tax.indicators.get("rural_poverty_reduction")
    subject = ctx.tax.subjects.get("农村贫困人口")
    if ind is None or subject is None:
        return
    end = _LIFTED_OUT.match(ctx.norm.text, q.end).end()
    mention = Mention(q.end, end, subject)
    _emit(ctx, mention, q, ctx.norm.text[clause_start : q.start], ctx.norm.text[clause_start : q.start], q.start,
          out, pre_subject=True, forced=ind)


_BARE_WAN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)万(以上|左右)?(?=[，,；;。、]|$)")


def _bare_ten_thousands(text: str, s0: int, s1: int, found: list[Quantity]) -> list[Quantity]:
    """``减少农村贫困人口1000万以上``: a count of people written without 人, in a sentence about people."""
    taken = Coverage(s0, s1, [(q.start, q.end) for q in found])
    out = []
    for m in _BARE_WAN.finditer(text, s0, s1):
        if not taken.any_covered(m.start(), m.end()):
            post = {"以上": "at_least", "左右": "about"}.get(m.group(2) or "")
            out.append(Quantity(m.start(1), m.end(1) + 1, float(m.group(1)), None, None, "万人", False, post))
    return out


def _sentence_facts(ctx: _Context, mentions: list[Mention], out: list[Fact]) -> None:
    text = ctx.norm.text
    s0, s1 = ctx.sent_start, ctx.sent_end
    sent = text[s0:s1]
    qs = []
    mentioned = Coverage(s0, s1, [(m.start, m.end) for m in mentions])
    for q in find_quantities(sent):
        q = replace(q, start=q.start + s0, end=q.end + s0)
        if mentioned.any_covered(q.start, q.end):
            continue
        if _RESTATED_BASIS.search(text, max(s0, q.start - 8), q.start):
            continue  # 增长1.7%（同口径增长2.5%以上）: the same figure on another basis
        if q.unit == "元" and text[max(s0, q.start - 2) : q.start] == "每月":
            q = replace(q, unit="元/月")
        qs.append(q)
    if ctx.lost_percent:
        qs = sorted(qs + _bare_rates(text, s0, s1, mentioned), key=lambda q: q.start)
    if any(m.subject.ids and ctx.tax.indicators[m.subject.ids[0]].default_unit == "万人" for m in mentions):
        qs = sorted(qs + _bare_ten_thousands(text, s0, s1, qs), key=lambda q: q.start)
    if not qs:
        return
    used: set[int] = set()
    by_start = (ByStart(mentions), ByStart(qs))  # built once for the lists and the clauses
    _align_lists(ctx, by_start, qs, out, used)
    for seg in _clauses(text, s0, s1, mentions, qs, P.SEGMENT_SPLIT):
        _distribute(ctx, seg, mentions, qs, out, used, by_start)
    carry: Mention | None = None
    prev_q_end = s0
    for c0, c1 in _clauses(text, s0, s1, mentions, qs, P.CLAUSE_SPLIT):
        c_mentions = by_start[0].between(c0, c1)
        c_qs = by_start[1].between(c0, c1)
        for q in c_qs:
            if id(q) in used:
                prev_q_end = q.end
                continue
            own = [m for m in c_mentions if m.end <= q.start]
            subj: Mention | None = own[-1] if own else None
            if len(own) >= 2 and text[own[-2].end : own[-1].start] in ("和", "与", "及") and (
                    dimension(q.unit) in _AMOUNT_DIMS):
                prev_q_end = q.end
                continue  # 利用外资和对外直接投资38亿美元: one sum of two indicators
            pre_subject = False
            if subj is None:
                lead = text[c0 : q.start]
                if carry is not None and _continues(P.PARENTHETICAL.sub("", lead)) and not any(
                        m.start < q.start for m in c_mentions):
                    subj = carry
                else:
                    after = [m for m in c_mentions if m.start >= q.end and m.start - q.end <= 1]
                    if after and q.unit in ("家", "个", "项", "所", "座", "套", "万套", "户", "万户", "万家") and text[max(c0, q.start - 1) : q.start] not in ("为", "给", "向", "对"):
                        subj = after[0]
                        pre_subject = True
            if subj is None and q.unit in ("人", "万人") and _LIFTED_OUT.match(text, q.end, s1):
                # 6.69万人稳定脱贫, 完成20万人脱贫任务: people lifted out of poverty, named after the number
                _emit_poverty_count(ctx, q, c0, out)
                used.add(id(q))
            if subj is None:
                prev_q_end = q.end
                continue
            if pre_subject:
                zone = text[c0 : q.start]
                span_start = q.start
            else:
                zone = text[max(subj.end, prev_q_end) : q.start]
                if len(zone) > 0 and subj.end < prev_q_end and not P.GROWTH_WORDS.search(zone):
                    wide = text[subj.end : q.start]
                    # "保持稳定增长、力争达到3%": the growth word sits before the clause break
                    if P.GROWTH_WORDS.search(wide) and q.unit in ("%", "‰") and not any(
                        subj.end <= o.start < q.start for o in qs
                    ):
                        zone = wide
                elif subj.end >= prev_q_end:
                    zone = text[subj.end : q.start]
                span_start = subj.start
                if subj is carry and not own and q.start - subj.start > _MAX_CARRIED_QUOTE:
                    span_start = c0  # a subject carried from far back: quote the value's own clause
            clause_before = text[max(c0, prev_q_end) : q.start]
            if subj is carry and not own:
                clause_before = text[max(subj.end, prev_q_end) : q.start]
            _emit(ctx, subj, q, zone, clause_before, span_start, out, pre_subject=pre_subject,
                  carried=subj is carry and not own)
            prev_q_end = q.end
            if pre_subject:
                carry = subj
        if c_mentions:
            carry = c_mentions[-1]
            if any(P.THRESHOLD_AFTER.match(text[q.end : min(q.end + 12, c1)]) for q in c_qs if q.unit.endswith("元")):
                carry = None  # 固定资产投资5000万元以上产业项目947个，完成投资…: the subject was a threshold
        elif c_qs and not P.CONTINUATION.match(text[c0:c1]):
            carry = None  # a clause about something outside the taxonomy ends the subject


def _sentence_mode(ctx_mode: str, sent: str, report_year: int | None, plan_end: int | None,
                   ) -> tuple[str, int | None]:
    """Mode and period of one sentence, from the paragraph mode and sentence cues."""
    ry = report_year
    mode = ctx_mode
    m = P.YEAR_PREFIX.match(sent)
    if m and ry:
        y = int(m.group(1))
        if y < ry and mode in ("actual", "review5", "target"):
            return "actual", y
        if y == ry and mode in ("actual", "target"):
            return "target", y
    u = P.UNTIL_YEAR.search(sent)
    if u and ry and mode in ("target", "plan"):
        y = int(u.group(1) or u.group(2))
        if y > ry:
            return "plan", y
    if mode == "target":
        pe = plan_end_year(sent)
        if is_forward_plan(pe, ry) and re.search(r"年均|时期|期间", sent):
            return "plan", pe
    if mode == "actual" or mode == "review5":
        return mode, (ry - 1 if ry else None)
    if mode == "target":
        return mode, ry
    return "plan", plan_end or ((ry + 4) if ry else None)


def extract_facts(text: str, *, region: str | None = None, region_level: str | None = None,
                  report_year: int | None = None) -> list[Fact]:
    """Extract indicator facts from one report.

    ``text`` is the ingested report text; every returned fact satisfies
    ``fact.quote == text[fact.char_start:fact.char_end]``. When ``report_year`` is None it is
    inferred from the text (date line or ``一、<year>年工作回顾``); if that fails periods are None.
    Facts are ordered by ``char_start`` and the result is deterministic.
    """
    if not text:
        return []
    norm = normalise(text)
    nt = norm.text
    reading = read_report_year(nt) if report_year is None else None
    session_year = reading.year if reading is not None else report_year
    # periods are counted from the year the report looks forward to (a December report: the next one)
    ry = session_year + 1 if december_session(nt, session_year) else session_year
    tax = get_taxonomy()
    out: list[Fact] = []
    plan_end: int | None = None
    para_of: list[int] = []
    for pi, para in enumerate(split_paragraphs(nt, ry)):
        para_of.extend([pi - 1] * (len(out) - len(para_of)))
        if is_forward_plan(para.plan_end, ry):
            plan_end = para.plan_end
        if not _HAS_NUMBER.search(nt, para.start, para.end):
            continue
        looking_back = False  # "过去一年，…。国内生产总值增长10.3%" inside a target paragraph
        in_targets = False  # "今年的预期目标是…" inside a paragraph without a target heading
        # a five-year review paragraph may turn back to the last year (…这五年…。一年来，…) and
        # forward again (…。五年来，…): the mode follows those sentences
        review_mode = "review5"
        for s0, s1 in _sentences(nt, para.start, para.end):
            if para.mode == "target":
                named = P.YEAR_PREFIX.match(nt[s0 : s0 + 16])
                if P.PAST_YEAR_START.match(nt, s0) or (named and ry and int(named.group(1)) < ry):
                    looking_back = True  # 据介绍，2023年东莞…；新升规工业企业1797家: results, until 今年
                elif looking_back and P.THIS_YEAR.search(nt, s0, s1):
                    looking_back = False
            if para.mode == "review5":
                if REVIEW5_START_OF_SENTENCE.match(nt, s0):
                    review_mode = "review5"
                elif ACTUAL_SENTENCE.match(nt, s0):
                    review_mode = "actual"
            sentence_mode = review_mode if para.mode == "review5" else para.mode
            pieces = [(s0, s1, "actual" if looking_back else sentence_mode)]
            if para.mode == "actual":
                cue = target_cue(nt[s0:s1], ry)
                if cue is not None:
                    in_targets = True
                    cut = s0 + announcement_start(nt[s0:s1], cue)
                    pieces = [(s0, cut, para.mode), (cut, s1, "target")] if cut > s0 else [(s0, s1, "target")]
                elif in_targets and looks_back(nt[s0:s1], ry):
                    in_targets = False
                elif in_targets:
                    pieces = [(s0, s1, "target")]
            for a, b, piece_mode in pieces:
                _piece_facts(norm, tax, ry, plan_end, para, piece_mode, region, region_level, a, b, out)
    para_of.extend([len(para_of) and para_of[-1] + 1] * (len(out) - len(para_of)))
    if ry != session_year:
        out = [replace(f, report_year=session_year) for f in out]
    out = _mark_first_results(out, para_of, ry)
    out = _drop_passed_milestones(out)
    seen: set[tuple] = set()
    facts: list[Fact] = []
    for f in out:
        key = (f.indicator_id, f.kind, f.period_year, f.measure, f.value, f.value_low, f.value_high, f.unit,
               f.char_start, f.char_end)
        if key in seen:
            continue
        seen.add(key)
        facts.append(_with_quote(f, text))
    facts.sort(key=lambda f: (f.char_start, f.char_end, f.indicator_id, f.measure))
    return facts


def _flows_beside_stocks(facts: list[Fact], stated: dict[int, str]) -> list[Fact]:
    """``建成高标准农田8.9万亩、累计达到120.5万亩``: beside a stock, the other value is the year's increment."""
    out = list(facts)
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(out):
        if f.measure in ("level", "count"):
            groups.setdefault((f.indicator_id, f.kind, f.period_year, f.subject), []).append(i)
    for idx in groups.values():
        if any(stated.get(id(out[i])) == "stock" for i in idx):
            for i in idx:
                if stated.get(id(out[i])) == "flow":
                    out[i] = replace(out[i], measure="increment")
    return out


def _piece_facts(norm: Normalised, tax: Taxonomy, ry: int | None, plan_end: int | None, para: Paragraph,
                 mode: str, region: str | None, region_level: str | None, s0: int, s1: int, out: list[Fact]) -> None:
    """Facts of the sentence (or part of a sentence) ``s0:s1`` written in ``mode``."""
    nt = norm.text
    if s0 >= s1 or not _HAS_NUMBER.search(nt, s0, s1):
        return
    mentions = tax.find_mentions(nt, s0, s1)
    if "、" in nt[s0:s1]:
        mentions = _elided_pairs(nt, s0, s1, tax, mentions)
    if not mentions and "脱贫" not in nt[s0:s1]:
        return
    mode, period = _sentence_mode(mode, nt[s0:s1], ry, plan_end)
    ctx = _Context(norm, tax, ry, mode, period, para, region, region_level, s0, s1,
                   lost_percent=norm.lost_percent)
    first = len(out)
    _sentence_facts(ctx, mentions, out)
    out[first:] = _flows_beside_stocks(out[first:], ctx.stated)


def _with_quote(f: Fact, text: str) -> Fact:
    from dataclasses import replace

    return replace(f, quote=text[f.char_start : f.char_end])


def _drop_passed_milestones(facts: list[Fact]) -> list[Fact]:
    """``突破3万亿元、达3.6万亿元``: drop the lower bound when the same clause gives the exact level."""
    drop: set[int] = set()
    for i, f in enumerate(facts):
        if f.qualifier != "over" or f.value is None or f.value_std is None:
            continue
        for g in facts[i + 1 : i + 3]:
            if (g.char_start == f.char_start and g.indicator_id == f.indicator_id and g.kind == f.kind
                    and g.period_year == f.period_year and g.measure == f.measure and g.unit_std == f.unit_std
                    and g.value_std is not None and g.qualifier != "over" and g.value_std >= f.value_std
                    and g.char_end > f.char_end):
                drop.add(i)
                break
    return [f for i, f in enumerate(facts) if i not in drop]


_ECONOMY = frozenset({"gdp", "gdp_growth"})


def _mark_first_results(facts: list[Fact], para_of: list[int], report_year: int | None) -> list[Fact]:
    """Mark the report's first results paragraph (the first with last year's GDP) as headline."""
    if report_year is None:
        return facts
    if any(f.is_headline and f.kind == "actual" and f.indicator_id in _ECONOMY and f.period_year == report_year - 1
           and f.measure in ("growth_rate", "level") for f in facts):
        return facts
    first = next((i for i, f in enumerate(facts) if f.kind == "actual" and f.indicator_id == "gdp_growth"
                  and f.period_year == report_year - 1 and f.measure == "growth_rate"), None)
    if first is None:
        first = next((i for i, f in enumerate(facts) if f.kind == "actual" and f.indicator_id == "gdp"
                      and f.period_year == report_year - 1 and f.measure == "level"), None)
    if first is None:
        return facts
    key = para_of[first]
    return [replace(f, is_headline=True) if para_of[i] == key and f.kind == "actual" and f.subject is None else f
            for i, f in enumerate(facts)]


_ELIDED = re.compile(r"([\u4e00-\u9fff]{2,6})、([\u4e00-\u9fff]{3,14})")


def _elided_pairs(text: str, s0: int, s1: int, tax: Taxonomy, mentions: list[Mention]) -> list[Mention]:
    """Restore ``A、B<tail>`` pairs that share a head and a tail (基本养老、医疗保险参保率)."""
    out = list(mentions)
    taken = Coverage(s0, s1, [(x.start, x.end) for x in mentions])
    for m in _ELIDED.finditer(text, s0, s1):
        if taken.any_covered(m.start(1), m.end(2)):
            continue
        a_full, b_full = m.group(1), m.group(2)
        found = None
        for i in range(len(a_full) - 1):
            a = a_full[i:]
            for length in range(len(b_full), 2, -1):
                b = b_full[:length]
                for j in range(1, length - 1):
                    sa = a + b[j:]
                    if sa not in tax.subjects:
                        continue
                    for k in range(1, len(a)):
                        sb = a[:k] + b
                        if sb != sa and sb in tax.subjects:
                            found = (m.start(1) + i, m.end(1), sa, m.start(2), m.start(2) + length, sb)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                break
        if found:
            a0, a1, sa, b0, b1, sb = found
            out += [Mention(a0, a1, tax.subjects[sa]), Mention(b0, b1, tax.subjects[sb])]
    return sorted(out, key=lambda x: x.start)
