"""Score the extractor against hand-checked gold facts (``govreport evaluate [GOLD_DIR]``).

Scoring follows ``shared/gold/README.md``:

1. headline scope keeps the predictions whose span lies inside one of the document's
   ``headline_paragraphs`` and the gold records with ``scope == "headline"``; full scope (documents
   with ``full_document``) keeps every prediction and every gold record of the document;
2. a prediction can match a gold fact with the same doc_id, indicator_id, kind and period_year;
3. values match within 0.5 % after converting both to a common unit (percentages by absolute
   value); a range matches a range when both ends match; a point never matches a range; units of
   different dimensions never match;
4. matching is one-to-one (maximum bipartite matching);
5. for ``actual`` facts a multi-year measure only matches a multi-year measure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import paths
from pipelines.domain.seeds import MULTI_YEAR_MEASURES
from pipelines.extract import extract_facts
from pipelines.extract.taxonomy import load_indicators
from pipelines.extract.units import dimension, to_base

# Whole documents labelled by this project (tests/extract/gold), scored with the shared full documents.
OWN_GOLD_DIR = paths.PROJECT_ROOT / "tests" / "extract" / "gold"
_PERCENT_DIMS = frozenset({"percent", "pp", "permille"})


@dataclass
class Record:
    """A gold or predicted fact reduced to what scoring needs."""

    doc_id: str
    indicator_id: str
    kind: str
    period_year: int | None
    measure: str
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str
    qualifier: str
    quote: str
    char_start: int | None = None
    char_end: int | None = None


@dataclass
class Score:
    """Matched counts and the derived precision / recall / F1."""

    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        """Matched predictions / predictions (1.0 when there are none)."""
        return self.tp_pred / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        """Matched gold / gold (1.0 when there is no gold)."""
        return self.tp_gold / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvaluationReport:
    """Scores overall, per kind and per indicator category, with the misses and false positives."""

    scope: str
    overall: Score
    by_kind: dict[str, Score]
    by_category: dict[str, Score]
    by_doc: dict[str, Score]
    misses: list[Record] = field(default_factory=list)
    false_positives: list[Record] = field(default_factory=list)
    qualifier_agreement: float | None = None
    measure_agreement: float | None = None
    refused: dict[str, str] = field(default_factory=dict)


def _values_match(p: Record, g: Record) -> bool:
    dp, dg = dimension(p.unit), dimension(g.unit)
    if dp is None or dp != dg:
        return False
    pct = dp in _PERCENT_DIMS

    def eq(a: float | None, b: float | None) -> bool:
        if a is None or b is None:
            return False
        x, y = to_base(a, p.unit), to_base(b, g.unit)
        if pct:
            x, y = abs(x), abs(y)
        return abs(x - y) <= 0.005 * abs(y)

    g_range = g.value_low is not None and g.value_high is not None and g.value is None
    p_range = p.value_low is not None and p.value_high is not None and p.value is None
    if g_range != p_range:
        return False
    if g_range:
        if pct:
            lo_p, hi_p = sorted((abs(p.value_low), abs(p.value_high)))  # type: ignore[arg-type]
            lo_g, hi_g = sorted((abs(g.value_low), abs(g.value_high)))  # type: ignore[arg-type]
            return eq(lo_p, lo_g) and eq(hi_p, hi_g)
        return eq(p.value_low, g.value_low) and eq(p.value_high, g.value_high)
    return eq(p.value, g.value)


def _compatible(p: Record, g: Record) -> bool:
    if (p.doc_id, p.indicator_id, p.kind, p.period_year) != (g.doc_id, g.indicator_id, g.kind, g.period_year):
        return False
    if g.kind == "actual" and ((p.measure in MULTI_YEAR_MEASURES) != (g.measure in MULTI_YEAR_MEASURES)):
        return False
    return _values_match(p, g)


def _match(preds: list[Record], gold: list[Record]) -> dict[int, int]:
    """Maximum one-to-one matching (Kuhn's algorithm); returns gold index -> prediction index."""
    edges: dict[int, list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if _compatible(p, g):
                edges[gi].append(pi)
    owner: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for pi in edges[gi]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return {gi: pi for pi, gi in owner.items()}


def _doc_meta(doc_id: str) -> tuple[str, str, int | None]:
    level, region, year = doc_id.split("/")
    return level, region, int(year) if year.isdigit() else None


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _load_gold(gold_dir: Path) -> tuple[list[dict], dict]:
    """Headline gold rows (``dev_headline*.jsonl``) and the per-document scope map."""
    gold = []
    for path in sorted(gold_dir.glob("*headline*.jsonl")):
        gold.extend(_read_jsonl(path))
    scopes: dict = {}
    for path in sorted(gold_dir.glob("*scope*.json")):
        scopes.update(json.loads(path.read_text(encoding="utf-8")))
    return gold, scopes


@dataclass
class GoldDoc:
    """One document of a gold set: where its text is, who and when, and which spans are scored."""

    doc_id: str
    path: Path
    level: str
    region: str
    year: int | None
    spans: list[tuple[int, int]] | None = None  # None: the whole text
    via_ingest: bool = False  # read through the ingest stage (script conversion, cue checks)


def gold_sets(gold_dir: Path, corpus_root: Path) -> dict[str, tuple[list[GoldDoc], list[dict]]]:
    """The three dev gold sets: ``headline`` paragraphs, ``full`` documents and ``city`` excerpts."""
    headline_rows, scopes = _load_gold(gold_dir)
    reports = corpus_root / "reports"
    sets: dict[str, tuple[list[GoldDoc], list[dict]]] = {}
    docs = []
    for doc_id, info in sorted(scopes.items()):
        level, region, year = _doc_meta(doc_id)
        spans = [(p["char_start"], p["char_end"]) for p in info.get("headline_paragraphs", [])]
        docs.append(GoldDoc(doc_id, reports / f"{doc_id}.txt", level, region, year, spans))
    sets["headline"] = (docs, [g for g in headline_rows if g.get("scope") == "headline"])
    full_rows: list[dict] = []
    full_docs = []
    for path in sorted(gold_dir.glob("dev_full_*.jsonl")) + sorted(OWN_GOLD_DIR.glob("own_full_*.jsonl")):
        full_rows.extend(_read_jsonl(path))
    full_ids = {g["doc_id"] for g in full_rows}
    for doc_id, info in sorted(scopes.items()):
        if info.get("full_document") and doc_id not in full_ids:
            full_rows.extend(g for g in headline_rows if g["doc_id"] == doc_id)
            full_ids.add(doc_id)
    for doc_id in sorted(full_ids):
        level, region, year = _doc_meta(doc_id)
        full_docs.append(GoldDoc(doc_id, reports / f"{doc_id}.txt", level, region, year))
    sets["full"] = (full_docs, full_rows)
    city_rows = _read_jsonl(gold_dir / "dev_city_excerpts.jsonl")
    manifest = corpus_root / "city_excerpts" / "manifest.csv"
    city_docs = []
    if manifest.exists():
        import csv

        with manifest.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                doc_id = f"city_excerpts/{row['file']}"
                city_docs.append(GoldDoc(doc_id, corpus_root / doc_id, "city", row["city"], int(row["year"]),
                                         via_ingest=True))
    sets["city"] = (city_docs, city_rows)
    return sets


def _doc_text(doc: GoldDoc) -> tuple[str | None, str | None]:
    """The text the pipeline would extract from, or (None, reason) when ingest refuses the file."""
    if not doc.via_ingest:
        return doc.path.read_text(encoding="utf-8"), None
    from pipelines.ingest.reader import read_report

    outcome = read_report(doc.path, None, region=doc.region, region_level=doc.level, report_year=doc.year)
    if outcome.document is None:
        issue = outcome.issues[0]
        return None, f"{issue.reason_code}: {issue.reason}"
    return outcome.document.text, None


def _dedupe(preds: list[Record]) -> list[Record]:
    """One prediction per (doc, indicator, kind, period, measure, value): a restated fact counts once."""
    seen: set[tuple] = set()
    out = []
    for p in preds:
        key = (p.doc_id, p.indicator_id, p.kind, p.period_year, p.measure, p.value, p.value_low, p.value_high,
               p.unit)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def evaluate(gold_dir: Path, corpus_dir: Path | None = None, scope: str = "headline") -> EvaluationReport:
    """Run the extractor on every document of one gold set and score it.

    ``scope``: ``headline`` (the covered paragraphs), ``full`` (whole documents) or ``city`` (the
    city excerpts, read through the ingest stage). ``corpus_dir`` is the ``shared/corpus`` folder
    (default ``<gold_dir>/../corpus``). Predictions with a ``subject`` (a part of the region) are
    not scored, as the gold labels whole-region facts only.
    """
    gold_dir = Path(gold_dir)
    corpus_root = Path(corpus_dir) if corpus_dir else gold_dir.parent / "corpus"
    docs, gold_rows = gold_sets(gold_dir, corpus_root)[scope]
    categories = {i.indicator_id: i.category for i in load_indicators()}
    preds: list[Record] = []
    gold: list[Record] = []
    refused: dict[str, str] = {}
    for doc in docs:
        if not doc.path.exists():
            continue
        text, why = _doc_text(doc)
        if text is None:
            refused[doc.doc_id] = why or "refused"
        else:
            doc_preds = []
            for f in extract_facts(text, region=doc.region, region_level=doc.level, report_year=doc.year):
                if getattr(f, "subject", None):
                    continue
                if doc.spans is not None and not any(a <= f.char_start and f.char_end <= b for a, b in doc.spans):
                    continue
                doc_preds.append(Record(doc.doc_id, f.indicator_id, f.kind, f.period_year, f.measure, f.value,
                                        f.value_low, f.value_high, f.unit, f.qualifier, f.quote, f.char_start,
                                        f.char_end))
            preds.extend(_dedupe(doc_preds))
        for g in gold_rows:
            if g["doc_id"] != doc.doc_id:
                continue
            gold.append(Record(doc.doc_id, g["indicator_id"], g["kind"], g["period_year"], g["measure"], g["value"],
                               g["value_low"], g["value_high"], g["unit"], g["qualifier"], g["quote"]))
    matched = _match(preds, gold)
    matched_preds = set(matched.values())

    def tally(key_pred, key_gold) -> dict[str, Score]:
        out: dict[str, Score] = defaultdict(Score)
        for i, p in enumerate(preds):
            s = out[key_pred(p)]
            s.n_pred += 1
            s.tp_pred += i in matched_preds
        for i, g in enumerate(gold):
            s = out[key_gold(g)]
            s.n_gold += 1
            s.tp_gold += i in matched
        return dict(sorted(out.items()))

    overall = Score(len(matched_preds), len(preds), len(matched), len(gold))
    pairs = [(preds[pi], gold[gi]) for gi, pi in matched.items()]
    return EvaluationReport(
        scope=scope,
        overall=overall,
        by_kind=tally(lambda r: r.kind, lambda r: r.kind),
        by_category=tally(lambda r: categories.get(r.indicator_id, "unknown"),
                          lambda r: categories.get(r.indicator_id, "unknown")),
        by_doc=tally(lambda r: r.doc_id, lambda r: r.doc_id),
        misses=[g for i, g in enumerate(gold) if i not in matched],
        false_positives=[p for i, p in enumerate(preds) if i not in matched_preds],
        qualifier_agreement=(sum(p.qualifier == g.qualifier for p, g in pairs) / len(pairs)) if pairs else None,
        measure_agreement=(sum(p.measure == g.measure for p, g in pairs) / len(pairs)) if pairs else None,
        refused=refused,
    )


def _fmt_record(r: Record) -> str:
    if r.value is None and r.value_low is not None:
        val = f"{r.value_low:g}-{r.value_high:g}"
    else:
        val = f"{r.value:g}" if r.value is not None else "None"
    return (f"  {r.doc_id}  {r.indicator_id}  {r.kind} {r.period_year}  {r.measure}  {val}{r.unit}  "
            f"[{r.qualifier}]  「{r.quote}」")


SETS = ("headline", "full", "city")


def format_report(report: EvaluationReport, details: bool = True) -> str:
    """Human-readable text of an :class:`EvaluationReport` (``details``: list misses and false positives)."""
    lines = [f"scope: {report.scope}"]

    def row(name: str, s: Score) -> str:
        return (f"  {name:<36} P={s.precision:.3f} ({s.tp_pred}/{s.n_pred})  "
                f"R={s.recall:.3f} ({s.tp_gold}/{s.n_gold})  F1={s.f1:.3f}")

    lines.append(row("overall", report.overall))
    for title, table in (("by kind", report.by_kind), ("by category", report.by_category),
                         ("by document", report.by_doc)):
        lines.append(title + ":")
        lines.extend(row(k, v) for k, v in table.items())
    if report.qualifier_agreement is not None:
        lines.append(f"qualifier agreement on matches: {report.qualifier_agreement:.3f}")
        lines.append(f"measure agreement on matches:   {report.measure_agreement:.3f}")
    if report.refused:
        lines.append(f"refused by ingest ({len(report.refused)}):")
        lines.extend(f"  {d}: {why}" for d, why in sorted(report.refused.items()))
    if details:
        lines.append(f"misses ({len(report.misses)}):")
        lines.extend(_fmt_record(r) for r in report.misses)
        lines.append(f"false positives ({len(report.false_positives)}):")
        lines.extend(_fmt_record(r) for r in report.false_positives)
    return "\n".join(lines)


def format_summary(reports: dict[str, EvaluationReport]) -> str:
    """One table: precision and recall per gold set and per kind."""
    lines = ["summary (P = matched predictions / predictions, R = matched gold / gold):",
             f"  {'set':<10}{'kind':<13}{'P':>7}{'R':>7}{'F1':>7}   counts"]
    for name, rep in reports.items():
        for kind, s in [("all", rep.overall), *rep.by_kind.items()]:
            lines.append(f"  {name:<10}{kind:<13}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}   "
                         f"{s.tp_pred}/{s.n_pred} pred, {s.tp_gold}/{s.n_gold} gold")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI: ``govreport evaluate [GOLD_DIR] [--corpus DIR] [--set headline|full|city|all] [--details]``."""
    from pipelines.paths import SHARED_DIR

    parser = argparse.ArgumentParser(prog="govreport evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", nargs="?", default=str(SHARED_DIR / "gold"))
    parser.add_argument("--corpus", default=None, help="shared corpus dir (default <gold>/../corpus)")
    parser.add_argument("--set", "--scope", dest="set", choices=(*SETS, "all"), default="all",
                        help="which gold set to score (default: all three)")
    parser.add_argument("--details", action="store_true", help="list every miss and false positive")
    args = parser.parse_args(argv)
    gold_dir = Path(args.gold_dir)
    if not gold_dir.is_dir():
        print(f"govreport evaluate: error: gold directory not found: {gold_dir}", file=sys.stderr)
        return 2
    names = SETS if args.set == "all" else (args.set,)
    reports = {n: evaluate(gold_dir, Path(args.corpus) if args.corpus else None, n) for n in names}
    for rep in reports.values():
        print(format_report(rep, details=args.details))
        print()
    print(format_summary(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
