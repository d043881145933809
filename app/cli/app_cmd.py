"""`hallcheck app`: start the app.

On a machine with a display where Flet's desktop client is installed it can open a window
(`--window`); everywhere else (servers, kiosk PCs, this machine) it serves the web UI on
127.0.0.1 (`--host`, `--port`), fully offline: no CDN, the CJK font and the icons come from
the app's assets and the flet-web package. It prints the address to open.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from pathlib import Path

import typer

from app.errors import UserError
from app.i18n import t

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8550


def desktop_window_possible() -> bool:
    """A display, and Flet's desktop client already on this machine (it cannot be
    downloaded offline)."""
    has_display = sys.platform in ("win32", "darwin") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not has_display or importlib.util.find_spec("flet_desktop") is None:
        return False
    if os.environ.get("FLET_VIEW_PATH"):
        return True
    try:
        import flet_desktop  # type: ignore[import-not-found]
    except (ImportError, OSError):  # present but broken (a missing shared library)
        return False
    bundled = Path(flet_desktop.__file__).parent / "app"
    cached = Path.home() / ".flet" / "client"
    return bundled.exists() or cached.exists()


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                       socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def register(cli: typer.Typer) -> None:
    """Add `hallcheck app` to the root command."""

    @cli.command("app")
    def app_command(
        host: str = typer.Option(DEFAULT_HOST, "--host",
                                 help="address to serve the web UI on"),
        port: int = typer.Option(DEFAULT_PORT, "--port", help="port of the web UI"),
        data_dir: Path | None = typer.Option(None, "--data-dir",
                                             help="data directory (default: "
                                                  "HALLCHECK_DATA_DIR or the user data dir)"),
        window: bool | None = typer.Option(None, "--window/--web",
                                           help="a desktop window (where Flet's desktop "
                                                "client is installed) or the web UI "
                                                "(default: window if possible, else web)"),
    ) -> None:
        """Start the app (web UI on 127.0.0.1 by default; prints the address to open)."""
        from app.flet_main import serve

        use_window = desktop_window_possible() if window is None else window
        if use_window and not desktop_window_possible():
            typer.echo(t("views.cli.no_window"), err=True)
            use_window = False
        if not use_window and not _port_free(host, port):
            raise UserError("views.cli.port_busy", port=port, host=host)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "", "*") else host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        url = f"http://{shown_host}:{port}"

        def ready() -> None:
            if use_window:
                typer.echo(t("views.cli.window"))
            else:
                typer.echo(t("views.cli.open", url=url))
                typer.echo(t("views.cli.stop"))
            sys.stdout.flush()

        serve(host=host, port=port, web=not use_window, data_dir=data_dir, on_ready=ready)
