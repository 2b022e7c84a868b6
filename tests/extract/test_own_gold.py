"""The whole documents this project labelled (tests/extract/gold): recall and precision floors, and every trap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.extract import extract_facts
from tests.paths import SHARED_GOLD, SHARED_REPORTS

GOLD = Path(__file__).parent / "gold"
REPORTS = SHARED_REPORTS
pytestmark = pytest.mark.skipif(not REPORTS.is_dir(), reason="../shared/corpus/reports not present")


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _facts(doc_id: str):
    level, region, year = doc_id.split("/")
    text = (REPORTS / f"{doc_id}.txt").read_text(encoding="utf-8")
    return text, extract_facts(text, region=region, region_level=level, report_year=int(year))


TRAPS = _rows("own_traps.jsonl")


@pytest.mark.parametrize("trap", TRAPS, ids=[f"{t['doc_id'].split('/')[1]}:{t['quote'][:12]}" for t in TRAPS])
def test_no_whole_region_fact_on_a_trap(trap: dict) -> None:
    """A tempting non-fact (a part, a rank, a project's investment, beneficiaries…) never becomes a region's fact."""
    text, facts = _facts(trap["doc_id"])
    start = text.index(trap["quote"])
    value_at = text.find(str(trap["value"]), start, start + len(trap["quote"]))
    if value_at < 0:
        pytest.skip("the trap's value is written in words")
    hits = [f for f in facts if f.subject is None and f.char_start <= value_at < f.char_end]
    assert hits == [], [(f.indicator_id, f.value, f.quote) for f in hits]


def test_own_full_documents_scored() -> None:
    from pipelines.extract.evaluate import evaluate

    report = evaluate(SHARED_GOLD, scope="full")
    own = [d for d in report.by_doc if d in {"province/河北省/2026", "county/呼伦贝尔市海拉尔区/2017"}]
    assert len(own) == 2
    for doc in own:
        score = report.by_doc[doc]
        assert score.precision >= 0.95 and score.recall >= 0.85, (doc, score)
