"""What ``govreport run`` shows while it runs: one progress line per stage, read from Dagster's events.

The run's Dagster loggers get :func:`progress_logger`, which turns the event stream (step start and
end, materialisations with their metadata, check results, the assets' ``"<stage>: i/n <unit>"``
progress messages) into one line per stage. On a terminal the line updates in place; anywhere else
(CI logs, a pipe) each stage prints one line when it ends, with no carriage returns. The full event
log stays in the Dagster UI and behind ``govreport run --verbose``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

import dagster as dg

# Step keys of the assets, in run order, and the label a stage line starts with.
STAGES = {
    "landing__report_texts": "read files",
    "landing__indicator_facts": "extract",
    "raw_tables": "load",
    "dbt_models": "dbt build",
    "published_warehouse": "publish",
}
_PARTITIONED_STEPS = {"landing__report_texts": "files", "landing__indicator_facts": "reports"}
_PROGRESS = re.compile(r"^[\w ]+: (?P<done>\d+)/(?P<total>\d+) (?P<unit>\w+)")
_REFRESH_S = 0.1
SKIPPED_NOTE_PREFIX = "dbt build skipped"  # the dbt asset's log message when its inputs are unchanged
KEPT_METADATA = "govreport/kept"  # metadata of a dbt asset an incremental build did not rebuild
BUILD_MODE_PREFIX = "dbt build mode: "  # the dbt asset's log message saying whether the build is full or incremental


def progress_message(stage: str, done: int, total: int, unit: str) -> str:
    """The progress message an asset logs (``"ingest: 12/300 reports done"``), which the progress line reads."""
    return f"{stage}: {done}/{total} {unit} done"


@dataclass
class _Stage:
    label: str
    started: float
    done: str = ""  # "12/300 reports" from the latest progress message
    metadata: dict[str, dict] = field(default_factory=dict)  # asset key -> materialisation metadata
    built: int = 0
    kept: int = 0  # dbt assets an incremental build left as they were (seeds, views)
    tests: int = 0
    tests_failed: int = 0
    tests_warned: int = 0  # failed tests of severity warn: dbt's build goes on, the run succeeds
    skipped: str = ""  # why the stage did nothing (dbt build with unchanged inputs)
    mode: str = ""  # dbt build: "full (why)" or "incremental, N regions changed"


class Progress:
    """Renders stage lines on ``stream`` (default stderr); in place when ``live`` (default: a terminal)."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._stages: dict[str, _Stage] = {}
        self._checks = [0, 0]  # passed, failed (asset checks outside the stages)
        self._last_draw = 0.0
        self._outside = 0  # unchanged partitions the run leaves out of its ingest and extract steps
        self._batch = ""  # "batch 2/25" while a large run ingests and extracts batch by batch

    def outside_run(self, unchanged: int, in_run: int) -> None:
        """Say, before the run, that ``unchanged`` report files are current and left out of its ingest and
        extract steps; with ``in_run`` 0 those steps do not run at all, so their lines are printed now."""
        self._outside = unchanged
        if unchanged and not in_run:
            self._write(f"{STAGES['landing__report_texts']:<11}{unchanged} files: 0 read, {unchanged} unchanged "
                        "(fingerprint)", end=True)
            self._write(f"{STAGES['landing__indicator_facts']:<11}{unchanged} reports: 0 extracted, "
                        f"{unchanged} unchanged", end=True)

    def batch(self, number: int, total: int, largest: int) -> None:
        """Say that ingest and extract now run for batch ``number`` of ``total`` (of at most ``largest`` reports);
        ``total`` 0 when the batches are done (the load, build and publish follow)."""
        self._batch = f"batch {number}/{total}" if total else ""
        if number == 1:
            self._write(f"{'batches':<11}{total} ingest-and-extract runs of at most {largest} reports, "
                        "then one load", end=True)

    def handle(self, record: logging.LogRecord) -> None:
        """Take one record of the run's log (a Dagster event or a message)."""
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key")
        event = meta.get("dagster_event")
        if step is None:
            return
        if event is None:
            stage = self._stages.get(step)
            message = meta.get("orig_message") or ""
            match = _PROGRESS.match(message)
            if stage is not None and message.startswith(SKIPPED_NOTE_PREFIX):
                stage.skipped = "skipped: nothing changed since the last published build"
            elif stage is not None and message.startswith(BUILD_MODE_PREFIX):
                stage.mode = message[len(BUILD_MODE_PREFIX):]
            elif stage is not None and match:
                stage.done = f"{match['done']}/{match['total']} {match['unit']}"
                self._draw(stage)
            return
        if event.is_step_start and step in STAGES:
            self._stages[step] = _Stage(STAGES[step], time.monotonic())
            self._draw(self._stages[step], force=True)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            passed = evaluation.passed
            warned = not passed and evaluation.severity == dg.AssetCheckSeverity.WARN
            stage = self._stages.get(step)
            if stage is not None:
                stage.tests += 1
                stage.tests_warned += warned
                stage.tests_failed += not passed and not warned
                self._draw(stage)
            else:
                self._checks[0 if passed else 1] += 1
        elif event.event_type_value == "ASSET_MATERIALIZATION" and step in self._stages:
            stage = self._stages[step]
            materialization = event.step_materialization_data.materialization
            stage.metadata[materialization.asset_key.to_user_string()] = {
                k: v.value for k, v in materialization.metadata.items()
            }
            if KEPT_METADATA in materialization.metadata:
                stage.kept += 1
            else:
                stage.built += 1
            self._draw(stage)
        elif event.event_type_value == "STEP_SKIPPED" and step in STAGES:
            self._write(f"{STAGES[step]:<11}skipped: nothing to publish, the snapshot is current", end=True)
        elif (event.is_step_success or event.is_step_failure) and step in self._stages:
            stage = self._stages[step]
            line = stage_summary(step, stage) if event.is_step_success else "FAILED"
            if event.is_step_success and self._outside and step in _PARTITIONED_STEPS:
                line += f"; {self._outside} other {_PARTITIONED_STEPS[step]} unchanged, not in this run"
            if self._batch and step in _PARTITIONED_STEPS:
                line += f" [{self._batch}]"
            self._write(f"{stage.label:<11}{line}  ({time.monotonic() - stage.started:.1f}s)", end=True)

    def finish(self) -> None:
        """Print the line of the asset checks outside dbt (after the run)."""
        passed, failed = self._checks
        if passed or failed:
            self._write(f"{'checks':<11}{passed} passed" + (f", {failed} failed" if failed else ""), end=True)

    def _draw(self, stage: _Stage, force: bool = False) -> None:
        now = time.monotonic()
        if not self.live or (not force and now - self._last_draw < _REFRESH_S):
            return
        self._last_draw = now
        if stage.done:
            detail = stage.done
        elif stage.built or stage.tests:
            detail = f"{stage.built} built, {stage.tests} tests"
        else:
            detail = "…"
        self._write(f"{stage.label:<11}{detail}", end=False)

    def _write(self, text: str, end: bool) -> None:
        if self.live:
            self.stream.write("\r\033[K" + text + ("\n" if end else ""))
        elif end:
            self.stream.write(text + "\n")
        self.stream.flush()


def stage_summary(step: str, stage: _Stage) -> str:
    """The one-line result of a finished stage, from its materialisation metadata."""
    meta = stage.metadata
    if step == "landing__report_texts":
        m = meta.get("landing/report_texts", {})
        by_content = m.get("unchanged_by_content", 0)
        return (f"{m.get('files', 0)} files: {m.get('documents', 0)} reports, {m.get('rejected', 0)} rejected; "
                f"{m.get('files_read', 0)} read, {m.get('unchanged_by_fingerprint', 0)} unchanged (fingerprint)"
                + (f", {by_content} unchanged (content hash)" if by_content else ""))
    if step == "landing__indicator_facts":
        m = meta.get("landing/indicator_facts", {})
        return (f"{m.get('reports', 0)} reports: {m.get('facts', 0)} facts; "
                f"{m.get('extracted', 0)} extracted, {m.get('unchanged', 0)} unchanged")
    if step == "raw_tables":
        facts, reports = meta.get("raw/facts", {}), meta.get("raw/reports", {})
        return (f"{reports.get('partitions_loaded', 0)} reports (re)loaded, {reports.get('partitions_removed', 0)} "
                f"removed, {reports.get('partitions_unchanged', 0)} unchanged; "
                f"{facts.get('rows_inserted', 0)} fact rows inserted")
    if stage.skipped:
        return stage.skipped
    if step == "dbt_models":
        failed = (f", {stage.tests_failed} failed" if stage.tests_failed else "") + (
            f", {stage.tests_warned} warned" if stage.tests_warned else "")
        kept = f", {stage.kept} seeds and views kept" if stage.kept else ""
        return (f"{stage.built} models and seeds built{kept}, {stage.tests} tests{failed}"
                + (f"; {stage.mode}" if stage.mode else ""))
    if step == "published_warehouse":
        m = meta.get("published_warehouse", {})
        return f"{len(m.get('tables') or {})} tables in the snapshot, {len(m.get('exports') or {})} Parquet exports"
    return "done"


class _ProgressHandler(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.DEBUG)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.progress.handle(record)
        except Exception:  # noqa: BLE001 - a display problem must never fail the run
            self.handleError(record)


def progress_logger(progress: Progress) -> dg.LoggerDefinition:
    """A Dagster logger definition that feeds the run's events to ``progress``."""

    def make(_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("govreport.progress", logging.DEBUG)
        logger.addHandler(_ProgressHandler(progress))
        return logger

    return dg.LoggerDefinition(make, description="govreport run's progress lines")
