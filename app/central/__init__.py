"""The central endpoint: FastAPI app, its own tables and migrations, photo storage.

`create_app(settings)` builds the ASGI app; `serve(settings, host, port)` runs it on uvicorn
(what `hallcheck server` does).
"""

from __future__ import annotations

import copy
from typing import Any

from app.central.api import create_app
from app.central.settings import ServerSettings

__all__ = ["ServerSettings", "create_app", "log_config", "serve"]


def serve(settings: ServerSettings, host: str = "127.0.0.1", port: int = 8765,
          log_level: str = "info", ssl_certfile: str | None = None,
          ssl_keyfile: str | None = None) -> None:
    """Run the endpoint until interrupted (HTTPS when a certificate and key are given;
    otherwise put it behind a TLS-terminating reverse proxy)."""
    import uvicorn

    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=True,
                server_header=False, timeout_keep_alive=30, ssl_certfile=ssl_certfile,
                ssl_keyfile=ssl_keyfile, log_config=log_config(log_level))


def log_config(log_level: str = "info") -> dict[str, Any]:
    """uvicorn's logging set-up plus the endpoint's own loggers (hallcheck.*), written
    beside uvicorn's at the same level (without it their info lines go nowhere)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["hallcheck"] = {"handlers": ["default"], "level": log_level.upper(),
                                      "propagate": False}
    return config
