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


def web_identity() -> tuple[str, str]:
    """(name, description) of the web app: the page's title while it loads and its web
    manifest (Flet's own say "Flet", "Build cross-platform apps in Python"). In the
    device's language; on a mystery shopper's device the notes app's name, so even the
    browser tab of a loading page does not name the audit."""
    from app.i18n import t
    from app.services import process

    try:
        settings = process.workspace().settings
        lang, shopper = settings.language, settings.role == "mystery_shopper"
    except Exception:  # no readable data yet: the plain name in the default language
        log.warning("device settings unreadable; the web app gets its plain name",
                    exc_info=True)
        lang, shopper = "zh", False
    if shopper:
        return t("views.discreet.title", lang), t("views.web.description_discreet", lang)
    return t("app.name", lang), t("views.web.description", lang)


def _name_the_web_app() -> None:
    """Give flet-web's app factory our name and description (ft.run passes none; the
    factory's own app_name / app_description parameters patch index.html and
    manifest.json). Done once per process."""
    import flet_web.fastapi as flet_fastapi

    factory = flet_fastapi.app
    if getattr(factory, "hallcheck_named", False):
        return
    name, description = web_identity()

    def named(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("app_name", name)
        kwargs.setdefault("app_short_name", name)
        kwargs.setdefault("app_description", description)
        return factory(*args, **kwargs)

    named.hallcheck_named = True  # type: ignore[attr-defined]
    flet_fastapi.app = named  # type: ignore[assignment]


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
    if web:
        _name_the_web_app()
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
