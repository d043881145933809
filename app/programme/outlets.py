"""The outlet master-data CSV: one reader for the device's import and the central endpoint's.

Channel management keeps the outlet list in a spreadsheet and exports it from Excel, which
writes UTF-8 (with or without a BOM) or, on a Chinese Windows, GB18030. Both ends read the
file with this one function, so a file the device accepts is accepted by the office, and a
bad one is refused with the same translated, line-precise problems. All or nothing: with any
problem no row is returned, so no caller can store half a file.

Pure: bytes in, rows or problems out. Each end stores the fields its own table keeps.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from app.i18n import t

OUTLET_COLUMNS = ("code", "name", "tier", "business_unit", "region", "address",
                  "cooperation_start", "competitor", "phase", "traffic", "active",
                  # month close (issue 9): the money rules' master data
                  "class", "area_manager", "owner",
                  # visit planning (issue 10): when and how often an outlet is shopped
                  "opening_hours", "city_class", "important", "visits_per_month",
                  "every_months")
REQUIRED_COLUMNS = ("code", "name", "tier")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # tier and phase ids (as in the rulebook)
TRAFFIC = ("busy", "quiet")
# The longest text either end keeps (the office's columns are bounded); longer is refused,
# never cut short without a word.
MAX_LENGTH = {"name": 200, "business_unit": 200, "region": 200, "address": 500,
              "area_manager": 64, "owner": 200}  # month close (issue 9): the last two
# --- month close (issue 9): the outlet class picks the commission base with the region ---
OUTLET_CLASSES = ("A", "B", "C")
# --- end month close ---
_YES = frozenset({"1", "true", "yes", "y", "t", "是"})
_NO = frozenset({"0", "false", "no", "n", "f", "否"})
_ACTIVE_YES = _YES | {"active"}
_ACTIVE_NO = _NO | {"inactive"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")  # 2021-03-01, Excel's 2021/3/1


@dataclass(frozen=True)
class CsvProblem:
    """One thing wrong in the file, located by line (1 = the header; 0 = not from a file)."""

    line: int
    column: str | None
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """What is wrong, without the location."""
        return t(self.key, lang, **self.params)

    def message(self, lang: str | None = None, file: str | None = None) -> str:
        """What is wrong and where: 'Line 3: …', or 'outlets.csv:3: …' given the file."""
        if file is not None:
            return t("programme.csv.at_file_line", lang, file=file, line=self.line,
                     problem=self.text(lang))
        return t("programme.csv.at_line", lang, line=self.line, problem=self.text(lang))


@dataclass(frozen=True)
class OutletRow:
    """One outlet as the file gives it, checked and typed."""

    code: str
    name: str
    tier: str
    business_unit: str = ""
    region: str = ""
    address: str = ""
    cooperation_start: date | None = None
    competitor: bool = False
    phase: str | None = None  # None: the rulebook's default phase
    traffic: str | None = None  # busy | quiet | None
    active: bool = True
    line: int = 0
    # --- month close (issue 9) ---
    outlet_class: str | None = None  # A / B / C (from the month's distinct customers)
    area_manager: str | None = None  # 片区经理 responsible (a staff or console id)
    owner: str | None = None  # 代办业主: the agent outlet's owner
    # --- end month close ---
    # --- visit planning (issue 10) ---
    opening_hours: str | None = None  # as written (planning.timing.parse_hours reads it)
    city_class: str | None = None  # central | county | town | village
    important: bool = False  # important / high-traffic: more covert visits a month
    visits_per_month: int | None = None  # covert visits a month (None: the rules')
    every_months: int | None = None  # shopped every N months (competitors' own frequency)
    # --- end visit planning ---


@dataclass(frozen=True)
class OutletImport:
    """Every row of a clean file, or (with problems) no row at all."""

    rows: list[OutletRow] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def decode_csv(raw: bytes) -> str | None:
    """The text of a spreadsheet export: UTF-8 (a BOM is dropped), else GB18030; None when
    it is neither (say, a UTF-16 'Unicode text' export)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _first_bad_line(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    return 1  # pragma: no cover - only called for bytes that do not decode


def read_outlets_csv(raw: bytes, *, tiers: Collection[str] | None,
                     phases: Collection[str] | None) -> OutletImport:
    """Read an outlet CSV: columns code, name, tier (required), business_unit, region,
    address, cooperation_start (2021-03-01 or 2021/3/1), competitor (是/否, yes/no, 1/0),
    phase, traffic (busy/quiet), active (是/否, default yes), class (A/B/C), area_manager
    (an id), owner.

    `tiers`/`phases`: the ids the rulebook knows; None (or empty tiers) when this end has no
    rulebook, in which case any well-formed id is taken. Every problem of the file is
    reported, each with its line; blank lines (Excel leaves some at the end) are skipped.
    """
    text = decode_csv(raw)
    if text is None:
        return OutletImport(problems=[CsvProblem(_first_bad_line(raw), None,
                                                 "programme.csv.encoding")])
    rows: list[OutletRow] = []
    problems: list[CsvProblem] = []
    seen: dict[str, int] = {}
    for record in csv_records(text, columns=OUTLET_COLUMNS, required=REQUIRED_COLUMNS):
        if isinstance(record, CsvProblem):
            problems.append(record)
            continue
        line, fields = record
        row, found = check_outlet(fields, tiers=tiers, phases=phases, line=line)
        if row is not None:
            if row.code in seen:
                found.append(CsvProblem(line, "code", "services.import.duplicate_code",
                                        {"code": row.code, "first_line": seen[row.code]}))
            else:
                seen[row.code] = line
                rows.append(row)
        problems.extend(found)
    if problems:
        return OutletImport(problems=problems)
    if not rows:
        return OutletImport(problems=[CsvProblem(1, None, "services.import.empty")])
    return OutletImport(rows=rows)


@dataclass(frozen=True)
class CsvKeys:
    """The messages of a file's structural problems (each file speaks of its own rows)."""

    missing_column: str = "services.import.missing_column"
    unknown_column: str = "services.import.unknown_column"
    empty: str = "services.import.empty"


def csv_records(text: str, *, columns: Sequence[str], required: Sequence[str],
                keys: CsvKeys = CsvKeys()) -> Iterator[CsvProblem | tuple[int, dict[str, str]]]:
    """The records of a spreadsheet export, in file order: (line, column -> raw cell) for
    each non-blank record, or a CsvProblem for a record that cannot be one. The header's
    problems (missing, unknown or repeated columns; an empty first line) come alone: then
    no record follows. A record is located by its first physical line (a quoted cell may
    span lines); an unclosed quote ends the file with one problem. Shared by every CSV
    import, so they all read the same files the same way."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an unclosed quote
    try:
        first = next(reader, None)
    except csv.Error:
        yield CsvProblem(1, None, "programme.csv.malformed")
        return
    if first is None or not any(cell.strip() for cell in first):
        yield CsvProblem(1, None, keys.empty)
        return
    header = [cell.strip().lstrip("\ufeff").lower() for cell in first]
    problems = _header_problems(header, columns, required, keys)
    if problems:
        yield from problems
        return
    end = reader.line_num  # the physical line the previous record ended on
    while True:
        try:
            cells = next(reader, None)
        except csv.Error:
            yield CsvProblem(end + 1, None, "programme.csv.malformed")
            return
        if cells is None:
            return
        line, end = end + 1, reader.line_num  # a quoted cell may span lines: its first one
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header):]) or any(
                cell.strip() for name, cell in zip(header, cells, strict=False) if not name):
            yield CsvProblem(line, None, "services.import.extra_cells")
            continue
        yield line, {name: cell for name, cell in zip(header, cells, strict=False) if name}


def _header_problems(header: list[str], columns: Sequence[str], required: Sequence[str],
                     keys: CsvKeys) -> list[CsvProblem]:
    problems = [CsvProblem(1, col, keys.missing_column, {"column": col})
                for col in required if col not in header]
    seen: set[str] = set()
    for col in header:
        if not col:
            continue  # an unnamed column (a trailing comma) is fine while its cells are empty
        if col in seen:
            problems.append(CsvProblem(1, col, "programme.csv.duplicate_column",
                                       {"column": col}))
        elif col not in columns:
            problems.append(CsvProblem(1, col, keys.unknown_column,
                                       {"column": col, "columns": ", ".join(columns)}))
        seen.add(col)
    return problems


def check_outlet(fields: Mapping[str, object], *, tiers: Collection[str] | None,
                 phases: Collection[str] | None, line: int = 0
                 ) -> tuple[OutletRow | None, list[CsvProblem]]:
    """Check one outlet's fields, given as CSV text or as typed values (a form, the demo set):
    the typed row, or None and every problem found."""
    problems: list[CsvProblem] = []

    def add(where: str, key: str, /, **params: object) -> None:
        problems.append(CsvProblem(line, where, key, params))

    def text(name: str) -> str:
        value = fields.get(name)
        return "" if value is None else str(value).strip()

    code, name, tier = text("code"), text("name"), text("tier")
    if not code:
        add("code", "services.outlet.code_missing")
    elif not CODE_PATTERN.fullmatch(code):
        add("code", "services.outlet.code_invalid", code=code)
    if not name:
        add("name", "services.outlet.name_missing")
    known_tiers = list(tiers or ())
    if known_tiers:
        if not tier:
            add("tier", "services.outlet.tier_missing", tiers=", ".join(known_tiers))
        elif tier not in known_tiers:
            add("tier", "services.outlet.tier_unknown", tier=tier, tiers=", ".join(known_tiers))
    elif not tier:
        add("tier", "programme.outlets.tier_missing")
    elif not ID_PATTERN.fullmatch(tier):
        add("tier", "programme.outlets.id_invalid", value=tier)
    for column, limit in MAX_LENGTH.items():
        length = len(text(column))
        if length > limit:
            add(column, "programme.outlets.too_long", column=column, limit=limit,
                length=length)

    start = _date(fields.get("cooperation_start"))
    if start is False:
        add("cooperation_start", "services.outlet.date_invalid",
            value=text("cooperation_start"))
    competitor = _flag(fields.get("competitor"), default=False, yes=_YES, no=_NO)
    if competitor is None:
        add("competitor", "services.outlet.competitor_invalid",
            value=text("competitor").lower())

    phase = text("phase") or None
    if phase is not None:
        if phases is not None and phase not in phases:
            add("phase", "services.outlet.phase_unknown", phase=phase,
                phases=", ".join(phases) or "-")
        elif phases is None and not ID_PATTERN.fullmatch(phase):
            add("phase", "programme.outlets.id_invalid", value=phase)
    traffic = text("traffic").lower() or None
    if traffic is not None and traffic not in TRAFFIC:
        add("traffic", "services.outlet.traffic_invalid", value=traffic)
    active = _flag(fields.get("active"), default=True, yes=_ACTIVE_YES, no=_ACTIVE_NO)
    if active is None:
        add("active", "programme.outlets.active_invalid", value=text("active"))
    # --- month close (issue 9) ---
    outlet_class = text("class").upper() or None
    if outlet_class is not None and outlet_class not in OUTLET_CLASSES:
        add("class", "month.outlets.class_invalid", value=text("class"),
            classes=", ".join(OUTLET_CLASSES))
    area_manager = text("area_manager") or None
    if area_manager is not None and not CODE_PATTERN.fullmatch(area_manager):
        add("area_manager", "month.outlets.area_manager_invalid", value=area_manager)
    # --- end month close ---
    # --- visit planning (issue 10) ---
    plan = _planning_fields(text, add)
    # --- end visit planning ---
    if problems:
        return None, problems
    assert start is not False and competitor is not None and active is not None
    return OutletRow(
        code=code, name=name, tier=tier, business_unit=text("business_unit"),
        region=text("region"), address=text("address"), cooperation_start=start,
        competitor=competitor, phase=phase, traffic=traffic, active=active, line=line,
        outlet_class=outlet_class, area_manager=area_manager,  # month close (issue 9)
        owner=text("owner") or None,
        **plan,  # visit planning (issue 10)
    ), problems


# --- visit planning (issue 10) ----------------------------------------------------------


def _planning_fields(text: Callable[[str], str], add: Callable[..., None]
                     ) -> dict[str, Any]:
    """The planning columns of one outlet, checked (problems go through `add`)."""
    from app.errors import UserError
    from app.programme.planning.model import CITY_CLASSES, MAX_VISITS_PER_MONTH
    from app.programme.planning.timing import hours_to_text, parse_hours

    out: dict[str, Any] = {}
    hours = text("opening_hours")
    if hours:
        try:
            out["opening_hours"] = hours_to_text(parse_hours(hours))
        except UserError as exc:
            add("opening_hours", "planning.outlets.hours_invalid", value=hours,
                detail=exc.params.get("value", hours))
    city = text("city_class").lower()
    if city:
        if city in CITY_CLASSES:
            out["city_class"] = city
        else:
            add("city_class", "planning.outlets.city_class_invalid", value=city,
                allowed=", ".join(CITY_CLASSES))
    important = _flag(text("important"), default=False, yes=_YES, no=_NO)
    if important is None:
        add("important", "planning.outlets.important_invalid", value=text("important"))
    else:
        out["important"] = important
    for column, low, high in (("visits_per_month", 0, MAX_VISITS_PER_MONTH),
                              ("every_months", 1, 12)):
        given = text(column)
        if not given:
            continue
        if given.isdigit() and low <= int(given) <= high:
            out[column] = int(given)
        else:
            add(column, "planning.outlets.number_invalid", column=column, value=given,
                low=low, high=high)
    return out


# --- end visit planning ---


def _date(value: object) -> date | Literal[False] | None:
    """A date, None for none given, False for one that cannot be read."""
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    given = str(value).strip()
    if not given:
        return None
    match = _DATE.fullmatch(given)
    if match is None:
        return False
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:  # 2021-13-01, 2021-02-30
        return False


def _flag(value: object, *, default: bool, yes: frozenset[str], no: frozenset[str]
          ) -> bool | None:
    """A yes/no cell: the default when blank, None when it is neither."""
    if isinstance(value, bool):
        return value
    given = "" if value is None else str(value).strip().lower()
    if not given:
        return default
    if given in yes:
        return True
    if given in no:
        return False
    return None
