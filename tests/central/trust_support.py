"""Shared set-up of the trust tests (re-scoring, identity, bad input): honest visits made up
for any resolved checklist, and the uploads a device would send for them.

`honest_visit` plays a careful inspector: it answers every shown item with a value the
item can take (failing some, vetoes included), and adds what finalising asks for (photos,
notes, veto evidence), so the device would finalise it and the server must accept it.
"""

from __future__ import annotations

import hashlib
import random
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.checklists import ItemType, ResolvedChecklist, default_checklists_path
from app.checklists.evaluation import Photo, finalise_problems
from app.checklists.scoring import NA, item_failed, score, visibility
from app.sync.protocol import InspectionUpload

SHIPPED = default_checklists_path()


@dataclass
class Visit:
    answers: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    photos: dict[str, int] = field(default_factory=dict)  # item id -> camera photos


def _value(item: Any, rng: random.Random, fail_rate: float) -> Any:
    if item.allow_na and rng.random() < 0.05:
        return NA
    kind = item.type
    if kind is ItemType.YES_NO:
        return item.pass_if if rng.random() >= fail_rate else not item.pass_if
    if kind is ItemType.SCALE:
        return rng.randint(item.min, item.max)
    if kind is ItemType.NUMBER:
        lo = item.min if item.min is not None else 0
        edges = [b for band in item.bands or [] for b in (band.min, band.max) if b is not None]
        hi = item.max if item.max is not None else max([lo + 10, *edges]) * 2
        raw = rng.uniform(lo, hi)
        return int(raw) if rng.random() < 0.5 else round(raw, 1)
    if kind is ItemType.CHOICE:
        return rng.choice([o.id for o in item.options or []])
    if kind is ItemType.TEXT:
        return rng.choice(["排队 3 分钟", "ok", "店员很热情"]) if rng.random() < 0.7 else None
    return None  # photo items take no value


def honest_visit(checklist: ResolvedChecklist, seed: int, fail_rate: float = 0.15) -> Visit:
    """Random valid answers for every shown item, plus the evidence finalising needs."""
    rng = random.Random(seed)
    visit = Visit()
    for item_id, item in checklist.items.items():
        if not visibility(checklist, visit.answers)[item_id]:
            continue
        if item.type is ItemType.PHOTO:
            if item.is_required or rng.random() < 0.3:
                visit.photos[item_id] = rng.randint(1, 2)
            continue
        value = _value(item, rng, fail_rate)
        if value is None:
            continue
        visit.answers[item_id] = value
        if item_failed(item, value) and rng.random() < 0.5:
            visit.notes[item_id] = "现场记录"
    for _ in range(10):  # what finalising still asks for: add it, as the inspector would
        photos = {i: [Photo("camera")] * n for i, n in visit.photos.items()}
        missing = finalise_problems(checklist, visit.answers, visit.notes, photos)
        if not missing:
            return visit
        for m in missing:
            item = checklist.items[m.item_id]
            if m.reason == "answer_required":
                value = _value(item, random.Random(seed + 1), 0.0)
                visit.answers[m.item_id] = "无" if value is None else value
            elif m.reason in ("photo_required", "camera_photo_required"):
                visit.photos[m.item_id] = 1
            else:
                visit.notes[m.item_id] = "证据：现场记录"
    raise AssertionError(f"could not make an honest visit of {checklist.id}")


def photo_sha(item_id: str, n: int) -> str:
    return hashlib.sha256(f"{item_id}-{n}".encode()).hexdigest()


def upload_body(checklist: ResolvedChecklist, visit: Visit, *, device_id: str,
                inspector_id: str, outlet: str, claim: float | str | None = "honest",
                status: str = "finalized", finalized_at: datetime | None = None,
                minutes: float = 25, uuid: str | None = None, **over: Any) -> dict[str, Any]:
    """The InspectionUpload a device sends for `visit` (JSON), claiming the honest score
    unless `claim` says otherwise."""
    result = score(checklist, visit.answers)
    done = finalized_at or datetime.now(UTC) - timedelta(hours=1)
    started = done - timedelta(minutes=minutes)
    photos = [{"sha256": photo_sha(item, n), "size": 1000 + n, "item_id": item,
               "source": "camera"} for item, count in visit.photos.items()
              for n in range(count)]
    body: dict[str, Any] = {
        "uuid": uuid or str(uuidlib.uuid4()), "device_id": device_id, "outlet_code": outlet,
        "kind": checklist.kind.value, "tier": checklist.tier, "phase": checklist.phase,
        "inspector_id": inspector_id, "checklist_id": checklist.id,
        "checklist_version": checklist.version, "checklist_hash": checklist.content_hash,
        "created_seq": 1, "started_at": started.isoformat(),
        "finalized_at": done.isoformat() if status == "finalized" else None,
        "status": status,
        "score": None if status != "finalized" else {
            "total": result.total if claim == "honest" else claim,
            "complete": result.complete, "voided": result.voided,
            "veto_count": len(result.vetoes), "detail": result.to_dict("zh")},
        "answers": [{"item_id": i, "value": v, "note": visit.notes.get(i)}
                    for i, v in visit.answers.items()]
        + [{"item_id": i, "value": None, "note": n} for i, n in visit.notes.items()
           if i not in visit.answers],
        "photos": photos,
        "vetoes": [{"item_id": v.item_id, "section_id": v.section_id, "scope": v.scope.value,
                    "note": visit.notes.get(v.item_id)} for v in result.vetoes],
    }
    body.update(over)
    return InspectionUpload.model_validate(body).model_dump(mode="json")
