"""Results a reviewer returned for correction: what the inspector still has to amend.

A returned result needs the inspector's amendment unless one already exists, on this
device (made, perhaps not yet sent) or on the server (made on another device).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.store import Inspection
from app.store import returns as stored


@dataclass(frozen=True)
class ReturnedResult:
    uuid: str
    outlet_code: str
    kind: str
    started_at: datetime
    reason: str | None
    returned_at: datetime | None
    amended_by: str | None  # the amendment's uuid, when one exists (here or on the server)

    @property
    def needs_amendment(self) -> bool:
        return self.amended_by is None


def returned_results(store: Any) -> list[ReturnedResult]:
    """Every returned result this device holds, those still to amend first."""
    known = stored.load(store)
    if not known:
        return []
    with store.reading() as s:
        rows = s.execute(select(col(Inspection.uuid), col(Inspection.outlet_code),
                                col(Inspection.kind), col(Inspection.started_at))
                         .where(col(Inspection.uuid).in_(list(known)))).all()
        local = dict(s.execute(select(col(Inspection.amends_uuid), col(Inspection.uuid))
                               .where(col(Inspection.amends_uuid).in_(list(known)))).all())
    out = [ReturnedResult(uuid=u, outlet_code=outlet, kind=kind, started_at=started,
                          reason=known[u].reason, returned_at=known[u].returned_at,
                          amended_by=local.get(u) or known[u].superseded_by)
           for u, outlet, kind, started in rows]
    return sorted(out, key=lambda r: (not r.needs_amendment, r.started_at))
