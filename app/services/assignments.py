"""Assignments: the visits planned for this device (today's route)."""

from __future__ import annotations

import uuid as uuidlib
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from app.checklists import Kind
from app.errors import UserError
from app.services.types import AssignmentInfo
from app.store import Assignment, Outlet, Store


class Assignments:
    """Planned visits: list the day's, add one (the sync fills these from the server)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def for_day(self, day: date | None = None, inspector_id: str | None = None, *,
                include_done: bool = True) -> list[AssignmentInfo]:
        """The visits due on `day` (default today) for `inspector_id` (and unassigned ones);
        all inspectors when None."""
        day = day or date.today()
        stmt = (select(Assignment, col(Outlet.name))
                .join(Outlet, col(Outlet.code) == col(Assignment.outlet_code), isouter=True)
                .where(col(Assignment.due_date) == day)
                .order_by(col(Assignment.done_uuid).is_not(None), col(Assignment.outlet_code)))
        if inspector_id is not None:
            stmt = stmt.where(or_(col(Assignment.inspector_id) == inspector_id,
                                  col(Assignment.inspector_id).is_(None)))
        if not include_done:
            stmt = stmt.where(col(Assignment.done_uuid).is_(None))
        with self._store.reading() as s:
            return [self._info(a, name) for a, name in s.execute(stmt)]

    def open_for(self, inspector_id: str | None = None) -> list[AssignmentInfo]:
        """Every assignment not yet done, soonest due first."""
        stmt = (select(Assignment, col(Outlet.name))
                .join(Outlet, col(Outlet.code) == col(Assignment.outlet_code), isouter=True)
                .where(col(Assignment.done_uuid).is_(None))
                .order_by(col(Assignment.due_date), col(Assignment.outlet_code)))
        if inspector_id is not None:
            stmt = stmt.where(or_(col(Assignment.inspector_id) == inspector_id,
                                  col(Assignment.inspector_id).is_(None)))
        with self._store.reading() as s:
            return [self._info(a, name) for a, name in s.execute(stmt)]

    def add(self, outlet_code: str, kind: Kind | str, due_date: date, *,
            inspector_id: str | None = None, source: str = "manual",
            assignment_id: str | None = None) -> AssignmentInfo:
        """Plan a visit (an existing id is updated, so the server can resend its plan)."""
        try:
            kind = Kind(kind)
        except ValueError:
            raise UserError("services.kind_unknown", kind=str(kind)) from None
        values = {"id": assignment_id or str(uuidlib.uuid4()), "outlet_code": outlet_code,
                  "kind": kind.value, "inspector_id": inspector_id, "due_date": due_date,
                  "source": source}
        with self._store.writing() as s:
            if s.get(Outlet, outlet_code) is None:
                raise UserError("services.outlet_unknown", code=outlet_code)
            stmt = sqlite_insert(Assignment).values(**values)
            s.execute(stmt.on_conflict_do_update(
                index_elements=["id"],
                set_={k: v for k, v in values.items() if k != "id"}))
            a = s.get(Assignment, values["id"])
            assert a is not None
            s.refresh(a)
            outlet = s.get(Outlet, outlet_code)
            return self._info(a, outlet.name if outlet else None)

    @staticmethod
    def _info(a: Assignment, outlet_name: str | None) -> AssignmentInfo:
        return AssignmentInfo(a.id, a.outlet_code, outlet_name, a.kind, a.inspector_id,
                              a.due_date, a.source, a.done_uuid, a.note)
