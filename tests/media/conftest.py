"""Fixtures for photo-intake tests: the real-photo corpus and a fresh store directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from .imaging import CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The 18 real phone photos (Landscape_N / Portrait_N, EXIF orientation N)."""
    if not (CORPUS / "Landscape_0.jpg").is_file():
        pytest.fail(f"photo corpus missing at {CORPUS.resolve()}: shared/ must sit beside the repo")
    return CORPUS


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A photo store directory that does not exist yet (intake must create it)."""
    return tmp_path / "store"
