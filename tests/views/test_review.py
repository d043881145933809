"""Review & finalise: missing list (tappable), score breakdown with vetoes, check-out and
finalise -> queued for sync; the recorded result afterwards."""

from __future__ import annotations

import pytest

from app.checklists.scoring import format_score

from .discreet import assert_discreet, giveaways
from .flows import FLAGSHIP, db_rows, fill_passing, seed_device
from .harness import HarnessError


def _review(start_app, uuid: str):
    app = start_app(route=f"/visit/{uuid}/review")
    app.wait_until(lambda: app.view_route == f"/visit/{uuid}/review")
    return app


def test_everything_missing_is_listed_and_each_line_jumps_to_its_item(start_app, L, ws,
                                                                       data_dir) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    fill_passing(ws, uuid, skip=("farewell", "storefront_photo"))
    ws.inspections.answer(uuid, "uniform_badge", False)  # a veto with no evidence yet
    problems = ws.inspections.state(uuid).problems
    assert {p.item_id for p in problems} == {"farewell", "storefront_photo", "uniform_badge"}

    app = _review(start_app, uuid)
    # discreet: a note to self heads the list, not a form's tally of missing items
    assert app.sees(L("views.review.discreet_missing_heading"))
    assert not app.sees(L("views.review.missing", n=len(problems)))

    def line(p):  # (discreet: the customer's-notes wording, no 一票否决)
        return L(f"views.review.discreet_missing.{p.reason}", label=p.label.get("zh"))

    for p in problems:
        assert app.find(L("views.review.jump", what=line(p)), within="missing-list")
    # finishing is not possible yet
    with pytest.raises(HarnessError, match="disabled"):
        app.click(L("views.review.finalise_discreet"))

    target = next(p for p in problems if p.item_id == "uniform_badge")
    app.click(L("views.review.jump", what=line(target)))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    assert app.view_route.endswith("s=staff_quality")
    # the item shows what it still needs
    hint = L(f"views.missing.{target.reason}")
    assert app.find(hint, within="item-uniform_badge", exact=False)
    assert db_rows(data_dir, "select status from inspection where uuid=?", uuid) == [
        ("draft",)]


def test_manager_sees_the_score_breakdown_with_every_veto(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    ws.inspections.answer(uuid, "oi_uniform_badge", False)
    ws.inspections.note(uuid, "oi_uniform_badge", "两名营业员未戴工牌")
    fill_passing(ws, uuid)
    state = ws.inspections.state(uuid)
    assert state.ready and len(state.score.vetoes) == 1
    veto = state.score.vetoes[0]
    section = next(s for s in state.score.sections if s.vetoed)

    app = _review(start_app, uuid)
    panel = " ".join(t for f in app.find_all(within="score-breakdown") for t in f.texts)
    assert L("views.review.total") in panel
    assert format_score(state.score.total) in panel
    assert L("views.review.vetoes", n=1) in panel
    assert L("views.review.veto_line", label=veto.label.get("zh"),
             reason=veto.reason.get("zh"), scope=L("veto.scope.section")) in panel
    assert L("views.review.section_vetoed", raw=format_score(section.raw_score)) in panel
    assert app.sees(L("views.review.ready"))


def test_finalise_queues_the_visit_for_sync(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    fill_passing(ws, uuid)
    expected = ws.inspections.state(uuid).score.total

    app = _review(start_app, uuid)
    app.click(L("views.review.finalise"))
    assert app.sees(L("views.review.confirm_title"))
    app.click(L("views.cancel"))  # second thoughts: nothing happens
    assert db_rows(data_dir, "select status from inspection where uuid=?", uuid) == [
        ("draft",)]

    app.click(L("views.review.finalise"))
    app.click(L("views.review.confirm_ok"))
    app.wait_until(lambda: app.view_route == "/")
    assert app.wait_for_snack(L("views.review.finalised"))
    [(status, sync_state, total, finished)] = db_rows(
        data_dir, "select status, sync_state, total_score, finished_at from inspection "
                  "where uuid=?", uuid)
    assert (status, sync_state) == ("finalized", "queued")
    assert total == pytest.approx(expected)
    assert finished is not None  # checked out
    assert [s.uuid for s in ws.inspections.outbox()] == [uuid]
    # home says one result waits to be sent
    indicator = app.find(within="sync-indicator", type="Text").control.value
    assert indicator == L("views.sync.not_enrolled_short", n=1)
    # and the finished record opens as a result, not as an editable draft
    app.go(f"/visit/{uuid}")
    app.wait_until(lambda: app.view_route == f"/result/{uuid}")
    assert app.sees(format_score(expected), exact=True)


def test_discreet_review_names_key_issues_but_shows_no_score(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    # a coaching visit's review shows its score: what the scan sees
    coaching = ws.inspections.start("open_inspection", FLAGSHIP, "S-001")
    fill_passing(ws, coaching)
    app = _review(start_app, coaching)
    assert format_score(ws.inspections.state(coaching).score.total) in " ".join(
        giveaways(app))
    uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    ws.inspections.answer(uuid, "uniform_badge", False)
    ws.inspections.note(uuid, "uniform_badge", "工牌放在口袋里")
    fill_passing(ws, uuid)
    app = _review(start_app, uuid)
    assert not app.find_all(within="score-breakdown")
    label = ws.inspections.checklist(uuid).items["uniform_badge"].label.get("zh")
    assert app.sees(L("views.review.discreet_vetoes", items=label))
    assert_discreet(app)
    app.click(L("views.review.finalise_discreet"))
    app.click(L("views.review.confirm_ok"))
    assert app.wait_for_snack(L("views.review.finalised_discreet"))
    assert ws.inspections.summary(uuid).status == "finalized"
    assert_discreet(app)  # home, with the message saying it is done


def test_a_draft_can_be_discarded_after_confirming(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    ws.inspections.answer(uuid, "oi_signage", True)
    app = _review(start_app, uuid)
    app.click(L("views.review.delete"))
    app.click(L("views.review.delete_ok"))
    app.wait_until(lambda: app.view_route == "/")
    assert app.wait_for_snack(L("views.review.deleted"))
    assert db_rows(data_dir, "select count(*) from inspection where uuid=?", uuid) == [(0,)]
    assert db_rows(data_dir, "select count(*) from answer where inspection_uuid=?",
                   uuid) == [(0,)]


def test_the_result_screen_shows_the_recorded_score_and_veto(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    quarrel = ws.catalog.resolve("open_inspection", "flagship").items["oi_quarrel"]
    ws.inspections.answer(uuid, "oi_quarrel", not quarrel.pass_if)  # voids the visit
    ws.inspections.note(uuid, "oi_quarrel", "员工与顾客争吵")
    fill_passing(ws, uuid)
    ws.inspections.finalise(uuid)
    summary = ws.inspections.summary(uuid)
    app = start_app()
    app.go(f"/result/{uuid}")  # e.g. the browser's address bar / back button
    app.wait_until(lambda: app.view_route == f"/result/{uuid}")
    assert app.sees(L("views.review.voided"))
    assert app.sees(format_score(summary.total_score), exact=True)
    assert app.sees(L("views.review.vetoes", n=summary.veto_count))
    assert app.sees(L("views.result.sync", state=L("views.sync.state.queued")))


def test_a_finished_covert_visit_shows_its_score_only_on_request(start_app, L, ws) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    ws.inspections.answer(uuid, "uniform_badge", False)
    ws.inspections.note(uuid, "uniform_badge", "工牌放在口袋里")
    fill_passing(ws, uuid)
    ws.inspections.finalise(uuid)
    summary = ws.inspections.summary(uuid)
    app = start_app(route=f"/result/{uuid}")
    app.wait_until(lambda: app.view_route == f"/result/{uuid}")
    assert not app.find_all(within="score-breakdown")  # nothing at a glance
    assert_discreet(app)

    app.click(L("views.result.show_details"))
    app.wait_until(lambda: app.sees(format_score(summary.total_score), exact=True))
    assert app.sees(L("views.review.vetoes", n=summary.veto_count))
    assert format_score(summary.total_score) in " ".join(giveaways(app))  # asked for
