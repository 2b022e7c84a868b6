"""Filesystem locations of the project, with environment-variable overrides."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "data" / "reports"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse" / "govreport.duckdb"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
DEFAULT_CORRECTIONS = PROJECT_ROOT / "data" / "corrections.csv"


def reports_dir() -> Path:
    """The reports drop folder: ``GOVREPORT_REPORTS_DIR`` or ``data/reports``."""
    return Path(os.environ.get("GOVREPORT_REPORTS_DIR", DEFAULT_REPORTS_DIR)).resolve()


def warehouse_path() -> Path:
    """The DuckDB warehouse file: ``GOVREPORT_WAREHOUSE`` or ``data/warehouse/govreport.duckdb``."""
    return Path(os.environ.get("GOVREPORT_WAREHOUSE", DEFAULT_WAREHOUSE)).resolve()


def published_path(warehouse: Path | None = None) -> Path:
    """The read-only snapshot BI tools open: ``<warehouse stem>.published.duckdb`` beside it."""
    wh = warehouse or warehouse_path()
    return Path(os.environ.get("GOVREPORT_PUBLISHED", wh.with_name(wh.stem + ".published.duckdb"))).resolve()


def exports_dir(warehouse: Path | None = None) -> Path:
    """Folder for Parquet exports of the marts.

    ``GOVREPORT_EXPORTS_DIR`` when set; else ``data/exports`` for the default warehouse and
    ``<warehouse folder>/exports`` for a warehouse elsewhere (so test and scratch warehouses never
    write into the project's ``data/exports``).
    """
    if os.environ.get("GOVREPORT_EXPORTS_DIR"):
        return Path(os.environ["GOVREPORT_EXPORTS_DIR"]).resolve()
    if warehouse is None or Path(warehouse).resolve() == DEFAULT_WAREHOUSE.resolve():
        return (PROJECT_ROOT / "data" / "exports").resolve()
    return Path(warehouse).resolve().parent / "exports"


def corrections_path() -> Path:
    """The analysts' corrections CSV: ``GOVREPORT_CORRECTIONS`` or ``data/corrections.csv``."""
    return Path(os.environ.get("GOVREPORT_CORRECTIONS", DEFAULT_CORRECTIONS)).resolve()
