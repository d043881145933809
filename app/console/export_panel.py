"""A long export with a progress bar, then the download.

The file is built by `app.central.exports` in a background thread (an `ExportJob`); this
panel polls the job a few times a second, moves its bar, and when the file is ready asks
the browser to fetch it from a short-lived signed URL (`files.download_url`), which
downloads it without leaving the console.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flet as ft

from app.central.exports import ExportJob
from app.console import theme

POLL_S = 0.25


class ExportPanel:
    """The progress line under a page's export buttons (one export at a time per tab)."""

    def __init__(self, console: Any) -> None:
        self.console = console
        self.bar = ft.ProgressBar(value=None, width=360, color=theme.PRIMARY,
                                  bgcolor="#E0E0E0", semantics_label=console.t(
                                      "console.export.preparing"))
        self.text = ft.Text("", size=13, color=theme.MUTED)
        self.row = ft.Row([self.bar, self.text], spacing=12)
        # hidden as a whole: a Semantics whose content is invisible is an error in flet
        self.control = ft.Semantics(content=self.row, identifier="export-progress",
                                    container=True, visible=False)
        self.job: ExportJob | None = None

    def start(self, build: Callable[[ExportJob], Path], filename: str) -> None:
        running = getattr(self.console, "export_job", None)
        if running is not None and running.state == "running":
            self.console.notify(self.console.t("console.export.busy"), error=True)
            return
        job = ExportJob(build, filename)
        self.console.export_job = job
        self.job = job
        self.control.visible = True
        self.bar.value = None
        self.text.value = self.console.t("console.export.preparing")
        self.console.page.update()
        job.start()
        self.console.page.run_task(self._follow, job)

    async def _follow(self, job: ExportJob) -> None:
        c = self.console
        while job.state == "running":
            await asyncio.sleep(POLL_S)
            if job.total:
                self.bar.value = job.fraction
                self.text.value = c.t("console.export.progress", done=job.done,
                                      total=job.total)
            with contextlib.suppress(Exception):
                self.row.update()
        if job.state == "failed" or job.path is None:
            self.control.visible = False
            with contextlib.suppress(Exception):
                self.control.update()
            c.notify(c.t("console.export.failed"), error=True)
            return
        self.bar.value = 1.0
        self.text.value = c.t("console.export.ready", name=job.name)
        with contextlib.suppress(Exception):
            self.row.update()
        manager = c.manager
        url = c.files.download_url(manager.username, job.path.name, job.name)
        c.last_download = url
        await ft.UrlLauncher().launch_url(url, web_only_window_name="_self")
