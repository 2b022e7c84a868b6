"""The govreport command line: stable extract output, clear errors, non-zero exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipelines.cli import main
from tests.paths import NANJING_2024 as NANJING

GOVREPORT = str(Path(sys.executable).parent / "govreport")
REQUIRED = {"region", "region_level", "report_year", "indicator_id", "kind", "period_year", "measure", "value",
            "value_low", "value_high", "unit", "value_std", "unit_std", "qualifier", "quote", "char_start",
            "char_end"}


def test_extract_prints_one_json_object_per_fact():
    proc = subprocess.run([GOVREPORT, "extract", str(NANJING)], capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode("utf-8").splitlines()
    facts = [json.loads(line) for line in lines]
    assert len(facts) >= 40
    assert all(REQUIRED <= set(f) for f in facts)
    gdp_growth = [f for f in facts if f["indicator_id"] == "gdp_growth" and f["kind"] == "actual"]
    assert gdp_growth[0]["value"] == 4.6 and gdp_growth[0]["period_year"] == 2023
    assert {f["region"] for f in facts} == {"南京市"} and {f["report_year"] for f in facts} == {2024}


def test_extract_hints_override_inference(tmp_path: Path, capsys):
    unnamed = tmp_path / "report.txt"
    unnamed.write_text(NANJING.read_text(encoding="utf-8"), encoding="gb18030")
    assert main(["extract", str(unnamed), "--level", "city", "--region", "测试市", "--year", "2024"]) == 0
    facts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert facts and {f["region"] for f in facts} == {"测试市"}


def test_extract_errors_go_to_stderr_with_nonzero_exit(tmp_path: Path, capsys):
    assert main(["extract", str(tmp_path / "missing.txt")]) != 0
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["extract", str(empty)]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "does not exist" in captured.err and "empty_file" in captured.err


def test_run_fails_clearly_on_missing_folder(tmp_path: Path, capsys):
    assert main(["run", "--reports", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_query_and_quarantine_without_warehouse_fail_clearly(tmp_path: Path, capsys):
    assert main(["query", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert main(["quarantine", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "run `govreport run` first" in err
