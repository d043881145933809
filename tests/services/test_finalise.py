"""Finalising: every missing thing reported at once; a finalised visit is frozen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.errors import UserError
from app.services import FinaliseBlocked, Workspace
from app.store import Inspection, Photo

from .conftest import NOW, complete_answers, jpeg


def test_finalising_an_empty_draft_lists_every_missing_thing(ws: Workspace,
                                                             draft: str) -> None:
    with pytest.raises(FinaliseBlocked) as err:
        ws.inspections.finalise(draft, now=NOW)
    got = [(p.item_id, p.reason) for p in err.value.problems]
    assert got == [
        ("uniform", "answer_required"),
        ("rude", "answer_required"),
        ("greet_seconds", "answer_required"),
        ("solved", "answer_required"),
        ("friendliness", "answer_required"),
        ("storefront", "photo_required"),
    ]
    text = err.value.message("en")
    assert text.splitlines()[0].startswith("6 thing(s) still missing")
    assert "Storefront photo" in text
    assert "门头照片" in err.value.message("zh")
    summary = ws.inspections.summary(draft)
    assert summary.status == "draft" and summary.sync_state == "local"


def test_veto_evidence_notes_and_photos_are_all_required(ws: Workspace, draft: str) -> None:
    complete_answers(ws, draft)
    ws.inspections.answer(draft, "uniform", False, now=NOW)  # fail: photo + note needed
    ws.inspections.answer(draft, "phone_use", True, now=NOW)  # veto without evidence
    with pytest.raises(FinaliseBlocked) as err:
        ws.inspections.finalise(draft, now=NOW)
    assert [(p.item_id, p.reason) for p in err.value.problems] == [
        ("uniform", "photo_required"),
        ("uniform", "note_required"),
        ("phone_use", "veto_evidence_required"),
    ]
    ws.inspections.note(draft, "uniform", "前台员工未穿工装", now=NOW)
    ws.inspections.attach_photo(draft, "uniform", jpeg("white"), source="camera", now=NOW)
    ws.inspections.note(draft, "phone_use", "员工低头刷手机约 3 分钟", now=NOW)
    summary = ws.inspections.finalise(draft, now=NOW)
    assert summary.veto_count == 2
    assert summary.total_score == pytest.approx(100.0 * (30 * 0 + 20 * 0.875) / 50)


def test_finalising_freezes_the_record_in_one_step(ws: Workspace, draft: str) -> None:
    complete_answers(ws, draft)
    ws.assignments.add("HZ-001", "mystery_shop", NOW.date(), inspector_id="INS-1",
                       assignment_id="A-1")
    later = NOW + timedelta(minutes=25)
    summary = ws.inspections.finalise(draft, checkout_location={"lat": 30.2, "lon": 120.1},
                                      now=later)
    assert summary.status == "finalized" and summary.sync_state == "queued"
    assert summary.finished_at == later and summary.complete is True
    assert summary.total_score == pytest.approx(95.0)
    snapshot = ws.inspections.score_snapshot(draft)
    assert snapshot is not None and snapshot["total"] == pytest.approx(95.0)
    assert snapshot["checklist"]["content_hash"]
    state = ws.inspections.state(draft)
    assert state.checkout is not None and state.checkout.lat == 30.2
    assert state.problems == []
    assert [s.uuid for s in ws.inspections.outbox()] == [draft]
    assert ws.inspections.list_drafts() == []
    with ws.store.reading() as s:
        assert set(s.execute(select(Photo.sync_state)).scalars()) == {"queued"}
    assert ws.assignments.for_day(NOW.date())[0].done_uuid == draft


def test_a_finalised_visit_cannot_be_changed_through_the_services(ws: Workspace,
                                                                   draft: str) -> None:
    complete_answers(ws, draft)
    ws.inspections.finalise(draft, now=NOW)
    sha = ws.inspections.state(draft).photos["storefront"][0].sha256
    attempts = [
        lambda: ws.inspections.answer(draft, "greet_seconds", 50, now=NOW),
        lambda: ws.inspections.clear_answer(draft, "greet_seconds", now=NOW),
        lambda: ws.inspections.note(draft, "comments", "后补", now=NOW),
        lambda: ws.inspections.attach_photo(draft, "comments", jpeg("gray"), now=NOW),
        lambda: ws.inspections.remove_photo(draft, "storefront", sha, now=NOW),
        lambda: ws.inspections.finalise(draft, now=NOW),
        lambda: ws.inspections.delete_draft(draft),
        lambda: ws.actions.raise_action(draft, "整改", "店长", date(2025, 4, 1), now=NOW),
    ]
    with ws.store.reading() as s:
        before = s.get(Inspection, draft).model_dump()
    for attempt in attempts:
        with pytest.raises(UserError) as err:
            attempt()
        assert err.value.key == "services.finalized_immutable"
    with ws.store.reading() as s:
        assert s.get(Inspection, draft).model_dump() == before
    assert ws.inspections.state(draft).answers["greet_seconds"] == 5
