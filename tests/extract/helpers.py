"""Shared helpers for the extraction tests."""

from __future__ import annotations

from pipelines.extract import Fact, extract_facts
from tests.paths import SHARED  # noqa: F401  (re-exported for older imports)

TARGET_INTRO = "二、2026年重点工作\n今年经济社会发展的主要预期目标是："


def facts_of(text: str, year: int | None = 2026) -> list[Fact]:
    """Extract and check the offset invariant on every fact."""
    facts = extract_facts(text, report_year=year)
    for f in facts:
        assert text[f.char_start : f.char_end] == f.quote
    return facts


def only(facts: list[Fact], indicator_id: str) -> Fact:
    """The single fact of ``indicator_id``."""
    hits = [f for f in facts if f.indicator_id == indicator_id]
    assert len(hits) == 1, [(f.indicator_id, f.value, f.measure) for f in facts]
    return hits[0]
