"""Assemble the Dagster ``Definitions`` for a reports folder, a warehouse and a corrections CSV."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.defs.automation import (
    corrections_file_sensor,
    daily_full_refresh,
    process_reports_job,
    refresh_warehouse_job,
    report_folder_sensor,
)
from pipelines.defs.checks import ASSET_CHECKS
from pipelines.defs.executors import executor_from_env
from pipelines.defs.report_assets import indicator_facts, report_texts
from pipelines.defs.resources import default_settings, default_warehouse
from pipelines.defs.warehouse_assets import (
    dbt_models,
    published_warehouse,
    raw_tables,
)


def build_definitions(
    reports_dir: Path | None = None, warehouse: Path | None = None, corrections: Path | None = None, *,
    allow_removal: bool | None = None, fault_pause: str = "", loggers: dict[str, dg.LoggerDefinition] | None = None,
    executor: dg.ExecutorDefinition | None = None,
) -> dg.Definitions:
    """Definitions for a reports folder, a warehouse file and a corrections CSV (defaults: environment, then ``data/``).

    ``fault_pause`` is for fault tests only (see :class:`~pipelines.defs.resources.WarehouseResource`).
    ``loggers`` are offered to the jobs besides Dagster's console logger (a run's config picks them).
    ``executor`` runs the jobs' steps; default: the one ``GOVREPORT_EXECUTOR`` names, else Dagster's
    default (see :mod:`pipelines.defs.executors`).
    """
    return dg.Definitions(
        assets=[report_texts, indicator_facts, raw_tables, dbt_models, published_warehouse],
        asset_checks=ASSET_CHECKS,
        jobs=[process_reports_job, refresh_warehouse_job],
        sensors=[report_folder_sensor, corrections_file_sensor],
        schedules=[daily_full_refresh],
        executor=executor or executor_from_env(),
        loggers={"console": dg.colored_console_logger, **(loggers or {})},
        resources={
            "settings": default_settings(reports_dir, warehouse, corrections, allow_removal=allow_removal),
            "warehouse": default_warehouse(warehouse, fault_pause),
        },
    )

