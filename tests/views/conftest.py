"""Fixtures for the headless screen tests.

* ``data_dir``: a fresh HALLCHECK_DATA_DIR for the test (the root conftest already isolates
  one; this one is named so a test can reopen it).
* ``start_app(size=PHONE, route="/")``: runs hallcheck's real ``main(page)`` in-process
  (tests/views/harness.py) against ``data_dir``; every app started is closed at teardown.
  Call it again after ``app.close()`` to simulate the app being killed and reopened.
* ``ws``: a separate Workspace on the same data directory - the "second connection" a test
  seeds data through and checks what the screens stored.
* ``L(key)``: a catalogue message in the UI's language; fails if the key does not exist
  (so a test never passes by matching a raw key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import PHONE, App, FakeClient


def app_main() -> Callable[..., Any]:
    """hallcheck's Flet entry point: app/flet_main.py main(page)."""
    from app.flet_main import main

    return main


def _reset_shared_workspace() -> None:
    """Stop the process's sync thread and close its Workspace (app.services.process)."""
    from app.services import process

    process.reset()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("HALLCHECK_DATA_DIR", str(d))
    _reset_shared_workspace()
    yield d
    _reset_shared_workspace()


@pytest.fixture
def ws(data_dir: Path) -> Iterator[Any]:
    from app.services import Workspace

    w = Workspace.open(data_dir)
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def start_app(data_dir: Path) -> Iterator[Callable[..., App]]:
    running: list[App] = []

    def _start(size: tuple[float, float] = PHONE, route: str = "/",
               client: FakeClient | None = None) -> App:
        for old in running:
            old.close()
        # a new process: nothing shared survives but the data directory
        _reset_shared_workspace()
        app = App(app_main(), size=size, route=route,
                  client=client or FakeClient(storage_dir=data_dir))
        running.append(app)
        return app

    yield _start
    for app in running:
        app.close()


@pytest.fixture
def L() -> Callable[..., str]:
    from app.i18n import messages, t

    def _t(key: str, lang: str = "zh", /, **params: Any) -> str:
        assert key in messages(), f"message key {key!r} is not in the catalogue"
        return t(key, lang, **params)

    return _t
