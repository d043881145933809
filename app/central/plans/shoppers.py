"""The mystery-shopper pool the covert plan draws on: a CSV a manager keeps (one line per
shopper), imported all or nothing with every problem located by line.

Columns: `id` (an inspector of role mystery_shopper), `home_region`, and optionally
`regions` (further regions they travel to), `weekdays` (the days they are usually free:
`mon-fri`, `1-5`, `周一至周五`, `sat,sun`; default every day), `dates` (further free dates),
`unavailable` (dates they cannot go), `max_per_day` (default: programme.yaml),
`excluded` (outlet codes where they are known). Lists are separated by `|`, `;` or `、`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.models import Inspector, Outlet, PlanShopper, utcnow
from app.errors import UserError
from app.i18n import t
from app.programme.outlets import CsvProblem, decode_csv
from app.programme.planning.model import Shopper

SHOPPER_COLUMNS = ("id", "home_region", "regions", "weekdays", "dates", "unavailable",
                   "max_per_day", "excluded")
REQUIRED = ("id", "home_region")
_SPLIT = re.compile(r"[|;；、]")
_DAYS = {**{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
         **{n: i for i, n in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
         "周天": 6, **{str(i + 1): i for i in range(7)}}


@dataclass
class ShopperImport:
    created: int = 0
    updated: int = 0
    rows: int = 0
    problems: list[CsvProblem] = field(default_factory=list)


class ShoppersRefused(UserError):
    """A shopper CSV with problems: nothing stored; each problem with its line."""

    def __init__(self, file: str, problems: list[CsvProblem], shown: int = 50) -> None:
        super().__init__("planning.shoppers.refused", count=len(problems))
        self.file, self.problems, self.shown = file, problems, shown

    def message(self, lang: str | None = None) -> str:
        lines = [p.message(lang, file=self.file) for p in self.problems[: self.shown]]
        return t(self.key, lang, count=len(self.problems), problems="\n".join(lines))


def _list(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


def _weekdays(text: str) -> list[int] | None:
    days: set[int] = set()
    for piece in re.split(r"[,，|;、]", text.strip().lower()):
        piece = piece.strip()
        if not piece:
            continue
        first, sep, last = piece.replace("至", "-").partition("-")
        a, b = _DAYS.get(first.strip()), _DAYS.get(last.strip()) if sep else None
        if a is None or (sep and (b is None or b < a)):
            return None
        days.update(range(a, (b if b is not None else a) + 1))
    return sorted(days)


def _dates(text: str) -> list[date] | None:
    out: list[date] = []
    for piece in _list(text):
        try:
            out.append(date.fromisoformat(piece.replace("/", "-")))
        except ValueError:
            return None
    return out


def import_shoppers_csv(ctx: ServerContext, path: Path) -> ShopperImport:
    """Create or update the pool from a CSV; with any problem nothing is stored."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UserError("sync.admin.csv_unreadable", file=str(path),
                        reason=exc.strerror or str(exc)) from None
    text = decode_csv(raw)
    if text is None:
        raise ShoppersRefused(str(path), [CsvProblem(1, None, "programme.csv.encoding")])
    with ctx.session() as s:
        shoppers = {i.id: i.role for i in s.exec(select(Inspector)).all() if i.active}
        outlets = set(s.exec(select(Outlet.code)).all())
    result = ShopperImport()
    problems = result.problems
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
    except csv.Error:
        raise ShoppersRefused(str(path), [CsvProblem(1, None, "programme.csv.malformed")]
                              ) from None
    for column in REQUIRED:
        if column not in header:
            problems.append(CsvProblem(1, column, "services.import.missing_column",
                                       {"column": column}))
    for column in header:
        if column and column not in SHOPPER_COLUMNS:
            problems.append(CsvProblem(1, column, "services.import.unknown_column",
                                       {"column": column, "columns": ", ".join(SHOPPER_COLUMNS)}))
    if problems:
        raise ShoppersRefused(str(path), problems)
    rows: dict[str, PlanShopper] = {}
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            f = {h: (c or "").strip() for h, c in zip(header, cells, strict=False) if h}
            row = _row(f, line, shoppers, outlets, problems)
            if row is None:
                continue
            if row.id in seen:
                problems.append(CsvProblem(line, "id", "planning.shoppers.duplicate",
                                           {"id": row.id, "first_line": seen[row.id]}))
                continue
            seen[row.id] = line
            rows[row.id] = row
    except csv.Error:
        problems.append(CsvProblem(reader.line_num, None, "programme.csv.malformed"))
    if problems:
        raise ShoppersRefused(str(path), problems)
    if not rows:
        raise ShoppersRefused(str(path), [CsvProblem(1, None, "services.import.empty")])
    with ctx.session() as s:
        existing = {r.id: r for r in s.exec(
            select(PlanShopper).where(col(PlanShopper.id).in_(list(rows)))).all()}
        for sid, new in rows.items():
            old = existing.get(sid)
            if old is None:
                s.add(new)
                result.created += 1
            else:
                for name in ("home_region", "regions", "weekdays", "dates", "unavailable",
                             "max_per_day", "excluded"):
                    setattr(old, name, getattr(new, name))
                old.updated_at = utcnow()
                s.add(old)
                result.updated += 1
        s.commit()
    result.rows = len(rows)
    return result


def _row(f: dict[str, str], line: int, shoppers: dict[str, str], outlets: set[str],
         problems: list[CsvProblem]) -> PlanShopper | None:
    before = len(problems)

    def add(where: str, key: str, /, **params: object) -> None:
        problems.append(CsvProblem(line, where, key, params))

    sid = f.get("id", "")
    if not sid:
        add("id", "planning.shoppers.id_missing")
    elif sid not in shoppers:
        add("id", "planning.shoppers.unknown", id=sid)
    elif shoppers[sid] != "mystery_shopper":
        add("id", "planning.shoppers.not_shopper", id=sid, role=shoppers[sid])
    home = f.get("home_region", "")
    if not home:
        add("home_region", "planning.shoppers.region_missing")
    elif len(home) > 200:
        add("home_region", "programme.outlets.too_long", column="home_region", limit=200,
            length=len(home))
    weekdays = _weekdays(f.get("weekdays", "")) if f.get("weekdays") else list(range(7))
    if weekdays is None:
        add("weekdays", "planning.shoppers.weekdays_invalid", value=f.get("weekdays", ""))
    dates, unavailable = _dates(f.get("dates", "")), _dates(f.get("unavailable", ""))
    for column, value in (("dates", dates), ("unavailable", unavailable)):
        if value is None:
            add(column, "planning.shoppers.dates_invalid", column=column,
                value=f.get(column, ""))
    cap_text = f.get("max_per_day", "")
    cap: int | None = None
    if cap_text:
        if cap_text.isdigit() and 1 <= int(cap_text) <= 10:
            cap = int(cap_text)
        else:
            add("max_per_day", "planning.shoppers.cap_invalid", value=cap_text)
    excluded = _list(f.get("excluded", ""))
    for code in excluded:
        if code not in outlets:
            add("excluded", "planning.shoppers.unknown_outlet", code=code)
    if len(problems) > before:
        return None
    assert weekdays is not None and dates is not None and unavailable is not None
    return PlanShopper(
        id=sid, home_region=home, regions=json.dumps(sorted(set(_list(f.get("regions", "")))),
                                                     ensure_ascii=False),
        weekdays=json.dumps(weekdays), dates=json.dumps([d.isoformat() for d in dates]),
        unavailable=json.dumps([d.isoformat() for d in unavailable]), max_per_day=cap,
        excluded=json.dumps(sorted(set(excluded)), ensure_ascii=False))


def pool(ctx: ServerContext, default_cap: int) -> list[Shopper]:
    """The planner's shoppers: the pool's rows whose inspector is an active mystery
    shopper."""
    with ctx.session() as s:
        active = set(s.exec(select(Inspector.id).where(
            col(Inspector.active).is_(True), col(Inspector.role) == "mystery_shopper")).all())
        rows = s.exec(select(PlanShopper).order_by(PlanShopper.id)).all()
    out = []
    for r in rows:
        if r.id not in active:
            continue
        out.append(Shopper(
            id=r.id, home_region=r.home_region, regions=frozenset(json.loads(r.regions)),
            weekdays=frozenset(json.loads(r.weekdays)),
            dates=frozenset(date.fromisoformat(d) for d in json.loads(r.dates)),
            unavailable=frozenset(date.fromisoformat(d) for d in json.loads(r.unavailable)),
            max_per_day=r.max_per_day or default_cap,
            excluded=frozenset(json.loads(r.excluded))))
    return out
