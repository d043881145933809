"""What the perception report and pages show: satisfaction per outlet and staff member
with counts, intercept coverage per hall against the minimum, and the alignment of the
inspections with what customers feel (the pure alignment module over the stored data).

The inspection composite an outlet is held against is the mean server score of the
month's counted covert and announced inspections (review.counted_results: the newest
approved result of each chain) — the inspectors' view alone, without the customer
component the month close adds, so the two are not compared with themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.models import Outlet
from app.central.perception.config import perception_settings
from app.central.perception.intercept import hall_figures, intercept_responses
from app.central.perception.sms import satisfaction_report
from app.central.review import counted_results
from app.errors import UserError
from app.programme.months import YearMonth
from app.programme.perception.alignment import (
    AlignmentReport,
    OutletFigures,
    align,
    outlet_figures,
)
from app.programme.perception.clock import LOCAL
from app.programme.perception.competitors import (
    TOTAL,
    Comparison,
    CompetitorReport,
    InspectedResult,
    compare,
    compare_all,
)
from app.programme.perception.intercept import HallPerception, Period
from app.programme.perception.replies import SatisfactionReport

INSPECTION_KINDS = ("mystery_shop", "open_inspection")
COMPOSITE_KIND = "mystery_shop"  # whose checklist's section weights are compared


@dataclass(frozen=True)
class OutletInfo:
    code: str
    name: str
    tier: str
    family: str
    competitor: bool
    business_unit: str | None = None


def outlets(ctx: ServerContext) -> dict[str, OutletInfo]:
    tiers = ctx.checklists.bundle().tiers
    with ctx.session() as s:
        rows = s.exec(select(Outlet)).all()
    return {o.code: OutletInfo(o.code, o.name, o.tier,
                               str(tiers.get(o.tier, {}).get("family", "")),
                               bool(getattr(o, "competitor", False)), o.business_unit)
            for o in rows}


def known_tier(ctx: ServerContext, tier: str | None) -> None:
    tiers = ctx.checklists.bundle().tiers
    if tier is not None and tiers and tier not in tiers:
        raise UserError("perception.report.tier_unknown", tier=tier,
                        tiers=", ".join(sorted(tiers)))


def satisfaction(ctx: ServerContext, month: YearMonth, tier: str | None = None
                 ) -> SatisfactionReport:
    """The month's SMS satisfaction (per outlet; per staff member with the outlets they
    served at), limited to a tier's outlets when one is given."""
    known_tier(ctx, tier)
    report = satisfaction_report(ctx, month, perception_settings(ctx).replies)
    if tier is None:
        return report
    mine = {c for c, o in outlets(ctx).items() if o.tier == tier}
    return SatisfactionReport(
        [s for s in report.by_outlet if s.outlet in mine],
        [s for s in report.by_staff if set(s.outlets) & mine])


def coverage(ctx: ServerContext, period: Period, tier: str | None = None
             ) -> list[HallPerception]:
    """Every self-run hall's intercept figures for the period (halls with no record are
    listed with 0): below the minimum a hall has its count and no figure."""
    known_tier(ctx, tier)
    halls = [o.code for o in outlets(ctx).values()
             if o.family == "self_run_hall" and not o.competitor
             and (tier is None or o.tier == tier)]
    found = hall_figures(ctx, period, perception_settings(ctx).intercept, halls=halls)
    return [h for h in found if h.outlet in set(halls)] if tier is not None else found


def composites(ctx: ServerContext, month: YearMonth) -> dict[str, float | None]:
    """Each outlet's inspection composite for the month (see the module's docstring)."""
    start = datetime.combine(month.first_day, time(0), LOCAL)
    end = datetime.combine(month.shift(1).first_day, time(0), LOCAL)
    scores: dict[str, list[float]] = {}
    for r in counted_results(ctx, start, end):
        if r.kind in INSPECTION_KINDS and r.score_total is not None:
            scores.setdefault(r.outlet_code, []).append(float(r.score_total))
    return {code: sum(v) / len(v) for code, v in scores.items()}


def section_weights(ctx: ServerContext, tier: str) -> dict[str, float]:
    bundle = ctx.checklists.bundle()
    wanted = bundle.defaults.get((COMPOSITE_KIND, tier))
    checklist = bundle.resolved.get(wanted) if wanted else None
    return {} if checklist is None else {s.id: s.weight for s in checklist.sections}


@dataclass
class Alignment:
    report: AlignmentReport
    figures: list[OutletFigures] = field(default_factory=list)  # the tier's own outlets
    names: dict[str, str] = field(default_factory=dict)


def alignment(ctx: ServerContext, month: YearMonth, tier: str) -> Alignment:
    """The month's alignment for a tier: rank correlations with n, the outlets that
    disagree most, section weight against importance with suggested weights."""
    known_tier(ctx, tier)
    settings = perception_settings(ctx)
    info = outlets(ctx)
    sms = satisfaction_report(ctx, month, settings.replies)
    halls = hall_figures(ctx, Period.month(month), settings.intercept)
    figures = outlet_figures([(o.code, o.tier, o.competitor) for o in info.values()],
                             composites(ctx, month), month, sms=sms.by_outlet, halls=halls)
    mine = {c for c, o in info.items() if o.tier == tier and not o.competitor}
    responses = [r for r in intercept_responses(ctx, month.first_day, month.last_day,
                                                settings.intercept) if r.outlet in mine]
    report = align(month, tier, figures, section_weights=section_weights(ctx, tier),
                   responses=responses, settings=settings)
    return Alignment(report, [f for f in figures if f.code in mine],
                     {c: o.name for c, o in info.items()})


# --- competitors (同业对标) ----------------------------------------------------------------


def inspected_results(ctx: ServerContext, period: Period) -> list[InspectedResult]:
    """The period's counted mystery shops as the competitor comparison reads them (the
    server's stored score: total and sections 0..100, items 0..1)."""
    import json

    from app.central.models import Inspection

    info = outlets(ctx)
    start = datetime.combine(period.first, time(0), LOCAL)
    end = datetime.combine(period.last, time(0), LOCAL) + timedelta(days=1)
    counted = [r for r in counted_results(ctx, start, end) if r.kind == COMPOSITE_KIND]
    details: dict[str, str | None] = {}
    uuids = [r.uuid for r in counted]
    with ctx.session() as s:
        for i in range(0, len(uuids), 500):
            for uuid, detail in s.exec(select(Inspection.uuid, Inspection.score_detail)
                                       .where(col(Inspection.uuid).in_(uuids[i:i + 500]))):
                details[uuid] = detail
    out: list[InspectedResult] = []
    for r in counted:
        raw = details.get(r.uuid)
        body = json.loads(raw) if raw else {}
        sections = {s["id"]: s.get("score") for s in body.get("sections", [])}
        items = {(s["id"], i["id"]): i.get("score") for s in body.get("sections", [])
                 for i in s.get("items", []) if i.get("status") not in ("hidden", "unscored")}
        o = info.get(r.outlet_code)
        out.append(InspectedResult(r.outlet_code, o.tier if o else r.tier,
                                   bool(o and o.competitor), r.score_total, sections, items))
    return out


def competitors(ctx: ServerContext, period: Period, tier: str | None = None
                ) -> list[CompetitorReport]:
    """Our outlets against competitors' of the same tier for the period (one report per
    tier with competitor results); below the sample minimum the means are withheld."""
    known_tier(ctx, tier)
    rules = perception_settings(ctx).competitors
    results = inspected_results(ctx, period)
    if tier is not None:
        return [compare(results, tier, rules)] if any(
            r.tier == tier and r.competitor for r in results) else []
    return compare_all(results, rules)


def comparison_line(c: Comparison, needed: int, lang: str | None = None) -> str:
    """One row of the competitor comparison in words (withheld below the sample)."""
    from app.i18n import t

    what = (t("perception.competitors.total", lang) if c.section_id == TOTAL
            else f"{c.section_id}.{c.item_id}" if c.item_id else c.section_id)
    if not c.shown or c.ours.mean is None or c.theirs.mean is None:
        return t("perception.competitors.withheld", lang, what=what, ours=c.ours.outlets,
                 theirs=c.theirs.outlets, needed=needed)
    return t("perception.competitors.line", lang, what=what, ours=f"{c.ours.mean:.1f}",
             ours_n=c.ours.outlets, theirs=f"{c.theirs.mean:.1f}", theirs_n=c.theirs.outlets,
             diff=f"{c.ours.mean - c.theirs.mean:+.1f}")
