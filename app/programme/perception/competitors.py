"""Our outlets against competitors' of the same tier (同业对标), inspected with the same
checklist (domain, "Outlets and tiers").

Per tier: the total, each section and, where the sample allows, each item: our mean and
the competitors' mean, each with the outlets and results behind it. A mean is of the
outlets' means (every outlet weighs the same however often it was visited). A figure is
shown only when each side has results from at least `min_outlets` outlets (and, for an
item, at least `min_results` answered results): below that the means are withheld, not
just flagged, because a competitor mean of one outlet is that outlet's own score.

Competitors are never ranked or paid: no competitor outlet's code or figure is in the
report, only the pooled means. Our own outlets are listed against the competitor mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.programme.perception.settings import CompetitorRules

TOTAL = ""  # the section id of the total row


@dataclass(frozen=True)
class InspectedResult:
    """One counted result, as the server scored it (checklists.scoring): the total and
    sections 0..100, items keyed (section id, item id) 0..1 (None: not counted)."""

    outlet: str
    tier: str
    competitor: bool
    total: float | None
    sections: Mapping[str, float | None] = field(default_factory=dict)
    items: Mapping[tuple[str, str], float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    mean: float | None  # 0..100; None when not shown
    outlets: int
    results: int


@dataclass(frozen=True)
class Comparison:
    section_id: str  # TOTAL for the total row
    item_id: str  # "" for a section (or the total) row
    ours: Side
    theirs: Side
    shown: bool  # the sample allows the comparison

    @property
    def difference(self) -> float | None:
        """Ours minus theirs, in points of 100."""
        if self.ours.mean is None or self.theirs.mean is None:
            return None
        return self.ours.mean - self.theirs.mean


@dataclass(frozen=True)
class OurOutlet:
    code: str
    total: float | None
    results: int
    versus: float | None  # its total minus the competitors' mean (None when not shown)


@dataclass
class CompetitorReport:
    tier: str
    total: Comparison
    sections: list[Comparison] = field(default_factory=list)
    items: list[Comparison] = field(default_factory=list)
    ours: list[OurOutlet] = field(default_factory=list)


class _Pool:
    """Scores of one figure on one side, by outlet."""

    def __init__(self) -> None:
        self.by_outlet: dict[str, list[float]] = {}

    def add(self, outlet: str, score: float) -> None:
        self.by_outlet.setdefault(outlet, []).append(score)

    @property
    def results(self) -> int:
        return sum(len(v) for v in self.by_outlet.values())

    def mean(self) -> float | None:
        if not self.by_outlet:
            return None
        means = [sum(v) / len(v) for v in self.by_outlet.values()]
        return sum(means) / len(means)


def _compare(section: str, item: str, ours: _Pool, theirs: _Pool, need_results: int,
             rules: CompetitorRules) -> Comparison:
    shown = all(len(p.by_outlet) >= rules.min_outlets and p.results >= need_results
                for p in (ours, theirs))
    return Comparison(
        section, item,
        Side(ours.mean() if shown else None, len(ours.by_outlet), ours.results),
        Side(theirs.mean() if shown else None, len(theirs.by_outlet), theirs.results),
        shown)


def compare(results: Iterable[InspectedResult], tier: str,
            rules: CompetitorRules | None = None) -> CompetitorReport:
    """The comparison for one tier (results of other tiers are left out)."""
    rules = rules or CompetitorRules()
    pools: dict[tuple[str, str], tuple[_Pool, _Pool]] = {}
    order: list[tuple[str, str]] = []

    def pool(key: tuple[str, str]) -> tuple[_Pool, _Pool]:
        found = pools.get(key)
        if found is None:
            found = pools[key] = (_Pool(), _Pool())
            order.append(key)
        return found

    pool((TOTAL, ""))
    for r in results:
        if r.tier != tier:
            continue
        side = 1 if r.competitor else 0
        if r.total is not None:
            pool((TOTAL, ""))[side].add(r.outlet, float(r.total))
        for section, score in r.sections.items():
            if score is not None:
                pool((section, ""))[side].add(r.outlet, float(score))
        for (section, item), score in r.items.items():
            if score is not None:
                pool((section, item))[side].add(r.outlet, 100.0 * float(score))
    rows = {key: _compare(key[0], key[1], *pools[key],
                          rules.min_results if key[1] else 1, rules) for key in order}
    report = CompetitorReport(tier, rows[TOTAL, ""])
    report.sections = [c for key, c in rows.items() if key[0] != TOTAL and not key[1]]
    report.items = [c for key, c in rows.items() if key[1]]
    ours_total, _ = pools[TOTAL, ""]
    theirs_mean = report.total.theirs.mean
    for code, scores in sorted(ours_total.by_outlet.items()):
        mean = sum(scores) / len(scores)
        report.ours.append(OurOutlet(code, mean, len(scores),
                                     None if theirs_mean is None else mean - theirs_mean))
    return report


def compare_all(results: Iterable[InspectedResult], rules: CompetitorRules | None = None
                ) -> list[CompetitorReport]:
    """One report per tier that has competitor results."""
    pool = list(results)
    tiers = sorted({r.tier for r in pool if r.competitor})
    return [compare(pool, tier, rules) for tier in tiers]


def shown_only(report: CompetitorReport) -> Mapping[str, list[Comparison]]:
    """The rows a page shows (the sample allows them), sections and items."""
    return {"sections": [c for c in report.sections if c.shown],
            "items": [c for c in report.items if c.shown]}
