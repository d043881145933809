"""What the month close takes from customer perception: per outlet its SMS satisfaction
and its intercept perception for the month, each with the count behind it and the
source's own verdict (below the minimum: insufficient, no score)."""

from __future__ import annotations

from app.central.context import ServerContext
from app.central.perception.config import perception_settings
from app.central.perception.intercept import hall_figures
from app.central.perception.sms import satisfaction_report
from app.programme.inputs import PerceptionAggregate
from app.programme.months import YearMonth
from app.programme.perception.intercept import Period, intercept_aggregates
from app.programme.perception.replies import sms_aggregates


def aggregate_key(agg: PerceptionAggregate) -> str:
    """'<source>/<outlet code>': an outlet has one aggregate per source."""
    return f"{agg.source}/{agg.outlet_code}"


def perception_inputs(ctx: ServerContext, month: YearMonth) -> list[PerceptionAggregate]:
    """The month's aggregates of both sources, as `compute_month(perception=...)` takes
    them."""
    settings = perception_settings(ctx)
    sms = sms_aggregates(satisfaction_report(ctx, month, settings.replies,
                                             per_staff=False), month)
    halls = hall_figures(ctx, Period.month(month), settings.intercept)
    return [*sms, *intercept_aggregates(halls)]


def perception_aggregates(ctx: ServerContext, month: YearMonth
                          ) -> dict[str, PerceptionAggregate]:
    """The month's aggregates keyed '<source>/<outlet>' (sms_satisfaction/HZ-0001,
    intercept/HZ-0001); pass `.values()` to the month close."""
    return {aggregate_key(a): a for a in perception_inputs(ctx, month)}
