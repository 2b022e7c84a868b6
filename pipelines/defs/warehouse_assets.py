"""Warehouse assets: load the raw tables, build the dbt models, publish a snapshot for BI tools."""


import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from pipelines import paths
from pipelines.corrections.csvfile import read_corrections
from pipelines.defs.partitions import REPORTS_PARTITION, WRITER_POOL
from pipelines.defs.report_assets import indicator_facts
from pipelines.defs.resources import PipelineSettings
from pipelines.ingest.discover import scan_reports
from pipelines.landing.store import LandingStore
from pipelines.warehouse.connection import dbt_pidfile, open_warehouse, warehouse_lock
from pipelines.warehouse.guard import ALLOW_REMOVAL_TAG, RemovalPolicy
from pipelines.warehouse.load import raw_row_counts, sync_raw_tables
from pipelines.warehouse.publish import publish_with_exports

RAW_KEYS = {
    "reports": dg.AssetKey(["raw", "reports"]),
    "facts": dg.AssetKey(["raw", "facts"]),
    "keyword_counts": dg.AssetKey(["raw", "keyword_counts"]),
    "ingest_quarantine": dg.AssetKey(["raw", "ingest_quarantine"]),
    "corrections": dg.AssetKey(["raw", "corrections"]),
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
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> Iterator[dg.MaterializeResult]:
    """Load new, changed and removed report partitions into the raw DuckDB tables in one transaction."""
    store = LandingStore(settings.landing)
    registered = set(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    warehouse = Path(duckdb.database)
    policy = removal_policy(context, settings)
    corrections = read_corrections(Path(settings.corrections_path))
    with open_warehouse(warehouse, log=context.log) as con:
        summary = sync_raw_tables(con, store, registered, log=context.log, policy=policy, corrections=corrections)
        counts = raw_row_counts(con)
    for key in [k for k in store.ready_partitions() if k not in registered]:
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
    """The removal guard for this run: settings, the ``govreport/allow_removal`` run tag, unreadable folders."""
    tag = str(context.run.tags.get(ALLOW_REMOVAL_TAG, "")).strip().lower() in ("1", "true", "yes")
    discovery = scan_reports(settings.reports)
    for rel, why in discovery.unreadable:
        context.log.error(f"cannot read {rel} under {settings.reports}: {why}")
    prefixes = tuple(discovery.unreadable_prefixes()) if settings.reports.is_dir() else ("",)
    return RemovalPolicy(max_share=settings.max_removal_share, allow=settings.allow_removal or tag,
                         unreadable_prefixes=prefixes)


def dbt_executable() -> str:
    """``govreport-dbt`` beside this Python (the venv's dbt, made to die with the run), else that
    dbt, else whatever ``dbt`` is on the PATH."""
    for name in ("govreport-dbt", "dbt"):
        beside = Path(sys.executable).parent / name
        if beside.exists():
            return str(beside)
    return shutil.which("dbt") or "dbt"


def _prepared_dbt_project() -> DbtProject:
    project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
    if not project.manifest_path.exists():
        # A fresh clone has no manifest yet: parse once (`make install` does it up front).
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(project.project_dir),
             "--profiles-dir", str(project.project_dir), "--target-path", str(project.target_path)],
            check=True,
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        )
    return project


dbt_project = _prepared_dbt_project()


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WRITER_POOL)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource):
    """Build and test the dbt models (staging views, intermediate de-duplication, marts) in the warehouse."""
    warehouse = Path(duckdb.database)
    os.environ["GOVREPORT_WAREHOUSE"] = str(warehouse)  # profiles.yml reads the path from here
    os.environ["GOVREPORT_DBT_PIDFILE"] = str(dbt_pidfile(warehouse))  # govreport-dbt records its pid
    with warehouse_lock(warehouse, log=context.log):
        # One fixed target folder (runs are serialised by the lock) instead of one new folder per run.
        target = Path(dbt_project.project_dir) / "target" / "dagster"
        yield from dbt.cli(["build"], context=context, target_path=target).stream()


@dg.asset(
    key=["published_warehouse"],
    deps=[dbt_models],
    pool=WRITER_POOL,
    group_name="publish",
    kinds={"duckdb", "parquet"},
)
def published_warehouse(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    """Publish a read-only snapshot of the warehouse (atomic swap) and Parquet exports of the marts."""
    warehouse = Path(duckdb.database)
    with warehouse_lock(warehouse, log=context.log):
        # snapshot and Parquet exports are swapped in together, or neither is
        result, exports = publish_with_exports(warehouse, Path(settings.published_path), Path(settings.exports_dir))
    context.log.info(f"published {settings.published_path}; exported {len(exports)} tables to {settings.exports_dir}")
    return dg.MaterializeResult(
        metadata={
            "published_path": dg.MetadataValue.path(settings.published_path),
            "exports_dir": dg.MetadataValue.path(settings.exports_dir),
            "tables": {k: int(v) for k, v in result.tables.items()},
            "exports": exports,
        }
    )
