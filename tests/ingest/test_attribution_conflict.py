"""Path and text must agree: a report filed under the wrong year or region is quarantined, never
loaded silently under the path's reading; real reports (the whole shared corpus) are never flagged."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pipelines.ingest import read_report
from tests.paths import NANJING_2024 as NANJING
from tests.paths import SHARED_CORPUS as CORPUS
from tests.paths import require


def _place(root: Path, rel: str, source: Path) -> Path:
    """A copy of ``source`` at ``root/rel`` (in the test's temp folder only)."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _corpus_layout() -> list[tuple[str, Path, str, int]]:
    """``(level, source file, region, year)`` for every text of the shared corpus, from its manifest/path."""
    require(CORPUS)
    out = []
    for path in sorted((CORPUS / "reports").rglob("*.txt")):
        level, region, name = path.relative_to(CORPUS / "reports").parts
        out.append((level, path, region, int(name[:4])))
    for path in sorted((CORPUS / "html").glob("*.html")):
        year, region = path.stem.split("_")
        out.append(("province", path, region, int(year)))
    with open(CORPUS / "city_excerpts" / "manifest.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(("city", CORPUS / "city_excerpts" / row["file"], row["city"], int(row["year"])))
    return out


def test_year_in_path_contradicted_by_session_line(tmp_path):
    """The 2024 sample filed as 2019: quarantined with both readings."""
    path = _place(tmp_path, "city/南京市/2019.txt", NANJING)
    outcome = read_report(path, tmp_path)
    assert outcome.document is None
    issue = outcome.issues[0]
    assert issue.reason_code == "attribution_conflict"
    assert "path says 2019" in issue.reason and "text says 2024" in issue.reason


def test_region_in_path_contradicted_by_opening(tmp_path):
    """Nanjing's text filed under 苏州市: quarantined, not loaded as Suzhou."""
    path = _place(tmp_path, "city/苏州市/2024.txt", NANJING)
    outcome = read_report(path, tmp_path)
    assert outcome.document is None and outcome.issues[0].reason_code == "attribution_conflict"
    assert "path says 苏州市" in outcome.issues[0].reason and "text says 南京市" in outcome.issues[0].reason


def test_no_path_convention_loads_under_the_text(tmp_path):
    path = _place(tmp_path, "downloads/nj.txt", NANJING)
    doc = read_report(path, tmp_path).document
    assert doc is not None and doc.report_id == "city/南京市/2024" and doc.attribution == "text"


def test_hints_are_the_operators_word(tmp_path):
    path = _place(tmp_path, "city/苏州市/2024.txt", NANJING)
    doc = read_report(path, tmp_path, region="南京市", report_year=2024).document
    assert doc is not None and doc.region == "南京市"


@pytest.mark.corpus
def test_no_real_report_is_flagged(tmp_path):
    """Every corpus text (reports, HTML pages, city excerpts) filed where its manifest says: no conflict."""
    checked = 0
    for level, source, region, year in _corpus_layout():
        path = _place(tmp_path, f"{level}/{region}/{year}{source.suffix}", source)
        outcome = read_report(path, tmp_path)
        codes = [i.reason_code for i in outcome.issues]
        assert "attribution_conflict" not in codes, (source.name, [i.reason for i in outcome.issues])
        checked += 1
    assert checked >= 90


@pytest.mark.corpus
def test_misfiled_real_reports_are_caught(tmp_path):
    """Real national and provincial reports filed one year off, or under another province, are caught."""
    layout = [x for x in _corpus_layout() if x[0] in ("national", "province") and x[1].suffix == ".txt"]
    caught = total = 0
    for i, (level, source, region, year) in enumerate(layout):
        wrong_year = _place(tmp_path / "y", f"{level}/{region}/{year + 1}.txt", source)
        other = next(r for lv, _, r, _ in layout[i + 1:] + layout[:i] if lv == level and r != region) \
            if level == "province" else None
        outcomes = [read_report(wrong_year, tmp_path / "y")]
        if other:
            outcomes.append(read_report(_place(tmp_path / "r", f"{level}/{other}/{year}.txt", source), tmp_path / "r"))
        for outcome in outcomes:
            total += 1
            caught += outcome.document is None and outcome.issues[0].reason_code == "attribution_conflict"
    # State Council texts whose only year cue is "一、…以来" or a review of a five-year plan stay uncaught.
    assert total >= 60 and caught >= 0.85 * total, (caught, total)


@pytest.mark.corpus
def test_state_council_2019_filed_as_2024(tmp_path):
    """The probe's case: ``national/国务院/2024.txt`` holding the 2019 report is not loaded as 2024."""
    layout = {(lv, r, y): src for lv, src, r, y in _corpus_layout()}
    path = _place(tmp_path, "national/国务院/2024.txt", layout[("national", "国务院", 2019)])
    outcome = read_report(path, tmp_path)
    assert outcome.document is None and outcome.issues[0].reason_code == "attribution_conflict"
    assert "path says 2024, text says 2019" in outcome.issues[0].reason


@pytest.mark.corpus
def test_any_name_of_the_state_council_under_national(tmp_path):
    layout = {(lv, r, y): src for lv, src, r, y in _corpus_layout()}
    for name in ("国务院", "中国", "全国"):
        path = _place(tmp_path, f"national/{name}/2019.txt", layout[("national", "国务院", 2019)])
        assert read_report(path, tmp_path).document is not None, name
