"""The sync client's reads and writes in the device store (its tables, its engine).

- the outbox: finalised inspections waiting to be sent, in the order they were made;
- turning one stored inspection into the `InspectionUpload` the server validates;
- marking an inspection sent in the same transaction that records the acknowledgement
  (or conflict / rejected / a retryable error, with the reason);
- pulled data: checklist definitions (kept by content hash; a draft keeps the definition
  it started with), outlets and the inspector's assignments.

Settings keys this module owns (values in the store's `setting` table):
  `server_device_id`     the device id the server gave at enrolment;
  `server_checklists`    JSON {"etag": ..., "current": {"<kind>/<tier>[/<phase>]": hash}}:
                         the definitions the server issues now, per phase and (without a
                         phase) the default phase's (rows in checklist_definition);
  `server_recent_visits` JSON {"inspector_id": ..., "visits": [[outlet, finalized_at]...]}:
                         the shopper's covert visits the server knows of (rotation rule);
  `sync_body.<uuid>`     an upload's exact body, kept from a failed attempt until it is
                         acknowledged, so a retry sends the very same bytes;
  `last_synced_at`       ISO time of the last sync that reached the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from app.checklists import ResolvedChecklist
from app.store import (
    Answer,
    Assignment,
    ChecklistDefinition,
    CorrectiveAction,
    Inspection,
    Inspector,
    Outlet,
    Photo,
    Setting,
    Status,
    Store,
    SyncState,
    VetoFlag,
)
from app.store.issued import (  # noqa: F401 - part of this module's API
    KEY_CHECKLISTS,
    KEY_RECENT_VISITS,
    current_checklists,
    current_definition,
    recent_covert_visits,
)
from app.store.issued import (
    checklists_etag as checklists_etag,
)
from app.sync.protocol import (
    AssignmentOut,
    InspectionAck,
    InspectionUpload,
    OutletOut,
    RecentVisits,
)

KEY_DEVICE_ID = "server_device_id"
KEY_LAST_SYNCED = "last_synced_at"
BODY_PREFIX = "sync_body."
ASSIGNMENT_PREFIX = "srv-"
MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
        ".webp": "image/webp", ".heic": "image/heic"}


def _tz(offset_min: int | None) -> timezone:
    return timezone(timedelta(minutes=offset_min or 0))


def _local(moment: datetime | None, offset_min: int | None) -> datetime | None:
    return None if moment is None else moment.astimezone(_tz(offset_min))


def _get(store: Store, key: str) -> str | None:
    with store.reading() as s:
        return s.execute(select(col(Setting.value)).where(col(Setting.key) == key)).scalar()


def _put(s: Any, key: str, value: str) -> None:
    stmt = sqlite_insert(Setting).values(key=key, value=value)
    s.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


# --- the outbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    uuid: str
    created_seq: int
    sync_error: str | None


def outbox(store: Store) -> list[OutboxItem]:
    """Finalised inspections waiting to be sent, oldest first (index: sync_state,
    created_seq)."""
    stmt = (select(col(Inspection.uuid), col(Inspection.created_seq), col(Inspection.sync_error))
            .where(col(Inspection.sync_state) == SyncState.QUEUED.value)
            .order_by(col(Inspection.created_seq)))
    with store.reading() as s:
        return [OutboxItem(*row) for row in s.execute(stmt)]


def waiting_count(store: Store) -> int:
    return len(outbox(store))


def needing_attention(store: Store) -> list[tuple[str, str, str | None]]:
    """(uuid, state, reason) of inspections the server refused or holds differently."""
    stmt = (select(col(Inspection.uuid), col(Inspection.sync_state), col(Inspection.sync_error))
            .where(col(Inspection.sync_state).in_([SyncState.CONFLICT.value,
                                              SyncState.REJECTED.value]))
            .order_by(col(Inspection.created_seq)))
    with store.reading() as s:
        return [(uuid, state, reason) for uuid, state, reason in s.execute(stmt)]


@dataclass(frozen=True)
class PreparedUpload:
    upload: InspectionUpload
    body: bytes  # the exact JSON sent (canonical; kept across retries)
    photo_files: dict[str, Path]  # sha256 -> the stored file on this device


def prepare_upload(store: Store, photos_dir: Path, uuid: str, device_id: str
                   ) -> PreparedUpload:
    """The upload for one stored inspection, read in one snapshot: its kept body if an
    earlier attempt got no answer, else built from the store now."""
    from app.sync.protocol import canonical_json

    with store.reading() as s:
        photos = list(s.execute(select(Photo).where(col(Photo.inspection_uuid) == uuid)
                                .order_by(col(Photo.id))).scalars())
        files = {p.sha256: photos_dir / p.file for p in photos}
        kept = s.execute(select(col(Setting.value))
                         .where(col(Setting.key) == BODY_PREFIX + uuid)).scalar()
        if kept is not None:
            upload = InspectionUpload.model_validate_json(kept)
            if upload.device_id == device_id:
                return PreparedUpload(upload, kept.encode(), files)
        upload = _build(s, uuid, device_id, photos)
    return PreparedUpload(upload, canonical_json(upload), files)


def keep_body(store: Store, prepared: PreparedUpload) -> None:
    """Keep the body of an attempt whose answer never came, so the retry is identical."""
    with store.writing() as s:
        _put(s, BODY_PREFIX + str(prepared.upload.uuid), prepared.body.decode())


def build_upload(store: Store, uuid: str, device_id: str) -> InspectionUpload:
    """The upload for one stored inspection as it is now (ValidationError if the stored
    data does not fit the protocol; LookupError for an unknown uuid)."""
    with store.reading() as s:
        photos = list(s.execute(select(Photo).where(col(Photo.inspection_uuid) == uuid)
                                .order_by(col(Photo.id))).scalars())
        return _build(s, uuid, device_id, photos)


def _build(s: Any, uuid: str, device_id: str, photos: list[Photo]) -> InspectionUpload:
    insp = s.get(Inspection, uuid)
    if insp is None:
        raise LookupError(uuid)
    answers = list(s.execute(select(Answer).where(col(Answer.inspection_uuid) == uuid)
                             .order_by(col(Answer.item_id))).scalars())
    vetoes = list(s.execute(select(VetoFlag).where(col(VetoFlag.inspection_uuid) == uuid)
                            .order_by(col(VetoFlag.id))).scalars())
    raised = list(s.execute(select(CorrectiveAction)
                            .where(col(CorrectiveAction.raised_in_uuid) == uuid)
                            .order_by(col(CorrectiveAction.raised_at),
                                      col(CorrectiveAction.id))).scalars())
    followed = list(s.execute(
        select(CorrectiveAction)
        .where(or_(col(CorrectiveAction.closed_in_uuid) == uuid,
                   col(CorrectiveAction.carried_in_uuid) == uuid))
        .order_by(col(CorrectiveAction.id))).scalars())
    start_tz, end_tz = insp.started_tz_offset_min, insp.finished_tz_offset_min
    score = json.loads(insp.score_json) if insp.score_json else None

    def loc(lat: float | None, lon: float | None,
            acc: float | None) -> dict[str, float | None] | None:
        return None if lat is None or lon is None else {"lat": lat, "lon": lon,
                                                        "accuracy_m": acc}

    body: dict[str, Any] = {
        "uuid": insp.uuid, "device_id": device_id, "outlet_code": insp.outlet_code,
        "kind": insp.kind, "tier": insp.tier, "phase": insp.phase,
        "inspector_id": insp.inspector_id, "checklist_id": insp.checklist_id,
        "checklist_version": insp.checklist_version, "checklist_hash": insp.checklist_hash,
        "created_seq": insp.created_seq,
        "started_at": _local(insp.started_at, start_tz),
        "finalized_at": _local(insp.finished_at, end_tz if end_tz is not None else start_tz),
        "location_start": loc(insp.checkin_lat, insp.checkin_lon, insp.checkin_accuracy_m),
        "location_end": loc(insp.checkout_lat, insp.checkout_lon, insp.checkout_accuracy_m),
        "status": insp.status,
        "score": None if insp.status != Status.FINALIZED.value else {
            "total": insp.total_score, "complete": insp.complete,
            "voided": bool(score.get("voided")) if isinstance(score, dict) else False,
            "veto_count": insp.veto_count or 0, "detail": score or {},
        },
        "answers": [{
            "item_id": a.item_id,
            "value": json.loads(a.value_json) if a.value_json is not None else None,
            "answered_at": _local(a.answered_at, start_tz), "note": a.note,
            "noted_at": _local(a.noted_at, start_tz),
        } for a in answers],
        "photos": [{
            "sha256": p.sha256, "item_id": p.item_id, "size": p.size_bytes,
            "width": p.width, "height": p.height,
            "captured_at": _local(p.captured_at, start_tz), "source": p.source,
            "content_type": MIME.get(Path(p.file).suffix.lower(), "image/jpeg"),
        } for p in photos],
        "vetoes": [{
            "item_id": v.item_id, "section_id": v.section_id, "scope": v.scope,
            "reason_zh": v.reason_zh, "reason_en": v.reason_en, "note": v.evidence_note,
            "photos": [v.evidence_photo] if v.evidence_photo else [],
            "raised_at": _local(v.raised_at, start_tz),
        } for v in vetoes],
        "actions": [{
            "uuid": a.id, "item_id": a.item_id, "description": a.description,
            "owner": a.owner, "due_date": a.due_date,
            "raised_at": _local(a.raised_at, start_tz),
        } for a in raised],
        "action_updates": [{
            "uuid": a.id,
            "change": "closed" if a.closed_in_uuid == uuid else "carried",
            "note": a.closing_note if a.closed_in_uuid == uuid else None,
            "due_date": None if a.closed_in_uuid == uuid else a.due_date,
            "at": _local(a.closed_at if a.closed_in_uuid == uuid else a.updated_at, start_tz),
        } for a in followed],
        "amends_uuid": insp.amends_uuid,
        "amendment": None if insp.amends_uuid is None else {
            "by": insp.amended_by, "at": _local(insp.amended_at, start_tz),
            "reason": insp.amend_reason,
        },
    }
    return InspectionUpload.model_validate(body)


# --- recording the outcome -------------------------------------------------------------------


def mark_sent(store: Store, uuid: str, ack: InspectionAck, now: datetime | None = None
              ) -> None:
    """The acknowledgement and the sent marks (the inspection and its photos) in one
    transaction: either all or none."""
    now = now or datetime.now(UTC)
    with store.writing() as s:
        s.execute(update(Inspection)
                  .where(col(Inspection.uuid) == uuid,
                         col(Inspection.sync_state) == SyncState.QUEUED.value)
                  .values(sync_state=SyncState.SENT.value, sync_error=None, synced_at=now))
        # its photos: each was acknowledged (or found on the server) before the inspection
        s.execute(update(Photo)
                  .where(col(Photo.inspection_uuid) == uuid,
                         col(Photo.sync_state) == SyncState.QUEUED.value)
                  .values(sync_state=SyncState.SENT.value))
        s.execute(delete(Setting).where(col(Setting.key) == BODY_PREFIX + uuid))
        _put(s, KEY_LAST_SYNCED, now.isoformat())


def mark_refused(store: Store, uuid: str, state: SyncState, reason: str) -> None:
    """409 -> conflict (flagged for review); 4xx -> rejected, with a readable reason."""
    with store.writing() as s:
        s.execute(update(Inspection).where(col(Inspection.uuid) == uuid)
                  .values(sync_state=state.value, sync_error=reason[:2000]))
        s.execute(delete(Setting).where(col(Setting.key) == BODY_PREFIX + uuid))


def note_error(store: Store, uuid: str, reason: str) -> None:
    """A retryable failure: the inspection stays in the outbox, with why it has not gone."""
    with store.writing() as s:
        s.execute(update(Inspection)
                  .where(col(Inspection.uuid) == uuid,
                         col(Inspection.sync_state) == SyncState.QUEUED.value)
                  .values(sync_error=reason[:2000]))


def record_contact(store: Store, now: datetime | None = None) -> None:
    with store.writing() as s:
        _put(s, KEY_LAST_SYNCED, (now or datetime.now(UTC)).isoformat())


def last_synced_at(store: Store) -> datetime | None:
    raw = _get(store, KEY_LAST_SYNCED)
    return datetime.fromisoformat(raw) if raw else None


def device_id(store: Store) -> str | None:
    return _get(store, KEY_DEVICE_ID)


def save_enrolment(store: Store, *, endpoint: str, token: str, device_id: str,
                   inspector_id: str | None, inspector_name: str | None,
                   inspector_role: str | None) -> None:
    """Endpoint, token, server device id (and the inspector the device acts for) at once."""
    with store.writing() as s:
        _put(s, "endpoint", endpoint)
        _put(s, "device_token", token)
        _put(s, KEY_DEVICE_ID, device_id)
        if inspector_id:
            _put(s, "inspector_id", inspector_id)
            person = s.get(Inspector, inspector_id)
            name = inspector_name or inspector_id
            role = inspector_role or "mystery_shopper"
            if person is None:
                s.add(Inspector(id=inspector_id, name=name, role=role))
            else:
                person.name, person.role = name, role


# --- pulled data -----------------------------------------------------------------------------


def apply_checklists(store: Store, etag: str, documents: list[dict[str, Any]],
                     now: datetime | None = None) -> int:
    """Store the issued definitions (new ones only: a definition is keyed by its content
    hash and never changes, so drafts keep theirs) and which one is current per kind, tier
    and phase. Returns how many definitions were new. A document whose content does not match
    its hash is refused (ValueError)."""
    now = now or datetime.now(UTC)
    parsed = []
    for doc in documents:
        checklist = ResolvedChecklist.model_validate(doc)
        if checklist.compute_hash() != checklist.content_hash:
            raise ValueError(f"checklist {checklist.id}/{checklist.tier}: content hash "
                             "does not match its content")
        parsed.append(checklist)
    # per kind x tier x phase, and per kind x tier the default phase: the server sends it
    # last within each kind x tier
    current = {}
    for c in parsed:
        current[f"{c.kind.value}/{c.tier}"] = c.content_hash
        if c.phase is not None:
            current[f"{c.kind.value}/{c.tier}/{c.phase}"] = c.content_hash
    new = 0
    with store.writing() as s:
        for c in parsed:
            result = s.execute(sqlite_insert(ChecklistDefinition).values(
                content_hash=c.content_hash, checklist_id=c.id, version=c.version,
                kind=c.kind.value, tier=c.tier, phase=c.phase, body=c.model_dump_json(),
                stored_at=now,
            ).on_conflict_do_nothing(index_elements=["content_hash"]))
            new += result.rowcount or 0  # type: ignore[attr-defined]
        _put(s, KEY_CHECKLISTS, json.dumps({"etag": etag, "current": current},
                                           sort_keys=True))
    return new


def apply_outlets(store: Store, outlets: list[OutletOut], families: dict[str, str],
                  now: datetime | None = None) -> int:
    """Add or update the server's active outlets (local-only outlets are left alone)."""
    now = now or datetime.now(UTC)
    changed = 0
    with store.writing() as s:
        existing = {o.code: o for o in s.execute(select(Outlet)).scalars()}
        for o in outlets:
            if not o.active:
                continue
            values = {"name": o.name, "tier": o.tier, "family": families.get(o.tier, ""),
                      "region": o.region or "", "business_unit": o.business_unit or "",
                      "address": o.address or ""}
            row = existing.get(o.code)
            if row is None:
                s.add(Outlet(code=o.code, updated_at=now, name=values["name"],
                             tier=values["tier"], family=values["family"],
                             region=values["region"], business_unit=values["business_unit"],
                             address=values["address"]))
                changed += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.updated_at = now
                changed += 1
    return changed


def apply_assignments(store: Store, assignments: list[AssignmentOut],
                      today: date | None = None) -> int:
    """Replace the server-assigned visits not yet done with the server's current list."""
    today = today or datetime.now().astimezone().date()
    ids = {f"{ASSIGNMENT_PREFIX}{a.id}" for a in assignments}
    with store.writing() as s:
        s.execute(delete(Assignment).where(col(Assignment.source) == "server",
                                           col(Assignment.done_uuid).is_(None),
                                           col(Assignment.id).not_in(ids)))
        for a in assignments:
            due = a.due_by or a.due_from or today
            stmt = sqlite_insert(Assignment).values(
                id=f"{ASSIGNMENT_PREFIX}{a.id}", outlet_code=a.outlet_code, kind=a.kind.value,
                inspector_id=a.inspector_id, due_date=due, source="server", note=a.note)
            s.execute(stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={"outlet_code": a.outlet_code, "kind": a.kind.value,
                      "inspector_id": a.inspector_id, "due_date": due, "note": a.note}))
    return len(assignments)


def apply_recent_visits(store: Store, recent: RecentVisits) -> int:
    """Keep the shopper's covert visits the server knows of (from every device), so the
    rotation rule blocks a repeat on this device too. Returns how many."""
    visits = [[v.outlet_code, v.finalized_at.astimezone(UTC).isoformat()]
              for v in recent.visits]
    with store.writing() as s:
        _put(s, KEY_RECENT_VISITS, json.dumps({"inspector_id": recent.inspector_id,
                                               "visits": visits}, sort_keys=True))
    return len(visits)


# --- results returned by a reviewer ----------------------------------------------------------


def apply_returns(store: Store, returns: list[Any]) -> int:
    """Keep the server's returned results (`ReturnedOut`) that this device holds, with the
    reviewer's reason (the `server_returned` setting, see app/store/returns.py). Returns
    how many of this device's results are returned."""
    from app.store import returns as stored

    with store.writing() as s:
        mine = stored.local_uuids(s, [str(r.uuid) for r in returns])
        data = {str(r.uuid): {
            "reason": r.reason,
            "returned_at": r.returned_at.isoformat() if r.returned_at else None,
            "superseded_by": str(r.superseded_by) if r.superseded_by else None,
        } for r in returns if str(r.uuid) in mine}
        _put(s, stored.KEY_RETURNED, json.dumps(data, sort_keys=True, ensure_ascii=False))
    return len(data)
