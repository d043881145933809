"""programme.yaml's `perception:` section as PerceptionSettings (None without a rule book).

Read from the programme file the office uses (default_programme_path, i.e. the data dir's
or the shipped one), once per version of the file."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from app.programme.perception.settings import PerceptionSettings

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _load(path: str, _stamp: tuple[int, int]) -> PerceptionSettings:
    from app.programme.rules_loader import load_rules_file, perception_settings_of

    return perception_settings_of(load_rules_file(path).source)


def settings_from_programme(path: Path | None = None) -> PerceptionSettings | None:
    """The settings of `path` (default: the programme file in use); None when there is
    none. A broken file is the programme validator's to report: it raises here too."""
    from app.programme.rules_loader import default_programme_path

    path = path or default_programme_path()
    try:
        st = path.stat()
    except OSError:
        return None
    return _load(str(path), (st.st_mtime_ns, st.st_size))
