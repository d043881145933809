"""programme.yaml's `perception:` section as PerceptionSettings (None when absent)."""

from __future__ import annotations

from app.programme.perception.settings import PerceptionSettings


def settings_from_programme() -> PerceptionSettings | None:
    """Filled in with the loader's `perception:` section."""
    return None
