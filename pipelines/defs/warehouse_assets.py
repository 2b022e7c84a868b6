"""Warehouse assets: load the raw tables, build the dbt models, publish a snapshot for BI tools."""


import functools
import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets
from dagster_dbt.asset_utils import get_subset_selection_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from pipelines import paths
from pipelines.corrections.csvfile import read_corrections
from pipelines.defs.partitions import REPORTS_PARTITION, WRITER_POOL
from pipelines.defs.progress import BUILD_MODE_PREFIX, KEPT_METADATA, SKIPPED_NOTE_PREFIX
from pipelines.defs.report_assets import indicator_facts
from pipelines.defs.resources import PipelineSettings, WarehouseResource
from pipelines.ingest.discover import scan_reports
from pipelines.landing.store import LandingStore
from pipelines.warehouse.build_state import (
    FORCE_BUILD_TAG,
    forget_delta_base,
    full_build_reason,
    inputs_digest,
    is_published,
    pending_region_count,
    publish_delta,
    record_build,
    record_published,
)
from pipelines.warehouse.dbt_build import build_events, project_fingerprint, write_manifest
from pipelines.warehouse.guard import ALLOW_REMOVAL_TAG, RemovalPolicy
from pipelines.warehouse.load import raw_row_counts, sync_raw_tables
from pipelines.warehouse.publish import SnapshotDelta, publish_with_exports

RAW_KEYS = {
    "reports": dg.AssetKey(["raw", "reports"]),
    "facts": dg.AssetKey(["raw", "facts"]),
    "keyword_counts": dg.AssetKey(["raw", "keyword_counts"]),
    "ingest_quarantine": dg.AssetKey(["raw", "ingest_quarantine"]),
    "corrections": dg.AssetKey(["raw", "corrections"]),
    "pending_regions": dg.AssetKey(["raw", "pending_regions"]),
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, deps=[indicator_facts], kinds={"duckdb"}, group_name="warehouse",
                     description=f"Raw table raw.{name}, loaded from the staged partitions.")
        for name, key in RAW_KEYS.items()
    ],
    pool=WRITER_POOL,
)
def raw_tables(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> Iterator[dg.MaterializeResult]:
    """Load new, changed and removed report partitions into the raw DuckDB tables in one transaction."""
    store = LandingStore(settings.landing)
    registered = set(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    policy = removal_policy(context, settings)
    corrections = read_corrections(Path(settings.corrections_path))
    with warehouse.write(log=context.log) as con:
        staged = store.ready_partitions()  # listed once: the load plans from it, and it names the stages to drop
        summary = sync_raw_tables(con, store, registered, log=context.log, policy=policy, corrections=corrections,
                                  pause=warehouse.pause(), staged=staged)
        counts = raw_row_counts(con)
    for key in [k for k in staged if k not in registered]:
        store.remove(key)
    context.log.info(
        f"load: {len(summary.partitions_loaded)} partitions (re)loaded, {len(summary.partitions_removed)} removed, "
        f"{summary.partitions_unchanged} unchanged; rows inserted {summary.rows_inserted}; "
        f"duplicates {summary.duplicates}; totals {counts}; corrections from {settings.corrections_path}"
    )
    common = {
        "partitions_loaded": len(summary.partitions_loaded),
        "partitions_removed": len(summary.partitions_removed),
        "partitions_unchanged": summary.partitions_unchanged,
    }
    for name, key in RAW_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                **common,
                "dagster/row_count": counts[name],
                "rows_inserted": summary.rows_inserted.get(name, 0),
                "table": f"raw.{name}",
            },
        )


def removal_policy(context: dg.AssetExecutionContext, settings: PipelineSettings) -> RemovalPolicy:
    """The removal guard for this run: settings, the ``govreport/allow_removal`` run tag, and the unreadable
    folders, found by a walk of the reports folder when the load would remove loaded reports."""
    tag = str(context.run.tags.get(ALLOW_REMOVAL_TAG, "")).strip().lower() in ("1", "true", "yes")

    def find_unreadable() -> tuple[str, ...]:
        if not settings.reports.is_dir():
            return ("",)
        discovery = scan_reports(settings.reports)
        for rel, why in discovery.unreadable:
            context.log.error(f"cannot read {rel} under {settings.reports}: {why}")
        return tuple(discovery.unreadable_prefixes())

    return RemovalPolicy(max_share=settings.max_removal_share, allow=settings.allow_removal or tag,
                         find_unreadable=find_unreadable)


class _LayerGroups(DagsterDbtTranslator):
    """Put each dbt model in the group of its layer (its folder: ``dbt_staging``, ``dbt_marts``, …) and seeds in ``dbt_seeds``."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        """dagster-dbt's spec with the layer's group name."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        fqn = props.get("fqn") or []
        layer = fqn[1] if props.get("resource_type") == "model" and len(fqn) > 2 else f"{props.get('resource_type')}s"
        return spec.replace_attributes(group_name=f"dbt_{layer}")


LAYER_GROUPS = _LayerGroups()


# dagster-dbt 0.29 itself still calls the deprecated ``AssetExecutionContext.op`` when it reads the
# run's dbt selection; nothing in our code can change that, so its warning is silenced here only.
warnings.filterwarnings("ignore", message="AssetExecutionContext.op is deprecated", category=DeprecationWarning,
                        module="dagster_dbt.asset_utils")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
# `dagster dev` (DAGSTER_IS_DEV_CLI) parses on every load, with the dbt on the PATH (`make dev` puts
# the venv's first); `make install` parses once for everything else.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():  # a fresh clone that skipped `make install`
    write_manifest(Path(dbt_project.project_dir), Path(dbt_project.manifest_path).parent)


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WRITER_POOL,
            dagster_dbt_translator=LAYER_GROUPS)
def dbt_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings):
    """Build and test the dbt models (staging views, intermediate de-duplication, marts) in the warehouse.

    dbt runs inside this process on a manifest parsed once per process (see
    :mod:`pipelines.warehouse.dbt_build`); each node's result becomes dagster-dbt's Dagster event.
    The build is incremental: the region-scoped marts are rebuilt only for the regions the loads since
    the last complete build changed (``raw.pending_regions``), unless the dbt project or the corrections
    changed or the run is forced (``--full-refresh``); an incremental build leaves the seeds and views as the
    last complete build made them and skips the tests that read only seeds (:func:`incremental_build_args`).
    In an incremental build the generic tests on the incremental models read only the rows it changed (the pending
    regions' groups, ``dbt_project/macros/tests_on_changed_rows.sql``); a full build tests every row.
    """
    manifest = _manifest_json()
    selection, indirect = get_subset_selection_for_context(
        context=context, manifest=manifest, select="fqn:*", exclude=None, selector=None,
        dagster_dbt_translator=LAYER_GROUPS, current_dbt_indirect_selection_env=None)
    if indirect:
        selection = [*selection, "--indirect-selection", indirect]
    target = dbt_target_path(warehouse.file)
    project_dir = Path(dbt_project.project_dir)
    fingerprint = project_fingerprint(project_dir)
    with warehouse.lock(log=context.log):
        with warehouse.connect_holding_lock(log=context.log) as con:
            digest = inputs_digest(con, fingerprint)
            unchanged = is_published(con, digest) and Path(settings.published_path).exists()
            full_reason = "forced" if _forced(context) else full_build_reason(con, fingerprint)
            pending = pending_region_count(con)
        if unchanged and not _forced(context):
            context.log.info(f"{SKIPPED_NOTE_PREFIX}: the raw tables and the dbt project are those of the last "
                             f"published build (run tag {FORCE_BUILD_TAG}=true builds anyway)")
            return
        kept: list[dg.AssetKey] = []
        if full_reason:
            context.log.info(f"{BUILD_MODE_PREFIX}full ({full_reason})")
            selection = [*selection, "--full-refresh"]
            with warehouse.connect_holding_lock(log=context.log) as con:
                forget_delta_base(con)  # every mart may change, even if the build fails half-way
        else:
            context.log.info(f"{BUILD_MODE_PREFIX}incremental, {pending} regions changed")
            if not context.is_subset:
                selection, kept = incremental_build_args(manifest), kept_by_incremental_build(manifest)
        # Current as the last complete build left them, so reported first (a multi-asset reports in dependency
        # order); the publish waits for every dbt asset.
        for key in kept:
            yield dg.MaterializeResult(asset_key=key, metadata={KEPT_METADATA: KEPT_NOTE})
        # dbt's log lines go to Dagster as one message at the end: Dagster stores every message as an event
        # (a few ms each), and a build writes two lines per node
        lines: list[str] = []
        try:
            for raw in build_events(project_dir, warehouse.file, target, selection, on_line=lines.append):
                yield from DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={}).to_default_asset_events(
                    manifest=manifest, dagster_dbt_translator=LAYER_GROUPS, context=context,
                    target_path=target, project=dbt_project)
        finally:
            if lines:
                context.log.debug("dbt build:\n" + "\n".join(lines))
        if not context.is_subset:  # a partial build leaves the other marts as they were: not a full build
            with warehouse.connect_holding_lock(log=context.log) as con:
                record_build(con, digest, fingerprint, full=bool(full_reason))


# What an incremental build (the project and the corrections as in the last complete build) runs: the models
# materialised as tables, and every data test that reads something other than seeds. Seeds and views are left as
# that build made them: a seed or a view definition changes only with the project's files, and a changed project
# makes the build full. The tests of the views still run, so new raw rows are tested through the staging views;
# a test that reads only seeds would test the same rows the last complete build tested (see incremental_build_args).
INCREMENTAL_SELECTION = ["--select", "resource_type:model,config.materialized:table",
                         "resource_type:model,config.materialized:incremental", "resource_type:test"]
# dbt's file log of an incremental build keeps warnings and errors only: its info lines (two per node) reach
# Dagster's event log anyway (the debug message at the end of dbt_models), and each written line is part of
# dbt's cost per node.
INCREMENTAL_FILE_LOG = ["--log-level-file", "warn"]


def seed_only_tests(manifest: Mapping[str, Any]) -> list[str]:
    """Names of the data tests whose every parent is a seed (``unique_kinds_kind``, …), sorted."""
    nodes = manifest["nodes"]
    return sorted(
        node["name"] for node in nodes.values()
        if node["resource_type"] == "test" and (parents := node.get("depends_on", {}).get("nodes", []))
        and all(nodes.get(p, {}).get("resource_type") == "seed" for p in parents)
    )


def incremental_build_args(manifest: Mapping[str, Any]) -> list[str]:
    """dbt's arguments for an incremental build: :data:`INCREMENTAL_SELECTION` without the seed-only tests
    (their seeds are those the last complete build tested), and the quieter file log."""
    excluded = seed_only_tests(manifest)
    return [*INCREMENTAL_SELECTION, *(["--exclude", *excluded] if excluded else []), *INCREMENTAL_FILE_LOG]


KEPT_NOTE = "kept from the last complete build: an incremental build does not rebuild seeds and views"


def kept_by_incremental_build(manifest: Mapping[str, Any]) -> list[dg.AssetKey]:
    """Asset keys of the seeds and views an incremental build leaves as they are (see INCREMENTAL_SELECTION),
    each after the ones it reads (a view of a view), as a multi-asset must report them."""
    nodes = manifest["nodes"]
    kept = {uid for uid, node in nodes.items() if node["resource_type"] == "seed"
            or (node["resource_type"] == "model" and node["config"].get("materialized") == "view")}

    def depth(uid: str) -> int:
        parents = [p for p in nodes[uid].get("depends_on", {}).get("nodes", []) if p in kept]
        return 1 + max(map(depth, parents)) if parents else 0

    return [LAYER_GROUPS.get_asset_spec(manifest, uid, dbt_project).key
            for uid in sorted(kept, key=lambda uid: (depth(uid), uid))]


PUBLISH_ROWS_BY = "publish_rows_by"


def tables_published_by_region(manifest: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Snapshot table -> its ``meta.publish_rows_by`` columns, for the incremental models that declare them: the
    tables a publish may update region by region (:class:`~pipelines.warehouse.publish.SnapshotDelta`)."""
    out: dict[str, tuple[str, ...]] = {}
    for node in manifest["nodes"].values():
        columns = node.get("config", {}).get("meta", {}).get(PUBLISH_ROWS_BY)
        if node["resource_type"] == "model" and columns and node["config"].get("materialized") == "incremental":
            schema, name = node["schema"], node.get("alias") or node["name"]
            out[name if schema == "main" else f"{schema}.{name}"] = tuple(columns)
    return out


def _forced(context: dg.AssetExecutionContext) -> bool:
    """The run asks for a build whatever the inputs (``govreport/force_build`` tag, the daily schedule sets it)."""
    return str(context.run.tags.get(FORCE_BUILD_TAG, "")).strip().lower() in ("1", "true", "yes")


def dbt_target_path(warehouse: Path) -> Path:
    """dbt's artifacts and log for a warehouse: ``<warehouse folder>/dbt/`` (beside the file they describe)."""
    return Path(warehouse).resolve().parent / "dbt"


@functools.cache
def _manifest_json() -> dict[str, Any]:
    return json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))


@dg.asset(
    key=["published_warehouse"],
    deps=[dbt_models],
    pool=WRITER_POOL,
    group_name="publish",
    kinds={"duckdb", "parquet"},
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    """Publish a read-only snapshot of the warehouse (atomic swap) and Parquet exports of the marts.

    The report texts are merged into a copy of the previous snapshot, and the region-scoped marts updated in it
    for the regions changed since the last publish (``raw.unpublished_regions``) when that snapshot is the one the
    last publish wrote; a forced run (the daily schedule, ``govreport run --rebuild``) copies everything, which
    also drops the free space deleted rows leave.
    """
    forced = _forced(context)
    with warehouse.lock(log=context.log):
        with warehouse.connect_holding_lock(log=context.log) as con:
            changed = None if forced else publish_delta(con)
        by_region = tables_published_by_region(_manifest_json())
        delta = None if changed is None else SnapshotDelta(base=changed.base, regions=changed.regions,
                                                           tables=by_region)
        # snapshot and Parquet exports are swapped in together, or neither is
        result, exports = publish_with_exports(warehouse.file, Path(settings.published_path),
                                               Path(settings.exports_dir), pause=warehouse.pause(),
                                               incremental=not forced, delta=delta, bucketed=by_region)
        with warehouse.connect_holding_lock(log=context.log) as con:
            record_published(con, result.snapshot_id)
    how = (f"{len(result.updated_by_region)} tables updated for {len(changed.regions)} changed regions"
           if changed is not None and result.updated_by_region else "every mart copied")
    context.log.info(f"published {settings.published_path} ({how}); exported {len(exports)} tables to "
                     f"{settings.exports_dir}")
    return dg.MaterializeResult(
        metadata={
            "published_path": dg.MetadataValue.path(settings.published_path),
            "exports_dir": dg.MetadataValue.path(settings.exports_dir),
            "tables": {k: int(v) for k, v in result.tables.items()},
            "snapshot_id": result.snapshot_id,
            "updated_by_region": result.updated_by_region,
            "exports": exports,
        }
    )
