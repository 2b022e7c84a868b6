"""Unit tests: the fact_id rule, the corrections CSV, building correction rows, judging them."""

from __future__ import annotations

import pytest

from pipelines.corrections.csvfile import (
    COLUMNS,
    CorrectionsFileError,
    append_correction,
    header_line,
    read_corrections,
)
from pipelines.corrections.make import CorrectionError, FactRef, add_row, parse_assignments, set_row
from pipelines.corrections.status import judge_corrections
from pipelines.warehouse.load import _unique_fact_ids, fact_id

TEXT = "全市地区生产总值增长4.6%，总量1.74万亿元。农业特色优势产业融合产值增长14.6%。"


def test_fact_id_depends_on_text_offsets_and_indicator_only():
    base = {"char_start": 0, "char_end": 14, "indicator_id": "gdp_growth", "kind": "actual", "value": 4.6}
    same_span_other_values = {**base, "kind": "target", "value": 5.0, "extractor_version": "9"}
    ids = _unique_fact_ids("sha", [base])
    assert ids == _unique_fact_ids("sha", [same_span_other_values]) == [fact_id("sha", 0, 14, "gdp_growth")]
    assert len(ids[0]) == 20 and int(ids[0], 16) >= 0
    assert fact_id("sha", 0, 14, "gdp") != ids[0] != fact_id("sha", 0, 15, "gdp_growth") != fact_id("sh", 0, 14,
                                                                                                     "gdp_growth")
    # row order never matters
    other = {**base, "char_start": 20, "char_end": 30, "indicator_id": "gdp"}
    assert _unique_fact_ids("sha", [base, other]) == list(reversed(_unique_fact_ids("sha", [other, base])))


def test_two_facts_on_one_span_and_indicator_still_get_distinct_ids():
    a = {"char_start": 0, "char_end": 9, "indicator_id": "gdp_growth", "kind": "actual", "measure": "growth_rate",
         "period_year": 2023}
    b = {**a, "kind": "plan_target", "measure": "avg_growth_rate", "period_year": 2025}
    ids = _unique_fact_ids("sha", [a, b])
    assert len(set(ids)) == 2 and fact_id("sha", 0, 9, "gdp_growth") not in ids
    assert ids == list(reversed(_unique_fact_ids("sha", [b, a])))


def test_csv_round_trip_keeps_quotes_commas_and_line_numbers(tmp_path):
    path = tmp_path / "c.csv"
    append_correction(path, {"fact_id": "a", "report_id": "r", "quote": '增长5%，"左右"', "action": "reject",
                             "note": "x, y"})
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")  # no final newline
    append_correction(path, {"fact_id": "b", "action": "set", "value": "5.5", "subject": "NULL"})
    text = path.read_text(encoding="utf-8")
    assert text.startswith(header_line()) and text.count("\n") == 3
    rows = read_corrections(path)
    assert [(r["line_no"], r["fact_id"], r["action"]) for r in rows] == [(1, "a", "reject"), (2, "b", "set")]
    assert rows[0]["quote"] == '增长5%，"左右"' and rows[0]["note"] == "x, y" and rows[0]["value"] is None
    assert rows[1]["value"] == "5.5" and rows[1]["subject"] == "NULL" and rows[1]["source_path"] == str(path)
    assert read_corrections(tmp_path / "missing.csv") == []


@pytest.mark.parametrize("content, message", [
    ("fact_id,action\nx,reject\n", "header must be"),
    (header_line() + "x,r,q,delete" + "," * (len(COLUMNS) - 4) + "\n", "action 'delete' is not one of"),
    (header_line() + ",r,q,reject" + "," * (len(COLUMNS) - 4) + "\n", "data line 1 has no fact_id"),
])
def test_malformed_csv_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "c.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorrectionsFileError, match=message):
        read_corrections(path)


def test_the_project_file_is_just_a_header():
    from pipelines import paths

    assert paths.DEFAULT_CORRECTIONS.read_text(encoding="utf-8") == header_line()


def test_assignments_and_defaults_of_an_added_fact():
    assert parse_assignments(["value=5.5", "subject="]) == {"value": "5.5", "subject": "NULL"}
    with pytest.raises(CorrectionError, match="--set expects FIELD=VALUE"):
        parse_assignments(["value"])
    quote = "农业特色优势产业融合产值增长14.6%"
    row = add_row("r", 2024, "sha", TEXT, quote,
                  {"indicator_id": "agriculture_gross_output_growth", "kind": "actual", "value": "14.6"},
                  None, "n", "a")
    start = TEXT.index(quote)
    assert row["fact_id"] == fact_id("sha", start, start + len(quote), "agriculture_gross_output_growth")
    assert (row["period_year"], row["measure"], row["unit"], row["qualifier"], row["char_start"]) == (
        "2023", "growth_rate", "%", "exact", str(start))
    with pytest.raises(CorrectionError, match="occurs more than once"):
        add_row("r", 2024, "sha", TEXT + quote, quote, {"indicator_id": "gdp", "kind": "actual", "value": "1"},
                None, None, None)
    with pytest.raises(CorrectionError, match="not in report r at offset 3"):
        add_row("r", 2024, "sha", TEXT, quote, {"indicator_id": "gdp", "kind": "actual", "value": "1"}, 3, None, None)


def test_set_carries_earlier_fields_and_keeps_an_added_fact_an_add():
    fact = FactRef("f", "r", "q", 10, 2024)
    earlier = {"action": "set", "value": "4.8", "qualifier": "exact", "subject": None}
    row = set_row(fact, {"subject": "江北新区"}, earlier, None, "a")
    assert (row["action"], row["value"], row["qualifier"], row["subject"]) == ("set", "4.8", "exact", "江北新区")
    added = {"action": "add", "indicator_id": "gdp", "kind": "actual", "value": "1.0", "char_start": "10"}
    row = set_row(fact, {"value": "2"}, added, None, "a")
    assert (row["action"], row["value"], row["indicator_id"], row["char_start"]) == ("add", "2.0", "gdp", "10")
    assert set_row(fact, {"value": "3"}, {"action": "reject"}, None, "a")["action"] == "set"


def test_judging_applied_superseded_orphaned():
    quote = "农业特色优势产业融合产值增长14.6%"
    start = TEXT.index(quote)
    good_add = fact_id("sha", start, start + len(quote), "gdp_growth")
    rows = [
        {"line_no": 1, "fact_id": "x1", "action": "set"},
        {"line_no": 2, "fact_id": "x1", "action": "reject"},
        {"line_no": 3, "fact_id": "gone", "action": "reject", "report_id": "r"},
        {"line_no": 4, "fact_id": good_add, "action": "add", "report_id": "r", "quote": quote,
         "char_start": str(start), "indicator_id": "gdp_growth"},
        {"line_no": 5, "fact_id": "stale", "action": "add", "report_id": "r", "quote": quote,
         "char_start": str(start), "indicator_id": "gdp_growth"},
        {"line_no": 6, "fact_id": "y", "action": "set", "report_id": "city/无/2024"},
    ]
    verdicts = judge_corrections(rows, {"x1": "r"}, {"r": ("sha", TEXT)})
    assert [v.status for v in verdicts] == ["superseded", "applied", "orphaned", "applied", "orphaned", "orphaned"]
    assert verdicts[2].reason.startswith("no such fact") and verdicts[4].reason.startswith("the report text changed")
    assert verdicts[5].reason == "report city/无/2024 is not loaded"


def test_orphans_get_a_suggestion_where_their_quote_is_now():
    quote = "农业特色优势产业融合产值增长14.6%"
    new_text = "序。" + TEXT
    rows = [
        {"line_no": 1, "fact_id": "old", "action": "set", "report_id": "r", "quote": "全市地区生产总值增长4.6%"},
        {"line_no": 2, "fact_id": "old_add", "action": "add", "report_id": "r", "quote": quote,
         "char_start": str(TEXT.index(quote)), "indicator_id": "gdp_growth"},
        {"line_no": 3, "fact_id": "gone", "action": "reject", "report_id": "r", "quote": "不在了"},
    ]
    quotes = {("r", "全市地区生产总值增长4.6%"): [("new", "gdp_growth")]}
    verdicts = judge_corrections(rows, {"new": "r"}, {"r": ("sha2", new_text)}, quotes)
    assert [v.status for v in verdicts] == ["orphaned"] * 3
    assert verdicts[0].suggestion == "same quote now: new (gdp_growth)"
    assert verdicts[1].suggestion == f"the quote is now at offset {new_text.index(quote)} (add it again with --at)"
    assert verdicts[2].suggestion is None
