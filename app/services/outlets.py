"""Outlets: the stores that are inspected. Look them up, add or change one, import a list.

An import is all or nothing: every row is checked first and every problem is reported with
its line number; only a clean file is stored, in one transaction.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from app.checklists import Catalog
from app.errors import UserError
from app.services.types import ImportProblem, ImportReport
from app.store import Outlet, Store

log = logging.getLogger(__name__)

CSV_COLUMNS = ("code", "name", "tier", "business_unit", "region", "address",
               "cooperation_start", "competitor", "phase", "traffic")
REQUIRED_COLUMNS = ("code", "name", "tier")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
TRAFFIC = ("busy", "quiet")
_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"", "0", "false", "no", "n", "否", "f"}


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
        stmt = select(Outlet).order_by(Outlet.code)
        if tier is not None:
            stmt = stmt.where(Outlet.tier == tier)
        if competitors is not None:
            stmt = stmt.where(Outlet.competitor == competitors)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._store.reading() as s:
            return list(s.execute(stmt).scalars())

    def search(self, query: str, *, limit: int = 50) -> list[Outlet]:
        """Outlets whose code or name contains `query` (case-insensitive); exact code first."""
        q = (query or "").strip()
        if not q:
            return self.list(limit=limit)
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = (
            select(Outlet)
            .where(or_(Outlet.code.ilike(pattern, escape="\\"),
                       Outlet.name.ilike(pattern, escape="\\"),
                       Outlet.address.ilike(pattern, escape="\\")))
            .order_by((func.lower(Outlet.code) != q.lower()), Outlet.code)
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

        Columns: code, name, tier (required), business_unit, region, address,
        cooperation_start (YYYY-MM-DD), competitor (yes/no, 是/否, 1/0), phase, traffic
        (busy/quiet). Rows are checked first; with any problem nothing is stored.
        """
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise UserError("services.import.unreadable", path=str(path)) from exc
        text = _decode(raw)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        errors: list[ImportProblem] = []
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            return ImportReport(errors=[ImportProblem(1, None, "services.import.empty")])
        reader.fieldnames = header
        for col in REQUIRED_COLUMNS:
            if col not in header:
                errors.append(ImportProblem(1, col, "services.import.missing_column",
                                            {"column": col}))
        for col in header:
            if col not in CSV_COLUMNS:
                errors.append(ImportProblem(1, col, "services.import.unknown_column",
                                            {"column": col,
                                             "columns": ", ".join(CSV_COLUMNS)}))
        if errors:
            return ImportReport(errors=errors)

        rows: list[tuple[int, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if all(not (v or "").strip() for k, v in row.items() if k is not None):
                continue  # blank line (Excel leaves a few at the end)
            if None in row:  # more cells than header columns
                errors.append(ImportProblem(line, None, "services.import.extra_cells"))
                continue
            check = _RowCheck()
            clean = self._validate(row, check)
            code = (row.get("code") or "").strip()
            if code and code in seen:
                check.add("code", "services.import.duplicate_code", code=code,
                          first_line=seen[code])
            elif code:
                seen[code] = line
            for column, key, params in check.problems:
                errors.append(ImportProblem(line, column, key, params))
            if clean is not None and not check.problems:
                rows.append((line, clean))
        if errors:
            log.info("outlet import refused: %d problem(s)", len(errors))
            return ImportReport(errors=errors)
        if not rows:
            return ImportReport(errors=[ImportProblem(1, None, "services.import.empty")])

        report = ImportReport()
        with self._store.writing() as s:
            for _line, clean in rows:
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

    def _apply(self, s: Any, clean: dict[str, Any]) -> Outlet:
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
        """Check one outlet's fields (CSV text or typed values); the clean fields or None."""
        catalog = self._catalog()

        def text(name: str) -> str:
            value = row.get(name)
            return "" if value is None else str(value).strip()

        code, name, tier = text("code"), text("name"), text("tier")
        if not code:
            check.add("code", "services.outlet.code_missing")
        elif not CODE_PATTERN.fullmatch(code):
            check.add("code", "services.outlet.code_invalid", code=code)
        if not name:
            check.add("name", "services.outlet.name_missing")
        if not tier:
            check.add("tier", "services.outlet.tier_missing",
                      tiers=", ".join(catalog.tiers))
        elif tier not in catalog.tiers:
            check.add("tier", "services.outlet.tier_unknown", tier=tier,
                      tiers=", ".join(catalog.tiers))

        start: date | None
        raw_start = row.get("cooperation_start")
        if isinstance(raw_start, date) or raw_start is None:
            start = raw_start
        else:
            start = None
            value = str(raw_start).strip()
            if value:
                try:
                    start = date.fromisoformat(value.replace("/", "-"))
                except ValueError:
                    check.add("cooperation_start", "services.outlet.date_invalid", value=value)

        raw_comp = row.get("competitor")
        competitor = False
        if isinstance(raw_comp, bool):
            competitor = raw_comp
        elif raw_comp is not None:
            value = str(raw_comp).strip().lower()
            if value in _TRUE:
                competitor = True
            elif value not in _FALSE:
                check.add("competitor", "services.outlet.competitor_invalid", value=value)

        phase = text("phase") or None
        if phase is not None and phase not in catalog.source.phases:
            check.add("phase", "services.outlet.phase_unknown", phase=phase,
                      phases=", ".join(catalog.source.phases) or "-")
        traffic = text("traffic").lower() or None
        if traffic is not None and traffic not in TRAFFIC:
            check.add("traffic", "services.outlet.traffic_invalid", value=traffic)
        if check.problems:
            return None
        return {
            "code": code, "name": name, "tier": tier,
            "business_unit": text("business_unit"), "region": text("region"),
            "address": text("address"), "cooperation_start": start,
            "competitor": competitor, "phase": phase, "traffic": traffic,
        }


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")
