"""Checklist run: sections with progress, a widget per item type, note and photo per item,
veto items marked, show_if, live score for managers (never in discreet mode), autosave and
resume after leaving or after the app is killed."""

from __future__ import annotations

import json

import pytest

from app.checklists.scoring import format_score

from .discreet import assert_discreet
from .flows import (
    FLAGSHIP,
    chosen,
    current_uuid,
    db_rows,
    fill_passing,
    on_item,
    seed_device,
    take_photo,
    tap_answer,
)
from .harness import App, HarnessError, text_of


def _stored(data_dir, uuid: str, item_id: str):
    rows = db_rows(data_dir, "select value_json, note from answer "
                             "where inspection_uuid=? and item_id=?", uuid, item_id)
    if not rows:
        return None
    value, note = rows[0]
    return (json.loads(value) if value is not None else None), note


def _visit(start_app, ws, kind: str = "mystery_shop", code: str = FLAGSHIP) -> tuple[App, str]:
    uuid = ws.inspections.start(kind, code)
    app = start_app(route=f"/visit/{uuid}")
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    return app, uuid


@pytest.fixture
def shopper(ws):
    seed_device(ws, "mystery_shopper", "S-001")
    return ws


@pytest.fixture
def manager(ws):
    seed_device(ws, "area_manager", "M-001")
    return ws


def _progress_text(L, ws, uuid: str, section: str) -> str:
    state = ws.inspections.state(uuid)
    p = state.progress[section]
    return L("views.run.progress", answered=state.complete_count, total=state.needed_count,
             section_answered=p.complete, section_total=p.needed)


def test_sections_show_where_you_are_and_progress_follows_answers(start_app, L, manager,
                                                                  data_dir) -> None:
    ws = manager
    app, uuid = _visit(start_app, ws, "open_inspection")
    sections = ws.inspections.checklist(uuid).sections
    first = sections[0]
    assert app.sees(L("views.run.section_of", n=1, total=len(sections)))
    assert app.sees(first.title.get("zh"))
    assert app.sees(_progress_text(L, ws, uuid, first.id))
    assert ws.inspections.state(uuid).answered_count == 0

    tap_answer(app, "oi_signage", L("answer.yes"))
    # on disk the moment the tap returns (autosave), and the header says so
    assert _stored(data_dir, uuid, "oi_signage") == (True, None)
    assert ws.inspections.state(uuid).answered_count == 1
    assert app.sees(_progress_text(L, ws, uuid, first.id))
    chip = app.find(L("views.run.goto_section", title=first.title.get("zh")))
    p = ws.inspections.state(uuid).progress[first.id]
    assert p.complete == 1
    assert f"{p.complete}/{p.needed}" in text_of(chip)

    app.click(L("views.run.next"))
    assert app.sees(L("views.run.section_of", n=2, total=len(sections)))
    assert app.sees(sections[1].title.get("zh"))
    assert app.page.route.endswith(f"s={sections[1].id}")  # the address bar follows
    app.click(L("views.run.prev"))
    assert app.sees(L("views.run.section_of", n=1, total=len(sections)))


def test_discreet_sections_show_no_counters(start_app, L, shopper) -> None:
    app, uuid = _visit(start_app, shopper)
    sections = shopper.inspections.checklist(uuid).sections
    tap_answer(app, "greeted", L("answer.yes"))
    assert not app.sees(L("views.run.section_of", n=1, total=len(sections)))
    state = shopper.inspections.state(uuid)
    p = state.progress["awareness"]
    assert not app.sees(_progress_text(L, shopper, uuid, "awareness"))
    chip = app.find(L("views.run.goto_section", title=sections[0].title.get("zh")))
    assert f"{p.complete}/{p.needed}" not in text_of(chip)
    app.click(L("views.run.next"))
    assert app.page.route.endswith(f"s={sections[1].id}")


def test_yes_no_and_tapping_the_chosen_answer_again_takes_it_back(start_app, L, shopper,
                                                                 data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    tap_answer(app, "need_asked", L("answer.no"))
    assert _stored(data_dir, uuid, "need_asked") == (False, None)
    tap_answer(app, "need_asked", L("answer.yes"))
    assert _stored(data_dir, uuid, "need_asked") == (True, None)
    tap_answer(app, "need_asked", L("answer.yes"))
    assert _stored(data_dir, uuid, "need_asked") is None
    # not applicable is offered only where the checklist allows it
    assert on_item(app, "first_ask", L("answer.na"))
    with pytest.raises(HarnessError):
        on_item(app, "need_asked", L("answer.na"))


def test_show_if_reveals_a_follow_up_question(start_app, L, shopper, data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    assert not app.find_all(within="item-greet_seconds")  # hidden until greeted = yes
    tap_answer(app, "greeted", L("answer.yes"))
    field = on_item(app, "greet_seconds", L("views.item.number"), type="TextField")
    app.fill(field, "8")  # saved on leaving the field (and after a short pause)
    assert _stored(data_dir, uuid, "greet_seconds") == (8, None)
    tap_answer(app, "greeted", L("answer.no"))
    assert not app.find_all(within="item-greet_seconds")
    assert "greet_seconds" not in shopper.inspections.state(uuid).visible


def test_number_field_saves_after_a_pause_without_leaving_it(start_app, L, shopper,
                                                             data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    tap_answer(app, "greeted", L("answer.yes"))
    field = on_item(app, "greet_seconds", L("views.item.number"), type="TextField").control
    # type without leaving the field: no blur event
    for value in ("1", "12"):
        app.session.apply_patch(field._i, {"value": value})
        app._run(app.session.dispatch_event(field._i, "change", value))
    app.wait_until(lambda: _stored(data_dir, uuid, "greet_seconds") == (12, None),
                   timeout=5, message="the number to be saved after the typing pause")


def test_not_a_number_is_explained_and_not_stored(start_app, L, shopper, data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    tap_answer(app, "greeted", L("answer.yes"))
    field = on_item(app, "greet_seconds", L("views.item.number"), type="TextField")
    app.fill(field, "abc")
    assert field.control.error == L("views.item.not_a_number")
    assert _stored(data_dir, uuid, "greet_seconds") is None


def test_scale_choice_and_text_items(start_app, L, shopper, data_dir) -> None:
    ws = shopper
    app, uuid = _visit(start_app, ws)
    tap_answer(app, "friendliness", "4")
    assert _stored(data_dir, uuid, "friendliness") == (4, None)

    checklist = ws.inspections.checklist(uuid)
    titles = {s.id: s.title.get("zh") for s in checklist.sections}
    app.click(L("views.run.goto_section", title=titles["process"]))
    few = next(o for o in checklist.items["queue_ahead"].options if o.id == "many")
    app.click(on_item(app, "queue_ahead", few.label.get("zh"), type="Radio"))
    assert _stored(data_dir, uuid, "queue_ahead") == ("many", None)

    app.click(L("views.run.goto_section", title=titles["result"]))
    tap_answer(app, "transaction_done", L("answer.yes"))
    field = on_item(app, "transaction_detail", L("views.item.text"), type="TextField")
    app.fill(field, "办副卡，20元，10:15")
    assert _stored(data_dir, uuid, "transaction_detail") == ("办副卡，20元，10:15", None)


def test_a_note_can_be_added_to_any_item(start_app, L, shopper, data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    app.click(on_item(app, "farewell", L("views.item.add_note"), type="TextButton"))
    note = on_item(app, "farewell", L("views.item.note"), type="TextField")
    app.fill(note, "保安代为道别")
    assert _stored(data_dir, uuid, "farewell") == (None, "保安代为道别")


def test_veto_items_are_marked_for_managers(start_app, L, manager) -> None:
    app, uuid = _visit(start_app, manager, "open_inspection")
    checklist = manager.inspections.checklist(uuid)
    titles = {s.id: s.title.get("zh") for s in checklist.sections}
    app.click(L("views.run.goto_section", title=titles["oi_conduct"]))
    tag = f"{L('veto')} · {L('veto.scope.section')}"
    assert on_item(app, "oi_uniform_badge", tag)
    assert on_item(app, "oi_quarrel", f"{L('veto')} · {L('veto.scope.visit')}")
    assert not app.find_all(tag, within="item-oi_stand_greet")


def test_veto_items_are_marked_quietly_in_discreet_mode(start_app, L, shopper) -> None:
    app, uuid = _visit(start_app, shopper)
    titles = {s.id: s.title.get("zh") for s in shopper.inspections.checklist(uuid).sections}
    app.click(L("views.run.goto_section", title=titles["staff_quality"]))
    # a glance sees a neutral mark; nothing on the card - its tooltips and what a screen
    # reader would read aloud at the counter included - names the veto (issue 12)
    assert on_item(app, "uniform_badge", L("views.item.veto_discreet"))
    words = [t for f in app.find_all(within="item-uniform_badge") for t in f.texts]
    assert words and not any(L("veto") in w or "否决" in w for w in words), words


def test_a_failed_veto_asks_for_evidence_and_takes_a_photo(start_app, L, shopper,
                                                           data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    titles = {s.id: s.title.get("zh") for s in shopper.inspections.checklist(uuid).sections}
    app.click(L("views.run.goto_section", title=titles["staff_quality"]))
    # this item wants fresh evidence: camera only, no gallery
    assert on_item(app, "uniform_badge", L("views.item.camera"))
    assert not app.find_all(L("views.item.gallery"), within="item-uniform_badge")

    tap_answer(app, "uniform_badge", L("answer.no"))
    assert db_rows(data_dir, "select item_id from veto_flag where inspection_uuid=?",
                   uuid) == [("uniform_badge",)]
    note = on_item(app, "uniform_badge", L("views.item.note_required"), type="TextField")
    app.fill(note, "工牌翻面别在腰间")

    take_photo(app, L, "uniform_badge")
    app.wait_until(lambda: db_rows(data_dir, "select source from photo where "
                                             "inspection_uuid=? and item_id=?",
                                   uuid, "uniform_badge") == [("camera",)],
                   message="the photo to be stored")
    app.wait_for_text(L("views.item.photo_n", n=1))
    assert app.wait_for_snack(L("views.item.photo_saved"))
    photo = shopper.inspections.state(uuid).photos["uniform_badge"][0]
    assert photo.path.exists() and photo.width > 0
    assert _stored(data_dir, uuid, "uniform_badge") == (False, "工牌翻面别在腰间")


def test_live_score_for_managers(start_app, L, manager) -> None:
    app, uuid = _visit(start_app, manager, "open_inspection")
    tap_answer(app, "oi_signage", L("answer.yes"))
    state = manager.inspections.state(uuid)
    assert app.sees(L("views.run.score", score=format_score(state.score.total)))
    titles = {s.id: s.title.get("zh") for s in state.checklist.sections}
    app.click(L("views.run.goto_section", title=titles["oi_conduct"]))
    tap_answer(app, "oi_uniform_badge", L("answer.no"))
    state = manager.inspections.state(uuid)
    assert len(state.score.vetoes) == 1
    assert app.sees(L("views.run.score", score=format_score(state.score.total)) + " · "
                    + L("views.run.vetoes", n=1))


def test_no_score_anywhere_in_discreet_mode(start_app, L, shopper) -> None:
    app, uuid = _visit(start_app, shopper)
    tap_answer(app, "greeted", L("answer.yes"))
    tap_answer(app, "friendliness", "5")
    state = shopper.inspections.state(uuid)
    assert state.score.total is not None
    assert not app.sees(L("views.run.score", score=format_score(state.score.total)))
    prefix = L("views.run.score", score="").strip()
    assert not any(t.startswith(prefix) for t in app.texts())
    assert app.sees(L("views.discreet.title"))
    assert not app.sees(L("kind.mystery_shop"))
    assert_discreet(app)


def test_resume_after_leaving_the_visit(start_app, L, shopper, data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    titles = {s.id: s.title.get("zh") for s in shopper.inspections.checklist(uuid).sections}
    app.click(L("views.run.goto_section", title=titles["staff_quality"]))
    tap_answer(app, "grooming", L("answer.yes"))
    app.click(L("views.back"))
    app.wait_until(lambda: app.view_route == "/")
    name = shopper.outlets.get(FLAGSHIP).name
    app.click(L("views.home.continue", name=name))
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    # back at the first section still open, with the answer given earlier kept
    chip = app.find(L("views.run.goto_section", title=titles["staff_quality"]))
    app.click(chip)
    assert chosen(app, "grooming", L("answer.yes"))
    assert not chosen(app, "grooming", L("answer.no"))
    assert _stored(data_dir, uuid, "grooming") == (True, None)


def test_resume_after_the_app_is_killed(start_app, L, shopper, data_dir) -> None:
    app, uuid = _visit(start_app, shopper)
    titles = {s.id: s.title.get("zh") for s in shopper.inspections.checklist(uuid).sections}
    app.click(L("views.run.goto_section", title=titles["environment"]))
    tap_answer(app, "signage", L("answer.no"))
    app.close()  # killed: no goodbye, the next start is a new process

    app = start_app()
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    assert current_uuid(app) == uuid
    assert app.view_route.endswith("s=environment")
    assert app.sees(titles["environment"])
    assert _stored(data_dir, uuid, "signage") == (False, None)
    assert chosen(app, "signage", L("answer.no"))


def test_evidence_shows_on_the_item_the_moment_it_is_due(start_app, L, shopper) -> None:
    """Issue 12: 否 on a veto item asks for a photo and a note; the card said nothing and
    the chip ticked complete until review. Now the card says it at once (no trip to
    review), and the section stays open until the evidence is given."""
    app, uuid = _visit(start_app, shopper)
    titles = {s.id: s.title.get("zh") for s in shopper.inspections.checklist(uuid).sections}
    app.click(L("views.run.goto_section", title=titles["staff_quality"]))
    fill_passing(shopper, uuid)
    app.go(f"/visit/{uuid}?s=staff_quality&x=1")
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    assert shopper.inspections.state(uuid).progress["staff_quality"].done
    tap_answer(app, "uniform_badge", L("answer.no"))
    assert app.find(L("views.missing.photo_required"), within="item-uniform_badge",
                    exact=False)
    assert app.find(L("views.missing.note_required"), within="item-uniform_badge",
                    exact=False)
    assert not shopper.inspections.state(uuid).progress["staff_quality"].done
    app.fill(on_item(app, "uniform_badge", L("views.item.note_required"), type="TextField"),
             "工牌放在口袋里")
    take_photo(app, L, "uniform_badge")
    app.wait_until(lambda: shopper.inspections.state(uuid).progress["staff_quality"].done,
                   message="the section to be complete once the evidence is given")
    assert not app.find_all(L("views.missing.photo_required"),
                            within="item-uniform_badge", exact=False)
