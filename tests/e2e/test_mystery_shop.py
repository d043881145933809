"""Journey: a mystery shopper's covert visit to a flagship hall, in a real browser.

First run (shopper, demo set) -> pick the demo flagship hall -> the first section answered
by tapping -> a transaction whose result was not as agreed (a veto that voids the visit)
failed, with a note and a photo chosen in the browser's file chooser ("从相册选择"; items
that need fresh evidence offer only the camera, checked on the way) -> the rest of the
checklist answered through the services on the same data directory (a second process on
the same SQLite file; 40 more taps would only make the test slow) -> review shows the key
issue -> finalise -> queued for sync.

Discreet mode never shows a mystery shop's score on the device (not on review, result or
home), so the score and the veto are checked where they are recorded: the database.

Every tap here first brings its target into view and waits for Flutter to paint it there
(`_in_view`). Without that the journey failed about once in four runs at tablet size:
Playwright scrolls a target below the fold into view through the accessibility DOM and
clicks at once, but Flutter scrolls, paints and hit-tests its canvas a frame or more
later, so the tap landed on what was at that spot before the scroll. At 1280x800 that
spot, for the "seconds until greeted" field, is the section list's "服务结果" chip: the
field still took the focus (a DOM click), the digits were typed, and then the chip's tap
reached the app and the visit jumped to another section ("need_asked" never appeared).
How often depended only on how fast the loaded machine drew the next frame.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser import FletPage, Served
from .hallcheck import STEP_TIMEOUT, Hallcheck, L, db, jpeg_file, wait_db

pytestmark = pytest.mark.e2e

FLAGSHIP = "DEMO-FLAGSHIP-01"
VETO = "as_agreed"  # 办理结果与营业员说的一致: a visit veto; evidence from camera or gallery


_UNCOVERED = """el => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (y <= 0 || y >= innerHeight || x <= 0 || x >= innerWidth) return null;
    const hit = document.elementFromPoint(x, y);
    return (hit === el || el.contains(hit)) ? y : -y;  // -y: under a bar or a dialog
}"""


def _in_view(ui: FletPage, target: Any) -> Any:
    """Bring `target` into view the way a finger does (the wheel scrolls Flutter's own
    list, not only the accessibility DOM), then wait until Flutter has drawn it there: no
    bar over its middle, the accessibility tree quiet, its box the same on two looks in a
    row. A click after this needs no scroll, so it lands on the target (see the module
    text)."""
    expect(target).to_be_attached(timeout=STEP_TIMEOUT)
    size = ui.page.viewport_size
    deadline = time.monotonic() + STEP_TIMEOUT / 1000
    last = None
    while time.monotonic() < deadline:
        ui.settle()
        box = target.bounding_box()
        middle = target.evaluate(_UNCOVERED) if box is not None else None
        if box is not None and middle is not None and middle > 0 and box == last:
            return target
        last = box
        if box is not None and (middle is None or middle < 0):
            # scroll so that its middle comes to the middle of the screen
            ui.page.mouse.move(size["width"] / 2, size["height"] / 2)
            ui.page.mouse.wheel(0, box["y"] + box["height"] / 2 - size["height"] / 2)
        time.sleep(0.1)
    raise AssertionError(f"{target} did not come to rest in view")


def _answer(hc: Hallcheck, item_id: str, label: str) -> None:
    _in_view(hc.ui, hc.item(item_id).get_by_role("button", name=label, exact=True))
    hc.answer(item_id, label)


def _type(ui: FletPage, box: Any, text: str) -> None:
    ui.type_in(_in_view(ui, box), text)
    ui.page.keyboard.press("Tab")


def _section(hc: Hallcheck, n: int, title: str) -> None:
    chip = hc.page.get_by_role("checkbox", name=re.compile(
        rf"^((\S*\s)?{n}\. )?{re.escape(title)}( \d+\/\d+)?$")).first  # as hc.section
    _in_view(hc.ui, chip)
    hc.section(n, title)


@pytest.fixture
def fresh_app(servers, tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    data_dir = tmp_path / "device"
    server = servers.app(data_dir)
    try:
        yield server, data_dir
    finally:
        server.stop()


@pytest.mark.parametrize("viewport", ["phone", "tablet"], indirect=True)
def test_mystery_shop_with_a_failed_veto_and_a_photo(fresh_app, open_page, viewport,
                                                     artifacts: Path) -> None:
    from views.flows import fill_passing  # tests/views/flows.py

    from app.services import Workspace

    server, data_dir = fresh_app
    ui = open_page(f"http://127.0.0.1:{server.port}/", viewport=viewport)
    hc = Hallcheck(ui)

    hc.first_run("mystery_shopper", demo=True)
    ui.shot("home")
    with Workspace.open(data_dir) as ws:
        flagship = ws.outlets.get(FLAGSHIP)
        checklist = ws.catalog.resolve("mystery_shop", "flagship")
    sections = {s.id: (n, s.title.zh) for n, s in enumerate(checklist.sections, start=1)}

    # -- the visit starts; the screen reads like a note, not an audit form
    hc.start_visit(flagship.name, FLAGSHIP, discreet=True)
    # (no form counters in discreet mode: "第 1/8 部分" would give the audit away)
    expect(hc.text(L("views.run.section_of", n=1, total=len(sections)))).to_have_count(0)
    expect(hc.text(L("views.discreet.title")).first).to_be_visible()
    [(uuid,)] = wait_db(data_dir, "select uuid from inspection where status='draft'")

    # -- section 1 by tapping, like the shopper does before leaving the hall
    _answer(hc, "greeted", L("answer.yes"))
    seconds = hc.item("greet_seconds").get_by_role("textbox")
    expect(seconds).to_be_attached(timeout=STEP_TIMEOUT)  # show_if: revealed by "yes"
    _type(ui, seconds, "5")  # (below the fold at tablet size: the tap that went astray)
    for item_id in ("need_asked", "stand_receive", "first_ask", "farewell"):
        _answer(hc, item_id, L("answer.yes"))
    _answer(hc, "friendliness", "5")
    # the section's chip ticks done (its counters are not shown in discreet mode)
    first = checklist.sections[0].title.zh
    expect(hc.page.get_by_role("checkbox", name=first, exact=True)).to_be_attached(
        timeout=STEP_TIMEOUT)
    wait_db(data_dir, "select value_json from answer where inspection_uuid=? and "
                      "item_id='greet_seconds'", uuid, expect_rows=[("5",)])
    ui.shot("section-1-done")

    # -- fresh-evidence items offer only the camera, never a file
    _section(hc, *sections["staff_quality"])
    _in_view(ui, hc.item("uniform_badge").get_by_role(
        "button", name=L("views.item.camera"), exact=True))
    expect(hc.item("uniform_badge").get_by_role(
        "button", name=L("views.item.gallery"), exact=True)).to_have_count(0)

    # -- the veto item fails: a note, and a photo chosen in the browser's file chooser
    _section(hc, *sections["result"])
    _answer(hc, "transaction_done", L("answer.yes"))
    expect(hc.item(VETO)).to_be_attached(timeout=STEP_TIMEOUT)  # show_if: a transaction
    _answer(hc, VETO, L("answer.no"))
    note = hc.item(VETO).get_by_role("textbox", name=L("views.item.note_required"))
    _type(ui, note, "说好月租 39 元，受理单上是 59 元")
    _in_view(ui, hc.item(VETO).get_by_role("button", name=L("views.item.gallery"),
                                           exact=True))
    hc.take_photo(VETO, jpeg_file(artifacts / "receipt.jpg"), source="gallery")
    expect(hc.item(VETO).get_by_role(
        "button", name=L("views.item.remove_photo", n=1))).to_be_attached(timeout=STEP_TIMEOUT)
    [(source, width)] = wait_db(data_dir, "select source, width from photo where "
                                          "inspection_uuid=? and item_id=?", uuid, VETO)
    assert source == "gallery" and width == 640  # the very file chosen, normalised
    wait_db(data_dir, "select value_json, note from answer where inspection_uuid=? and "
                      "item_id=?", uuid, VETO,
            expect_rows=[("false", "说好月租 39 元，受理单上是 59 元")])
    assert db(data_dir, "select item_id from veto_flag where inspection_uuid=?", uuid) == [
        (VETO,)]
    ui.shot("veto-with-photo")

    # -- everything else through the services on the same data directory
    with Workspace.open(data_dir) as ws:
        fill_passing(ws, uuid)
        state = ws.inspections.state(uuid)
        assert state.ready, state.problems
        expected_total = state.score.total
        veto_label = checklist.items[VETO].label.zh

    # -- review: ready, the key issue named, no score
    last = checklist.sections[-1]
    _section(hc, len(checklist.sections), last.title.zh)
    hc.tap(L("views.run.review_discreet"))
    hc.see(L("views.review.ready"))
    hc.see(L("views.review.discreet_vetoes", items=veto_label))
    expect(hc.region("score-breakdown")).to_have_count(0)
    ui.shot("review")

    # -- finalise
    hc.tap(L("views.review.finalise_discreet"))
    hc.tap(L("views.review.confirm_ok"))
    hc.see(L("views.review.finalised_discreet"))
    expect(hc.button(L("views.home.start_discreet"))).to_be_visible(timeout=STEP_TIMEOUT)
    ui.shot("finalised")

    [(status, sync_state, total_score, veto_count)] = db(
        data_dir, "select status, sync_state, total_score, veto_count from inspection "
                  "where uuid=?", uuid)
    assert (status, sync_state, veto_count) == ("finalized", "queued", 1)
    assert total_score == pytest.approx(expected_total)
    assert db(data_dir, "select item_id from veto_flag where inspection_uuid=?", uuid) == [
        (VETO,)]
    # this veto voids the whole visit: the recorded score is 0 and says why
    assert total_score == 0
    with Workspace.open(data_dir) as ws:
        snapshot = ws.inspections.score_snapshot(uuid)
    assert [(v["item"], v["scope"]) for v in snapshot["vetoes"]] == [(VETO, "visit")]
    assert snapshot["total"] == 0

    # the device tells the truth about what waits
    expect(hc.sync_indicator()).to_have_attribute(
        "aria-label", re.compile(re.escape(L("views.sync.not_enrolled", n=1))),
        timeout=STEP_TIMEOUT)
    # the result opens discreetly: no score on the shopper's phone
    _in_view(ui, hc.card(L("views.home.open_result", name=flagship.name))).click()
    hc.see(L("views.result.title_discreet"))
    expect(hc.text(re.compile(rf"^{re.escape(str(round(total_score)))}$"))).to_have_count(0)
    ui.shot("result")

    # ... and on request the recorded score and the veto that voided it
    _in_view(ui, hc.button(L("views.result.show_details")).first)
    hc.tap(L("views.result.show_details"))
    hc.see(L("views.review.voided"))
    hc.see(L("views.review.vetoes", n=1))
    hc.see(re.compile(re.escape(L("views.review.total")) + r"\s+0(\s|$)"))
    ui.shot("result-details")
