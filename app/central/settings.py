"""How one central endpoint is configured: where its data lives and what it accepts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.sync.protocol import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_REQUEST_BYTES

DATA_DIR_ENV = "HALLCHECK_SERVER_DATA_DIR"
DATABASE_URL_ENV = "HALLCHECK_DATABASE_URL"


def default_server_data_dir() -> Path:
    """$HALLCHECK_SERVER_DATA_DIR, else the platform's data dir for 'hallcheck-server'."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("hallcheck-server", appauthor=False))


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    database_url: str | None = None  # None: SQLite file `server.db` in data_dir
    checklists_path: Path | None = None  # None: data_dir/checklists.yaml, else the shipped one
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'server.db'}"

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    def resolved_checklists_path(self) -> Path | None:
        if self.checklists_path is not None:
            return self.checklists_path
        local = self.data_dir / "checklists.yaml"
        if local.exists():
            return local
        from app.checklists import default_checklists_path

        shipped = default_checklists_path()
        return shipped if shipped.exists() else None

    @classmethod
    def from_env(cls, data_dir: Path | None = None, database_url: str | None = None,
                 **kw: object) -> ServerSettings:
        return cls(
            data_dir=Path(data_dir) if data_dir else default_server_data_dir(),
            database_url=database_url or os.environ.get(DATABASE_URL_ENV) or None,
            **kw,  # type: ignore[arg-type]
        )
