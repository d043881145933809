"""A score as a screen shows it, in the reader's language.

Two sources: the live score of a draft (`live`), and the score recorded when a visit was
finalised (`recorded`). The recorded snapshot stores its words in one language
(rules.SNAPSHOT_LANGUAGE), so section titles, veto labels and reasons are re-derived from
the checklist the visit was started with; the numbers are always the recorded ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.checklists import ResolvedChecklist
from app.checklists.scoring import ScoreResult


@dataclass(frozen=True)
class SectionLine:
    """One section's line: its score after vetoes, the score before, whether vetoed."""

    title: str
    score: float | None
    raw_score: float | None
    vetoed: bool


@dataclass(frozen=True)
class VetoLine:
    """One veto (一票否决): which item, why, and what it forfeits ("section" or "visit")."""

    label: str
    reason: str
    scope: str


@dataclass(frozen=True)
class ScoreLines:
    """A whole score breakdown, ready to show."""

    total: float | None
    complete: bool | None
    sections: tuple[SectionLine, ...]
    vetoes: tuple[VetoLine, ...]

    @property
    def voided(self) -> bool:
        """A veto voided the whole visit's score."""
        return any(v.scope == "visit" for v in self.vetoes)


def live(result: ScoreResult, lang: str) -> ScoreLines:
    """A draft's score as computed now."""
    return ScoreLines(
        total=result.total,
        complete=result.complete,
        sections=tuple(SectionLine(s.title.get(lang), s.score, s.raw_score, s.vetoed)
                       for s in result.sections),
        vetoes=tuple(VetoLine(v.label.get(lang), v.reason.get(lang), v.scope.value)
                     for v in result.vetoes),
    )


def recorded(snapshot: Mapping[str, Any], checklist: ResolvedChecklist, lang: str, *,
             total: float | None = None, complete: bool | None = None) -> ScoreLines:
    """A finalised visit's stored score, its words in `lang`. `total` and `complete` (the
    summary's columns) stand in for a snapshot that lacks them."""
    titles = {sec.id: sec.title.get(lang) for sec in checklist.sections}
    items = checklist.items
    sections = tuple(
        SectionLine(title=titles.get(sec.get("id", ""), sec.get("title", "")),
                    score=sec.get("score"), raw_score=sec.get("raw_score"),
                    vetoed=bool(sec.get("vetoed")))
        for sec in snapshot.get("sections", []))
    vetoes: list[VetoLine] = []
    for v in snapshot.get("vetoes", []):
        item = items.get(v.get("item", ""))
        if item is not None and item.veto is not None:
            vetoes.append(VetoLine(item.label.get(lang), item.veto.reason.get(lang),
                                   v.get("scope", item.veto.scope.value)))
        else:  # an item the checklist no longer names: the stored words
            vetoes.append(VetoLine(v.get("label", ""), v.get("reason", ""),
                                   v.get("scope", "section")))
    return ScoreLines(total=snapshot.get("total", total),
                      complete=snapshot.get("complete", complete),
                      sections=sections, vetoes=tuple(vetoes))
