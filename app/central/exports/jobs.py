"""A long export in a background thread, with progress a screen can poll.

The console starts an `ExportJob` and reads `done`, `total` and `state` a few times a second
to move its progress bar; the builder writes its file in chunks as it goes, so a 100,000-row
export never sits in memory whole. A failure is logged with its traceback and reported as
`failed` (the screen shows a sentence, never the exception).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

log = logging.getLogger("hallcheck.exports")

JobState = Literal["running", "done", "failed"]
Builder = Callable[["ExportJob"], Path]


class ExportJob:
    """Run `build(job)` in a daemon thread; the builder calls `job.progress(done, total)`."""

    def __init__(self, build: Builder, name: str) -> None:
        self._build = build
        self.name = name  # the file name offered to the user
        self.state: JobState = "running"
        self.done = 0
        self.total = 0
        self.path: Path | None = None
        self.error: BaseException | None = None
        self._finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"export-{name}", daemon=True)

    def start(self) -> ExportJob:
        self._thread.start()
        return self

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, max(total, done)

    @property
    def fraction(self) -> float | None:
        """0..1, or None while the total is not known yet."""
        return min(1.0, self.done / self.total) if self.total else None

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def _run(self) -> None:
        try:
            self.path = self._build(self)
            self.state = "done"
        except BaseException as exc:  # reported as a state; the thread must not die loudly
            log.error("export %s failed", self.name, exc_info=exc)
            self.error = exc
            self.state = "failed"
        finally:
            self._finished.set()
