"""The review page: one self-contained HTML file showing every fact in its sentence.

For each report, its text with every fact highlighted (colour by kind; facts about a part of the
region marked apart; rejected facts struck through) beside a table of the facts. Clicking a row
scrolls to and flashes its sentence; clicking a highlight selects its row. Conflicting values are
flagged with the one the marts chose; corrected facts show the extractor's value and the new one.
A filter box narrows the rows (and dims the other highlights). No network: CSS and JS are inline,
and every piece of report text goes through ``html.escape``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pipelines.reporting.review_data import ReviewReport, load_review, orphaned_corrections

KIND_LABELS = {"actual": "actual 实际", "target": "target 目标", "plan_target": "plan target 规划目标"}
_SENTENCE_END = re.compile(r"[。！？；!?;]+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``: split after 。！？； and at line breaks; covers all of it."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def format_number(value: float | None) -> str:
    """A value as people write it: 4.6, 17400, 1.02 (no trailing .0, no exponent)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _value_text(values: dict) -> str:
    if values.get("value") is not None:
        return format_number(values["value"])
    low, high = values.get("value_low"), values.get("value_high")
    if low is not None or high is not None:
        return f"{format_number(low)}–{format_number(high)}"
    return ""


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _changed(fact: dict, name: str, shown: str) -> str:
    """A cell's content: the value, or the extractor's value struck through beside the corrected one."""
    original = fact["original"]
    if name == "value" and any(k in original for k in ("value", "value_low", "value_high")):
        before = _value_text({k: original.get(k, fact[k]) for k in ("value", "value_low", "value_high")})
        return f'<del title="extracted">{_esc(before)}</del> → <ins title="corrected">{_esc(shown)}</ins>'
    if name in original:
        return f'<del title="extracted">{_esc(original[name])}</del> → <ins title="corrected">{_esc(shown)}</ins>'
    return _esc(shown)


def _badges(fact: dict) -> str:
    out = []
    status = fact["status"]
    if status != "extracted":
        note = f' title="{_esc(fact.get("correction_note"))}"' if fact.get("correction_note") else ""
        out.append(f'<span class="badge b-{status}"{note}>{status}</span>')
    conflict = fact.get("conflict")
    if conflict:
        chosen = f"{format_number(conflict['chosen_value'])} {conflict['chosen_unit'] or ''}".strip()
        out.append(
            f'<span class="badge b-conflict" title="{conflict["values"]} different values for this region, '
            f'indicator, kind, year and measure">conflict · marts chose {_esc(chosen)}</span>'
        )
        if fact.get("chosen"):
            out.append('<span class="badge b-chosen">chosen</span>')
    if fact["subject"]:
        out.append(f'<span class="badge b-part">part: {_esc(fact["subject"])}</span>')
    return " ".join(out)


def _fact_row(fact: dict, sentence_ids: list[str]) -> str:
    classes = [f"k-{fact['kind']}", f"s-{fact['status']}"]
    if fact.get("conflict"):
        classes.append("conflict")
    if fact["subject"]:
        classes.append("part")
    search = " ".join(_esc(x).lower() for x in (fact["indicator_id"], fact["indicator_name_zh"], fact["quote"],
                                                fact["kind"], fact["subject"], fact["status"]) if x)
    indicator = (f'{_esc(fact["indicator_name_zh"] or "")}<br><code>{_changed(fact, "indicator_id", fact["indicator_id"])}'
                 "</code>")
    cells = [
        indicator,
        f'<span class="kind k-{_esc(fact["kind"])}">{_changed(fact, "kind", fact["kind"])}</span>',
        _changed(fact, "period_year", fact["period_year"]),
        _changed(fact, "measure", fact["measure"]),
        f'<span class="num">{_changed(fact, "value", _value_text(fact))}</span>',
        _changed(fact, "unit", fact["unit"]),
        _changed(fact, "qualifier", fact["qualifier"]),
        _changed(fact, "subject", fact["subject"] or ""),
        _badges(fact),
    ]
    return (
        f'<tr id="row-{_esc(fact["fact_id"])}" class="{" ".join(classes)}" data-fact-id="{_esc(fact["fact_id"])}" tabindex="0" '
        f'data-sents="{" ".join(sentence_ids)}" data-search="{search}" title="{_esc(fact["quote"])}">'
        + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    )


def _highlighted_text(report: ReviewReport, prefix: str) -> tuple[str, dict[str, list[str]]]:
    """The report text as HTML (sentences as spans, facts as marks) and each fact's sentence ids."""
    text = report.text
    sentences = sentence_spans(text)
    facts = [f for f in report.facts if 0 <= f["char_start"] < f["char_end"] <= len(text)]
    cuts = {0, len(text)} | {s for s, _ in sentences}
    for f in facts:
        cuts |= {f["char_start"], f["char_end"]}
    cuts = sorted(cuts)
    sentence_of: dict[str, list[str]] = {}
    for f in facts:
        sentence_of[f["fact_id"]] = [f"{prefix}-s{i}" for i, (a, b) in enumerate(sentences)
                                     if a < f["char_end"] and f["char_start"] < b]
    parts = []
    sentence_index = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        while sentences[sentence_index][1] <= a:
            sentence_index += 1
        if a == sentences[sentence_index][0]:
            if sentence_index > 0 and parts:
                parts.append("</span>")
            parts.append(f'<span class="sent" id="{prefix}-s{sentence_index}">')
        covering = [f for f in facts if f["char_start"] <= a and b <= f["char_end"]]
        chunk = html.escape(text[a:b], quote=False)
        if covering:
            inner = min(covering, key=lambda f: (f["char_end"] - f["char_start"], f["char_start"]))
            classes = ["hl", f"k-{inner['kind']}", f"s-{inner['status']}"]
            if inner["subject"]:
                classes.append("part")
            if len(covering) > 1:
                classes.append("overlap")
            ids = " ".join(f["fact_id"] for f in covering)
            parts.append(f'<mark class="{" ".join(classes)}" data-facts="{_esc(ids)}" '
                         f'data-primary="{_esc(inner["fact_id"])}">{chunk}</mark>')
        else:
            parts.append(chunk)
    parts.append("</span>")
    return "".join(parts), sentence_of


def _report_section(report: ReviewReport, index: int) -> str:
    prefix = f"r{index}"
    text_html, sentence_of = _highlighted_text(report, prefix)
    rows = "\n".join(_fact_row(f, sentence_of.get(f["fact_id"], [])) for f in report.facts)
    counts = {s: sum(f["status"] == s for f in report.facts) for s in ("corrected", "added", "rejected")}
    conflicts = sum(bool(f.get("conflict")) for f in report.facts)
    summary = (f"{len(report.facts)} facts · {counts['corrected']} corrected · {counts['added']} added · "
               f"{counts['rejected']} rejected · {conflicts} in conflict")
    title = f" — {_esc(report.title)}" if report.title else ""
    return f"""
<section class="report" id="{prefix}" data-report-id="{_esc(report.report_id)}">
  <h2>{_esc(report.region)} {report.report_year} <small>{_esc(report.region_level)} · {_esc(report.report_id)}{title}</small></h2>
  <p class="summary">{summary}</p>
  <div class="panes">
    <div class="text" lang="zh">{text_html}</div>
    <div class="facts"><table>
      <thead><tr><th>indicator 指标</th><th>kind</th><th>year</th><th>measure</th><th>value</th><th>unit</th>
      <th>qualifier</th><th>subject</th><th>review</th></tr></thead>
      <tbody>
{rows}
      </tbody></table></div>
  </div>
</section>"""


CSS = """
:root { --actual: #cfe3ff; --actual-b: #2f6fd0; --target: #ffe0b8; --target-b: #d9822b;
        --plan: #e6d9ff; --plan-b: #7a4fd0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC",
       "Microsoft YaHei", sans-serif; color: #1d232b; background: #f6f7f9; }
header { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid #d8dde3;
         padding: 8px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 17px; margin: 0; }
#filter { width: 320px; padding: 5px 8px; border: 1px solid #aab3bd; border-radius: 4px; font: inherit; }
.legend span { margin-right: 10px; white-space: nowrap; }
.report { margin: 12px 16px 28px; background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 12px; }
.report h2 { font-size: 16px; margin: 4px 0; } .report h2 small { color: #66707a; font-weight: normal; }
.summary { margin: 0 0 8px; color: #4b5560; }
.panes { display: grid; grid-template-columns: minmax(0, 0.9fr) minmax(0, 1.4fr); gap: 12px; }
.text { white-space: pre-wrap; max-height: 78vh; overflow: auto; padding: 8px 10px; border: 1px solid #e3e7eb;
        border-radius: 4px; background: #fcfcfd; }
.facts { max-height: 78vh; overflow: auto; border: 1px solid #e3e7eb; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { position: sticky; top: 0; background: #eef1f4; text-align: left; padding: 4px 6px; font-weight: 600; }
td { padding: 3px 6px; border-top: 1px solid #edf0f2; vertical-align: top; }
tr[data-fact-id] { cursor: pointer; } tr[data-fact-id]:hover { background: #f3f6fa; }
tr[data-fact-id]:focus { outline: 2px solid #2f6fd0; outline-offset: -2px; }
tr.selected, tr.selected:hover { background: #fff3b0; outline: 2px solid #e0b400; }
tr.s-rejected td { color: #8a929a; } tr.s-rejected td:first-child { text-decoration: line-through; }
tr.conflict td:first-child { box-shadow: inset 3px 0 0 #d64545; }
td code { font-size: 11px; color: #66707a; } .num { font-variant-numeric: tabular-nums; }
td:nth-child(n+2):nth-child(-n+7) { white-space: nowrap; }
del { color: #b03030; } ins { color: #137333; text-decoration: none; font-weight: 600; }
.kind { padding: 0 4px; border-radius: 3px; } .kind.k-actual { background: var(--actual); }
.kind.k-target { background: var(--target); } .kind.k-plan_target { background: var(--plan); }
mark.hl { cursor: pointer; color: inherit; border-bottom: 2px solid; padding: 0 1px; border-radius: 2px; }
mark.k-actual { background: var(--actual); border-color: var(--actual-b); }
mark.k-target { background: var(--target); border-color: var(--target-b); }
mark.k-plan_target { background: var(--plan); border-color: var(--plan-b); }
mark.overlap { background-image: linear-gradient(rgba(0,0,0,.07), rgba(0,0,0,.07)); }
mark.part { background: repeating-linear-gradient(135deg, #ffffff 0 4px, #e4e8ec 4px 8px); border-bottom-style: dashed; }
mark.s-rejected { background: #eceff1; border-color: #9aa3ab; text-decoration: line-through; }
mark.s-corrected, mark.s-added { box-shadow: 0 0 0 1px #137333; }
mark.selected { outline: 2px solid #e0b400; background: #fff07a; }
mark.dim { background: transparent; border-color: #d0d5da; }
.sent.selected { background: #fffbe0; }
.sent.flash { animation: flash 1.6s ease-out; }
@keyframes flash { 0% { background: #ffd54a; } 100% { background: #fffbe0; } }
.badge { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px; margin: 1px 2px 1px 0;
         border: 1px solid; }
.b-conflict { color: #a32020; border-color: #d64545; background: #fdecec; }
.b-chosen { color: #0d5c27; border-color: #34a853; background: #e7f6ec; }
.b-corrected, .b-added { color: #0d5c27; border-color: #34a853; }
.b-rejected { color: #5f6870; border-color: #9aa3ab; }
.b-part { color: #4b5560; border-color: #9aa3ab; border-style: dashed; }
tr[hidden] { display: none; }
.orphans { border-color: #d64545; background: #fdf3f3; } .orphans ul { margin: 4px 0; }
"""

JS = """
(function () {
  'use strict';
  function clearSelection() {
    document.querySelectorAll('.selected').forEach(function (el) { el.classList.remove('selected'); });
  }
  function flash(el) { el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash'); }
  function selectFact(id, fromRow) {
    clearSelection();
    var row = document.getElementById('row-' + id);
    if (row) { row.classList.add('selected'); if (!fromRow) { row.scrollIntoView({block: 'nearest'}); } }
    document.querySelectorAll('mark[data-facts]').forEach(function (m) {
      if (m.dataset.facts.split(' ').indexOf(id) >= 0) { m.classList.add('selected'); }
    });
    var sents = row ? row.dataset.sents.split(' ').filter(Boolean) : [];
    sents.forEach(function (sid, i) {
      var s = document.getElementById(sid);
      if (!s) { return; }
      s.classList.add('selected');
      if (fromRow) { if (i === 0) { s.scrollIntoView({block: 'center'}); } flash(s); }
    });
    document.body.setAttribute('data-selected', id);
  }
  document.addEventListener('click', function (e) {
    var row = e.target.closest('tr[data-fact-id]');
    if (row) { selectFact(row.dataset.factId, true); return; }
    var mark = e.target.closest('mark[data-primary]');
    if (mark) { selectFact(mark.dataset.primary, false); }
  });
  document.addEventListener('keydown', function (e) {
    var row = e.target.closest && e.target.closest('tr[data-fact-id]');
    if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); selectFact(row.dataset.factId, true); }
  });
  var box = document.getElementById('filter');
  box.addEventListener('input', function () {
    var q = box.value.trim().toLowerCase();
    var visible = {};
    document.querySelectorAll('tr[data-fact-id]').forEach(function (r) {
      var show = !q || r.dataset.search.indexOf(q) >= 0;
      r.hidden = !show;
      if (show) { visible[r.dataset.factId] = true; }
    });
    document.querySelectorAll('mark[data-facts]').forEach(function (m) {
      var any = m.dataset.facts.split(' ').some(function (id) { return visible[id]; });
      m.classList.toggle('dim', !any);
    });
    document.getElementById('shown').textContent =
      Object.keys(visible).length + ' of ' + document.querySelectorAll('tr[data-fact-id]').length + ' facts';
  });
})();
"""


def _orphans_block(orphans: list[dict]) -> str:
    if not orphans:
        return ""
    items = "".join(
        f"<li>line {o['line_no']}: {_esc(o['action'])} <code>{_esc(o['fact_id'])}</code> "
        f"({_esc(o['report_id'])}: {_esc(o['quote'])}): {_esc(o['orphan_reason'])}</li>"
        for o in orphans
    )
    return (f'<div class="orphans report"><strong>{len(orphans)} correction(s) no longer apply</strong> '
            f"(<code>govreport corrections --check</code>):<ul>{items}</ul></div>")


def render_review_html(reports: list[ReviewReport], source: str = "", filters: str = "",
                       orphans: list[dict] | None = None) -> str:
    """The whole review page for ``reports`` as one HTML string (inline CSS and JS, no external resources).

    ``orphans`` (corrections whose fact is gone) are listed above the reports.
    """
    total = sum(len(r.facts) for r in reports)
    legend = (
        '<span><mark class="hl k-actual">actual 实际</mark></span>'
        '<span><mark class="hl k-target">target 目标</mark></span>'
        '<span><mark class="hl k-plan_target">plan target 规划</mark></span>'
        '<span><mark class="hl k-actual part">part of the region</mark></span>'
        '<span><mark class="hl k-actual s-rejected">rejected</mark></span>'
        '<span><span class="badge b-conflict">conflict</span></span>'
    )
    sections = "\n".join(_report_section(r, i) for i, r in enumerate(reports))
    if not reports:
        sections = '<p class="report">No report matches these filters.</p>'
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>govreport review{(" — " + _esc(filters)) if filters else ""}</title>
<style>{CSS}</style>
</head>
<body>
<header>
  <h1>govreport review</h1>
  <input id="filter" type="search" placeholder="filter: indicator (gdp_growth, 地区生产总值) or text" autocomplete="off">
  <span id="shown">{total} of {total} facts</span>
  <span class="legend">{legend}</span>
  <small>{_esc(source)}{(" · " + _esc(filters)) if filters else ""}</small>
</header>
<main>
{_orphans_block(orphans or [])}
{sections}
</main>
<script>{JS}</script>
</body>
</html>
"""


def write_review(
    published: Path, out: Path, region: str | None = None, year: int | None = None, indicator: str | None = None
) -> tuple[Path, int, int]:
    """Write the review page for a published snapshot to ``out``; returns (path, reports, facts)."""
    reports = load_review(published, region=region, year=year, indicator=indicator)
    filters = ", ".join(f"{k}={v}" for k, v in (("region", region), ("year", year), ("indicator", indicator)) if v)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_review_html(reports, source=Path(published).name, filters=filters,
                              orphans=orphaned_corrections(published))
    out.write_text(page, encoding="utf-8")
    return out, len(reports), sum(len(r.facts) for r in reports)
