"""Score a visit's answers against its resolved checklist. Pure: no I/O, no clock, no store.

What each item takes is in `answers` (validate_answer and the answer contract); how a
result reads (format_score, the breakdown, the JSON) is in `rendering`. Both are
re-exported here, so `from app.checklists.scoring import ...` keeps working for every name.

The rules (issue "scoring"):

* Each section scores ``100 * sum(w * s) / sum(w)`` over its *counted* items: visible,
  scored items that are answered (not N/A), plus visible required items that are still
  unanswered, which count as 0 so a provisional number is never flattering. Optional
  unanswered items, N/A answers, hidden items (show_if false) and text/photo items do not
  count. A section with no counted item has no score and is left out of the total.
* A failed, answered item with a section veto (一票否决) zeroes its section; one with a visit
  veto zeroes the total. Vetoes are reported as flags as well as numbers.
* The total is ``sum(W * S) / sum(W)`` over the sections that have a score.
* Unanswered required visible items make the result incomplete: they are listed in
  `missing`, and the total is still reported but flagged.
* Answers to item ids the checklist does not have are ignored and listed in `ignored`.

Scores are kept exact here and rounded only where a person reads them (`rendering`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.checklists import rendering
from app.checklists.answers import (
    NA,
    InvalidAnswer,
    InvalidAnswers,
    check_answers,
    is_answered,
    validate_answer,
    validate_answers,
)
from app.checklists.rendering import format_score, list_sep
from app.checklists.resolve import ResolvedChecklist
from app.checklists.schema import Condition, Item, ItemType, Text, VetoScope
from app.i18n import DEFAULT_LANGUAGE

__all__ = [
    "NA",
    "InvalidAnswer",
    "InvalidAnswers",
    "ItemScore",
    "ScoreResult",
    "SectionScore",
    "Status",
    "VetoHit",
    "check_answers",
    "format_score",
    "is_answered",
    "is_visible",
    "item_failed",
    "item_score",
    "list_sep",
    "score",
    "validate_answer",
    "validate_answers",
    "visibility",
]

Status = Literal["scored", "na", "hidden", "unanswered", "unscored"]


# --- one item --------------------------------------------------------------------------


_UNSCORED = frozenset({ItemType.TEXT, ItemType.PHOTO})  # as Item.scored, without the call


def item_score(item: Item, value: object) -> float | None:
    """The item's score in [0, 1] for a valid answer; None for N/A, no answer or unscored."""
    if value is None or value == NA or item.type in _UNSCORED:
        return None
    return _answer_score(item, value)


def _answer_score(item: Item, value: object) -> float:
    """item_score of a scored item's real answer (not None, not N/A): the hot path of
    `score`, which has already told those apart."""
    kind = item.type
    if kind is ItemType.YES_NO:
        return 1.0 if value == item.pass_if else 0.0
    if kind is ItemType.SCALE:
        lo, hi = item.min or 0, item.max or 0
        return (float(value) - lo) / (hi - lo)  # type: ignore[arg-type]
    if kind is ItemType.NUMBER:
        band = _band_for(item, value)  # type: ignore[arg-type]
        return band.score if band is not None else 0.0
    for option in item.options or []:
        if option.id == value:
            return option.score
    return 0.0


def item_failed(item: Item, value: object) -> bool:
    """Whether a valid answer is a failure (the thing a veto, an on_fail photo or a note
    on failure reacts to). N/A and no answer never fail."""
    if value is None or value == NA or item.type in _UNSCORED:
        return False
    return _answer_fails(item, value)


def _answer_fails(item: Item, value: object) -> bool:
    """item_failed of a scored item's real answer (not None, not N/A)."""
    kind = item.type
    if kind is ItemType.YES_NO:
        return value != item.pass_if
    if kind is ItemType.SCALE:
        if item.fail_below is None:
            return value == item.min
        return value < item.fail_below  # type: ignore[operator]
    if kind is ItemType.NUMBER:
        band = _band_for(item, value)  # type: ignore[arg-type]
        return band is None or band.score == 0
    for option in item.options or []:
        if option.id == value:
            return option.fails
    return False


def _band_for(item: Item, value: float) -> Any:
    for band in item.bands or []:
        if band.holds(value):
            return band
    return None


# --- visibility ------------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    """Equality that keeps yes/no apart from numbers (True is not 1 here)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return a == b


def _holds(cond: Condition, target: Item | None, value: object, shown: bool) -> bool:
    if target is None:  # not known (is_visible without the checklist): judge the value alone
        answered = shown and value is not None and value != ""
    else:
        answered = shown and is_answered(target, value)
    if cond.answered is not None:
        return answered == cond.answered
    if not answered:
        return False
    if cond.fails is not None:
        if target is None or value == NA:
            return False
        return item_failed(target, value) == cond.fails
    if cond.in_ is not None:
        return any(_same(value, v) for v in cond.in_)
    return _same(value, cond.equals)


def visibility(checklist: ResolvedChecklist, answers: Mapping[str, object]) -> dict[str, bool]:
    """Item id -> shown, worked out in checklist order (conditions look only backwards)."""
    items = checklist.items
    shown: dict[str, bool] = {}
    for item_id, item in items.items():
        shown[item_id] = not item.conditions or all(
            _holds(c, items.get(c.item), answers.get(c.item), shown.get(c.item, False))
            for c in item.conditions
        )
    return shown


def is_visible(
    item: Item,
    answers: Mapping[str, object],
    checklist: ResolvedChecklist | None = None,
) -> bool:
    """Whether every show_if condition of `item` holds on the earlier answers.

    A condition on an item that is itself hidden or unanswered is false (except
    `answered: false`, which it satisfies). Pass the checklist so that a referenced item's
    type and own visibility are known; without it, referenced items count as shown and a
    `fails` condition cannot be judged (false).
    """
    if not item.conditions:
        return True
    if checklist is None:
        return all(_holds(c, None, answers.get(c.item), True) for c in item.conditions)
    shown = visibility(checklist, answers)
    if item.id in shown:
        return shown[item.id]
    items = checklist.items
    return all(
        _holds(c, items.get(c.item), answers.get(c.item), shown.get(c.item, False))
        for c in item.conditions
    )


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    section_id: str
    status: Status
    score: float | None  # in [0, 1]; 0 for an unanswered required item; None if not counted
    weight: float
    failed: bool = False

    @property
    def counted(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class VetoHit:
    item_id: str
    section_id: str
    scope: VetoScope
    reason: Text
    label: Text  # the item's label


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: Text
    weight: float
    score: float | None  # 0..100 after vetoes; None: nothing counted (left out of the total)
    raw_score: float | None  # before vetoes
    vetoed: bool
    items: list[ItemScore]


@dataclass(frozen=True)
class ScoreResult:
    checklist: ResolvedChecklist = field(repr=False, compare=False)
    total: float | None  # 0..100; None when no section has a score
    complete: bool
    missing: list[str]  # unanswered required visible items, in checklist order
    sections: list[SectionScore]
    vetoes: list[VetoHit]
    ignored: list[str] = field(default_factory=list)  # answers to unknown item ids

    @property
    def items(self) -> dict[str, ItemScore]:
        return {i.item_id: i for s in self.sections for i in s.items}

    @property
    def voided(self) -> bool:
        """A visit veto fired: the whole visit scores 0."""
        return any(v.scope is VetoScope.VISIT for v in self.vetoes)

    def section(self, section_id: str) -> SectionScore:
        return next(s for s in self.sections if s.section_id == section_id)

    def to_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """JSON-ready: the numbers exact, the words in `lang`, plus the readable breakdown."""
        return rendering.to_dict(self, lang)

    def breakdown(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """Lines a person reads: the total first, then each section, vetoes spelt out."""
        return rendering.breakdown(self, lang)


# --- the score -------------------------------------------------------------------------


def score(checklist: ResolvedChecklist, answers: Mapping[str, object], *,
          shown: Mapping[str, bool] | None = None) -> ScoreResult:
    """Score `answers` (item id -> valid value, see validate_answer) on `checklist`.

    `shown` is `visibility(checklist, answers)` when the caller has already worked it out
    (the central endpoint checks finalising and scores the same answers)."""
    items = checklist.items
    ignored = [k for k in answers if k not in items]
    if shown is None:
        shown = visibility(checklist, answers)
    missing: list[str] = []
    vetoes: list[VetoHit] = []
    sections: list[SectionScore] = []
    for sec in checklist.sections:
        scores: list[ItemScore] = []
        num = den = 0.0
        vetoed = False
        for item in sec.items:
            value = answers.get(item.id)
            answered = is_answered(item, value)
            status: Status
            s: float | None = None
            failed = False
            if not shown[item.id]:
                status = "hidden"
            elif item.type in _UNSCORED:
                status = "unscored"
                if item.type is ItemType.TEXT and item.is_required and not answered:
                    missing.append(item.id)  # photo items are checked at finalisation
            elif not answered:
                status = "unanswered"
                if item.is_required:
                    missing.append(item.id)
                    s = 0.0
            elif value == NA:
                status = "na"
            else:
                status = "scored"
                s = _answer_score(item, value)
                failed = _answer_fails(item, value)
                if failed and item.veto is not None:
                    vetoes.append(VetoHit(item.id, sec.id, item.veto.scope, item.veto.reason,
                                          item.label))
                    vetoed = vetoed or item.veto.scope is VetoScope.SECTION
            if s is not None:
                num += item.weight * s
                den += item.weight
            scores.append(ItemScore(item.id, sec.id, status, s, item.weight, failed))
        raw = _clamp(100.0 * num / den) if den > 0 else None
        sections.append(SectionScore(
            section_id=sec.id,
            title=sec.title,
            weight=sec.weight,
            score=0.0 if vetoed and raw is not None else raw,
            raw_score=raw,
            vetoed=vetoed,
            items=scores,
        ))
    total = _total(sections)
    if total is not None and any(v.scope is VetoScope.VISIT for v in vetoes):
        total = 0.0
    return ScoreResult(
        checklist=checklist,
        total=total,
        complete=not missing,
        missing=missing,
        sections=sections,
        vetoes=vetoes,
        ignored=ignored,
    )


def _total(sections: Iterable[SectionScore]) -> float | None:
    num = den = 0.0
    for s in sections:
        if s.score is not None:
            num += s.weight * s.score
            den += s.weight
    return _clamp(num / den) if den > 0 else None


def _clamp(value: float) -> float:
    """Keep float noise (100.00000000000001) inside [0, 100]."""
    return min(100.0, max(0.0, value))
