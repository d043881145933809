"""Disputes (申诉) of approved results and corrections made in the console, on SQLite and
PostgreSQL: the window, one open dispute at a time, upheld / overturned, re-scoring of a
correction with the same scoring code against the same issued definition."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.central import review
from app.central.accounts import BadInput, NotAllowed, NotFound, WrongState
from app.central.models import Dispute, Inspection, InspectionPhoto, utcnow
from app.central.month import failed
from app.checklists.scoring import score
from app.sync.protocol import InspectionUpload

from .review_support import account, actions, definition, state, store_result


@pytest.fixture
def people(ctx):  # type: ignore[no-untyped-def]
    return {"rev": account(ctx, "rev"), "boss": account(ctx, "boss", "manager"),
            "boss2": account(ctx, "boss2", "manager"), "look": account(ctx, "look", "viewer")}


def approved(ctx, people, **kw) -> str:  # type: ignore[no-untyped-def]
    u = store_result(ctx, **kw)
    review.approve(ctx, people["rev"], u)
    return u


def test_only_managers_record_disputes_of_approved_results_within_the_window(
        ctx, people) -> None:
    u = approved(ctx, people)
    waiting = store_result(ctx)
    with pytest.raises(WrongState):
        review.open_dispute(ctx, people["boss"], waiting, "门店不认可")
    for who in ("rev", "look"):
        with pytest.raises(NotAllowed):
            review.open_dispute(ctx, people[who], u, "门店不认可")
    with pytest.raises(BadInput):
        review.open_dispute(ctx, people["boss"], u, "  ")
    did = review.open_dispute(ctx, people["boss"], u, "店长称当时员工穿着工装")
    with pytest.raises(WrongState) as err:
        review.open_dispute(ctx, people["boss"], u, "again")
    assert err.value.key == "review.dispute_already_open"
    view = review.result_view(ctx, people["boss2"], u)
    assert [d.id for d in view.disputes] == [did] and view.disputes[0].state == "open"
    assert "decide_dispute" in view.allowed_actions
    assert actions(ctx, u) == ["received", "approved", "dispute_opened"]
    assert state(ctx, u) == "approved"

    late = approved(ctx, people)
    with ctx.session() as s:  # approved 31 days ago (the window is 30 days)
        s.execute(update(Inspection).where(Inspection.uuid == late)
                  .values(reviewed_at=utcnow() - timedelta(days=31)))
        s.commit()
    with pytest.raises(WrongState) as err:
        review.open_dispute(ctx, people["boss"], late, "太晚了")
    assert "30" in err.value.message("en")
    assert "dispute" not in review.result_view(ctx, people["boss"], late).allowed_actions


def test_upheld_keeps_the_result_counted(ctx, people) -> None:
    u = approved(ctx, people)
    did = review.open_dispute(ctx, people["boss"], u, "不认可")
    with pytest.raises(BadInput):
        review.decide_dispute(ctx, people["boss2"], did, "upheld", "")
    with pytest.raises(BadInput):
        review.decide_dispute(ctx, people["boss2"], did, "maybe", "x")  # type: ignore[arg-type]
    with pytest.raises(NotAllowed):
        review.decide_dispute(ctx, people["rev"], did, "upheld", "照片清楚")
    with pytest.raises(NotFound):
        review.decide_dispute(ctx, people["boss2"], 99999, "upheld", "x")
    review.decide_dispute(ctx, people["boss2"], did, "upheld", "照片清楚显示未穿工装")
    with pytest.raises(WrongState):
        review.decide_dispute(ctx, people["boss2"], did, "overturned", "改主意")
    assert state(ctx, u) == "approved"
    assert actions(ctx, u)[-1] == "dispute_upheld"
    got = review.counted_results(ctx, datetime(2025, 1, 1, tzinfo=UTC),
                                 datetime(2026, 1, 1, tzinfo=UTC))
    assert [c.uuid for c in got] == [u]
    with ctx.session() as s:
        row = s.get(Dispute, did)
    assert (row.state, row.decided_by) == ("upheld", "boss2")


def test_overturned_returns_the_result_and_a_manager_correction_is_rescored(
        ctx, people) -> None:
    u = approved(ctx, people, answers={"uniform": False, "greet_seconds": 5},
                 notes={"uniform": "员工未穿工装"}, photos=[("c" * 64, "uniform")])
    with ctx.session() as s:
        before = s.exec(select(Inspection).where(Inspection.uuid == u)).one()
    assert before.score_total == 0.0 and before.veto_count == 1  # the section veto
    did = review.open_dispute(ctx, people["boss"], u, "员工穿的是新版工装")
    review.decide_dispute(ctx, people["boss"], did, "overturned", "新版工装符合规范")
    assert state(ctx, u) == "returned"
    window = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert review.counted_results(ctx, *window) == []  # no longer counted
    assert "amend" in review.result_view(ctx, people["boss2"], u).allowed_actions
    # bad corrections are refused and store nothing
    for changes, key in [({"nope": True}, "review.amend_unknown_item"),
                         ({"greet_seconds": "soon"}, "review.amend_bad_value"),
                         ({"storefront": 1}, "review.amend_photo_item"),
                         ({}, "review.amend_nothing")]:
        with pytest.raises(BadInput) as err:
            review.amend_by_manager(ctx, people["boss"], u, changes, "更正")
        assert err.value.key == key
    with pytest.raises(NotAllowed):
        review.amend_by_manager(ctx, people["rev"], u, {"uniform": True}, "更正")
    fixed = review.amend_by_manager(ctx, people["boss"], u, {"uniform": True},
                                    "申诉成立：新版工装")
    with pytest.raises(WrongState):  # one correction per result
        review.amend_by_manager(ctx, people["boss"], u, {"uniform": True}, "again")
    with ctx.session() as s:
        row = s.exec(select(Inspection).where(Inspection.uuid == fixed)).one()
        photos = s.exec(select(InspectionPhoto.sha256)
                        .where(InspectionPhoto.inspection_seq == row.seq)).all()
    expected = score(definition(), {"uniform": True, "greet_seconds": 5})
    assert row.score_total == expected.total == 100.0
    assert (row.veto_count, row.voided, row.review_state) == (0, False, "received")
    # the month close reads a correction's failed items as it reads an upload's
    assert row.failed_items == failed.compact(json.loads(row.score_detail))
    assert row.amends_uuid == u and row.checklist_hash == before.checklist_hash
    assert row.inspector_id == before.inspector_id and list(photos) == ["c" * 64]
    body = InspectionUpload.model_validate_json(row.body)
    assert body.amendment.by == "boss" and body.amends_uuid is not None  # type: ignore[union-attr]
    assert json.loads(row.score_detail)["total"] == 100.0
    assert actions(ctx, u)[-2:] == ["dispute_overturned", "amended"]
    assert actions(ctx, fixed) == ["received"]
    # the author of a correction does not review it; someone else does
    with pytest.raises(NotAllowed) as err:
        review.approve(ctx, people["boss"], fixed)
    assert err.value.key == "review.own_correction"
    review.approve(ctx, people["rev"], fixed)
    got = review.counted_results(ctx, *window)
    assert [(c.uuid, c.score_total, c.root_uuid) for c in got] == [(fixed, 100.0, u)]


def test_a_correction_that_fires_a_veto_needs_its_evidence(ctx, people) -> None:
    bare = store_result(ctx)
    review.return_result(ctx, people["rev"], bare, "复核工装")
    with pytest.raises(BadInput) as err:  # the item needs a photo on failure: only the
        review.amend_by_manager(ctx, people["boss"], bare, {"uniform": False},  # inspector
                                "复核：未穿工装", notes_changes={"uniform": "监控"})  # has one
    assert err.value.key == "review.amend_incomplete" and "着装规范" in err.value.message("zh")
    u = store_result(ctx, photos=[("d" * 64, "uniform")])
    review.return_result(ctx, people["rev"], u, "复核工装")
    with pytest.raises(BadInput):  # a note on failure is required too
        review.amend_by_manager(ctx, people["boss"], u, {"uniform": False}, "复核")
    fixed = review.amend_by_manager(ctx, people["boss"], u, {"uniform": False}, "复核",
                                    notes_changes={"uniform": "监控显示未穿工装"})
    view = review.result_view(ctx, people["rev"], fixed, lang="en")
    assert view.score_total == 0.0 and view.veto_count == 1
    assert [(v.item_id, v.note, v.photos) for v in view.vetoes] == \
        [("uniform", "监控显示未穿工装", ["d" * 64])]
    assert view.vetoes[0].reason["en"] == "Staff not in uniform"
    assert any("not in uniform" in line for line in view.breakdown)
    conduct = view.sections[0]
    assert conduct.vetoed and conduct.score == 0.0
    assert [i.value_text for i in conduct.items] == ["No", "5 s"]
