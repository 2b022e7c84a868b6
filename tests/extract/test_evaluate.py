"""Scoring rules of pipelines.extract.evaluate, and the extractor's floor on the dev gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.extract.evaluate import EvaluationReport, Record, _compatible, evaluate, format_report, main


def _rec(**kw) -> Record:
    base = dict(doc_id="d", indicator_id="gdp", kind="actual", period_year=2023, measure="level", value=1.74,
                value_low=None, value_high=None, unit="万亿元", qualifier="exact", quote="")
    base.update(kw)
    return Record(**base)


def test_value_matching_rules() -> None:
    assert _compatible(_rec(value=17400, unit="亿元"), _rec())
    assert not _compatible(_rec(value=17600, unit="亿元"), _rec())
    assert not _compatible(_rec(value=1.74, unit="%"), _rec())
    rng = dict(value=None, value_low=5, value_high=5.5, unit="%", measure="growth_rate")
    assert _compatible(_rec(**rng), _rec(**rng))
    assert not _compatible(_rec(value=5, unit="%", measure="growth_rate"), _rec(**rng))
    assert _compatible(_rec(value=-3, unit="%", measure="growth_rate"), _rec(value=3, unit="%", measure="growth_rate"))
    assert not _compatible(_rec(value=5.7, unit="%", measure="avg_growth_rate"),
                           _rec(value=5.7, unit="%", measure="growth_rate"))


def test_tiny_gold(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "reports" / "city" / "X市"
    corpus.mkdir(parents=True)
    text = "一、2023年工作回顾\n全市地区生产总值增长4.6%，总量1.74万亿元。\n其他段落地区生产总值增长9%。\n"
    (corpus / "2024.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    start = text.index("全市")
    end = text.index("\n", start)
    (gold / "dev_headline_scope.json").write_text(json.dumps(
        {"city/X市/2024": {"headline_paragraphs": [{"part": "a", "char_start": start, "char_end": end}]}}),
        encoding="utf-8")
    rows = [dict(doc_id="city/X市/2024", indicator_id="gdp_growth", kind="actual", period_year=2023,
                 measure="growth_rate", value=4.6, value_low=None, value_high=None, unit="%", qualifier="exact",
                 quote="增长4.6%", scope="headline", note=None),
            dict(doc_id="city/X市/2024", indicator_id="gdp", kind="actual", period_year=2023, measure="level",
                 value=17400, value_low=None, value_high=None, unit="亿元", qualifier="exact", quote="总量",
                 scope="headline", note=None)]
    (gold / "dev_headline.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                                             encoding="utf-8")
    report = evaluate(gold)
    assert isinstance(report, EvaluationReport)
    assert (report.overall.precision, report.overall.recall) == (1.0, 1.0)
    assert "overall" in format_report(report)
    assert main([str(gold)]) == 0


def test_dev_gold_floors(shared_dir: Path) -> None:
    report = evaluate(shared_dir / "gold")
    text = format_report(report)
    assert report.overall.precision >= 0.97, text
    assert report.overall.recall >= 0.97, text
    for kind in ("actual", "target"):
        assert report.by_kind[kind].precision >= 0.95, text
        assert report.by_kind[kind].recall >= 0.95, text
    assert report.by_kind["plan_target"].recall >= 0.9, text


@pytest.mark.parametrize("gold_set", ["full", "city"])
def test_whole_text_floors(shared_dir: Path, gold_set: str) -> None:
    """Whole documents and city excerpts (through the ingest stage): P >= 0.92 and R >= 0.90."""
    report = evaluate(shared_dir / "gold", scope=gold_set)
    text = format_report(report)
    assert report.overall.precision >= 0.92, text
    assert report.overall.recall >= 0.90, text
    assert report.refused.keys() <= {"city_excerpts/临沧市_2018_1.txt"}, report.refused  # it states no figures


def test_cli_prints_every_set_and_kind(shared_dir: Path, capsys) -> None:
    assert main([str(shared_dir / "gold")]) == 0
    out = capsys.readouterr().out
    for gold_set in ("headline", "full", "city"):
        assert f"scope: {gold_set}" in out
    assert "summary (P = matched predictions / predictions" in out
