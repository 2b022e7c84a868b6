"""The stage lines ``govreport run`` prints, from the run's Dagster events (here built by hand)."""

from __future__ import annotations

import io
import logging

import dagster as dg
from dagster._core.events import DagsterEvent, StepSuccessData

from pipelines.defs.progress import Progress


def _record(event_type: str, step: str, data=None) -> logging.LogRecord:
    record = logging.LogRecord("dagster", logging.INFO, __file__, 0, "", None, None)
    event = DagsterEvent(event_type_value=event_type, job_name="report_job", step_key=step, event_specific_data=data)
    record.dagster_meta = {"step_key": step, "dagster_event": event}
    return record


def _check(name: str, passed: bool, severity: dg.AssetCheckSeverity) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(asset_key=dg.AssetKey(["fct_indicator_facts"]), check_name=name, passed=passed,
                                   severity=severity)


def test_dbt_line_counts_a_failed_warn_test_as_warned_and_an_error_test_as_failed():
    stream = io.StringIO()
    progress = Progress(stream, live=False)
    progress.handle(_record("STEP_START", "dbt_models"))
    for name, passed, severity in [("values_plausible", True, dg.AssetCheckSeverity.WARN),
                                   ("headline_facts_present", False, dg.AssetCheckSeverity.WARN),
                                   ("not_null_fact_id", False, dg.AssetCheckSeverity.ERROR)]:
        progress.handle(_record("ASSET_CHECK_EVALUATION", "dbt_models", _check(name, passed, severity)))
    progress.handle(_record("STEP_SUCCESS", "dbt_models", StepSuccessData(duration_ms=1.0)))

    line = stream.getvalue().splitlines()[-1]
    assert line.startswith("dbt build  0 models and seeds built, 3 tests, 1 failed, 1 warned  ("), line


def test_dbt_line_names_no_failure_when_every_test_passed():
    stream = io.StringIO()
    progress = Progress(stream, live=False)
    progress.handle(_record("STEP_START", "dbt_models"))
    progress.handle(_record("ASSET_CHECK_EVALUATION", "dbt_models",
                            _check("values_plausible", True, dg.AssetCheckSeverity.WARN)))
    progress.handle(_record("STEP_SUCCESS", "dbt_models", StepSuccessData(duration_ms=1.0)))

    assert stream.getvalue().splitlines()[-1].startswith("dbt build  0 models and seeds built, 1 tests  (")
