"""Settings follow the environment the README documents; a failed step reports its cause."""

from __future__ import annotations

from pathlib import Path

from dagster._utils.error import SerializableErrorInfo

from pipelines import paths
from pipelines.defs.resources import default_settings
from pipelines.defs.runner import step_error_text


def test_exports_dir_follows_the_environment_for_run(tmp_path, monkeypatch):
    warehouse = tmp_path / "wh" / "govreport.duckdb"
    monkeypatch.setenv("GOVREPORT_EXPORTS_DIR", str(tmp_path / "bi" / "parquet"))
    assert Path(default_settings(tmp_path, warehouse).exports_dir) == tmp_path / "bi" / "parquet"
    monkeypatch.delenv("GOVREPORT_EXPORTS_DIR")
    assert Path(default_settings(tmp_path, warehouse).exports_dir) == tmp_path / "wh" / "exports"
    assert Path(default_settings(tmp_path, paths.DEFAULT_WAREHOUSE).exports_dir) == paths.PROJECT_ROOT / "data" / "exports"


def test_removal_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVREPORT_ALLOW_REMOVAL", "1")
    monkeypatch.setenv("GOVREPORT_MAX_REMOVAL_SHARE", "0.5")
    settings = default_settings(tmp_path, tmp_path / "w.duckdb")
    assert settings.allow_removal and settings.max_removal_share == 0.5
    assert not default_settings(tmp_path, tmp_path / "w.duckdb", allow_removal=False).allow_removal


def test_step_failure_reports_the_cause_not_dagsters_wrapper():
    cause = SerializableErrorInfo("RemovalRefused: refusing to change the warehouse: 6 of 6\n", [], "RemovalRefused")
    wrapper = SerializableErrorInfo(
        'dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op "raw_tables":\n',
        [], "DagsterExecutionStepExecutionError", cause=cause)
    assert step_error_text(wrapper) == "RemovalRefused: refusing to change the warehouse: 6 of 6"
