"""The service-quality composite score (服务质量综合评价得分) of one outlet in one month.

Each component scores 0..100: an inspection component combines the month's counted visits
of its kind (mean by default; a voided visit counts 0 or is left out), a perception
component is the month's aggregate. A component without enough evidence is left out, the
weights of the rest are re-normalised, and the outlet is marked short of evidence. The
composite is the weighted mean of the component scores as shown (each rounded to the
rules' decimals), rounded half up to the same decimals, so it can be redone by hand from
the month card.

The figures are computed at once; their explanations (`why`) only when asked for, from the
facts kept here (a month of 20,000 outlets is computed far more often than read in full).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from app.programme.explain import Msg, Param, Why
from app.programme.inputs import CountedVisit, PerceptionAggregate
from app.programme.money import plain, quantize
from app.programme.rules_schema import (
    INSPECTION_COMPONENTS,
    Component,
    ComponentRule,
    CompositeRule,
)

COMPONENT_NAME = {  # message keys, literal for the catalogue checks
    Component.MYSTERY_SHOP: "programme.component.mystery_shop",
    Component.OPEN_INSPECTION: "programme.component.open_inspection",
    Component.SELF_CHECK: "programme.component.self_check",
    Component.SMS_SATISFACTION: "programme.component.sms_satisfaction",
    Component.INTERCEPT: "programme.component.intercept",
}
_NAMES = {c: Msg(key) for c, key in COMPONENT_NAME.items()}
_METHOD = {
    "mean": "programme.method.mean",
    "median": "programme.method.median",
    "lowest": "programme.method.lowest",
    "latest": "programme.method.latest",
}
_NOT_COUNTED = Msg("programme.why.component.not_counted")
_VALUE = {c: c.value for c in Component}  # (an enum's .value is a slow descriptor)
ZERO = Decimal(0)

ComponentReason = Literal["visits", "no_visits", "too_few_visits", "perception", "no_data",
                          "too_few_replies"]


def component_name(c: Component) -> Msg:
    return _NAMES[c]


@dataclass(frozen=True)
class ComponentScore:
    component: Component
    score: Decimal | None  # 0..100 rounded to the rules' decimals; None: no evidence
    weight: Decimal  # as the rules give it
    share: Decimal  # of the composite after re-normalisation, 0..1 (0: not in it)
    counted: bool  # the rules count this component
    present: bool  # it had enough evidence this month
    count: int  # visits used / SMS replies / intercept responses
    results: tuple[str, ...]  # visits behind the score (inspection components)
    reason: ComponentReason
    needed: int = 1  # the evidence the rules ask for (min_count)
    voided: int = 0  # visits voided by a veto (counted as 0, or left out)
    voided_zero: bool = True
    method: str = "mean"
    scores: tuple[Decimal, ...] = ()  # the visit scores combined
    left_out: tuple[str, ...] = ()  # visits not used (nothing scored, or voided and excluded)

    @property
    def why(self) -> Why:
        name = _NAMES[self.component]
        rule = f"composite.components.{self.component.value}"
        note: Param = "" if self.counted else _NOT_COUNTED
        if self.reason == "visits":
            params: dict[str, Param] = {
                "component": name, "score": plain(self.score or ZERO), "count": self.count,
                "method": Msg(_METHOD[self.method]), "note": note,
                "scores": ", ".join(plain(s) for s in self.scores),
            }
            key = "programme.why.component.visits"
            if self.voided:
                key = ("programme.why.component.visits_voided_zero" if self.voided_zero
                       else "programme.why.component.visits_voided_excluded")
                params["voided"] = self.voided
            return Why(key, params, rule=rule, results=self.results + self.left_out)
        if self.reason in ("no_visits", "too_few_visits"):
            key = ("programme.why.component.no_visits" if self.reason == "no_visits"
                   else "programme.why.component.too_few_visits")
            return Why(key, {"component": name, "count": self.count, "needed": self.needed},
                       rule=rule, results=self.results + self.left_out)
        if self.reason == "no_data":
            return Why("programme.why.component.no_data", {"component": name}, rule=rule)
        if self.reason == "too_few_replies":
            return Why("programme.why.component.too_few_replies",
                       {"component": name, "count": self.count, "needed": self.needed},
                       rule=rule)
        return Why("programme.why.component.perception",
                   {"component": name, "score": plain(self.score or ZERO), "count": self.count,
                    "note": note}, rule=rule)


@dataclass(frozen=True)
class Composite:
    score: Decimal | None
    components: dict[str, ComponentScore]
    short_of_evidence: bool  # a counted component had no (or too little) evidence
    reason: Literal["ok", "too_few", "required_missing"]
    total_weight: Decimal
    min_components: int

    @property
    def results(self) -> tuple[str, ...]:
        return tuple(u for c in self.components.values() if c.share for u in c.results)

    @property
    def why(self) -> Why:
        counted = [c for c in self.components.values() if c.counted]
        missing = tuple(_NAMES[c.component] for c in counted if not c.present)
        if self.reason == "required_missing":
            return Why("programme.why.composite.required_missing", {"components": missing},
                       rule="composite.components")
        if self.reason == "too_few":
            return Why("programme.why.composite.too_few",
                       {"present": sum(1 for c in counted if c.present),
                        "needed": self.min_components}, rule="composite.min_components")
        terms = tuple(Msg("programme.why.composite.term",
                          {"component": _NAMES[c.component], "score": plain(c.score),
                           "weight": plain(c.weight)})
                      for c in counted if c.score is not None)
        params: dict[str, Param] = {"terms": terms, "total_weight": plain(self.total_weight),
                                    "score": plain(self.score or ZERO)}
        key = "programme.why.composite"
        if missing:
            key = "programme.why.composite.renormalised"
            params["missing"] = missing
        return Why(key, params, rule="composite", results=self.results)


def compute_composite(rule: CompositeRule, visits: Sequence[CountedVisit],
                      perception: Mapping[str, PerceptionAggregate],
                      listed: Sequence[tuple[Component, ComponentRule]] | None = None
                      ) -> Composite:
    """The composite of one outlet: `visits` are its counted results of the month (any
    kind), `perception` its aggregates by source; `listed` is `rule.components.listed()`,
    passed in by a caller that computes many outlets."""
    parts: list[tuple[Component, ComponentRule, dict[str, object]]] = []
    for comp, crule in listed if listed is not None else rule.components.listed():
        if comp in INSPECTION_COMPONENTS:
            kind = _VALUE[comp]
            mine = [v for v in visits if v.kind == kind]
            facts = _inspection(rule, crule, mine)
        else:
            facts = _perception(rule, crule, perception.get(_VALUE[comp]))
        parts.append((comp, crule, facts))

    total = ZERO
    weighted = ZERO
    present = 0
    required_missing = False
    short = False
    for _, crule, facts in parts:
        if not crule.counted:
            continue
        score = facts["score"]
        if isinstance(score, Decimal):
            total += crule.weight
            weighted += crule.weight * score
            present += 1
        else:
            short = True
            required_missing = required_missing or crule.required
    composite: Decimal | None = None
    reason: Literal["ok", "too_few", "required_missing"] = "ok"
    if required_missing:
        reason = "required_missing"
    elif present < rule.min_components or total == 0:
        reason = "too_few"
    else:
        composite = quantize(weighted / total, rule.decimals)

    components = {}
    for comp, crule, facts in parts:
        score = facts["score"]
        in_it = composite is not None and crule.counted and isinstance(score, Decimal)
        components[_VALUE[comp]] = ComponentScore(
            component=comp, weight=crule.weight, counted=crule.counted,
            share=quantize(crule.weight / total, 4) if in_it else ZERO,
            present=isinstance(score, Decimal), **facts)  # type: ignore[arg-type]
    return Composite(composite, components, short, reason, total, rule.min_components)


def _inspection(rule: CompositeRule, crule: ComponentRule, visits: Sequence[CountedVisit]
                ) -> dict[str, object]:
    values: list[tuple[Decimal, CountedVisit]] = []
    left_out: list[str] = []
    voided = 0
    zero = rule.voided_visit == "zero"
    for v in visits:
        if v.voided:
            voided += 1
            if zero:
                values.append((ZERO, v))
            else:
                left_out.append(v.uuid)
        elif v.score is None:
            left_out.append(v.uuid)
        else:
            values.append((_decimal(v.score), v))
    used = tuple(v.uuid for _, v in values)
    needed = crule.min_count or 1
    if len(values) < needed:
        return {"score": None, "count": len(values), "results": used,
                "reason": "no_visits" if not visits else "too_few_visits", "needed": needed,
                "left_out": tuple(left_out)}
    scores = [s for s, _ in values]
    if rule.visits == "mean":
        raw = sum(scores, ZERO) / len(scores)
    elif rule.visits == "median":
        raw = Decimal(statistics.median(scores))
    elif rule.visits == "lowest":
        raw = min(scores)
    else:  # latest: by finalisation time, then uuid (a stable order for equal times)
        raw = max(values, key=lambda sv: (_when(sv[1].finalized_at), sv[1].uuid))[0]
    return {"score": quantize(raw, rule.decimals), "count": len(values), "results": used,
            "reason": "visits", "needed": needed, "voided": voided, "voided_zero": zero,
            "method": rule.visits, "scores": tuple(quantize(s, rule.decimals) for s in scores),
            "left_out": tuple(left_out)}


def _perception(rule: CompositeRule, crule: ComponentRule, agg: PerceptionAggregate | None
                ) -> dict[str, object]:
    needed = crule.min_count or 1
    if agg is None or agg.score is None:
        return {"score": None, "count": 0 if agg is None else agg.count, "results": (),
                "reason": "no_data", "needed": needed}
    if agg.count < needed or not agg.sufficient:
        return {"score": None, "count": agg.count, "results": (), "reason": "too_few_replies",
                "needed": needed}
    return {"score": quantize(_decimal(agg.score), rule.decimals), "count": agg.count,
            "results": (), "reason": "perception", "needed": needed}


def _decimal(value: Decimal | float) -> Decimal:
    """A score as a Decimal: a float by its shortest repr (82.5 -> 82.5, not 82.4999...)."""
    out = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not out.is_finite() or out < 0 or out > 100:
        raise ValueError(f"a score must be between 0 and 100, got {value!r}")
    return out


def _when(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("-inf")
