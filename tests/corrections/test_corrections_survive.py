"""Corrections survive re-runs and re-extraction: three facts corrected, one added, one orphaned.

One session-scoped scenario (tests/corrections/scenario.py): real Dagster runs in-process, real
DuckDB, real dbt build; corrections recorded with ``govreport correct``.
"""

from __future__ import annotations

import pytest

from pipelines import cli
from tests.corrections.scenario import ADDED_QUOTE, CHANGED_VERSION, NANJING
from tests.pipeline.helpers import query

pytestmark = pytest.mark.slow


def test_every_correct_command_was_accepted(correction_scenario):
    assert correction_scenario.correct_exit_codes == [0, 0, 0, 0, 0, 0]
    lines = correction_scenario.corrections.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 6
    assert lines[0].startswith("fact_id,report_id,quote,action,")


def test_fact_ids_are_stable_across_runs_and_extractor_versions(correction_scenario):
    sc = correction_scenario
    raw_now = {r[0] for r in query(sc.warehouse, "SELECT fact_id FROM raw.facts")}
    versions = {r[0] for r in query(sc.warehouse, "SELECT DISTINCT extractor_version FROM raw.facts")}
    assert versions == {CHANGED_VERSION}  # the third run really re-extracted
    assert raw_now == sc.ids_first_run - {sc.ids["orphaned"]}


def test_corrections_apply_after_rerun_and_reextraction(correction_scenario):
    sc = correction_scenario
    after_third = query(sc.published, "SELECT fact_id, indicator_id, kind, value, qualifier, subject "
                                      "FROM fct_indicator_facts WHERE corrected ORDER BY fact_id")
    assert [r[:6] for r in sc.second_run_corrected if r[0] != sc.ids["orphaned"]] == after_third
    by_id = {r[0]: r for r in after_third}
    assert by_id[sc.ids["value_set"]][1:6] == ("high_tech_enterprises", "actual", 1.02, "exact", None)
    # two lines for one fact: the later wins and carries the earlier value over
    assert by_id[sc.ids["subject_set"]][1:6] == ("retail_sales_growth", "actual", 4.8, "exact", "江北新区")
    assert by_id[sc.ids["added"]][1:6] == ("agriculture_gross_output_growth", "actual", 14.6, "exact", None)
    assert sc.ids["rejected"] not in {r[0] for r in query(sc.published, "SELECT fact_id FROM fct_indicator_facts")}


def test_marts_use_the_corrected_values(correction_scenario):
    db = correction_scenario.published
    panel = dict(((ind, kind, year), (value, fid)) for ind, kind, year, value, fid in query(
        db, "SELECT indicator_id, kind, year, value, fact_id FROM fct_panel_values WHERE region = '南京市'"))
    assert panel[("high_tech_enterprises", "actual", 2023)] == (10200.0, correction_scenario.ids["value_set"])
    assert ("listed_companies", "target", 2024) not in panel  # rejected: its only candidate
    assert ("retail_sales_growth", "actual", 2023) not in panel  # now about a part of the region
    assert panel[("agriculture_gross_output_growth", "actual", 2023)] == (14.6, correction_scenario.ids["added"])
    row = query(db, "SELECT actual_value FROM fct_region_indicator_year WHERE region = '南京市' "
                    "AND indicator_id = 'high_tech_enterprises' AND year = 2023")
    assert row == [(10200.0,)]


def test_audit_table_keeps_the_originals(correction_scenario):
    sc = correction_scenario
    rows = query(sc.published, "SELECT line_no, action, status, fact_id, original_value, original_subject, "
                               "original_extractor_version, in_marts, corrected_value, corrected_subject, author "
                               "FROM fct_fact_corrections ORDER BY line_no")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (1, "reject", "applied"), (2, "set", "applied"), (3, "set", "superseded"), (4, "set", "applied"),
        (5, "set", "orphaned"), (6, "add", "applied"),
    ]
    reject, value_set, _, subject_set, orphan, added = rows
    assert (reject[3], reject[4], reject[7], reject[8]) == (sc.ids["rejected"], 10.0, False, None)
    assert reject[6] == CHANGED_VERSION  # the original as the current extractor gives it
    assert (value_set[4], value_set[8]) == (1.0, 1.02)
    assert (subject_set[4], subject_set[5], subject_set[8], subject_set[9]) == (4.7, None, 4.8, "江北新区")
    assert orphan[3] == sc.ids["orphaned"] and orphan[4] is None and orphan[7] is False
    assert added[4] is None and added[8] == 14.6 and added[10] == "tester"


def test_orphaned_correction_fails_the_asset_check(correction_scenario):
    first, second, third = correction_scenario.runs
    assert first.failed_checks == [] and second.failed_checks == []
    assert len(third.failed_checks) == 1
    assert third.failed_checks[0].startswith("corrections_all_applied")  # a dbt test on fct_fact_corrections
    # the dbt test keeps the orphaned lines in the building warehouse (schema test_failures)
    orphans = query(correction_scenario.warehouse,
                    "SELECT line_no, action, fact_id, quote FROM test_failures.corrections_all_applied")
    assert orphans == [(5, "set", correction_scenario.ids["orphaned"], "入库科技型中小企业超过2.3万家")]


def test_corrections_check_prints_the_orphans(correction_scenario, capsys):
    sc = correction_scenario
    args = ["--corrections", str(sc.corrections), "--warehouse", str(sc.published)]
    assert cli.main(["corrections", "--check", *args]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split()[:5] == ["line", "5", "orphaned", "set", sc.ids["orphaned"]]
    assert "no such fact any more" in out and "1 of 6 correction(s)" in err
    assert cli.main(["corrections", *args]) == 0  # the listing itself is not a failure
    out, _ = capsys.readouterr()
    assert sum("applied" in line for line in out.splitlines()) == 4
    # the command line's verdicts and the dbt audit table agree
    assert [(r[0], r[1]) for r in query(sc.published, "SELECT line_no, status FROM fct_fact_corrections "
                                                      "WHERE status = 'orphaned'")] == [(5, "orphaned")]


@pytest.mark.parametrize("argv, message", [
    (["--set", "kind=guess"], "bad kind 'guess'"),
    (["--set", "indicator_id=no_such_indicator"], "unknown indicator 'no_such_indicator'"),
    (["--set", "valeu=3"], "unknown field 'valeu'"),
    (["--set", "value=abc"], "value must be a number"),
    (["--reject", "--set", "value=1"], "--reject takes no --set"),
])
def test_correct_rejects_bad_fields_and_writes_nothing(correction_scenario, capsys, argv, message):
    sc = correction_scenario
    before = sc.corrections.read_bytes()
    code = cli.main(["correct", sc.ids["value_set"], *argv, "--corrections", str(sc.corrections),
                     "--warehouse", str(sc.published)])
    assert code == 2
    assert f"govreport correct: error: {message}" in capsys.readouterr().err
    assert sc.corrections.read_bytes() == before


@pytest.mark.parametrize("argv, message", [
    (["--add", NANJING, "--quote", "这句话不在报告里", "--set", "indicator_id=gdp", "kind=actual", "value=1"],
     "the quote is not in report city/南京市/2024"),
    (["--add", NANJING, "--quote", ADDED_QUOTE, "--set", "kind=actual", "value=1"], "--add needs --set indicator_id"),
    (["--add", "city/无此市/2024", "--quote", "x", "--set", "indicator_id=gdp"], "no report 'city/无此市/2024'"),
    (["no_such_fact_id", "--reject"], "no fact 'no_such_fact_id' in the warehouse"),
])
def test_correct_rejects_bad_quotes_reports_and_ids(correction_scenario, capsys, argv, message):
    sc = correction_scenario
    before = sc.corrections.read_bytes()
    code = cli.main(["correct", *argv, "--corrections", str(sc.corrections), "--warehouse", str(sc.published)])
    assert code == 2
    assert f"govreport correct: error: {message}" in capsys.readouterr().err
    assert sc.corrections.read_bytes() == before
