"""Do the inspections measure what customers feel? (domain, "Scoring rules": the known
failure is heavy items customers ignore.)

For a month and a tier:
- rank correlation (Spearman, ties as mid-ranks) across the tier's own outlets between the
  inspection composite and SMS satisfaction, and between the composite and intercept
  perception, each with the number of outlets behind it (none below `min_outlets`);
- the outlets where they disagree most: the largest difference between an outlet's place
  among the outlets by composite and by the customer figure (places as 0..1, so 1.0 is
  "best by the inspectors, worst by the customers" or the reverse);
- per checklist section, its share of the weight against customers' importance of the
  dimensions it covers (settings.DEFAULT_SECTION_DIMENSIONS; a dimension covered by
  several sections is split between them), naming the heavy sections customers ignore and
  the light ones they care about, with a suggested weight a manager may copy into
  checklists.yaml. Nothing here changes a weight.

Competitors are never in these figures (they are compared in competitors.py only).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.i18n import t
from app.programme.months import YearMonth
from app.programme.perception.intercept import HallPerception, InterceptResponse, importance
from app.programme.perception.replies import Satisfaction
from app.programme.perception.settings import (
    AlignmentRules,
    ImportanceMethod,
    InterceptRules,
    PerceptionSettings,
)
from app.programme.perception.stats import ranks, spearman

__all__ = ["AlignmentReport", "Correlation", "Disagreement", "OutletFigures",
           "SectionAlignment", "align", "outlet_figures", "section_alignment", "spearman",
           "yaml_hint"]

Measure = Literal["sms", "intercept"]
MEASURES: tuple[Measure, ...] = ("sms", "intercept")
Verdict = Literal["heavy_ignored", "light_cared", "in_line", "not_compared"]
VERDICT_KEYS: Mapping[str, str] = {
    "heavy_ignored": "perception.alignment.heavy_ignored",
    "light_cared": "perception.alignment.light_cared",
    "in_line": "perception.alignment.in_line",
    "not_compared": "perception.alignment.not_compared",
}


@dataclass(frozen=True)
class OutletFigures:
    """One outlet's month: its inspection composite and its customers' figures (0..100;
    None where there is no sufficient figure)."""

    code: str
    tier: str
    composite: float | None
    sms: float | None = None
    sms_replies: int = 0
    intercept: float | None = None
    intercept_responses: int = 0
    competitor: bool = False

    def measure(self, which: Measure) -> float | None:
        return self.sms if which == "sms" else self.intercept


def outlet_figures(outlets: Iterable[tuple[str, str, bool]],
                   composites: Mapping[str, float | None], month: YearMonth, *,
                   sms: Iterable[Satisfaction] = (),
                   halls: Iterable[HallPerception] = ()) -> list[OutletFigures]:
    """Put the month's figures side by side: `outlets` as (code, tier, competitor),
    `sms` the satisfaction report's outlet rows, `halls` the intercept figures of the
    period. Insufficient figures are left out (None), so they are never compared."""
    by_sms = {s.outlet: s for s in sms if s.month == month and not s.staff}
    by_hall = {h.outlet: h for h in halls}
    out = []
    for code, tier, competitor in outlets:
        s, h = by_sms.get(code), by_hall.get(code)
        out.append(OutletFigures(
            code, tier, composites.get(code),
            s.score if s is not None and s.sufficient else None,
            s.replies if s is not None else 0,
            h.perception_100 if h is not None and h.sufficient else None,
            h.responses if h is not None else 0, competitor))
    return out


@dataclass(frozen=True)
class Correlation:
    measure: Measure
    rho: float | None  # None: fewer than `needed` outlets, or a figure that does not vary
    n: int  # outlets with both figures
    needed: int
    outlets: tuple[str, ...] = ()

    def text(self, lang: str | None = None) -> str:
        name = t(MEASURE_KEYS[self.measure], lang)
        if self.rho is None:
            return t("perception.alignment.no_correlation", lang, measure=name, n=self.n,
                     needed=self.needed)
        return t("perception.alignment.correlation", lang, measure=name,
                 rho=f"{self.rho:.2f}", n=self.n)


MEASURE_KEYS: Mapping[str, str] = {"sms": "perception.measure.sms",
                                   "intercept": "perception.measure.intercept"}


@dataclass(frozen=True)
class Disagreement:
    code: str
    measure: Measure
    composite: float
    customer: float
    composite_place: float  # 0 = lowest of the outlets, 1 = highest
    customer_place: float

    @property
    def difference(self) -> float:
        """> 0: the inspectors rate it higher than its customers do."""
        return self.composite_place - self.customer_place


@dataclass(frozen=True)
class SectionAlignment:
    section_id: str
    weight: float
    dimensions: tuple[str, ...]
    weight_share: float | None  # of the compared sections' weight
    importance_share: float | None
    verdict: Verdict
    suggested_weight: float | None = None  # never applied

    def text(self, lang: str | None = None) -> str:
        return t(VERDICT_KEYS[self.verdict], lang, section=self.section_id,
                 weight=_pct(self.weight_share), importance=_pct(self.importance_share))


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.0f}%"


@dataclass
class AlignmentReport:
    month: YearMonth
    tier: str
    correlations: list[Correlation] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    sections: list[SectionAlignment] = field(default_factory=list)
    importance: dict[str, float] = field(default_factory=dict)
    importance_source: ImportanceMethod | None = None
    importance_responses: int = 0  # intercept responses the importance is pooled from
    importance_needed: int = 0

    def correlation(self, measure: Measure) -> Correlation:
        return next(c for c in self.correlations if c.measure == measure)


def _places(values: Sequence[float]) -> list[float]:
    if len(values) == 1:
        return [0.5]
    return [(r - 1) / (len(values) - 1) for r in ranks(values)]


def correlate(outlets: Sequence[OutletFigures], measure: Measure, rules: AlignmentRules
              ) -> tuple[Correlation, list[Disagreement]]:
    both: list[tuple[str, float, float]] = []
    for o in outlets:
        customer = o.measure(measure)
        if o.composite is not None and customer is not None:
            both.append((o.code, float(o.composite), float(customer)))
    both.sort()
    codes = tuple(code for code, _, _ in both)
    xs = [c for _, c, _ in both]
    ys = [m for _, _, m in both]
    rho = spearman(xs, ys) if len(both) >= rules.min_outlets else None
    corr = Correlation(measure, rho, len(both), rules.min_outlets, codes)
    if len(both) < rules.min_outlets:
        return corr, []
    px, py = _places(xs), _places(ys)
    found = [Disagreement(code, measure, x, y, a, b)
             for code, x, y, a, b in zip(codes, xs, ys, px, py, strict=True)]
    found.sort(key=lambda d: (-abs(d.difference), d.code))
    return corr, found[:rules.disagreeing]


def section_alignment(section_weights: Mapping[str, float], shares: Mapping[str, float],
                      rules: AlignmentRules | None = None) -> list[SectionAlignment]:
    """Each section's weight share against its customer-importance share (see the module
    docstring), in the order given. `shares`: dimension -> importance share."""
    rules = rules or AlignmentRules()
    mapped = {s: tuple(d for d in rules.section_dimensions.get(s, ()) if d in shares)
              for s in section_weights}
    compared = [s for s, dims in mapped.items() if dims]
    covering: dict[str, int] = {}
    for s in compared:
        for d in mapped[s]:
            covering[d] = covering.get(d, 0) + 1
    cared = {s: sum(shares[d] / covering[d] for d in mapped[s]) for s in compared}
    total_cared = sum(cared.values())
    total_weight = sum(section_weights[s] for s in compared)
    if not compared or total_cared <= 0 or total_weight <= 0:
        return [SectionAlignment(s, w, tuple(rules.section_dimensions.get(s, ())), None, None,
                                 "not_compared") for s, w in section_weights.items()]
    weight_share = {s: section_weights[s] / total_weight for s in compared}
    importance_share = {s: cared[s] / total_cared for s in compared}
    raw = {s: total_weight * ((1 - rules.blend) * weight_share[s]
                              + rules.blend * importance_share[s]) for s in compared}
    suggested = _round_keeping_total(raw, total_weight, rules.step)
    out = []
    for s, w in section_weights.items():
        if s not in weight_share:
            out.append(SectionAlignment(s, w, tuple(rules.section_dimensions.get(s, ())),
                                        None, None, "not_compared"))
            continue
        diff = weight_share[s] - importance_share[s]
        verdict: Verdict = ("heavy_ignored" if diff >= rules.threshold - 1e-12 else
                            "light_cared" if -diff >= rules.threshold - 1e-12 else "in_line")
        out.append(SectionAlignment(s, w, mapped[s], weight_share[s], importance_share[s],
                                    verdict, suggested[s]))
    return out


def _round_keeping_total(raw: Mapping[str, float], total: float, step: float
                         ) -> dict[str, float]:
    """Round to multiples of `step` so the rounded weights add up to the same total
    (largest remainders get the spare steps)."""
    units = {s: v / step for s, v in raw.items()}
    floors = {s: math.floor(u + 1e-9) for s, u in units.items()}
    spare = round(total / step) - sum(floors.values())
    order = sorted(units, key=lambda s: (-(units[s] - floors[s]), s))
    for s in order[:max(0, spare)]:
        floors[s] += 1
    return {s: floors[s] * step for s in raw}


def align(month: YearMonth, tier: str, outlets: Iterable[OutletFigures], *,
          section_weights: Mapping[str, float],
          responses: Iterable[InterceptResponse] = (),
          settings: PerceptionSettings | None = None) -> AlignmentReport:
    """The month's alignment for one tier. `outlets`: every outlet's figures (other tiers
    and competitors are left out here); `section_weights`: section id -> weight of the
    checklist the tier's composite is built on (resolved for the tier and phase);
    `responses`: the intercept responses of the tier's halls, pooled for importance."""
    settings = settings or PerceptionSettings()
    rules: AlignmentRules = settings.alignment
    intercept: InterceptRules = settings.intercept
    mine = [o for o in outlets if o.tier == tier and not o.competitor]
    report = AlignmentReport(month, tier, importance_needed=intercept.min_responses)
    for measure in MEASURES:
        corr, worst = correlate(mine, measure, rules)
        report.correlations.append(corr)
        report.disagreements.extend(worst)
    pool = list(responses)
    report.importance_responses = len(pool)
    if len(pool) >= intercept.min_responses:
        report.importance, report.importance_source = importance(pool, intercept)
        report.sections = section_alignment(section_weights, report.importance, rules)
    else:
        report.sections = [SectionAlignment(s, w, tuple(rules.section_dimensions.get(s, ())),
                                            None, None, "not_compared")
                           for s, w in section_weights.items()]
    return report


def yaml_hint(report: AlignmentReport, lang: str | None = None) -> str:
    """The suggested weights as lines a manager may copy into the sections of
    checklists.yaml (the tier's entry of each section's tier_weights). Only a suggestion."""
    lines = [t("perception.alignment.yaml_header", lang, tier=report.tier,
               month=str(report.month))]
    for s in report.sections:
        if s.suggested_weight is None or s.suggested_weight == s.weight:
            continue
        lines.append(f"{s.section_id}:  tier_weights: {{{report.tier}: "
                     f"{_number(s.suggested_weight)}}}  # {_number(s.weight)} -> "
                     f"{_number(s.suggested_weight)}")
    if len(lines) == 1:
        lines.append(t("perception.alignment.yaml_nothing", lang))
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
