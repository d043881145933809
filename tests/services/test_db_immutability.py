"""Immutability in the database itself: raw SQL cannot change a finalised inspection."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.services import Workspace

from .conftest import NOW, complete_answers, jpeg


@pytest.fixture
def finalised(ws: Workspace, draft: str) -> str:
    complete_answers(ws, draft)
    ws.inspections.answer(draft, "uniform", False, now=NOW)
    ws.inspections.note(draft, "uniform", "未穿工装", now=NOW)
    ws.inspections.answer(draft, "phone_use", False, now=NOW)  # shown once uniform failed
    ws.inspections.attach_photo(draft, "uniform", jpeg("white"), now=NOW)
    ws.inspections.finalise(draft, now=NOW)
    return draft


REFUSED = [
    "UPDATE answer SET value_json = 'true' WHERE inspection_uuid = :u",
    "UPDATE answer SET note = 'x' WHERE inspection_uuid = :u",
    "DELETE FROM answer WHERE inspection_uuid = :u",
    "INSERT INTO answer (inspection_uuid, item_id, value_json) VALUES (:u, 'comments', '\"x\"')",
    "UPDATE answer SET inspection_uuid = :u WHERE inspection_uuid = :d",
    "UPDATE photo SET item_id = 'comments' WHERE inspection_uuid = :u",
    "DELETE FROM photo WHERE inspection_uuid = :u",
    "UPDATE veto_flag SET evidence_note = NULL WHERE inspection_uuid = :u",
    "DELETE FROM veto_flag WHERE inspection_uuid = :u",
    "UPDATE inspection SET total_score = 100 WHERE uuid = :u",
    "UPDATE inspection SET status = 'draft' WHERE uuid = :u",
    "UPDATE inspection SET finished_at = NULL WHERE uuid = :u",
    "UPDATE inspection SET amend_reason = 'x' WHERE uuid = :u",
    "DELETE FROM inspection WHERE uuid = :u",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_raw_sql_cannot_change_a_finalised_inspection(ws: Workspace, finalised: str,
                                                      sql: str) -> None:
    from sqlalchemy import text

    other = ws.inspections.start("mystery_shop", "HZ-001", "INS-2", now=NOW)  # rotation
    ws.inspections.answer(other, "greet_seconds", 3, now=NOW)
    with pytest.raises(IntegrityError, match="finalized inspection cannot be changed"), \
            ws.store.writing_connection() as conn:
        conn.execute(text(sql), {"u": finalised, "d": other})


def test_sync_bookkeeping_may_still_change(ws: Workspace, finalised: str) -> None:
    with ws.store.writing_connection() as conn:
        conn.exec_driver_sql("UPDATE inspection SET sync_state = 'sent', sync_error = NULL, "
                             "synced_at = '2025-03-14T03:00:00.000000+00:00' WHERE uuid = ?",
                             (finalised,))
        conn.exec_driver_sql("UPDATE photo SET sync_state = 'sent' WHERE inspection_uuid = ?",
                             (finalised,))
    assert ws.inspections.summary(finalised).sync_state == "sent"
    assert ws.inspections.outbox() == []


def test_drafts_stay_editable_with_raw_sql(ws: Workspace, draft: str) -> None:
    ws.inspections.answer(draft, "greet_seconds", 3, now=NOW)
    with ws.store.writing_connection() as conn:
        conn.exec_driver_sql("UPDATE answer SET value_json = '4' WHERE inspection_uuid = ?",
                             (draft,))
    assert ws.inspections.state(draft).answers["greet_seconds"] == 4
