"""Coaching visit (area manager): corrective actions are raised with owner and due date, and
followed up at the next visit: closed, or carried forward to a new date."""

from __future__ import annotations

from datetime import date, timedelta

from .flows import FLAGSHIP, db_rows, fill_passing, pick_outlet, seed_device
from .harness import text_of


def _actions_of(data_dir, outlet: str):
    return db_rows(data_dir, "select description, owner, due_date, status, raised_in_uuid, "
                             "closed_in_uuid, closing_note, carried_count from "
                             "corrective_action where outlet_code=? order by raised_at",
                   outlet)


def _raise(app, L, what: str, owner: str, due: str | None = None) -> None:
    app.fill(L("views.actions.what"), what, per_char=False)
    app.fill(L("views.actions.owner"), owner)
    if due is not None:
        app.fill(L("views.actions.due"), due)
    app.click(L("views.actions.add"))


def test_raise_a_corrective_action_with_owner_and_due_date(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    app.click(L("views.home.start"))
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    uuid = app.view_route.split("/")[2].split("?")[0]
    # no earlier actions: straight into the checklist, actions one tap away
    app.click(L("views.run.actions"))
    app.wait_until(lambda: app.view_route == f"/visit/{uuid}/actions")
    assert app.sees(L("views.actions.none_open"))
    due_default = app.find(L("views.actions.due"), type="TextField").control.value
    assert due_default == (date.today() + timedelta(days=7)).isoformat()

    _raise(app, L, "等候区补充老花镜和饮水", "张店长", "+14")
    assert app.wait_for_snack(L("views.actions.added"))
    due = (date.today() + timedelta(days=14)).isoformat()
    assert _actions_of(data_dir, FLAGSHIP) == [
        ("等候区补充老花镜和饮水", "张店长", due, "open", uuid, None, None, 0)]
    assert app.sees(L("views.actions.raised_here", n=1))
    assert app.sees(L("views.actions.meta", owner="张店长", due=due))
    # the form is empty again for the next one
    assert not app.find(L("views.actions.what"), type="TextField").control.value

    # the review of this visit lists it too
    app.go(f"/visit/{uuid}/review")
    app.wait_for_text(L("views.actions.line", what="等候区补充老花镜和饮水", owner="张店长",
                        due=due))


def test_an_action_needs_an_owner_and_a_real_date(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    app = start_app()
    app.go(f"/visit/{uuid}/actions")
    _raise(app, L, "更换破损灯箱", "")
    assert app.wait_for_snack(L("services.action.owner_missing"))
    _raise(app, L, "更换破损灯箱", "李主管", "下周")
    assert app.wait_for_snack(L("services.action.due_invalid", value="下周"))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    _raise(app, L, "更换破损灯箱", "李主管", yesterday)
    assert app.wait_for_snack(L("services.action.due_in_past", due=yesterday))
    assert _actions_of(data_dir, FLAGSHIP) == []
    # what was typed is still there to fix
    assert app.find(L("views.actions.what"), type="TextField").control.value == "更换破损灯箱"


def _earlier_visit_with_actions(ws) -> tuple[str, list[str]]:
    first = ws.inspections.start("open_inspection", FLAGSHIP)
    a = ws.actions.raise_action(first, "门头灯箱缺字，需维修", "王业主",
                                date.today() + timedelta(days=3))
    b = ws.actions.raise_action(first, "过期海报全部撤下", "赵店员",
                                date.today() + timedelta(days=5))
    fill_passing(ws, first)
    ws.inspections.finalise(first)
    return first, [a.id, b.id]


def test_next_visit_follows_up_open_actions_first(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    first, (lamp, posters) = _earlier_visit_with_actions(ws)
    app = start_app()
    app.click(L("views.home.start"))
    pick_outlet(app, L, ws, FLAGSHIP)
    # arriving: the open actions come before the checklist
    app.wait_until(lambda: "/actions" in app.view_route)
    second = app.view_route.split("/")[2]
    assert second != first
    assert app.sees(L("views.actions.open_earlier", n=2))
    assert "门头灯箱缺字，需维修" in text_of(app.find(within=f"action-{lamp}", text=None,
                                                  type="Column"))

    # close the first one with a note
    app.click(app.find(L("views.actions.close"), within=f"action-{lamp}"))
    assert app.sees(L("views.actions.close_title"))
    app.fill(app.find(L("views.actions.closing_note"), in_dialog=True), "已更换灯管")
    app.click(app.find(L("views.actions.close"), in_dialog=True))
    assert app.wait_for_snack(L("views.actions.closed"))

    # carry the other forward
    app.click(app.find(L("views.actions.carry"), within=f"action-{posters}"))
    new_due = (date.today() + timedelta(days=21)).isoformat()
    app.fill(app.find(L("views.actions.new_due"), in_dialog=True), new_due)
    app.click(app.find(L("views.actions.carry"), in_dialog=True))
    assert app.wait_for_snack(L("views.actions.carried"))

    rows = {r[0]: r for r in _actions_of(data_dir, FLAGSHIP)}
    assert rows["门头灯箱缺字，需维修"][3:8] == ("closed", first, second, "已更换灯管", 0)
    assert rows["过期海报全部撤下"][2:4] == (new_due, "carried")
    assert rows["过期海报全部撤下"][7] == 1
    # only the carried one is still open; it says it was handled here
    assert app.sees(L("views.actions.open_earlier", n=1))
    assert app.find(L("views.actions.carried_here"), within=f"action-{posters}")
    assert app.find(L("views.actions.carried_times", n=1), within=f"action-{posters}")
    app.click(L("views.actions.to_checklist"))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{second}")
                   and "/actions" not in app.view_route)


def test_a_later_visit_closes_what_an_earlier_one_raised(start_app, L, ws, data_dir) -> None:
    """The same journey as the e2e test, headless: raise in one visit, close in the next."""
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    app.click(L("views.home.start"))
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    first = app.view_route.split("/")[2].split("?")[0]
    app.click(L("views.run.actions"))
    _raise(app, L, "补齐投诉电话公示", "钱店长", "+7")
    app.wait_for_snack(L("views.actions.added"))
    fill_passing(ws, first)
    app.go(f"/visit/{first}/review")
    app.click(L("views.review.finalise"))
    app.click(L("views.review.confirm_ok"))
    app.wait_until(lambda: app.view_route == "/")

    app.click(L("views.home.start"))
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: "/actions" in app.view_route)
    [action] = ws.actions.open_actions(FLAGSHIP)
    app.click(app.find(L("views.actions.close"), within=f"action-{action.id}"))
    app.click(app.find(L("views.actions.close"), in_dialog=True))
    app.wait_for_snack(L("views.actions.closed"))
    assert ws.actions.open_actions(FLAGSHIP) == []
    assert app.sees(L("views.actions.none_open"))


def test_a_corrective_action_is_raised_from_the_failed_item_prefilled(start_app, L, ws,
                                                                      data_dir) -> None:
    """Issue 12: the manager retyped a failed item on the actions screen, and a free-text
    question asked for the same again. Now 提出整改 on the failed item opens the new
    action prefilled (the item and its note) and linked to the item; no such question."""
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    assert "oi_findings" not in ws.inspections.checklist(uuid).items
    ws.inspections.answer(uuid, "oi_uniform_badge", False)
    ws.inspections.note(uuid, "oi_uniform_badge", "两名营业员未戴工牌")
    app = start_app(route=f"/visit/{uuid}?item=oi_uniform_badge")
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    # only a failed item offers it
    assert not app.find_all(L("views.item.raise_action"), within="item-oi_stand_greet")
    app.click(app.find(L("views.item.raise_action"), within="item-oi_uniform_badge"))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}/actions"))
    label = ws.inspections.checklist(uuid).items["oi_uniform_badge"].label.zh
    what = app.find(L("views.actions.what"), type="TextField").control
    assert what.value == L("views.actions.prefill", label=label, note="两名营业员未戴工牌")
    app.fill(L("views.actions.owner"), "店长王芳")
    app.click(L("views.actions.add"))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}?"))
    assert db_rows(data_dir, "select description, owner, item_id from corrective_action "
                             "where raised_in_uuid=?", uuid) == [
        (L("views.actions.prefill", label=label, note="两名营业员未戴工牌"), "店长王芳",
         "oi_uniform_badge")]
