"""What the review page shows, read from a published snapshot (read-only).

Reports with their text; every fact in the marts (corrections applied) plus the rejected ones;
each corrected fact's original values; and, for every region / indicator / kind / year / measure
cell where whole-region facts disagree, the fact the marts chose (``fct_value_conflicts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.warehouse.publish import connect_read_only

FACT_COLUMNS = (
    "fact_id", "report_id", "indicator_id", "indicator_name_zh", "kind", "period_year", "measure", "value",
    "value_low", "value_high", "unit", "qualifier", "subject", "quote", "char_start", "char_end",
    "corrected", "correction_action",
)
# fields whose original (extractor) value the page shows beside the corrected one
COMPARED = ("indicator_id", "kind", "period_year", "measure", "value", "value_low", "value_high", "unit",
            "qualifier", "subject")


@dataclass
class ReviewReport:
    """One report: its text and its facts (dicts with FACT_COLUMNS plus review annotations)."""

    report_id: str
    region: str
    region_level: str
    report_year: int
    title: str | None
    text: str
    facts: list[dict] = field(default_factory=list)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _filters(region: str | None, year: int | None, alias: str) -> tuple[str, list]:
    clauses, params = [], []
    if region:
        clauses.append(f"{alias}.region = ?")
        params.append(region)
    if year:
        clauses.append(f"{alias}.report_year = ?")
        params.append(year)
    return (" AND ".join(clauses) or "true"), params


def load_review(
    published: Path, region: str | None = None, year: int | None = None, indicator: str | None = None
) -> list[ReviewReport]:
    """Reports (of ``region`` / report ``year``) with their facts (of ``indicator``), annotated for review.

    Each fact dict gains ``status`` (``extracted`` | ``corrected`` | ``added`` | ``rejected``),
    ``original`` (the extractor's values of COMPARED fields that a correction changed),
    ``correction_note``, and for a conflicting cell ``conflict`` = {values, chosen_fact_id, chosen_value,
    chosen_unit} with ``chosen`` True on the fact the marts picked.
    """
    con = connect_read_only(published)
    try:
        where, params = _filters(region, year, "r")
        fact_where, _ = _filters(region, year, "f")
        reports = {
            r["report_id"]: ReviewReport(r["report_id"], r["region"], r["region_level"], r["report_year"],
                                         r["title"], r["report_text"])
            for r in _dicts(con, f"SELECT report_id, region, region_level, report_year, title, report_text "
                                 f"FROM dim_report AS r WHERE {where} ORDER BY region_level, region, "
                                 "report_year", params)
        }
        ind_clause = "AND f.indicator_id = ?" if indicator else ""
        ind_params = [indicator] if indicator else []
        cols = ", ".join(f"f.{c}" for c in FACT_COLUMNS)
        facts = _dicts(con, f"SELECT {cols}, f.is_whole_region FROM fct_indicator_facts AS f "
                            f"WHERE {fact_where} {ind_clause} ORDER BY f.char_start, f.char_end",
                       params + ind_params)
        rejected_cols = (cols.replace("f.indicator_name_zh", "d.name_zh AS indicator_name_zh")
                         .replace("f.correction_action", "c.action AS correction_action")
                         .replace("f.corrected", "true AS corrected"))
        rejected = _dicts(
            con,
            f"SELECT {rejected_cols}, "
            "f.subject IS NULL AS is_whole_region, c.note AS correction_note "
            "FROM fct_extracted_facts AS f JOIN fct_fact_corrections AS c ON c.fact_id = f.fact_id "
            "AND c.status = 'applied' AND c.action = 'reject' "
            "LEFT JOIN dim_indicator AS d ON d.indicator_id = f.indicator_id "
            f"WHERE {fact_where} {ind_clause}",
            params + ind_params,
        )
        originals = {c["fact_id"]: c for c in _dicts(
            con, "SELECT * FROM fct_fact_corrections WHERE status = 'applied'", [])}
        chosen = {
            (c["region"], c["region_level"], c["indicator_id"], c["measure"], c["kind"], c["period_year"]): c
            for c in _dicts(con, "SELECT region, region_level, indicator_id, measure, kind, period_year, fact_id, "
                                 "value, value_low, value_high, unit, distinct_value_count FROM fct_value_conflicts "
                                 "WHERE distinct_value_count > 1", [])
        }
    finally:
        con.close()
    by_id = {f["fact_id"]: f for f in facts}
    for fact in facts:
        fact["status"] = {"set": "corrected", "add": "added"}.get(fact["correction_action"] or "", "extracted")
        audit = originals.get(fact["fact_id"])
        fact["correction_note"] = audit["note"] if audit else None
        fact["original"] = {}
        if audit and fact["status"] == "corrected":
            fact["original"] = {k: audit[f"original_{k}"] for k in COMPARED
                                if audit[f"original_{k}"] != audit[f"corrected_{k}"]}
        report = reports.get(fact["report_id"])
        cell = chosen.get((report.region, report.region_level, fact["indicator_id"], fact["measure"], fact["kind"],
                           fact["period_year"])) if report and fact["is_whole_region"] else None
        if cell is not None:
            winner = by_id.get(cell["fact_id"])
            fact["conflict"] = {
                "values": cell["distinct_value_count"],
                "chosen_fact_id": cell["fact_id"],
                "chosen_value": winner["value"] if winner else cell["value"],
                "chosen_unit": winner["unit"] if winner else cell["unit"],
            }
            fact["chosen"] = cell["fact_id"] == fact["fact_id"]
    for fact in rejected:
        fact.update(status="rejected", original={})
    for fact in sorted(facts + rejected, key=lambda f: (f["char_start"], f["char_end"], f["fact_id"])):
        if fact["report_id"] in reports:
            reports[fact["report_id"]].facts.append(fact)
    return list(reports.values())


def orphaned_corrections(published: Path) -> list[dict]:
    """Lines of the corrections file that no longer apply (fct_fact_corrections, status orphaned)."""
    con = connect_read_only(published)
    try:
        return _dicts(con, "SELECT line_no, action, fact_id, report_id, quote, orphan_reason "
                           "FROM fct_fact_corrections WHERE status = 'orphaned' ORDER BY line_no", [])
    finally:
        con.close()
