"""The central endpoint: FastAPI app, its own tables and migrations, photo storage.

`create_app(settings)` builds the ASGI app; `serve(settings, host, port)` runs it on uvicorn
(what `hallcheck server` does).
"""

from __future__ import annotations

from app.central.api import create_app
from app.central.settings import ServerSettings

__all__ = ["ServerSettings", "create_app", "serve"]


def serve(settings: ServerSettings, host: str = "127.0.0.1", port: int = 8765,
          log_level: str = "info", ssl_certfile: str | None = None,
          ssl_keyfile: str | None = None) -> None:
    """Run the endpoint until interrupted (HTTPS when a certificate and key are given;
    otherwise put it behind a TLS-terminating reverse proxy)."""
    import uvicorn

    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=True,
                server_header=False, timeout_keep_alive=30, ssl_certfile=ssl_certfile,
                ssl_keyfile=ssl_keyfile)
