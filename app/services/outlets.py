"""Outlets: the stores that are inspected. Look them up, add or change one, import a list.

An import is all or nothing: every row is checked first and every problem is reported with
its line number; only a clean file is stored, in one transaction.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.checklists import Catalog
from app.errors import UserError
from app.programme.outlets import check_outlet, read_outlets_csv
from app.services.types import ImportReport
from app.store import Outlet, Store

log = logging.getLogger(__name__)

CSV_COLUMNS = ("code", "name", "tier", "business_unit", "region", "address",
               "cooperation_start", "competitor", "phase", "traffic")


@dataclass(frozen=True)
class OutletData:
    """The fields of an outlet as given (by a form, a CSV row, the demo set, the server)."""

    code: str
    name: str
    tier: str
    business_unit: str = ""
    region: str = ""
    address: str = ""
    cooperation_start: date | None = None
    competitor: bool = False
    phase: str | None = None
    traffic: str | None = None

    def fields(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in CSV_COLUMNS}


@dataclass
class _RowCheck:
    problems: list[tuple[str | None, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, column: str | None, key: str, **params: Any) -> None:
        self.problems.append((column, key, params))


class Outlets:
    """Find, add, change and import outlets."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog]) -> None:
        self._store = store
        self._catalog = catalog

    # -- reading ---------------------------------------------------------------------------

    def get(self, code: str) -> Outlet | None:
        with self._store.reading() as s:
            return s.get(Outlet, code)

    def require(self, code: str) -> Outlet:
        outlet = self.get(code)
        if outlet is None:
            raise UserError("services.outlet_unknown", code=code)
        return outlet

    def list(self, *, tier: str | None = None, competitors: bool | None = None,
             limit: int | None = None) -> list[Outlet]:
        """Outlets by code; optionally one tier, only (or no) competitors."""
        stmt = select(Outlet).order_by(col(Outlet.code))
        if tier is not None:
            stmt = stmt.where(col(Outlet.tier) == tier)
        if competitors is not None:
            stmt = stmt.where(col(Outlet.competitor) == competitors)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._store.reading() as s:
            return list(s.execute(stmt).scalars())

    def search(self, query: str, *, limit: int = 50) -> builtins.list[Outlet]:  # not .list
        """Outlets whose code or name contains `query` (case-insensitive); exact code first."""
        q = (query or "").strip()
        if not q:
            return self.list(limit=limit)
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = (
            select(Outlet)
            .where(or_(col(Outlet.code).ilike(pattern, escape="\\"),
                       col(Outlet.name).ilike(pattern, escape="\\"),
                       col(Outlet.address).ilike(pattern, escape="\\")))
            .order_by((func.lower(col(Outlet.code)) != q.lower()), col(Outlet.code))
            .limit(limit)
        )
        with self._store.reading() as s:
            return list(s.execute(stmt).scalars())

    def count(self) -> int:
        with self._store.reading() as s:
            return int(s.execute(select(func.count()).select_from(Outlet)).scalar_one())

    # -- writing ---------------------------------------------------------------------------

    def upsert(self, data: OutletData) -> Outlet:
        """Add the outlet, or change the one with this code. Raises UserError if invalid."""
        check = _RowCheck()
        clean = self._validate(data.fields(), check)
        if check.problems:
            _column, key, params = check.problems[0]
            raise UserError(key, **params)
        assert clean is not None
        with self._store.writing() as s:
            outlet = self._apply(s, clean)
        return outlet

    def import_csv(self, path: str | Path) -> ImportReport:
        """Import outlets from a CSV file (UTF-8, UTF-8 with BOM, or GB18030 from Excel).

        The file is read by the one outlet-CSV reader both ends share
        (app.programme.outlets; its columns and rules are documented there). Rows are
        checked first; with any problem nothing is stored. The device keeps every column
        but `active`, which only the central endpoint's list uses.
        """
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise UserError("services.import.unreadable", path=str(path)) from exc
        catalog = self._catalog()
        parsed = read_outlets_csv(raw, tiers=list(catalog.tiers),
                                  phases=list(catalog.source.phases))
        if not parsed.ok:
            log.info("outlet import refused: %d problem(s)", len(parsed.problems))
            return ImportReport(errors=list(parsed.problems))
        report = ImportReport()
        with self._store.writing() as s:
            for row in parsed.rows:
                clean = {k: getattr(row, k) for k in CSV_COLUMNS}
                before = s.get(Outlet, clean["code"])
                if before is None:
                    report.created.append(clean["code"])
                elif all(getattr(before, k) == v for k, v in clean.items()):
                    report.unchanged.append(clean["code"])
                    continue
                else:
                    report.updated.append(clean["code"])
                self._apply(s, clean)
        log.info("outlet import: %d created, %d updated, %d unchanged",
                 len(report.created), len(report.updated), len(report.unchanged))
        return report

    # -- internals -------------------------------------------------------------------------

    def _apply(self, s: Session, clean: dict[str, Any]) -> Outlet:
        catalog = self._catalog()
        now = datetime.now(UTC)
        outlet = s.get(Outlet, clean["code"])
        family = catalog.tiers[clean["tier"]].family.value
        if outlet is None:
            outlet = Outlet(**clean, family=family, updated_at=now)
            s.add(outlet)
        else:
            for key, value in clean.items():
                setattr(outlet, key, value)
            outlet.family = family
            outlet.updated_at = now
        s.flush()
        return outlet

    def _validate(self, row: dict[str, Any], check: _RowCheck) -> dict[str, Any] | None:
        """Check one outlet's fields (CSV text or typed values); the clean fields or None.

        The rule is the shared outlet-CSV rule (app.programme.outlets.check_outlet), so a
        form and a file are judged alike."""
        catalog = self._catalog()
        clean, problems = check_outlet(row, tiers=list(catalog.tiers),
                                       phases=list(catalog.source.phases))
        for p in problems:
            check.add(p.column, p.key, **p.params)
        if clean is None:
            return None
        return {k: getattr(clean, k) for k in CSV_COLUMNS}
