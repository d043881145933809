"""Real browser: "拍照" opens the camera (flet-camera in the stock web client), the
picture is stored as a camera photo; check-in records the browser's location.

Chromium runs with a fake camera (--use-fake-device-for-media-stream, and
--use-fake-ui-for-media-stream to grant it without a prompt) and the Playwright context
grants geolocation at a fixed position. A second browser without any camera shows the
honest fallback: a plain sentence, nothing stored, no file chooser.

Own browser fixtures (not ``open_page``): the fake-camera flags must be on whatever the
shared launch arguments say, and the contexts need geolocation; the offline guard is the
same (every request outside 127.0.0.1 aborted; any but the known-unused one fails).
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser import (
    CHROMIUM_ARGS,
    PHONE,
    FletPage,
    OutsideGuard,
    Served,
    close_pages,
)
from .hallcheck import STEP_TIMEOUT, Hallcheck, L, db, wait_db

pytestmark = pytest.mark.e2e

FLAGSHIP = "DEMO-FLAGSHIP-01"
CAMERA_ONLY = "storefront_photo"  # mystery shop, environment section: photo, camera only
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
HANGZHOU = {"latitude": 30.25, "longitude": 120.16}


def _launch(pw: Any, *, camera: bool) -> Any:
    args = [a for a in CHROMIUM_ARGS if "media-stream" not in a]
    if camera:
        args += FAKE_CAMERA
    return pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                              args=args)


@pytest.fixture(scope="module")
def playwright_() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def open_tab(playwright_: Any, artifacts: Path, request: pytest.FixtureRequest
             ) -> Iterator[Callable[..., FletPage]]:
    """open_tab(url, camera=True, geolocation=None): a phone-sized tab in its own browser."""
    opened: list[tuple[Any, Any, FletPage, OutsideGuard]] = []

    def _open(url: str, *, camera: bool = True, geolocation: dict[str, float] | None = None
              ) -> FletPage:
        browser = _launch(playwright_, camera=camera)
        kw: dict[str, Any] = {}
        if geolocation is not None:
            kw = {"geolocation": geolocation, "permissions": ["geolocation"]}
        ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN",
                                  timezone_id="Asia/Shanghai", **kw)
        guard = OutsideGuard()
        ctx.route("**/*", guard)
        fp = FletPage(ctx.new_page(), artifacts)
        opened.append((browser, ctx, fp, guard))
        fp.open(url)
        return fp

    yield _open

    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    unexpected = close_pages([(ctx, fp, guard) for _b, ctx, fp, guard in opened], artifacts,
                             failed)
    for browser, *_ in opened:
        browser.close()
    if unexpected and not failed:
        pytest.fail(f"the page tried to reach outside 127.0.0.1: {unexpected}")


@pytest.fixture
def device(servers, tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    """A mystery shopper's device that has been through first run (demo outlets)."""
    from app.services import Workspace

    data_dir = tmp_path / "device"
    data_dir.mkdir()
    with Workspace.open(data_dir) as ws:
        ws.settings.set_role("mystery_shopper")
        ws.load_demo()
        ws.settings.set_inspector("S-001")
        ws.add_inspector("S-001", "S-001", "mystery_shopper")
    server = servers.app(data_dir)
    try:
        yield server, data_dir
    finally:
        server.stop()


def _environment_section(hc: Hallcheck, data_dir: Path) -> str:
    from app.services import Workspace

    with Workspace.open(data_dir) as ws:
        checklist = ws.catalog.resolve("mystery_shop", "flagship")
    n, section = next((n, s) for n, s in enumerate(checklist.sections, start=1)
                      if any(i.id == CAMERA_ONLY for i in s.items))
    hc.section(n, section.title.zh)
    expect(hc.item(CAMERA_ONLY)).to_be_attached(timeout=STEP_TIMEOUT)
    return section.id


def _live_video_tracks(ui: FletPage) -> int:
    """Live camera tracks in the page (Flutter's platform views included)."""
    return ui.page.evaluate("""() => {
        const seen = new Set(); let n = 0;
        const walk = (root) => {
            for (const v of root.querySelectorAll('video')) {
                const s = v.srcObject;
                if (s && !seen.has(s)) { seen.add(s);
                    n += s.getVideoTracks().filter(t => t.readyState === 'live').length; }
            }
            for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
        };
        walk(document); return n; }""")


def test_take_photo_uses_the_camera_and_check_in_records_the_location(
        device, open_tab, artifacts: Path) -> None:
    from app.services import Workspace

    server, data_dir = device
    ui = open_tab(f"http://127.0.0.1:{server.port}/", camera=True, geolocation=HANGZHOU)
    hc = Hallcheck(ui)
    with Workspace.open(data_dir) as ws:
        flagship = ws.outlets.get(FLAGSHIP)

    # -- check-in: the browser's position goes with the new visit
    expect(hc.button(L("views.home.start_discreet"))).to_be_visible(timeout=STEP_TIMEOUT)
    hc.start_visit(flagship.name, FLAGSHIP, discreet=True)
    [(uuid,)] = wait_db(data_dir, "select uuid from inspection where status='draft'")
    [(lat, lon, acc)] = db(data_dir, "select checkin_lat, checkin_lon, checkin_accuracy_m "
                                     "from inspection where uuid=?", uuid)
    assert (lat, lon) == (HANGZHOU["latitude"], HANGZHOU["longitude"])
    assert acc is not None and acc >= 0

    # -- a camera-only item: "拍照" and no gallery button
    _environment_section(hc, data_dir)
    card = hc.item(CAMERA_ONLY)
    expect(card.get_by_role("button", name=L("views.item.camera"), exact=True)
           ).to_be_visible(timeout=STEP_TIMEOUT)
    expect(card.get_by_role("button", name=L("views.item.gallery"), exact=True)
           ).to_have_count(0)
    ui.shot("camera-only-item")

    # -- the camera view: a live preview from the (fake) camera, the shutter
    chooser_opened: list[Any] = []
    ui.page.on("filechooser", lambda fc: chooser_opened.append(fc))
    ui.settle()
    card.get_by_role("button", name=L("views.item.camera"), exact=True).click(
        timeout=STEP_TIMEOUT)
    expect(hc.region("camera-view")).to_be_attached(timeout=STEP_TIMEOUT)
    shutter = hc.button(L("views.camera.shutter"))
    expect(shutter).to_be_enabled(timeout=30_000)  # camera listed and initialised
    expect(hc.button(L("views.cancel"))).to_be_visible()
    # the preview really streams from the camera (its <video> lands with the next frame)
    deadline = time.monotonic() + 10
    while not _live_video_tracks(ui) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _live_video_tracks(ui) >= 1
    ui.page.screenshot(path=str(artifacts / "camera-view.png"))  # (a live preview
    # never settles, so no stable_screenshot here)

    shutter.click()
    [(source, width, height)] = wait_db(
        data_dir, "select source, width, height from photo where inspection_uuid=? and "
                  "item_id=?", uuid, CAMERA_ONLY, timeout=30)
    # ResolutionPreset.HIGH: the fake device delivers 1280x720
    assert source == "camera" and (width, height) == (1280, 720)
    expect(hc.region("camera-view")).to_have_count(0, timeout=STEP_TIMEOUT)
    expect(card.get_by_role("button", name=L("views.item.remove_photo", n=1))
           ).to_be_attached(timeout=STEP_TIMEOUT)
    ui.shot("photo-taken")
    assert not chooser_opened, "拍照 must never open the file chooser"
    # the camera is released once the view closes
    deadline = time.monotonic() + 10
    while _live_video_tracks(ui) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _live_video_tracks(ui) == 0

    with Workspace.open(data_dir) as ws:
        [photo] = ws.inspections.state(uuid).photos[CAMERA_ONLY]
        assert photo.source == "camera" and photo.path.exists()


def test_without_a_camera_the_item_says_so_and_stays_missing(device, open_tab) -> None:
    from app.services import Workspace

    server, data_dir = device
    with Workspace.open(data_dir) as ws:
        uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    # no fake camera, no geolocation permission
    ui = open_tab(f"http://127.0.0.1:{server.port}/visit/{uuid}", camera=False)
    hc = Hallcheck(ui)
    _environment_section(hc, data_dir)
    card = hc.item(CAMERA_ONLY)
    chooser_opened: list[Any] = []
    ui.page.on("filechooser", lambda fc: chooser_opened.append(fc))
    ui.settle()
    card.get_by_role("button", name=L("views.item.camera"), exact=True).click(
        timeout=STEP_TIMEOUT)
    sentences = [L(k) + L("views.camera.camera_only")
                 for k in ("views.camera.no_camera", "views.camera.denied",
                           "views.camera.failed")]
    pattern = re.compile("|".join(re.escape(s) for s in sentences))
    hc.see(pattern, timeout=30_000)
    ui.shot("no-camera")
    assert not chooser_opened
    assert db(data_dir, "select count(*) from photo where inspection_uuid=?", uuid) == [(0,)]
    expect(card.get_by_role("button", name=L("views.item.gallery"), exact=True)
           ).to_have_count(0)
