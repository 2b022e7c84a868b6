"""Partitioned assets: ingest report files and extract their facts into the landing store."""


import multiprocessing
import os
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import dagster as dg

from pipelines.defs.partitions import report_partitions
from pipelines.defs.progress import progress_message
from pipelines.defs.resources import PipelineSettings
from pipelines.ingest.discover import scan_report_folders
from pipelines.landing.store import LandingStore
from pipelines.landing.unchanged import current_extraction, outcome_summary, plan_ingest
from pipelines.landing.versions import extract_version, ingest_version
from pipelines.landing.work import (
    extraction_payload,
    ingest_file,
    timeout_extraction_payload,
    timeout_ingest_payload,
)
from pipelines.landing.workers import call_with_budget, init_pool_worker

# Below this many reports a process pool costs more than it saves.
_MIN_PARTITIONS_FOR_POOL = 8


# Single-run backfills are what a partitioned run of thousands of reports needs; Dagster marks the
# parameter beta, which is noted here once instead of warned about on every start.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


@dg.asset(
    key=["landing", "report_texts"],
    partitions_def=report_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="ingest",
    kinds={"python"},
)
def report_texts(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    """Decode, normalise and attribute each report file; stage its text and metadata or its quarantine reason."""
    store = LandingStore(settings.landing)
    keys = context.partition_keys
    discovery = scan_report_folders(settings.reports, keys)  # the run's folders, not the whole tree
    files = discovery.files
    for rel, why in discovery.skipped:
        context.log.info(f"skipped {rel}: {why}")
    for rel, why in discovery.unreadable:
        context.log.error(f"cannot read {rel}: {why}")
    missing = [k for k in keys if k not in files]
    for key in missing:
        context.log.warning(f"{key}: no file under {settings.reports} any more; dropping its staged data")
        store.remove(key)
    version = ingest_version()
    plan = plan_ingest(store, files, [k for k in keys if k in files], settings.reports, version)
    jobs = [(str(path), str(settings.reports), key, settings.report_timeout_s, record, version)
            for key, path, record in plan.to_open]
    summaries = {key: record["summary"] for key, record in plan.reused.items()}
    read = unchanged_by_hash = 0
    for key, (payload, record) in _map_reports(context, _ingest_one, jobs, settings, "ingest"):
        if payload is None:  # same bytes as the staged document's file: keep the document
            unchanged_by_hash += 1
        else:
            store.write_document(key, payload)
            read += 1
        if record is not None:
            store.write_source_record(key, record)
        summaries[key] = record["summary"] if record is not None else outcome_summary(payload)
    loaded = rejected = chars = 0
    issues: Counter[str] = Counter()
    for key in sorted(summaries):
        summary = summaries[key]
        for issue in summary["issues"]:
            issues[issue["reason_code"]] += 1
            log = context.log.warning if issue["severity"] != "rejected" else context.log.error
            log(f"{key}: {issue['severity']} ({issue['reason_code']}): {issue['reason']}")
        if summary["document"]:
            loaded += 1
            chars += summary["characters"]
        else:
            rejected += 1
    context.log.info(f"ingest: {read} files read, {len(plan.reused)} unchanged (fingerprint), "
                     f"{unchanged_by_hash} unchanged (content hash)")
    return dg.MaterializeResult(
        metadata={
            "files": len(keys),
            "documents": loaded,
            "rejected": rejected,
            "missing_files": len(missing),
            "skipped_files": len(discovery.skipped),
            "unreadable": len(discovery.unreadable),
            "characters": chars,
            "issues_by_reason": dict(issues),
            "files_read": read,
            "unchanged_by_fingerprint": len(plan.reused),
            "unchanged_by_content": unchanged_by_hash,
        }
    )


def _ingest_one(args: tuple[str, str, str, float, dict | None, str]) -> tuple[str, tuple[dict | None, dict | None]]:
    path, root, key, budget, record, version = args
    done, result = call_with_budget(_ingest, (path, root, key, record, version), budget)
    return key, result if done else (timeout_ingest_payload(Path(path), key, budget), None)


def _ingest(args: tuple[str, str, str, dict | None, str]) -> tuple[dict | None, dict | None]:
    path, root, key, record, version = args
    return ingest_file(Path(path), Path(root), key, record, version)


def _extract_one(args: tuple[str, str, float]) -> tuple[str, tuple[str, dict]]:
    landing_dir, key, budget = args
    staged, document_sha = LandingStore(Path(landing_dir)).read_document(key)
    done, payload = call_with_budget(extraction_payload, staged["document"], budget)
    return key, (document_sha, payload if done else timeout_extraction_payload(budget))


def _map_reports(context: dg.AssetExecutionContext, fn, jobs: list, settings: PipelineSettings, step: str):
    """Yield ``fn(job)`` for every job, on one process per core when there is enough work, logging progress.

    A daemonic process may not start children: a step running in a Celery prefork worker's child
    does the work in its own process (and says so) instead of failing.
    """
    workers = settings.workers or (os.cpu_count() or 1)
    if workers > 1 and len(jobs) >= _MIN_PARTITIONS_FOR_POOL and multiprocessing.current_process().daemon:
        context.log.warning(f"{step}: {len(jobs)} reports in this one process: it is daemonic (a Celery prefork "
                            "worker's child?) and may not start worker processes; Celery workers started with "
                            "--pool solo or threads can")
        workers = 1
    if workers > 1 and len(jobs) >= _MIN_PARTITIONS_FOR_POOL:
        context.log.info(f"{step}: {len(jobs)} reports on {workers} processes")
        with ProcessPoolExecutor(max_workers=workers, initializer=init_pool_worker) as pool:
            yield from _progress(context, pool.map(fn, jobs, chunksize=pool_chunk_size(len(jobs), workers)),
                                 len(jobs), step)
    else:
        yield from _progress(context, map(fn, jobs), len(jobs), step)


# A chunk's reports go to one worker together; when the others are done, it finishes its last chunk
# alone. At about 50 ms a report, 16 keep that tail under a second, at one round trip per 16 reports.
_MAX_POOL_CHUNK = 16


def pool_chunk_size(jobs: int, workers: int) -> int:
    """Reports handed to a pool worker at a time: about 8 chunks per worker, at most :data:`_MAX_POOL_CHUNK`."""
    return max(1, min(_MAX_POOL_CHUNK, jobs // (workers * 8)))


@dg.asset(
    key=["landing", "indicator_facts"],
    deps=[report_texts],
    partitions_def=report_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="extract",
    kinds={"python"},
)
def indicator_facts(context: dg.AssetExecutionContext, settings: PipelineSettings) -> dg.MaterializeResult:
    """Extract indicator facts (with quote and offsets) and policy keyword counts from each staged report."""
    store = LandingStore(settings.landing)
    keys = [k for k in context.partition_keys if (store.partition_dir(k) / "document.json").exists()]
    version = extract_version()
    jobs = []
    tally = _FactTally()
    for key in keys:  # a current extraction is kept, read once here for the counts
        extraction = current_extraction(store, key, version)
        if extraction is None:
            jobs.append((str(settings.landing), key, settings.report_timeout_s))
        else:
            store.note_extract_version(key, version)  # lets the next run see it is current before it starts
            tally.add(context, key, extraction)
    for key, (document_sha, payload) in _map_reports(context, _extract_one, jobs, settings, "extract"):
        store.write_extraction(key, document_sha, {**payload, "extract_version": version})
        tally.add(context, key, payload)
    context.log.info(f"extract: {len(jobs)} reports extracted, {len(keys) - len(jobs)} unchanged")
    total, per_kind, per_indicator, preview_rows = tally.total, tally.per_kind, tally.per_indicator, tally.preview
    preview = "\n".join(
        ["| partition | indicator | kind | period | value | unit | quote |", "|---|---|---|---|---|---|---|"]
        + [
            f"| {k} | {f['indicator_id']} | {f['kind']} | {f['period_year']} | "
            f"{f['value'] if f['value'] is not None else str(f['value_low']) + '–' + str(f['value_high'])} | "
            f"{f['unit']} | {f['quote'][:40]} |"
            for k, f in preview_rows[:15]
        ]
    )
    return dg.MaterializeResult(
        metadata={
            "reports": len(keys),
            "facts": total,
            "facts_per_kind": dict(per_kind),
            "facts_per_indicator": dict(per_indicator.most_common()),
            "preview": dg.MetadataValue.md(preview),
            "extracted": len(jobs),
            "unchanged": len(keys) - len(jobs),
        }
    )


class _FactTally:
    """Counts of the facts of the extractions of one run (kept or new) and the first few for a preview."""

    def __init__(self) -> None:
        self.per_indicator: Counter[str] = Counter()
        self.per_kind: Counter[str] = Counter()
        self.total = 0
        self.preview: list[tuple[str, dict]] = []

    def add(self, context: dg.AssetExecutionContext, key: str, payload: dict) -> None:
        if payload.get("error"):
            context.log.error(f"{key}: rejected ({payload['error']['reason_code']}): {payload['error']['reason']}")
        facts = payload["facts"]
        self.total += len(facts)
        self.per_indicator.update(f["indicator_id"] for f in facts)
        self.per_kind.update(f["kind"] for f in facts)
        if len(self.preview) < 15:
            self.preview.extend((key, f) for f in facts[:3])


def _progress(context: dg.AssetExecutionContext, results, total: int, step: str):
    every = max(1, total // 50)
    for i, item in enumerate(results, 1):
        if i % every == 0 or i == total:
            context.log.info(progress_message(step, i, total, "reports"))
        yield item
