"""Run the whole pipeline in-process through Dagster (what ``govreport run`` does)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.automation import REFRESH_JOB, REPORT_JOB, partition_range_tags
from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.resources import default_settings
from pipelines.ingest.discover import scan_reports
from pipelines.warehouse.connection import connect_recovering, warehouse_lock
from pipelines.warehouse.guard import check_removal, plan_removal, read_loaded_keys


@dataclass
class RunOutcome:
    """The result of one pipeline run."""

    success: bool
    run_id: str
    warehouse: Path
    published: Path
    partitions: list[str]
    table_counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why) left out on purpose
    failed_checks: list[str] = field(default_factory=list)  # "check_name: details" of checks that failed


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under ``DAGSTER_HOME`` when set (runs show in the UI), else an ephemeral one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def sync_partitions(instance: dg.DagsterInstance, keys: list[str]) -> list[str]:
    """Make the registered partitions exactly ``keys``; return them in the instance's order."""
    registered = set(instance.get_dynamic_partitions(REPORTS_PARTITION))
    for key in sorted(registered - set(keys)):
        instance.delete_dynamic_partition(REPORTS_PARTITION, key)
    new = sorted(set(keys) - registered)
    if new:
        instance.add_dynamic_partitions(REPORTS_PARTITION, new)
    return list(instance.get_dynamic_partitions(REPORTS_PARTITION))


def warehouse_table_counts(warehouse: Path) -> dict[str, int]:
    """Row counts of every table and view in the warehouse, as ``schema.table``."""
    if not warehouse.exists():
        return {}
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            names = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
                "ORDER BY 1, 2"
            ).fetchall()
            return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in names}
        finally:
            con.close()


def step_error_text(error) -> str:
    """The message of a step failure's root cause (not Dagster's "Error occurred while executing op")."""
    if error is None:
        return "failed"
    while error.cause is not None and (
        "Error occurred while executing" in error.message or "DagsterExecutionStepExecutionError" in error.message
        or "DagsterUserCodeExecutionError" in error.message
    ):
        error = error.cause
    return error.message.strip()


def run_pipeline(
    reports_dir: Path,
    warehouse: Path,
    instance: dg.DagsterInstance | None = None,
    raise_on_error: bool = False,
    allow_removal: bool | None = None,
    corrections: Path | None = None,
) -> RunOutcome:
    """Register every report file as a partition and materialise all assets for them in one run.

    Before anything changes, the removal guard compares the files found with the reports loaded
    in the warehouse: a run that would remove more than the allowed share of them, or any report
    whose file or folder cannot be read, raises :class:`~pipelines.warehouse.guard.RemovalRefused`
    unless ``allow_removal`` (default: ``GOVREPORT_ALLOW_REMOVAL``). ``corrections`` is the
    corrections CSV (default: ``GOVREPORT_CORRECTIONS`` or data/corrections.csv).
    """
    from pipelines.definitions import build_definitions

    reports_dir, warehouse = Path(reports_dir).resolve(), Path(warehouse).resolve()
    if not reports_dir.is_dir():
        raise FileNotFoundError(f"reports folder {reports_dir} does not exist")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    settings = default_settings(reports_dir, warehouse, allow_removal=allow_removal)
    discovery = scan_reports(reports_dir)
    if warehouse.exists():
        with warehouse_lock(warehouse):
            loaded = connect_recovering(lambda: read_loaded_keys(warehouse))
    else:
        loaded = set()
    plan = plan_removal(loaded, discovery.files, {k for k in loaded if discovery.is_under_unreadable(k)})
    check_removal(plan, settings.max_removal_share, settings.allow_removal)
    defs = build_definitions(reports_dir, warehouse, corrections, allow_removal=settings.allow_removal)
    instance = instance or dagster_instance()
    keys = sorted(discovery.files)
    ordered = sync_partitions(instance, keys)
    if ordered:
        job = defs.resolve_job_def(REPORT_JOB)
        result = job.execute_in_process(
            instance=instance, tags=partition_range_tags(ordered), raise_on_error=raise_on_error
        )
    else:
        job = defs.resolve_job_def(REFRESH_JOB)
        result = job.execute_in_process(instance=instance, raise_on_error=raise_on_error)
    error = None
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        error = "; ".join(
            f"step {e.step_key} failed: {step_error_text(e.step_failure_data.error)}" for e in failures
        ) or "run failed"
    return RunOutcome(
        success=result.success,
        run_id=result.run_id,
        warehouse=warehouse,
        published=Path(settings.published_path),
        partitions=keys,
        table_counts=warehouse_table_counts(warehouse),
        error=error,
        skipped=discovery.skipped + [(rel, f"unreadable: {why}") for rel, why in discovery.unreadable],
        failed_checks=failed_checks(result.all_events),
    )


def failed_checks(events: list[dg.DagsterEvent]) -> list[str]:
    """``"check_name: details"`` for every asset check of a run that did not pass (e.g. orphaned corrections)."""
    out = []
    for event in events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION" or event.asset_check_evaluation_data.passed:
            continue
        data = event.asset_check_evaluation_data
        details = data.metadata.get("details")
        out.append(f"{data.check_name}: {details.value if details is not None else 'failed'}")
    return out
