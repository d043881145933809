"""The audit log of results: every transition appended (who, when, from -> to, why), never
edited. Callers append inside their own transaction, so a transition and its audit line
commit together or not at all."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.central.models import AuditEntry, utcnow

ActorKind = Literal["device", "manager", "system"]


def record(s: Session, *, inspection_uuid: str, actor_kind: ActorKind, actor_id: str | None,
           action: str, from_state: str | None = None, to_state: str | None = None,
           reason: str | None = None) -> None:
    """Append one line inside the caller's transaction (it commits with it or not at all).
    A plain INSERT, no object to track: every upload that enters review appends one."""
    s.execute(_APPEND, {"inspection_uuid": inspection_uuid, "at": utcnow(),
                        "actor_kind": actor_kind, "actor_id": actor_id, "action": action,
                        "from_state": from_state, "to_state": to_state, "reason": reason})


_APPEND = insert(AuditEntry.__table__)  # type: ignore[attr-defined]


def trail(s: Session, inspection_uuid: str) -> list[AuditEntry]:
    """Every line for one result, oldest first."""
    return list(s.exec(select(AuditEntry).where(AuditEntry.inspection_uuid == inspection_uuid)
                       .order_by(col(AuditEntry.id))).all())
