"""Administration of the central endpoint: inspectors, enrolment codes, devices, outlets and
assignments. The `hallcheck admin ...` commands call these on the server's database."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import col, select

from app.central.auth import hash_code, new_enrol_code
from app.central.context import ServerContext
from app.central.models import (
    Assignment,
    Conflict,
    Device,
    EnrolCode,
    Inspector,
    Outlet,
    utcnow,
)
from app.central.service import as_utc
from app.checklists import Kind
from app.errors import UserError
from app.i18n import t
from app.programme.outlets import CsvProblem, decode_csv, read_outlets_csv
from app.sync.protocol import DeviceOut

ROLES = ("mystery_shopper", "area_manager", "outlet_agent", "surveyor")  # surveyor: issue 11
TOKEN_ROLES = ("device", "manager")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
ASSIGNMENT_COLUMNS = ("inspector", "outlet", "kind", "due_from", "due_by", "note")


# --- inspectors ---------------------------------------------------------------------------


def add_inspector(ctx: ServerContext, inspector_id: str, name: str,
                  role: str = "mystery_shopper", outlet_code: str | None = None
                  ) -> tuple[Inspector, bool]:
    """Add an inspector, or update the name/role of an existing one. -> (row, created).

    `outlet_code` binds an outlet agent to their own outlet: their kiosk files self-checks
    of that outlet only (kept as it was when not given again)."""
    if not _CODE.match(inspector_id):
        raise UserError("sync.admin.bad_id", value=inspector_id)
    if role not in ROLES:
        raise UserError("sync.admin.bad_role", value=role, allowed=", ".join(ROLES))
    if not name.strip():
        raise UserError("sync.admin.empty_name")
    if outlet_code is not None:
        _check_outlet_binding(outlet_code, role)
    with ctx.session() as s:
        row = s.get(Inspector, inspector_id)
        created = row is None
        if row is None:
            row = Inspector(id=inspector_id, name=name.strip(), role=role,
                            outlet_code=outlet_code)
        else:
            row.name, row.role, row.active = name.strip(), role, True
            if outlet_code is not None:
                row.outlet_code = outlet_code
            elif role != "outlet_agent":
                row.outlet_code = None
        s.add(row)
        s.commit()
        return row, created


def list_inspectors(ctx: ServerContext) -> list[Inspector]:
    with ctx.session() as s:
        return list(s.exec(select(Inspector).order_by(Inspector.id)).all())


# --- enrolment codes and devices ----------------------------------------------------------


def _check_outlet_binding(outlet_code: str, role: str | None) -> None:
    if not _CODE.match(outlet_code):
        raise UserError("sync.admin.bad_id", value=outlet_code)
    if role != "outlet_agent":
        raise UserError("sync.admin.outlet_only_for_kiosks")


def create_enrol_code(ctx: ServerContext, inspector_id: str | None = None,
                      role: str = "device", valid_hours: int = 72,
                      outlet_code: str | None = None) -> tuple[str, EnrolCode]:
    """A one-time code a device trades for its token. The code is shown once: only its
    hash is kept.

    An outlet agent's kiosk is bound to one outlet (`outlet_code`, or the inspector's own):
    it files self-checks of that outlet only, so a code for an outlet agent without one is
    refused."""
    if role not in TOKEN_ROLES:
        raise UserError("sync.admin.bad_token_role", value=role,
                        allowed=", ".join(TOKEN_ROLES))
    if valid_hours < 1:
        raise UserError("sync.admin.bad_hours")
    with ctx.session() as s:
        inspector = s.get(Inspector, inspector_id) if inspector_id is not None else None
        if inspector_id is not None and inspector is None:
            raise UserError("sync.admin.unknown_inspector", id=inspector_id)
        if outlet_code is not None:
            _check_outlet_binding(outlet_code, inspector.role if inspector else None)
            if inspector is not None and inspector.outlet_code not in (None, outlet_code):
                raise UserError("sync.admin.outlet_differs", id=inspector.id,
                                own=inspector.outlet_code, outlet=outlet_code)
        elif (inspector is not None and inspector.role == "outlet_agent"
              and inspector.outlet_code is None):
            raise UserError("sync.admin.kiosk_needs_outlet", id=inspector.id)
        code = new_enrol_code()
        now = utcnow()
        row = EnrolCode(code_hash=hash_code(code), hint=code[:4], role=role,
                        inspector_id=inspector_id, created_at=now, outlet_code=outlet_code,
                        expires_at=now + timedelta(hours=valid_hours))
        s.add(row)
        s.commit()
        return code, row


def list_enrol_codes(ctx: ServerContext) -> list[EnrolCode]:
    with ctx.session() as s:
        return list(s.exec(select(EnrolCode).order_by(col(EnrolCode.id))).all())


def code_state(code: EnrolCode) -> str:
    if code.revoked_at is not None:
        return "revoked"
    if code.used_at is not None:
        return "used"
    if as_utc(code.expires_at) < utcnow():
        return "expired"
    return "open"


def revoke_enrol_code(ctx: ServerContext, code_id: int) -> EnrolCode:
    with ctx.session() as s:
        row = s.get(EnrolCode, code_id)
        if row is None:
            raise UserError("sync.admin.unknown_code", id=code_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            s.add(row)
            s.commit()
        return row


def list_devices(ctx: ServerContext) -> list[DeviceOut]:
    with ctx.session() as s:
        rows = s.exec(select(Device).order_by(col(Device.created_at))).all()
    return [DeviceOut(id=d.id, name=d.name, role=d.role, inspector_id=d.inspector_id,
                      created_at=as_utc(d.created_at),
                      last_seen_at=as_utc(d.last_seen_at), revoked_at=as_utc(d.revoked_at))
            for d in rows]


def revoke_device(ctx: ServerContext, device_id: str) -> Device:
    """Revoke a device's token: from now on it gets 401 and must enrol again."""
    with ctx.session() as s:
        row = s.get(Device, device_id)
        if row is None:
            raise UserError("sync.admin.unknown_device", id=device_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            s.add(row)
            s.commit()
        return row


def forget_conflicts(ctx: ServerContext, device_id: str) -> int:
    """Remove the conflicts kept for a device once a person has reviewed them (a device may
    keep at most `max_conflicts_per_device`). Returns how many were removed."""
    with ctx.session() as s:
        if s.get(Device, device_id) is None:
            raise UserError("sync.admin.unknown_device", id=device_id)
        removed = s.execute(delete(Conflict).where(col(Conflict.device_id) == device_id))
        s.commit()
    return int(removed.rowcount or 0)  # type: ignore[attr-defined]


# --- outlets and assignments from CSV ------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


class CsvRefused(UserError):
    """A CSV with problems, none of it stored: each problem with its file and line, in the
    reader's language (the problems are rendered when the message is, not when raised)."""

    def __init__(self, file: str, problems: list[CsvProblem], shown: int = 50) -> None:
        super().__init__("sync.admin.csv_problems", count=len(problems))
        self.file = file
        self.problems = problems
        self.shown = shown

    def message(self, lang: str | None = None) -> str:
        lines = [p.message(lang, file=self.file) for p in self.problems[: self.shown]]
        return t(self.key, lang, count=len(self.problems), problems="\n".join(lines))


def _read_csv(path: Path, required: tuple[str, ...], known: tuple[str, ...]
              ) -> list[tuple[int, dict[str, str]]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError("sync.admin.csv_unreadable", file=str(path), reason=exc.strerror
                        or str(exc)) from None
    text = decode_csv(raw)  # UTF-8 (Excel's BOM or not) or GB18030, as outlets are read
    if text is None:
        raise UserError("sync.admin.csv_encoding", file=str(path))
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError("sync.admin.csv_columns", file=str(path), missing=", ".join(missing),
                        expected=", ".join(known))
    reader.fieldnames = header
    rows = []
    for row in reader:
        clean = {k: (v or "").strip() for k, v in row.items() if k in known}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows


def import_outlets_csv(ctx: ServerContext, path: Path) -> ImportResult:
    """Create or update outlets from a CSV, read by the one outlet-CSV reader the device
    shares (app.programme.outlets: code, name, tier, and optionally region, business_unit,
    address, active, cooperation_start, competitor, phase, traffic, class, area_manager,
    owner; UTF-8 or GB18030). All
    rows or none: a file with a problem changes nothing and every problem is reported with
    its line, in the reader's language. The server keeps the columns its outlet list has."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError("sync.admin.csv_unreadable", file=str(path), reason=exc.strerror
                        or str(exc)) from None
    tiers = list(ctx.checklists.bundle().tiers) or None  # None: no rulebook, any tier id
    parsed = read_outlets_csv(raw, tiers=tiers, phases=None)
    if not parsed.ok:
        raise CsvRefused(str(path), parsed.problems)
    result = ImportResult()
    parsed_rows: dict[str, dict[str, object]] = {
        r.code: {"name": r.name, "tier": r.tier, "region": r.region or None,
                 "business_unit": r.business_unit or None, "address": r.address or None,
                 "active": r.active,
                 # month close (issue 9): the money rules' master data
                 "outlet_class": r.outlet_class, "area_manager": r.area_manager,
                 "owner": r.owner, "cooperation_start": r.cooperation_start,
                 "competitor": r.competitor,
                 # visit planning (issue 10): when and how often it is shopped
                 "opening_hours": r.opening_hours, "city_class": r.city_class,
                 "important": r.important, "traffic": r.traffic,
                 "visits_per_month": r.visits_per_month, "every_months": r.every_months}
        for r in parsed.rows}
    with ctx.session() as s:
        existing = {o.code: o for o in s.exec(
            select(Outlet).where(col(Outlet.code).in_(list(parsed_rows)))).all()}
        for code, values in parsed_rows.items():
            row = existing.get(code)
            if row is None:
                s.add(Outlet(code=code, **values))  # type: ignore[arg-type]
                result.created += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.updated_at = utcnow()
                s.add(row)
                result.updated += 1
            else:
                result.unchanged += 1
        s.commit()
    return result


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def add_assignment(ctx: ServerContext, inspector_id: str, outlet_code: str, kind: str,
                   due_from: date | None = None, due_by: date | None = None,
                   note: str | None = None) -> Assignment:
    with ctx.session() as s:
        if s.get(Inspector, inspector_id) is None:
            raise UserError("sync.admin.unknown_inspector", id=inspector_id)
        if s.get(Outlet, outlet_code) is None:
            raise UserError("sync.admin.unknown_outlet", code=outlet_code)
        try:
            kind = Kind(kind).value
        except ValueError:
            raise UserError("sync.admin.bad_kind", value=kind,
                            allowed=", ".join(k.value for k in Kind)) from None
        row = Assignment(inspector_id=inspector_id, outlet_code=outlet_code, kind=kind,
                         due_from=due_from, due_by=due_by, note=note)
        s.add(row)
        s.commit()
        return row


def import_assignments_csv(ctx: ServerContext, path: Path) -> ImportResult:
    """Add assignments from a CSV (inspector, outlet, kind, due_from, due_by, note)."""
    rows = _read_csv(path, ("inspector", "outlet", "kind"), ASSIGNMENT_COLUMNS)
    result = ImportResult()
    with ctx.session() as s:
        inspectors = set(s.exec(select(Inspector.id)).all())
        outlets = set(s.exec(select(Outlet.code)).all())
    kinds = {k.value for k in Kind}
    todo = []
    for line, r in rows:
        where = f"{path}:{line}"
        if r["inspector"] not in inspectors:
            result.problems.append(f"{where}: inspector '{r['inspector']}'")
        if r["outlet"] not in outlets:
            result.problems.append(f"{where}: outlet '{r['outlet']}'")
        if r["kind"] not in kinds:
            result.problems.append(f"{where}: kind '{r['kind']}' ({', '.join(sorted(kinds))})")
        try:
            due_from, due_by = _date(r.get("due_from", "")), _date(r.get("due_by", ""))
        except ValueError:
            result.problems.append(f"{where}: date (YYYY-MM-DD)")
            continue
        todo.append(Assignment(inspector_id=r["inspector"], outlet_code=r["outlet"],
                               kind=r["kind"], due_from=due_from, due_by=due_by,
                               note=r.get("note") or None))
    if result.problems:
        raise UserError("sync.admin.csv_problems", count=len(result.problems),
                        problems="\n".join(result.problems[:50]))
    with ctx.session() as s:
        s.add_all(todo)
        s.commit()
    result.created = len(todo)
    return result
