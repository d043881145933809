"""`hallcheck server`: run the central endpoint (FastAPI on uvicorn) with the manager
console at /console/ on the same port (composed in app.console.mount).

`--workers N` runs N processes on one listening socket under uvicorn's supervisor, which
restarts a worker that dies. Every worker is stateless: what a request needs is in the
database (tokens, console sessions, throttles, issued checklists) or the photo store. The
migrations run once, before the workers start, and again (as a no-op) in each worker under
the database's migration lock, so several hosts starting together are safe as well.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer

from app.i18n import t

# How the supervisor hands its settings to the workers it spawns: the environment (the
# workers are fresh interpreters that import `worker_app`).
CHECKLISTS_ENV = "HALLCHECK_SERVER_CHECKLISTS"
_WORKER_ENV = "HALLCHECK_SERVER_WORKER"


def register(cli: typer.Typer) -> None:
    """Add `hallcheck server` to the root command."""

    @cli.command("server", help=t("sync.cli.server.help", "en"))
    def server(
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
        port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port"),
        data_dir: Path = typer.Option(None, "--data-dir", envvar="HALLCHECK_SERVER_DATA_DIR",
                                      help="server data (SQLite file, photos)"),
        database_url: str = typer.Option(None, "--database-url", envvar="HALLCHECK_DATABASE_URL",
                                         help="e.g. postgresql+psycopg://user@host/db "
                                         "(default: SQLite in the data dir)"),
        checklists: Path = typer.Option(None, "--checklists",
                                        help="checklists.yaml to issue (default: "
                                        "DATA_DIR/checklists.yaml, else the shipped one)"),
        log_level: str = typer.Option("info", "--log-level", help="uvicorn log level"),
        ssl_certfile: Path = typer.Option(None, "--ssl-certfile",
                                          help="serve HTTPS with this certificate (PEM)"),
        ssl_keyfile: Path = typer.Option(None, "--ssl-keyfile", help="its private key (PEM)"),
        workers: int = typer.Option(1, "--workers", envvar="HALLCHECK_SERVER_WORKERS",
                                    help="worker processes (PostgreSQL recommended above 1)"),
        photo_store: str = typer.Option(None, "--photo-store", envvar="HALLCHECK_PHOTO_STORE",
                                        help="s3://bucket/prefix (endpoint and keys from "
                                        "AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, "
                                        "AWS_SECRET_ACCESS_KEY); default DATA_DIR/photos"),
    ) -> None:
        from app.central import ServerSettings
        from app.console.mount import CONSOLE_PATH, serve  # the endpoint with its console
        from app.errors import UserError

        if not 1 <= workers <= 64:
            raise UserError("scale.server.bad_workers", value=workers)
        settings = ServerSettings.from_env(data_dir, database_url, checklists_path=checklists,
                                           photo_store=photo_store or None)
        store = ""
        if settings.photo_store:
            from app.central.photos import open_photo_store

            store = t("scale.server.store", where=open_photo_store(settings).describe())
        typer.echo(t("sync.cli.server.starting", host=host, port=port,
                     scheme="https" if ssl_certfile else "http",
                     data_dir=str(settings.data_dir),
                     database="PostgreSQL" if settings.url.startswith("postgresql")
                     else "SQLite"), err=True)
        scheme = "https" if ssl_certfile else "http"
        typer.echo(t("console.cli.url", url=f"{scheme}://{host}:{port}{CONSOLE_PATH}/"),
                   err=True)
        tls = {"ssl_certfile": str(ssl_certfile) if ssl_certfile else None,
               "ssl_keyfile": str(ssl_keyfile) if ssl_keyfile else None}
        if workers == 1:
            serve(settings, host=host, port=port, log_level=log_level, **tls)
            return
        typer.echo(t("scale.server.workers", n=workers, store=store), err=True)
        if not settings.url.startswith("postgresql"):
            typer.echo(t("scale.server.sqlite_workers"), err=True)
        serve_workers(settings, workers, host=host, port=port, log_level=log_level, **tls)


def serve_workers(settings: Any, workers: int, *, host: str, port: int, log_level: str,
                  ssl_certfile: str | None, ssl_keyfile: str | None) -> None:
    """Migrate once, then run `workers` processes of `worker_app` under uvicorn's supervisor
    (a worker that dies is started again; SIGTERM/SIGINT stop them all)."""
    import uvicorn

    from app.central import log_config
    from app.central.db import make_engine, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    os.environ["HALLCHECK_SERVER_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        os.environ["HALLCHECK_DATABASE_URL"] = settings.database_url
    if settings.checklists_path:
        os.environ[CHECKLISTS_ENV] = str(settings.checklists_path)
    if settings.photo_store:
        os.environ["HALLCHECK_PHOTO_STORE"] = settings.photo_store
    os.environ[_WORKER_ENV] = "1"
    uvicorn.run("app.cli.server:worker_app", factory=True, workers=workers, host=host,
                port=port, log_level=log_level, access_log=True, server_header=False,
                timeout_keep_alive=30, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
                log_config=log_config(log_level), timeout_graceful_shutdown=10)


def worker_app() -> Any:
    """One worker's app (uvicorn imports this in each worker process): the endpoint with
    its console, built from the settings the supervisor put in the environment."""
    import logging

    from app.central import ServerSettings
    from app.console.mount import _redact_tickets, build_app

    logging.getLogger("uvicorn.access").addFilter(_redact_tickets)
    checklists = os.environ.get(CHECKLISTS_ENV)
    settings = ServerSettings.from_env(checklists_path=Path(checklists) if checklists
                                       else None)
    return build_app(settings)
