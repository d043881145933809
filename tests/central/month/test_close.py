"""Closing a month on SQLite and PostgreSQL through real results: the figures against the
rules worked by hand, the snapshot frozen by the database, closing twice or out of order
refused, and results that arrive or are overturned after the close carried as adjustment
lines of the next month (never editing the closed one, never carried twice)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.central import review
from app.central.context import ServerContext
from app.central.models import AuditEntry, MonthClose
from app.central.month import read
from app.central.month.close import closed_months, late_adjustments, load_frozen
from app.central.month.errors import MonthClosed, MonthInFuture, MonthOutOfOrder
from app.central.month.masterdata import outlet_infos
from app.programme.months import YearMonth

from .support import Office, cents, month_start_utc, payment_factor

JULY, AUGUST, SEPTEMBER = YearMonth(2025, 7), YearMonth(2025, 8), YearMonth(2025, 9)
BASE_A, BASE_B = Decimal("1200.50"), Decimal("800")  # 2025-Q3 in BASES_CSV


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def score_of(value: float) -> Decimal:
    return q2(Decimal(repr(value)))


def yuan(c: int) -> str:
    sign = "-" if c < 0 else ""
    return f"{sign}{abs(c) // 100}.{abs(c) % 100:02d}"


@pytest.fixture
def july(office: Office) -> dict[str, list[tuple[str, float]]]:
    """July 2025's results: A1 excellent, A2 good, A3 two visits, H1 poor, C1 (a
    competitor) good."""
    at = month_start_utc(2025, 7)
    return {
        "A1": [office.visit_scoring("A1", "agent", at, low=95, high=101)],
        "A2": [office.visit_scoring("A2", "agent", at, low=80, high=85)],
        "A3": [office.visit_scoring("A3", "agent", at, low=60, high=70),
               office.visit_scoring("A3", "agent", month_start_utc(2025, 7, 20), low=60,
                                    high=70)],
        "H1": [office.visit_scoring("H1", "flagship", at, low=0, high=60)],
        "C1": [office.visit_scoring("C1", "agent", at, low=80, high=90)],
    }


def test_close_computes_the_month_as_the_rules_say(ctx: ServerContext, office: Office,
                                                   july: dict[str, list[tuple[str, float]]]
                                                   ) -> None:
    closed = read.close_month(ctx, JULY, by="rev.li")
    rows = {r["outlet_code"]: r for r in closed.outlets()}

    years = {"A1": Decimal("1.3"), "A2": Decimal("1.0"), "A3": Decimal("1.1"),
             "H1": Decimal("1.3")}  # 6, 1, 3 and 10 whole years on 31 July 2025
    bases = {"A1": BASE_A, "A2": BASE_B, "A3": BASE_A, "H1": BASE_A}
    expected_total = 0
    for code in ("A1", "A2", "A3", "H1"):
        scores = [score_of(s) for _, s in july[code]]
        composite = q2(sum(scores, Decimal(0)) / len(scores))  # the mean of the visits
        r = rows[code]
        assert Decimal(str(r["composite"])) == composite, code
        assert r["components"]["mystery_shop"]["count"] == len(scores)
        factor = payment_factor(composite)
        assert Decimal(str(r["payment_factor"])) == factor, code
        assert Decimal(str(r["years_factor"])) == years[code], code
        commission = cents(bases[code] * 100 * years[code] * factor)
        assert r["base"] == f"{bases[code]:.2f}"
        assert r["commission"] == yuan(commission), code
        staff = cents(Decimal(commission) * Decimal("0.3")) if commission > 0 else 0
        assert r["staff_share"] == yuan(staff), code
        assert r["payable"] == yuan(commission)
        assert sorted(r["results"][i]["uuid"] for i in range(len(scores))) == sorted(
            u for u, _ in july[code])
        expected_total += commission

    # the agent outlets ranked in their unit, best first; the flagship hall ranked apart
    assert [rows[c]["rank_unit"] for c in ("A1", "A2", "A3")] == [1, 2, 3]
    assert rows["A1"]["rank_unit_of"] == 3
    assert rows["H1"]["rank_unit"] == 1 and rows["H1"]["rank_unit_of"] == 1
    # the competitor is scored for comparison, never ranked or paid
    assert rows["C1"]["composite"] is not None
    assert rows["C1"]["rank_unit"] is None and rows["C1"]["commission"] is None
    assert "competitor" in rows["C1"]["flags"]
    assert rows["A3"]["flags"].count("deduction") == 1

    assert closed.totals()["commission"] == yuan(expected_total)
    assert closed.rules_version == "2025.1" and len(closed.rules_hash) == 64
    assert set(closed.result_uuids) == {u for v in july.values() for u, _ in v}
    assert closed.why_text("A1", "commission", "en").startswith("base 1200.50")
    with ctx.session() as s:
        line = s.exec(select(AuditEntry).where(AuditEntry.inspection_uuid == "month:2025-07")
                      ).one()
    assert line.action == "month_closed" and line.actor_id == "rev.li"
    assert json.loads(line.reason or "{}")["results"] == 6


def test_a_closed_month_is_frozen_by_the_database(ctx: ServerContext, office: Office,
                                                  july: dict[str, list[tuple[str, float]]]
                                                  ) -> None:
    before = read.close_month(ctx, JULY, by="rev.li")
    for sql in ("UPDATE month_outlets SET composite = 100",
                "UPDATE month_outlets SET figures = '{}' WHERE outlet_code = 'A1'",
                "DELETE FROM month_outlets",
                "UPDATE month_closes SET closed_by = 'someone else'",
                "DELETE FROM month_closes",
                "UPDATE month_results SET score = 100",
                "DELETE FROM month_results"):
        with ctx.engine.connect() as conn, pytest.raises(DBAPIError) as caught:
            conn.execute(text(sql))
            conn.commit()
        assert "a closed month is frozen" in str(caught.value), sql
    after = read.closed_month(ctx, JULY)
    assert after is not None and after.export == before.export
    assert after.result_uuids == before.result_uuids


def test_closing_twice_out_of_order_or_too_early_is_refused(
        ctx: ServerContext, office: Office, july: dict[str, list[tuple[str, float]]]) -> None:
    with pytest.raises(MonthInFuture) as early:
        read.close_month(ctx, YearMonth.of(datetime.now(UTC).date()), by="rev.li")
    assert early.value.status == 400
    read.close_month(ctx, JULY, by="rev.li")
    frozen = read.closed_month(ctx, JULY)
    with pytest.raises(MonthClosed) as twice:
        read.close_month(ctx, JULY, by="mgr.wang")
    assert twice.value.status == 409
    assert "2025-07 已月结" in twice.value.message("zh")
    assert "already closed" in twice.value.message("en")
    with pytest.raises(MonthOutOfOrder) as skipped:
        read.close_month(ctx, SEPTEMBER, by="rev.li")
    assert "close 2025-08 first" in skipped.value.message("en")
    with pytest.raises(MonthOutOfOrder):
        read.close_month(ctx, YearMonth(2025, 6), by="rev.li")
    with pytest.raises(MonthClosed):
        read.preview_month(ctx, JULY)
    with ctx.session() as s:
        assert len(s.exec(select(MonthClose)).all()) == 1
    assert read.closed_month(ctx, JULY) == frozen  # nothing of it changed


def test_late_and_overturned_results_become_adjustment_lines_of_the_next_month(
        ctx: ServerContext, office: Office, july: dict[str, list[tuple[str, float]]]) -> None:
    closed_july = read.close_month(ctx, JULY, by="rev.li")
    frozen_doc = json.dumps(closed_july.export, sort_keys=True)
    a2_was = closed_july.outlet("A2")
    assert a2_was is not None and a2_was["commission"] == "640.00"  # 800 x 1.0 x 0.8

    # after the close: a late July visit of A2 arrives and is approved
    late_uuid, late_score = office.visit_scoring("A2", "agent", month_start_utc(2025, 7, 28),
                                                 low=95, high=101)
    # an August visit of A1 so August has figures of its own
    office.visit_scoring("A1", "agent", month_start_utc(2025, 8), low=85, high=90)

    preview = read.preview_month(ctx, AUGUST)
    assert [a.reason for a in preview.outlets["A2"].adjustments] == ["late_result"]

    august = read.close_month(ctx, AUGUST, by="rev.li")
    scores = [score_of(july["A2"][0][1]), score_of(late_score)]
    now = q2(sum(scores, Decimal(0)) / 2)
    july_now = cents(BASE_B * 100 * Decimal("1.0") * payment_factor(now))
    row = august.outlet("A2")
    assert row is not None
    assert row["adjustments"] == [{"outlet_code": "A2", "source_month": "2025-07",
                                   "amount": yuan(july_now - 64000),
                                   "reason": "late_result", "results": [late_uuid],
                                   "note": ""}]
    assert row["adjustments_total"] == yuan(july_now - 64000)
    assert "adjusted" in row["flags"]
    assert row["commission"] is None  # no August result of its own
    assert row["payable"] == yuan(july_now - 64000)
    assert august.outlet("A1")["adjustments"] == []  # type: ignore[index]
    # July itself is as it was frozen
    again = read.closed_month(ctx, JULY)
    assert again is not None and json.dumps(again.export, sort_keys=True) == frozen_doc

    # after August's close: A1's only July result is disputed and overturned
    a1_uuid = july["A1"][0][0]
    dispute = review.open_dispute(ctx, office.manager, a1_uuid, "门店申诉：当日系统故障")
    review.decide_dispute(ctx, office.manager, dispute, "overturned", "核实属实")
    september = read.close_month(ctx, SEPTEMBER, by="rev.li")
    a1 = september.outlet("A1")
    assert a1 is not None
    assert a1["adjustments"] == [{"outlet_code": "A1", "source_month": "2025-07",
                                  "amount": "-" + closed_july.outlet("A1")["commission"],  # type: ignore[index]
                                  "reason": "overturned_result", "results": [a1_uuid],
                                  "note": ""}]
    # A2's late result was carried in August: never again
    assert september.outlet("A2")["adjustments"] == []  # type: ignore[index]
    assert september.totals()["adjustments"] == a1["adjustments"][0]["amount"]
    # nothing changed since September's close: no closed month is computed again
    with ctx.session() as s:
        frozen = [f for m in closed_months(s) for f in [load_frozen(s, m)] if f is not None]
        lines, redone, found = late_adjustments(ctx, s, frozen, outlet_infos(ctx, s))
    assert (lines, redone) == ([], []) and set(found) == {"2025-07", "2025-08", "2025-09"}


def test_rank_ties_are_shared(ctx: ServerContext, office: Office) -> None:
    at = month_start_utc(2025, 7)
    _, s = office.visit_scoring("A1", "agent", at, low=80, high=90)
    office.visit("A2", "agent", at, fail_rate=0.0, seed=4242)
    office.visit("A3", "agent", at, fail_rate=0.0, seed=4242)  # the same answers as A2
    closed = read.close_month(ctx, JULY, by="rev.li")
    a2, a3 = closed.outlet("A2"), closed.outlet("A3")
    assert a2 is not None and a3 is not None and a2["composite"] == a3["composite"]
    ranks = sorted((r["rank_unit"], r["outlet_code"]) for r in closed.ranking("agent_channel",
                                                                             "东区营业部"))
    assert a2["composite"] > score_of(s)  # nothing failed: above A1's 80..90
    assert ranks == [(1, "A2"), (1, "A3"), (3, "A1")]  # two firsts, then third
    assert a2["rank_province"] == a3["rank_province"] == 1


def test_two_closes_at_the_same_moment_freeze_the_month_once(
        ctx: ServerContext, office: Office, july: dict[str, list[tuple[str, float]]]) -> None:
    import threading

    gate = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def close(who: str) -> None:
        gate.wait()
        try:
            outcomes[who] = read.close_month(ctx, JULY, by=who)
        except MonthClosed as exc:
            outcomes[who] = exc

    threads = [threading.Thread(target=close, args=(who,)) for who in ("rev.li", "mgr.wang")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    kinds = sorted(type(o).__name__ for o in outcomes.values())
    assert kinds == ["ClosedMonth", "MonthClosed"]
    winner = next(w for w, o in outcomes.items() if not isinstance(o, MonthClosed))
    with ctx.session() as s:
        heads = s.exec(select(MonthClose)).all()
        lines = s.exec(select(AuditEntry).where(
            AuditEntry.inspection_uuid == "month:2025-07")).all()
    assert [h.closed_by for h in heads] == [winner] and len(lines) == 1


def test_a_deduction_is_refunded_after_three_months_at_90_read_from_the_closed_months(
        ctx: ServerContext, office: Office) -> None:
    """The worked example: deducted in July, >= 90 in August, September and October: the
    July deduction comes back in October, once (the history is the frozen months)."""
    office.visit_scoring("A3", "agent", month_start_utc(2025, 7), low=60, high=70)
    july = read.close_month(ctx, JULY, by="rev.li")
    deducted = july.outlet("A3")["commission"]  # type: ignore[index]
    assert deducted.startswith("-")
    for month in (8, 9, 10, 11):
        office.visit_scoring("A3", "agent", month_start_utc(2025, month), low=90, high=101)
    refunds = {}
    for month in (8, 9, 10, 11):
        closed = read.close_month(ctx, YearMonth(2025, month), by="rev.li")
        row = closed.outlet("A3")
        assert row is not None
        refunds[month] = row["refund"]
        if month == 10:
            assert row["refund_lines"][0]["deducted_month"] == "2025-07"
            assert row["refund_lines"][0]["streak"] == ["2025-08", "2025-09", "2025-10"]
            assert "refund_due" in row["flags"]
    assert refunds == {8: "0.00", 9: "0.00", 10: deducted.lstrip("-"), 11: "0.00"}
