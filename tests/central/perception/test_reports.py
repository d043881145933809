"""The office's perception reports on SQLite and PostgreSQL: the competitor comparison from
stored, approved mystery shops (withheld below 3 outlets a side, shown from 3, never a
competitor's own figure), and the inspection composite the alignment holds customers
against (the approved results' mean, competitors left out of the tier's figures)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.central import review
from app.central.context import ServerContext
from app.central.models import Outlet
from app.central.perception import reports
from app.programme.months import YearMonth
from app.programme.perception.intercept import Period
from central.review_support import account, store_result

JUNE = YearMonth(2025, 6)


def _shop(ctx: ServerContext, rev: object, code: str, greet: int, *, competitor: bool,
          approve: bool = True) -> None:
    with ctx.session() as s:
        if s.get(Outlet, code) is None:
            s.add(Outlet(code=code, name=code, tier="flagship", competitor=competitor))
            s.commit()
    uid = store_result(ctx, outlet_code=code, answers={"uniform": True, "greet_seconds": greet},
                       started_at=datetime(2025, 6, 5, 2, 0, tzinfo=UTC))
    if approve:
        review.approve(ctx, rev, uid)  # type: ignore[arg-type]


def test_competitors_withheld_then_shown(ctx: ServerContext) -> None:
    rev = account(ctx, "rev")
    for code, greet in (("H1", 5), ("H2", 20), ("H3", 45)):
        _shop(ctx, rev, code, greet, competitor=False)
    _shop(ctx, rev, "C1", 5, competitor=True)
    _shop(ctx, rev, "C2", 90, competitor=True)
    _shop(ctx, rev, "C3", 90, competitor=True, approve=False)  # not counted yet
    [report] = reports.competitors(ctx, Period.month(JUNE))
    assert report.tier == "flagship"
    assert not report.total.shown and report.total.theirs.mean is None  # 2 outlets only
    assert (report.total.ours.outlets, report.total.theirs.outlets) == (3, 2)

    _shop(ctx, rev, "C4", 60, competitor=True)
    [report] = reports.competitors(ctx, Period.month(JUNE), "flagship")
    assert report.total.shown and report.total.theirs.outlets == 3
    assert [o.code for o in report.ours] == ["H1", "H2", "H3"]
    assert "C1" not in repr(report) and "C4" not in repr(report)

    composites = reports.composites(ctx, JUNE)
    assert set(composites) == {"H1", "H2", "H3", "C1", "C2", "C4"}
    result = reports.alignment(ctx, JUNE, "flagship")
    assert {f.code for f in result.figures} == {"H1", "H2", "H3"}
    assert reports.competitors(ctx, Period.month(YearMonth(2025, 7))) == []
