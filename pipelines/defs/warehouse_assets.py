"""Warehouse assets: load the raw tables, build the dbt models, publish a snapshot for BI tools."""


import io
import json
import shutil
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines import paths
from pipelines.corrections.csvfile import read_corrections
from pipelines.defs.partitions import REPORTS_PARTITION, WRITER_POOL
from pipelines.defs.report_assets import indicator_facts
from pipelines.defs.resources import PipelineSettings, WarehouseResource
from pipelines.ingest.discover import scan_reports
from pipelines.landing.store import LandingStore
from pipelines.landing.workers import WAREHOUSE_VAR
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
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> Iterator[dg.MaterializeResult]:
    """Load new, changed and removed report partitions into the raw DuckDB tables in one transaction."""
    store = LandingStore(settings.landing)
    registered = set(context.instance.get_dynamic_partitions(REPORTS_PARTITION))
    policy = removal_policy(context, settings)
    corrections = read_corrections(Path(settings.corrections_path))
    with warehouse.write(log=context.log) as con:
        summary = sync_raw_tables(con, store, registered, log=context.log, policy=policy, corrections=corrections,
                                  pause=warehouse.pause())
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


def dbt_resource(project: DbtProject) -> DbtCliResource:
    """The dbt CLI resource: the venv's dbt (through ``govreport-dbt``), plain log lines."""
    return DbtCliResource(project_dir=project, profiles_dir=str(project.project_dir),
                          dbt_executable=dbt_executable(), global_config_flags=["--no-use-colors"])


class _LayerGroups(DagsterDbtTranslator):
    """Put each dbt model in the group of its layer (its folder: ``dbt_staging``, ``dbt_marts``, …) and seeds in ``dbt_seeds``."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> dg.AssetSpec:
        """dagster-dbt's spec with the layer's group name."""
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        fqn = props.get("fqn") or []
        layer = fqn[1] if props.get("resource_type") == "model" and len(fqn) > 2 else f"{props.get('resource_type')}s"
        return spec.replace_attributes(group_name=f"dbt_{layer}")


# dagster-dbt 0.29 itself still calls the deprecated ``AssetExecutionContext.op`` when it reads the
# run's dbt selection; nothing in our code can change that, so its warning is silenced here only.
warnings.filterwarnings("ignore", message="AssetExecutionContext.op is deprecated", category=DeprecationWarning,
                        module="dagster_dbt.asset_utils")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)
# `dagster dev` (DAGSTER_IS_DEV_CLI) parses on every load, with the dbt on the PATH (`make dev` puts
# the venv's first); `make install` parses once for everything else.
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():  # a fresh clone that skipped `make install`
    dbt_resource(dbt_project).cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WRITER_POOL,
            dagster_dbt_translator=_LayerGroups())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """Build and test the dbt models (staging views, intermediate de-duplication, marts) in the warehouse."""
    # The warehouse path goes to profiles.yml as a dbt var (govreport-dbt also puts its pidfile beside it).
    args = ["build", "--vars", json.dumps({WAREHOUSE_VAR: str(warehouse.file)})]
    with warehouse.lock(log=context.log), redirect_stdout(LogLines(context.log)):
        # One fixed target folder (runs are serialised by the lock) instead of one new folder per run.
        target = Path(dbt_project.project_dir) / "target" / "dagster"
        yield from dbt.cli(args, context=context, target_path=target).stream()


class LogLines(io.TextIOBase):
    """A text stream that sends each line to a Dagster log at DEBUG (dbt's own output, in the run's log)."""

    def __init__(self, log) -> None:
        self._log = log
        self._pending = ""

    def write(self, text: str) -> int:
        """Log every complete line of ``text``."""
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._log.debug(line)
        return len(text)


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
    """Publish a read-only snapshot of the warehouse (atomic swap) and Parquet exports of the marts."""
    with warehouse.lock(log=context.log):
        # snapshot and Parquet exports are swapped in together, or neither is
        result, exports = publish_with_exports(warehouse.file, Path(settings.published_path),
                                               Path(settings.exports_dir), pause=warehouse.pause())
    context.log.info(f"published {settings.published_path}; exported {len(exports)} tables to {settings.exports_dir}")
    return dg.MaterializeResult(
        metadata={
            "published_path": dg.MetadataValue.path(settings.published_path),
            "exports_dir": dg.MetadataValue.path(settings.exports_dir),
            "tables": {k: int(v) for k, v in result.tables.items()},
            "exports": exports,
        }
    )
