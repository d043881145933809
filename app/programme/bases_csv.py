"""The commission-base CSV: the monthly base (服务佣金基数) of each outlet class in each
region, for the quarter or half-year it applies to.

Finance reviews the bases every quarter or half year and keeps them in a spreadsheet; this
reads its export the way the outlet list is read (UTF-8 with or without a BOM, or GB18030;
every problem with its line; all or nothing). Pure: bytes in, bases or problems out.

Columns: `class` (A/B/C), `region`, `period` (2025-Q1 … 2025-Q4, 2025-H1, 2025-H2) and
`amount` in yuan with at most two decimals (`1200`, `1200.50`; a thousands comma is taken,
a negative or zero amount is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.programme.inputs import CommissionBase, parse_period
from app.programme.outlets import (
    MAX_LENGTH,
    OUTLET_CLASSES,
    CsvKeys,
    CsvProblem,
    csv_records,
    decode_csv,
)

BASE_COLUMNS = ("class", "region", "period", "amount")
MAX_AMOUNT_CENTS = 100_000_000_00  # a hundred million yuan a month: a typo, not a base
_KEYS = CsvKeys(missing_column="month.bases.missing_column",
                unknown_column="month.bases.unknown_column", empty="month.bases.empty")
_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")


@dataclass(frozen=True)
class BaseRow:
    base: CommissionBase
    line: int


@dataclass(frozen=True)
class BasesImport:
    """Every base of a clean file, or (with problems) none."""

    rows: list[BaseRow] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bases(self) -> list[CommissionBase]:
        return [r.base for r in self.rows]


def parse_amount(text: str) -> int | None:
    """'1,200.50' -> 120050 cents; None for anything that is not a positive amount in yuan
    with at most two decimals."""
    given = text.strip().replace("¥", "").replace("￥", "").strip()
    if not _AMOUNT.fullmatch(given):
        return None
    try:
        value = Decimal(given.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    cents = value * 100
    if cents != cents.to_integral_value() or cents <= 0 or cents > MAX_AMOUNT_CENTS:
        return None
    return int(cents)


def read_bases_csv(raw: bytes) -> BasesImport:
    """Read a commission-base CSV (see the module doc). A class x region x period given
    twice is refused with both lines; blank lines are skipped."""
    text = decode_csv(raw)
    if text is None:
        return BasesImport(problems=[CsvProblem(1, None, "programme.csv.encoding")])
    rows: list[BaseRow] = []
    problems: list[CsvProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for record in csv_records(text, columns=BASE_COLUMNS, required=BASE_COLUMNS, keys=_KEYS):
        if isinstance(record, CsvProblem):
            problems.append(record)
            continue
        line, cells = record
        found, row = _check_row({name: cell.strip() for name, cell in cells.items()}, line)
        if row is not None:
            key = (row.outlet_class, row.region, row.period)
            if key in seen:
                found.append(CsvProblem(line, None, "month.bases.duplicate",
                                        {"outlet_class": row.outlet_class,
                                         "region": row.region or "-", "period": row.period,
                                         "first_line": seen[key]}))
            else:
                seen[key] = line
                rows.append(BaseRow(row, line))
        problems.extend(found)
    if problems:
        return BasesImport(problems=problems)
    if not rows:
        return BasesImport(problems=[CsvProblem(1, None, "month.bases.empty")])
    return BasesImport(rows=rows)


def _check_row(values: dict[str, str], line: int) -> tuple[list[CsvProblem], CommissionBase | None]:
    problems: list[CsvProblem] = []
    outlet_class = values.get("class", "").upper()
    if not outlet_class:
        problems.append(CsvProblem(line, "class", "month.bases.class_missing"))
    elif outlet_class not in OUTLET_CLASSES:
        problems.append(CsvProblem(line, "class", "month.outlets.class_invalid",
                                   {"value": values.get("class", ""),
                                    "classes": ", ".join(OUTLET_CLASSES)}))
    region = values.get("region", "")
    if len(region) > MAX_LENGTH["region"]:
        problems.append(CsvProblem(line, "region", "programme.outlets.too_long",
                                   {"column": "region", "limit": MAX_LENGTH["region"],
                                    "length": len(region)}))
    period = values.get("period", "").upper().replace(" ", "")
    if period and re.fullmatch(r"\d{4}(Q[1-4]|H[12])", period):
        period = f"{period[:4]}-{period[4:]}"  # 2025Q1 as Excel users write it
    try:
        parse_period(period)
    except ValueError:
        problems.append(CsvProblem(line, "period", "month.bases.period_invalid",
                                   {"value": values.get("period", "")}))
    amount = parse_amount(values.get("amount", ""))
    if amount is None:
        problems.append(CsvProblem(line, "amount", "month.bases.amount_invalid",
                                   {"value": values.get("amount", "")}))
    if problems or amount is None:
        return problems, None
    return problems, CommissionBase(outlet_class, region, period, amount)
