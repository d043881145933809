"""The month close as the console and the CLI read it: which months are open or closed, a
closed month's frozen figures (with typed accessors), a live preview of an open month, one
outlet's month card, and score-over-months series per outlet and per unit.

Nothing here writes except `close_month` (re-exported from `close`). The signatures are the
ones written down in .plan/month-api.md for the console pages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic_core import from_json
from sqlalchemy import func
from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.models import Inspection, MonthClose, MonthCountedResult, MonthOutletFigures
from app.central.month import close as closing
from app.central.month.close import CHINA, current_month
from app.central.month.errors import MonthClosed
from app.central.month.masterdata import rule_book
from app.central.service import as_utc
from app.programme.explain import Why
from app.programme.month import MonthResult, expand_failed
from app.programme.months import YearMonth, months_between

INSPECTION_KINDS = ("mystery_shop", "open_inspection", "self_check")
WARNING_FLAGS = frozenset({"deduction", "veto", "short_of_evidence", "not_scored"})


@dataclass(frozen=True)
class MonthState:
    month: YearMonth
    closed: bool
    closed_at: datetime | None
    closed_by: str | None
    rules_version: str | None
    outlets: int | None
    ranked: int | None
    totals: dict[str, str] | None


def _rules_in_force(ctx: ServerContext, month: YearMonth) -> str | None:
    try:
        return rule_book(ctx).for_month(month).id
    except Exception:  # no version applies, or the file is broken: the close will say why
        return None


def list_months(ctx: ServerContext) -> list[MonthState]:
    """Newest first: every closed month, and each open month from the one after the
    latest closed month (or the earliest month with a finalised result) to this month."""
    with ctx.session() as s:
        heads = list(s.exec(select(MonthClose).order_by(col(MonthClose.month))).all())
        first = s.exec(select(func.min(Inspection.started_at))
                       .where(Inspection.status == "finalized")).first()
    out = [MonthState(YearMonth.parse(h.month), True, as_utc(h.closed_at), h.closed_by,
                      h.rules_version, h.outlets, h.ranked,
                      json.loads(h.header).get("totals")) for h in heads]
    now = current_month()
    if heads:
        start = YearMonth.parse(heads[-1].month).shift(1)
    elif first is not None:
        at = as_utc(first)
        assert at is not None
        local = at.astimezone(CHINA)
        start = YearMonth(local.year, local.month)
    else:
        start = now
    cache: dict[str, str | None] = {}
    for m in months_between(start, now):
        version = cache.setdefault(str(m), _rules_in_force(ctx, m))
        out.append(MonthState(m, False, None, None, version, None, None, None))
    return sorted(out, key=lambda st: st.month, reverse=True)


@dataclass(frozen=True)
class ClosedMonth:
    """A closed month's frozen document and typed ways into it."""

    month: YearMonth
    closed_at: datetime
    closed_by: str
    rules_version: str
    rules_hash: str
    export: dict[str, Any]
    result_uuids: tuple[str, ...]
    _by_code: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False,
                                                compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({r["outlet_code"]: r for r in self.export["outlets"]})

    def outlets(self) -> list[dict[str, Any]]:
        return list(self.export["outlets"])

    def outlet(self, code: str) -> dict[str, Any] | None:
        return self._by_code.get(code)

    def units(self) -> list[str]:
        return sorted({r["business_unit"] for r in self.export["outlets"]
                       if r.get("business_unit")})

    def ranking(self, family: str, unit: str | None = None) -> list[dict[str, Any]]:
        rows = [r for r in self.export["outlets"]
                if r["family"] == family and r.get("rank_province") is not None
                and (unit is None or r.get("business_unit") == unit)]
        key = "rank_unit" if unit is not None else "rank_province"
        return sorted(rows, key=lambda r: (r[key], r["outlet_code"]))

    def exit_candidates(self) -> list[dict[str, Any]]:
        return [r for r in self.export["outlets"] if r.get("exit_candidate")]

    def tier_moves(self) -> list[dict[str, Any]]:
        return [r for r in self.export["outlets"] if r.get("tier_move")]

    def rewards(self) -> list[dict[str, Any]]:
        return [r for r in self.export["outlets"] if r.get("reward")]

    def warnings(self) -> list[dict[str, Any]]:
        return [r for r in self.export["outlets"]
                if WARNING_FLAGS.intersection(r.get("flags") or ())]

    def totals(self) -> dict[str, Any]:
        return dict(self.export["totals"])

    def why(self, code: str, figure: str) -> Why | None:
        row = self.outlet(code)
        return _why(row, figure)

    def why_text(self, code: str, figure: str, lang: str | None = None) -> str | None:
        w = self.why(code, figure)
        return None if w is None else w.render(lang or "zh")


def _why(row: Mapping[str, Any] | None, figure: str) -> Why | None:
    if row is None:
        return None
    found = (row.get("why") or {}).get(figure)
    return None if found is None else Why.from_dict(found)


def closed_month(ctx: ServerContext, month: YearMonth) -> ClosedMonth | None:
    """The frozen month, or None when it is not closed."""
    with ctx.session() as s:
        head = s.get(MonthClose, str(month))
        if head is None:
            return None
        rows = []
        for figures, why in s.exec(select(MonthOutletFigures.figures,
                                          MonthOutletFigures.why)
                                   .where(MonthOutletFigures.month == str(month))
                                   .order_by(col(MonthOutletFigures.position))).all():
            row = from_json(figures)  # pydantic-core's parser: a month is 20,000 rows
            row["why"] = from_json(why)
            rows.append(row)
        uuids = tuple(s.exec(select(MonthCountedResult.uuid)
                             .where(MonthCountedResult.month == str(month))
                             .order_by(col(MonthCountedResult.uuid))).all())
    doc = json.loads(head.header)
    expand_failed(rows, doc.pop("failed_items", None))  # the export holds them whole
    doc["outlets"] = rows
    at = as_utc(head.closed_at)
    assert at is not None
    return ClosedMonth(month, at, head.closed_by, head.rules_version, head.rules_hash, doc,
                       uuids)


def preview_month(ctx: ServerContext, month: YearMonth) -> MonthResult:
    """An open month computed live from today's data (nothing stored); MonthClosed for a
    closed month (read it with closed_month)."""
    with ctx.session() as s:
        if s.get(MonthClose, str(month)) is not None:
            raise MonthClosed(month)
    return closing.compute(ctx, closing.gather(ctx, month))


def close_month(ctx: ServerContext, month: YearMonth, *, by: str) -> ClosedMonth:
    """Close `month` (see close.close_month) and read it back as frozen."""
    closing.close_month(ctx, month, by=by)
    found = closed_month(ctx, month)
    assert found is not None
    return found


# --- one outlet's month card -------------------------------------------------------------


@dataclass(frozen=True)
class CardFailed:
    item: str
    section: str
    label_zh: str
    label_en: str
    veto: str | None

    def label(self, lang: str | None) -> str:
        return self.label_en if (lang or "zh").startswith("en") else self.label_zh


@dataclass(frozen=True)
class CardVisit:
    uuid: str
    kind: str
    score: float | None
    voided: bool
    veto_count: int
    failed: tuple[CardFailed, ...]


@dataclass(frozen=True)
class CardComponent:
    name: str
    score: float | None
    weight: float
    share: float
    counted: bool
    present: bool
    count: int
    visits: tuple[CardVisit, ...]


@dataclass(frozen=True)
class OutletCard:
    month: YearMonth
    code: str
    closed: bool
    row: dict[str, Any]
    components: tuple[CardComponent, ...]

    def why_text(self, figure: str, lang: str | None = None) -> str | None:
        w = _why(self.row, figure)
        return None if w is None else w.render(lang or "zh")


def card_from_row(month: YearMonth, row: dict[str, Any], closed: bool) -> OutletCard:
    """The month card of an export row (frozen or previewed)."""
    visits: dict[str, list[CardVisit]] = {}
    for v in row.get("results") or ():
        visits.setdefault(v["kind"], []).append(CardVisit(
            v["uuid"], v["kind"], v.get("score"), bool(v.get("voided")),
            int(v.get("veto_count") or 0),
            tuple(CardFailed(f["item"], f.get("section") or "", f.get("zh") or f["item"],
                             f.get("en") or f["item"], f.get("veto"))
                  for f in v.get("failed") or ())))
    comps = tuple(
        CardComponent(name, c.get("score"), float(c.get("weight") or 0),
                      float(c.get("share") or 0), bool(c.get("counted")),
                      bool(c.get("present")), int(c.get("count") or 0),
                      tuple(visits.get(name, ())) if name in INSPECTION_KINDS else ())
        for name, c in (row.get("components") or {}).items())
    return OutletCard(month, row["outlet_code"], closed, row, comps)


def outlet_card(ctx: ServerContext, month: YearMonth, code: str) -> OutletCard | None:
    """One outlet's month: from the snapshot when closed, else a live preview; None for
    an outlet the month does not list."""
    frozen = closed_month_outlet(ctx, month, code)
    if frozen is not None:
        return card_from_row(month, frozen, True)
    with ctx.session() as s:
        if s.get(MonthClose, str(month)) is not None:
            return None
    preview = preview_month(ctx, month)
    o = preview.outlets.get(code)
    if o is None:
        return None
    alone = MonthResult(preview.month, preview.rules_version, preview.rules_hash, {code: o})
    return card_from_row(month, alone.to_export(explanations=True)["outlets"][0], False)


def closed_month_outlet(ctx: ServerContext, month: YearMonth, code: str
                        ) -> dict[str, Any] | None:
    """One outlet's frozen export row (with `why`), without reading the whole month."""
    with ctx.session() as s:
        found = s.exec(select(MonthOutletFigures.figures, MonthOutletFigures.why)
                       .where(MonthOutletFigures.month == str(month),
                              MonthOutletFigures.outlet_code == code)).first()
        header = s.exec(select(MonthClose.header)
                        .where(MonthClose.month == str(month))).first() if found else None
    if found is None:
        return None
    row: dict[str, Any] = json.loads(found[0])
    row["why"] = json.loads(found[1])
    expand_failed([row], from_json(header or "{}").get("failed_items"))
    return row


# --- score over months ---------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    month: YearMonth
    closed: bool
    composite: float | None
    rank_unit: int | None
    rank_province: int | None


def _closed_set(ctx: ServerContext, months: Sequence[YearMonth]) -> set[str]:
    with ctx.session() as s:
        return set(s.exec(select(MonthClose.month).where(
            col(MonthClose.month).in_([str(m) for m in months]))).all())


def outlet_series(ctx: ServerContext, code: str, months: Sequence[YearMonth]
                  ) -> list[SeriesPoint]:
    """One point per month asked, in the order given; only closed months have figures."""
    closed = _closed_set(ctx, months)
    with ctx.session() as s:
        found: list[Any] = list(s.exec(
            select(MonthOutletFigures.month, MonthOutletFigures.composite,
                   MonthOutletFigures.rank_unit, MonthOutletFigures.rank_province)
            .where(MonthOutletFigures.outlet_code == code,
                   col(MonthOutletFigures.month).in_([str(m) for m in months]))).all())
    rows = {r.month: r for r in found}
    out = []
    for m in months:
        r = rows.get(str(m))
        out.append(SeriesPoint(m, str(m) in closed, r.composite if r else None,
                               r.rank_unit if r else None, r.rank_province if r else None))
    return out


@dataclass(frozen=True)
class UnitPoint:
    month: YearMonth
    closed: bool
    mean: float | None
    lowest: float | None
    highest: float | None
    scored: int


def unit_series(ctx: ServerContext, unit: str, months: Sequence[YearMonth]) -> list[UnitPoint]:
    """The unit's composite per month: mean (2 dp), lowest, highest of its scored outlets
    (competitors and inactive outlets included only when ranked: the ranked ones)."""
    closed = _closed_set(ctx, months)
    with ctx.session() as s:
        score = col(MonthOutletFigures.composite)
        rows = {r[0]: r for r in s.exec(
            select(MonthOutletFigures.month, func.avg(score),  # type: ignore[call-overload]
                   func.min(score),
                   func.max(score), func.count(score))
            .where(MonthOutletFigures.business_unit == unit,
                   col(MonthOutletFigures.rank_province).is_not(None),
                   col(MonthOutletFigures.month).in_([str(m) for m in months]))
            .group_by(col(MonthOutletFigures.month))).all()}
    out = []
    for m in months:
        r = rows.get(str(m))
        if r is None or not r[4]:
            out.append(UnitPoint(m, str(m) in closed, None, None, None, 0))
        else:
            out.append(UnitPoint(m, True, round(float(r[1]), 2), float(r[2]), float(r[3]),
                                 int(r[4])))
    return out
