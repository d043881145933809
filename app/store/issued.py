"""Checklists the central endpoint issues, as kept on the device.

The sync client stores each issued definition (a resolved checklist, keyed by its content
hash) and, in the `server_checklists` setting, which one is current per kind and tier.
New visits prefer those over the checklists.yaml shipped with the app; a draft keeps the
definition it started with whatever arrives later.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from app.checklists import ResolvedChecklist
from app.store.engine import Store
from app.store.models import ChecklistDefinition, Setting

KEY_CHECKLISTS = "server_checklists"  # {"etag": ..., "current": {"<kind>/<tier>": hash}}


def _issued_setting(store: Store) -> dict[str, object]:
    with store.reading() as s:
        raw = s.execute(select(Setting.value).where(Setting.key == KEY_CHECKLISTS)).scalar()
    return json.loads(raw) if raw else {}


def checklists_etag(store: Store) -> str | None:
    etag = _issued_setting(store).get("etag")
    return str(etag) if etag else None


def current_checklists(store: Store) -> dict[str, str]:
    """"<kind>/<tier>" -> content hash of the definition the server issues now."""
    current = _issued_setting(store).get("current") or {}
    return dict(current) if isinstance(current, dict) else {}


def current_definition(store: Store, kind: str, tier: str) -> ResolvedChecklist | None:
    """The server's current definition for a new inspection of this kind and tier."""
    content_hash = current_checklists(store).get(f"{kind}/{tier}")
    if content_hash is None:
        return None
    with store.reading() as s:
        body = s.execute(select(ChecklistDefinition.body)
                         .where(ChecklistDefinition.content_hash == content_hash)).scalar()
    return ResolvedChecklist.model_validate_json(body) if body else None
