"""Resources: where the reports, the staging area, the warehouse and the published copies live."""


from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import paths


class PipelineSettings(dg.ConfigurableResource):
    """Folders the pipeline reads and writes (defaults from ``GOVREPORT_*`` environment variables)."""

    reports_dir: str
    staging_dir: str
    published_path: str
    exports_dir: str
    corrections_path: str = str(paths.DEFAULT_CORRECTIONS)
    workers: int = 0  # processes for ingest/extract; 0 = one per core when there is enough work

    @property
    def reports(self) -> Path:
        """The reports drop folder."""
        return Path(self.reports_dir)

    @property
    def staging(self) -> Path:
        """The per-partition staging folder."""
        return Path(self.staging_dir)


def default_settings(
    reports_dir: Path | None = None, warehouse: Path | None = None, corrections: Path | None = None
) -> PipelineSettings:
    """Settings for a warehouse file: staging, snapshot and exports sit beside it unless overridden."""
    wh = Path(warehouse) if warehouse else paths.warehouse_path()
    return PipelineSettings(
        reports_dir=str(Path(reports_dir).resolve() if reports_dir else paths.reports_dir()),
        staging_dir=str(wh.parent / "staging"),
        published_path=str(paths.published_path(wh)),
        exports_dir=str(paths.exports_dir() if warehouse is None else wh.parent / "exports"),
        corrections_path=str(Path(corrections).resolve() if corrections else paths.corrections_path()),
    )


def default_duckdb(warehouse: Path | None = None) -> DuckDBResource:
    """The DuckDB resource for the building warehouse file."""
    return DuckDBResource(database=str(Path(warehouse) if warehouse else paths.warehouse_path()))
