"""The discreet rule of issue 12, walked screen by screen: with a covert visit on a mystery
shopper's phone, no screen a store clerk could glance at - home, today's tasks, drafts,
every checklist section with its item help, the photo dialogs, review and its dialogs, the
result, history, settings and the sync screen reached from there - shows 暗访, 检查,
检查人, 暗访员, 神秘顾客, a score or an audit-style counter ("第 1/7 部分", "全部 0/46"),
and every one of them carries the hide-screen button."""

from __future__ import annotations

from typing import Any

import pytest

from .discreet import AUDIT_COUNTER, assert_covert, audit_giveaways
from .flows import AGENT, FLAGSHIP, fill_passing, seed_device, take_photo, tap_answer
from .harness import PHONE, TABLET, App

LEVEL2 = "DEMO-LEVEL2-01"


def _screen(app: App, L: Any, *, hide: bool = True) -> None:
    """The rule on the screen now; `hide`: it offers the hide-screen button."""
    assert_covert(app)
    if hide:
        assert app.find_all(L("views.discreet.hide")), \
            f"no hide-screen button on {app.view_route!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_every_screen_of_a_covert_visit_is_discreet(start_app, L, ws, lang, size) -> None:
    seed_device(ws, "mystery_shopper", "S-023", lang=lang)
    done = ws.inspections.start("mystery_shop", LEVEL2)
    fill_passing(ws, done)
    ws.inspections.finalise(done)
    draft = ws.inspections.start("mystery_shop", FLAGSHIP)
    sections = ws.inspections.checklist(draft).sections

    app = start_app(size=size)
    # home: today's tasks, the draft, the recent result
    assert app.view_route == "/"
    assert app.find_all(L("views.home.continue", lang, name=ws.outlets.get(FLAGSHIP).name))
    assert ws.assignments.for_day(None, "S-023"), "the demo planned nothing for the shopper"
    _screen(app, lambda k, **p: L(k, lang, **p))
    T = lambda k, **p: L(k, lang, **p)  # noqa: E731

    # the outlet picker
    app.click(T("views.home.start_discreet"))
    app.wait_until(lambda: app.view_route == "/outlets")
    _screen(app, T)
    app.click(T("views.back"))
    app.wait_until(lambda: app.view_route == "/")

    # every section of the draft, with each item's help on screen
    app.click(T("views.home.continue", name=ws.outlets.get(FLAGSHIP).name))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{draft}"))
    shown = set(ws.inspections.state(draft).visible)
    for sec in sections:
        app.go(f"/visit/{draft}?s={sec.id}")
        app.wait_until(lambda sec=sec: app.view_route.endswith(f"s={sec.id}"))
        for item in sec.items:
            if item.help and item.id in shown:
                assert app.sees(item.help.get(lang)), item.id
        _screen(app, T)
    # an answer that asks for evidence, the note field, the camera, a photo and its removal
    app.go(f"/visit/{draft}?s=staff_quality")
    app.wait_until(lambda: app.view_route.endswith("s=staff_quality"))
    tap_answer(app, "uniform_badge", T("answer.no"))
    _screen(app, T)
    app.click(app.find(T("views.item.camera"), within="item-uniform_badge"))
    app.wait_until(lambda: app.find_all(T("views.camera.shutter"), in_dialog=True,
                                        enabled_only=True))
    _screen(app, T, hide=False)  # a full-screen camera: nothing else shows
    app.click(T("views.cancel"), in_dialog=True)
    take_photo(app, lambda k, *a, **p: L(k, lang, **p), "uniform_badge")
    app.wait_for_text(T("views.item.photo_n", n=1))
    _screen(app, T)
    app.click(T("views.item.remove_photo", n=1))
    _screen(app, T, hide=False)
    app.click(T("views.cancel"), in_dialog=True)

    # review, with what is missing, then its confirm dialog once complete
    app.go(f"/visit/{draft}/review")
    app.wait_until(lambda: app.view_route == f"/visit/{draft}/review")
    _screen(app, T)
    ws.inspections.note(draft, "uniform_badge", "工牌放在口袋里")
    fill_passing(ws, draft)
    app.go(f"/visit/{draft}")
    app.go(f"/visit/{draft}/review")
    app.wait_until(lambda: app.view_route == f"/visit/{draft}/review")
    _screen(app, T)
    app.click(T("views.review.finalise_discreet"))
    _screen(app, T, hide=False)
    app.click(T("views.review.confirm_ok"), in_dialog=True)
    app.wait_until(lambda: app.view_route == "/")
    _screen(app, T)

    # the result (and the correction dialog), history, settings, sync
    app.go(f"/result/{done}")
    app.wait_until(lambda: app.view_route == f"/result/{done}")
    _screen(app, T)
    app.click(T("views.result.amend"))
    _screen(app, T, hide=False)
    app.click(T("views.cancel"), in_dialog=True)
    for route in ("/history", f"/history/{LEVEL2}", "/settings", "/sync"):
        app.go(route)
        app.wait_until(lambda route=route: app.view_route == route)
        _screen(app, T)
    # the cover itself
    app.go("/")
    app.click(T("views.discreet.hide"))
    _screen(app, T, hide=False)


def test_the_walk_sees_what_gives_the_audit_away(start_app, L, ws) -> None:
    """The same rule on a manager's coaching visit (not discreet) finds the audit words
    and the counters: the scan is not blind."""
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", AGENT)
    app = start_app(route=f"/visit/{uuid}")
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    shown = audit_giveaways(app)
    assert any(AUDIT_COUNTER.search(s) for s in shown), shown
    assert any("检查" in s for s in shown), shown
