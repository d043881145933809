"""The read API the console uses: months open and closed, a live preview of an open month,
one outlet's month card (components -> visits -> failed items and vetoes, with the stored
explanations), and score-over-months series per outlet and per unit."""

from __future__ import annotations

from app.central.context import ServerContext
from app.central.month import read
from app.programme.months import YearMonth

from .support import Office, month_start_utc

JULY, AUGUST, SEPTEMBER = YearMonth(2025, 7), YearMonth(2025, 8), YearMonth(2025, 9)


def test_months_cards_and_series(ctx: ServerContext, office: Office) -> None:
    low_uuid, _low = office.visit_scoring("A1", "agent", month_start_utc(2025, 7), low=0,
                                         high=60)
    office.visit_scoring("A2", "agent", month_start_utc(2025, 7), low=90, high=101)
    office.visit_scoring("A1", "agent", month_start_utc(2025, 8), low=90, high=101)

    states = read.list_months(ctx)
    assert states[-1].month == JULY and not states[-1].closed
    assert all(not s.closed for s in states) and states[-1].rules_version == "2025.1"

    preview = read.preview_month(ctx, JULY)  # computed live, nothing stored
    assert preview.outlets["A1"].composite is not None
    assert read.closed_month(ctx, JULY) is None
    live = read.outlet_card(ctx, JULY, "A1")
    assert live is not None and not live.closed and live.code == "A1"
    assert live.row["composite"] == float(preview.outlets["A1"].composite)  # type: ignore[arg-type]
    assert live.why_text("composite", "en")

    read.close_month(ctx, JULY, by="rev.li")
    states = read.list_months(ctx)
    july = next(s for s in states if s.month == JULY)
    assert july.closed and july.closed_by == "rev.li" and july.outlets == 5
    assert july.totals is not None and "payable" in july.totals
    assert states[0].month > AUGUST and not next(s for s in states if s.month == AUGUST).closed

    card = read.outlet_card(ctx, JULY, "A1")
    assert card is not None and card.closed and card.code == "A1"
    shop = next(c for c in card.components if c.name == "mystery_shop")
    assert shop.present and shop.count == 1 and [v.uuid for v in shop.visits] == [low_uuid]
    visit = shop.visits[0]
    assert visit.score == card.row["results"][0]["score"]
    assert visit.failed, "a visit scoring below 60 failed some items"
    assert all(f.label("zh") and f.label("en") for f in visit.failed)
    if visit.voided:
        assert any(f.veto == "visit" for f in visit.failed)
    sms = next(c for c in card.components if c.name == "sms_satisfaction")
    assert not sms.present and sms.visits == ()
    assert card.why_text("composite", "en") and card.why_text("commission", "zh")
    assert read.outlet_card(ctx, JULY, "NOPE") is None

    read.close_month(ctx, AUGUST, by="rev.li")
    points = read.outlet_series(ctx, "A1", [JULY, AUGUST, SEPTEMBER])
    assert [p.closed for p in points] == [True, True, False]
    assert points[0].composite is not None and points[0].composite < 60
    assert points[1].composite is not None and points[1].composite >= 90
    assert points[2].composite is None
    unit = read.unit_series(ctx, "东区营业部", [JULY, AUGUST, SEPTEMBER])
    assert unit[0].scored == 2 and unit[0].lowest == points[0].composite
    assert unit[1].scored == 1 and unit[1].mean == points[1].composite
    assert unit[2].scored == 0 and unit[2].mean is None and not unit[2].closed

    closed = read.closed_month(ctx, JULY)
    assert closed is not None
    assert [r["outlet_code"] for r in closed.ranking("agent_channel", "东区营业部")] == [
        "A2", "A1"]
    assert closed.units() == ["东区营业部"]
    assert {r["outlet_code"] for r in closed.warnings()} >= {"A1"}


def test_a_closed_month_reads_back_its_failed_items_whole_though_stored_once(
        ctx: ServerContext, office: Office) -> None:
    """The frozen rows hold each result's failed items as positions in the month's table
    of distinct items (a month lists the same items ~900,000 times, their zh/en labels
    were most of its 280 MB); every reader gets them back whole, as the preview made
    them."""
    from sqlmodel import select

    from app.central.models import MonthOutletFigures

    for n in range(3):
        office.visit_scoring(f"A{n + 1}", "agent", month_start_utc(2025, 7), low=0, high=60)
    before = read.preview_month(ctx, JULY).to_export(explanations=True)
    read.close_month(ctx, JULY, by="rev.li")
    after = read.closed_month(ctx, JULY)
    assert after is not None and "failed_items" not in after.export
    want = {r["outlet_code"]: r["results"] for r in before["outlets"]}
    assert all(any(v["failed"] for v in want[f"A{n + 1}"]) for n in range(3))
    assert {r["outlet_code"]: r["results"] for r in after.outlets()} == want
    for code, results in want.items():  # one outlet alone, as the month card reads it
        row = read.closed_month_outlet(ctx, JULY, code)
        assert row is not None and row["results"] == results
    label = want["A1"][0]["failed"][0]["zh"]
    with ctx.session() as s:
        stored = s.exec(select(MonthOutletFigures.figures)).all()
    assert stored and not any(label in text for text in stored)
