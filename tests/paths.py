"""Where the tests find things: the project, its bundled sample and dbt project, and ../shared.

One home for every path the tests use; ``tests/conftest.py`` turns the ../shared ones into fixtures
that skip with a clear reason when ../shared is absent (a fresh clone has no corpus).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLE_REPORTS = PROJECT_ROOT / "data" / "reports"
SAMPLE_CORRECTIONS = PROJECT_ROOT / "data" / "corrections.csv"
NANJING_2024 = SAMPLE_REPORTS / "city" / "南京市" / "2024.txt"  # the one bundled report

SHARED = PROJECT_ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"
SHARED_REPORTS = SHARED_CORPUS / "reports"
SHARED_HTML = SHARED_CORPUS / "html"
SHARED_CITY_EXCERPTS = SHARED_CORPUS / "city_excerpts"
SHARED_GOLD = SHARED / "gold"

NO_SHARED = "only developer machines and CI have ../shared"


def require(path: Path) -> Path:
    """``path`` under ../shared, or skip the calling test with the reason."""
    import pytest

    if not path.exists():
        pytest.skip(f"{path} not present ({NO_SHARED})")
    return path
