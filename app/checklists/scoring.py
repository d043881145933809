"""Score a visit's answers against its resolved checklist. Pure: no I/O, no clock, no store.

Answer values (the contract shared with the store, the sync and the views):

===========  ==============================================================================
yes_no       True / False, or NA when the item allows it
scale        an int within [min, max], or NA when allowed
number       an int or float (within the item's min/max when given), or NA when allowed
choice       an option id (str), or NA when allowed
text         a str (unscored)
photo        no value: a photo item is satisfied by one or more attached photos
===========  ==============================================================================

`None` (or a missing key) means "not answered yet".

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

Scores are kept exact here and rounded only where a person reads them (`breakdown`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.checklists.resolve import ResolvedChecklist
from app.checklists.schema import Condition, Item, ItemType, Text, VetoScope
from app.errors import UserError
from app.i18n import normalise, t

NA = "na"

Status = Literal["scored", "na", "hidden", "unanswered", "unscored"]


# --- answers ---------------------------------------------------------------------------


class InvalidAnswer(UserError):
    """An answer an item cannot take: wrong type, out of range, unknown option, N/A refused.

    The message names the item by its label in the reader's language, e.g.
    "「服务态度」应为 1 到 5 之间的整数，收到 7".
    """

    def __init__(self, key: str, /, item: Item, value: object, **params: object) -> None:
        super().__init__(key, item=item.id, value=_show(value), **params)
        self.item_id = item.id
        self.label = item.label
        self.value = value

    def message(self, lang: str | None = None) -> str:
        lang = normalise(lang)
        return t(self.key, lang, label=self.label.get(lang), **self.params)


class InvalidAnswers(UserError):
    """Several answers are invalid at once: every one is listed."""

    def __init__(self, problems: list[InvalidAnswer]) -> None:
        super().__init__("score.invalid.several", count=len(problems))
        self.problems = problems

    def message(self, lang: str | None = None) -> str:
        head = t(self.key, lang, count=len(self.problems))
        return "\n".join([head, *(f"  - {p.message(lang)}" for p in self.problems)])


def _show(value: object) -> str:
    """An answer as the person typed it (JSON spelling: true, 3, "fully"), kept short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fmt_num(value: float) -> str:
    """3.0 -> '3', 2.5 -> '2.5' (bounds and thresholds as an author wrote them)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def validate_answer(item: Item, value: object) -> object:
    """The answer normalised for storing (e.g. 3.0 -> 3 on a scale), or InvalidAnswer.

    None means "no answer" and is returned as is; photo items take no value at all.
    """
    if value is None:
        return None
    kind = item.type
    if isinstance(value, str) and value == NA and kind not in (ItemType.TEXT, ItemType.PHOTO):
        if not item.allow_na:
            raise InvalidAnswer("score.invalid.na_not_allowed", item, value)
        return NA
    if kind is ItemType.YES_NO:
        if not isinstance(value, bool):
            key = "score.invalid.yes_no_na" if item.allow_na else "score.invalid.yes_no"
            raise InvalidAnswer(key, item, value)
        return value
    if kind is ItemType.SCALE:
        lo, hi = item.min, item.max
        assert lo is not None and hi is not None  # the schema guarantees it
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise InvalidAnswer("score.invalid.scale", item, value, min=lo, max=hi)
        return value
    if kind is ItemType.NUMBER:
        if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
            raise InvalidAnswer("score.invalid.number", item, value)
        lo, hi = item.min, item.max
        if (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
            if lo is not None and hi is not None:
                raise InvalidAnswer("score.invalid.number_range", item, value, min=lo, max=hi)
            if lo is not None:
                raise InvalidAnswer("score.invalid.number_min", item, value, min=lo)
            raise InvalidAnswer("score.invalid.number_max", item, value, max=hi)
        return value
    if kind is ItemType.CHOICE:
        ids = [o.id for o in item.options or []]
        if not isinstance(value, str) or value not in ids:
            raise InvalidAnswer("score.invalid.choice", item, value, options=", ".join(ids))
        return value
    if kind is ItemType.TEXT:
        if not isinstance(value, str):
            raise InvalidAnswer("score.invalid.text", item, value)
        return value
    raise InvalidAnswer("score.invalid.photo", item, value)


def check_answers(
    checklist: ResolvedChecklist, answers: Mapping[str, object]
) -> tuple[dict[str, object], list[InvalidAnswer]]:
    """Validate every answer at once: (normalised valid answers, problems in checklist order).

    Answers to ids the checklist does not have are kept as they are (score() ignores them).
    """
    valid: dict[str, object] = {}
    problems: list[InvalidAnswer] = []
    items = checklist.items
    for item_id, value in answers.items():
        item = items.get(item_id)
        if item is None:
            valid[item_id] = value
            continue
        try:
            valid[item_id] = validate_answer(item, value)
        except InvalidAnswer as exc:
            problems.append(exc)
    order = {item_id: i for i, item_id in enumerate(items)}
    problems.sort(key=lambda p: order[p.item_id])
    return valid, problems


def validate_answers(
    checklist: ResolvedChecklist, answers: Mapping[str, object]
) -> dict[str, object]:
    """Like check_answers, raising InvalidAnswers (every problem) when any answer is bad."""
    valid, problems = check_answers(checklist, answers)
    if problems:
        raise InvalidAnswers(problems)
    return valid


# --- one item --------------------------------------------------------------------------


def is_answered(item: Item, value: object) -> bool:
    """Whether `value` answers the item (N/A counts; an empty text does not)."""
    if value is None:
        return False
    if item.type is ItemType.TEXT:
        return isinstance(value, str) and bool(value.strip())
    return item.type is not ItemType.PHOTO


def item_score(item: Item, value: object) -> float | None:
    """The item's score in [0, 1] for a valid answer; None for N/A, no answer or unscored."""
    if value is None or value == NA or not item.scored:
        return None
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
    if value is None or value == NA or not item.scored:
        return False
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
        shown[item_id] = all(
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

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready: the numbers exact, the words in `lang`, plus the readable breakdown."""
        lang = normalise(lang)
        cl = self.checklist
        return {
            "checklist": {
                "id": cl.id,
                "kind": cl.kind.value,
                "version": cl.version,
                "tier": cl.tier,
                "phase": cl.phase,
                "content_hash": cl.content_hash,
            },
            "total": self.total,
            "complete": self.complete,
            "voided": self.voided,
            "missing": list(self.missing),
            "ignored": list(self.ignored),
            "sections": [
                {
                    "id": s.section_id,
                    "title": s.title.get(lang),
                    "weight": s.weight,
                    "score": s.score,
                    "raw_score": s.raw_score,
                    "vetoed": s.vetoed,
                    "items": [
                        {
                            "id": i.item_id,
                            "status": i.status,
                            "score": i.score,
                            "weight": i.weight,
                            "failed": i.failed,
                        }
                        for i in s.items
                    ],
                }
                for s in self.sections
            ],
            "vetoes": [
                {
                    "item": v.item_id,
                    "section": v.section_id,
                    "scope": v.scope.value,
                    "label": v.label.get(lang),
                    "reason": v.reason.get(lang),
                }
                for v in self.vetoes
            ],
            "breakdown": self.breakdown(lang),
        }

    def breakdown(self, lang: str = "zh") -> list[str]:
        """Lines a person reads: the total first, then each section, vetoes spelt out."""
        lang = normalise(lang)
        items = self.checklist.items
        sep = list_sep(lang)
        lines: list[str] = []
        if self.total is None:
            head = t("score.total_none", lang)
        else:
            head = t("score.total", lang, score=format_score(self.total))
        if self.voided:
            reasons = sep.join(_reason(v.reason, lang) for v in self.vetoes
                               if v.scope is VetoScope.VISIT)
            head += t("score.voided", lang, reasons=reasons)
        if not self.complete:
            head += t("score.incomplete", lang, count=len(self.missing))
        lines.append(head)
        for s in self.sections:
            title = s.title.get(lang)
            if s.score is None:
                lines.append(t("score.section_none", lang, title=title))
                continue
            line = t("score.section", lang, title=title, score=format_score(s.score))
            if s.vetoed:
                reasons = sep.join(
                    _reason(v.reason, lang) for v in self.vetoes
                    if v.section_id == s.section_id and v.scope is VetoScope.SECTION
                )
                line += t("score.section_vetoed", lang, reasons=reasons)
            lines.append(line)
            failed = [items[i.item_id].label.get(lang) for i in s.items if i.failed]
            if failed:
                lines.append("  " + t("score.failed_items", lang, items=sep.join(failed)))
        if self.missing:
            labels = sep.join(items[i].label.get(lang) for i in self.missing)
            lines.append(t("score.missing_items", lang, items=labels))
        if self.ignored:
            lines.append(t("score.ignored_items", lang, items=", ".join(self.ignored)))
        return lines


def format_score(value: float) -> str:
    """A score as people read it: one decimal, none when whole (72.5, 100, 66.7)."""
    rounded = round(value + 0.0, 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"


def list_sep(lang: str | None) -> str:
    """How a list of labels is joined: 、 in Chinese, a comma in English."""
    return ", " if normalise(lang) == "en" else "、"


def _reason(reason: Text, lang: str) -> str:
    """A veto reason inside a sentence ("veto: staff not in uniform"); acronyms stay."""
    text = reason.get(lang)
    if lang == "en" and len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# --- the score -------------------------------------------------------------------------


def score(checklist: ResolvedChecklist, answers: Mapping[str, object]) -> ScoreResult:
    """Score `answers` (item id -> valid value, see validate_answer) on `checklist`."""
    items = checklist.items
    ignored = [k for k in answers if k not in items]
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
            elif not item.scored:
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
                s = item_score(item, value)
                failed = item_failed(item, value)
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
