"""Builders for the month tests: outlets, visits, the shipped rules (or a variant of them),
and a run of consecutive months in which each closed month reaches the next one the way the
month close will pass it: through its JSON export, read back as history."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import yaml

from app.programme.inputs import (
    Adjustment,
    CommissionBase,
    CountedVisit,
    History,
    OutletInfo,
    PerceptionAggregate,
)
from app.programme.month import MonthResult, compute_month, past_month_from_export
from app.programme.months import YearMonth
from app.programme.rules_loader import (
    RulesVersion,
    default_programme_path,
    load_rules_file,
    parse_rules_text,
)

SHIPPED = default_programme_path()


def shipped() -> RulesVersion:
    return load_rules_file(SHIPPED).versions[0]


def rules_with(**changes: Any) -> RulesVersion:
    """The shipped version with top-level sections replaced (a dotted key reaches deeper:
    "staff_share.of_deductions": True)."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    version = data["versions"][0]
    for key, value in changes.items():
        *path, last = key.split(".")
        node = version
        for part in path:
            node = node[part]
        node[last] = value
    data["versions"] = [version]
    return parse_rules_text(yaml.safe_dump(data, allow_unicode=True)).versions[0]


def outlet(code: str, *, unit: str = "杭州", family: str = "agent_channel", tier: str = "agent",
           cls: str | None = "A", region: str = "西湖", start: date | None = date(2015, 1, 1),
           manager: str | None = "mgr", competitor: bool = False, active: bool = True
           ) -> OutletInfo:
    return OutletInfo(code=code, name=f"网点{code}", tier=tier, family=family,  # type: ignore[arg-type]
                      business_unit=unit, region=region, outlet_class=cls,
                      cooperation_start=start, area_manager=manager, competitor=competitor,
                      active=active)


def visit(outlet_code: str, score: float | Decimal | None, *, kind: str = "mystery_shop",
          uuid: str | None = None, voided: bool = False, veto_count: int = 0,
          at: datetime | None = None) -> CountedVisit:
    visit.n += 1  # type: ignore[attr-defined]
    return CountedVisit(uuid=uuid or f"v{visit.n}-{outlet_code}",  # type: ignore[attr-defined]
                        outlet_code=outlet_code, kind=kind, score=score, voided=voided,
                        veto_count=veto_count, finalized_at=at)


visit.n = 0  # type: ignore[attr-defined]


def base(cents: int, *, cls: str = "A", region: str = "西湖", period: str = "2025-H1"
         ) -> CommissionBase:
    return CommissionBase(outlet_class=cls, region=region, period=period, amount_cents=cents)


def every_half_year(cents: int, *, cls: str = "A", region: str = "西湖",
                    years: Sequence[int] = (2024, 2025, 2026)) -> list[CommissionBase]:
    return [base(cents, cls=cls, region=region, period=f"{y}-H{h}") for y in years
            for h in (1, 2)]


def run_months(rules: RulesVersion, outlets: Sequence[OutletInfo],
               scores: Sequence[Mapping[str, float | None]], first: YearMonth,
               bases: Sequence[CommissionBase],
               perception: Sequence[Sequence[PerceptionAggregate]] = (),
               adjustments: Mapping[int, Sequence[Adjustment]] | None = None
               ) -> list[MonthResult]:
    """Close len(scores) consecutive months from `first`: month i gives each listed outlet
    one mystery-shop visit with scores[i][code] (None: no visit). Every closed month goes
    through to_export -> JSON -> past_month_from_export into the next month's history."""
    history = History()
    out = []
    for i, month_scores in enumerate(scores):
        month = first.shift(i)
        results = [visit(code, s) for code, s in month_scores.items() if s is not None]
        result = compute_month(
            month, rules, outlets, results, bases=bases, history=history,
            perception=perception[i] if i < len(perception) else (),
            adjustments=(adjustments or {}).get(i, ()))
        frozen = json.loads(json.dumps(result.to_export(), ensure_ascii=False))
        history.months[month] = past_month_from_export(frozen)
        out.append(result)
    return out
