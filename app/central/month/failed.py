"""A result's failed items and 一票否决, kept compactly beside its score breakdown.

The month close shows every counted result's failed items (the month card, the statement's
top failed items). Parsing each stored breakdown (`inspections.score_detail`, ~7.5 KB of
JSON) at every close cost most of a close's reading time, so the ingest also stores the
failed items alone (`inspections.failed_items`, a few hundred bytes), written in the same
transaction from the same breakdown, and migration 0007 backfilled the existing rows. A row
without it (an amendment made in the console) is read from its breakdown as before.

Stored form (JSON): `[[[item, section], ...], [[item, section, scope, label], ...]]`, the
failed items in checklist order, then the vetoes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import from_json, to_json

# (item, section) pairs and (item, section, scope, label) rows, as tuples or JSON lists
FailedParts = tuple[Sequence[Sequence[str]], Sequence[Sequence[str]]]
NOTHING: FailedParts = ([], [])


def parts_of_breakdown(doc: Mapping[str, Any]
                       ) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """(failed (item, section) in checklist order, vetoes (item, section, scope, label)) of
    a score breakdown (app.checklists.rendering.to_dict, as the ingest stores it)."""
    items = [(str(it.get("id")), str(sec.get("id") or ""))
             for sec in doc.get("sections") or () for it in sec.get("items") or ()
             if it.get("id") and it.get("failed")]
    return items, [(str(v.get("item")), str(v.get("section") or ""), str(v.get("scope")),
                    str(v.get("label") or "")) for v in doc.get("vetoes") or ()
                   if isinstance(v, dict) and v.get("item")]


def compact(doc: Mapping[str, Any]) -> str:
    """The `failed_items` text of a breakdown."""
    items, vetoes = parts_of_breakdown(doc)
    return to_json([items, vetoes]).decode()


def parts(failed_items: str | None, score_detail: str | None) -> FailedParts:
    """A stored result's failed items: from its compact column when it has one, else from
    its breakdown; nothing when neither can be read (the score still counts)."""
    if failed_items:
        try:
            items, vetoes = from_json(failed_items)  # as `compact` wrote them: strings
            if isinstance(items, list) and isinstance(vetoes, list):
                return items, vetoes
        except (ValueError, TypeError):  # unreadable: the breakdown still says it
            pass
    if score_detail:
        try:
            doc = from_json(score_detail)
        except ValueError:
            return NOTHING
        if isinstance(doc, dict):
            return parts_of_breakdown(doc)
    return NOTHING
