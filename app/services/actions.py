"""Corrective actions: what an outlet must fix, raised in a coaching visit with an owner and
a due date, and followed up at the next visit (closed, or carried forward to a new date).

Actions are raised, closed and carried within a visit that is still a draft, and only for
that visit's outlet; each change is committed at once.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.errors import UserError
from app.services.inspection.records import now_or as _now
from app.services.types import ActionInfo
from app.store import ActionStatus, CorrectiveAction, Inspection, Status, Store

OPEN_STATES = (ActionStatus.OPEN.value, ActionStatus.CARRIED.value)
DEFAULT_DUE_DAYS = 7  # an action found today is due in a week unless the manager says


def default_due(today: date | None = None) -> date:
    """The due date a new action is offered with."""
    return (today or date.today()) + timedelta(days=DEFAULT_DUE_DAYS)


def carried_due(current_due: date, today: date | None = None) -> date:
    """The new due date offered when an action is carried forward: a week after its old
    due date, or after today when that has passed already."""
    return max(today or date.today(), current_due) + timedelta(days=DEFAULT_DUE_DAYS)


def parse_due(text: str, today: date | None = None) -> date:
    """A due date as typed on a phone: 2025-03-31, 2025/3/31, 2025.3.31, 3/31 (the next
    such day) or +7 (days from today). Raises UserError saying how to write it."""
    today = today or date.today()
    raw = (text or "").strip().replace("/", "-").replace(".", "-")
    if not raw:
        raise UserError("services.action.due_missing")
    try:
        if raw.startswith("+"):
            return today + timedelta(days=int(raw[1:]))
        parts = [int(p) for p in raw.split("-") if p]
        if len(parts) == 3:
            return date(parts[0], parts[1], parts[2])
        if len(parts) == 2:
            candidate = date(today.year, parts[0], parts[1])
            return candidate if candidate >= today else date(today.year + 1, *parts)
    except (ValueError, OverflowError):
        pass
    raise UserError("services.action.due_invalid", value=text)


def _info(a: CorrectiveAction) -> ActionInfo:
    return ActionInfo(
        id=a.id, outlet_code=a.outlet_code, description=a.description, owner=a.owner,
        due_date=a.due_date, status=a.status, raised_in_uuid=a.raised_in_uuid,
        raised_at=a.raised_at, item_id=a.item_id, carried_in_uuid=a.carried_in_uuid,
        carried_count=a.carried_count, closed_in_uuid=a.closed_in_uuid,
        closed_at=a.closed_at, closing_note=a.closing_note,
    )


class Actions:
    """Raise, follow up and close corrective actions."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def raise_action(self, inspection_uuid: str, description: str, owner: str,
                     due_date: date, *, item_id: str | None = None,
                     now: datetime | None = None) -> ActionInfo:
        """Record a corrective action found during this (draft) visit."""
        now = _now(now)
        description, owner = (description or "").strip(), (owner or "").strip()
        if not description:
            raise UserError("services.action.description_missing")
        if not owner:
            raise UserError("services.action.owner_missing")
        if due_date < now.date():
            raise UserError("services.action.due_in_past", due=due_date.isoformat())
        with self._store.writing() as s:
            visit = self._draft_visit(s, inspection_uuid)
            action = CorrectiveAction(
                id=str(uuidlib.uuid4()), outlet_code=visit.outlet_code,
                raised_in_uuid=inspection_uuid, item_id=item_id, description=description,
                owner=owner, due_date=due_date, status=ActionStatus.OPEN.value,
                raised_at=now, updated_at=now,
            )
            s.add(action)
            s.flush()
            return _info(action)

    def open_actions(self, outlet_code: str) -> list[ActionInfo]:
        """The outlet's actions not yet closed, soonest due first."""
        stmt = (select(CorrectiveAction)
                .where(col(CorrectiveAction.outlet_code) == outlet_code,
                       col(CorrectiveAction.status).in_(OPEN_STATES))
                .order_by(col(CorrectiveAction.due_date), col(CorrectiveAction.raised_at)))
        with self._store.reading() as s:
            return [_info(a) for a in s.execute(stmt).scalars()]

    def for_outlet(self, outlet_code: str) -> list[ActionInfo]:
        """All of the outlet's actions, open and closed, newest first."""
        stmt = (select(CorrectiveAction).where(col(CorrectiveAction.outlet_code) == outlet_code)
                .order_by(col(CorrectiveAction.raised_at).desc()))
        with self._store.reading() as s:
            return [_info(a) for a in s.execute(stmt).scalars()]

    def raised_in(self, inspection_uuid: str) -> list[ActionInfo]:
        """The actions raised during one visit."""
        stmt = (select(CorrectiveAction)
                .where(col(CorrectiveAction.raised_in_uuid) == inspection_uuid)
                .order_by(col(CorrectiveAction.raised_at)))
        with self._store.reading() as s:
            return [_info(a) for a in s.execute(stmt).scalars()]

    def get(self, action_id: str) -> ActionInfo:
        with self._store.reading() as s:
            action = s.get(CorrectiveAction, action_id)
            if action is None:
                raise UserError("services.action.unknown", id=action_id)
            return _info(action)

    def close_action(self, action_id: str, closing_inspection_uuid: str, note: str = "", *,
                     now: datetime | None = None) -> ActionInfo:
        """Mark an action done, as seen in this (draft) visit to the same outlet."""
        now = _now(now)
        with self._store.writing() as s:
            action = self._open_action(s, action_id)
            visit = self._draft_visit(s, closing_inspection_uuid)
            self._same_outlet(action, visit)
            action.status = ActionStatus.CLOSED.value
            action.closed_in_uuid = closing_inspection_uuid
            action.closed_at = now
            action.closing_note = (note or "").strip() or None
            action.updated_at = now
            s.flush()
            return _info(action)

    def carry_forward(self, action_id: str, inspection_uuid: str, new_due: date, *,
                      now: datetime | None = None) -> ActionInfo:
        """Not done yet: keep the action open with a new due date, noted in this visit."""
        now = _now(now)
        if new_due < now.date():
            raise UserError("services.action.due_in_past", due=new_due.isoformat())
        with self._store.writing() as s:
            action = self._open_action(s, action_id)
            visit = self._draft_visit(s, inspection_uuid)
            self._same_outlet(action, visit)
            action.status = ActionStatus.CARRIED.value
            action.due_date = new_due
            action.carried_in_uuid = inspection_uuid
            action.carried_count += 1
            action.updated_at = now
            s.flush()
            return _info(action)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _draft_visit(s: Session, uuid: str) -> Inspection:
        visit = s.get(Inspection, uuid)
        if visit is None:
            raise UserError("services.inspection_unknown", uuid=uuid)
        if visit.status != Status.DRAFT.value:
            raise UserError("services.finalized_immutable")
        return visit

    @staticmethod
    def _open_action(s: Session, action_id: str) -> CorrectiveAction:
        action = s.get(CorrectiveAction, action_id)
        if action is None:
            raise UserError("services.action.unknown", id=action_id)
        if action.status == ActionStatus.CLOSED.value:
            raise UserError("services.action.already_closed")
        return action

    @staticmethod
    def _same_outlet(action: CorrectiveAction, visit: Inspection) -> None:
        if action.outlet_code != visit.outlet_code:
            raise UserError("services.action.other_outlet", outlet=action.outlet_code)
