"""Where hallcheck keeps its data on this device.

Everything lives in one data directory: the SQLite database (`hallcheck.db`, with its
`-wal`/`-shm` companions) and the photo store (`photos/`). By default that is the user's
*data* directory from platformdirs (never a cache directory: a cache may be wiped by the OS,
and unsent inspections must survive). `HALLCHECK_DATA_DIR` overrides it, so tests, kiosks
and several profiles on one machine stay apart.

Settings chosen by the user (language, endpoint, role ...) are not here: they are stored in
the database (`app.services.settings`), so they travel with the data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "hallcheck"
ENV_DATA_DIR = "HALLCHECK_DATA_DIR"
DB_FILENAME = "hallcheck.db"
PHOTOS_DIRNAME = "photos"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory (created on demand): `override`, else $HALLCHECK_DATA_DIR, else
    the platform's user data directory for hallcheck."""
    if override is not None:
        path = Path(override)
    elif os.environ.get(ENV_DATA_DIR):
        path = Path(os.environ[ENV_DATA_DIR])
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Paths:
    """The files of one data directory."""

    root: Path

    @classmethod
    def resolve(cls, override: str | os.PathLike[str] | None = None) -> Paths:
        """Paths for `override` (or the default data directory), directories created."""
        paths = cls(data_dir(override))
        paths.photos.mkdir(parents=True, exist_ok=True)
        return paths

    @property
    def db(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def photos(self) -> Path:
        return self.root / PHOTOS_DIRNAME


def paths(override: str | os.PathLike[str] | None = None) -> Paths:
    """Shorthand for `Paths.resolve(override)`."""
    return Paths.resolve(override)
