"""The month's master data as stored on the server: outlets (with the money rules' columns)
and the commission bases per class x region x period.

Bases are imported from finance's CSV all or nothing (app.programme.bases_csv reads it); a
base of a class x region x period already stored is replaced, which never touches a closed
month: the close froze the bases it used with the month."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.central.admin import CsvRefused
from app.central.context import ServerContext
from app.central.models import CommissionBaseRow, Outlet, utcnow
from app.errors import UserError
from app.programme.bases_csv import read_bases_csv
from app.programme.inputs import FAMILIES, CommissionBase, Family, OutletInfo
from app.programme.rules_loader import RuleBook, default_programme_path, load_rules_file

DEFAULT_FAMILY: Family = "agent_channel"


def tier_families(ctx: ServerContext) -> dict[str, Family]:
    """Tier id -> family from the server's checklists.yaml (self-run halls rank apart)."""
    out: dict[str, Family] = {}
    for name, tier in ctx.checklists.bundle().tiers.items():
        family = tier.get("family")
        if family in FAMILIES:
            out[name] = family
    return out


def programme_path(ctx: ServerContext) -> Path:
    """The server's programme.yaml: one in its data dir, else the shipped one (as the
    checklists are found)."""
    own = ctx.settings.data_dir / "programme.yaml"
    return own if own.exists() else default_programme_path()


def rule_book(ctx: ServerContext) -> RuleBook:
    """The programme rules (RuleFileError, a UserError, when the file is broken)."""
    known: dict[str, str] = dict(tier_families(ctx))
    return load_rules_file(programme_path(ctx), known or None)


def outlet_info(row: Outlet, families: dict[str, Family]) -> OutletInfo:
    return OutletInfo(
        code=row.code, name=row.name, tier=row.tier,
        family=families.get(row.tier, DEFAULT_FAMILY),
        business_unit=row.business_unit or "", region=row.region or "",
        outlet_class=row.outlet_class, cooperation_start=row.cooperation_start,
        area_manager=row.area_manager, owner=row.owner, competitor=bool(row.competitor),
        active=bool(row.active))


def outlet_infos(ctx: ServerContext, s: Session | None = None) -> list[OutletInfo]:
    """Every outlet on the server, by code, as the month sees it."""
    families = tier_families(ctx)
    if s is None:
        with ctx.session() as own:
            return outlet_infos(ctx, own)
    return [outlet_info(r, families)
            for r in s.exec(select(Outlet).order_by(col(Outlet.code))).all()]


def outlet_info_from_export(row: dict[str, Any]) -> OutletInfo:
    """The master data a closed month was computed with (its export row)."""
    from datetime import date

    start = row.get("cooperation_start")
    family = row.get("family")
    return OutletInfo(
        code=row["outlet_code"], name=row.get("name") or row["outlet_code"],
        tier=row["tier"], family=family if family in FAMILIES else DEFAULT_FAMILY,
        business_unit=row.get("business_unit") or "", region=row.get("region") or "",
        outlet_class=row.get("outlet_class"),
        cooperation_start=date.fromisoformat(start) if start else None,
        area_manager=row.get("area_manager"), competitor=bool(row.get("competitor")),
        active=bool(row.get("active", True)))


# --- commission bases ---------------------------------------------------------------------


@dataclass(frozen=True)
class BasesImported:
    created: int
    replaced: int
    unchanged: int


def import_bases_csv(ctx: ServerContext, path: Path) -> BasesImported:
    """Store the bases of a CSV: all rows or none (CsvRefused with every problem and its
    line). A class x region x period already stored takes the new amount."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError("sync.admin.csv_unreadable", file=str(path),
                        reason=exc.strerror or str(exc)) from None
    parsed = read_bases_csv(raw)
    if not parsed.ok:
        raise CsvRefused(str(path), parsed.problems)
    created = replaced = unchanged = 0
    with ctx.session() as s:
        existing = {(r.outlet_class, r.region, r.period): r
                    for r in s.exec(select(CommissionBaseRow)).all()}
        now = utcnow()
        for b in parsed.bases:
            row = existing.get((b.outlet_class, b.region, b.period))
            if row is None:
                s.add(CommissionBaseRow(outlet_class=b.outlet_class, region=b.region,
                                        period=b.period, amount_cents=b.amount_cents,
                                        imported_at=now))
                created += 1
            elif row.amount_cents != b.amount_cents:
                row.amount_cents, row.imported_at = b.amount_cents, now
                s.add(row)
                replaced += 1
            else:
                unchanged += 1
        s.commit()
    return BasesImported(created, replaced, unchanged)


def list_bases(ctx: ServerContext, s: Session | None = None) -> list[CommissionBase]:
    """Every stored base, by period, class and region."""
    if s is None:
        with ctx.session() as own:
            return list_bases(ctx, own)
    rows = s.exec(select(CommissionBaseRow).order_by(
        col(CommissionBaseRow.period), col(CommissionBaseRow.outlet_class),
        col(CommissionBaseRow.region))).all()
    return [CommissionBase(r.outlet_class, r.region, r.period, r.amount_cents) for r in rows]
