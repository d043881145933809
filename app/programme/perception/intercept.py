"""Intercept surveys (拦截调查): customers stopped at the door right after their business
rate, per SERVQUAL dimension, what they expected and what they got (scale 1..7).

Per hall and period: the responses, and only when there are at least 30 (the domain's
minimum; settings.InterceptRules.min_responses) the figures: per dimension the mean
expectation, the mean perception, the gap (perception minus expectation, averaged over the
responses that gave both) and the importance (the dimension's share of what customers
care about). A hall below the minimum carries its count and `sufficient=False` and no
figure at all, so nothing downstream can compare it.

Importance (settings `importance`): "expectation" (default) takes each dimension's mean
expectation above the bottom of the scale as its weight (a dimension everyone expects
nothing of weighs nothing), normalised to shares summing to 1; "derived" takes how
strongly the dimension's perception moves with the record's overall rating (Spearman,
negative as 0) and falls back to expectation where records carry no overall rating.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.errors import UserError
from app.i18n import t
from app.programme.inputs import PerceptionAggregate, parse_period
from app.programme.months import YearMonth
from app.programme.perception.settings import ImportanceMethod, InterceptRules
from app.programme.perception.stats import spearman

_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
DIMENSION_KEYS: Mapping[str, str] = {
    "proactiveness": "perception.dimension.proactiveness",
    "customer_orientation": "perception.dimension.customer_orientation",
    "attitude": "perception.dimension.attitude",
    "appearance": "perception.dimension.appearance",
    "staff_competence": "perception.dimension.staff_competence",
    "service_display": "perception.dimension.service_display",
    "process": "perception.dimension.process",
    "floor_management": "perception.dimension.floor_management",
    "environment": "perception.dimension.environment",
    "facilities": "perception.dimension.facilities",
    "efficiency": "perception.dimension.efficiency",
    "problem_solving": "perception.dimension.problem_solving",
}
IMPORTANCE_KEYS: Mapping[str, str] = {
    "expectation": "perception.importance.expectation",
    "derived": "perception.importance.derived",
}


def dimension_name(dimension: str, lang: str | None = None) -> str:
    """A dimension in the reader's language (a configured one without a message: its id)."""
    key = DIMENSION_KEYS.get(dimension)
    return t(key, lang) if key is not None else dimension


@dataclass(frozen=True)
class InterceptResponse:
    """One customer's record, as the app stores it (answers on the settings' scale)."""

    outlet: str
    on: date
    expectation: Mapping[str, int] = field(default_factory=dict)
    perception: Mapping[str, int] = field(default_factory=dict)
    overall: int | None = None  # an optional overall rating (for derived importance)
    uuid: str = ""


@dataclass(frozen=True)
class ResponseProblem:
    part: str  # expectation | perception | overall
    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def check_response(response: InterceptResponse, rules: InterceptRules | None = None
                   ) -> list[ResponseProblem]:
    """What is wrong with a record (the server refuses it with these, nothing stored):
    unknown dimensions, answers off the scale, no perception at all."""
    rules = rules or InterceptRules()
    low, high = rules.scale_min, rules.scale_max
    known = set(rules.dimensions)
    problems: list[ResponseProblem] = []
    for part, answers in (("expectation", response.expectation),
                          ("perception", response.perception)):
        for dim, given in answers.items():
            value: object = given  # as the app sent it, not yet known to be a number
            if dim not in known:
                problems.append(ResponseProblem(part, "perception.intercept.unknown_dimension",
                                                {"dimension": dim,
                                                 "dimensions": ", ".join(rules.dimensions)}))
            elif isinstance(value, bool) or not isinstance(value, int) or not (
                    low <= value <= high):  # a bool is an int to Python, not a rating
                problems.append(ResponseProblem(part, "perception.intercept.off_scale",
                                                {"dimension": dim, "value": str(value),
                                                 "low": low, "high": high}))
    if response.overall is not None and not low <= response.overall <= high:
        problems.append(ResponseProblem("overall", "perception.intercept.off_scale",
                                        {"dimension": "overall",
                                         "value": str(response.overall),
                                         "low": low, "high": high}))
    if not response.perception:
        problems.append(ResponseProblem("perception", "perception.intercept.empty"))
    return problems


@dataclass(frozen=True)
class Period:
    """The days a hall's responses are pooled over: a month, a quarter or a half-year."""

    first: date
    last: date
    label: str

    @classmethod
    def month(cls, month: YearMonth) -> Period:
        return cls(month.first_day, month.last_day, str(month))

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2025-06', '2025-Q2' or '2025-H1'."""
        match = _MONTH.fullmatch(text)
        try:
            if match is not None:
                return cls.month(YearMonth(int(match.group(1)), int(match.group(2))))
            first, last = parse_period(text)
        except ValueError:
            raise UserError("perception.intercept.period", value=text) from None
        return cls(first.first_day, last.last_day, text.strip().upper())

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class DimensionFigure:
    dimension: str
    expectation: float | None  # mean, on the scale
    perception: float | None
    gap: float | None  # mean of perception - expectation over responses with both
    importance: float | None  # share of what customers care about (sums to 1)
    n: int  # responses with a perception on this dimension


@dataclass(frozen=True)
class HallPerception:
    outlet: str
    period: str
    responses: int
    needed: int
    sufficient: bool
    dimensions: tuple[DimensionFigure, ...] = ()  # empty when insufficient
    perception: float | None = None  # mean of the dimensions' perception means, on the scale
    perception_100: float | None = None  # the same on 0..100 (the month close's score)
    gap: float | None = None  # mean of the dimensions' gaps
    weighted_gap: float | None = None  # the gaps weighted by importance (SERVQUAL)
    importance_source: ImportanceMethod | None = None

    def dimension(self, dim: str) -> DimensionFigure | None:
        return next((d for d in self.dimensions if d.dimension == dim), None)

    def coverage(self, lang: str | None = None) -> str:
        """'28 of 30' in words when insufficient (the coverage page's note), else ''."""
        if self.sufficient:
            return ""
        return t("perception.intercept.insufficient", lang, count=self.responses,
                 needed=self.needed)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def importance(responses: Iterable[InterceptResponse], rules: InterceptRules | None = None
               ) -> tuple[dict[str, float], ImportanceMethod | None]:
    """Each dimension's share of what customers care about, pooled over `responses`, and
    the method that gave it (None when nothing could)."""
    rules = rules or InterceptRules()
    pool = list(responses)
    if rules.importance == "derived":
        derived = _derived(pool, rules)
        if derived:
            return derived, "derived"
    weights: dict[str, float] = {}
    for dim in rules.dimensions:
        mean = _mean([r.expectation[dim] for r in pool if dim in r.expectation])
        if mean is not None:
            weights[dim] = max(0.0, mean - rules.scale_min)
    total = sum(weights.values())
    if not total:
        return {}, None
    return {dim: w / total for dim, w in weights.items()}, "expectation"


def _derived(pool: list[InterceptResponse], rules: InterceptRules) -> dict[str, float]:
    weights: dict[str, float] = {}
    for dim in rules.dimensions:
        pairs = [(r.perception[dim], r.overall) for r in pool
                 if dim in r.perception and r.overall is not None]
        if len(pairs) >= 3:
            rho = spearman([float(p) for p, _ in pairs], [float(o) for _, o in pairs])
            weights[dim] = max(0.0, rho or 0.0)
    total = sum(weights.values())
    return {dim: w / total for dim, w in weights.items()} if total else {}


def hall_perception(outlet: str, responses: Sequence[InterceptResponse], period: Period,
                    rules: InterceptRules | None = None) -> HallPerception:
    """One hall's figures for the period (the responses already of that hall and period)."""
    rules = rules or InterceptRules()
    n = len(responses)
    if n < rules.min_responses:
        return HallPerception(outlet, period.label, n, rules.min_responses, False)
    shares, source = importance(responses, rules)
    figures: list[DimensionFigure] = []
    for dim in rules.dimensions:
        e = [float(r.expectation[dim]) for r in responses if dim in r.expectation]
        p = [float(r.perception[dim]) for r in responses if dim in r.perception]
        g = [float(r.perception[dim] - r.expectation[dim]) for r in responses
             if dim in r.perception and dim in r.expectation]
        if not e and not p:
            continue
        figures.append(DimensionFigure(dim, _mean(e), _mean(p), _mean(g), shares.get(dim),
                                       len(p)))
    perceived = [f.perception for f in figures if f.perception is not None]
    gaps = [f.gap for f in figures if f.gap is not None]
    weighted = [(f.importance, f.gap) for f in figures
                if f.importance is not None and f.gap is not None]
    weight_sum = sum(w for w, _ in weighted)
    mean_p = _mean(perceived)
    return HallPerception(
        outlet, period.label, n, rules.min_responses, True, tuple(figures), mean_p,
        None if mean_p is None else rules.to_100(mean_p), _mean(gaps),
        sum(w * g for w, g in weighted) / weight_sum if weight_sum else None, source)


def aggregate(responses: Iterable[InterceptResponse], period: Period,
              rules: InterceptRules | None = None,
              halls: Iterable[str] = ()) -> list[HallPerception]:
    """Every hall's figures for the period, by outlet code: those with responses in the
    period and those named in `halls` (listed with 0 responses: coverage shows the gap).
    A record's uuid is counted once however often it is passed."""
    rules = rules or InterceptRules()
    by_hall: dict[str, list[InterceptResponse]] = {code: [] for code in halls}
    seen: set[str] = set()
    for r in responses:
        if r.uuid:  # one record per customer: a record that arrived twice counts once
            if r.uuid in seen:
                continue
            seen.add(r.uuid)
        if r.on in period:
            by_hall.setdefault(r.outlet, []).append(r)
    return [hall_perception(code, group, period, rules)
            for code, group in sorted(by_hall.items())]


def intercept_aggregates(halls: Iterable[HallPerception]) -> list[PerceptionAggregate]:
    """The halls' figures as the month close takes them (source intercept, 0..100); an
    insufficient hall is passed with no score and sufficient=False."""
    return [PerceptionAggregate(h.outlet, "intercept",
                                None if h.perception_100 is None else round(h.perception_100, 2),
                                h.responses, h.sufficient)
            for h in halls]
