"""`hallcheck server`: run the central endpoint (FastAPI on uvicorn) with the manager
console at /console/ on the same port (composed in app.console.mount)."""

from __future__ import annotations

from pathlib import Path

import typer

from app.i18n import t


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
    ) -> None:
        from app.central import ServerSettings
        from app.console.mount import CONSOLE_PATH, serve  # the endpoint with its console

        settings = ServerSettings.from_env(data_dir, database_url, checklists_path=checklists)
        typer.echo(t("sync.cli.server.starting", host=host, port=port,
                     scheme="https" if ssl_certfile else "http",
                     data_dir=str(settings.data_dir),
                     database="PostgreSQL" if settings.url.startswith("postgresql")
                     else "SQLite"), err=True)
        scheme = "https" if ssl_certfile else "http"
        typer.echo(t("console.cli.url", url=f"{scheme}://{host}:{port}{CONSOLE_PATH}/"),
                   err=True)
        serve(settings, host=host, port=port, log_level=log_level,
              ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
              ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None)
