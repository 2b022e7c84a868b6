"""Data-quality rules behind the asset checks, as plain functions over rows (testable without Dagster)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A GDP growth figure stated in the text: the report should yield a gdp_growth fact for it.
_GDP_GROWTH_STATED = re.compile(r"(生产总值|经济)(实际)?(增长|增速)[^。；，\n]{0,4}?\d")
_TARGETS_STATED = re.compile(r"主要预期目标|主要目标是")

# Plausible value bounds per measure for values in percent (growth rates, shares, ratios, pp changes).
PERCENT_BOUNDS: dict[str, tuple[float, float]] = {
    "growth_rate": (-60.0, 200.0),
    "avg_growth_rate": (-30.0, 100.0),
    "cumulative_growth_rate": (-90.0, 2000.0),
    "share": (0.0, 100.0),
    "change_pp": (-50.0, 50.0),
}


def missing_headline_facts(reports: Iterable[dict], facts: Iterable[dict]) -> list[str]:
    """Reports whose text states GDP growth (or annual targets) but that yielded no such gdp_growth fact.

    ``reports`` rows need ``report_id`` and ``text``; ``facts`` rows ``report_id``, ``indicator_id``, ``kind``.
    """
    have = {(f["report_id"], f["kind"]) for f in facts if f["indicator_id"] == "gdp_growth"}
    problems = []
    for report in reports:
        rid, text = report["report_id"], report["text"]
        if _GDP_GROWTH_STATED.search(text) and (rid, "actual") not in have:
            problems.append(f"{rid}: text states GDP growth but no gdp_growth actual was extracted")
        if _TARGETS_STATED.search(text) and _GDP_GROWTH_STATED.search(text) and (rid, "target") not in have:
            problems.append(f"{rid}: text has a main-targets paragraph but no gdp_growth target was extracted")
    return problems


def facts_without_provenance(facts: Iterable[dict], texts: dict[str, str]) -> list[str]:
    """Facts whose quote is empty or is not exactly the report text at ``char_start:char_end``."""
    bad = []
    for f in facts:
        text = texts.get(f["report_id"])
        quote, start, end = f.get("quote"), f.get("char_start"), f.get("char_end")
        if not quote or text is None or start is None or end is None or text[start:end] != quote:
            bad.append(f"{f['fact_id']} ({f['report_id']} {f['indicator_id']}): quote does not match the text")
    return bad


def implausible_values(facts: Iterable[dict]) -> list[str]:
    """Facts whose values fall outside the plausible range of their measure (percent units only)."""
    bad = []
    for f in facts:
        bounds = PERCENT_BOUNDS.get(f["measure"])
        if bounds is None or f.get("unit") not in ("%", "％"):
            continue
        for v in (f.get("value"), f.get("value_low"), f.get("value_high")):
            if v is not None and not bounds[0] <= v <= bounds[1]:
                bad.append(f"{f['fact_id']} ({f['report_id']} {f['indicator_id']} {f['measure']}): {v}% "
                           f"outside {bounds}")
        if f.get("value") is None and f.get("value_low") is None:
            bad.append(f"{f['fact_id']} ({f['report_id']} {f['indicator_id']}): no value")
    return bad


def row_count_problems(registered_files: int, reports: int, quarantined: int, facts: int) -> list[str]:
    """Row-count sanity: every registered file is a report or quarantined; reports yield facts."""
    problems = []
    if reports + quarantined < registered_files:
        problems.append(f"{registered_files} files registered but only {reports} reports loaded and "
                        f"{quarantined} quarantined: files were lost")
    if reports and facts == 0:
        problems.append(f"{reports} reports loaded but no facts extracted")
    if reports and facts / reports < 3:
        problems.append(f"only {facts / reports:.1f} facts per report on average (expected dozens)")
    return problems
