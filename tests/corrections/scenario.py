"""The correction scenario shared by the corrections and review tests (built once per session).

The bundled sample runs through the whole pipeline (the first run is the session's sample warehouse,
copied: ``sample_build`` in tests/conftest.py); three facts are corrected and one added with
``govreport correct``; the pipeline runs again; then the extractor changes (new version, facts in
reverse order, one fact no longer found) and the pipeline re-extracts and runs a third time.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pytest

from pipelines import cli
from pipelines.defs.runner import RunOutcome, run_pipeline
from pipelines.extract.facts import Fact
from pipelines.landing import work as process
from tests.pipeline.helpers import query

if TYPE_CHECKING:
    from tests.conftest import SampleBuild

NANJING = "city/南京市/2024"
CHANGED_VERSION = "9.9.9-test"
# (indicator_id, kind, quote) of the facts the scenario corrects
REJECTED = ("listed_companies", "target", "上市企业各10家左右")
VALUE_SET = ("high_tech_enterprises", "actual", "高新技术企业突破1万家")  # value 1 -> 1.02 (万家)
SUBJECT_SET = ("retail_sales_growth", "actual", "社会消费品零售总额增长4.7%")  # value 4.7 -> 4.8, qualifier
ORPHANED = ("tech_smes", "actual", "入库科技型中小企业超过2.3万家")  # the changed extractor stops finding it
ADDED_QUOTE = "农业特色优势产业融合产值增长14.6%"


@dataclass
class Scenario:
    """Paths, fact ids and run outcomes of the correction scenario."""

    root: Path
    corrections: Path
    warehouse: Path
    published: Path
    ids: dict[str, str] = field(default_factory=dict)
    ids_first_run: set[str] = field(default_factory=set)
    runs: list[RunOutcome] = field(default_factory=list)
    correct_exit_codes: list[int] = field(default_factory=list)
    second_run_corrected: list[tuple] = field(default_factory=list)


def fact_id_of(db: Path, indicator_id: str, kind: str, quote: str) -> str:
    """The fact_id of the one fact with this indicator, kind and quote."""
    rows = query(db, "SELECT fact_id FROM fct_extracted_facts WHERE indicator_id = ? AND kind = ? AND quote = ?",
                 [indicator_id, kind, quote])
    assert len(rows) == 1, (indicator_id, kind, quote, rows)
    return rows[0][0]


def changed_extractor(real: Callable[..., list[Fact]]) -> Callable[..., list[Fact]]:
    """A different extractor: new version, facts in reverse order, the ORPHANED fact no longer found."""

    def extract(text: str, **kwargs: object) -> list[Fact]:
        facts = [f for f in real(text, **kwargs) if f.quote != ORPHANED[2]]
        return [type(f)(**{**f.to_dict(), "extractor_version": CHANGED_VERSION}) for f in reversed(facts)]

    return extract


def build_scenario(root: Path, monkeypatch_factory: Callable[[], pytest.MonkeyPatch], start: SampleBuild) -> Scenario:
    """Run the scenario under ``root`` from a copy of ``start`` (the sample's first run, and its re-run that
    changed nothing); ``monkeypatch_factory()`` gives a MonkeyPatch for the changed extractor."""
    for name in ("reports", "wh"):
        shutil.copytree(start.root / name, root / name)
    reports = root / "reports"
    corrections = root / "corrections.csv"
    shutil.copy(start.root / "corrections.csv", corrections)
    warehouse = root / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    sc = Scenario(root, corrections, warehouse, warehouse.with_name("govreport.published.duckdb"))

    sc.runs.append(start.first)
    sc.ids_first_run = {r[0] for r in query(sc.published, "SELECT fact_id FROM fct_indicator_facts")}
    for name, key in (("rejected", REJECTED), ("value_set", VALUE_SET), ("subject_set", SUBJECT_SET),
                      ("orphaned", ORPHANED)):
        sc.ids[name] = fact_id_of(sc.published, *key)

    common = ["--corrections", str(corrections), "--warehouse", str(sc.published), "--author", "tester"]
    commands = [
        ["correct", sc.ids["rejected"], "--reject", "--note", "各10家 is per listing board, not a total"],
        ["correct", sc.ids["value_set"], "--set", "value=1.02", "qualifier=exact", "--note", "统计公报: 1.02万家"],
        ["correct", sc.ids["subject_set"], "--set", "value=4.8"],
        ["correct", sc.ids["subject_set"], "--set", "subject=江北新区", "--note", "second thoughts"],
        ["correct", sc.ids["orphaned"], "--set", "value=2.31"],
        ["correct", "--add", NANJING, "--quote", ADDED_QUOTE, "--set", "indicator_id=agriculture_gross_output_growth",
         "kind=actual", "value=14.6", "--note", "missed by the extractor"],
    ]
    sc.correct_exit_codes = [cli.main(c + common) for c in commands]
    sc.ids["added"] = _added_id(corrections)

    second = run_pipeline(reports, warehouse, instance=instance, corrections=corrections)
    assert second.success, second.error
    sc.runs.append(second)
    sc.second_run_corrected = query(
        sc.published, "SELECT fact_id, indicator_id, kind, value, qualifier, subject, extractor_version "
                      "FROM fct_indicator_facts WHERE corrected ORDER BY fact_id")

    mp = monkeypatch_factory()
    try:
        mp.setattr(process, "extract_facts", changed_extractor(process.extract_facts))
        mp.setattr(process, "EXTRACTOR_VERSION", CHANGED_VERSION)
        third = run_pipeline(reports, warehouse, instance=instance, corrections=corrections)
    finally:
        mp.undo()
    assert third.success, third.error
    sc.runs.append(third)
    return sc


def _added_id(corrections: Path) -> str:
    lines = corrections.read_text(encoding="utf-8").splitlines()
    return next(line.split(",")[0] for line in lines if ",add," in line)
