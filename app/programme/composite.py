"""The service-quality composite score (服务质量综合评价得分) of one outlet in one month.

Each component scores 0..100: an inspection component combines the month's counted visits
of its kind (mean by default; a voided visit counts 0 or is left out), a perception
component is the month's aggregate. A component without enough evidence is left out, the
weights of the rest are re-normalised, and the outlet is marked short of evidence. The
composite is the weighted mean of the component scores as shown (each rounded to the
rules' decimals), rounded half up to the same decimals, so it can be redone by hand from
the month card.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

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
ZERO = Decimal(0)


def component_name(c: Component) -> Msg:
    return Msg(COMPONENT_NAME[c])


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
    why: Why


@dataclass(frozen=True)
class Composite:
    score: Decimal | None
    components: dict[str, ComponentScore]
    short_of_evidence: bool  # a counted component had no (or too little) evidence
    why: Why

    @property
    def results(self) -> tuple[str, ...]:
        return tuple(u for c in self.components.values() if c.share for u in c.results)


def compute_composite(rule: CompositeRule, visits: Sequence[CountedVisit],
                      perception: Mapping[str, PerceptionAggregate]) -> Composite:
    """The composite of one outlet: `visits` are its counted results of the month (any
    kind), `perception` its aggregates by source."""
    scored: list[tuple[Component, ComponentRule, Decimal | None, int, tuple[str, ...], Why]] = []
    for comp, crule in rule.components.listed():
        if comp in INSPECTION_COMPONENTS:
            mine = [v for v in visits if v.kind == comp.value]
            score, count, used, why = _inspection(rule, comp, crule, mine)
        else:
            score, count, used, why = _perception(rule, comp, crule, perception.get(comp.value))
        scored.append((comp, crule, score, count, used, why))

    counted = [(c, r, s) for c, r, s, _, _, _ in scored if r.counted]
    present: list[tuple[Component, ComponentRule, Decimal]] = [
        (c, r, s) for c, r, s in counted if s is not None]
    missing = tuple(component_name(c) for c, _, s in counted if s is None)
    required_missing = tuple(component_name(c) for c, r, s in counted
                             if s is None and r.required)
    total_weight = sum((r.weight for _, r, _ in present), ZERO)
    composite: Decimal | None = None
    if required_missing:
        why = Why("programme.why.composite.required_missing",
                  {"components": required_missing}, rule="composite.components")
    elif len(present) < rule.min_components or total_weight == 0:
        why = Why("programme.why.composite.too_few",
                  {"present": len(present), "needed": rule.min_components},
                  rule="composite.min_components")
    else:
        weighted = sum((r.weight * s for _, r, s in present), ZERO)
        composite = quantize(weighted / total_weight, rule.decimals)
        terms = tuple(Msg("programme.why.composite.term",
                          {"component": component_name(c), "score": plain(s),
                           "weight": plain(r.weight)})
                      for c, r, s in present)
        params: dict[str, Param] = {"terms": terms, "total_weight": plain(total_weight),
                                    "score": plain(composite)}
        key = "programme.why.composite"
        if missing:
            key = "programme.why.composite.renormalised"
            params["missing"] = missing
        why = Why(key, params, rule="composite",
                  results=tuple(u for c, r, s, _, used, _ in scored
                                if r.counted and s is not None for u in used))

    components = {}
    for comp, crule, score, count, used, cwhy in scored:
        share = (crule.weight / total_weight
                 if composite is not None and crule.counted and score is not None else ZERO)
        components[comp.value] = ComponentScore(
            component=comp, score=score, weight=crule.weight, share=quantize(share, 4),
            counted=crule.counted, present=score is not None, count=count, results=used,
            why=cwhy)
    return Composite(score=composite, components=components, short_of_evidence=bool(missing),
                     why=why)


def _inspection(rule: CompositeRule, comp: Component, crule: ComponentRule,
                visits: Sequence[CountedVisit]
                ) -> tuple[Decimal | None, int, tuple[str, ...], Why]:
    path = f"composite.components.{comp.value}"
    name = component_name(comp)
    values: list[tuple[Decimal, CountedVisit]] = []
    left_out: list[str] = []
    voided: list[str] = []
    for v in visits:
        if v.voided:
            voided.append(v.uuid)
            if rule.voided_visit == "zero":
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
        key = ("programme.why.component.no_visits" if not visits
               else "programme.why.component.too_few_visits")
        return None, len(values), used, Why(
            key, {"component": name, "count": len(values), "needed": needed},
            rule=path, results=tuple(v.uuid for v in visits))
    scores = [s for s, _ in values]
    if rule.visits == "mean":
        raw = sum(scores, ZERO) / len(scores)
    elif rule.visits == "median":
        raw = Decimal(statistics.median(scores))
    elif rule.visits == "lowest":
        raw = min(scores)
    else:  # latest: by finalisation time, then uuid (a stable order for equal times)
        raw = max(values, key=lambda sv: (_when(sv[1].finalized_at), sv[1].uuid))[0]
    score = quantize(raw, rule.decimals)
    params: dict[str, Param] = {
        "component": name, "score": plain(score), "count": len(values),
        "method": Msg(_METHOD[rule.visits]),
        "scores": ", ".join(plain(quantize(s, rule.decimals)) for s in scores),
    }
    key = "programme.why.component.visits"
    if voided:
        key = ("programme.why.component.visits_voided_zero" if rule.voided_visit == "zero"
               else "programme.why.component.visits_voided_excluded")
        params["voided"] = len(voided)
    params["note"] = "" if crule.counted else Msg("programme.why.component.not_counted")
    return score, len(values), used, Why(key, params, rule=path,
                                         results=used + tuple(left_out))


_METHOD = {
    "mean": "programme.method.mean",
    "median": "programme.method.median",
    "lowest": "programme.method.lowest",
    "latest": "programme.method.latest",
}


def _perception(rule: CompositeRule, comp: Component, crule: ComponentRule,
                agg: PerceptionAggregate | None
                ) -> tuple[Decimal | None, int, tuple[str, ...], Why]:
    path = f"composite.components.{comp.value}"
    name = component_name(comp)
    if agg is None or agg.score is None:
        return None, 0 if agg is None else agg.count, (), Why(
            "programme.why.component.no_data", {"component": name}, rule=path)
    needed = crule.min_count or 1
    if agg.count < needed or not agg.sufficient:
        return None, agg.count, (), Why(
            "programme.why.component.too_few_replies",
            {"component": name, "count": agg.count, "needed": needed}, rule=path)
    score = quantize(_decimal(agg.score), rule.decimals)
    note: Param = "" if crule.counted else Msg("programme.why.component.not_counted")
    return score, agg.count, (), Why(
        "programme.why.component.perception",
        {"component": name, "score": plain(score), "count": agg.count, "note": note},
        rule=path)


def _decimal(value: Decimal | float) -> Decimal:
    """A score as a Decimal: a float by its shortest repr (82.5 -> 82.5, not 82.4999...)."""
    out = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not out.is_finite() or out < 0 or out > 100:
        raise ValueError(f"a score must be between 0 and 100, got {value!r}")
    return out


def _when(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else float("-inf")
