"""Coaching plans from a month closed by the real month close (app.central.month): results
stored as the ingest stores them, approved by a reviewer, May closed; July is planned from
May's ranking (June not closed: the plan says so). The cadence counts per outlet exactly as
the rule says, on working days, within a manager's day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.central import accounts, review
from app.central.context import ServerContext
from app.central.month import read
from app.central.plans import store
from app.central.plans.store import PlanError
from app.programme.months import YearMonth
from app.programme.planning.timing import month_weeks

from ..review_support import store_result
from .conftest import REPO
from .support import load_master_data

MAY, JULY = YearMonth(2025, 5), YearMonth(2025, 7)


@pytest.fixture
def closed(ctx: ServerContext, tmp_path: Path) -> ServerContext:
    load_master_data(ctx, tmp_path / "master")
    # the office's own rules: the single lowest outlet of a unit is "bottom"
    rules = (REPO / "programme.yaml").read_text(encoding="utf-8")
    assert "    bottom_n: 10\n" in rules
    (ctx.settings.data_dir / "programme.yaml").write_text(
        rules.replace("    bottom_n: 10\n", "    bottom_n: 1\n"), encoding="utf-8")
    approver = accounts.add_manager(ctx, "qian", "钱审核", "reviewer", "a long passphrase")
    answers = {"H1": True, "H2": False, "H3": True, "A1": True, "A2": True}
    for code, uniform in answers.items():
        uid = store_result(ctx, inspector="ms1", outlet_code=code, unit="东区营业部",
                           answers={"uniform": uniform, "greet_seconds": 5 if uniform else 60},
                           started_at=datetime(2025, 5, 12, 2, 0, tzinfo=UTC))
        review.approve(ctx, approver, uid)
    read.close_month(ctx, MAY, by="qian")
    return ctx


def test_the_cadence_from_the_latest_closed_month(closed: ServerContext) -> None:
    ctx = closed
    ranked = {r["outlet_code"]: r.get("rank_unit") for r in read.closed_month(ctx, MAY)
              .outlets()}  # type: ignore[union-attr]
    worst = max((r for r in ranked.values() if r is not None), default=None)
    assert worst is not None, ranked
    bottom = {c for c, r in ranked.items() if r == worst}
    stored = store.propose_coaching(ctx, JULY, by="boss")
    plan = stored.coaching
    assert str(plan.ranking_month) == "2025-05"
    assert plan.note is not None and "2025-06" in plan.note.text("en")  # June not closed
    weeks = len(month_weeks(JULY))
    assert weeks == 5
    wanted = {t.outlet: (t.cadence, t.required) for t in plan.targets}
    for code in wanted:
        if code in bottom:
            assert wanted[code] == ("bottom", 2 * weeks)
        elif code == "H1":  # class A
            assert wanted[code] == ("class_a", weeks)
        else:
            assert wanted[code] == ("fortnightly", 3)
    assert "C1" not in wanted  # a competitor's outlet is not coached
    got = Counter(v.outlet for v in plan.visits)
    missing = Counter()
    for s in plan.shortfall:
        missing[s.outlet] += s.missing
    for code, (_cadence, required) in wanted.items():
        assert got[code] + missing[code] == required, code
    per_day = Counter((v.manager, v.day) for v in plan.visits)
    assert max(per_day.values()) <= 4  # programme.yaml visits_per_day
    assert all(v.day.weekday() < 5 and v.day.month == 7 for v in plan.visits)
    # published, the area managers' devices get them as open inspections
    done = store.publish(ctx, stored.id, by="boss")
    assert done.created == len(plan.visits)
    # a missed coaching visit to a bottom outlet comes first in the status
    status = store.month_status(ctx, JULY, now=datetime(2025, 8, 5, tzinfo=UTC)).status
    assert status.attention and status.attention[0].flagged
    assert status.attention[0].outlet in bottom


def test_no_closed_month_before_the_one_planned(closed: ServerContext) -> None:
    with pytest.raises(PlanError) as refused:
        store.propose_coaching(closed, MAY, by="boss")  # only May itself is closed
    assert refused.value.key == "planning.store.no_closed_month"
