"""A score as a screen shows it (services.results): the recorded numbers, the words in the
reader's language, re-derived from the visit's own checklist."""

from __future__ import annotations

from app.services import Workspace, results

from .conftest import NOW, complete_answers, jpeg


def _with_veto(ws: Workspace) -> str:
    uuid = ws.inspections.start("mystery_shop", "HZ-001", now=NOW)
    complete_answers(ws, uuid)
    ws.inspections.answer(uuid, "uniform", False, now=NOW)
    ws.inspections.note(uuid, "uniform", "未穿工装", now=NOW)
    ws.inspections.attach_photo(uuid, "uniform", jpeg("green"), source="camera", now=NOW)
    ws.inspections.answer(uuid, "phone_use", False, now=NOW)  # shown once uniform fails
    return uuid


def test_the_recorded_score_in_either_language(ws: Workspace) -> None:
    uuid = _with_veto(ws)
    live = ws.inspections.state(uuid).score
    ws.inspections.finalise(uuid, now=NOW)
    zh = ws.inspections.recorded_score(uuid, "zh")
    en = ws.inspections.recorded_score(uuid, "en")
    assert zh.total == en.total == live.total
    assert [s.score for s in zh.sections] == [s.score for s in live.sections]
    assert [s.title for s in en.sections] == [s.title.en for s in live.sections]
    assert [s.title for s in zh.sections] == [s.title.zh for s in live.sections]
    [veto] = en.vetoes
    assert (veto.label, veto.reason, veto.scope) == ("Staff in uniform",
                                                    "Staff not in uniform", "section")
    assert zh.vetoes[0].reason == "未着工装"
    assert not en.voided
    conduct = next(s for s in en.sections if s.title == "Conduct")
    assert conduct.vetoed and conduct.score == 0 and conduct.raw_score


def test_the_live_score_reads_like_the_recorded_one(ws: Workspace) -> None:
    uuid = _with_veto(ws)
    live = results.live(ws.inspections.state(uuid).score, "en")
    ws.inspections.finalise(uuid, now=NOW)
    assert live == ws.inspections.recorded_score(uuid, "en")


def test_a_visit_voiding_veto_is_said(ws: Workspace) -> None:
    uuid = ws.inspections.start("mystery_shop", "HZ-001", now=NOW)
    complete_answers(ws, uuid)
    ws.inspections.answer(uuid, "rude", True, now=NOW)
    ws.inspections.note(uuid, "rude", "与顾客争吵", now=NOW)
    lines = results.live(ws.inspections.state(uuid).score, "zh")
    assert lines.voided and lines.vetoes[0].scope == "visit"
