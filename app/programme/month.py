"""One month of the programme, computed from its inputs: per outlet the composite with its
components and the visits behind them, ranks in the business unit and the province, the
commission, the staff share, refunds due, adjustment lines, and the candidate lists, each
figure with its explanation.

`compute_month` is what the month close calls; `MonthResult.to_export()` is the closed
month's frozen JSON (docs/programme.md describes it) and `past_month_from_export` reads a
frozen month back as history for the months after it.

Who is ranked and paid: active outlets that are not competitors' (competitors are scored for
comparison, never ranked or paid). Self-run halls and agent outlets are ranked apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from app.programme.candidates import (
    ExitFacts,
    Reward,
    RewardCheck,
    TierCheck,
    TierMove,
    exit_facts,
    reward,
    tier_move,
)
from app.programme.commission import (
    BaseChoice,
    PaymentFactor,
    YearsFactor,
    commission_cents,
    commission_why,
    find_base,
    payment_factor,
    staff_share_cents,
    staff_share_why,
    years_factor,
)
from app.programme.composite import ComponentScore, Composite, compute_composite
from app.programme.explain import Msg, Why
from app.programme.inputs import (
    ADJUSTMENT_REASONS,
    Adjustment,
    AdjustmentReason,
    CommissionBase,
    CountedVisit,
    FailedItem,
    History,
    OutletInfo,
    PastMonth,
    PastOutlet,
    PerceptionAggregate,
)
from app.programme.money import parse_yuan, plain, to_number, yuan
from app.programme.months import YearMonth
from app.programme.ranking import ranks_by_group
from app.programme.refunds import NONE as NO_REFUND
from app.programme.refunds import RefundStatus, refund_status
from app.programme.rules_loader import RulesVersion
from app.programme.rules_schema import INSPECTION_COMPONENTS, StaffShare

EXPORT_FORMAT = "hallcheck.month/1"
KINDS = frozenset(c.value for c in INSPECTION_COMPONENTS)


class Flag(StrEnum):
    """What a manager should look at on an outlet's month (the export's `flags`)."""

    COMPETITOR = "competitor"  # 同业: not ranked, not paid
    INACTIVE = "inactive"  # not ranked, not paid
    NOT_SCORED = "not_scored"  # no composite: not ranked, no commission computed
    SHORT_OF_EVIDENCE = "short_of_evidence"  # a counted component had no data
    VETO = "veto"  # a counted visit had a 一票否决
    NO_CLASS = "no_class"  # no outlet class on record: no base
    NO_BASE = "no_base"  # no base for the class x region in this month
    BASE_AMBIGUOUS = "base_ambiguous"  # two bases of the same period: none used
    NO_COOPERATION_START = "no_cooperation_start"  # years factor of the first band
    DEDUCTION = "deduction"  # negative commission (waits for the rolling refund)
    REFUND_DUE = "refund_due"
    ADJUSTED = "adjusted"  # lines carried in from a closed month
    EXIT_CANDIDATE = "exit_candidate"
    TIER_UP = "tier_up"
    TIER_DOWN = "tier_down"
    REWARD = "reward"


FLAG_KEY = {  # message keys, literal for the catalogue checks
    Flag.COMPETITOR: "programme.flag.competitor",
    Flag.INACTIVE: "programme.flag.inactive",
    Flag.NOT_SCORED: "programme.flag.not_scored",
    Flag.SHORT_OF_EVIDENCE: "programme.flag.short_of_evidence",
    Flag.VETO: "programme.flag.veto",
    Flag.NO_CLASS: "programme.flag.no_class",
    Flag.NO_BASE: "programme.flag.no_base",
    Flag.BASE_AMBIGUOUS: "programme.flag.base_ambiguous",
    Flag.NO_COOPERATION_START: "programme.flag.no_cooperation_start",
    Flag.DEDUCTION: "programme.flag.deduction",
    Flag.REFUND_DUE: "programme.flag.refund_due",
    Flag.ADJUSTED: "programme.flag.adjusted",
    Flag.EXIT_CANDIDATE: "programme.flag.exit_candidate",
    Flag.TIER_UP: "programme.flag.tier_up",
    Flag.TIER_DOWN: "programme.flag.tier_down",
    Flag.REWARD: "programme.flag.reward",
}
REASON_KEY = {
    "late_result": "programme.adjustment.late_result",
    "overturned_result": "programme.adjustment.overturned_result",
    "correction": "programme.adjustment.correction",
}


@dataclass(frozen=True)
class OutletFacts:
    """What the explanations of an outlet's month are built from (kept, not shown)."""

    composite: Composite
    paid: bool  # active and not a competitor's: ranked and paid
    years: YearsFactor | None = None
    payment: PaymentFactor | None = None
    base: BaseChoice | None = None
    staff_rule: StaffShare | None = None
    tier: TierCheck | None = None
    reward: RewardCheck | None = None


@dataclass(frozen=True)
class OutletMonth:
    """One outlet's month: every figure, and why (`why[figure]`)."""

    outlet: OutletInfo
    composite: Decimal | None
    components: Mapping[str, ComponentScore]
    visits: tuple[CountedVisit, ...]  # the month's counted results of the outlet
    rank_unit: int | None
    rank_unit_size: int  # outlets ranked in the unit (same family)
    rank_unit_bottom: int | None  # 1 = the unit's lowest
    rank_province: int | None
    rank_province_size: int
    years: int | None
    years_factor: Decimal | None
    payment_factor: Decimal | None
    base_cents: int | None
    commission_cents: int | None
    staff_share_cents: int | None
    refund: RefundStatus
    adjustments: tuple[Adjustment, ...]
    exit: ExitFacts | None
    tier_move: TierMove | None
    reward: Reward | None
    flags: tuple[Flag, ...]
    facts: OutletFacts = field(repr=False, compare=False)

    @cached_property
    def why(self) -> dict[str, Why]:
        """Every figure's explanation, by figure ("composite", "components.mystery_shop",
        "rank_unit", ..., "reward"); built when first asked for."""
        f = self.facts
        out: dict[str, Why] = {"composite": f.composite.why}
        for name, part in f.composite.components.items():
            out[f"components.{name}"] = part.why
        out["rank_unit"], out["rank_province"] = _rank_whys(
            self.outlet, self.composite, self.rank_unit, self.rank_unit_size,
            self.rank_province, self.rank_province_size)
        if f.years is not None:
            out["years_factor"] = f.years.why
        if f.base is not None:
            out["base"] = f.base.why
        if f.paid:
            if f.payment is None:
                out["payment_factor"] = Why("programme.why.payment_factor.no_score", {},
                                            rule="composite.min_components")
                out["commission"] = Why("programme.why.commission.no_score", {})
            else:
                out["payment_factor"] = f.payment.why
                if self.commission_cents is None or self.base_cents is None:
                    out["commission"] = Why("programme.why.commission.no_base", {})
                else:
                    out["commission"] = commission_why(
                        self.base_cents, self.years_factor or Decimal(0), f.payment.value,
                        self.commission_cents)
            if self.commission_cents is not None and f.staff_rule is not None:
                out["staff_share"] = staff_share_why(self.commission_cents,
                                                     self.staff_share_cents or 0, f.staff_rule)
            out["refund"] = self.refund.why
        if self.exit is not None:
            out["exit"] = self.exit.why
        if f.tier is not None:
            out["tier_move"] = f.tier.why
        if f.reward is not None:
            out["reward"] = f.reward.why
        if self.adjustments:
            out["adjustments"] = Why("programme.why.adjustments", {"lines": tuple(
                Msg("programme.why.adjustment.line",
                    {"month": str(a.source_month), "amount": yuan(a.amount_cents),
                     "reason": Msg(REASON_KEY[a.reason])}) for a in self.adjustments)},
                results=tuple(u for a in self.adjustments for u in a.results))
        return out

    @property
    def code(self) -> str:
        return self.outlet.code

    @property
    def refund_cents(self) -> int:
        return self.refund.amount_cents

    @property
    def adjustments_cents(self) -> int:
        return sum(a.amount_cents for a in self.adjustments)

    @property
    def payable_cents(self) -> int:
        """What the month pays the outlet: commission (negative: deducted) + refunds +
        adjustment lines."""
        return (self.commission_cents or 0) + self.refund_cents + self.adjustments_cents

    @property
    def exit_candidate(self) -> bool:
        return self.exit is not None and self.exit.candidate

    @property
    def flag_keys(self) -> tuple[str, ...]:
        """The flags' message keys (for `explain.explain_outlet` and the screens)."""
        return tuple(FLAG_KEY[f] for f in self.flags)

    def as_past(self) -> PastOutlet:
        o = self.outlet
        return PastOutlet(o.code, o.tier, o.family, o.business_unit, self.composite,
                          self.rank_unit, self.rank_unit_bottom, self.rank_province,
                          self.commission_cents, self.staff_share_cents,
                          tuple(line.deducted_month for line in self.refund.lines))


@dataclass(frozen=True)
class MonthResult:
    month: YearMonth
    rules_version: str
    rules_hash: str
    outlets: Mapping[str, OutletMonth]  # by code, in master-data order
    notes: tuple[Msg, ...] = ()  # inputs that could not be used, said in words
    unmatched_adjustments: tuple[Adjustment, ...] = ()  # for outlets no longer listed

    def ranking(self, family: str, business_unit: str | None = None) -> list[OutletMonth]:
        """Ranked outlets of a family (in a unit, or the province), best first."""
        rows = [o for o in self.outlets.values()
                if o.outlet.family == family and o.rank_province is not None
                and (business_unit is None or o.outlet.business_unit == business_unit)]
        key = (lambda o: (o.rank_unit, o.code)) if business_unit else (
            lambda o: (o.rank_province, o.code))
        return sorted(rows, key=key)

    @property
    def exit_candidates(self) -> list[OutletMonth]:
        return [o for o in self.outlets.values() if o.exit_candidate]

    @property
    def tier_moves(self) -> list[OutletMonth]:
        return [o for o in self.outlets.values() if o.tier_move is not None]

    @property
    def rewards(self) -> list[OutletMonth]:
        return [o for o in self.outlets.values() if o.reward is not None]

    def totals(self) -> dict[str, int]:
        rows = list(self.outlets.values())
        return {
            "commission": sum(o.commission_cents or 0 for o in rows),
            "staff_share": sum(o.staff_share_cents or 0 for o in rows),
            "refund": sum(o.refund_cents for o in rows),
            "adjustments": sum(o.adjustments_cents for o in rows),
            "payable": sum(o.payable_cents for o in rows),
        }

    def as_past(self) -> PastMonth:
        return PastMonth(self.month, self.rules_version,
                         {c: o.as_past() for c, o in self.outlets.items()})

    def to_export(self, explanations: bool = False, failed_by_ref: bool = False
                  ) -> dict[str, Any]:
        """The closed month as JSON-ready data (docs/programme.md: "The month's export").
        `explanations`: each outlet's `why` too (language-neutral; what the month card and
        the statement render), several times the size of the figures. `failed_by_ref`:
        each result's failed items as positions in the document's `failed_items` (one
        entry per distinct item with its labels, where a month lists the same few hundred
        items ~900,000 times: the close stores a month so); `expand_failed` puts them
        back."""
        totals = self.totals()
        shared: dict[int, tuple[FailedItem, dict[str, Any]]] = {}
        table = _FailedTable(shared) if failed_by_ref else None
        rows = [_export_outlet(o, explanations, shared, table) for o in self.outlets.values()]
        doc = {
            "format": EXPORT_FORMAT,
            "month": str(self.month),
            "rules": {"version": self.rules_version, "hash": self.rules_hash},
            "totals": {"outlets": len(self.outlets),
                       "ranked": sum(1 for o in self.outlets.values()
                                     if o.rank_province is not None),
                       **{k: yuan(v) for k, v in totals.items()}},
            "outlets": rows,
            "unmatched_adjustments": [_export_adjustment(a) for a in self.unmatched_adjustments],
            "notes": [n.to_dict() for n in self.notes],
        }
        if table is not None:
            doc["failed_items"] = table.items
        return doc


def compute_month(
    month: YearMonth,
    rules: RulesVersion,
    outlets: Iterable[OutletInfo],
    results: Iterable[CountedVisit],
    *,
    perception: Iterable[PerceptionAggregate] = (),
    bases: Iterable[CommissionBase] = (),
    history: History | Iterable[PastMonth] = (),
    adjustments: Iterable[Adjustment] = (),
) -> MonthResult:
    """Compute `month` under `rules` (the version in force: `RuleBook.for_month(month)`).

    `results`: the month's counted results (approved, newest of each amendment chain), with
    the server's scores; `history`: the closed months before this one (see History);
    `adjustments`: lines from results that arrived late or were overturned after their
    month closed. Inputs that cannot be used (a result for an unknown outlet, a score out of
    range, a closed month after this one) are left out and said in `notes`.
    """
    r = rules.rules
    notes: list[Msg] = []
    listed: dict[str, OutletInfo] = {}
    for o in outlets:
        if o.code in listed:
            notes.append(Msg("programme.note.outlet_twice", {"code": o.code}))
            continue
        listed[o.code] = o
    past = History.of(history)
    later = [str(m) for m in past.months if m >= month]
    if later:
        notes.append(Msg("programme.note.later_history", {"months": ", ".join(sorted(later))}))
        past = History({m: v for m, v in past.months.items() if m < month})

    visits = _visits_by_outlet(results, listed, notes)
    perceived = _perception_by_outlet(perception, listed, notes)
    by_class_region: dict[tuple[str, str], list[CommissionBase]] = {}
    for b in bases:
        if b.covers(month):
            by_class_region.setdefault((b.outlet_class, b.region), []).append(b)

    components = r.composite.components.listed()
    composites: dict[str, Composite] = {
        code: compute_composite(r.composite, visits.get(code, ()), perceived.get(code, {}),
                                components)
        for code in listed
    }
    paid = {c: o for c, o in listed.items() if o.active and not o.competitor}
    scores = {c: composites[c].score for c in paid if composites[c].score is not None}
    unit_group = {c: (listed[c].family, listed[c].business_unit) for c in scores}
    province_group = {c: listed[c].family for c in scores}
    rank_unit, bottom_unit, size_unit = ranks_by_group(scores, unit_group)  # type: ignore[arg-type]
    rank_prov, _, size_prov = ranks_by_group(scores, province_group)  # type: ignore[arg-type]

    money: dict[str, _Money] = {
        c: _money(month, rules, o, composites[c].score,
                  by_class_region.get((o.outlet_class or "", o.region), ()))
        for c, o in paid.items()}
    closed_months = list(past.before(month))
    refunds: dict[str, RefundStatus] = {
        c: refund_status(c, month, composites[c].score, m.commission, m.staff_share, past,
                         r.refund, closed_months)
        for c, m in money.items()
    }
    current = PastMonth(month, rules.id, {
        c: PastOutlet(c, o.tier, o.family, o.business_unit, composites[c].score,
                      rank_unit.get(c), bottom_unit.get(c), rank_prov.get(c),
                      money[c].commission if c in money else None,
                      money[c].staff_share if c in money else None,
                      tuple(line.deducted_month for line in refunds[c].lines)
                      if c in refunds else ())
        for c, o in listed.items()
    })
    exits = exit_facts(month, r.exit, r.composite.decimals, current, paid, past)

    carried: dict[str, list[Adjustment]] = {}
    unmatched: list[Adjustment] = []
    for adj in adjustments:
        if adj.outlet_code in listed:
            carried.setdefault(adj.outlet_code, []).append(adj)
        else:
            unmatched.append(adj)
            notes.append(Msg("programme.note.adjustment_unknown_outlet",
                             {"code": adj.outlet_code, "amount": yuan(adj.amount_cents)}))

    out: dict[str, OutletMonth] = {}
    for code, o in listed.items():
        comp = composites[code]
        flags: list[Flag] = []
        if o.competitor:
            flags.append(Flag.COMPETITOR)
        if not o.active:
            flags.append(Flag.INACTIVE)
        if comp.score is None:
            flags.append(Flag.NOT_SCORED)
        if comp.short_of_evidence:
            flags.append(Flag.SHORT_OF_EVIDENCE)
        mine = visits.get(code, ())
        if any(v.veto_count or v.voided for v in mine):
            flags.append(Flag.VETO)
        m = money.get(code)
        refund = refunds.get(code, NO_REFUND)
        facts = exits.get(code)
        tier: TierCheck | None = None
        rew: RewardCheck | None = None
        if m is not None:
            flags.extend(m.flags)
            if refund.lines:
                flags.append(Flag.REFUND_DUE)
            tier = tier_move(o, month, r.tier_moves, current, past)
            rew = reward(o, month, r.area_manager_reward, current, past)
        if facts is not None and facts.candidate:
            flags.append(Flag.EXIT_CANDIDATE)
        move = tier.move if tier is not None else None
        if move is not None:
            flags.append(Flag.TIER_UP if move.direction == "up" else Flag.TIER_DOWN)
        found = rew.reward if rew is not None else None
        if found is not None:
            flags.append(Flag.REWARD)
        lines = tuple(carried.get(code, ()))
        if lines:
            flags.append(Flag.ADJUSTED)
        out[code] = OutletMonth(
            outlet=o, composite=comp.score, components=comp.components, visits=tuple(mine),
            rank_unit=rank_unit.get(code), rank_unit_size=size_unit.get(code, 0),
            rank_unit_bottom=bottom_unit.get(code), rank_province=rank_prov.get(code),
            rank_province_size=size_prov.get(code, 0),
            years=m.years.years if m else None, years_factor=m.years.value if m else None,
            payment_factor=m.payment.value if m and m.payment else None,
            base_cents=m.base.amount_cents if m else None,
            commission_cents=m.commission if m else None,
            staff_share_cents=m.staff_share if m else None, refund=refund, adjustments=lines,
            exit=facts, tier_move=move, reward=found, flags=tuple(flags),
            facts=OutletFacts(comp, m is not None, m.years if m else None,
                              m.payment if m else None, m.base if m else None,
                              r.staff_share if m else None, tier, rew))
    return MonthResult(month, rules.id, rules.content_hash, out, tuple(notes), tuple(unmatched))


# --- the steps ------------------------------------------------------------------------------


def _visits_by_outlet(results: Iterable[CountedVisit], listed: Mapping[str, OutletInfo],
                      notes: list[Msg]) -> dict[str, list[CountedVisit]]:
    out: dict[str, list[CountedVisit]] = {}
    unknown: dict[str, int] = {}
    seen: set[str] = set()
    for v in results:
        if v.uuid in seen:
            notes.append(Msg("programme.note.result_twice", {"uuid": v.uuid}))
            continue
        seen.add(v.uuid)
        if v.outlet_code not in listed:
            unknown[v.outlet_code] = unknown.get(v.outlet_code, 0) + 1
            continue
        if v.kind not in KINDS:
            notes.append(Msg("programme.note.unknown_kind", {"uuid": v.uuid, "kind": v.kind}))
            continue
        if v.score is not None and not _in_range(v.score):
            notes.append(Msg("programme.note.bad_score",
                             {"uuid": v.uuid, "score": str(v.score)}))
            continue
        out.setdefault(v.outlet_code, []).append(v)
    if unknown:
        notes.append(Msg("programme.note.unknown_outlet_results",
                         {"codes": ", ".join(sorted(unknown)),
                          "count": sum(unknown.values())}))
    return out


def _perception_by_outlet(perception: Iterable[PerceptionAggregate],
                          listed: Mapping[str, OutletInfo], notes: list[Msg]
                          ) -> dict[str, dict[str, PerceptionAggregate]]:
    out: dict[str, dict[str, PerceptionAggregate]] = {}
    unknown: set[str] = set()
    for p in perception:
        if p.outlet_code not in listed:
            unknown.add(p.outlet_code)
            continue
        if p.score is not None and not _in_range(p.score):
            notes.append(Msg("programme.note.bad_perception",
                             {"code": p.outlet_code, "score": str(p.score)}))
            continue
        mine = out.setdefault(p.outlet_code, {})
        if p.source in mine:
            notes.append(Msg("programme.note.perception_twice",
                             {"code": p.outlet_code, "source": p.source}))
            continue
        mine[p.source] = p
    if unknown:
        notes.append(Msg("programme.note.unknown_outlet_perception",
                         {"codes": ", ".join(sorted(unknown))}))
    return out


def _in_range(score: Decimal | float) -> bool:
    try:
        value = score if isinstance(score, Decimal) else Decimal(repr(float(score)))
    except (ValueError, TypeError):  # pragma: no cover - typed inputs
        return False
    return value.is_finite() and 0 <= value <= 100


@dataclass(frozen=True)
class _Money:
    years: YearsFactor
    base: BaseChoice
    payment: PaymentFactor | None
    commission: int | None
    staff_share: int | None
    flags: tuple[Flag, ...]


def _money(month: YearMonth, rules: RulesVersion, o: OutletInfo, score: Decimal | None,
           bases: Sequence[CommissionBase]) -> _Money:
    r = rules.rules
    flags: list[Flag] = []
    years = years_factor(r.cooperation_years, o.cooperation_start, month)
    if o.cooperation_start is None:
        flags.append(Flag.NO_COOPERATION_START)
    choice = find_base(bases, o.outlet_class, o.region, month)
    if o.outlet_class is None:
        flags.append(Flag.NO_CLASS)
    elif choice.ambiguous:
        flags.append(Flag.BASE_AMBIGUOUS)
    elif choice.amount_cents is None:
        flags.append(Flag.NO_BASE)
    if score is None:
        return _Money(years, choice, None, None, None, tuple(flags))
    pf = payment_factor(r.payment_factor, score)
    if choice.amount_cents is None:
        return _Money(years, choice, pf, None, None, tuple(flags))
    commission = commission_cents(choice.amount_cents, years.value, pf.value)
    if commission < 0:
        flags.append(Flag.DEDUCTION)
    return _Money(years, choice, pf, commission, staff_share_cents(commission, r.staff_share),
                  tuple(flags))


def _rank_whys(o: OutletInfo, score: Decimal | None, unit: int | None, unit_size: int,
               prov: int | None, prov_size: int) -> tuple[Why, Why]:
    family = Msg(FAMILY_KEY.get(o.family, "programme.family.agent_channel"))
    if o.competitor:
        no = Why("programme.why.rank.competitor", {})
        return no, no
    if not o.active:
        no = Why("programme.why.rank.inactive", {})
        return no, no
    if score is None or unit is None or prov is None:
        no = Why("programme.why.rank.not_scored", {})
        return no, no
    return (
        Why("programme.why.rank_unit", {"rank": unit, "size": unit_size,
                                        "unit": o.business_unit or "-", "family": family,
                                        "score": plain(score)}),
        Why("programme.why.rank_province", {"rank": prov, "size": prov_size,
                                            "family": family, "score": plain(score)}),
    )


FAMILY_KEY = {
    "agent_channel": "programme.family.agent_channel",
    "self_run_hall": "programme.family.self_run_hall",
}


# --- export ---------------------------------------------------------------------------------


def _num(value: Decimal | None) -> int | float | None:
    return None if value is None else to_number(value)


_FLOAT_NUMBER: dict[float, int | float] = {}  # a stored score -> its JSON number, once each


def _score_number(score: Decimal | float | None) -> int | float | None:
    if score is None:
        return None
    if isinstance(score, Decimal):
        return to_number(score)
    found = _FLOAT_NUMBER.get(score)
    if found is None:
        found = to_number(Decimal(repr(float(score))))
        if len(_FLOAT_NUMBER) < 100_000 and found == found:  # not NaN
            _FLOAT_NUMBER[score] = found
    return found


def _failed_row(f: FailedItem, shared: dict[int, tuple[FailedItem, dict[str, Any]]]
                ) -> dict[str, Any]:
    """A failed item's export dict, one per FailedItem object in one export (the close
    shares one object per checklist x item: a month lists the same items many times).
    The rows share these dicts: an export is read, not edited."""
    found = shared.get(id(f))
    if found is None or found[0] is not f:
        found = shared[id(f)] = (f, {"item": f.item_id, "section": f.section_id,
                                     "zh": f.label_zh, "en": f.label_en, "veto": f.veto})
    return found[1]


class _FailedTable:
    """The distinct failed items of one export (`failed_by_ref`), each at one position."""

    def __init__(self, shared: dict[int, tuple[FailedItem, dict[str, Any]]]) -> None:
        self.shared = shared
        self.items: list[dict[str, Any]] = []
        # id(FailedItem) -> position; `shared` holds every item met, so an id stays its own
        self._at: dict[int, int] = {}

    def refs(self, failed: Sequence[FailedItem]) -> list[int]:
        at = self._at
        try:
            return [at[id(f)] for f in failed]  # the month's items are met early
        except KeyError:
            for f in failed:
                if id(f) not in at:
                    self.items.append(_failed_row(f, self.shared))
                    at[id(f)] = len(self.items) - 1
            return [at[id(f)] for f in failed]


def expand_failed(rows: Iterable[dict[str, Any]], table: Sequence[dict[str, Any]] | None
                  ) -> None:
    """Put back, in place, the failed items an export made with `failed_by_ref` holds as
    positions in its `failed_items` (a row that holds them whole is left as it is)."""
    if not table:
        return
    for row in rows:
        for result in row.get("results") or ():
            failed = result.get("failed")
            if failed and type(failed[0]) is int:
                result["failed"] = [table[i] for i in failed]


def _money_text(cents: int | None) -> str | None:
    return None if cents is None else yuan(cents)


def _export_adjustment(a: Adjustment) -> dict[str, Any]:
    return {"outlet_code": a.outlet_code, "source_month": str(a.source_month),
            "amount": yuan(a.amount_cents), "reason": a.reason, "results": list(a.results),
            "note": a.note}


def _export_outlet(o: OutletMonth, explanations: bool,
                   shared: dict[int, tuple[FailedItem, dict[str, Any]]] | None = None,
                   table: _FailedTable | None = None) -> dict[str, Any]:
    if shared is None:
        shared = {}
    def failed_of(v: CountedVisit) -> list[Any]:
        if table is not None:
            return table.refs(v.failed)
        return [_failed_row(f, shared) for f in v.failed]
    info = o.outlet
    facts = o.exit
    base = o.facts.base
    row = {
        "outlet_code": info.code,
        "name": info.name,
        "tier": info.tier,
        "family": info.family,
        "business_unit": info.business_unit,
        "region": info.region,
        "outlet_class": info.outlet_class,
        "area_manager": info.area_manager,
        "competitor": info.competitor,
        "active": info.active,
        "composite": _num(o.composite),
        "components": {
            name: {"score": _num(c.score), "weight": to_number(c.weight),
                   "share": to_number(c.share), "counted": c.counted, "present": c.present,
                   "count": c.count}
            for name, c in o.components.items()
        },
        "results": [
            {"uuid": v.uuid, "kind": v.kind, "score": _score_number(v.score),
             "voided": v.voided, "veto_count": v.veto_count,
             "failed": failed_of(v)}
            for v in o.visits
        ],
        "rank_unit": o.rank_unit,
        "rank_unit_of": o.rank_unit_size or None,
        "rank_unit_bottom": o.rank_unit_bottom,
        "rank_province": o.rank_province,
        "rank_province_of": o.rank_province_size or None,
        "cooperation_start": (info.cooperation_start.isoformat()
                              if info.cooperation_start else None),
        "years": o.years,
        "years_factor": _num(o.years_factor),
        "payment_factor": _num(o.payment_factor),
        "payment_band": o.facts.payment.row if o.facts.payment else None,
        "base": _money_text(o.base_cents),
        "base_period": base.base.period if base is not None and base.base else None,
        "commission": _money_text(o.commission_cents),
        "staff_share": _money_text(o.staff_share_cents),
        "refund": yuan(o.refund_cents),
        "refund_lines": [
            {"deducted_month": str(line.deducted_month), "amount": yuan(line.amount_cents),
             "staff_share": yuan(line.staff_share_cents),
             "streak": [str(m) for m in line.streak]}
            for line in o.refund.lines
        ],
        "refund_pending": [{"deducted_month": str(d.month), "amount": yuan(d.amount_cents)}
                           for d in o.refund.pending],
        "refund_streak": o.refund.streak,
        "adjustments": [_export_adjustment(a) for a in o.adjustments],
        "adjustments_total": yuan(o.adjustments_cents),
        "payable": yuan(o.payable_cents),
        "exit_candidate": o.exit_candidate,
        "exit": None if facts is None else {
            "first": str(facts.first), "last": str(facts.last),
            "year_mean": _num(facts.year_mean), "scored_months": facts.scored_months,
            "year_bottom_rank": facts.year_bottom_rank, "year_ranked": facts.year_ranked,
            "unit_bottom_months": [str(m) for m in facts.unit_bottom_months]},
        "tier_move": o.tier_move.direction if o.tier_move else None,
        "tier_move_to": o.tier_move.to_tier if o.tier_move else None,
        "reward": None if o.reward is None else {
            "area_manager": o.reward.area_manager, "owner": o.reward.owner,
            "baseline_month": str(o.reward.baseline_month),
            "baseline_rank": o.reward.baseline_rank, "rank": o.reward.rank,
            "places": o.reward.places},
        "flags": [f.value for f in o.flags],
    }
    if explanations:
        row["why"] = {name: w.to_dict() for name, w in o.why.items()}
    return row


def past_month_from_export(doc: Mapping[str, Any]) -> PastMonth:
    """A frozen month (`MonthResult.to_export()`, as stored by the close) read back as the
    history the months after it need."""
    if doc.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not a {EXPORT_FORMAT} document: {doc.get('format')!r}")
    month = YearMonth.parse(str(doc["month"]))
    outlets = {}
    for row in doc["outlets"]:
        comp = row.get("composite")
        commission = row.get("commission")
        share = row.get("staff_share")
        outlets[row["outlet_code"]] = PastOutlet(
            code=row["outlet_code"], tier=row["tier"], family=row["family"],
            business_unit=row["business_unit"],
            composite=None if comp is None else Decimal(repr(comp)),
            rank_unit=row.get("rank_unit"), rank_unit_bottom=row.get("rank_unit_bottom"),
            rank_province=row.get("rank_province"),
            commission_cents=None if commission is None else parse_yuan(commission),
            staff_share_cents=None if share is None else parse_yuan(share),
            refunded=tuple(YearMonth.parse(line["deducted_month"])
                           for line in row.get("refund_lines", ())))
    return PastMonth(month, str(doc["rules"]["version"]), outlets)


def adjustment_lines(closed: PastMonth, recomputed: MonthResult, reason: AdjustmentReason,
                     results: Mapping[str, tuple[str, ...]] | None = None) -> list[Adjustment]:
    """The lines a closed month owes after results arrived late or were overturned: for each
    outlet whose commission differs when the closed month is computed again (same rules
    version, the changed results), the difference, to be carried into the next open month.
    The closed month itself is never edited; refunds, ranks and candidates of the closed
    month stay as frozen (the months after it read the frozen figures)."""
    if reason not in ADJUSTMENT_REASONS:
        raise ValueError(f"unknown adjustment reason: {reason!r}")
    lines = []
    for code, now in recomputed.outlets.items():
        before = closed.outlets.get(code)
        was = before.commission_cents or 0 if before is not None else 0
        diff = (now.commission_cents or 0) - was
        if diff:
            lines.append(Adjustment(code, closed.month, diff, reason,
                                    tuple((results or {}).get(code, ()))))
    return lines
