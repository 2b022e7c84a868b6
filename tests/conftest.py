"""Shared fixtures: paths to the bundled sample and to ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REPORTS = PROJECT_ROOT / "data" / "reports"
SHARED = PROJECT_ROOT.parent / "shared"
SHARED_REPORTS = SHARED / "corpus" / "reports"


@pytest.fixture(scope="session")
def shared_reports() -> Path:
    """The shared corpus of real reports; skips the test when ../shared is not present."""
    if not SHARED_REPORTS.is_dir():
        pytest.skip("../shared/corpus/reports not present (only developer machines and CI have it)")
    return SHARED_REPORTS


@pytest.fixture(scope="session")
def correction_scenario(tmp_path_factory):
    """The sample run three times with corrections and a changed extractor (tests/corrections/scenario.py)."""
    from tests.corrections.scenario import build_scenario

    return build_scenario(tmp_path_factory.mktemp("corrections"), pytest.MonkeyPatch)
