"""Resources: where the reports, the landing store, the warehouse and the published copies live."""


from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from pipelines import paths
from pipelines.warehouse.connection import (
    connect_holding_lock,
    open_warehouse,
    read_warehouse,
    warehouse_lock,
)
from pipelines.warehouse.faults import Pause, marker_pause
from pipelines.warehouse.guard import DEFAULT_MAX_REMOVAL_SHARE, allow_removal_from_env, max_share_from_env


class PipelineSettings(dg.ConfigurableResource):
    """Folders the pipeline reads and writes (defaults from ``GOVREPORT_*`` environment variables)."""

    reports_dir: str
    landing_dir: str
    published_path: str
    exports_dir: str
    corrections_path: str = str(paths.DEFAULT_CORRECTIONS)
    workers: int = 0  # processes for ingest/extract; 0 = one per core when there is enough work
    allow_removal: bool = False  # let a run remove more than max_removal_share of the loaded reports
    max_removal_share: float = DEFAULT_MAX_REMOVAL_SHARE
    report_timeout_s: float = 120.0  # per-report budget for ingest and for extraction; 0 = none

    @property
    def reports(self) -> Path:
        """The reports drop folder."""
        return Path(self.reports_dir)

    @property
    def landing(self) -> Path:
        """The per-partition landing folder."""
        return Path(self.landing_dir)


def default_settings(
    reports_dir: Path | None = None, warehouse: Path | None = None, corrections: Path | None = None, *,
    allow_removal: bool | None = None,
) -> PipelineSettings:
    """Settings for a warehouse file: landing store and snapshot sit beside it unless overridden.

    Exports go to ``GOVREPORT_EXPORTS_DIR`` when set, else ``data/exports`` for the default
    warehouse and ``<warehouse folder>/exports`` for any other. ``allow_removal`` defaults to
    ``GOVREPORT_ALLOW_REMOVAL``; the allowed share of removals comes from ``GOVREPORT_MAX_REMOVAL_SHARE``.
    ``corrections`` defaults to ``GOVREPORT_CORRECTIONS``, else ``data/corrections.csv``.
    """
    wh = Path(warehouse).resolve() if warehouse else paths.warehouse_path()
    return PipelineSettings(
        reports_dir=str(Path(reports_dir).resolve() if reports_dir else paths.reports_dir()),
        landing_dir=str(wh.parent / "landing"),
        published_path=str(paths.published_path(wh)),
        exports_dir=str(paths.exports_dir(wh)),
        allow_removal=allow_removal_from_env() if allow_removal is None else allow_removal,
        max_removal_share=max_share_from_env(),
        corrections_path=str(Path(corrections).resolve() if corrections else paths.corrections_path()),
    )


class WarehouseResource(dg.ConfigurableResource):
    """The building DuckDB warehouse: read-only connections for many readers, one writer at a time.

    ``read()`` never takes the writer lock (see :mod:`pipelines.warehouse.connection`); ``write()``
    and ``lock()`` do, and clear a dbt or DuckDB lock left behind by a killed run first.
    """

    path: str = Field(description="The building warehouse file (the published snapshot is a copy of it).")
    fault_pause: str = Field(
        default="",
        description="For fault tests only: '<stage>:<marker file>' pauses the load or the publish at that "
                    "stage (see pipelines.warehouse.faults). Empty in every normal run.",
    )

    @property
    def file(self) -> Path:
        """The warehouse file as a path."""
        return Path(self.path)

    @contextmanager
    def read(self, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection (shared reader lock: waits only while a writer is writing)."""
        with read_warehouse(self.file, log=log) as con:
            yield con

    @contextmanager
    def write(self, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection under the exclusive writer lock, with the raw schema present."""
        with open_warehouse(self.file, log=log) as con:
            yield con

    @contextmanager
    def connect_holding_lock(self, log=None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection for a step already inside :meth:`lock` (its own bookkeeping writes)."""
        with connect_holding_lock(self.file, log=log) as con:
            yield con

    @contextmanager
    def lock(self, log=None) -> Iterator[None]:
        """The writer lock without a connection, for a writer in another process (dbt) or a copy (publish)."""
        with warehouse_lock(self.file, log=log):
            yield

    def pause(self) -> Pause | None:
        """The fault-test pause hook, or ``None`` (the normal case)."""
        return marker_pause(self.fault_pause)


def default_warehouse(warehouse: Path | None = None, fault_pause: str = "") -> WarehouseResource:
    """The warehouse resource for a file (default ``GOVREPORT_WAREHOUSE`` or data/warehouse/govreport.duckdb)."""
    return WarehouseResource(path=str(Path(warehouse) if warehouse else paths.warehouse_path()),
                             fault_pause=fault_pause)
