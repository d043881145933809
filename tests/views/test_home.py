"""Home: today's visits, drafts, recent results, the sync indicator; discreet for shoppers."""

from __future__ import annotations

from app.checklists.scoring import format_score

from .discreet import assert_discreet, giveaways
from .flows import AGENT, FLAGSHIP, current_uuid, db_rows, fill_passing, seed_device


def _finished(ws, kind: str, code: str, *, fail: str | None = None) -> str:
    uuid = ws.inspections.start(kind, code)
    if fail:
        ws.inspections.answer(uuid, fail, False)
        ws.inspections.note(uuid, fail, "工牌放在口袋里")
    fill_passing(ws, uuid)
    ws.inspections.finalise(uuid)
    return uuid


def test_todays_visits_start_the_planned_visit(start_app, L, ws, data_dir) -> None:
    me = seed_device(ws, "mystery_shopper", inspector=None)
    planned = ws.assignments.for_day(None, me)
    app = start_app()
    assert app.sees(L("views.home.today", n=len(planned)))
    target = next(a for a in planned if a.outlet_code == AGENT)
    app.click(L("views.home.start_assigned", name=target.outlet_name))
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    uuid = current_uuid(app)
    assert db_rows(data_dir, "select outlet_code, kind, status from inspection where uuid=?",
                   uuid) == [(AGENT, target.kind, "draft")]


def test_drafts_are_listed_and_resume_the_same_visit(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    ws.inspections.answer(uuid, "oi_uniform_badge", True)
    name = ws.outlets.get(FLAGSHIP).name
    app = start_app()
    assert app.sees(L("views.home.drafts", n=1))
    app.click(L("views.home.continue", name=name))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    # nothing new was started, and what was answered is still there
    assert db_rows(data_dir, "select count(*) from inspection") == [(1,)]
    assert ws.inspections.state(uuid).answers["oi_uniform_badge"] is True


def test_recent_results_show_score_and_veto_for_a_manager(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = _finished(ws, "open_inspection", FLAGSHIP, fail="oi_uniform_badge")
    summary = ws.inspections.summary(uuid)
    assert summary.veto_count == 1
    app = start_app()
    label = L("views.home.open_result", name=summary.outlet_name)
    card = app.find(label)
    from .harness import text_of

    words = text_of(card)
    assert format_score(summary.total_score) in words
    assert L("views.home.vetoes", n=1) in words
    app.click(label)
    app.wait_until(lambda: app.view_route == f"/result/{uuid}")


def test_shopper_home_is_discreet(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    uuid = _finished(ws, "mystery_shop", FLAGSHIP, fail="uniform_badge")
    summary = ws.inspections.summary(uuid)
    # the same home on a manager's device shows the result's score: what the scan sees
    ws.settings.set_role("area_manager")
    app = start_app()
    assert format_score(summary.total_score) in " ".join(giveaways(app))
    ws.settings.set_role("mystery_shopper")
    app = start_app()
    # reads like a notes app: its title, no scores or veto words, a quick-hide button
    assert app.sees(L("views.discreet.title"))
    assert not app.sees(L("app.name"))
    assert app.find(L("views.discreet.hide"), type="IconButton")
    assert app.find(L("views.home.open_result", name=summary.outlet_name))
    assert_discreet(app)
    assert L("views.home.vetoes", n=1) not in " ".join(app.texts())
    assert app.find(L("views.home.start_discreet"))


def test_quick_hide_covers_the_screen_until_tapped(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    app = start_app()
    app.click(L("views.discreet.hide"))
    assert app.sees(L("views.discreet.cover_title"))
    # the page under the cover cannot be used
    from .harness import HarnessError

    try:
        app.click(L("views.home.start_discreet"))
    except HarnessError as exc:
        assert "dialog" in str(exc)
    else:
        raise AssertionError("the home screen was usable under the cover")
    app.click(L("views.discreet.show"))
    assert not app.sees(L("views.discreet.cover_title"))
    app.click(L("views.home.start_discreet"))
    app.wait_until(lambda: app.view_route == "/outlets")


def test_sync_indicator_counts_what_waits_on_a_device_not_yet_enrolled(start_app, L,
                                                                        ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    indicator = app.find(within="sync-indicator", type="Text")
    assert indicator.control.value == L("views.sync.not_enrolled_short0")
    _finished(ws, "open_inspection", FLAGSHIP)
    app.close()
    app = start_app()
    indicator = app.find(within="sync-indicator", type="Text")
    assert indicator.control.value == L("views.sync.not_enrolled_short", n=1)
    # tapping it explains, and lists what waits
    app.click(indicator)
    app.wait_until(lambda: app.view_route == "/sync")
    assert app.sees(L("views.sync.waiting_list", n=1))
    assert app.sees(L("views.sync.not_enrolled", n=1))


def test_a_published_visit_shows_the_offices_errand_words_and_stays_discreet(
        start_app, L, ws) -> None:
    """A covert visit planned in the office reaches the phone with a customer's errand
    (the store and a time window) and is shown with the task, giving nothing away."""
    from datetime import date

    from app.sync import client_store
    from app.sync.protocol import AssignmentOut

    me = seed_device(ws, "mystery_shopper", "S-001")
    errand = "6月12日 14:00-16:00 去城东旗舰厅办业务"
    client_store.apply_assignments(ws.store, [AssignmentOut(
        id=7, outlet_code=FLAGSHIP, inspector_id=me, kind="mystery_shop",
        due_from=date.today(), due_by=date.today(), note=errand)])
    planned = [a for a in ws.assignments.for_day(None, me) if a.source == "server"]
    assert [a.note for a in planned] == [errand]
    app = start_app()
    assert app.sees(errand)
    assert_discreet(app)
    # a later plan without words takes them away again
    client_store.apply_assignments(ws.store, [AssignmentOut(
        id=7, outlet_code=FLAGSHIP, inspector_id=me, kind="mystery_shop",
        due_by=date.today())])
    assert not start_app().sees(errand)
