"""Outlet picker: search by code or name; tier shown; competitors marked; tap starts/resumes."""

from __future__ import annotations

from datetime import timedelta

from .flows import (
    COMPETITOR,
    FLAGSHIP,
    current_uuid,
    db_rows,
    fill_passing,
    pick_outlet,
    seed_device,
)
from .harness import text_of


def _cards(app, L, ws) -> list[str]:
    """Codes of the outlets listed, in order."""
    out = []
    for o in ws.outlets.list():
        if app.find_all(L("views.outlets.pick", name=o.name, code=o.code)):
            out.append(o.code)
    return out


def _open_picker(start_app, L, role: str = "area_manager"):
    app = start_app()
    key = "views.home.start_discreet" if role == "mystery_shopper" else "views.home.start"
    app.click(L(key))
    app.wait_until(lambda: app.view_route == "/outlets")
    return app


def test_search_by_code_and_by_name(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _open_picker(start_app, L)
    everything = _cards(app, L, ws)
    assert len(everything) == ws.outlets.count() == 8
    assert app.sees(L("views.outlets.count", n=8))

    app.fill(L("views.outlets.search"), "flagship")  # part of a code, any case
    assert _cards(app, L, ws) == [FLAGSHIP]
    assert app.sees(L("views.outlets.count", n=1))

    app.fill(L("views.outlets.search"), "旗舰厅")  # part of a name
    assert sorted(_cards(app, L, ws)) == sorted([FLAGSHIP, COMPETITOR])

    app.fill(L("views.outlets.search"), "没有这家店")
    assert _cards(app, L, ws) == []
    assert app.sees(L("views.outlets.none", q="没有这家店"))

    app.fill(L("views.outlets.search"), "")
    assert len(_cards(app, L, ws)) == 8


def test_tier_is_shown_and_competitors_are_marked(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _open_picker(start_app, L)
    tiers = ws.catalog.tiers
    competitor_tag = L("views.outlets.competitor")
    for o in ws.outlets.list():
        words = text_of(app.find(L("views.outlets.pick", name=o.name, code=o.code)))
        assert tiers[o.tier].label.get("zh") in words
        assert (competitor_tag in words) == o.competitor, o.code
        assert L("views.outlets.demo") in words  # demo outlets say so
    assert ws.outlets.get(COMPETITOR).competitor


def test_tapping_an_outlet_starts_the_visit_its_tier_decides(start_app, L, ws,
                                                              data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _open_picker(start_app, L)
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    uuid = current_uuid(app)
    assert db_rows(data_dir, "select outlet_code, kind, tier, inspector_id, status "
                             "from inspection where uuid=?", uuid) == [
        (FLAGSHIP, "open_inspection", "flagship", "M-001", "draft")]
    # the same checklist is used for the competitor's hall of the same level
    expected = ws.catalog.resolve("open_inspection", "flagship").id
    assert ws.inspections.summary(uuid).checklist_id == expected


def test_competitor_is_inspected_with_the_same_checklist(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    app = _open_picker(start_app, L, "mystery_shopper")
    pick_outlet(app, L, ws, COMPETITOR)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    mine = ws.inspections.summary(current_uuid(app))
    assert mine.outlet_code == COMPETITOR
    assert mine.checklist_id == ws.catalog.resolve("mystery_shop", "flagship").id


def test_an_open_draft_is_resumed_not_duplicated(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    draft = ws.inspections.start("open_inspection", FLAGSHIP)
    app = _open_picker(start_app, L)
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{draft}"))
    assert app.wait_for_snack(L("views.start.resumed"))
    assert db_rows(data_dir, "select count(*) from inspection") == [(1,)]


def test_a_shopper_cannot_revisit_an_outlet_within_three_months(start_app, L, ws,
                                                                data_dir) -> None:
    from datetime import datetime

    seed_device(ws, "mystery_shopper", "S-001")
    earlier = datetime.now().astimezone() - timedelta(days=30)
    old = ws.inspections.start("mystery_shop", FLAGSHIP, now=earlier)
    fill_passing(ws, old)
    ws.inspections.finalise(old)
    started = ws.inspections.summary(old).started_at
    app = _open_picker(start_app, L, "mystery_shopper")

    pick_outlet(app, L, ws, FLAGSHIP)
    said = app.wait_for_snack(started.date().isoformat())
    assert said == L("services.rotation_blocked", outlet=ws.outlets.get(FLAGSHIP).name,
                     last=started.date().isoformat(),
                     next=(started + timedelta(days=92)).date().isoformat())
    assert app.view_route == "/outlets"
    assert db_rows(data_dir, "select count(*) from inspection") == [(1,)]


def test_a_shopper_picker_does_not_say_what_it_is_for(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    app = _open_picker(start_app, L, "mystery_shopper")
    assert app.sees(L("views.outlets.title_discreet"))
    assert not app.sees(L("views.outlets.title", kind=L("kind.mystery_shop")))
