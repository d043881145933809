"""Review transitions and their binding rules, against a real database (SQLite file and
PostgreSQL): every transition audited, every refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.central import review
from app.central.accounts import BadInput, ManagerInfo, NotAllowed, NotFound, WrongState
from app.central.models import utcnow
from app.central.review import QueueFilter

from .review_support import account, actions, make_ctx, state, store_result


def test_approve_return_reject_each_from_received_with_an_audit_line(ctx) -> None:
    rev = account(ctx, "rev")
    a, b, c = (store_result(ctx) for _ in range(3))
    review.approve(ctx, rev, a, note="证据清楚")
    review.return_result(ctx, rev, b, "门头照片看不清，请补拍说明")
    review.reject(ctx, rev, c, "wrong_outlet", note="定位在另一家店")
    assert [state(ctx, u) for u in (a, b, c)] == ["approved", "returned", "rejected"]
    assert actions(ctx, a) == ["received", "approved"]
    view = review.result_view(ctx, rev, b, lang="en")
    line = view.audit[-1]
    assert (line.actor_kind, line.actor_id, line.from_state, line.to_state) == \
        ("manager", "rev", "received", "returned")
    assert line.reason == "门头照片看不清，请补拍说明" and view.review_reason == line.reason
    rejected = review.result_view(ctx, rev, c, lang="en")
    assert rejected.review_reason == "Not the outlet named"
    assert rejected.audit[-1].reason == "wrong_outlet: 定位在另一家店"
    # a decided result cannot be decided again, in any direction
    for act in (lambda u: review.approve(ctx, rev, u), lambda u: review.return_result(
            ctx, rev, u, "x"), lambda u: review.reject(ctx, rev, u, "duplicate")):
        for u in (a, b, c):
            with pytest.raises(WrongState):
                act(u)
    assert [state(ctx, u) for u in (a, b, c)] == ["approved", "returned", "rejected"]
    assert len(actions(ctx, a)) == 2


def test_reasons_are_required_and_rejection_codes_come_from_the_settings(ctx) -> None:
    rev = account(ctx, "rev")
    u = store_result(ctx)
    with pytest.raises(BadInput) as err:
        review.return_result(ctx, rev, u, "   ")
    assert "reason" in err.value.message("en")
    with pytest.raises(BadInput) as err:
        review.reject(ctx, rev, u, "not_a_code")
    assert "wrong_outlet" in err.value.message("en")
    with pytest.raises(BadInput):
        review.return_result(ctx, rev, u, "x" * 2001)
    with pytest.raises(BadInput):
        review.approve(ctx, rev, u, note="bad\x00note")
    assert state(ctx, u) == "received" and actions(ctx, u) == ["received"]
    codes = dict(review.rejection_reasons(ctx, "zh"))
    assert codes["duplicate"] == "重复提交的检查"
    assert dict(review.rejection_reasons(ctx, "en"))["duplicate"] == "Duplicate of another result"


def test_a_configured_rejection_list_replaces_the_default(tmp_path, backend, request) -> None:
    c = make_ctx(tmp_path, backend, request,
                 rejection_reasons=(("fake_photos", "照片造假", "Faked photos"),))
    try:
        rev = account(c, "rev")
        u = store_result(c)
        with pytest.raises(BadInput):
            review.reject(c, rev, u, "duplicate")
        review.reject(c, rev, u, "fake_photos")
        assert review.result_view(c, rev, u, "zh").review_reason == "照片造假"
    finally:
        c.close()


def test_the_reviewer_is_never_the_inspector(ctx) -> None:
    own = account(ctx, "ms-001", "manager")  # a manager whose username is an inspector id
    u = store_result(ctx, inspector="ms-001")
    for act in (lambda: review.approve(ctx, own, u),
                lambda: review.return_result(ctx, own, u, "x"),
                lambda: review.reject(ctx, own, u, "duplicate")):
        with pytest.raises(NotAllowed) as err:
            act()
        assert err.value.key == "review.own_result"
    assert state(ctx, u) == "received"
    assert review.result_view(ctx, own, u).allowed_actions == []
    other = store_result(ctx, inspector="ms-002")
    review.approve(ctx, own, other)  # anyone else's result is fine


def test_a_viewer_and_a_manager_device_token_never_act(ctx) -> None:
    viewer = account(ctx, "look", "viewer")
    device = ManagerInfo("dev-1", "manager phone", "viewer", None, True, kind="device")
    u = store_result(ctx)
    for who in (viewer, device):
        with pytest.raises(NotAllowed):
            review.approve(ctx, who, u)
        with pytest.raises(NotAllowed):
            review.reject(ctx, who, u, "duplicate")
        assert review.result_view(ctx, who, u).allowed_actions == []
        assert review.queue(ctx, who, QueueFilter()).total == 1  # reading is fine
    assert state(ctx, u) == "received"


def test_a_unit_account_sees_and_acts_on_its_own_units_outlets_only(ctx) -> None:
    east = account(ctx, "east", "reviewer", unit="东区")
    everyone = account(ctx, "all", "reviewer")
    mine = store_result(ctx, outlet_code="E-1", unit="东区")
    theirs = store_result(ctx, outlet_code="W-1", unit="西区")
    page = review.queue(ctx, east, QueueFilter())
    assert [r.uuid for r in page.rows] == [mine] and page.total == 1
    assert review.queue(ctx, east, QueueFilter(business_unit="西区")).total == 0
    assert review.queue(ctx, everyone, QueueFilter()).total == 2
    assert review.queue(ctx, everyone, QueueFilter(business_unit="西区")).rows[0].uuid == theirs
    with pytest.raises(NotAllowed):
        review.result_view(ctx, east, theirs)
    with pytest.raises(NotAllowed):
        review.approve(ctx, east, theirs)
    review.approve(ctx, east, mine)
    assert state(ctx, theirs) == "received"


def test_unknown_results_and_drafts_are_not_found(ctx) -> None:
    rev = account(ctx, "rev")
    for bad in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        with pytest.raises(NotFound):
            review.approve(ctx, rev, bad)
        with pytest.raises(NotFound):
            review.result_view(ctx, rev, bad)


def test_the_audit_log_refuses_update_and_delete_in_the_database(ctx) -> None:
    u = store_result(ctx)
    review.approve(ctx, account(ctx, "rev"), u)
    for sql in ("UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"):
        with ctx.engine.connect() as conn, pytest.raises(DBAPIError) as err:
            conn.execute(text(sql))
            conn.commit()
        assert "append-only" in str(err.value)
    if ctx.engine.dialect.name == "postgresql":
        with ctx.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text("TRUNCATE audit_log"))
            conn.commit()
    assert actions(ctx, u) == ["received", "approved"]


def test_an_amendment_of_a_returned_result_arrives_as_received(ctx) -> None:
    rev = account(ctx, "rev")
    original = store_result(ctx)
    review.return_result(ctx, rev, original, "请补充问候时间的备注")
    fixed = store_result(ctx, amends=original, answers={"uniform": True, "greet_seconds": 3})
    page = review.queue(ctx, rev, QueueFilter())
    assert [r.uuid for r in page.rows] == [fixed]
    assert page.rows[0].amends_uuid == original
    returned = review.queue(ctx, rev, QueueFilter(state="returned")).rows
    assert [(r.uuid, r.superseded_by) for r in returned] == [(original, fixed)]
    view = review.result_view(ctx, rev, original)
    assert view.review_state == "returned" and view.superseded_by == fixed
    assert [c.uuid for c in view.chain] == [original, fixed]
    assert "amend" not in view.allowed_actions  # superseded: nothing to correct any more
    review.approve(ctx, rev, fixed)
    assert state(ctx, original) == "returned"


def test_counted_results_take_the_newest_approved_of_each_chain(ctx) -> None:
    rev = account(ctx, "rev")
    start, end = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
    plain = store_result(ctx)
    review.approve(ctx, rev, plain)
    returned = store_result(ctx, outlet_code="HALL-2")
    review.return_result(ctx, rev, returned, "补充")
    fix = store_result(ctx, outlet_code="HALL-2", amends=returned,
                       answers={"uniform": True, "greet_seconds": 20})
    rejected = store_result(ctx, outlet_code="HALL-3")
    review.reject(ctx, rev, rejected, "duplicate")
    waiting = store_result(ctx, outlet_code="HALL-4")
    approved_then_amended = store_result(ctx, outlet_code="HALL-5")
    review.approve(ctx, rev, approved_then_amended)
    pending_fix = store_result(ctx, outlet_code="HALL-5", amends=approved_then_amended)
    store_result(ctx, outlet_code="HALL-6", started_at=datetime(2025, 4, 2, tzinfo=UTC))

    def counted() -> dict[str, float | None]:
        return {c.uuid: c.score_total for c in review.counted_results(ctx, start, end)}

    assert set(counted()) == {plain, approved_then_amended}  # the fix awaits review
    review.approve(ctx, rev, fix)
    review.approve(ctx, rev, pending_fix)
    got = counted()
    assert set(got) == {plain, fix, pending_fix}
    assert got[fix] == pytest.approx(75.0)  # the server's score of the corrected answers
    assert waiting not in got and rejected not in got
    roots = {c.uuid: c.root_uuid for c in review.counted_results(ctx, start, end)}
    assert roots[fix] == returned and roots[pending_fix] == approved_then_amended


def test_auto_approval_is_off_by_default(ctx) -> None:
    store_result(ctx, received_at=utcnow() - timedelta(days=30))
    assert review.auto_approve_due(ctx) == []


def test_auto_approval_takes_only_old_unflagged_complete_originals(tmp_path, backend,
                                                                  request) -> None:
    c = make_ctx(tmp_path, backend, request, auto_approve_hours=48)
    try:
        old = utcnow() - timedelta(hours=49)
        clean = store_result(c, received_at=old)
        young = store_result(c, received_at=utcnow() - timedelta(hours=47))
        flagged = store_result(c, received_at=old, flags=["score_disagreement"])
        rotation = store_result(c, received_at=old, flags=["rotation"])
        vetoed = store_result(c, received_at=old, answers={"uniform": False, "greet_seconds": 5},
                              notes={"uniform": "未穿工装"}, photos=[("a" * 64, "uniform")])
        photo_missing = store_result(c, received_at=old, photos=[("b" * 64, "storefront")],
                                     photos_arrived=False)
        amendment = store_result(c, received_at=old, amends=clean)
        decided = store_result(c, received_at=old)
        review.reject(c, account(c, "rev"), decided, "duplicate")
        done = review.auto_approve_due(c)
        assert done == [clean]
        assert state(c, clean) == "approved"
        for u in (young, flagged, rotation, vetoed, photo_missing, amendment):
            assert state(c, u) == "received"
        line = review.result_view(c, account(c, "look", "viewer"), clean).audit[-1]
        assert (line.actor_kind, line.actor_id, line.action) == ("system", "system",
                                                                "auto_approved")
        assert review.auto_approve_due(c) == []  # nothing twice
        assert review.auto_approve_due(c, utcnow() + timedelta(hours=2)) == [young]
    finally:
        c.close()


def test_customer_surveys_stay_out_of_the_queue_until_asked_for_by_kind(ctx) -> None:
    """Intercept records (one per customer at the hall door) count without review; the
    queue, its counts and its exports show the inspections unless the reviewer filters for
    the surveys."""
    who = account(ctx, "rev", "reviewer")
    inspection = store_result(ctx, outlet_code="E-1")
    survey = store_result(ctx, outlet_code="E-2", inspector="sv-001")
    with ctx.session() as s:  # the helper files mystery shops; make the second a survey
        s.execute(text("UPDATE inspections SET kind = 'intercept' WHERE uuid = :u"),
                  {"u": survey})
        s.commit()
    page = review.queue(ctx, who, QueueFilter())
    assert [r.uuid for r in page.rows] == [inspection] and page.total == 1
    asked = review.queue(ctx, who, QueueFilter(kind="intercept"))
    assert [r.uuid for r in asked.rows] == [survey] and asked.total == 1
    assert review.queue(ctx, who, QueueFilter(kind="mystery_shop")).total == 1
