"""Answers: what each item type takes, checked and normalised for storing. Pure.

Answer values (the contract shared with the store, the sync and the views):

===========  ==============================================================================
yes_no       True / False, or NA when the item allows it
scale        an int within [min, max], or NA when allowed
number       an int or float (within the item's min/max when given), or NA when allowed
choice       an option id (str), or NA when allowed
text         a str (unscored)
photo        no value: a photo item is satisfied by one or more attached photos
===========  ==============================================================================

`None` (or a missing key) means "not answered yet". Kept apart from scoring so that the
autosave path (validate one answer) and the server's check of an upload (check them all)
read the same rule without the scoring machinery.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from app.checklists.resolve import ResolvedChecklist
from app.checklists.schema import Item, ItemType
from app.errors import UserError
from app.i18n import normalise, t

NA = "na"


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
        head = t(self.key, lang, **self.params)
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
    if problems:
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


def is_answered(item: Item, value: object) -> bool:
    """Whether `value` answers the item (N/A counts; an empty text does not)."""
    if value is None:
        return False
    if item.type is ItemType.TEXT:
        return isinstance(value, str) and bool(value.strip())
    return item.type is not ItemType.PHOTO
