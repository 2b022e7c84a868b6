"""Fixtures for the extraction tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.extract.helpers import SHARED


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` or skip."""
    if not SHARED.exists():
        pytest.skip("../shared not present")
    return SHARED
