"""A closed month for finance: the JSON document as frozen, or one row per outlet as CSV
(UTF-8 with a BOM, so Excel opens it in Chinese) or XLSX (labelled header, money and score
number formats, frozen header row, filters; a second sheet with the adjustment lines).

Money in CSV is the export's exact yuan text; in XLSX a number with two decimals (the cell
shows the cent the JSON says)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from app.central.exports.labels import Labels
from app.central.month.read import ClosedMonth
from app.i18n import t
from app.programme.month import FLAG_KEY, REASON_KEY, Flag

Format = Literal["json", "csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("json", "csv", "xlsx")
COMPONENT_KEY = {  # column headers, literal for the catalogue checks
    "mystery_shop": "month.col.component.mystery_shop",
    "open_inspection": "month.col.component.open_inspection",
    "self_check": "month.col.component.self_check",
    "sms_satisfaction": "month.col.component.sms_satisfaction",
    "intercept": "month.col.component.intercept",
}
TIER_MOVE_KEY = {"up": "month.export.tier_move.up", "down": "month.export.tier_move.down"}
Kind = Literal["text", "int", "score", "factor", "money", "bool"]


@dataclass(frozen=True)
class Column:
    key: str  # message key of the header
    kind: Kind
    value: Callable[[dict[str, Any], Labels], Any]
    width: int = 12


def _get(name: str) -> Callable[[dict[str, Any], Labels], Any]:
    return lambda row, _labels: row.get(name)


def _component(name: str) -> Callable[[dict[str, Any], Labels], Any]:
    return lambda row, _labels: ((row.get("components") or {}).get(name) or {}).get("score")


def _flags(row: dict[str, Any], labels: Labels) -> str:
    return labels.t("month.export.list_sep").join(flag_text(f, labels.lang)
                                                  for f in row.get("flags") or ())


def flag_text(flag: str, lang: str | None) -> str:
    """A flag of the export in words (an unknown one as it is)."""
    try:
        return t(FLAG_KEY[Flag(flag)], lang)
    except ValueError:
        return flag


def _tier_move(row: dict[str, Any], labels: Labels) -> str:
    key = TIER_MOVE_KEY.get(row.get("tier_move") or "")
    if key is None:
        return ""
    return labels.t(key, tier=labels.tier(row.get("tier_move_to")))


COLUMNS: tuple[Column, ...] = (
    Column("month.col.outlet_code", "text", _get("outlet_code"), 14),
    Column("month.col.name", "text", _get("name"), 24),
    Column("month.col.tier", "text", lambda r, lb: lb.tier(r.get("tier")), 12),
    Column("month.col.business_unit", "text", _get("business_unit"), 14),
    Column("month.col.region", "text", _get("region"), 12),
    Column("month.col.outlet_class", "text", _get("outlet_class"), 8),
    Column("month.col.area_manager", "text", _get("area_manager"), 12),
    Column("month.col.composite", "score", _get("composite"), 10),
    *(Column(key, "score", _component(c), 10) for c, key in COMPONENT_KEY.items()),
    Column("month.col.rank_unit", "int", _get("rank_unit"), 8),
    Column("month.col.rank_unit_of", "int", _get("rank_unit_of"), 8),
    Column("month.col.rank_province", "int", _get("rank_province"), 8),
    Column("month.col.rank_province_of", "int", _get("rank_province_of"), 8),
    Column("month.col.years", "int", _get("years"), 8),
    Column("month.col.years_factor", "factor", _get("years_factor"), 8),
    Column("month.col.payment_factor", "factor", _get("payment_factor"), 8),
    Column("month.col.base", "money", _get("base"), 12),
    Column("month.col.commission", "money", _get("commission"), 12),
    Column("month.col.staff_share", "money", _get("staff_share"), 12),
    Column("month.col.refund", "money", _get("refund"), 12),
    Column("month.col.adjustments", "money", _get("adjustments_total"), 12),
    Column("month.col.payable", "money", _get("payable"), 12),
    Column("month.col.exit_candidate", "bool", _get("exit_candidate"), 8),
    Column("month.col.tier_move", "text", _tier_move, 14),
    Column("month.col.flags", "text", _flags, 40),
)
ADJUSTMENT_HEADERS = ("month.col.outlet_code", "month.col.source_month", "month.col.amount",
                      "month.col.reason", "month.col.results")


def _text(value: Any, kind: Kind, labels: Labels) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return labels.yes_no(bool(value))
    return str(value)


def to_json(month: ClosedMonth, *, explanations: bool = False) -> bytes:
    """The frozen document (docs/month.md); `explanations` keeps each outlet's `why`."""
    doc = dict(month.export)
    if not explanations:
        doc["outlets"] = [{k: v for k, v in r.items() if k != "why"} for r in doc["outlets"]]
    doc["closed"] = {"at": month.closed_at.isoformat(), "by": month.closed_by}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def to_csv(month: ClosedMonth, lang: str, tiers: dict[str, Any] | None = None) -> bytes:
    labels = Labels(lang, tiers)
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow([labels.t(c.key) for c in COLUMNS])
    for row in month.outlets():
        w.writerow([_text(c.value(row, labels), c.kind, labels) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def _reason(reason: str, labels: Labels) -> str:
    key = REASON_KEY.get(reason)
    return t(key, labels.lang) if key else reason


def write_xlsx(month: ClosedMonth, path: Path, lang: str,
               tiers: dict[str, Any] | None = None) -> Path:
    import xlsxwriter  # type: ignore[import-untyped]

    labels = Labels(lang, tiers)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#E0F2F1", "border": 1,
                              "text_wrap": True, "valign": "vcenter"})
        formats: dict[Kind, Any] = {
            "text": None, "bool": None,
            "int": wb.add_format({"num_format": "0"}),
            "score": wb.add_format({"num_format": "0.00"}),
            "factor": wb.add_format({"num_format": "0.00"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
        }
        sheet = wb.add_worksheet(labels.t("month.export.sheet.outlets", month=str(month.month)))
        for col, c in enumerate(COLUMNS):
            sheet.set_column(col, col, c.width)
            sheet.write_string(0, col, labels.t(c.key), head)
        sheet.freeze_panes(1, 1)
        rows = month.outlets()
        for n, row in enumerate(rows, start=1):
            for col, c in enumerate(COLUMNS):
                value = c.value(row, labels)
                if value is None or value == "":
                    sheet.write_blank(n, col, None)
                elif c.kind == "money":
                    sheet.write_number(n, col, float(Decimal(str(value))), formats["money"])
                elif c.kind in ("int", "score", "factor"):
                    sheet.write_number(n, col, value, formats[c.kind])
                elif c.kind == "bool":
                    sheet.write_string(n, col, labels.yes_no(bool(value)))
                else:
                    sheet.write_string(n, col, str(value))
        sheet.autofilter(0, 0, max(1, len(rows)), len(COLUMNS) - 1)
        adj = wb.add_worksheet(labels.t("month.export.sheet.adjustments"))
        widths = (14, 10, 12, 20, 60)
        for col, key in enumerate(ADJUSTMENT_HEADERS):
            adj.set_column(col, col, widths[col])
            adj.write_string(0, col, labels.t(key), head)
        adj.freeze_panes(1, 0)
        n = 1
        lines: Sequence[dict[str, Any]] = [
            line for row in rows for line in row.get("adjustments") or ()]
        for line in [*lines, *(month.export.get("unmatched_adjustments") or ())]:
            adj.write_string(n, 0, line["outlet_code"])
            adj.write_string(n, 1, line["source_month"])
            adj.write_number(n, 2, float(Decimal(line["amount"])), formats["money"])
            adj.write_string(n, 3, _reason(line["reason"], labels))
            adj.write_string(n, 4, ", ".join(line.get("results") or ()))
            n += 1
    finally:
        wb.close()
    return path


def export_month(month: ClosedMonth, fmt: Format, path: Path, lang: str,
                 tiers: dict[str, Any] | None = None) -> Path:
    """Write the closed month to `path` in `fmt` (OSError when it cannot be written)."""
    if fmt == "xlsx":
        from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped]

        try:
            return write_xlsx(month, path, lang, tiers)
        except FileCreateError as exc:  # the writer's own name for an unwritable path
            raise OSError(str(exc.args[0] if exc.args else exc)) from None
    data = to_json(month) if fmt == "json" else to_csv(month, lang, tiers)
    path.write_bytes(data)
    return path
