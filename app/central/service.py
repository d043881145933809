"""What the endpoint does with what devices send: enrol, store inspections and photos
idempotently, keep conflicts for review, and answer the managers' read queries."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import overload
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, or_, update
from sqlalchemy import select as sa_select  # Core: more than sqlmodel's four columns
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import Session, col, select

from app.central import audit, ingest
from app.central.auth import hash_code, hash_secret, new_device_id, new_token
from app.central.context import ServerContext
from app.central.errors import ApiError, not_found, unauthorized
from app.central.models import (
    Assignment,
    Conflict,
    Device,
    EnrolAttempt,
    EnrolCode,
    Inspection,
    InspectionPhoto,
    Inspector,
    Outlet,
    Photo,
    utcnow,
)
from app.central.photos import PhotoHashMismatch, PhotoTooLarge
from app.central.settings import ServerSettings
from app.i18n import t
from app.programme import rotation
from app.sync.protocol import (
    API_VERSION,
    AssignmentList,
    AssignmentOut,
    ConflictOut,
    EnrolRequest,
    EnrolResponse,
    InspectionAck,
    InspectionDetail,
    InspectionPage,
    InspectionSummary,
    InspectionUpload,
    OutletOut,
    PhotoAck,
    RecentVisit,
    RecentVisits,
    canonical_json,
)

LAST_SEEN_EVERY = timedelta(minutes=1)


@overload
def as_utc(dt: datetime) -> datetime: ...
@overload
def as_utc(dt: None) -> None: ...
@overload
def as_utc(dt: datetime | None) -> datetime | None: ...


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time in the database is UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


# --- enrolment and tokens ----------------------------------------------------------------


def enrol(ctx: ServerContext, req: EnrolRequest, client: str | None = None) -> EnrolResponse:
    """Trade a one-time enrolment code for a device token (shown once, stored hashed).

    `client` (the caller's address) is throttled: after a few refused codes each further
    attempt waits longer (429 with Retry-After), so codes cannot be guessed in bulk.
    """
    now = utcnow()
    client = (client or "unknown")[:64]
    _throttle_enrolment(ctx, client, now)
    token = new_token()
    with ctx.session() as s:
        code = s.exec(select(EnrolCode).where(EnrolCode.code_hash == hash_code(req.code))).first()
        if (code is None or code.revoked_at is not None or code.used_at is not None
                or as_utc(code.expires_at) < now):
            s.add(EnrolAttempt(client=client, at=now))
            s.commit()
            raise ApiError(401, "invalid_enrol_code", "sync.api.invalid_enrol_code")
        device = Device(id=new_device_id(), name=req.device_name, platform=req.platform,
                        role=code.role, inspector_id=code.inspector_id,
                        outlet_code=code.outlet_code, token_hash=hash_secret(token),
                        created_at=now)
        # Claim the code atomically: of two devices racing with one code, one wins.
        claimed = s.execute(
            update(EnrolCode)
            .where(col(EnrolCode.id) == code.id, col(EnrolCode.used_at).is_(None))
            .values(used_at=now, used_by=device.id)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            raise ApiError(401, "invalid_enrol_code", "sync.api.invalid_enrol_code")
        s.add(device)
        s.execute(delete(EnrolAttempt).where(col(EnrolAttempt.client) == client))
        inspector = s.get(Inspector, code.inspector_id) if code.inspector_id else None
        s.commit()
    return EnrolResponse(
        device_id=device.id, token=token, role=device.role,  # type: ignore[arg-type]
        inspector_id=device.inspector_id,
        inspector_name=inspector.name if inspector else None,
        inspector_role=inspector.role if inspector else None, api_version=API_VERSION,
    )


def enrolment_delay(refusals: int, settings: ServerSettings) -> float:
    """How long an address waits after its latest refused code, given its recent refusals:
    nothing for the first few, then a delay that doubles with each refusal, capped."""
    over = refusals - settings.enrol_free_attempts
    if over < 0:
        return 0.0
    return min(settings.enrol_base_delay_s * 2.0 ** min(over, 40), settings.enrol_max_delay_s)


def _throttle_enrolment(ctx: ServerContext, client: str, now: datetime) -> None:
    since = now - timedelta(hours=ctx.settings.enrol_window_hours)
    with ctx.session() as s:
        count, last = s.exec(select(func.count(), func.max(EnrolAttempt.at))
                             .where(EnrolAttempt.client == client,
                                    col(EnrolAttempt.at) >= since)).one()
    if not count or last is None:
        return
    wait = enrolment_delay(count, ctx.settings)
    ready = as_utc(last) + timedelta(seconds=wait)
    if now < ready:
        seconds = max(1, math.ceil((ready - now).total_seconds()))
        raise ApiError(429, "too_many_attempts", "sync.api.enrol_throttled",
                       headers={"Retry-After": str(seconds)}, wait=_wait_text(seconds),
                       extra={"retry_after": seconds})


def _wait_text(seconds: int) -> Callable[[str], str]:
    if seconds < 120:
        return lambda lang: t("sync.api.wait_seconds", lang, n=seconds)
    return lambda lang: t("sync.api.wait_minutes", lang, n=math.ceil(seconds / 60))


def authenticate(ctx: ServerContext, token: str | None, s: Session | None = None) -> Device:
    """The device holding `token`; 401 for no token, an unknown one or a revoked one.

    `s`: look it up on that session (the one the request goes on with), not a new one."""
    if not token:
        raise unauthorized("sync.api.no_token")
    if s is None:
        with ctx.session() as own:
            return authenticate(ctx, token, own)
    device = s.exec(select(Device).where(Device.token_hash == hash_secret(token))).first()
    if device is None:
        raise unauthorized()
    if device.revoked_at is not None:
        raise unauthorized("sync.api.revoked")
    now = utcnow()
    seen = as_utc(device.last_seen_at)
    if seen is None or now - seen > LAST_SEEN_EVERY:
        s.execute(update(Device).where(col(Device.id) == device.id)
                  .values(last_seen_at=now))
        s.commit()
    return device


# --- pull: outlets, assignments -----------------------------------------------------------


def list_outlets(ctx: ServerContext) -> list[OutletOut]:
    with ctx.session() as s:
        rows = s.exec(select(Outlet).order_by(Outlet.code)).all()
    return [OutletOut(code=o.code, name=o.name, tier=o.tier, region=o.region,
                      business_unit=o.business_unit, address=o.address, active=o.active)
            for o in rows]


def list_assignments(ctx: ServerContext, device: Device) -> AssignmentList:
    if not device.inspector_id:
        return AssignmentList(inspector_id=None, assignments=[])
    with ctx.session() as s:
        rows = s.exec(
            select(Assignment)
            .where(Assignment.inspector_id == device.inspector_id,
                   col(Assignment.done).is_(False))
            .order_by(col(Assignment.due_by).is_(None), col(Assignment.due_by), col(Assignment.id))
        ).all()
    return AssignmentList(
        inspector_id=device.inspector_id,
        assignments=[AssignmentOut(id=a.id, outlet_code=a.outlet_code,  # type: ignore[arg-type]
                                   inspector_id=a.inspector_id, kind=a.kind,  # type: ignore[arg-type]
                                   due_from=a.due_from, due_by=a.due_by, note=a.note)
                     for a in rows],
    )


# --- photos --------------------------------------------------------------------------------


def missing_photos(ctx: ServerContext, hashes: list[str]) -> list[str]:
    """Of `hashes`, those the server does not hold yet (in the order asked, once each)."""
    wanted = list(dict.fromkeys(hashes))
    if not wanted:
        return []
    with ctx.session() as s:
        have = set(s.exec(select(Photo.sha256).where(col(Photo.sha256).in_(wanted))).all())
    return [h for h in wanted if h not in have]


def store_photo(ctx: ServerContext, device: Device, sha256: str, data: bytes) -> PhotoAck:
    """Verify and store a photo's bytes; uploading the same bytes again changes nothing."""
    if not data:
        raise ApiError(422, "empty_photo", "sync.api.empty_photo")
    try:
        stored = ctx.photos.put(sha256, [data], max_bytes=ctx.limits.max_photo_bytes)
    except PhotoHashMismatch as exc:
        raise ApiError(422, "hash_mismatch", "sync.api.hash_mismatch",
                       expected=exc.expected, actual=exc.actual) from None
    except PhotoTooLarge as exc:
        raise ApiError(413, "too_large", "sync.api.too_large", limit=exc.limit) from None
    with ctx.session() as s:
        if s.get(Photo, sha256) is not None:
            return PhotoAck(ack="photo", sha256=sha256, size=stored.size, stored="unchanged")
        s.add(Photo(sha256=sha256, size=stored.size, device_id=device.id))
        try:
            s.commit()
            created = True
        except IntegrityError:  # the same photo from another request, a moment earlier
            s.rollback()
            created = False
    return PhotoAck(ack="photo", sha256=sha256, size=stored.size,
                    stored="created" if created else "unchanged")


def photo_owner_or_manager(ctx: ServerContext, device: Device, sha256: str) -> Photo:
    with ctx.session() as s:
        photo = s.get(Photo, sha256)
    if photo is None or (device.role != "manager" and photo.device_id != device.id):
        raise not_found("sync.api.photo_not_found")
    return photo


# --- inspections ---------------------------------------------------------------------------


class ConflictError(ApiError):
    def __init__(self, uuid: UUID, conflict_id: int, reason: str,
                 stored_body_sha256: str | None) -> None:
        super().__init__(
            409, "conflict", f"sync.api.conflict.{reason}",
            extra={"uuid": str(uuid), "conflict_id": conflict_id,
                   "stored_body_sha256": stored_body_sha256},
        )


def put_inspection(ctx: ServerContext, device: Device, uuid: UUID,
                   upload: InspectionUpload, *, rescore: bool = True) -> InspectionAck:
    """Store an inspection keyed by its device-made UUID.

    Same body again: a no-op success. Otherwise the token must be allowed to file it (403,
    see ingest.authorise) and it must be a result the server can stand behind: it is
    re-scored against the definition the server issued and refused with a reason (422)
    when it cannot be (see ingest.assess); nothing is stored then. A draft may be replaced
    (by its own device) until it is finalized. A different body for a stored finalized
    inspection, or any body for another device's inspection, is refused with 409 and kept
    in `conflicts` for a person to review (up to a cap per device).

    `rescore=False` takes the device's score at its word (everything else, the rotation
    flag included, as always): only for the benchmark's baseline, never from the API.
    """
    return _put(ctx, lambda _s: device, uuid, upload, rescore)


def put_inspection_with_token(ctx: ServerContext, token: str | None, uuid: UUID,
                              upload: InspectionUpload) -> InspectionAck:
    """`put_inspection` for the holder of `token` (401 otherwise), looked up on the
    session that stores the upload: one connection and one transaction per upload."""
    return _put(ctx, lambda s: authenticate(ctx, token, s), uuid, upload, True)


def _put(ctx: ServerContext, identify: Callable[[Session], Device], uuid: UUID,
         upload: InspectionUpload, rescore: bool) -> InspectionAck:
    raw: bytes | None = None
    for _ in range(3):  # an insert can lose a race with the same upload on another connection
        try:
            with ctx.session() as s:
                device = identify(s)
                if upload.uuid != uuid:
                    raise ApiError(422, "uuid_mismatch", "sync.api.uuid_mismatch")
                if upload.device_id != device.id:
                    raise ApiError(422, "device_mismatch", "sync.api.device_mismatch")
                if raw is None:
                    raw = canonical_json(upload)
                return _put_inspection_once(ctx, s, device, upload, raw.decode(),
                                            hashlib.sha256(raw).hexdigest(), rescore)
        except IntegrityError:
            continue
    raise ApiError(503, "busy", "sync.api.busy")


def _put_inspection_once(ctx: ServerContext, s: Session, device: Device,
                         upload: InspectionUpload, body: str, body_hash: str,
                         rescore: bool) -> InspectionAck:
    uuid = str(upload.uuid)
    now = utcnow()
    row = s.execute(_STORED, {"uuid": uuid}).first()
    if row is not None and row.body_sha256 == body_hash and row.device_id == device.id:
        return _ack(uuid, row.body_sha256, row.status, row.received_at, "unchanged",
                    _missing_for(s, row.seq))
    ingest.authorise(s, device, upload)
    if rescore:
        checklist = ingest.definition_for(ctx.checklists, upload)
        assessment, _ = ingest.assess(checklist, upload, received_at=now,
                                      settings=ctx.settings)
    else:
        assessment = ingest.claimed(upload)
    if row is not None and row.device_id != device.id:
        conflict: tuple[str, str | None] | None = ("other_device", None)
    elif row is not None and row.status == "finalized":
        conflict = ("finalized_differs", row.body_sha256)
    else:
        conflict = None
    if conflict is not None:
        s.rollback()
        cid = _keep_conflict(ctx, device, upload, body, body_hash, *conflict)
        raise ConflictError(upload.uuid, cid, conflict[0], conflict[1])
    columns = assessment.columns()
    if ingest.rotation_flag(s, upload):  # not a score: checked in both modes
        columns["flags"] = json.dumps([*assessment.flags, ingest.FLAG_ROTATION])
    first_result = upload.status == "finalized" and (row is None
                                                      or row.status != "finalized")
    fields = {
        "device_id": device.id, "inspector_id": upload.inspector_id,
        "outlet_code": upload.outlet_code, "kind": upload.kind.value, "tier": upload.tier,
        "status": upload.status, "checklist_id": upload.checklist_id,
        "checklist_version": upload.checklist_version,
        "checklist_hash": upload.checklist_hash,
        "started_at": upload.started_at.astimezone(UTC),
        "finalized_at": upload.finalized_at.astimezone(UTC) if upload.finalized_at else None,
        "amends_uuid": str(upload.amends_uuid) if upload.amends_uuid else None,
        "body_sha256": body_hash, "body": body, "updated_at": now, **columns,
    }
    if row is None:  # plain INSERTs: nothing of it is needed as an object afterwards
        seq: int = s.execute(_INSERT_INSPECTION, {"uuid": uuid, "received_at": now,
                                                  **fields}).scalar_one()
        received_at, stored = now, "created"
    else:  # a draft replaced by a newer state of itself
        s.execute(update(_INSPECTIONS).where(_INSPECTIONS.c.seq == row.seq).values(**fields))
        s.execute(_PHOTO_LINKS.delete().where(_PHOTO_LINKS.c.inspection_seq == row.seq))
        seq, received_at, stored = row.seq, row.received_at, "updated"
    hashes = upload.photo_hashes()
    if hashes:
        s.execute(insert(_PHOTO_LINKS), [{"inspection_seq": seq, "sha256": sha}
                                         for sha in hashes])
    if first_result:  # the result enters review: its first audit line, same transaction
        audit.record(s, inspection_uuid=uuid, actor_kind="device", actor_id=device.id,
                     action="received", to_state="received")
    # what is still to come, asked inside the transaction (no second one after the commit)
    missing = _missing_for(s, seq) if hashes else []
    s.commit()
    return _ack(uuid, body_hash, upload.status, received_at, stored, missing)


_INSPECTIONS = Inspection.__table__  # type: ignore[attr-defined]
_PHOTO_LINKS = InspectionPhoto.__table__  # type: ignore[attr-defined]
_INSERT_INSPECTION = insert(_INSPECTIONS).returning(_INSPECTIONS.c.seq)
# what deciding about an upload needs of the stored inspection with its uuid (no body)
_STORED = sa_select(_INSPECTIONS.c.seq, _INSPECTIONS.c.device_id, _INSPECTIONS.c.status,
                 _INSPECTIONS.c.body_sha256, _INSPECTIONS.c.received_at).where(
                     _INSPECTIONS.c.uuid == bindparam("uuid"))
_PHOTOS = Photo.__table__  # type: ignore[attr-defined]
# the photos an inspection lists that have not arrived yet
_MISSING = (sa_select(_PHOTO_LINKS.c.sha256)
            .select_from(_PHOTO_LINKS.outerjoin(_PHOTOS,
                                                _PHOTOS.c.sha256 == _PHOTO_LINKS.c.sha256))
            .where(_PHOTO_LINKS.c.inspection_seq == bindparam("seq"), _PHOTOS.c.sha256.is_(None))
            .order_by(_PHOTO_LINKS.c.sha256))


def _ack(uuid: str, body_sha256: str, status: str, received_at: datetime, stored: str,
         missing: list[str]) -> InspectionAck:
    return InspectionAck(
        ack="inspection", uuid=UUID(uuid), body_sha256=body_sha256, stored=stored,  # type: ignore[arg-type]
        status=status, complete=status == "finalized" and not missing,  # type: ignore[arg-type]
        missing_photos=missing, received_at=as_utc(received_at),
    )


def _missing_for(s: Session, seq: int) -> list[str]:
    return list(s.execute(_MISSING, {"seq": seq}).scalars())


def _keep_conflict(ctx: ServerContext, device: Device, upload: InspectionUpload, body: str,
                   body_hash: str, reason: str, stored_hash: str | None) -> int:
    """Record the refused upload once (the same refused body again is the same conflict)."""
    uuid = str(upload.uuid)

    def existing(s: Session) -> Conflict | None:
        return s.exec(select(Conflict).where(
            Conflict.uuid == uuid, Conflict.device_id == device.id,
            Conflict.body_sha256 == body_hash)).first()

    with ctx.session() as s:
        found = existing(s)
        if found is not None:
            return found.id  # type: ignore[return-value]
        kept = s.exec(select(func.count()).select_from(Conflict)
                      .where(Conflict.device_id == device.id)).one()
        if kept >= ctx.settings.max_conflicts_per_device:
            raise ApiError(409, "conflict_limit", "sync.api.conflict_limit", count=kept,
                           extra={"uuid": uuid, "conflict_id": None,
                                  "stored_body_sha256": stored_hash})
        row = Conflict(uuid=uuid, device_id=device.id, reason=reason, body_sha256=body_hash,
                       stored_body_sha256=stored_hash, body=body)
        s.add(row)
        try:
            s.commit()
            return row.id  # type: ignore[return-value]
        except IntegrityError:
            s.rollback()
            return existing(s).id  # type: ignore[union-attr,return-value]


# --- reads for managers and scripts ------------------------------------------------------


def _photo_counts() -> tuple[ScalarSelect[int], ScalarSelect[int]]:
    total = (select(func.count()).select_from(InspectionPhoto)
             .where(InspectionPhoto.inspection_seq == Inspection.seq)
             .correlate(Inspection).scalar_subquery())
    missing = (select(func.count()).select_from(InspectionPhoto)
               .outerjoin(Photo, col(Photo.sha256) == col(InspectionPhoto.sha256))
               .where(InspectionPhoto.inspection_seq == Inspection.seq,
                      col(Photo.sha256).is_(None))
               .correlate(Inspection).scalar_subquery())
    return total, missing


def _summary(row: Inspection, total: int, missing: int) -> InspectionSummary:
    return InspectionSummary(
        seq=row.seq, uuid=UUID(row.uuid), device_id=row.device_id,  # type: ignore[arg-type]
        inspector_id=row.inspector_id, outlet_code=row.outlet_code, kind=row.kind,
        tier=row.tier, status=row.status, started_at=as_utc(row.started_at),  # type: ignore[arg-type]
        finalized_at=as_utc(row.finalized_at), received_at=as_utc(row.received_at),
        phase=row.phase, score_total=row.score_total,
        device_score_total=row.device_score_total, voided=bool(row.voided),
        veto_count=row.veto_count or 0, flags=_flags(row.flags),
        time_on_site_s=row.time_on_site_s,
        amends_uuid=UUID(row.amends_uuid) if row.amends_uuid else None,
        photo_count=total, photos_missing=missing,
        complete=row.status == "finalized" and missing == 0, body_sha256=row.body_sha256,
    )


def _flags(raw: str | None) -> list[str]:
    try:
        flags = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(f) for f in flags] if isinstance(flags, list) else []


def recent_visits(ctx: ServerContext, device: Device, now: datetime | None = None
                  ) -> RecentVisits:
    """The token's shopper's covert visits of the rotation window, newest first, from every
    device (a manager's token, or a device without an inspector, has none)."""
    since = (now or utcnow()) - rotation.WINDOW
    if device.role == "manager" or not device.inspector_id:
        return RecentVisits(inspector_id=None, since=since, visits=[])
    stmt = (ingest.covert_visits_query(device.inspector_id, since)
            .order_by(col(Inspection.finalized_at).desc()).limit(1000))
    with ctx.session() as s:
        rows = s.exec(stmt).all()
    return RecentVisits(inspector_id=device.inspector_id, since=since,
                        visits=[RecentVisit(outlet_code=r[0], finalized_at=as_utc(r[1]))  # type: ignore[arg-type]
                                for r in rows])


def list_inspections(ctx: ServerContext, *, after: int = 0, limit: int = 100,
                     outlet: str | None = None, device_id: str | None = None,
                     status: str | None = None, complete: bool | None = None
                     ) -> InspectionPage:
    total, missing = _photo_counts()
    stmt = (select(Inspection, total, missing).options(defer(Inspection.body))  # type: ignore[arg-type]
            .where(col(Inspection.seq) > after))
    if outlet is not None:
        stmt = stmt.where(Inspection.outlet_code == outlet)
    if device_id is not None:
        stmt = stmt.where(Inspection.device_id == device_id)
    if status is not None:
        stmt = stmt.where(Inspection.status == status)
    if complete is True:
        stmt = stmt.where(Inspection.status == "finalized", missing == 0)
    elif complete is False:
        stmt = stmt.where(or_(col(Inspection.status) != "finalized", missing > 0))
    stmt = stmt.order_by(col(Inspection.seq)).limit(limit + 1)
    with ctx.session() as s:
        rows = s.exec(stmt).all()
    items = [_summary(r, t, m) for r, t, m in rows[:limit]]
    return InspectionPage(items=items,
                          next_after=items[-1].seq if len(rows) > limit and items else None)


def get_inspection(ctx: ServerContext, device: Device, uuid: UUID) -> InspectionDetail:
    total, missing = _photo_counts()
    with ctx.session() as s:
        found = s.exec(select(Inspection, total, missing)
                       .where(Inspection.uuid == str(uuid))).first()
        if found is None or (device.role != "manager" and found[0].device_id != device.id):
            raise not_found("sync.api.inspection_not_found")
        row, t, m = found
        missing_list = _missing_for(s, row.seq or 0)
    return InspectionDetail(summary=_summary(row, t, m), missing_photos=missing_list,
                            body=InspectionUpload.model_validate_json(row.body))


def list_conflicts(ctx: ServerContext, after: int = 0, limit: int = 100) -> list[ConflictOut]:
    with ctx.session() as s:
        rows = s.exec(select(Conflict).where(col(Conflict.id) > after)
                      .order_by(col(Conflict.id)).limit(limit)).all()
    return [ConflictOut(id=c.id, uuid=UUID(c.uuid), device_id=c.device_id,  # type: ignore[arg-type]
                        received_at=as_utc(c.received_at), reason=c.reason,
                        body_sha256=c.body_sha256, stored_body_sha256=c.stored_body_sha256,
                        body=json.loads(c.body))
            for c in rows]
