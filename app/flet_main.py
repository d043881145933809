"""The Flet entry point: `main(page)` for `flet build apk|ipa` (via main.py at the repo
root) and for `hallcheck app` (web UI on localhost, or a desktop window where possible).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("hallcheck.app")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8550


def main(page: Any) -> None:
    """Build the app on `page` (one per browser tab or app window). Every tab shares the
    process's one Workspace and background sync (app.services.process)."""
    from app.services import process
    from app.views.shell import run_page

    run_page(page, process.workspace, process.device_sync)


def assets_dir() -> Path:
    from app.views.theme import assets_dir as find

    return find()


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, web: bool = True,
          data_dir: str | os.PathLike[str] | None = None,
          on_ready: Any = None) -> None:
    """Run the app until stopped: the web UI on host:port with no CDN (fonts and icons are
    served from assets/ and the flet-web package), or a desktop window (`web=False`).
    """
    import flet as ft

    if data_dir is not None:
        os.environ["HALLCHECK_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ["FLET_WEB_NO_CDN"] = "1"
    if web:
        os.environ["FLET_SERVER_IP"] = host
        os.environ["FLET_SERVER_PORT"] = str(port)
        os.environ.setdefault("FLET_FORCE_WEB_SERVER", "1")
    if on_ready is not None:
        on_ready()
    ft.run(
        main,
        name="",
        host=host if web else None,
        port=port if web else 0,
        view=ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP,
        assets_dir=str(assets_dir()),
        no_cdn=True,
    )


if __name__ == "__main__":  # pragma: no cover - `python -m app.flet_main`
    serve()
