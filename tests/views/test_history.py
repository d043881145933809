"""History: find an outlet, its visits newest first with scores and vetoes, amendments
marked, each opening the recorded result; no scores for a mystery shopper."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.checklists.scoring import format_score

from .discreet import assert_discreet, giveaways
from .flows import COMPETITOR, FLAGSHIP, db_rows, fill_passing, seed_device
from .harness import text_of


def _visits(ws, kind: str, *, veto_item: str | None = None) -> list[str]:
    """Two finished visits to the flagship hall: 100 days ago (with a veto) and today
    (a shopper may visit the same outlet once in three months)."""
    now = datetime.now().astimezone()
    made = []
    for days, fail in ((100, veto_item), (0, None)):
        uuid = ws.inspections.start(kind, FLAGSHIP, now=now - timedelta(days=days))
        if fail:
            ws.inspections.answer(uuid, fail, False)
            ws.inspections.note(uuid, fail, "证据见备注")
        fill_passing(ws, uuid)
        ws.inspections.finalise(uuid)
        made.append(uuid)
    return made


def _rows(app) -> list[str]:
    """Visit ids in the order the history lists them."""
    return [f.control.identifier.removeprefix("history-") for f in app.iter_visible()
            if type(f.control).__name__ == "Semantics"
            and str(f.control.identifier or "").startswith("history-")
            and not str(f.control.identifier).startswith("history-outlet-")
            and f.control.identifier != "history-search"]


def test_find_an_outlet_and_see_its_results_newest_first(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    older, newer = _visits(ws, "open_inspection", veto_item="oi_uniform_badge")
    app = start_app()
    app.click(L("views.home.history"))
    app.wait_until(lambda: app.view_route == "/history")
    app.fill(L("views.outlets.search"), "旗舰")
    flagship = ws.outlets.get(FLAGSHIP)
    assert app.find(L("views.history.outlet", name=flagship.name))
    assert app.find(L("views.history.outlet", name=ws.outlets.get(COMPETITOR).name))
    assert len(app.find_all(within="history-search", type="TextField")) == 1
    app.click(L("views.history.outlet", name=flagship.name))
    app.wait_until(lambda: app.view_route == f"/history/{FLAGSHIP}")

    assert _rows(app) == [newer, older]
    old = ws.inspections.summary(older)
    new = ws.inspections.summary(newer)
    old_words = text_of(app.region(f"history-{older}"))
    assert L("views.home.vetoes", n=1) in old_words
    assert format_score(old.total_score) in old_words
    new_words = text_of(app.region(f"history-{newer}"))
    assert L("views.home.vetoes", n=1) not in new_words
    assert format_score(new.total_score) in new_words
    avg = (old.total_score + new.total_score) / 2
    assert app.sees(L("views.history.summary", n=2, avg=format_score(avg)))

    app.click(app.region(f"history-{older}"))
    app.wait_until(lambda: app.view_route == f"/result/{older}")
    assert app.sees(format_score(old.total_score), exact=True)


def test_an_amendment_is_a_new_record_marked_in_history(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    _older, newer = _visits(ws, "open_inspection")
    app = start_app()
    app.go(f"/result/{newer}")
    app.wait_until(lambda: app.view_route == f"/result/{newer}")
    app.click(L("views.result.amend"))
    app.fill(app.find(L("views.result.amend_reason"), in_dialog=True), "门头照片拍错门店")
    app.click(L("views.result.amend_ok"))
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    amendment = app.view_route.split("/")[2].split("?")[0]
    assert amendment != newer
    assert db_rows(data_dir, "select amends_uuid, amended_by, amend_reason, status from "
                             "inspection where uuid=?", amendment) == [
        (newer, "M-001", "门头照片拍错门店", "draft")]
    # the original is untouched
    assert db_rows(data_dir, "select status from inspection where uuid=?", newer) == [
        ("finalized",)]
    app.go(f"/history/{FLAGSHIP}")
    app.wait_until(lambda: app.view_route == f"/history/{FLAGSHIP}")
    words = text_of(app.region(f"history-{amendment}"))
    assert L("views.history.amendment") in words
    assert L("views.history.draft") in words


def test_shopper_history_leaves_scores_out(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    older, newer = _visits(ws, "mystery_shop", veto_item="uniform_badge")
    # a manager's device lists the same visits with their scores: what the scan sees
    ws.settings.set_role("area_manager")
    app = start_app(route=f"/history/{FLAGSHIP}")
    assert app.view_route == f"/history/{FLAGSHIP}"
    total = ws.inspections.summary(older).total_score
    assert format_score(total) in " ".join(giveaways(app))
    ws.settings.set_role("mystery_shopper")
    app = start_app()
    app.go(f"/history/{FLAGSHIP}")
    app.wait_until(lambda: app.view_route == f"/history/{FLAGSHIP}")
    assert _rows(app) == [newer, older]
    assert_discreet(app)  # no score, no average, no veto, in any wording


def test_an_outlet_without_visits_says_so(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    app.go(f"/history/{COMPETITOR}")
    app.wait_until(lambda: app.view_route == f"/history/{COMPETITOR}")
    assert app.sees(L("views.history.none"))
    assert app.sees(L("views.outlets.competitor"))
