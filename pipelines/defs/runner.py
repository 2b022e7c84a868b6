"""Run the whole pipeline in-process through Dagster (what ``govreport run`` does)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.automation import REFRESH_JOB, REPORT_JOB, covering_range, partition_range_tags
from pipelines.defs.partitions import REPORTS_PARTITION
from pipelines.defs.progress import Progress, progress_logger
from pipelines.defs.resources import PipelineSettings, default_settings
from pipelines.ingest.discover import scan_reports
from pipelines.landing.store import LandingStore
from pipelines.landing.unchanged import stale_partitions
from pipelines.landing.versions import extract_version, ingest_version
from pipelines.warehouse.build_state import FORCE_BUILD_TAG
from pipelines.warehouse.connection import read_warehouse
from pipelines.warehouse.guard import check_removal, loaded_report_keys, plan_removal


@dataclass
class RunOutcome:
    """The result of one pipeline run."""

    success: bool
    run_id: str
    warehouse: Path
    published: Path
    partitions: list[str]
    partitions_run: list[str] = field(default_factory=list)  # the partitions the ingest and extract steps ran for
    exports: Path | None = None
    table_counts: dict[str, int] = field(default_factory=dict)
    quarantine: list[tuple[str, str, int]] = field(default_factory=list)  # (severity, reason_code, files)
    error: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why) left out on purpose
    failed_checks: list[str] = field(default_factory=list)  # "check_name: details" of checks that failed
    batches: int = 0  # ingest-and-extract runs before the load (0: one run did everything)
    step_windows: list[tuple[str, float, float]] = field(default_factory=list)  # (step key, start, end), epoch s
    partitions_loaded: int | None = None  # what the load step reported


RUN_BATCH_ENV = "GOVREPORT_RUN_BATCH"
DEFAULT_RUN_BATCH = 2000
LANDING_ASSETS = [dg.AssetKey(["landing", "report_texts"]), dg.AssetKey(["landing", "indicator_facts"])]


def run_batch_size() -> int:
    """Partitions per ingest-and-extract run of a large ``govreport run`` (``GOVREPORT_RUN_BATCH``, default 2,000).

    Dagster keeps a record of every partition a run covers (its planned and materialisation events) for
    as long as the instance holds the run: about 32 KB per partition in the in-memory event log of an
    ephemeral instance, 1.6 GB for 50,000 reports. A run of more partitions than this is split.
    """
    raw = os.environ.get(RUN_BATCH_ENV, "").strip()
    if not raw:
        return DEFAULT_RUN_BATCH
    try:
        size = int(raw)
    except ValueError:
        raise ValueError(f"{RUN_BATCH_ENV} must be a whole number of partitions, not {raw!r}") from None
    if size < 1:
        raise ValueError(f"{RUN_BATCH_ENV} must be at least 1, not {size}")
    return size


def landing_batches(keys: list[str], size: int) -> list[list[str]]:
    """``keys`` (one contiguous range of the registered order) cut into as few contiguous runs of at most ``size``
    as possible, of equal sizes give or take one: no small last batch, which would be too small for the
    process pool and would load jieba's dictionary into the run's own process."""
    if not keys:
        return []
    count = -(-len(keys) // size)
    bounds = [len(keys) * i // count for i in range(count + 1)]
    return [keys[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def step_windows(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, float, float]]:
    """``(step key, start, end)`` epoch timestamps of a run's finished steps, from its STEP_START / end events."""
    starts: dict[str, float] = {}
    windows: list[tuple[str, float, float]] = []
    for entry in instance.all_logs(run_id, of_type={dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS,
                                                    dg.DagsterEventType.STEP_FAILURE}):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = entry.timestamp
        elif event.step_key in starts:
            windows.append((event.step_key, starts.pop(event.step_key), entry.timestamp))
    return windows


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


def partitions_to_run(ordered: list[str], files: dict[str, Path], settings: PipelineSettings) -> list[str]:
    """The partitions the ingest and extract steps must run for: from the first to the last stale one.

    A partition is stale when its file's fingerprint, the ingest version or the extract version differ
    from what the landing store holds (:func:`~pipelines.landing.unchanged.stale_partitions`: a stat of
    every file, and the two small JSON files of the partitions whose landing folder changed since they were
    last read; no report is read). A run covers one contiguous range of the
    registered order, so stale partitions far apart bring the current ones between them along; those
    are recognised again inside the steps and cost only their bookkeeping. New files are registered at
    the end of the order, so a run after adding files covers exactly the new ones. Empty when nothing is
    stale: the run then only loads, builds and publishes what is staged.
    """
    stale = stale_partitions(LandingStore(settings.landing), files, ordered, settings.reports,
                             ingest_version(), extract_version())
    return covering_range(ordered, set(stale))


def warehouse_table_counts(warehouse: Path) -> dict[str, int]:
    """Row counts of every table and view in the warehouse, as ``schema.table``."""
    if not warehouse.exists():
        return {}
    with read_warehouse(warehouse) as con:
        names = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
            "WHERE NOT internal AND database_name = current_database() ORDER BY 1, 2"
        ).fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in names}


def quarantine_counts(warehouse: Path) -> list[tuple[str, str, int]]:
    """``(severity, reason_code, files)`` of the files set aside in the last load, most first."""
    if not warehouse.exists():
        return []
    with read_warehouse(warehouse) as con:
        try:
            return con.execute(
                "SELECT severity, reason_code, count(DISTINCT partition_key) AS n FROM raw.ingest_quarantine "
                "GROUP BY ALL ORDER BY n DESC, severity, reason_code"
            ).fetchall()
        except duckdb.CatalogException:  # no load has run yet
            return []


def _loaded_keys(warehouse: Path) -> set[str]:
    if not warehouse.exists():
        return set()
    with read_warehouse(warehouse) as con:
        return loaded_report_keys(con)


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
    *,
    progress: Progress | None = None,
    fault_pause: str = "",
    force_build: bool = False,
) -> RunOutcome:
    """Register every report file as a partition, ingest and extract the ones that changed, then load,
    build and publish, in one run.

    Only the partitions whose staged data no longer holds go through the ingest and extract steps
    (:func:`partitions_to_run`); when none do, the run is the refresh job (load, build, publish), whose
    ``dbt build`` and publish skip themselves when their inputs are those of the last published build.
    More partitions than :func:`run_batch_size` are ingested and extracted in runs of that many, one
    after the other, before one refresh run loads, builds and publishes (Dagster's record of the partitions
    held for one batch at a time); a failed batch stops the run, and what the batches before it staged is
    kept for the next.

    Before anything changes, the removal guard compares the files found with the reports loaded
    in the warehouse: a run that would remove more than the allowed share of them, or any report
    whose file or folder cannot be read, raises :class:`~pipelines.warehouse.guard.RemovalRefused`
    unless ``allow_removal`` (default: ``GOVREPORT_ALLOW_REMOVAL``). ``corrections`` is the
    corrections CSV (default: ``GOVREPORT_CORRECTIONS`` or data/corrections.csv).

    With ``progress``, the run's Dagster events feed its stage lines instead of Dagster's console
    log (``govreport run``; ``--verbose`` keeps the console log). ``fault_pause`` is for fault tests
    only (see :mod:`pipelines.warehouse.faults`). ``force_build`` runs ``dbt build`` even when its
    inputs are those of the last published build (see :mod:`pipelines.warehouse.build_state`).
    """
    from pipelines.defs.build import build_definitions

    reports_dir, warehouse = Path(reports_dir).resolve(), Path(warehouse).resolve()
    if not reports_dir.is_dir():
        raise FileNotFoundError(f"reports folder {reports_dir} does not exist")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    settings = default_settings(reports_dir, warehouse, allow_removal=allow_removal)
    discovery = scan_reports(reports_dir)
    loaded = _loaded_keys(warehouse)
    plan = plan_removal(loaded, discovery.files, {k for k in loaded if discovery.is_under_unreadable(k)})
    check_removal(plan, settings.max_removal_share, settings.allow_removal)
    loggers = {"progress": progress_logger(progress)} if progress is not None else {}
    # in this process whatever GOVREPORT_EXECUTOR says (execute_in_process); named so that the
    # variable's executor is neither imported nor checked here
    defs = build_definitions(reports_dir, warehouse, corrections, allow_removal=settings.allow_removal,
                             fault_pause=fault_pause, loggers=loggers, executor=dg.in_process_executor)
    run_config = {"loggers": {"progress": {}}} if progress is not None else None
    instance = instance or dagster_instance()
    keys = sorted(discovery.files)
    tags = {FORCE_BUILD_TAG: "true"} if force_build else {}
    ordered = sync_partitions(instance, keys)
    to_run = partitions_to_run(ordered, discovery.files, settings)
    if progress is not None:
        progress.outside_run(len(ordered) - len(to_run), len(to_run))
    batches = landing_batches(to_run, run_batch_size())
    windows: list[tuple[str, float, float]] = []
    checks: list[str] = []

    def execute(job_name: str, run_tags: dict[str, str], **kwargs) -> dg.ExecuteInProcessResult:
        result = defs.resolve_job_def(job_name).execute_in_process(
            run_config=run_config, instance=instance, tags={**run_tags, **tags}, raise_on_error=raise_on_error,
            **kwargs)
        windows.extend(step_windows(instance, result.run_id))
        checks.extend(failed_checks(result.all_events))
        return result

    with _quiet_python_loggers(progress is not None):
        if len(batches) > 1:
            # Ingest and extract batch by batch, then one run loads, builds and publishes. An ephemeral
            # instance forgets each batch's run once it succeeded, so its memory does not grow with N.
            for i, batch in enumerate(batches, 1):
                if progress is not None:
                    progress.batch(i, len(batches), max(map(len, batches)))
                result = execute(REPORT_JOB, partition_range_tags(batch), asset_selection=LANDING_ASSETS)
                if not result.success:
                    break
                if instance.is_ephemeral:
                    instance.delete_run(result.run_id)
            else:
                if progress is not None:
                    progress.batch(0, 0, 0)
                result = execute(REFRESH_JOB, {})
        elif to_run:
            result = execute(REPORT_JOB, partition_range_tags(to_run))
        else:
            result = execute(REFRESH_JOB, {})
    if progress is not None:
        progress.finish()
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
        partitions_run=to_run,
        exports=Path(settings.exports_dir),
        table_counts=warehouse_table_counts(warehouse),
        quarantine=quarantine_counts(warehouse),
        error=error,
        skipped=discovery.skipped + [(rel, f"unreadable: {why}") for rel, why in discovery.unreadable],
        failed_checks=checks,
        batches=len(batches) if len(batches) > 1 else 0,
        step_windows=windows,
        partitions_loaded=materialization_value(result, RAW_REPORTS, "partitions_loaded"),
    )


RAW_REPORTS = dg.AssetKey(["raw", "reports"])


def materialization_value(result: dg.ExecuteInProcessResult, key: dg.AssetKey, name: str) -> int | None:
    """The integer metadata entry ``name`` of the run's materialisation of ``key`` (None when absent)."""
    for event in result.all_events:
        if event.is_step_materialization:
            materialization = event.step_materialization_data.materialization
            if materialization.asset_key == key and name in materialization.metadata:
                return int(materialization.metadata[name].value)
    return None


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


@contextmanager
def _quiet_python_loggers(on: bool) -> Iterator[None]:
    """While ``on``, keep the chatter of libraries' own Python loggers (jieba's dictionary loading,
    Dagster's messages outside the run's log) off the terminal; warnings and errors still show,
    except Dagster's one warning per blocking dbt check when the dbt build was skipped because
    nothing changed (the stage line says so once)."""
    saved = {}
    plan_logger = logging.getLogger("dagster._core.execution.plan.active")
    if on:
        for name in ("jieba", "dagster"):
            saved[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.WARNING)
        plan_logger.addFilter(_no_skipped_dbt_check_warnings)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        plan_logger.removeFilter(_no_skipped_dbt_check_warnings)


def _no_skipped_dbt_check_warnings(record: logging.LogRecord) -> bool:
    """False for Dagster's "Blocking asset check … emitted no result in step 'dbt_models'" warnings."""
    message = record.getMessage()
    return not (message.startswith("Blocking asset check") and "emitted no result in step 'dbt_models'" in message)
