"""dbt inside the process: the manifest parse of a fresh clone, and a failing build's error."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.dbt_build import DbtBuildError, build_events, write_manifest
from tests.paths import DBT_PROJECT_DIR


@pytest.mark.slow
def test_fresh_clone_parse_writes_the_manifest_into_the_target_only(tmp_path: Path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    target = tmp_path / "target"
    write_manifest(DBT_PROJECT_DIR, target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert "model.govreport.fct_indicator_facts" in manifest["nodes"]
    assert list(cwd.iterdir()) == []  # no dbt.log or target/ in the working directory


def test_failing_build_names_the_failed_nodes_and_releases_the_file(tmp_path: Path):
    warehouse = tmp_path / "govreport.duckdb"
    duckdb.connect(str(warehouse)).close()  # no raw tables: every staging model fails
    results = []
    with pytest.raises(DbtBuildError) as failed:
        for event in build_events(DBT_PROJECT_DIR, warehouse, tmp_path / "dbt", ["--select", "stg_raw__facts"]):
            results.append(event["data"]["node_info"]["unique_id"])
    assert "model.govreport.stg_raw__facts: error" in str(failed.value)
    assert "model.govreport.stg_raw__facts" in results  # the result event arrived before the error
    con = duckdb.connect(str(warehouse))  # dbt's DuckDB is closed: the file opens again read-write
    con.close()
