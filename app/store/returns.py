"""Results a reviewer returned to this device's inspector, as pulled at the last sync.

The sync client keeps the server's list (GET /api/v1/returns) in the `server_returned`
setting: {"<uuid>": {"reason": ..., "returned_at": ISO, "superseded_by": uuid | null}},
only for inspections this device holds. The record itself is never touched (a finalised
visit is frozen): the inspector answers with an amendment, which the server receives as a
new result to review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.store.engine import Store
from app.store.models import Inspection, Setting

KEY_RETURNED = "server_returned"


@dataclass(frozen=True)
class Returned:
    uuid: str
    reason: str | None
    returned_at: datetime | None
    superseded_by: str | None  # an amendment the server already holds


def load(store: Store) -> dict[str, Returned]:
    """uuid -> what the server said at the last sync (empty before any)."""
    with store.reading() as s:
        raw = s.execute(select(col(Setting.value)).where(col(Setting.key) == KEY_RETURNED)).scalar()
    try:
        data: Any = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    out: dict[str, Returned] = {}
    for uuid, v in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(v, dict):
            continue
        at = v.get("returned_at")
        out[uuid] = Returned(uuid=uuid, reason=v.get("reason"),
                             returned_at=datetime.fromisoformat(at) if at else None,
                             superseded_by=v.get("superseded_by"))
    return out


def local_uuids(s: Any, uuids: list[str]) -> set[str]:
    """Which of `uuids` this device holds."""
    if not uuids:
        return set()
    return set(s.execute(select(col(Inspection.uuid))
                         .where(col(Inspection.uuid).in_(uuids))).scalars())
