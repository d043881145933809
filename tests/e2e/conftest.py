"""Fixtures for the real-browser tests (run with `pytest -m e2e tests/e2e`).

* ``browser``: Debian's Chromium via Playwright, one per session.
* ``open_page(url, viewport=PHONE)``: a fresh browser context (one Flet session) with every
  non-loopback request aborted and recorded; returns a :class:`FletPage`. At teardown the
  test fails if anything but the known-unused Rive script was attempted outside, and on a
  failure the page's screenshot, accessibility snapshot and console go to the artifacts.
* ``serve_app(data_dir)``: `python -m app app --port <free> --data-dir <dir>` in its own
  process group; killed (whole group) at teardown. ``app_server`` is one per module.
* ``serve_central(data_dir)``: `python -m app server --port <free> --data-dir <dir>`.
* ``artifacts``: per-test directory for step screenshots: $HALLCHECK_ARTIFACTS or
  tests/e2e/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import (
    PHONE,
    REPO,
    TABLET,
    FletPage,
    OutsideGuard,
    Served,
    close_pages,
    free_port,
    hallcheck_app,
    hallcheck_server,
    launch_chromium,
)

VIEWPORTS = {"phone": PHONE, "tablet": TABLET}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _failed(request: pytest.FixtureRequest) -> bool:
    rep = getattr(request.node, "rep_call", None)
    return rep is not None and rep.failed


@pytest.fixture(scope="session")
def artifacts_root() -> Path:
    root = Path(os.environ.get("HALLCHECK_ARTIFACTS") or REPO / "tests" / "e2e" / "artifacts")
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def artifacts(request: pytest.FixtureRequest, artifacts_root: Path) -> Path:
    name = re.sub(r"[^\w.\[\]-]+", "_", request.node.nodeid.split("::", 1)[-1])
    mod = Path(request.node.fspath).stem
    d = artifacts_root / mod / name
    if d.exists():
        for old in d.glob("*"):
            if old.is_file():
                old.unlink()
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(params=["phone"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    """Parametrize with ``@pytest.mark.parametrize("viewport", ["phone", "tablet"],
    indirect=True)``."""
    return VIEWPORTS[request.param]


@pytest.fixture
def phone() -> dict[str, int]:
    return PHONE


@pytest.fixture
def tablet() -> dict[str, int]:
    return TABLET


@pytest.fixture
def open_page(
    browser: Any, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., FletPage]]:
    opened: list[tuple[Any, FletPage, OutsideGuard]] = []

    def _open(url: str, viewport: dict[str, int] = PHONE, shots: bool = True) -> FletPage:
        guard = OutsideGuard()
        ctx = browser.new_context(viewport=viewport, service_workers="block",
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
        ctx.route("**/*", guard)
        fp = FletPage(ctx.new_page(), artifacts if shots else None)
        fp.guard = guard  # type: ignore[attr-defined]
        opened.append((ctx, fp, guard))
        fp.open(url)
        return fp

    yield _open

    failed = _failed(request)
    unexpected = close_pages(opened, artifacts, failed)
    if unexpected and not failed:
        pytest.fail(f"the page tried to reach outside 127.0.0.1: {unexpected}")


class _Servers:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[Served] = []

    def app(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> Served:
        port = free_port()
        s = hallcheck_app(data_dir, port, self.logs / f"app-{port}.log", extra_env).start()
        self.running.append(s)
        return s

    def central(self, data_dir: Path, port: int | None = None,
                extra_env: dict[str, str] | None = None) -> Served:
        port = port or free_port()
        s = hallcheck_server(data_dir, port, self.logs / f"server-{port}.log", extra_env).start()
        self.running.append(s)
        return s

    def stop_all(self) -> None:
        for s in reversed(self.running):
            s.stop()
        self.running.clear()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, artifacts_root: Path,
            request: pytest.FixtureRequest) -> Iterator[_Servers]:
    logs = artifacts_root / Path(request.node.fspath).stem / "logs"
    s = _Servers(logs)
    try:
        yield s
    finally:
        s.stop_all()


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app-data")


@pytest.fixture(scope="module")
def app_server(servers: _Servers, app_data_dir: Path) -> Served:
    """One hallcheck web UI per test module (state carries over between its tests)."""
    return servers.app(app_data_dir)


@pytest.fixture
def app_url(app_server: Served) -> str:
    return f"http://127.0.0.1:{app_server.port}/"
