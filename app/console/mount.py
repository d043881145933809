"""Compose the endpoint with its console: one uvicorn process, one port.

`build_app(settings)` is `app.central.create_app` plus the console: the signed file route at
/console/files/ and the Flet web app at /console/ (flet_web's FastAPI sub-app, no CDN, the
CJK font from assets/). The JSON API keeps /api/v1. `app.central` never imports this module
(the console depends on the office, not the other way round); `hallcheck server` does.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from app.central.context import ServerContext
from app.central.settings import ServerSettings

log = logging.getLogger("hallcheck.console")

CONSOLE_PATH = "/console"


def mount_console(app: FastAPI, ctx: ServerContext | None = None) -> FastAPI:
    """Add the console to an endpoint app made by `app.central.create_app`."""
    import flet.fastapi as flet_fastapi

    from app.console import theme
    from app.console.files import ConsoleFiles, install_routes
    from app.console.shell import make_main

    ctx = ctx or app.state.ctx
    files = ConsoleFiles(ctx)
    app.state.console_files = files
    install_routes(app, files)  # before the mount: /console/files/... is ours, not Flet's

    @app.get(CONSOLE_PATH, include_in_schema=False)
    def console_slash() -> RedirectResponse:
        return RedirectResponse(f"{CONSOLE_PATH}/")

    from app.console.resume import RememberRequestedSession  # tabs survive a worker

    app.mount(CONSOLE_PATH, RememberRequestedSession(flet_fastapi.app(
        make_main(ctx, files), no_cdn=True, assets_dir=str(theme.assets_dir()),
        app_name="hallcheck", app_short_name="hallcheck")))
    _start_flet_with(app)
    return app


def _start_flet_with(app: FastAPI) -> None:
    """Run Flet's session manager (it evicts closed sessions) in the app's lifespan: a
    mounted sub-app's own lifespan is never run by Starlette."""
    import flet.fastapi as flet_fastapi

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        await flet_fastapi.app_manager.start()
        try:
            async with inner(a) as state:
                yield state
        finally:
            await flet_fastapi.app_manager.shutdown()

    app.router.lifespan_context = lifespan


def _redact_tickets(record: logging.LogRecord) -> bool:
    """Keep signed file tickets out of the access log (they grant a download for minutes)."""
    args = record.args
    if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) \
            and args[2].startswith(f"{CONSOLE_PATH}/files/"):
        record.args = (*args[:2], f"{CONSOLE_PATH}/files/…", *args[3:])
    return True


def build_app(settings: ServerSettings) -> FastAPI:
    """The endpoint with its console (what `hallcheck server` runs)."""
    from app.central import create_app

    return mount_console(create_app(settings))


def serve(settings: ServerSettings, host: str = "127.0.0.1", port: int = 8765,
          log_level: str = "info", ssl_certfile: str | None = None,
          ssl_keyfile: str | None = None) -> None:
    """Run the endpoint and its console until interrupted (same options as
    `app.central.serve`)."""
    import uvicorn

    logging.getLogger("uvicorn.access").addFilter(_redact_tickets)
    from app.central import log_config

    uvicorn.run(build_app(settings), host=host, port=port, log_level=log_level,
                access_log=True, server_header=False, timeout_keep_alive=30,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                log_config=log_config(log_level))
