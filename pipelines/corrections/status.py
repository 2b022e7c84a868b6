"""Which corrections apply to the current facts: the rule dbt applies, for the command line.

``int_facts_corrected`` and ``fct_fact_corrections`` implement the same rule in SQL; a test pins
that both list the same orphans. A correction on line N is *superseded* when a later line names the
same fact_id; otherwise a reject or set *applies* when the extractor's facts hold its fact_id, an
add when its fact_id is the hash of the report's current text at its offsets (or the extractor now
finds that very fact). Everything else is *orphaned*: its fact no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.warehouse.load import fact_id as make_fact_id


@dataclass(frozen=True)
class CorrectionStatus:
    """The verdict on one line of the corrections CSV."""

    line_no: int
    fact_id: str
    action: str
    status: str  # applied | superseded | orphaned
    report_id: str | None
    quote: str | None
    reason: str | None = None
    suggestion: str | None = None  # for an orphan: where its quote is now, to re-make the correction


def add_applies(row: dict, reports: dict[str, tuple[str, str]]) -> bool:
    """True when an ``add`` row's quote sits at its offset in the report's current text, under its fact_id.

    ``reports`` maps report_id to (content_sha256, text).
    """
    found = reports.get(row.get("report_id") or "")
    if found is None or row.get("char_start") is None or not row.get("quote") or not row.get("indicator_id"):
        return False
    sha, text = found
    start = int(row["char_start"])
    end = start + len(row["quote"])
    return text[start:end] == row["quote"] and make_fact_id(sha, start, end, row["indicator_id"]) == row["fact_id"]


def suggest(row: dict, report_id: str | None, quotes: dict[tuple[str, str], list[tuple[str, str]]],
            reports: dict[str, tuple[str, str]]) -> str | None:
    """For an orphaned row: the current facts on the same quote, or where an added quote is now."""
    quote = row.get("quote")
    if not quote or not report_id:
        return None
    same = quotes.get((report_id, quote), [])
    if same:
        return "same quote now: " + ", ".join(f"{fid} ({indicator})" for fid, indicator in same)
    text = reports.get(report_id, ("", ""))[1]
    at = text.find(quote)
    if at >= 0:
        return f"the quote is now at offset {at}" + (" (add it again with --at)" if row["action"] == "add" else "")
    return None


def judge_corrections(
    rows: list[dict], extracted: dict[str, str], reports: dict[str, tuple[str, str]],
    quotes: dict[tuple[str, str], list[tuple[str, str]]] | None = None,
) -> list[CorrectionStatus]:
    """The status of every correction row.

    ``extracted`` maps the fact_id of every extracted fact to its report_id; ``reports`` maps
    report_id to (content_sha256, text) of the loaded reports; ``quotes`` maps (report_id, quote)
    to the (fact_id, indicator_id) of the extracted facts on it, for suggestions on orphans.
    """
    last_line = {row["fact_id"]: row["line_no"] for row in rows}  # rows are in file order
    verdicts = []
    for row in rows:
        fid, action = row["fact_id"], row["action"]
        report_id = row.get("report_id") or extracted.get(fid)
        reason = hint = None
        if row["line_no"] != last_line[fid]:
            status = "superseded"
        elif fid in extracted or (action == "add" and add_applies(row, reports)):
            status = "applied"
        else:
            status = "orphaned"
            if report_id and report_id not in reports:
                reason = f"report {report_id} is not loaded"
            elif action == "add":
                reason = "the report text changed: the quote is not at its offsets any more"
            else:
                reason = "no such fact any more: the report text or the extractor changed"
            hint = suggest(row, report_id, quotes or {}, reports)
        verdicts.append(CorrectionStatus(row["line_no"], fid, action, status, report_id, row.get("quote"), reason,
                                         hint))
    return verdicts
