"""The audit log of results: every transition appended (who, when, from -> to, why), never
edited. Callers append inside their own transaction, so a transition and its audit line
commit together or not at all."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session, col, select

from app.central.models import AuditEntry, utcnow

ActorKind = Literal["device", "manager", "system"]


def record(s: Session, *, inspection_uuid: str, actor_kind: ActorKind, actor_id: str | None,
           action: str, from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None) -> AuditEntry:
    """Append one line (flushed, not committed: the caller's transaction decides)."""
    entry = AuditEntry(inspection_uuid=inspection_uuid, at=utcnow(), actor_kind=actor_kind,
                       actor_id=actor_id, action=action, from_state=from_state,
                       to_state=to_state, reason=reason)
    s.add(entry)
    s.flush()
    return entry


def trail(s: Session, inspection_uuid: str) -> list[AuditEntry]:
    """Every line for one result, oldest first."""
    return list(s.exec(select(AuditEntry).where(AuditEntry.inspection_uuid == inspection_uuid)
                       .order_by(col(AuditEntry.id))).all())
