"""The checklist rules as the services use them: one place that calls the pure domain
(`app.checklists.scoring` and `app.checklists.evaluation`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.checklists.evaluation import Missing, finalise_problems
from app.checklists.resolve import ResolvedChecklist
from app.checklists.schema import Item, PhotoSource
from app.checklists.scoring import (
    ScoreResult,
    is_answered,
    item_failed,
    validate_answer,
    visibility,
)
from app.checklists.scoring import score as _score

SNAPSHOT_LANGUAGE = "zh"


def validate(item: Item, value: Any) -> Any:
    """The value normalised for storing; raises InvalidAnswer (a UserError)."""
    return validate_answer(item, value)


def answered(item: Item, value: Any) -> bool:
    return is_answered(item, value)


def needs_camera(item: Item) -> bool:
    """The item accepts only photos taken now with the camera (fresh evidence)."""
    return item.photo_source is PhotoSource.CAMERA


def visible(checklist: ResolvedChecklist, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the items shown for these answers, in checklist order."""
    return [item_id for item_id, shown in visibility(checklist, answers).items() if shown]


def vetoed_items(checklist: ResolvedChecklist, veto_items: Mapping[str, Item],
                 answers: Mapping[str, Any]) -> list[str]:
    """Ids of the veto items that are shown and failed, in checklist order."""
    failing = [i for i, item in veto_items.items() if item_failed(item, answers.get(i))]
    if not failing or not any(veto_items[i].conditions for i in failing):
        return failing
    shown = visibility(checklist, answers)
    return [i for i in failing if shown.get(i, False)]


def score(checklist: ResolvedChecklist, answers: Mapping[str, Any]) -> ScoreResult:
    return _score(checklist, answers)


def problems(checklist: ResolvedChecklist, answers: Mapping[str, Any],
             notes: Mapping[str, str], photos: Mapping[str, Sequence[Any]]) -> list[Missing]:
    """Everything still missing before finalising (PhotoInfo has the `source` it needs)."""
    return finalise_problems(checklist, answers, notes, photos)


def score_facts(result: ScoreResult) -> dict[str, Any]:
    """What finalising stores: the JSON snapshot and the numbers lists show."""
    snapshot = result.to_dict(SNAPSHOT_LANGUAGE)
    snapshot["breakdown_en"] = result.breakdown("en")
    return {
        "snapshot": snapshot,
        "total": result.total,
        "complete": result.complete,
        "veto_count": len(result.vetoes),
    }
