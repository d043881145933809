"""Finalisation rules: everything still missing before a visit can be finalised, at once."""

from __future__ import annotations

from typing import Any

import pytest

from app.checklists import Catalog
from app.checklists.evaluation import REASONS, Missing, Photo, finalise_problems
from app.checklists.scoring import NA, score
from app.i18n import messages

CAMERA = Photo("camera")
GALLERY = Photo("gallery")

# hall.yaml, flagship: every answer given, the queue failed (so idle_machines is shown)
ANSWERED = {
    "greeted": True,
    "attitude": 4,
    "eservice": NA,
    "queue_minutes": 20,
    "idle_machines": True,
    "fees_explained": True,
    "solved": "fully",
    "offered_plan": False,
}
EVIDENCE = {
    "notes": {"queue_minutes": "waited 20 minutes behind 9 people"},
    "photos": {"idle_machines": [CAMERA], "counter_photo": [CAMERA]},
}


def problems(cl: Any, answers: dict[str, Any], notes: dict[str, str] | None = None,
             photos: dict[str, list[Any]] | None = None) -> list[tuple[str, str]]:
    return [(m.item_id, m.reason) for m in finalise_problems(cl, answers, notes, photos)]


@pytest.fixture
def flagship(hall: Catalog) -> Any:
    return hall.resolve("mystery_shop", "flagship")


@pytest.fixture
def agent(hall: Catalog) -> Any:
    return hall.resolve("mystery_shop", "agent")


def test_a_complete_visit_has_nothing_missing(flagship: Any) -> None:
    assert finalise_problems(flagship, ANSWERED, **EVIDENCE) == []


def test_an_empty_draft_lists_every_required_item_in_order(flagship: Any) -> None:
    # idle_machines and follow_up are hidden, so they need nothing; counter_photo is a photo
    # item (required by default) and needs a photo rather than an answer
    assert problems(flagship, {}) == [
        ("greeted", "answer_required"),
        ("attitude", "answer_required"),
        ("eservice", "answer_required"),
        ("queue_minutes", "answer_required"),
        ("fees_explained", "answer_required"),
        ("solved", "answer_required"),
        ("counter_photo", "photo_required"),
        ("offered_plan", "answer_required"),
    ]


def test_every_missing_piece_of_evidence_at_once(flagship: Any) -> None:
    assert problems(flagship, ANSWERED) == [
        ("queue_minutes", "note_required"),  # failed, note_on_fail
        ("idle_machines", "photo_required"),  # shown, photo: always
        ("counter_photo", "photo_required"),
    ]


def test_a_blank_note_is_no_note(flagship: Any) -> None:
    notes = {"queue_minutes": "   "}
    assert ("queue_minutes", "note_required") in problems(flagship, ANSWERED, notes,
                                                         EVIDENCE["photos"])


def test_camera_only_items_refuse_gallery_photos(flagship: Any) -> None:
    photos = {"idle_machines": [CAMERA, GALLERY], "counter_photo": [{"source": "gallery"}]}
    assert problems(flagship, ANSWERED, EVIDENCE["notes"], photos) == [
        ("idle_machines", "camera_photo_required"),
        ("counter_photo", "camera_photo_required"),
    ]
    photos = {"idle_machines": [{"source": "camera"}], "counter_photo": [CAMERA, CAMERA]}
    assert problems(flagship, ANSWERED, EVIDENCE["notes"], photos) == []


def test_a_hidden_item_needs_nothing(flagship: Any) -> None:
    answers = {**ANSWERED, "queue_minutes": 3}  # no longer failed: idle_machines hidden
    del answers["idle_machines"]
    assert problems(flagship, answers, {}, {"counter_photo": [CAMERA]}) == []


def test_a_shown_required_text_item_must_be_filled(flagship: Any) -> None:
    answers = {**ANSWERED, "solved": "not"}
    assert ("follow_up", "answer_required") in problems(flagship, answers, **EVIDENCE)
    answers["follow_up"] = "  "
    assert ("follow_up", "answer_required") in problems(flagship, answers, **EVIDENCE)
    answers["follow_up"] = "the system was down"
    assert problems(flagship, answers, **EVIDENCE) == []


def test_a_fired_visit_veto_needs_a_photo_or_a_note(flagship: Any) -> None:
    answers = {**ANSWERED, "fees_explained": False}
    assert problems(flagship, answers, **EVIDENCE) == [("fees_explained",
                                                       "veto_evidence_required")]
    notes = {**EVIDENCE["notes"], "fees_explained": "contract signed before any price"}
    assert problems(flagship, answers, notes, EVIDENCE["photos"]) == []
    photos = {**EVIDENCE["photos"], "fees_explained": [GALLERY]}  # photo_source any
    assert problems(flagship, answers, EVIDENCE["notes"], photos) == []


def test_a_section_veto_with_note_on_fail_asks_once(agent: Any) -> None:
    answers = {"uniform": False, "smoking": False, "rating": 8}
    # uniform's note_on_fail asks for the note that also evidences the veto
    assert problems(agent, answers) == [("uniform", "note_required")]
    # a photo evidences the veto, but the note is still required by note_on_fail
    assert problems(agent, answers, {}, {"uniform": [GALLERY]}) == [("uniform",
                                                                     "note_required")]
    assert problems(agent, answers, {"uniform": "jeans and a T-shirt"}) == []


def test_a_veto_without_other_rules_asks_for_evidence(agent: Any) -> None:
    answers = {"uniform": True, "smoking": True, "rating": 8}
    assert problems(agent, answers) == [("smoking", "veto_evidence_required")]
    assert problems(agent, answers, {"smoking": "manager smoking at the counter"}) == []
    assert problems(agent, answers, {}, {"smoking": [CAMERA]}) == []


def test_photo_always_on_an_na_or_optional_item(build: Any) -> None:
    cl = build.checklist(build.section("s", [
        build.item("shelf", photo="always", allow_na=True),
        build.item("extra", photo="always", required=False),
        build.item("must", photo="always"),
    ]))
    # N/A needs no photo; an optional item left unanswered needs none either; a required
    # unanswered one needs both its answer and its photo
    assert problems(cl, {"shelf": NA}) == [("must", "answer_required"),
                                          ("must", "photo_required")]
    assert problems(cl, {"shelf": True, "extra": True, "must": True}) == [
        ("shelf", "photo_required"), ("extra", "photo_required"), ("must", "photo_required")]


def test_on_fail_photos_only_when_failed(build: Any) -> None:
    cl = build.checklist(build.section("s", [
        build.item("wait", "number", photo="on_fail",
                   bands=[{"max": 5, "score": 1}, {"score": 0}]),
    ]))
    assert problems(cl, {"wait": 3}) == []
    assert problems(cl, {"wait": 9}) == [("wait", "photo_required")]
    assert problems(cl, {"wait": 9}, {}, {"wait": [GALLERY]}) == []


def test_an_optional_photo_item_needs_nothing_but_camera_rules_still_apply(build: Any) -> None:
    cl = build.checklist(build.section("s", [
        build.item("shop_front", "photo", required=False, photo_source="camera"),
    ]))
    assert problems(cl, {}) == []
    assert problems(cl, {}, {}, {"shop_front": [GALLERY]}) == [("shop_front",
                                                                 "camera_photo_required")]


def test_finalising_is_possible_exactly_when_nothing_is_missing(flagship: Any) -> None:
    """No answer_required left means the score is complete too."""
    assert score(flagship, ANSWERED).complete
    assert not score(flagship, {"greeted": True}).complete
    assert any(r == "answer_required" for _, r in problems(flagship, {"greeted": True}))


def test_messages_in_both_languages(flagship: Any) -> None:
    missing = finalise_problems(flagship, {**ANSWERED, "fees_explained": False})
    by_reason: dict[str, Missing] = {}
    for m in missing:
        by_reason.setdefault(m.reason, m)
    assert by_reason["note_required"].message("zh") == "「等候时长」不合格，需要填写备注说明"
    assert by_reason["note_required"].message("en") == (
        "“Queue waiting time” failed: add a note saying what you saw")
    assert by_reason["veto_evidence_required"].message("zh") == (
        "「办理前告知资费」触发一票否决，须附照片或备注作为证据")
    assert by_reason["photo_required"].message("en") == (
        "“Self-service machines idle during the queue” needs a photo")
    assert isinstance(missing[0], Missing) and missing[0].section_id == "process"


def test_every_reason_has_a_message() -> None:
    known = messages()
    assert all(f"checklists.finalise.{r}" in known for r in REASONS)
