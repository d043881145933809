"""What the endpoint makes of an upload before anything is stored: who may file it, whether
it is a result the programme can stand behind, and the server's own score and flags.

* Identity (`authorise`, 403): the upload's inspector is the token's inspector, the
  inspector's role decides the kind (a mystery shopper files mystery shops, an area manager
  open inspections and corrective actions, an outlet kiosk self-checks of its own outlet),
  and an amendment comes from the inspector who filed the original.
* Trust (`assess`, 422): the checklist is one the server issued (by content hash) and the
  upload matches it, every answer is to an item it has and is a value that item can take,
  and a finalised visit has every required answer and its veto evidence. Then the answers
  are scored with the same code the device uses (`app.checklists.scoring`) against that
  definition; the device's own score is kept only as a claim.
* Flags, shown to reviewers: `score_disagreement` (the claim is not the server's score),
  `veto` (a 一票否决 fired), `rotation` (the same shopper at the same outlet within three
  months, from the server's data of every device), `short_visit`, `late_upload`.

Nothing here speaks HTTP: refusals are ApiErrors the API layer renders.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_core import to_json
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.central.checklists import ChecklistSource
from app.central.errors import ApiError, Part
from app.central.models import Device, Inspection, Inspector
from app.central.month import failed
from app.central.settings import ServerSettings
from app.checklists import Kind, ResolvedChecklist
from app.checklists.evaluation import Photo, finalise_problems
from app.checklists.scoring import ScoreResult, check_answers, score, visibility
from app.i18n import t
from app.programme import rotation
from app.sync.protocol import INT32_MAX, InspectionUpload

FLAG_SCORE_DISAGREEMENT = "score_disagreement"
FLAG_VETO = "veto"
FLAG_ROTATION = "rotation"
FLAG_SHORT_VISIT = "short_visit"
FLAG_LATE_UPLOAD = "late_upload"
FLAGS = (FLAG_SCORE_DISAGREEMENT, FLAG_VETO, FLAG_ROTATION, FLAG_SHORT_VISIT,
         FLAG_LATE_UPLOAD)
SCORE_TOLERANCE = 0.01  # a claim this close to the server's score agrees with it

# What each inspector role may file (Kind names in app/checklists/schema.py).
ROLE_KINDS: dict[str, frozenset[Kind]] = {
    "mystery_shopper": frozenset({Kind.MYSTERY_SHOP}),
    "area_manager": frozenset({Kind.OPEN_INSPECTION}),
    "outlet_agent": frozenset({Kind.SELF_CHECK}),
    "surveyor": frozenset({Kind.INTERCEPT}),  # 拦截调查 (issue 11)
}
ACTION_ROLES = frozenset({"area_manager"})  # who raises and follows up corrective actions
SNAPSHOT_LANGUAGE = "zh"


def _label(key: str) -> Part:
    return lambda lang: t(key, lang)


def _differs(field: str, theirs: object, ours: object) -> Part:
    return lambda lang: t("sync.api.field_differs", lang, field=field, theirs=theirs,
                          ours=ours if ours is not None else "-")


def _refuse(status: int, code: str, **params: Any) -> ApiError:
    return ApiError(status, code, f"sync.api.{code}", **params)


# --- identity ----------------------------------------------------------------------------


def authorise(s: Session, device: Device, upload: InspectionUpload) -> Inspector:
    """The inspector this upload is filed by, once the token may file it; 403 otherwise
    (422 for an amendment that does not match its original)."""
    if device.role == "manager":
        raise _refuse(403, "manager_cannot_file")
    if not device.inspector_id:
        raise _refuse(403, "no_inspector")
    if upload.inspector_id != device.inspector_id:
        raise _refuse(403, "wrong_inspector", mine=device.inspector_id,
                      theirs=upload.inspector_id)
    inspector = s.get(Inspector, device.inspector_id)
    if inspector is None or not inspector.active:
        raise _refuse(403, "inspector_inactive", id=device.inspector_id)
    role = inspector.role
    if upload.kind not in ROLE_KINDS.get(role, frozenset()):
        raise _refuse(403, "kind_not_allowed", role=_label(f"role.{role}"),
                      kind=_label(f"kind.{upload.kind.value}"))
    if (upload.actions or upload.action_updates) and role not in ACTION_ROLES:
        raise _refuse(403, "actions_not_allowed")
    if role == "outlet_agent":
        own = device.outlet_code or inspector.outlet_code
        if own is None:
            raise _refuse(403, "kiosk_unbound")
        if upload.outlet_code != own:
            raise _refuse(403, "outlet_not_allowed", own=own, outlet=upload.outlet_code)
    if upload.amends_uuid is not None:
        original = s.exec(select(Inspection.inspector_id, Inspection.kind,
                                 Inspection.outlet_code)
                          .where(Inspection.uuid == str(upload.amends_uuid))).first()
        if original is not None:
            if original[0] != upload.inspector_id:
                raise _refuse(403, "amend_not_allowed", owner=original[0])
            if original[1] != upload.kind.value or original[2] != upload.outlet_code:
                raise _refuse(422, "amend_mismatch")
    return inspector


# --- trust: the upload against the definition the server issued ----------------------------


@dataclass(frozen=True)
class Assessment:
    """The server's view of one upload: what is stored beside the device's body."""

    phase: str | None
    score_total: float | None
    device_score_total: float | None
    score_detail: str | None
    voided: bool
    veto_count: int
    time_on_site_s: int | None
    flags: list[str] = field(default_factory=list)
    failed_items: str | None = None  # the breakdown's failed items alone (month.failed)

    def columns(self) -> dict[str, Any]:
        return {"phase": self.phase, "score_total": self.score_total,
                "device_score_total": self.device_score_total,
                "score_detail": self.score_detail, "failed_items": self.failed_items,
                "voided": self.voided,
                "veto_count": self.veto_count, "time_on_site_s": self.time_on_site_s,
                "flags": json.dumps(self.flags)}


def claimed(upload: InspectionUpload) -> Assessment:
    """The upload taken at its word (no re-scoring): only the benchmark's baseline."""
    sc = upload.score
    return Assessment(phase=upload.phase, score_total=sc.total if sc else None,
                      device_score_total=sc.total if sc else None, score_detail=None,
                      voided=bool(sc and sc.voided), veto_count=sc.veto_count if sc else 0,
                      time_on_site_s=time_on_site(upload))


def definition_for(source: ChecklistSource, upload: InspectionUpload) -> ResolvedChecklist:
    """The definition the server issued under the upload's hash, matching what the upload
    says it is; 422 otherwise."""
    checklist = source.issued(upload.checklist_hash)
    if checklist is None:
        raise _refuse(422, "checklist_not_issued", checklist=upload.checklist_id,
                      hash=upload.checklist_hash[:12])
    theirs_ours: list[tuple[str, object, object]] = [
        ("checklist_id", upload.checklist_id, checklist.id),
        ("kind", upload.kind.value, checklist.kind.value),
        ("tier", upload.tier, checklist.tier),
        ("checklist_version", upload.checklist_version, checklist.version)]
    if upload.phase is not None:
        theirs_ours.append(("phase", upload.phase, checklist.phase))
    parts = [_differs(f, a, b) for f, a, b in theirs_ours if a != b]
    if parts:
        raise ApiError(422, "checklist_mismatch", "sync.api.checklist_mismatch",
                       parts=parts, checklist=checklist.id)
    return checklist


def assess(checklist: ResolvedChecklist, upload: InspectionUpload, *, received_at: datetime,
           settings: ServerSettings) -> tuple[Assessment, ScoreResult]:
    """Check the upload's answers against `checklist` and score them; 422 for answers to
    unknown items, values an item cannot take, and (finalised) anything that would block
    finalising on the device. The `rotation` flag needs the database: see rotation_flag."""
    items = checklist.items
    used = [a.item_id for a in upload.answers]
    used += [p.item_id for p in upload.photos if p.item_id is not None]
    used += [v.item_id for v in upload.vetoes]
    used += [a.item_id for a in upload.actions if a.item_id is not None]
    unknown = [i for i in dict.fromkeys(used) if i not in items]
    if unknown:
        raise _refuse(422, "unknown_items", checklist=checklist.id, items=", ".join(unknown[:20]),
                      count=len(unknown))
    twice = [i for i, n in Counter(a.item_id for a in upload.answers).items() if n > 1]
    if twice:
        raise _refuse(422, "duplicate_answers", items=", ".join(twice))
    raw = {a.item_id: a.value for a in upload.answers if a.value is not None}
    answers, problems = check_answers(checklist, raw)
    if problems:
        raise ApiError(422, "invalid_answers", "sync.api.invalid_answers",
                       parts=[p.message for p in problems], count=len(problems),
                       extra={"details": [{"item_id": p.item_id, "reason": p.key}
                                          for p in problems[:50]]})
    shown = visibility(checklist, answers)  # once, for finalising and for the score
    if upload.status == "finalized":
        notes = {a.item_id: a.note for a in upload.answers if a.note}
        photos: dict[str, list[Photo]] = {}
        for p in upload.photos:
            if p.item_id is not None:
                photos.setdefault(p.item_id, []).append(Photo(source=p.source))
        missing = finalise_problems(checklist, answers, notes, photos, shown=shown)
        if missing:
            raise ApiError(422, "not_finalisable", "sync.api.not_finalisable",
                           parts=[m.message for m in missing], count=len(missing),
                           extra={"details": [{"item_id": m.item_id, "reason": m.reason}
                                              for m in missing[:50]]})
    if upload.kind is Kind.INTERCEPT and upload.status == "finalized":  # issue 11
        from app.central.perception.checks import check_intercept

        check_intercept(answers)
    result = score(checklist, answers, shown=shown)
    claim = upload.score.total if upload.score is not None else None
    on_site = time_on_site(upload)
    flags: list[str] = []
    if upload.score is not None and disagrees(claim, result.total):
        flags.append(FLAG_SCORE_DISAGREEMENT)
    if result.vetoes:
        flags.append(FLAG_VETO)
    if upload.status == "finalized":
        if on_site is not None and on_site < settings.short_visit_minutes * 60:
            flags.append(FLAG_SHORT_VISIT)
        done = upload.amendment.at if upload.amendment is not None else upload.finalized_at
        if done is not None and received_at - done > timedelta(
                hours=settings.late_upload_hours):
            flags.append(FLAG_LATE_UPLOAD)
    breakdown = result.to_dict(SNAPSHOT_LANGUAGE)
    return Assessment(
        phase=checklist.phase, score_total=result.total, device_score_total=claim,
        score_detail=to_json(breakdown).decode(), failed_items=failed.compact(breakdown),
        voided=result.voided, veto_count=len(result.vetoes), time_on_site_s=on_site,
        flags=flags,
    ), result


def disagrees(claim: float | None, server: float | None) -> bool:
    if claim is None or server is None:
        return (claim is None) != (server is None)
    return abs(claim - server) > SCORE_TOLERANCE


def time_on_site(upload: InspectionUpload) -> int | None:
    """Seconds from check-in to check-out (their located times, else started and
    finalised); None while the visit is not finished. Never negative, never more than an
    INTEGER column holds."""
    start = (upload.location_start.at if upload.location_start is not None
             and upload.location_start.at is not None else upload.started_at)
    end = (upload.location_end.at if upload.location_end is not None
           and upload.location_end.at is not None else upload.finalized_at)
    if end is None:
        return None
    seconds = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()
    return int(min(max(seconds, 0), INT32_MAX))


# --- rotation: the programme's rule, from every device's visits ----------------------------


def covert_visits_query(inspector_id: str, since: datetime, until: datetime | None = None,
                        outlet_code: str | None = None
                        ) -> Select[str, datetime | None, str]:
    """A shopper's finished covert visits (not their corrections) finalised since `since`
    (index ix_inspections_rotation: inspector, kind, finalised time)."""
    stmt = (select(Inspection.outlet_code, Inspection.finalized_at, Inspection.uuid)
            .where(Inspection.inspector_id == inspector_id,
                   Inspection.kind == Kind.MYSTERY_SHOP.value,
                   col(Inspection.finalized_at) >= since,
                   Inspection.status == "finalized",
                   col(Inspection.amends_uuid).is_(None)))
    if until is not None:
        stmt = stmt.where(col(Inspection.finalized_at) <= until)
    if outlet_code is not None:
        stmt = stmt.where(Inspection.outlet_code == outlet_code)
    return stmt


# built once (it runs for every covert visit that arrives): the shopper's latest other
# finished visit to the outlet in the window before this one
_LATEST_PREVIOUS = (
    select(func.max(Inspection.finalized_at))
    .where(Inspection.inspector_id == bindparam("inspector"),
           Inspection.kind == Kind.MYSTERY_SHOP.value,
           Inspection.outlet_code == bindparam("outlet"),
           col(Inspection.finalized_at) >= bindparam("since"),
           col(Inspection.finalized_at) <= bindparam("until"),
           Inspection.status == "finalized", col(Inspection.amends_uuid).is_(None),
           Inspection.uuid != bindparam("uuid"))
)


def rotation_flag(s: Session, upload: InspectionUpload) -> bool:
    """A finished covert visit (not a correction) less than three months after the same
    shopper's previous visit to that outlet, as the server knows them from every device."""
    if (upload.kind is not Kind.MYSTERY_SHOP or upload.status != "finalized"
            or upload.amends_uuid is not None or upload.finalized_at is None):
        return False
    at = upload.finalized_at.astimezone(UTC)
    latest = s.execute(_LATEST_PREVIOUS, {
        "inspector": upload.inspector_id, "outlet": upload.outlet_code,
        "since": at - rotation.WINDOW, "until": at, "uuid": str(upload.uuid)}).scalar()
    previous: Iterable[datetime] = [_utc(latest)] if latest is not None else []
    return rotation.blocking_visit(previous, at) is not None


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
