"""Jobs, the new-file sensor and the daily full-refresh schedule."""


import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.defs.partitions import REPORTS_PARTITION, report_partitions
from pipelines.defs.resources import PipelineSettings
from pipelines.defs.warehouse_assets import dbt_models, published_warehouse, raw_tables
from pipelines.ingest.discover import Discovery, scan_reports
from pipelines.warehouse.build_state import FORCE_BUILD_TAG
from pipelines.warehouse.guard import ALLOW_REMOVAL_ENV, plan_removal

REPORT_JOB = "process_reports"
REFRESH_JOB = "refresh_warehouse"

process_reports_job = dg.define_asset_job(
    REPORT_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest and extract the selected report partitions, then load, build the marts and publish.",
)

refresh_warehouse_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.assets(raw_tables, dbt_models, published_warehouse),
    description="Load what is staged (dropping removed reports), rebuild the marts and publish. No extraction.",
)


def covering_range(order: list[str], keys: set[str]) -> list[str]:
    """The partitions of ``order`` from the first to the last of ``keys`` (one pass), or [] when none is there.

    One run covers one contiguous range of the registered order; new files are registered at its end,
    so the range of the files added together is exactly those files.
    """
    positions = [i for i, key in enumerate(order) if key in keys]
    return order[positions[0]:positions[-1] + 1] if positions else []


def partition_range_tags(keys: list[str]) -> dict[str, str]:
    """Run tags that make one run cover every partition from ``keys[0]`` to ``keys[-1]``."""
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_report_folder(
    reports_dir: Path, previous: dict[str, list], discovery: Discovery | None = None
) -> dict[str, list]:
    """Fingerprint every report file as ``[size, mtime_ns, sha256]``, hashing only files whose stat changed.

    A file that cannot be read is left out (the removal guard decides what that means).
    """
    discovery = discovery or scan_reports(reports_dir)
    state: dict[str, list] = {}
    for key, path in discovery.files.items():
        try:
            stat = path.stat()
            old = previous.get(key)
            if old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
                state[key] = old
            else:
                state[key] = [stat.st_size, stat.st_mtime_ns, _file_sha256(path)]
        except OSError:
            continue
    return state


def _one_run_for(keys: list[str], order: list[str], current: dict[str, list]) -> dg.RunRequest | None:
    """One run for every new or changed file of a sensor tick: the range of partitions from the first to the
    last of ``keys`` in the registered ``order`` (new files are registered at its end, so files dropped
    together are one contiguous range). One run loads, builds and publishes once for the whole batch; a
    current partition inside the range is recognised by the ingest and extract steps and costs little.
    The run key names every file's content hash, so the same batch is never requested twice."""
    if not keys:
        return None
    run_key = "|".join(f"{k}@{current[k][2][:16]}" for k in keys)
    if len(keys) == 1:
        return dg.RunRequest(partition_key=keys[0], run_key=run_key, job_name=REPORT_JOB)
    digest = hashlib.sha256(run_key.encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"batch of {len(keys)}@{digest}", job_name=REPORT_JOB,
                         tags=partition_range_tags(covering_range(order, set(keys))))


@dg.sensor(
    jobs=[process_reports_job, refresh_warehouse_job],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def report_folder_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    """Register new report files as partitions and request one run for the new and changed files of a tick.

    The cursor holds every file's fingerprint, so an unchanged folder requests nothing. A removed
    file's partition is deleted and one refresh run drops its facts from the warehouse.
    """
    previous: dict[str, list] = json.loads(context.cursor) if context.cursor else {}
    discovery = scan_reports(settings.reports)
    current = scan_report_folder(settings.reports, previous, discovery)
    registered = set(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    new_keys = sorted(k for k in current if k not in registered)
    changed = sorted(k for k in current if k not in previous or previous[k][2] != current[k][2])
    removed = sorted(k for k in registered if k not in current)
    if removed:
        unreadable = {k for k in registered if discovery.is_under_unreadable(k) or (k in discovery.files and k not in current)}
        plan = plan_removal(registered, current, unreadable)
        problem = plan.problem(settings.max_removal_share)
        if problem and not settings.allow_removal:
            context.log.error(
                f"not removing report partitions: {problem}. Set allow_removal on the settings resource "
                f"(or {ALLOW_REMOVAL_ENV}=1) if this is meant."
            )
            for key in removed:  # keep them registered and remembered until the folder is right again
                if key in previous:
                    current[key] = previous[key]
            removed = []
    order = [k for k in context.instance.get_dynamic_partitions(REPORTS_PARTITION) if k not in removed] + new_keys
    requests = [request] if (request := _one_run_for(sorted(set(changed) | set(new_keys)), order, current)) else []
    if removed:
        requests.append(dg.RunRequest(run_key=f"removed:{','.join(removed)}@{len(current)}", job_name=REFRESH_JOB))
    partition_requests = []
    if new_keys:
        partition_requests.append(report_partitions.build_add_request(new_keys))
    if removed:
        partition_requests.append(report_partitions.build_delete_request(removed))
    if requests:
        context.log.info(
            f"{len(new_keys)} new, {len(changed)} new or changed, {len(removed)} removed report files"
        )
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=partition_requests,
        cursor=json.dumps(current, sort_keys=True),
    )


@dg.schedule(
    job=process_reports_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def daily_full_refresh(context: dg.ScheduleEvaluationContext):
    """Every day at 06:00 Beijing time, re-process every registered report in one run."""
    keys = context.instance.get_dynamic_partitions(REPORTS_PARTITION)
    if not keys:
        return dg.SkipReason("no report partitions registered yet (the sensor registers files)")
    return dg.RunRequest(
        run_key=None,
        tags={**partition_range_tags(list(keys)), "govreport/trigger": "daily_full_refresh",
              FORCE_BUILD_TAG: "true"},  # the whole dbt suite once a day, whatever changed
    )


@dg.sensor(
    jobs=[refresh_warehouse_job],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def corrections_file_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings) -> dg.SensorResult:
    """Request a refresh run (load, dbt build, publish) when the corrections CSV changes.

    The cursor is the file's sha256; the first evaluation only records it. No extraction runs: a
    correction changes the marts, not the facts.
    """
    path = Path(settings.corrections_path)
    digest = _file_sha256(path) if path.exists() else "absent"
    if context.cursor is None or context.cursor == digest:
        return dg.SensorResult(run_requests=[], cursor=digest)
    context.log.info(f"{path} changed: refreshing the warehouse")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"corrections@{digest[:16]}", job_name=REFRESH_JOB)], cursor=digest
    )
