"""The browser fixtures themselves, against a trivial Flet app served like hallcheck's UI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser import Served, trivial_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def trivial(artifacts_root: Path) -> Iterator[Served]:
    from .browser import free_port

    port = free_port()
    s = trivial_app(port, artifacts_root / "test_harness_e2e" / "logs" / f"trivial-{port}.log")
    s.start()
    try:
        yield s
    finally:
        s.stop()
    assert not s.running


@pytest.mark.parametrize("viewport", ["phone", "tablet"], indirect=True)
def test_semantics_click_type_and_screenshot(trivial: Served, open_page, viewport,
                                             artifacts: Path) -> None:
    ui = open_page(f"http://127.0.0.1:{trivial.port}/", viewport=viewport)
    expect(ui.button("Tap me")).to_be_visible()
    ui.shot("loaded")
    ui.type_into("Name", "Zed")
    expect(ui.text("typed: Zed")).to_be_visible()  # the keystrokes reached Python
    ui.tap("Tap me")
    expect(ui.text("count 1")).to_be_visible()
    expect(ui.text("echo: Zed")).to_be_visible()
    shot = ui.shot("after-tap")
    assert shot is not None and shot.stat().st_size > 1000
    # nothing but the known-unused Rive script was even attempted outside 127.0.0.1
    assert ui.guard.unexpected() == []


def test_process_group_is_killed(artifacts_root: Path) -> None:
    from .browser import free_port, port_open

    port = free_port()
    s = trivial_app(port, artifacts_root / "test_harness_e2e" / "logs" / f"kill-{port}.log")
    s.start()
    pid = s.proc.pid
    s.stop()
    assert not port_open(port)
    import os

    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
