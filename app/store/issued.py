"""Checklists the central endpoint issues, as kept on the device.

The sync client stores each issued definition (a resolved checklist, keyed by its content
hash) and, in the `server_checklists` setting, which one is current per kind and tier.
New visits prefer those over the checklists.yaml shipped with the app; a draft keeps the
definition it started with whatever arrives later.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from app.checklists import ResolvedChecklist
from app.store.engine import Store
from app.store.models import ChecklistDefinition, Setting

KEY_CHECKLISTS = "server_checklists"  # {"etag": ..., "current": {"<kind>/<tier>[/<phase>]": hash}}
# The shopper's covert visits the server knows of (from every device), for the rotation rule:
# {"inspector_id": ..., "visits": [[outlet_code, finalized_at ISO], ...]}
KEY_RECENT_VISITS = "server_recent_visits"


def _issued_setting(store: Store) -> dict[str, object]:
    with store.reading() as s:
        raw = s.execute(select(col(Setting.value))
                        .where(col(Setting.key) == KEY_CHECKLISTS)).scalar()
    return json.loads(raw) if raw else {}


def checklists_etag(store: Store) -> str | None:
    etag = _issued_setting(store).get("etag")
    return str(etag) if etag else None


def current_checklists(store: Store) -> dict[str, str]:
    """"<kind>/<tier>" (the default phase) and "<kind>/<tier>/<phase>" -> content hash of
    the definition the server issues now."""
    current = _issued_setting(store).get("current") or {}
    return dict(current) if isinstance(current, dict) else {}


def current_definition(store: Store, kind: str, tier: str,
                       phase: str | None = None) -> ResolvedChecklist | None:
    """The server's current definition for a new inspection of this kind and tier, in
    `phase` (None: the programme's default phase)."""
    key = f"{kind}/{tier}" if phase is None else f"{kind}/{tier}/{phase}"
    content_hash = current_checklists(store).get(key)
    if content_hash is None:
        return None
    with store.reading() as s:
        body = s.execute(select(col(ChecklistDefinition.body))
                         .where(col(ChecklistDefinition.content_hash) == content_hash)).scalar()
    return ResolvedChecklist.model_validate_json(body) if body else None


def recent_covert_visits(store: Store, inspector_id: str, outlet_code: str) -> list[datetime]:
    """When the server says this shopper last visited this outlet covertly (any device),
    as pulled at the last sync; empty when nothing was pulled for this shopper."""
    with store.reading() as s:
        raw = s.execute(select(col(Setting.value))
                        .where(col(Setting.key) == KEY_RECENT_VISITS)).scalar()
    try:
        data = json.loads(raw) if raw else {}
        if not isinstance(data, dict) or data.get("inspector_id") != inspector_id:
            return []
        return [datetime.fromisoformat(at) for code, at in data.get("visits") or []
                if code == outlet_code]
    except (ValueError, TypeError):  # a damaged setting: the next sync writes it again
        return []
