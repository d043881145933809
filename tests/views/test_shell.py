"""The shell's shared behaviour: deep links, dialogs that close before what follows,
one accessible name per icon button, the chosen answer announced, a truthful sync badge."""

from __future__ import annotations

from datetime import datetime

from .flows import AGENT, FLAGSHIP, fill_passing, seed_device, tap_answer
from .harness import text_of


def _finished(ws, kind: str = "open_inspection", code: str = FLAGSHIP) -> str:
    uuid = ws.inspections.start(kind, code)
    fill_passing(ws, uuid)
    ws.inspections.finalise(uuid)
    return uuid


# -- deep links / a reloaded tab (NEEDS 8) ---------------------------------------------------


def test_a_deep_link_to_a_finished_result_opens_it(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = _finished(ws)
    app = start_app(route=f"/result/{uuid}")
    assert app.view_route == f"/result/{uuid}"
    assert app.region("screen-result")


def test_a_deep_link_to_an_outlets_history_opens_it(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    _finished(ws)
    app = start_app(route=f"/history/{FLAGSHIP}")
    assert app.view_route == f"/history/{FLAGSHIP}"


def test_a_deep_link_to_an_unknown_result_lands_home(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app(route="/result/no-such-visit")
    assert app.view_route == "/"


def test_a_locked_kiosk_asks_the_pin_for_a_deep_link(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = _finished(ws, "self_check", AGENT)
    for route in (f"/result/{uuid}", f"/history/{AGENT}"):  # unlocked: they open
        app = start_app(route=route)
        assert app.view_route == route, route
    ws.settings.set_manager_pin("2468")
    ws.settings.set_kiosk_outlet(AGENT)
    ws.settings.set_role("outlet_agent")
    for route in (f"/result/{uuid}", f"/history/{AGENT}"):
        app = start_app(route=route)
        assert app.view_route == "/kiosk", route
        assert app.find_all(L("views.kiosk.pin_locked"), in_dialog=True), route
        app.fill(app.find(L("views.kiosk.pin"), in_dialog=True), "2468", submit=True)
        app.wait_until(lambda app=app, route=route: app.view_route == route)
    # the place left is not a request: a restart there starts on the kiosk, no PIN asked
    app = start_app()
    assert app.view_route == "/kiosk"
    assert not app.find_all(L("views.kiosk.pin_locked"), in_dialog=True)


# -- dialogs (NEEDS 1) -----------------------------------------------------------------------


def test_cancel_closes_the_dialog_even_under_an_error_message(start_app, L, ws) -> None:
    """An error shown while a dialog is open (a SnackBar on top of it) must not make
    Cancel close the message instead of the dialog."""
    seed_device(ws, "area_manager", "M-001")
    earlier = ws.inspections.start("open_inspection", FLAGSHIP)
    ws.actions.raise_action(earlier, "门头灯箱缺字", "钱店长", datetime.now().date())
    fill_passing(ws, earlier)
    ws.inspections.finalise(earlier)
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    [action] = ws.actions.open_actions(FLAGSHIP)
    app = start_app(route=f"/visit/{uuid}/actions")
    app.click(app.find(L("views.actions.carry"), within=f"action-{action.id}"))
    app.fill(app.find(L("views.actions.new_due"), in_dialog=True), "not a date")
    app.click(app.find(L("views.actions.carry"), in_dialog=True))
    app.wait_for_snack(L("services.action.due_invalid", value="not a date"))
    app.click(app.find(L("views.cancel"), in_dialog=True))
    app.wait_until(lambda: not app.find_all(L("views.actions.carry_title"), in_dialog=True))
    # and the dialog that closes then refreshes the screen (closing an action)
    app.click(app.find(L("views.actions.close"), within=f"action-{action.id}"))
    app.click(app.find(L("views.actions.close"), in_dialog=True))
    app.wait_for_snack(L("views.actions.closed"))
    assert not app.find_all(L("views.actions.close_title"), in_dialog=True)
    assert app.sees(L("views.actions.none_open"))


def test_navigation_after_a_dialog_waits_for_it_to_be_dismissed(start_app, L, ws) -> None:
    """close_dialog(then=...) runs `then` once the client says the dialog is gone (the
    browser keeps a dialog with a focused field if the view is replaced at once)."""
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    appshell = _shell(app)
    ran: list[str] = []

    def open_and_close() -> None:
        appshell.dialog("t", "body", [])
        appshell.close_dialog(then=lambda: ran.append("then"))
        ran.append("closed")

    app.run(_as_coro(open_and_close))
    app.wait_until(lambda: ran == ["closed", "then"])


def test_a_reconnected_page_still_navigates_after_a_dialog(start_app, L, ws) -> None:
    """A browser reload or a dropped socket disconnects the page, and the same session
    carries on: the shell must not treat that as its end (a kiosk's finalise used to
    hang on its confirm dialog after a reload)."""
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    appshell = _shell(app)
    if app.page.on_disconnect is not None:
        app.page.on_disconnect(None)  # what Flet calls when the socket goes
    ran: list[str] = []

    def open_and_close() -> None:
        appshell.dialog("t", "body", [])
        appshell.close_dialog(then=lambda: ran.append("then"))

    app.run(_as_coro(open_and_close))
    app.wait_until(lambda: ran == ["then"])


def _shell(app):
    """The AppShell running on the harness's page (its route handler's owner)."""
    return app.page.on_route_change.__self__


def _as_coro(fn):
    async def coro() -> None:
        fn()

    return coro


# -- accessibility (NEEDS 2, 3) --------------------------------------------------------------


def test_each_icon_button_is_one_named_button(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    app = start_app()
    icons = [f for f in app.iter_visible() if type(f.control).__name__ == "IconButton"]
    assert icons
    for f in icons:
        assert f.control.tooltip, f
        parent = f.ancestors[-1]
        # tooltip and button merged into one node: the browser's button "设置"
        assert type(parent).__name__ == "MergeSemantics", (f, type(parent).__name__)
        # no Semantics(button=True) around it (that was a named button holding an
        # unnamed one)
        assert not any(type(a).__name__ == "Semantics" and a.button for a in f.ancestors)
    names = {f.control.tooltip for f in icons}
    assert {L("views.settings.title"), L("views.discreet.hide")} <= names


def test_the_chosen_answer_is_announced_as_selected(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    app = start_app(route=f"/visit/{uuid}")

    def selected(label: str) -> bool | None:
        f = app.find(label, within="item-need_asked", type="OutlinedButton")
        marks = [a for a in f.ancestors if type(a).__name__ == "Semantics"
                 and a.selected is not None]
        assert marks, f"no selected state around {label}"
        merged = [a for a in f.ancestors if type(a).__name__ == "MergeSemantics"]
        assert merged, f"{label}: the state is not merged into the button's node"
        return marks[-1].selected

    assert (selected(L("answer.yes")), selected(L("answer.no"))) == (False, False)
    tap_answer(app, "need_asked", L("answer.no"))
    assert (selected(L("answer.yes")), selected(L("answer.no"))) == (False, True)
    tap_answer(app, "need_asked", L("answer.yes"))
    assert (selected(L("answer.yes")), selected(L("answer.no"))) == (True, False)
    tap_answer(app, "need_asked", L("answer.yes"))  # taken back
    assert (selected(L("answer.yes")), selected(L("answer.no"))) == (False, False)


# -- the sync badge (NEEDS 6) ----------------------------------------------------------------


def test_the_badge_counts_the_outbox_not_the_runners_last_round(start_app, L, ws) -> None:
    """Right after a finalise the runner's status still says "all sent" (its count is
    from its last round): the badge built now must say what waits."""
    from app.services import DeviceSync, SyncPhase, SyncStatus

    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    appshell = _shell(app)
    idle = L("views.sync.synced_short", when="\x00").split("\x00")[0]

    class StaleRunner:
        status = SyncStatus(state=SyncPhase.IDLE, waiting=0,
                            last_synced_at=datetime.now().astimezone())

        def wake(self) -> None:
            pass

    appshell.sync = DeviceSync(appshell.ws, StaleRunner())  # type: ignore[arg-type]
    app.run(_as_coro(lambda: appshell.go("/")))
    indicator = app.find(within="sync-indicator", type="Text")
    assert text_of(indicator).startswith(idle)  # the runner's word, nothing waits
    _finished(ws)
    app.run(_as_coro(lambda: appshell.go("/")))
    indicator = app.find(within="sync-indicator", type="Text")
    assert text_of(indicator) == L("views.sync.waiting_short", n=1)
