"""What still stands between a draft and a finished result. Pure: no I/O.

Before a visit is finalised (on site, before the inspector leaves) every visible required
item must be answered, every evidence rule satisfied, and every veto (一票否决) evidenced by a
photo or a note. `finalise_problems` lists everything still missing at once, in checklist
order, so the inspector can fix it all in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from app.checklists.answers import NA, is_answered
from app.checklists.resolve import ResolvedChecklist
from app.checklists.schema import ItemType, PhotoRule, PhotoSource, Text
from app.checklists.scoring import item_failed, visibility
from app.i18n import normalise, t

Reason = Literal[
    "answer_required",
    "photo_required",
    "camera_photo_required",
    "note_required",
    "veto_evidence_required",
    "perception_required",  # an intercept record without any perception (issue 11)
]

REASONS: tuple[Reason, ...] = (
    "answer_required",
    "photo_required",
    "camera_photo_required",
    "note_required",
    "veto_evidence_required",
    "perception_required",  # issue 11
)


class PhotoRef(Protocol):
    """What the rules need to know of an attached photo (a store row, a media record...)."""

    @property
    def source(self) -> str:  # "camera" | "gallery"
        ...


@dataclass(frozen=True)
class Photo:
    """A plain PhotoRef, for callers and tests that have nothing richer."""

    source: str = "camera"
    id: str | None = None


@dataclass(frozen=True)
class Missing:
    """One thing to do before the visit can be finalised."""

    item_id: str
    section_id: str
    reason: Reason
    label: Text  # the item's label, for the message

    def message(self, lang: str | None = None) -> str:
        lang = normalise(lang)
        return t(f"checklists.finalise.{self.reason}", lang, label=self.label.get(lang))


def _source(photo: object) -> str | None:
    if isinstance(photo, Mapping):
        return photo.get("source")
    return getattr(photo, "source", None)


def finalise_problems(
    checklist: ResolvedChecklist,
    answers: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
    photos: Mapping[str, Sequence[PhotoRef]] | None = None,
    *,
    shown: Mapping[str, bool] | None = None,
) -> list[Missing]:
    """Everything that blocks finalising, in checklist order (empty: ready to finalise).

    `answers` are valid values (see scoring.validate_answer), `notes` item id -> note text,
    `photos` item id -> the photos attached to it (anything with a `source`); `shown` is
    `visibility(checklist, answers)` when the caller has it already.

    Rules, for each visible item (a hidden item needs nothing):

    * a required item must be answered (a photo item: at least one photo);
    * `photo: always` needs a photo once the item is answered or required (not when N/A);
    * `photo: on_fail` needs a photo when the answer failed;
    * `photo_source: camera`: every attached photo must come from the camera;
    * `note_on_fail` needs a non-empty note when the answer failed;
    * a fired veto needs evidence, a photo or a note, unless a rule above already asks
      for one of them.
    """
    notes = notes or {}
    photos = photos or {}
    if shown is None:
        shown = visibility(checklist, answers)
    out: list[Missing] = []
    for sec in checklist.sections:
        for item in sec.items:
            if not shown[item.id]:
                continue
            value = answers.get(item.id)
            if (item.type is not ItemType.PHOTO and item.veto is None
                    and not item.note_on_fail and item.id not in photos
                    and item.photo is not PhotoRule.ALWAYS
                    and item.photo is not PhotoRule.ON_FAIL):
                # the common plain item: only its answer can be missing
                if item.is_required and not is_answered(item, value):
                    out.append(Missing(item.id, sec.id, "answer_required", item.label))
                continue
            attached = list(photos.get(item.id, ()))
            camera_only = item.photo_source is PhotoSource.CAMERA
            usable = [p for p in attached
                      if not camera_only or _source(p) == PhotoSource.CAMERA.value]
            note = (notes.get(item.id) or "").strip()
            answered = is_answered(item, value)
            failed = item_failed(item, value)
            reasons: list[Reason] = []

            if item.type is ItemType.PHOTO:
                needs_photo = item.is_required
            else:
                if item.is_required and not answered:
                    reasons.append("answer_required")
                needs_photo = (
                    item.photo is PhotoRule.ALWAYS and value != NA
                    and (answered or item.is_required)
                ) or (item.photo is PhotoRule.ON_FAIL and failed)
            if needs_photo and not attached:
                reasons.append("photo_required")
            elif attached and len(usable) < len(attached):
                reasons.append("camera_photo_required")
            if item.note_on_fail and failed and not note:
                reasons.append("note_required")
            if (failed and item.veto is not None and not usable and not note
                    and not reasons):
                reasons.append("veto_evidence_required")
            out.extend(Missing(item.id, sec.id, r, item.label) for r in reasons)
    out.extend(_intercept_problems(checklist, answers))  # customer perception (issue 11)
    return out


# --- customer perception (issue 11) -------------------------------------------------------
# An intercept record (one customer) may skip any question, but not every perception:
# without one it says nothing about the hall. Perception items are `p_<dimension>`.


def _intercept_problems(checklist: ResolvedChecklist, answers: Mapping[str, object]
                        ) -> list[Missing]:
    from app.checklists.schema import Kind

    if checklist.kind is not Kind.INTERCEPT:
        return []
    perceptions = [(sec.id, item) for sec in checklist.sections for item in sec.items
                   if item.id.startswith("p_")]
    if not perceptions or any(is_answered(item, answers.get(item.id))
                              for _, item in perceptions):
        return []
    section_id, first = perceptions[0]
    return [Missing(first.id, section_id, "perception_required", first.label)]


# --- end customer perception ---
