"""The month pages: every month with its state, and one month's ranking per business unit
(sortable), its commission statement, its candidate lists, the units' score trend, and the
"close month" button behind a confirm dialog.

The figures come from `app.central.month.read` only: a closed month's frozen export, or for
an open month a live preview (`preview_month(...).to_export(explanations=True)`), shown as
such. Either way the pages read the same export document (docs/programme.md), so a closed
month on screen says exactly what the finance export and the statement PDF say. A manager
limited to a business unit sees only that unit's outlets.
"""

from __future__ import annotations

import time
import weakref
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import flet as ft

from app.central.accounts import NotAllowed, NotFound
from app.central.exports import Labels
from app.central.exports.statement import (
    cents_of,
    flag_label,
    money_text,
    number_text,
    why_text,
)
from app.central.month import read
from app.console import charts, theme, ui
from app.console.export_panel import ExportPanel
from app.console.shell import Page
from app.errors import UserError
from app.programme.months import YearMonth

FAMILIES = ("agent_channel", "self_run_hall")
FAMILY_KEY = {"agent_channel": "programme.family.agent_channel",
              "self_run_hall": "programme.family.self_run_hall"}
PROVINCE = "province"
TABS = {"ranking": "console.months.tab.ranking",
        "commission": "console.months.tab.commission",
        "candidates": "console.months.tab.candidates",
        "chart": "console.months.tab.chart"}
SORTS = {"rank": "console.months.sort.rank", "score": "console.months.sort.score",
         "commission": "console.months.sort.commission", "code": "console.months.sort.code",
         "name": "console.months.sort.name"}
# the outlets to warn: a deduction, a 一票否决, or nothing to score (short of evidence alone
# is not one: until customer perception is imported every outlet is short of it)
WARNING_FLAGS = ("deduction", "veto", "not_scored")
CHART_MONTHS = 12  # the trend charts show the last year up to the month
CHART_UNITS = 12  # unit charts on one page when the whole province is asked for
PAGE_SIZE = 50  # rows of a ranking or statement per page (a unit can have hundreds)
LIST_MAX = 100  # entries shown per candidate list (the rest counted)
PREVIEW_KEEP_S = 60.0  # an open month's preview is reused this long (sorting, paging)


def make_route(path: str, **query: Any) -> str:
    q = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(q)}" if q else path


def parse_month(text: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except (ValueError, TypeError) as exc:
        raise NotFound("console.months.bad_month", month=text[:16]) from exc


def chart_months(month: YearMonth, n: int = CHART_MONTHS) -> list[YearMonth]:
    return [month.shift(i - n + 1) for i in range(n)]


# --- the month as the pages read it --------------------------------------------------------


@dataclass(frozen=True)
class MonthDoc:
    """One month's export document, closed (frozen) or a live preview of an open month."""

    month: YearMonth
    doc: Mapping[str, Any]
    closed: bool
    closed_at: datetime | None = None
    closed_by: str | None = None
    computed_at: datetime | None = None  # a preview: when it was computed
    # a closed month read without its explanations: one outlet's row with them
    full_row: Callable[[str], Mapping[str, Any] | None] | None = field(
        default=None, compare=False, repr=False)

    @property
    def version(self) -> str:
        return str((self.doc.get("rules") or {}).get("version", ""))

    @cached_property
    def rows(self) -> list[Mapping[str, Any]]:
        return list(self.doc.get("outlets") or ())

    def visible(self, unit: str | None) -> list[Mapping[str, Any]]:
        """The rows a viewer may see (a unit-limited manager: their unit)."""
        return [r for r in self.rows if unit is None or r.get("business_unit") == unit]

    def units(self) -> list[str]:
        return sorted({str(r["business_unit"]) for r in self.rows if r.get("business_unit")})

    def row(self, code: str) -> Mapping[str, Any] | None:
        return self.by_code.get(code)

    def explained(self, code: str) -> Mapping[str, Any] | None:
        """`code`'s row with its `why` (read on its own when the month was read without)."""
        row = self.row(code)
        if row is None or "why" in row or self.full_row is None:
            return row
        return self.full_row(code) or row

    def with_explained(self, code: str) -> Mapping[str, Any]:
        """The document with `code`'s row explained (for the statement PDF)."""
        row = self.explained(code)
        return {**self.doc, "outlets": [row if r.get("outlet_code") == code else r
                                        for r in self.rows]}

    @cached_property
    def by_code(self) -> dict[str, Mapping[str, Any]]:
        return {str(r.get("outlet_code")): r for r in self.rows}

    @cached_property
    def sharing(self) -> Counter[tuple[Any, ...]]:
        """How many ranked outlets hold each rank: (scope, family, [unit,] rank) -> n."""
        out: Counter[tuple[Any, ...]] = Counter()
        for r in self.rows:
            if r.get("rank_unit") is not None:
                out["unit", r.get("family"), r.get("business_unit"), r["rank_unit"]] += 1
            if r.get("rank_province") is not None:
                out["province", r.get("family"), r["rank_province"]] += 1
        return out

    def tied(self, r: Mapping[str, Any], scope: str) -> bool:
        """Another outlet shares `r`'s rank in `scope` ("unit" or "province")."""
        if scope == "unit":
            key: tuple[Any, ...] = ("unit", r.get("family"), r.get("business_unit"),
                                    r.get("rank_unit"))
        else:
            key = ("province", r.get("family"), r.get("rank_province"))
        return self.sharing.get(key, 0) > 1


_CLOSED: weakref.WeakKeyDictionary[Any, dict[str, MonthDoc]] = weakref.WeakKeyDictionary()
_CLOSED_KEEP = 2  # closed months kept in memory per endpoint (a large one is 100s of MB)
_PREVIEWS: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, MonthDoc]]] = (
    weakref.WeakKeyDictionary())


def forget_preview(ctx: Any, month: YearMonth) -> None:
    _PREVIEWS.get(ctx, {}).pop(str(month), None)


def load_month(ctx: Any, month: YearMonth) -> MonthDoc:
    """The month from the read API: the frozen snapshot (kept in memory once read: a closed
    month is immutable), else a live preview computed now."""
    kept = _CLOSED.setdefault(ctx, {})
    if str(month) in kept:
        return kept[str(month)]
    reader: Any = read.closed_month
    try:  # the list pages show no explanations: the month without them is a third the size
        closed = reader(ctx, month, why=False)
    except TypeError:  # a read API without the keyword: the whole month
        closed = reader(ctx, month)
    if closed is not None:
        # kept without the explanations (two thirds of a frozen month's bytes): a card or a
        # statement reads its one outlet's explained row on its own
        export = closed.export
        slim = {**export, "outlets": [{k: v for k, v in r.items() if k != "why"}
                                      for r in export.get("outlets") or ()]}
        del export
        endpoint = weakref.ref(ctx)  # the kept month must not keep its endpoint alive

        def one_row(code: str) -> Mapping[str, Any] | None:
            live = endpoint()
            return None if live is None else read.closed_month_outlet(live, month, code)

        doc = MonthDoc(month, slim, True, closed.closed_at, closed.closed_by,
                       full_row=one_row)
        while len(kept) >= _CLOSED_KEEP:
            kept.pop(next(iter(kept)))
        kept[str(month)] = doc
        return doc
    previews = _PREVIEWS.setdefault(ctx, {})
    kept_preview = previews.get(str(month))
    if kept_preview is not None and time.monotonic() - kept_preview[0] < PREVIEW_KEEP_S:
        return kept_preview[1]
    preview = read.preview_month(ctx, month)
    slim = preview.to_export()  # the explanations, built per outlet when one is shown

    def explained(code: str) -> Mapping[str, Any] | None:
        found = preview.outlets.get(code)
        row = next((r for r in slim["outlets"] if r.get("outlet_code") == code), None)
        if found is None or row is None:
            return None
        return {**row, "why": {name: w.to_dict() for name, w in found.why.items()}}

    doc = MonthDoc(month, slim, False, computed_at=datetime.now(UTC), full_row=explained)
    previews.clear()  # one preview per endpoint is enough: it is for the month on screen
    previews[str(month)] = (time.monotonic(), doc)
    return doc


def ranked(rows: Sequence[Mapping[str, Any]], family: str, unit: str | None
           ) -> list[Mapping[str, Any]]:
    """Ranked rows of a family in a unit (or the province: unit None), best first."""
    field = "rank_unit" if unit else "rank_province"
    out = [r for r in rows if r.get("family") == family and r.get(field) is not None
           and (unit is None or r.get("business_unit") == unit)]
    return sorted(out, key=lambda r: (r[field], str(r.get("outlet_code"))))


def not_ranked(rows: Sequence[Mapping[str, Any]], family: str, unit: str | None
               ) -> list[Mapping[str, Any]]:
    return [r for r in rows if r.get("family") == family and r.get("rank_province") is None
            and (unit is None or r.get("business_unit") == unit)]


def sort_rows(rows: Sequence[Mapping[str, Any]], sort: str, unit: str | None
              ) -> list[Mapping[str, Any]]:
    """`rows` in the order asked for; ties and missing figures last, then by code."""
    field = "rank_unit" if unit else "rank_province"
    big = float("inf")

    def code(r: Mapping[str, Any]) -> str:
        return str(r.get("outlet_code"))

    keys: dict[str, Callable[[Mapping[str, Any]], Any]] = {
        "rank": lambda r: (r.get(field) if r.get(field) is not None else big, code(r)),
        "score": lambda r: (r.get("composite") if r.get("composite") is not None else big,
                            code(r)),
        "commission": lambda r: (r.get("commission") is None, -cents_of(r.get("commission")),
                                 code(r)),
        "code": code,
        "name": lambda r: (str(r.get("name") or ""), code(r)),
    }
    return sorted(rows, key=keys.get(sort, keys["rank"]))


def candidates(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The month's lists: exit, tier up, tier down, warnings, area-manager rewards."""
    return {
        "exit": [r for r in rows if r.get("exit_candidate")],
        "tier_up": [r for r in rows if r.get("tier_move") == "up"],
        "tier_down": [r for r in rows if r.get("tier_move") == "down"],
        "warnings": [r for r in rows if set(r.get("flags") or ()) & set(WARNING_FLAGS)
                     and not {"competitor", "inactive"} & set(r.get("flags") or ())],
        "rewards": [r for r in rows if r.get("reward")],
    }


LIST_KEY = {"exit": "console.months.list.exit", "tier_up": "console.months.list.tier_up",
            "tier_down": "console.months.list.tier_down",
            "warnings": "console.months.list.warnings",
            "rewards": "console.months.list.rewards"}


def sum_totals(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The money of `rows` added up to the cent, as the export's totals read."""
    fields = {"commission": "commission", "staff_share": "staff_share", "refund": "refund",
              "adjustments": "adjustments_total", "payable": "payable"}
    out = {}
    for name, key in fields.items():
        cents = sum(cents_of(r.get(key)) for r in rows)
        sign = "-" if cents < 0 else ""
        out[name] = f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    return out


def may_close(manager: Any) -> bool:
    """Closing freezes the whole province's month: managers not limited to a unit."""
    return bool(getattr(manager, "can_manage", False)) and manager.business_unit is None


# --- the list of months ----------------------------------------------------------------------


class MonthsPage(Page):
    nav = "months"

    def __init__(self, console: Any, **params: str) -> None:
        super().__init__(console, **params)
        self.labels = Labels.for_ctx(console.ctx, console.lang)

    def title(self) -> str:
        return self.t("console.months.title")

    def build(self) -> list[ft.Control]:
        states = read.list_months(self.console.ctx)
        body: list[ft.Control] = [ui.heading(self.t("console.months.title"), 22)]
        if not states:
            body.append(theme.card(ui.muted(self.t("console.months.none"), 15)))
            return body
        header = ft.Container(ft.Row([
            ui.cell(self.t("console.months.col.month"), 110, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.months.col.state"), 90, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.months.col.closed"), None, colour=theme.MUTED, size=13,
                    expand=2),
            ui.cell(self.t("console.months.col.rules"), 90, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.months.col.outlets"), 110, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.months.col.commission"), 150, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.months.col.payable"), 150, colour=theme.MUTED, size=13),
        ], spacing=8), padding=ft.Padding.symmetric(horizontal=12))
        lines: list[ft.Control] = [header]
        for s in states:
            month = str(s.month)
            state = theme.chip(self.t("console.months.state.closed") if s.closed
                               else self.t("console.months.state.open"),
                               theme.OK if s.closed else theme.WARN, filled=s.closed)
            totals = (s.totals or {}) if self.manager.business_unit is None else {}
            closed = (self.t("console.months.closed_by", at=self.labels.when(s.closed_at),
                             by=s.closed_by or "—", version=s.rules_version or "—")
                      if s.closed else "—")
            lines.append(ui.tappable(ft.Row([
                ui.cell(month, 110, weight=ft.FontWeight.W_600),
                ft.Container(state, width=90),
                ui.cell(closed, None, size=13, expand=2),
                ui.cell(s.rules_version or "—", 90),
                ui.cell(f"{s.outlets} / {s.ranked}" if s.closed else "—", 110),
                ui.cell(money_text(totals.get("commission")) if totals else "—", 150),
                ui.cell(money_text(totals.get("payable")) if totals else "—", 150),
            ], spacing=8), self.go(f"/months/{month}"),
                label=self.t("console.months.open_row", month=month),
                identifier=f"month-{month}"))
        body.append(ui.region(ft.Column(lines, spacing=4), "month-rows"))
        return body


# --- one month -------------------------------------------------------------------------------


class MonthPage(Page):
    nav = "months"

    def __init__(self, console: Any, month: str, tab: str | None = None,
                 unit: str | None = None, family: str | None = None, sort: str | None = None,
                 page: str | None = None, **params: str) -> None:
        super().__init__(console, **params)
        self.month = parse_month(month)
        self.tab = tab if tab in TABS else "ranking"
        own = console.manager.business_unit if console.manager is not None else None
        self.unit_given = bool(own or unit)  # none given: the first unit's ranking
        self.unit: str | None = own or (None if unit in (None, "", PROVINCE) else unit)
        self.family = family if family in FAMILIES else "agent_channel"
        self.sort = sort if sort in SORTS else "rank"
        self.page_no = int(page) if page and page.isdigit() and 0 < int(page) < 10**6 else 1
        self.labels = Labels.for_ctx(console.ctx, console.lang)
        self.export = ExportPanel(console)

    def title(self) -> str:
        return self.t("console.months.month_title", month=str(self.month))

    def route(self, **changes: Any) -> str:
        q: dict[str, Any] = {"tab": self.tab, "unit": self.unit or PROVINCE,
                             "family": self.family, "sort": self.sort, "page": self.page_no}
        if "page" not in changes:  # another view of the month starts on its first page
            q["page"] = 1
        q.update(changes)
        if q.get("page") == 1:
            q.pop("page")
        if q.get("tab") == "ranking":
            q.pop("tab")
        if q.get("sort") == "rank":
            q.pop("sort")
        if q.get("family") == "agent_channel":
            q.pop("family")
        return make_route(f"/months/{self.month}", **q)

    def build(self) -> list[ft.Control]:
        try:
            m = self.data = load_month(self.console.ctx, self.month)
        except UserError as exc:  # e.g. no rules version for the month: said on the page
            return [ft.TextButton(self.t("console.months.back"), icon=ft.Icons.ARROW_BACK,
                                  on_click=self.go("/months")),
                    ui.heading(self.title(), 22),
                    ui.region(theme.card(ft.Text(exc.message(self.console.lang), size=15,
                                                 color=theme.FAIL)), "month-problem")]
        if not self.unit_given and m.units():
            self.unit = m.units()[0]  # a unit's ranking first; the province is one pick away
        body: list[ft.Control] = [self._head(m), self.export.control, self._tabs()]
        if self.tab == "ranking":
            body += self._ranking(m)
        elif self.tab == "commission":
            body += self._commission(m)
        elif self.tab == "candidates":
            body += self._candidates(m)
        else:
            body += self._charts(m)
        return body

    # -- head and tabs ------------------------------------------------------------------------
    def _head(self, m: MonthDoc) -> ft.Control:
        state = theme.chip(self.t("console.months.state.closed") if m.closed
                           else self.t("console.months.state.open"),
                           theme.OK if m.closed else theme.WARN, filled=m.closed)
        line = (self.t("console.months.closed_by", at=self.labels.when(m.closed_at),
                       by=m.closed_by or "—", version=m.version)
                if m.closed else self.t("console.months.open_note",
                                        at=self.labels.when(m.computed_at)))
        actions: list[ft.Control] = []
        if m.closed and self.manager.business_unit is None:  # finance's file: the province
            actions.append(ft.OutlinedButton(self.t("console.months.export_xlsx"),
                                             icon=ft.Icons.TABLE_VIEW,
                                             on_click=self.on(self._export_xlsx)))
        if not m.closed and may_close(self.manager):
            actions.append(ft.FilledButton(self.t("console.months.close"), icon=ft.Icons.LOCK,
                                           on_click=self.on(self._ask_close)))
        own = self.manager.business_unit  # a unit's manager: the unit's totals, not the province's
        totals = sum_totals(m.visible(own)) if own else (m.doc.get("totals") or {})
        return ui.region(theme.card(ft.Column([
            ft.Row([ft.TextButton(self.t("console.months.back"), icon=ft.Icons.ARROW_BACK,
                                  on_click=self.go("/months")),
                    ft.Row(actions, spacing=8)],
                   alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            ft.Row([ui.heading(self.title(), 22), state], spacing=12),
            ft.Text(line, size=13, color=theme.MUTED if m.closed else theme.WARN),
            ft.Text(self.t("console.months.totals",
                           commission=money_text(totals.get("commission")),
                           staff=money_text(totals.get("staff_share")),
                           refund=money_text(totals.get("refund")),
                           adjustments=money_text(totals.get("adjustments")),
                           payable=money_text(totals.get("payable"))), size=14),
        ], spacing=6)), "month-head")

    def _tabs(self) -> ft.Control:
        chips: list[ft.Control] = []
        for tab, key in TABS.items():
            style = ft.ButtonStyle(text_style=theme.text_style(size=14))
            selected = tab == self.tab
            button = (ft.FilledButton(self.t(key), style=style) if selected else
                      ft.OutlinedButton(self.t(key), style=style,
                                        on_click=self.go(self.route(tab=tab))))
            chips.append(ft.Semantics(content=button, identifier=f"tab-{tab}",
                                      selected=selected, container=True))
        return ft.Row(chips, spacing=8, wrap=True)

    def _filters(self, m: MonthDoc, *, province: bool = True, sort: bool = True,
                 family: bool = True) -> ft.Control:
        own = self.manager.business_unit
        units = [(u, u) for u in ([own] if own else m.units())]
        if province and not own:
            units.append((PROVINCE, self.t("console.months.province")))
        pick: list[ft.Control] = [
            ui.dropdown(self.t("console.months.unit"), self.unit or PROVINCE, units,
                        self.on(lambda e: self.console.go(self.route(unit=e.control.value))),
                        width=220, disabled=own is not None, identifier="month-unit"),
        ]
        if family:
            pick.append(ui.dropdown(
                self.t("console.months.family"), self.family,
                [(f, self.t(FAMILY_KEY[f])) for f in FAMILIES],
                self.on(lambda e: self.console.go(self.route(family=e.control.value))),
                width=180, identifier="month-family"))
        if sort:
            pick.append(ui.dropdown(self.t("console.months.sort"), self.sort,
                                    [(s, self.t(k)) for s, k in SORTS.items()],
                                    self.on(lambda e: self.console.go(
                                        self.route(sort=e.control.value))),
                                    width=220, identifier="month-sort"))
        return theme.card(ft.Row(pick, spacing=12, wrap=True), padding=10)

    # -- ranking ----------------------------------------------------------------------------
    def _rank_cell(self, r: Mapping[str, Any], scope: str) -> str:
        field = "rank_unit" if scope == "unit" else "rank_province"
        rank = r.get(field)
        if rank is None:
            return "—"
        if self.data.tied(r, scope):
            return self.t("console.months.rank_tied", rank=rank)
        return self.t("console.months.rank_cell", rank=rank)

    def _ranking(self, m: MonthDoc) -> list[ft.Control]:
        rows = m.rows
        scope = "unit" if self.unit else "province"
        mine = ranked(rows, self.family, self.unit)
        out: list[ft.Control] = [self._filters(m)]
        where = self.unit or self.t("console.months.province")
        out.append(ui.muted(self.t("console.months.ranked_count", unit=where, n=len(mine))))
        if not mine:
            out.append(theme.card(ui.muted(self.t("console.months.nothing_ranked"), 15)))
        else:
            header = ft.Container(ft.Row([
                ui.cell(self.t("console.months.col.rank"), 90, colour=theme.MUTED, size=13),
                ui.cell(self.t("console.months.col.outlet"), None, colour=theme.MUTED,
                        size=13, expand=3),
                ui.cell(self.t("console.months.col.score"), 90, colour=theme.MUTED, size=13),
                ui.cell(self.t("console.months.col.rank_province"), 90, colour=theme.MUTED,
                        size=13),
                ui.cell(self.t("console.months.col.commission_one"), 130, colour=theme.MUTED,
                        size=13),
                ui.cell(self.t("console.months.col.flags"), None, colour=theme.MUTED, size=13,
                        expand=2),
            ], spacing=8), padding=ft.Padding.symmetric(horizontal=12))
            lines: list[ft.Control] = [header]
            for r in self._page_of(sort_rows(mine, self.sort, self.unit)):
                lines.append(self._rank_row(r, scope))
            out.append(ui.region(ft.Column(lines, spacing=4), "ranking-rows"))
            out.append(self._pager(len(mine)))
        rest = not_ranked(m.visible(self.manager.business_unit), self.family, self.unit)
        if rest:
            out.append(ui.muted(self.t("console.months.not_ranked", n=len(rest))))
            out.append(ui.region(ft.Column([
                ui.tappable(ft.Text(self.t(
                    "console.months.not_ranked_row", name=r.get("name") or "",
                    code=r.get("outlet_code"), why=self._unranked_why(r)),
                    size=13), self.go(self._card_route(r)),
                    label=self.t("console.months.open_card", name=r.get("name") or ""),
                    identifier=f"unranked-{r.get('outlet_code')}")
                for r in rest[:LIST_MAX]], spacing=4), "unranked-rows"))
            if len(rest) > LIST_MAX:
                out.append(ui.muted(self.t("console.months.list.more", n=len(rest) - LIST_MAX)))
        return out

    def _unranked_why(self, r: Mapping[str, Any]) -> str:
        """Why an outlet is not ranked (the month's own words for its rank)."""
        flags = r.get("flags") or ()
        if "competitor" in flags:
            return self.t("programme.why.rank.competitor")
        if "inactive" in flags:
            return self.t("programme.why.rank.inactive")
        return self.t("programme.why.rank.not_scored")

    def _page_of(self, rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        self.page_no = min(self.page_no, pages)
        start = (self.page_no - 1) * PAGE_SIZE
        return rows[start:start + PAGE_SIZE]

    def _pager(self, total: int) -> ft.Control:
        if total <= PAGE_SIZE:
            return ft.Container()
        start = (self.page_no - 1) * PAGE_SIZE
        end = min(total, start + PAGE_SIZE)
        return ft.Row([
            ft.OutlinedButton(self.t("console.queue.prev"), disabled=self.page_no == 1,
                              on_click=self.go(self.route(page=self.page_no - 1))),
            ui.muted(self.t("console.queue.page", start=start + 1, end=end, total=total)),
            ft.OutlinedButton(self.t("console.queue.next"), disabled=end >= total,
                              on_click=self.go(self.route(page=self.page_no + 1))),
        ], alignment=ft.MainAxisAlignment.CENTER, spacing=16)

    def _card_route(self, r: Mapping[str, Any]) -> str:
        return f"/months/{self.month}/{r.get('outlet_code')}"

    def _flag_chips(self, r: Mapping[str, Any]) -> ft.Control:
        bad = {"deduction", "veto", "exit_candidate", "tier_down", "not_scored"}
        good = {"refund_due", "tier_up", "reward"}
        return ft.Row([theme.chip(flag_label(f, self.labels),
                                  theme.FAIL if f in bad else theme.OK if f in good
                                  else theme.WARN)
                       for f in r.get("flags") or ()], spacing=4, wrap=True)

    def _rank_row(self, r: Mapping[str, Any], scope: str) -> ft.Control:
        lb = self.labels
        rank = self._rank_cell(r, scope)
        commission = r.get("commission")
        content = ft.Row([
            ui.cell(rank, 90, weight=ft.FontWeight.W_600),
            ft.Container(ft.Column([
                ft.Text(str(r.get("name") or ""), size=14, weight=ft.FontWeight.W_600,
                        max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
                ft.Text(" · ".join(x for x in (str(r.get("outlet_code")), lb.tier(r.get("tier")),
                                              str(r.get("business_unit") or "")) if x),
                        size=12, color=theme.MUTED, max_lines=1,
                        overflow=ft.TextOverflow.ELLIPSIS),
            ], spacing=0, tight=True), expand=3),
            ui.cell(number_text(r.get("composite")), 90, weight=ft.FontWeight.W_600),
            ui.cell(self._rank_cell(r, "province"), 90),
            ui.cell(money_text(commission), 130,
                    colour=theme.FAIL if cents_of(commission) < 0 else None),
            ft.Container(self._flag_chips(r), expand=2),
        ], spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        return ui.tappable(content, self.go(self._card_route(r)),
                           label=self.t("console.months.row", name=r.get("name") or "",
                                        rank=rank),
                           identifier=f"rank-{r.get('outlet_code')}")

    # -- commission statement -----------------------------------------------------------------
    def _commission(self, m: MonthDoc) -> list[ft.Control]:
        rows = [r for r in m.visible(self.manager.business_unit)
                if r.get("family") == self.family
                and (self.unit is None or r.get("business_unit") == self.unit)
                and (r.get("commission") is not None or cents_of(r.get("payable")) != 0
                     or r.get("payment_factor") is not None)]
        out: list[ft.Control] = [self._filters(m)]
        if not rows:
            out.append(theme.card(ui.muted(self.t("console.months.commission_none"), 15)))
            return out
        cols = [("console.months.col.outlet", None, 3),
                ("console.months.col.score", 70, None),
                ("console.months.col.base", 110, None),
                ("console.months.col.years_factor", 70, None),
                ("console.months.col.payment_factor", 70, None),
                ("console.months.col.commission_one", 110, None),
                ("console.months.col.staff_share", 100, None),
                ("console.months.col.refund", 90, None),
                ("console.months.col.adjustments", 90, None),
                ("console.months.col.payable_one", 110, None)]
        header = ft.Container(ft.Row([ui.cell(self.t(k), w, colour=theme.MUTED, size=13,
                                              expand=e) for k, w, e in cols], spacing=8),
                              padding=ft.Padding.symmetric(horizontal=12))
        lines: list[ft.Control] = [header]
        sums = sum_totals(rows)
        for r in self._page_of(sort_rows(rows, self.sort, self.unit)):

            def red(value: Any) -> str | None:
                return theme.FAIL if cents_of(value) < 0 else None

            cells = [
                ft.Container(ft.Text(f"{r.get('name') or ''}\n{r.get('outlet_code')}", size=13,
                                     max_lines=2), expand=3),
                ui.cell(number_text(r.get("composite")), 70),
                ui.cell(money_text(r.get("base")), 110, size=13),
                ui.cell(number_text(r.get("years_factor")), 70),
                ui.cell(number_text(r.get("payment_factor")), 70,
                        colour=theme.FAIL if (r.get("payment_factor") or 0) < 0 else None),
                ui.cell(money_text(r.get("commission")), 110, size=13,
                        colour=red(r.get("commission")), weight=ft.FontWeight.W_600),
                ui.cell(money_text(r.get("staff_share")), 100, size=13),
                ui.cell(money_text(r.get("refund")), 90, size=13),
                ui.cell(money_text(r.get("adjustments_total")), 90, size=13,
                        colour=red(r.get("adjustments_total"))),
                ui.cell(money_text(r.get("payable")), 110, size=13, colour=red(r.get("payable")),
                        weight=ft.FontWeight.W_600),
            ]
            lines.append(ui.tappable(ft.Row(cells, spacing=8), self.go(self._card_route(r)),
                                     label=self.t("console.months.open_card",
                                                  name=r.get("name") or ""),
                                     identifier=f"pay-{r.get('outlet_code')}"))

        out.append(ui.region(ft.Column(lines, spacing=4), "commission-rows"))
        out.append(self._pager(len(rows)))
        out.append(ui.region(theme.card(ft.Text(self.t(
            "console.months.totals", commission=money_text(sums["commission"]),
            staff=money_text(sums["staff_share"]), refund=money_text(sums["refund"]),
            adjustments=money_text(sums["adjustments"]), payable=money_text(sums["payable"])),
            size=14, weight=ft.FontWeight.W_600)), "commission-totals"))
        return out

    # -- candidate lists ----------------------------------------------------------------------
    def _candidates(self, m: MonthDoc) -> list[ft.Control]:
        lists = candidates(m.visible(self.manager.business_unit))
        out: list[ft.Control] = [ui.muted(self.t("console.months.proposal"))]
        for name, rows in lists.items():
            lines: list[ft.Control] = [ft.Row([
                ui.heading(self.t(LIST_KEY[name]), 16),
                ui.muted(self.t("console.months.list.count", n=len(rows)))], spacing=10)]
            if not rows:
                lines.append(ui.muted(self.t("console.months.list.empty")))
            for r in rows[:LIST_MAX]:
                lines.append(self._candidate_row(name, r))
            if len(rows) > LIST_MAX:
                lines.append(ui.muted(self.t("console.months.list.more", n=len(rows) - LIST_MAX)))
            out.append(ui.region(theme.card(ft.Column(lines, spacing=6)), f"list-{name}"))
        return out

    def _candidate_row(self, name: str, r: Mapping[str, Any]) -> ft.Control:
        lb = self.labels
        if name in ("exit", "tier_up", "tier_down"):
            r = self.data.explained(str(r.get("outlet_code"))) or r
        if name == "exit":
            why = why_text(r, "exit", lb)
        elif name in ("tier_up", "tier_down"):
            why = self.t("console.months.tier_to", from_tier=lb.tier(r.get("tier")),
                         to_tier=lb.tier(r.get("tier_move_to"))) + " · " + why_text(
                r, "tier_move", lb)
        elif name == "rewards":
            rw = r.get("reward") or {}
            why = self.t("console.months.reward_line", manager=rw.get("area_manager") or "—",
                         baseline=rw.get("baseline_month") or "—",
                         before=rw.get("baseline_rank") or "—", now=rw.get("rank") or "—",
                         places=rw.get("places") or 0)
        else:
            why = ("、" if lb.lang == "zh" else ", ").join(
                flag_label(f, lb) for f in r.get("flags") or () if f in WARNING_FLAGS)
        head = f"{r.get('name') or ''}（{r.get('outlet_code')}）" if lb.lang == "zh" else \
            f"{r.get('name') or ''} ({r.get('outlet_code')})"
        content = ft.Column([
            ft.Row([ft.Text(head, size=14, weight=ft.FontWeight.W_600),
                    ui.muted(" · ".join(x for x in (str(r.get("business_unit") or ""),
                                                   number_text(r.get("composite"))) if x))],
                   spacing=8, wrap=True),
            ft.Text(why, size=13, color=theme.MUTED),
        ], spacing=2, tight=True)
        return ui.tappable(content, self.go(self._card_route(r)),
                           label=self.t("console.months.open_card", name=r.get("name") or ""),
                           identifier=f"{name}-{r.get('outlet_code')}")

    # -- the units' trend ---------------------------------------------------------------------
    def _charts(self, m: MonthDoc) -> list[ft.Control]:
        own = self.manager.business_unit
        units = [own] if own else ([self.unit] if self.unit else m.units())
        if not units:
            return [theme.card(ui.muted(self.t("console.months.no_units")))]
        months = chart_months(self.month)
        labels = [str(x) for x in months]
        out: list[ft.Control] = [self._filters(m, sort=False, family=False)]
        for unit in units[:CHART_UNITS]:
            points = read.unit_series(self.console.ctx, unit, months)
            out.append(charts.line_chart(
                self.t("console.months.unit_chart", unit=unit, n=len(months)), labels,
                [charts.Series(self.t("console.chart.mean"), [p.mean for p in points])],
                self.console.lang,
                band=charts.Band([p.lowest for p in points], [p.highest for p in points],
                                 self.t("console.chart.band")),
                width=theme.MAX_WIDTH - 80, identifier=f"chart-unit-{unit}"))
        if len(units) > CHART_UNITS:
            out.append(ui.muted(self.t("console.months.list.more", n=len(units) - CHART_UNITS)))
        return out

    # -- finance's spreadsheet -----------------------------------------------------------------
    def _export_xlsx(self) -> None:
        """The closed month as the finance export writes it (`hallcheck month export
        --format xlsx`), built in the background and downloaded."""
        from app.central.month.export import write_xlsx

        c = self.console
        if self.manager.business_unit is not None:
            raise NotAllowed("console.months.export_not_allowed")
        ctx, month, lang, files = c.ctx, self.month, c.lang, c.files
        tiers = self.labels.tiers
        filename = f"{self.t('console.months.export_file')}-{month}.xlsx"

        def build(job: Any) -> Path:
            closed = read.closed_month(ctx, month)
            if closed is None:  # pragma: no cover - the button is only on a closed month
                raise NotFound("console.months.bad_month", month=str(month))
            return write_xlsx(closed, files.new_export_path("xlsx"), lang, tiers)

        self.export.start(build, filename)

    # -- closing ------------------------------------------------------------------------------
    def _ask_close(self) -> None:
        c = self.console
        if not may_close(self.manager):
            raise NotAllowed("console.months.close_not_allowed")
        month = str(self.month)
        error = ft.Text("", color=theme.FAIL, size=13, visible=False)

        def ok() -> None:
            if not may_close(c.manager):
                raise NotAllowed("console.months.close_not_allowed")
            try:
                closed = read.close_month(c.ctx, self.month, by=c.manager.username)
                forget_preview(c.ctx, self.month)
            except UserError as exc:  # refused (closed meanwhile, month not over): say so
                error.value = exc.message(c.lang)
                error.visible = True
                c.page.update()
                return
            totals = closed.export.get("totals") or {}

            def done() -> None:
                c.refresh()
                c.notify(c.t("console.months.closed_done", month=month,
                             outlets=totals.get("outlets", 0), ranked=totals.get("ranked", 0)))

            c.close_dialog(then=done)

        version = self.data.version if getattr(self, "data", None) else ""
        c.dialog(self.t("console.months.close_title", month=month),
                 ft.Column([ft.Text(self.t("console.months.close_text", version=version),
                                    size=14), error], tight=True, width=480, spacing=10),
                 [ft.TextButton(self.t("console.months.cancel"),
                                on_click=c.guard(c.close_dialog)),
                  ft.FilledButton(self.t("console.months.close_confirm"), icon=ft.Icons.LOCK,
                                  on_click=c.guard(ok))])
