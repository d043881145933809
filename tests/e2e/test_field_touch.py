"""Issue 12 in a real browser (Chromium, all outside requests blocked): a covert visit's
tap targets measured at 390x844 (every one listed >= 48 px), the page's name while it
loads and in its web manifest, Flutter's own words in Chinese, and screenshots of the
covert visit at 390x844 and 1280x800."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser import PHONE, Served
from .hallcheck import STEP_TIMEOUT, Hallcheck, L, seed_shopper

pytestmark = pytest.mark.e2e

FLAGSHIP = "DEMO-FLAGSHIP-01"
LEVEL2 = "DEMO-LEVEL2-01"
MIN = 48


@pytest.fixture
def covert(servers, tmp_path: Path) -> Iterator[tuple[Served, Path, dict[str, str]]]:
    """A shopper's phone: the demo set, a finished visit, and a draft with a failed veto
    item carrying a photo (so 删除照片 shows)."""
    from views.flows import fill_passing, jpeg

    from app.services import Workspace

    data_dir = tmp_path / "device"
    with Workspace.open(data_dir) as ws:
        seed_shopper(ws, "S-023")
        done = ws.inspections.start("mystery_shop", LEVEL2)
        fill_passing(ws, done)
        ws.inspections.finalise(done)
        draft = ws.inspections.start("mystery_shop", FLAGSHIP)
        ws.inspections.answer(draft, "uniform_badge", False)
        ws.inspections.attach_photo(draft, "uniform_badge", jpeg(), source="camera")
    server = servers.app(data_dir)
    try:
        yield server, data_dir, {"done": done, "draft": draft}
    finally:
        server.stop()


def _box(locator: Any) -> dict[str, float]:
    """The control's box once it is wholly on screen: a node half scrolled out (under
    the app bar or the bottom bar) is measured by its visible part, so the list is
    scrolled (the mouse wheel: Flutter scrolls its own canvas) to bring it mid-screen."""
    expect(locator).to_be_visible(timeout=STEP_TIMEOUT)
    page = locator.page
    view = page.viewport_size or PHONE
    box = locator.bounding_box()
    for _ in range(4):
        assert box is not None
        if box["y"] >= 120 and box["y"] + box["height"] <= view["height"] - 110:
            break
        page.mouse.move(view["width"] / 2, view["height"] / 2)
        page.mouse.wheel(0, box["y"] - view["height"] / 2)
        page.wait_for_timeout(500)
        box = locator.bounding_box()
    assert box is not None
    return box


def _at_least(found: dict[str, dict[str, float]]) -> None:
    small = {k: (round(b["width"]), round(b["height"])) for k, b in found.items()
             if b["width"] < MIN - 0.5 or b["height"] < MIN - 0.5}
    assert not small, f"tap targets under {MIN} px (width, height): {small}"


def test_covert_visit_tap_targets_at_phone_size(covert, open_page, artifacts: Path) -> None:
    server, _data_dir, v = covert
    ui = open_page(f"http://127.0.0.1:{server.port}/", viewport=PHONE)
    hc = Hallcheck(ui)
    page = ui.page
    boxes: dict[str, dict[str, float]] = {}
    expect(hc.button(L("views.home.start_discreet"))).to_be_visible(timeout=STEP_TIMEOUT)
    boxes["隐藏屏幕 (home)"] = _box(hc.by_tooltip(L("views.discreet.hide")))
    boxes["设置"] = _box(hc.by_tooltip(L("views.settings.title")))

    page.goto(f"http://127.0.0.1:{server.port}/visit/{v['draft']}?s=staff_quality")
    ui.enable_semantics()
    expect(hc.item("uniform_badge")).to_be_attached(timeout=STEP_TIMEOUT)
    ui.settle()
    ui.shot("checklist-phone")
    boxes["隐藏屏幕 (checklist)"] = _box(hc.by_tooltip(L("views.discreet.hide")))
    chips = page.get_by_role("checkbox")
    assert chips.count() >= 4
    for n in range(chips.count()):
        boxes[f"chip {n + 1}"] = _box(chips.nth(n))
    item = hc.item("uniform_badge")
    for label in (L("answer.yes"), L("answer.no"), L("views.item.camera")):
        boxes[f"{label} (uniform_badge)"] = _box(item.get_by_role("button", name=label,
                                                                  exact=True))
    boxes["删除照片"] = _box(item.get_by_role("button", name=L("views.item.remove_photo",
                                                                 n=1)))
    boxes["备注"] = _box(hc.item("grooming").get_by_role("button", name=L("views.item.add_note"),
                                                        exact=True))
    # the remove-photo dialog's buttons
    item.get_by_role("button", name=L("views.item.remove_photo", n=1)).click()
    cancel = page.get_by_role("button", name=L("views.cancel"), exact=True)
    boxes["dialog 取消"] = _box(cancel)
    boxes["dialog 删除"] = _box(page.get_by_role("button",
                                               name=L("views.item.remove_photo_ok"),
                                               exact=True))
    cancel.click()
    expect(cancel).to_have_count(0, timeout=STEP_TIMEOUT)

    # radio rows (a choice item), after the section of the process
    page.goto(f"http://127.0.0.1:{server.port}/visit/{v['draft']}?s=process")
    ui.enable_semantics()
    radios = hc.item("queue_ahead").get_by_role("radio")
    expect(radios.first).to_be_visible(timeout=STEP_TIMEOUT)
    for n in range(radios.count()):
        boxes[f"radio {n + 1}"] = _box(radios.nth(n))

    # the decoy's 继续
    hc.by_tooltip(L("views.discreet.hide")).click()
    boxes["decoy 继续"] = _box(page.get_by_role("button", name=L("views.discreet.show"),
                                               exact=True))
    ui.shot("decoy-phone")
    _at_least(boxes)


def test_the_web_app_has_our_name_and_flutter_speaks_chinese(covert, open_page) -> None:
    server, _data_dir, v = covert
    base = f"http://127.0.0.1:{server.port}"
    ui = open_page(f"{base}/", viewport=PHONE)
    page = ui.page
    # while loading (the served page) and in the manifest: the notes app's name on a
    # shopper's phone, never "Flet" / "Build cross-platform apps in Python"
    html = page.request.get(f"{base}/").text()
    manifest = page.request.get(f"{base}/manifest.json").json()
    title = re.search(r"<title>(.*?)</title>", html)
    assert title and title.group(1) == L("views.discreet.title"), html[:400]
    assert "Flet" not in html.split("<script")[0]
    assert manifest["name"] == L("views.discreet.title")
    assert manifest["description"] == L("views.web.description_discreet")
    assert "Flet" not in str(manifest) and "cross-platform" not in str(manifest)
    # Flutter's own words follow the app's language: no "Close", no "characters remaining"
    page.goto(f"{base}/visit/{v['draft']}?s=staff_quality")
    ui.enable_semantics()
    expect(Hallcheck(ui).item("uniform_badge")).to_be_attached(timeout=STEP_TIMEOUT)
    aria = ui.aria()
    assert "Close" not in aria and "remaining" not in aria, aria[:2000]


@pytest.mark.parametrize("viewport", ["phone", "tablet"], indirect=True)
def test_covert_visit_screenshots(covert, open_page, viewport, artifacts: Path) -> None:
    """The covert visit as a clerk would glance at it, kept for a person to look at."""
    server, _data_dir, v = covert
    base = f"http://127.0.0.1:{server.port}"
    ui = open_page(f"{base}/", viewport=viewport)
    hc = Hallcheck(ui)
    expect(hc.button(L("views.home.start_discreet"))).to_be_visible(timeout=STEP_TIMEOUT)
    expect(hc.page.get_by_text("Working...")).to_have_count(0, timeout=STEP_TIMEOUT)
    ui.settle(quiet_ms=800)
    ui.shot("home")
    for name, route, ready in (
            ("checklist", f"/visit/{v['draft']}?s=staff_quality", "item-uniform_badge"),
            ("review", f"/visit/{v['draft']}/review", "screen-review"),
            ("result", f"/result/{v['done']}", "screen-result")):
        ui.page.goto(base + route)
        ui.enable_semantics()
        expect(hc.region(ready).first).to_be_attached(timeout=STEP_TIMEOUT)
        ui.settle()
        ui.shot(name)
        aria = ui.aria()
        for word in ("暗访", "检查人", "神秘顾客", "一票否决"):
            assert word not in aria, (name, word)
        assert not re.search(r"第 \d+/\d+ 部分|全部 \d+/\d+", aria), name
        # the hide-screen button on every screen of a covert visit
        expect(hc.by_tooltip(L("views.discreet.hide"))).to_be_visible()
