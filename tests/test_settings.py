"""Settings and the executor follow the environment the README documents; a failed step reports its cause."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._utils.error import SerializableErrorInfo

from pipelines import paths
from pipelines.defs.automation import REPORT_JOB
from pipelines.defs.build import build_definitions
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


def test_the_executor_follows_the_environment(tmp_path, monkeypatch):
    """GOVREPORT_EXECUTOR picks the jobs' executor; unset keeps Dagster's default; govreport run stays in process."""
    def executor_name() -> str:
        return build_definitions(tmp_path, tmp_path / "w.duckdb").resolve_job_def(REPORT_JOB).executor_def.name

    for name in ("GOVREPORT_EXECUTOR", "GOVREPORT_CELERY_BROKER", "GOVREPORT_CELERY_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    assert executor_name() == dg.multi_or_in_process_executor.name
    monkeypatch.setenv("GOVREPORT_EXECUTOR", "in_process")
    assert executor_name() == "in_process"
    monkeypatch.setenv("GOVREPORT_EXECUTOR", "multiprocess")
    assert executor_name() == "multiprocess"
    monkeypatch.setenv("GOVREPORT_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="in_process, multiprocess, celery"):
        executor_name()
    monkeypatch.setenv("GOVREPORT_EXECUTOR", "celery")
    pytest.importorskip("dagster_celery", reason="the cluster extra is not installed")
    with pytest.raises(ValueError, match="GOVREPORT_CELERY_BROKER"):
        executor_name()
    monkeypatch.setenv("GOVREPORT_CELERY_BROKER", "redis://127.0.0.1:1/0")
    assert executor_name() == "celery"
    runner_defs = build_definitions(tmp_path, tmp_path / "w.duckdb", executor=dg.in_process_executor)
    assert runner_defs.resolve_job_def(REPORT_JOB).executor_def.name == "in_process"
