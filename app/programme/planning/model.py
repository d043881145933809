"""What the planners take and give back: plain frozen dataclasses, no I/O.

The central endpoint builds the inputs from its tables (outlets, shoppers, every covert
visit it knows of from every device, visits already planned, the closed ranking) and stores
the outputs (`to_dict` gives JSON-ready data, `from_dict` reads it back). Every choice and
every gap carries `Reason`s: a message key with parameters, rendered in the reader's
language by `Reason.text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Literal

from app.i18n import t
from app.programme.months import YearMonth
from app.programme.planning.timing import CHINA, OpeningHours, Window, parse_month

# -- reasons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A parameter that is itself a message (a weekday, a band, a priority class), so it is
    shown in the reader's language too."""

    key: str


Param = str | int | float | bool | Term


@dataclass(frozen=True)
class Reason:
    """Why: a message key and its parameters."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __hash__(self) -> int:  # so visits holding reasons can go in sets and dict keys
        return hash((self.key, tuple(sorted(self.params.items(), key=lambda kv: kv[0]))))

    def text(self, lang: str | None = None) -> str:
        values = {k: t(v.key, lang) if isinstance(v, Term) else v
                  for k, v in self.params.items()}
        return t(self.key, lang, **values)

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key,
                "params": {k: {"term": v.key} if isinstance(v, Term) else v
                           for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Reason:
        raw = data.get("params") or {}
        assert isinstance(raw, Mapping)
        params: dict[str, Param] = {}
        for k, v in raw.items():
            if isinstance(v, Mapping):
                params[str(k)] = Term(str(v["term"]))
            else:
                params[str(k)] = v
        return cls(str(data["key"]), params)


# -- outlets, shoppers and what is known -------------------------------------------------

HALL_TIERS = ("flagship", "level2", "level3")  # 自营厅
AGENT_TIERS = ("partner_operated", "exclusive", "agent", "village")  # 代办渠道
CITY_CLASSES = ("central", "county", "town", "village")
Family = Literal["hall", "agent"]

# The order in which covert visits get the shoppers when there are not enough of them
# (domain: "start with flagship and central-city halls, then down to county, town and agent
# outlets"). Index = priority class, lower first:
#   0 flagship halls (wherever they are)
#   1 other self-run halls in a central city
#   2 self-run halls in a county town
#   3 self-run halls in a town or village (or with no city class)
#   4 agent-channel outlets: partner-operated, exclusive and ordinary agents
#   5 village and community service stations
# Inside a class: own outlets before competitors' (their visits are for comparison), then
# by city class (central, county, town, village, none), then in the seed's random order.
# Every first visit of a class comes before the second visits of that class, and a class
# is planned whole (all its visits) before the next class starts.
PRIORITY_KEYS = ("planning.priority.flagship", "planning.priority.central_hall",
                 "planning.priority.county_hall", "planning.priority.town_hall",
                 "planning.priority.agent", "planning.priority.village")
MAX_VISITS_PER_MONTH = 4

COVERT_KIND = "mystery_shop"  # the checklist kind a covert visit's result has
COACHING_KIND = "open_inspection"  # the checklist kind of an area manager's visit


@dataclass(frozen=True)
class Outlet:
    """An outlet to shop covertly (ours or a competitor's)."""

    code: str
    tier: str
    hours: OpeningHours
    region: str = ""
    city_class: str | None = None  # central | county | town | village | None (unknown)
    family: Family | None = None  # None: from the tier (HALL_TIERS / AGENT_TIERS)
    priority: int | None = None  # an explicit priority class (0..5) instead of the derived
    visits_per_month: int | None = None  # None: the rules (1; important 2)
    important: bool = False
    high_traffic: bool = False
    competitor: bool = False
    every_months: int = 1  # a visit every N months (competitors at their own frequency)
    closed_dates: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Shopper:
    """A mystery shopper of the pool."""

    id: str
    home_region: str
    regions: frozenset[str] = frozenset()  # further regions they travel to
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday
    dates: frozenset[date] = frozenset()  # further available dates
    unavailable: frozenset[date] = frozenset()
    max_per_day: int = 2
    excluded: frozenset[str] = frozenset()  # outlets where they are known

    def available(self, day: date) -> bool:
        return ((day.weekday() in self.weekdays or day in self.dates)
                and day not in self.unavailable)

    def covers(self, region: str) -> bool:
        return region == self.home_region or region in self.regions


@dataclass(frozen=True)
class KnownVisit:
    """A covert visit the server knows of: made (from any device) or planned in another plan.
    A planned one may happen any time from `at` to `until` (its window)."""

    shopper: str
    outlet: str
    at: datetime
    until: datetime | None = None
    source: str = ""  # the device or plan it comes from, for the reason text

    @property
    def end(self) -> datetime:
        return self.until if self.until is not None else self.at


@dataclass(frozen=True)
class CovertRules:
    """The settings of the covert plan (programme.yaml)."""

    default_visits: int = 1
    important_visits: int = 2  # important or high-traffic outlets, at most 4
    window_minutes: int = 120
    step_minutes: int = 15  # windows start on this grid
    recent_visits: int = 3  # the outlet's last known visits whose weekday and band to avoid


@dataclass(frozen=True)
class CovertInputs:
    month: YearMonth
    outlets: Sequence[Outlet]
    shoppers: Sequence[Shopper]
    history: Sequence[KnownVisit] = ()
    seed: int = 0
    rules: CovertRules = CovertRules()
    tz: tzinfo = CHINA


# -- the covert plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class CovertVisit:
    """One mystery shop: who, where, which day, when in the day, and why."""

    id: str
    outlet: str
    shopper: str
    day: date
    window: Window
    priority: int
    reasons: tuple[Reason, ...] = ()

    kind = COVERT_KIND
    flagged = False  # no covert visit is flagged first when missed

    @property
    def person(self) -> str:
        return self.shopper

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "outlet": self.outlet, "shopper": self.shopper,
                "day": self.day.isoformat(), "window": str(self.window),
                "priority": self.priority, "reasons": [r.to_dict() for r in self.reasons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CovertVisit:
        return cls(str(data["id"]), str(data["outlet"]), str(data["shopper"]),
                   date.fromisoformat(str(data["day"])), Window.parse(str(data["window"])),
                   _int(data["priority"]), _reasons(data.get("reasons")))


@dataclass(frozen=True)
class CovertShortfall:
    """Visits an outlet should have had this month and did not get, and why."""

    outlet: str
    wanted: int
    missing: int
    priority: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, object]:
        return {"outlet": self.outlet, "wanted": self.wanted, "missing": self.missing,
                "priority": self.priority, "reasons": [r.to_dict() for r in self.reasons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CovertShortfall:
        return cls(str(data["outlet"]), _int(data["wanted"]), _int(data["missing"]),
                   _int(data["priority"]), _reasons(data.get("reasons")))


@dataclass(frozen=True)
class NotDue:
    """An outlet with no visit wanted this month, and why (its frequency, visits known)."""

    outlet: str
    reason: Reason

    def to_dict(self) -> dict[str, object]:
        return {"outlet": self.outlet, "reason": self.reason.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> NotDue:
        return cls(str(data["outlet"]), _reason(data["reason"]))


@dataclass(frozen=True)
class PlanStats:
    wanted: int  # visits wanted this month
    planned: int
    outlets_due: int
    outlets_covered: int  # every wanted visit planned
    important_due: int  # important outlets: marked important or high-traffic, or > 1 visit
    important_covered: int
    by_priority: tuple[tuple[int, int], ...]  # (wanted, planned) per priority class
    pairs_considered: int  # (shopper, outlet) pairs whose rotation the planner looked up
    repaired: int  # visits planned by moving another visit to a different shopper

    def to_dict(self) -> dict[str, object]:
        return {**{k: getattr(self, k) for k in _STAT_FIELDS},
                "by_priority": [list(p) for p in self.by_priority]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PlanStats:
        pairs = data.get("by_priority") or []
        assert isinstance(pairs, list)
        return cls(**{k: _int(data.get(k, 0)) for k in _STAT_FIELDS},
                   by_priority=tuple((_int(a), _int(b)) for a, b in pairs))


_STAT_FIELDS = ("wanted", "planned", "outlets_due", "outlets_covered", "important_due",
                "important_covered", "pairs_considered", "repaired")


@dataclass(frozen=True)
class CovertPlan:
    month: YearMonth
    seed: int
    visits: tuple[CovertVisit, ...]
    shortfall: tuple[CovertShortfall, ...]
    not_due: tuple[NotDue, ...]
    stats: PlanStats

    def visit(self, visit_id: str) -> CovertVisit | None:
        return next((v for v in self.visits if v.id == visit_id), None)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: what the server stores with the plan (with the seed, so the same
        plan can be made again from the same inputs)."""
        return {"month": str(self.month), "seed": self.seed,
                "visits": [v.to_dict() for v in self.visits],
                "shortfall": [s.to_dict() for s in self.shortfall],
                "not_due": [n.to_dict() for n in self.not_due],
                "stats": self.stats.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CovertPlan:
        return cls(parse_month(str(data["month"])), _int(data["seed"]),
                   tuple(CovertVisit.from_dict(v) for v in _list(data.get("visits"))),
                   tuple(CovertShortfall.from_dict(s) for s in _list(data.get("shortfall"))),
                   tuple(NotDue.from_dict(n) for n in _list(data.get("not_due"))),
                   PlanStats.from_dict(_map(data.get("stats") or {})))


# -- coaching ----------------------------------------------------------------------------

Cadence = Literal["bottom", "class_a", "fortnightly"]
CADENCE_KEYS: dict[str, str] = {
    "bottom": "planning.cadence.bottom",
    "class_a": "planning.cadence.class_a",
    "fortnightly": "planning.cadence.fortnightly",
}


@dataclass(frozen=True)
class CoachingOutlet:
    """An outlet an area manager coaches, with its place in the ranking month."""

    code: str
    manager: str  # the area manager (片区经理) responsible
    business_unit: str
    unit_rank: int | None = None  # rank in its business unit (1 = best); None = not ranked
    outlet_class: str | None = None  # A | B | C


@dataclass(frozen=True)
class Manager:
    id: str
    max_per_day: int = 4
    unavailable: frozenset[date] = frozenset()  # leave, training


@dataclass(frozen=True)
class CoachingInputs:
    month: YearMonth
    ranking_month: YearMonth  # the latest closed month (the caller finds it)
    outlets: Sequence[CoachingOutlet]
    managers: Sequence[Manager]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days that are working days (调休)
    bottom_n: int = 10


@dataclass(frozen=True)
class CoachingVisit:
    id: str
    outlet: str
    manager: str
    day: date
    cadence: Cadence
    period: int  # the week (or fortnight) of the month it counts for, from 1
    reasons: tuple[Reason, ...] = ()

    kind = COACHING_KIND
    window: Window | None = None  # coaching visits are announced: the whole working day

    @property
    def person(self) -> str:
        return self.manager

    @property
    def flagged(self) -> bool:
        """A visit to one of the bottom outlets: missed ones are shown first."""
        return self.cadence == "bottom"

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "outlet": self.outlet, "manager": self.manager,
                "day": self.day.isoformat(), "cadence": self.cadence, "period": self.period,
                "reasons": [r.to_dict() for r in self.reasons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CoachingVisit:
        cadence = str(data["cadence"])
        assert cadence in CADENCE_KEYS
        return cls(str(data["id"]), str(data["outlet"]), str(data["manager"]),
                   date.fromisoformat(str(data["day"])), cadence,  # type: ignore[arg-type]
                   _int(data["period"]), _reasons(data.get("reasons")))


@dataclass(frozen=True)
class CoachingTarget:
    """What the rule asks for one outlet this month."""

    outlet: str
    manager: str
    cadence: Cadence
    required: int
    reason: Reason


@dataclass(frozen=True)
class CoachingShortfall:
    outlet: str
    manager: str
    period: int
    missing: int
    reason: Reason


@dataclass(frozen=True)
class CoachingPlan:
    month: YearMonth
    ranking_month: YearMonth
    note: Reason | None  # set when the ranking used is not last month's (not closed yet)
    targets: tuple[CoachingTarget, ...]
    visits: tuple[CoachingVisit, ...]
    shortfall: tuple[CoachingShortfall, ...]

    def to_dict(self) -> dict[str, object]:
        return {"month": str(self.month), "ranking_month": str(self.ranking_month),
                "note": self.note.to_dict() if self.note else None,
                "targets": [{"outlet": t.outlet, "manager": t.manager, "cadence": t.cadence,
                             "required": t.required, "reason": t.reason.to_dict()}
                            for t in self.targets],
                "visits": [v.to_dict() for v in self.visits],
                "shortfall": [{"outlet": s.outlet, "manager": s.manager, "period": s.period,
                               "missing": s.missing, "reason": s.reason.to_dict()}
                              for s in self.shortfall]}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CoachingPlan:
        note = data.get("note")
        return cls(
            parse_month(str(data["month"])), parse_month(str(data["ranking_month"])),
            _reason(note) if note else None,
            tuple(CoachingTarget(str(t["outlet"]), str(t["manager"]),
                                 str(t["cadence"]),  # type: ignore[arg-type]
                                 _int(t["required"]), _reason(t["reason"]))
                  for t in map(_map, _list(data.get("targets")))),
            tuple(CoachingVisit.from_dict(v) for v in _list(data.get("visits"))),
            tuple(CoachingShortfall(str(s["outlet"]), str(s["manager"]), _int(s["period"]),
                                    _int(s["missing"]), _reason(s["reason"]))
                  for s in map(_map, _list(data.get("shortfall")))))


# -- plan against what happened -----------------------------------------------------------

State = Literal["planned", "done", "late", "missed"]
STATES: tuple[State, ...] = ("planned", "done", "late", "missed")
Timing = Literal["in_window", "on_day", "early", "late"]


@dataclass(frozen=True)
class ArrivedResult:
    """A finalised result the server has received."""

    outlet: str
    inspector: str
    kind: str
    finalized_at: datetime
    uuid: str = ""


@dataclass(frozen=True)
class VisitStatus:
    visit_id: str
    outlet: str
    person: str
    day: date
    kind: str
    flagged: bool
    state: State
    timing: Timing | None = None  # how a matched result fell against the plan
    result: str | None = None  # the matched result's uuid
    finalized_at: datetime | None = None


@dataclass(frozen=True)
class StatusCounts:
    planned: int = 0
    done: int = 0
    late: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.planned + self.done + self.late + self.missed


@dataclass(frozen=True)
class PlanStatus:
    visits: tuple[VisitStatus, ...]  # in plan order
    attention: tuple[VisitStatus, ...]  # missed bottom-outlet coaching first, missed, late
    totals: StatusCounts
    by_outlet: Mapping[str, StatusCounts]
    by_person: Mapping[str, StatusCounts]  # shopper or area manager
    by_manager: Mapping[str, StatusCounts]  # the outlets' area managers


def _int(value: object) -> int:
    return int(str(value))


def _list(value: object) -> list[Mapping[str, object]]:
    assert isinstance(value, list | tuple | type(None))
    return [_map(v) for v in value or ()]


def _map(value: object) -> Mapping[str, object]:
    assert isinstance(value, Mapping)
    return value


def _reason(value: object) -> Reason:
    return Reason.from_dict(_map(value))


def _reasons(value: object) -> tuple[Reason, ...]:
    return tuple(Reason.from_dict(r) for r in _list(value))


def hours_text(hours: OpeningHours, weekday: int) -> str:
    """'09:00-12:00, 14:00-18:00' for a refusal's text."""
    return ", ".join(f"{s.open:%H:%M}-{s.close:%H:%M}" for s in hours.on(weekday)) or "—"


__all__ = [
    "AGENT_TIERS", "CADENCE_KEYS", "CITY_CLASSES", "COACHING_KIND", "COVERT_KIND",
    "HALL_TIERS", "MAX_VISITS_PER_MONTH", "PRIORITY_KEYS", "STATES", "ArrivedResult",
    "Cadence", "CoachingInputs", "CoachingOutlet", "CoachingPlan", "CoachingShortfall",
    "CoachingTarget", "CoachingVisit", "CovertInputs", "CovertPlan", "CovertRules",
    "CovertShortfall", "CovertVisit", "Family", "KnownVisit", "Manager", "NotDue",
    "Outlet", "PlanStats", "PlanStatus", "Reason", "Shopper", "State", "StatusCounts",
    "Term", "Timing", "VisitStatus",
]
