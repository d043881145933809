"""Corrections are amendments: a new record pointing at the original, with who/when/why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import UserError
from app.services import FinaliseBlocked, Workspace
from app.store import Answer, Inspection, Photo

from .conftest import NOW, complete_answers


@pytest.fixture
def finalised(ws: Workspace, draft: str) -> str:
    complete_answers(ws, draft)
    ws.inspections.note(draft, "comments", "整体良好", now=NOW)
    ws.inspections.finalise(draft, now=NOW)
    return draft


def _rows(ws: Workspace, uuid: str) -> tuple[dict, list, list]:
    with ws.store.reading() as s:
        insp = s.get(Inspection, uuid).model_dump()
        answers = [a.model_dump() for a in s.execute(
            select(Answer).where(Answer.inspection_uuid == uuid)
            .order_by(Answer.item_id)).scalars()]
        photos = [p.model_dump(exclude={"id"}) for p in s.execute(
            select(Photo).where(Photo.inspection_uuid == uuid)).scalars()]
    return insp, answers, photos


def test_an_amendment_is_a_new_record_and_the_original_stays(ws: Workspace,
                                                             finalised: str) -> None:
    before = _rows(ws, finalised)
    when = NOW + timedelta(days=2)
    new = ws.inspections.amend(finalised, by="王经理", reason="问候时间录入错误",
                               changes={"greet_seconds": 25}, notes={"comments": "已更正"},
                               now=when)
    assert new != finalised
    assert _rows(ws, finalised) == before  # not a single byte of the original changed
    amendment = ws.inspections.summary(new)
    assert amendment.status == "draft" and amendment.amends_uuid == finalised
    assert (amendment.amended_by, amendment.amend_reason) == ("王经理", "问候时间录入错误")
    assert amendment.amended_at == when
    assert amendment.is_amendment and ws.inspections.find_draft("HZ-001") is None
    original = ws.inspections.summary(finalised)
    # the visit's own times are the original's; the amendment time is separate
    assert amendment.started_at == original.started_at
    assert amendment.finished_at == original.finished_at
    state = ws.inspections.state(new)
    assert state.answers["greet_seconds"] == 25 and state.answers["uniform"] is True
    assert state.notes == {"comments": "已更正"}
    assert [p.sha256 for p in state.photos["storefront"]] == \
        [p.sha256 for p in ws.inspections.state(finalised).photos["storefront"]]
    assert state.checklist.content_hash == ws.inspections.checklist(finalised).content_hash

    done = ws.inspections.finalise(new, now=when)
    assert done.status == "finalized" and done.total_score == pytest.approx(85.0)
    assert done.finished_at == original.finished_at
    assert ws.inspections.summary(finalised).total_score == pytest.approx(95.0)
    assert [s.uuid for s in ws.inspections.outbox()] == [finalised, new]
    assert ws.inspections.latest_version(finalised) == new
    assert [s.uuid for s in ws.inspections.amendments_of(finalised)] == [new]


def test_amend_and_finalise_in_one_step(ws: Workspace, finalised: str) -> None:
    new = ws.inspections.amend(finalised, by="王经理", reason="补充", finalise=True,
                               changes={"friendliness": 5}, now=NOW)
    assert ws.inspections.summary(new).status == "finalized"


def test_an_amendment_that_cannot_be_finalised_creates_nothing(ws: Workspace,
                                                               finalised: str) -> None:
    with pytest.raises(FinaliseBlocked) as err:
        ws.inspections.amend(finalised, by="王经理", reason="更正", finalise=True,
                             changes={"solved": None}, now=NOW)
    assert [(p.item_id, p.reason) for p in err.value.problems] == [("solved",
                                                                    "answer_required")]
    assert ws.inspections.amendments_of(finalised) == []


def test_amendment_rules(ws: Workspace, draft: str, finalised: str) -> None:
    other = ws.inspections.start("mystery_shop", "HZ-001", "INS-2", now=NOW)  # rotation
    cases = [
        (lambda: ws.inspections.amend(other, by="a", reason="b"),
         "services.amend.needs_finalized"),
        (lambda: ws.inspections.amend(finalised, by="a", reason="  "),
         "services.amend.reason_missing"),
        (lambda: ws.inspections.amend(finalised, by="", reason="b"),
         "services.amend.who_missing"),
        (lambda: ws.inspections.amend(finalised, by="a", reason="b",
                                      changes={"storefront": True}),
         "services.photo_item_has_no_value"),
    ]
    for call, key in cases:
        with pytest.raises(UserError) as err:
            call()
        assert err.value.key == key
    with pytest.raises(UserError):  # an invalid value is refused before anything is made
        ws.inspections.amend(finalised, by="a", reason="b", changes={"friendliness": 11})
    pending = ws.inspections.amend(finalised, by="a", reason="b", now=NOW)
    with pytest.raises(UserError) as err:
        ws.inspections.amend(finalised, by="a", reason="again", now=NOW)
    assert err.value.key == "services.amend.pending"
    ws.inspections.finalise(pending, now=NOW)
    with pytest.raises(UserError) as err:
        ws.inspections.amend(finalised, by="a", reason="again", now=NOW)
    assert err.value.key == "services.amend.superseded"
    # the amendment itself can be amended: the chain stays linear
    third = ws.inspections.amend(pending, by="a", reason="again", now=NOW)
    assert ws.inspections.summary(third).amends_uuid == pending


def test_a_draft_amendment_can_be_deleted_and_the_original_stays(ws: Workspace,
                                                                 finalised: str) -> None:
    before = _rows(ws, finalised)
    new = ws.inspections.amend(finalised, by="a", reason="b", now=NOW)
    ws.inspections.delete_draft(new)
    assert _rows(ws, finalised) == before
    photo = ws.inspections.state(finalised).photos["storefront"][0]
    assert photo.path.is_file()  # still used by the original
