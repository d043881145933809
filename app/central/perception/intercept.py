"""Intercept records (拦截调查) on the server: inspections of kind `intercept`, arrived
through the same sync as every result, read back as the pure package's InterceptResponse.

Item ids of the intercept checklist (checklists.yaml): `e_<dimension>` is the customer's
expectation and `p_<dimension>` their perception of it (1..7), `overall` an optional
overall rating. A record counts once finalised and not rejected; a record that a later
one amends is replaced by it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.models import Inspection
from app.programme.perception.clock import LOCAL
from app.programme.perception.intercept import (
    HallPerception,
    InterceptResponse,
    Period,
    aggregate,
)
from app.programme.perception.settings import InterceptRules

KIND = "intercept"
OVERALL = "overall"


def expectation_item(dimension: str) -> str:
    return f"e_{dimension}"


def perception_item(dimension: str) -> str:
    return f"p_{dimension}"


def response_of(uuid: str, outlet: str, on: date, answers: Mapping[str, object],
                rules: InterceptRules) -> InterceptResponse:
    """One record's answers (item id -> value) as the rules read them; "na" and blanks are
    skipped dimensions."""
    def rating(item: str) -> int | None:
        value = answers.get(item)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    expectation = {d: v for d in rules.dimensions
                   if (v := rating(expectation_item(d))) is not None}
    perception = {d: v for d in rules.dimensions
                  if (v := rating(perception_item(d))) is not None}
    return InterceptResponse(outlet, on, expectation, perception, rating(OVERALL), uuid)


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The local days as UTC moments (the database keeps UTC; SQLite compares text)."""
    start = datetime.combine(first, time(0), LOCAL).astimezone(UTC)
    return start, datetime.combine(last + timedelta(days=1), time(0), LOCAL).astimezone(UTC)


def intercept_responses(ctx: ServerContext, first: date, last: date,
                        rules: InterceptRules | None = None,
                        outlets: Iterable[str] | None = None) -> list[InterceptResponse]:
    """The counted intercept records finalised on local days first..last."""
    rules = rules or InterceptRules()
    start, end = _utc_bounds(first, last)
    stmt = (select(Inspection)
            .where(Inspection.kind == KIND, Inspection.status == "finalized",
                   Inspection.review_state != "rejected",
                   col(Inspection.finalized_at) >= start, col(Inspection.finalized_at) < end)
            .order_by(col(Inspection.seq)))
    if outlets is not None:
        stmt = stmt.where(col(Inspection.outlet_code).in_(list(outlets)))
    with ctx.session() as s:
        rows = list(s.exec(stmt).all())
    replaced = {r.amends_uuid for r in rows if r.amends_uuid}
    out: list[InterceptResponse] = []
    for row in rows:
        finalized_at = row.finalized_at
        if row.uuid in replaced or finalized_at is None:
            continue
        if finalized_at.tzinfo is None:  # SQLite hands back naive UTC
            finalized_at = finalized_at.replace(tzinfo=UTC)
        answers: dict[str, object] = {
            str(a.get("item_id")): a.get("value")
            for a in json.loads(row.body).get("answers", []) if isinstance(a, dict)}
        out.append(response_of(row.uuid, row.outlet_code,
                               finalized_at.astimezone(LOCAL).date(), answers, rules))
    return out


def hall_figures(ctx: ServerContext, period: Period, rules: InterceptRules | None = None,
                 halls: Iterable[str] = ()) -> list[HallPerception]:
    """Every hall's intercept figures for the period (halls named in `halls` are listed
    with 0 responses when they have none: the coverage page shows the gap)."""
    rules = rules or InterceptRules()
    responses = intercept_responses(ctx, period.first, period.last, rules)
    return aggregate(responses, period, rules, halls=halls)
