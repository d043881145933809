"""The review queue: filters, counts, oldest first, paging, exports of the filter.

The filter lives in the console (per browser tab), so after acting on a result the
reviewer lands on the next one of the same filter (`next_result`), and coming back to
the queue shows the same page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flet as ft

from app.central import review, service
from app.central.exports import Labels, export_results
from app.central.exports.labels import FLAGS, KINDS, STATES, local
from app.console import theme, ui
from app.console.export_panel import ExportPanel
from app.console.shell import Page

PAGE_SIZE = 25
ALL = "all"


def current_filter(console: Any) -> review.QueueFilter:
    if console.queue_filter is None:
        console.queue_filter = review.QueueFilter()
    flt: review.QueueFilter = console.queue_filter
    return flt


def next_result(console: Any, done_uuid: str) -> str | None:
    """The oldest result of the current filter other than `done_uuid` (the one just
    acted on may still match, e.g. with no state filter)."""
    flt = current_filter(console)
    page = review.queue(console.ctx, console.manager, flt, offset=0, limit=5)
    return next((r.uuid for r in page.rows if r.uuid != done_uuid), None)


class QueuePage(Page):
    nav = "queue"

    def __init__(self, console: Any, inspector: str | None = None, outlet: str | None = None,
                 state: str | None = None, **params: str) -> None:
        super().__init__(console, **params)
        if inspector or outlet or state:  # a link from another page starts a new filter
            console.queue_filter = review.QueueFilter(
                inspector=inspector, outlet=outlet,
                state=None if state == ALL else (state or "received"))  # type: ignore[arg-type]
            console.queue_offset = 0
        self.labels = Labels.for_ctx(console.ctx, console.lang)
        self.export = ExportPanel(console)

    def title(self) -> str:
        return self.t("console.queue.title")

    # -- filter changes -------------------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        self.console.queue_filter = replace(current_filter(self.console), **changes)
        self.console.queue_offset = 0
        self.console.refresh()

    def _page(self, delta: int) -> None:
        self.console.queue_offset = max(0, self.console.queue_offset + delta)
        self.console.refresh()

    # -- building ---------------------------------------------------------------------------
    def build(self) -> list[ft.Control]:
        c = self.console
        flt = current_filter(c)
        page = review.queue(c.ctx, self.manager, flt, offset=c.queue_offset, limit=PAGE_SIZE)
        if not page.rows and c.queue_offset and page.total:
            c.queue_offset = 0
            page = review.queue(c.ctx, self.manager, flt, offset=0, limit=PAGE_SIZE)
        self.page_data = page
        body: list[ft.Control] = [
            ft.Row([ui.heading(self.t("console.queue.title"), 22),
                    ft.Row([ft.OutlinedButton(self.t("console.export.csv"),
                                              icon=ft.Icons.DOWNLOAD,
                                              on_click=self.on(lambda: self._export("csv"))),
                            ft.OutlinedButton(self.t("console.export.xlsx"),
                                              icon=ft.Icons.TABLE_VIEW,
                                              on_click=self.on(lambda: self._export("xlsx")))],
                           spacing=8)],
                   alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            self.export.control,
            theme.card(ft.Column([self._dropdowns(flt), self._state_chips(flt, page),
                                  self._flag_chips(flt, page)], spacing=10)),
        ]
        if flt.inspector or flt.outlet:
            who = flt.inspector or flt.outlet or ""
            body.append(ft.Row([ui.muted(self.t("console.inspectors.filter", name=who)
                                         if flt.inspector else self.t(
                                             "console.outlets.history", name=who, code=who)),
                                ft.TextButton(self.t("console.queue.clear"),
                                              on_click=self.on(lambda: self._set(
                                                  inspector=None, outlet=None)))]))
        body.append(ui.muted(self.t("console.queue.count", total=page.total)))
        body.append(self._table(page))
        body.append(self._pager(page))
        return body

    def _dropdowns(self, flt: review.QueueFilter) -> ft.Control:
        lb = self.labels

        def dd(label: str, value: str | None, options: list[tuple[str, str]],
               on_pick: Any, name: str, disabled: bool = False) -> ft.Control:
            return ui.dropdown(
                label, value or ALL, [(ALL, self.t("console.all")), *options],
                self.on(lambda e: on_pick(None if e.control.value in (ALL, None)
                                          else e.control.value)),
                disabled=disabled, identifier=f"filter-{name}")

        tiers = [(k, lb.tier(k)) for k in lb.tiers] or [("flagship", lb.tier("flagship"))]
        units = sorted({o.business_unit for o in service.list_outlets(self.console.ctx)
                        if o.business_unit})
        own_unit = self.manager.business_unit
        return ft.Row([
            dd(self.t("console.queue.kind"), flt.kind, [(k, lb.kind(k)) for k in KINDS],
               lambda v: self._set(kind=v), "kind"),
            dd(self.t("console.queue.tier"), flt.tier, tiers, lambda v: self._set(tier=v),
               "tier"),
            dd(self.t("console.queue.unit"), own_unit or flt.business_unit,
               [(u, u) for u in ([own_unit] if own_unit else units)],
               lambda v: self._set(business_unit=v), "unit", disabled=own_unit is not None),
        ], spacing=12, wrap=True)

    def _chip(self, text: str, selected: bool, on_click: Any, identifier: str) -> ft.Control:
        style = ft.ButtonStyle(text_style=theme.text_style(size=13),
                               padding=ft.Padding.symmetric(horizontal=12, vertical=4))
        button = (ft.FilledButton(text, on_click=on_click, style=style) if selected
                  else ft.OutlinedButton(text, on_click=on_click, style=style))
        return ft.Semantics(content=button, identifier=identifier, selected=selected,
                            container=True)

    def _state_chips(self, flt: review.QueueFilter, page: review.QueuePage) -> ft.Control:
        lb = self.labels
        chips: list[ft.Control] = [ui.muted(self.t("console.queue.state"))]
        for state in STATES:
            chips.append(self._chip(
                self.t("console.queue.state_chip", label=lb.state(state),
                       n=page.counts_by_state.get(state, 0)),
                flt.state == state, self.on(lambda s=state: self._set(state=s)),
                f"state-{state}"))
        chips.append(self._chip(
            self.t("console.queue.state_chip", label=self.t("console.all"),
                   n=sum(page.counts_by_state.values())),
            flt.state is None, self.on(lambda: self._set(state=None)), "state-all"))
        return ft.Row(chips, spacing=6, wrap=True)

    def _flag_chips(self, flt: review.QueueFilter, page: review.QueuePage) -> ft.Control:
        lb = self.labels
        chips: list[ft.Control] = [ui.muted(self.t("console.queue.flags")),
                 self._chip(self.t("console.any_flag"), flt.flag is None,
                            self.on(lambda: self._set(flag=None)), "flag-any")]
        for flag in FLAGS:
            chips.append(self._chip(
                self.t("console.queue.flag_chip", label=lb.flag(flag),
                       n=page.counts_by_flag.get(flag, 0)),
                flt.flag == flag,
                self.on(lambda f=flag: self._set(flag=None if flt.flag == f else f)),
                f"flag-{flag}"))
        return ft.Row(chips, spacing=6, wrap=True)

    def _table(self, page: review.QueuePage) -> ft.Control:
        if not page.rows:
            return theme.card(ui.muted(self.t("console.queue.empty"), 15))
        header = ft.Container(ft.Row([
            ui.cell(self.t("console.col.outlet"), expand=3, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.kind"), 70, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.inspector"), 110, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.finalized"), 130, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.received"), 130, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.score"), 60, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.state"), 80, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.col.flags"), None, colour=theme.MUTED, size=13, expand=2),
        ], spacing=8), padding=ft.Padding.symmetric(horizontal=12))
        return ui.region(ft.Column([header, *[self._row(r) for r in page.rows]], spacing=4),
                         "queue-rows")

    def _row(self, r: review.QueueRow) -> ft.Control:
        lb = self.labels
        when = lb.when(r.finalized_at)
        flags = ft.Row([theme.chip(lb.flag(f), theme.WARN if f != "veto" else theme.FAIL)
                        for f in r.flags], spacing=4, wrap=True)
        score = lb.score(r.score_total)
        content = ft.Row([
            ft.Container(ft.Column([
                ft.Text(r.outlet_name, size=14, weight=ft.FontWeight.W_600, max_lines=1,
                        overflow=ft.TextOverflow.ELLIPSIS),
                ft.Text(f"{r.outlet_code} · {lb.tier(r.tier)}" + (
                    f" · {r.business_unit}" if r.business_unit else ""), size=12,
                    color=theme.MUTED, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
            ], spacing=0, tight=True), expand=3),
            ui.cell(lb.kind(r.kind), 70),
            ui.cell(r.inspector_name or r.inspector_id, 110),
            ui.cell(when, 130, size=13),
            ui.cell(lb.when(r.received_at), 130, size=13),
            ui.cell(score, 60, colour=theme.FAIL if r.voided or r.veto_count else None,
                    weight=ft.FontWeight.W_600),
            ft.Container(theme.chip(lb.state(r.review_state),
                                    theme.STATE_COLOURS.get(r.review_state, theme.MUTED)),
                         width=80),
            ft.Container(flags, expand=2),
        ], spacing=8, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        return ui.tappable(content, self.go(f"/result/{r.uuid}"),
                           label=self.t("console.queue.row", outlet=r.outlet_name, when=when),
                           identifier=f"row-{r.uuid}")

    def _pager(self, page: review.QueuePage) -> ft.Control:
        offset = self.console.queue_offset
        if page.total <= PAGE_SIZE and offset == 0:
            return ft.Container()
        end = offset + len(page.rows)
        return ft.Row([
            ft.OutlinedButton(self.t("console.queue.prev"), disabled=offset == 0,
                              on_click=self.on(lambda: self._page(-PAGE_SIZE))),
            ui.muted(self.t("console.queue.page", start=offset + 1 if end else 0, end=end,
                            total=page.total)),
            ft.OutlinedButton(self.t("console.queue.next"), disabled=page.next_offset is None,
                              on_click=self.on(lambda: self._page(PAGE_SIZE))),
        ], alignment=ft.MainAxisAlignment.CENTER, spacing=16)

    # -- exports ----------------------------------------------------------------------------
    def _export(self, fmt: str) -> None:
        c = self.console
        ctx, viewer, flt, lang = c.ctx, self.manager, current_filter(c), c.lang
        stamp = local(datetime.now(UTC)).strftime("%Y%m%d-%H%M")  # type: ignore[union-attr]
        filename = f"{self.t('console.export.filename')}-{stamp}.{fmt}"
        files = c.files

        def build(job: Any) -> Path:
            return export_results(ctx, viewer, flt, fmt, files.new_export_path(fmt),  # type: ignore[arg-type]
                                  lang, progress=job.progress)

        self.export.start(build, filename)
