"""Shared fixtures: ../shared (skipped when absent), the session's sample warehouse, the correction scenario.

Paths live in tests/paths.py. Markers (pyproject.toml): ``slow`` for tests that build their own
warehouse through Dagster/dbt or kill processes (``pytest -m "not slow"`` leaves them out),
``corpus`` for tests that need ../shared.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.paths import (  # noqa: F401  (PROJECT_ROOT, SAMPLE_REPORTS, SHARED: re-exported for older imports)
    PROJECT_ROOT,
    SAMPLE_CORRECTIONS,
    SAMPLE_REPORTS,
    SHARED,
    SHARED_GOLD,
    SHARED_HTML,
    SHARED_REPORTS,
    require,
)

if TYPE_CHECKING:
    import dagster as dg

    from pipelines.defs.runner import RunOutcome


# Fixtures that run builds of their own (beyond the one shared sample warehouse): a test that uses one is slow.
SLOW_FIXTURES = {"correction_scenario", "reporting_warehouse"}


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark ``slow`` every test that needs one of :data:`SLOW_FIXTURES` (directly or through another fixture)."""
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; skips the test when it is not present."""
    return require(SHARED)


@pytest.fixture(scope="session")
def shared_reports() -> Path:
    """The shared corpus of real reports; skips the test when ../shared is not present."""
    return require(SHARED_REPORTS)


@pytest.fixture(scope="session")
def shared_html() -> Path:
    """The shared portal pages (HTML); skips the test when ../shared is not present."""
    return require(SHARED_HTML)


@dataclass(frozen=True)
class SampleBuild:
    """The bundled sample run twice into one fresh warehouse by the real in-process Dagster run."""

    first: RunOutcome
    second: RunOutcome  # the re-run on unchanged files: it must change nothing
    facts_after_first: list[tuple]  # tests.pipeline.helpers.fact_rows after the first run
    instance: dg.DagsterInstance  # the instance both runs used (partitions registered)
    root: Path  # holds reports/ (a copy of data/reports), corrections.csv (a copy of data's) and wh/

    @property
    def warehouse(self) -> Path:
        """The building warehouse file."""
        return self.first.warehouse

    @property
    def published(self) -> Path:
        """The published (read-only) snapshot."""
        return self.first.published


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """One warehouse per session for the tests that only read it (do not write to it; copy it first).

    ingest -> extract -> landing -> raw tables -> dbt build -> checks -> publish, on a copy of the
    bundled sample and its (empty) corrections file, then the same run again (the idempotency tests
    compare the two). The correction scenario starts from a copy of it.
    """
    import dagster as dg

    from pipelines.defs.runner import run_pipeline
    from tests.pipeline.helpers import fact_rows

    root = tmp_path_factory.mktemp("sample")
    reports = root / "reports"
    shutil.copytree(SAMPLE_REPORTS, reports)
    corrections = root / "corrections.csv"
    shutil.copy(SAMPLE_CORRECTIONS, corrections)
    warehouse = root / "wh" / "govreport.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    first = run_pipeline(reports, warehouse, instance=instance, corrections=corrections)
    assert first.success, first.error
    facts_after_first = fact_rows(warehouse)
    second = run_pipeline(reports, warehouse, instance=instance, corrections=corrections)
    assert second.success, second.error
    return SampleBuild(first, second, facts_after_first, instance, root)


@pytest.fixture(scope="session")
def correction_scenario(sample_build, tmp_path_factory):
    """The sample run, then twice more with corrections and a changed extractor (tests/corrections/scenario.py)."""
    from tests.corrections.scenario import build_scenario

    return build_scenario(tmp_path_factory.mktemp("corrections"), pytest.MonkeyPatch, sample_build)

