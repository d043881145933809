"""One result: who, where, when; the server's score with its vetoes and their evidence;
answers by section; photos; the amendment chain, the audit trail, disputes; and the review
actions this viewer may take (from `review.result_view(...).allowed_actions`).

After an action the reviewer is taken to the next result of the queue's filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flet as ft

from app.central import review
from app.central.accounts import BadInput
from app.central.exports import Labels, write_pdf
from app.central.exports.labels import local, text_of
from app.central.exports.report import veto_sentence
from app.console import theme, ui
from app.console.export_panel import ExportPanel
from app.console.queue import next_result
from app.console.shell import Page

DISPUTE_STATES = {"open": "console.dispute.open", "upheld": "console.dispute.upheld",
                  "overturned": "console.dispute.overturned"}


class ResultPage(Page):
    nav = "queue"

    def __init__(self, console: Any, uuid: str, **params: str) -> None:
        super().__init__(console, **params)
        self.uuid = uuid.lower()
        self.labels = Labels.for_ctx(console.ctx, console.lang)
        self.export = ExportPanel(console)

    def title(self) -> str:
        v = getattr(self, "view", None)
        if v is None:
            return self.t("console.title")
        return self.t("console.result.title", outlet=v.outlet.name, kind=self.labels.kind(v.kind))

    # -- building ---------------------------------------------------------------------------
    def build(self) -> list[ft.Control]:
        c = self.console
        self.view = v = review.result_view(c.ctx, self.manager, self.uuid, c.lang)
        return [
            ft.Row([ft.TextButton(self.t("console.back_to_queue"), icon=ft.Icons.ARROW_BACK,
                                  on_click=self.go("/")),
                    ft.OutlinedButton(self.t("console.export.pdf"), icon=ft.Icons.PICTURE_AS_PDF,
                                      on_click=self.on(self._pdf))],
                   alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            self.export.control,
            self._header(v),
            self._actions(v),
            self._vetoes(v),
            self._sections(v),
            self._photos(v),
            self._chain(v),
            self._audit(v),
            *([self._disputes(v)] if v.disputes else []),
        ]

    def _header(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        score_colour = theme.FAIL if v.voided or v.vetoes else theme.PRIMARY
        score = ft.Column([
            ft.Text(lb.score(v.score_total) if v.score_total is not None
                    else self.t("console.result.no_score"), size=34,
                    weight=ft.FontWeight.W_700, color=score_colour),
            ui.muted(self.t("console.result.score", score=lb.score(v.score_total))),
            *([ui.muted(self.t("console.result.device_score",
                               score=lb.score(v.device_score_total)))]
              if v.device_score_total is not None else []),
            *([ft.Text(self.t("console.voided"), color=theme.FAIL, size=13)] if v.voided else []),
        ], horizontal_alignment=ft.CrossAxisAlignment.END, spacing=2, tight=True)
        state = theme.chip(lb.state(v.review_state),
                           theme.STATE_COLOURS.get(v.review_state, theme.MUTED), filled=True)
        flags = [theme.chip(lb.flag(f), theme.FAIL if f == "veto" else theme.WARN)
                 for f in v.flags]
        inspector = self.t("console.result.inspector", name=v.inspector.name or "—",
                           id=v.inspector.id)
        info = ft.Column([
            ui.heading(f"{v.outlet.name}（{v.outlet.code}）" if self.console.lang == "zh"
                       else f"{v.outlet.name} ({v.outlet.code})", 22),
            ft.Text(" · ".join(x for x in (lb.kind(v.kind), lb.tier(v.outlet.tier),
                                            v.outlet.business_unit or "") if x), size=14),
            ft.Text(inspector, size=14),
            ft.Text(self.t("console.result.check_in", at=lb.when(_at(v.check_in, v.started_at)),
                           place=self._place(v.check_in)), size=13),
            ft.Text(self.t("console.result.check_out",
                           at=lb.when(_at(v.check_out, v.finalized_at)) or "—",
                           place=self._place(v.check_out)), size=13),
            ft.Text(self.t("console.result.on_site", duration=lb.duration(v.time_on_site_s)),
                    size=13),
            ui.muted(self.t("console.result.received", at=lb.when(v.received_at))),
            ft.Row([state, *flags], spacing=6, wrap=True),
            *([ui.muted(f"{self.t('console.action.reject_reason')}：{v.review_reason}"
                        if v.review_state == "rejected" else
                        self.t("console.result.audit_reason", reason=v.review_reason))]
              if v.review_reason and v.review_state in ("returned", "rejected") else []),
        ], spacing=4, tight=True, expand=True)
        return ui.region(theme.card(ft.Row([info, score],
                                           vertical_alignment=ft.CrossAxisAlignment.START)),
                         "result-header")

    def _place(self, place: review.Place | None) -> str:
        if place is None or place.lat is None or place.lon is None:
            return self.t("console.result.no_place")
        acc = self.labels.score(place.accuracy_m) if place.accuracy_m is not None else "?"
        return self.t("console.result.place", lat=f"{place.lat:.5f}", lon=f"{place.lon:.5f}",
                      acc=acc)

    # -- actions ------------------------------------------------------------------------------
    def _actions(self, v: review.ResultView) -> ft.Control:
        acts = v.allowed_actions
        buttons: list[ft.Control] = []
        if "approve" in acts:
            buttons.append(ft.FilledButton(self.t("console.action.approve"), icon=ft.Icons.CHECK,
                                           on_click=self.on(self._approve),
                                           style=ft.ButtonStyle(bgcolor=theme.OK)))
        if "return" in acts:
            buttons.append(ft.OutlinedButton(self.t("console.action.return"),
                                             icon=ft.Icons.UNDO, on_click=self.on(self._return)))
        if "reject" in acts:
            buttons.append(ft.OutlinedButton(self.t("console.action.reject"),
                                             icon=ft.Icons.BLOCK, on_click=self.on(self._reject),
                                             style=ft.ButtonStyle(color=theme.FAIL)))
        if "dispute" in acts:
            buttons.append(ft.OutlinedButton(self.t("console.action.dispute"),
                                             icon=ft.Icons.GAVEL, on_click=self.on(self._dispute)))
        if "decide_dispute" in acts:
            buttons.append(ft.OutlinedButton(self.t("console.action.decide"),
                                             icon=ft.Icons.GAVEL, on_click=self.on(self._decide)))
        if "amend" in acts:
            buttons.append(ft.FilledButton(self.t("console.action.amend"), icon=ft.Icons.EDIT,
                                           on_click=self.go(f"/result/{self.uuid}/amend")))
        body: ft.Control = (ft.Row(buttons, spacing=10, wrap=True) if buttons
                            else ui.muted(self.t("console.result.no_actions")))
        lines: list[ft.Control] = [ui.heading(self.t("console.result.actions"), 16), body]
        if self._own_correction(v):
            lines.append(ui.muted(self.t("console.amend.own_correction")))
        elif v.superseded_by:
            lines.append(ui.tappable(
                ft.Text(self.t("console.result.superseded"), size=13),
                self.go(f"/result/{v.superseded_by}"),
                label=self.t("console.result.superseded"), identifier="superseded-by"))
        return ui.region(theme.card(ft.Column(lines, spacing=8)), "result-actions")

    def _own_correction(self, v: review.ResultView) -> bool:
        """This viewer made this correction in the console: someone else reviews it."""
        me = self.manager.username
        return v.amends_uuid is not None and v.review_state == "received" and any(
            link.uuid == v.uuid and link.by == me for link in v.chain) \
            and "approve" not in v.allowed_actions

    def _after(self, done_key: str) -> None:
        """Acted on: show the next result of the queue, or the queue when none is left."""
        c = self.console
        nxt = next_result(c, self.uuid)
        if nxt is not None:
            c.go(f"/result/{nxt}")
            c.notify(self.t(done_key) + " " + self.t("console.action.next"))
        else:
            c.go("/")
            c.notify(self.t(done_key) + " " + self.t("console.queue.done"))

    def _ask(self, title: str, fields: list[ft.Control], on_ok: Any) -> None:
        c = self.console
        error = ft.Text("", color=theme.FAIL, size=13, visible=False)

        def ok() -> None:
            try:
                done_key = on_ok()
            except BadInput as exc:  # stays open: what was typed is kept
                error.value = exc.message(c.lang)
                error.visible = True
                c.page.update()
                return
            except Exception:
                c.close_dialog()
                raise
            c.close_dialog(then=lambda: self._after(done_key))

        for f in fields:
            if isinstance(f, ft.TextField) and f.on_submit is None and not f.multiline:
                f.on_submit = c.guard(ok)
        c.dialog(title, ft.Column([*fields, error], tight=True, width=460, spacing=10), [
            ft.TextButton(self.t("console.action.cancel"), on_click=c.guard(c.close_dialog)),
            ft.FilledButton(self.t("console.action.confirm"), on_click=c.guard(ok)),
        ])

    def _approve(self) -> None:
        note = ft.TextField(label=self.t("console.action.approve_note"),
                            max_length=2000)

        def ok() -> str:
            review.approve(self.console.ctx, self.manager, self.uuid, note.value or None)
            return "console.action.done.approve"

        self._ask(self.t("console.action.approve"), [note], ok)

    def _return(self) -> None:
        reason = ft.TextField(label=self.t("console.action.return_reason"),
                              max_length=2000, multiline=True, min_lines=2, max_lines=5)

        def ok() -> str:
            review.return_result(self.console.ctx, self.manager, self.uuid, reason.value or "")
            return "console.action.done.return"

        self._ask(self.t("console.action.return"), [reason], ok)

    def _reject(self) -> None:
        c = self.console
        reasons = review.rejection_reasons(c.ctx, c.lang)
        group = ft.RadioGroup(content=ft.Column(
            [ft.Radio(value=code, label=label) for code, label in reasons], spacing=0))
        note = ft.TextField(label=self.t("console.action.reject_note"), max_length=2000)

        def ok() -> str:
            if not group.value:
                raise BadInput("console.action.pick_reason")
            review.reject(c.ctx, self.manager, self.uuid, group.value, note.value or None)
            return "console.action.done.reject"

        self._ask(self.t("console.action.reject"),
                  [ui.muted(self.t("console.action.reject_reason")), group, note], ok)

    def _dispute(self) -> None:
        statement = ft.TextField(label=self.t("console.action.dispute_statement"),
                                  multiline=True, min_lines=2, max_lines=6,
                                 max_length=2000)

        def ok() -> str:
            review.open_dispute(self.console.ctx, self.manager, self.uuid,
                                statement.value or "")
            return "console.action.done.dispute"

        self._ask(self.t("console.action.dispute"), [statement], ok)

    def _decide(self) -> None:
        open_ones = [d for d in self.view.disputes if d.state == "open"]
        if not open_ones:
            return
        dispute = open_ones[-1]
        outcome = ft.RadioGroup(value="upheld", content=ft.Column([
            ft.Radio(value="upheld", label=self.t("console.action.upheld")),
            ft.Radio(value="overturned", label=self.t("console.action.overturned"))],
            spacing=0))
        reason = ft.TextField(label=self.t("console.action.decide_reason"), multiline=True,
                              min_lines=2, max_lines=5, max_length=2000)

        def ok() -> str:
            review.decide_dispute(self.console.ctx, self.manager, dispute.id,
                                  outcome.value or "upheld", reason.value or "")  # type: ignore[arg-type]
            return "console.action.done.decide"

        self._ask(self.t("console.action.decide"),
                  [ft.Text(dispute.statement, size=14), outcome, reason], ok)

    # -- the score: vetoes and sections -------------------------------------------------------
    def _vetoes(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        labels = {s.id: s.label for s in v.sections}
        lines: list[ft.Control] = [ui.heading(self.t("console.result.vetoes"), 16,
                                              theme.FAIL if v.vetoes else None)]
        if not v.vetoes:
            lines.append(ui.muted(self.t("console.result.no_vetoes")))
        for veto in v.vetoes:
            lines.append(ft.Text(veto_sentence(veto, lb, labels), color=theme.FAIL, size=14,
                                 weight=ft.FontWeight.W_600))
            if veto.note:
                lines.append(ft.Text(self.t("console.result.evidence_note", note=veto.note),
                                     size=13))
            if veto.photos:
                lines.append(self._thumbs(veto.photos, text_of(veto.label, lb.lang), v))
            elif not veto.note:
                lines.append(ui.muted(self.t("console.result.no_evidence")))
        if v.breakdown:
            lines.append(ft.Container(height=4))
            lines += [ui.muted(line, 12) for line in v.breakdown]
        return ui.region(theme.card(ft.Column(lines, spacing=6),
                                    bgcolor=theme.VETO_BG if v.vetoes else None),
                         "result-vetoes")

    def _sections(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        blocks: list[ft.Control] = [ui.heading(self.t("console.result.sections"), 16)]
        for s in v.sections:
            head = self.t("console.result.section_head", label=text_of(s.label, lb.lang),
                          score=lb.score(s.score), weight=lb.score(s.weight))
            if s.vetoed:
                head += " " + self.t("console.result.section_vetoed")
            rows: list[ft.Control] = [ft.Text(head, size=15, weight=ft.FontWeight.W_600,
                                              color=theme.FAIL if s.vetoed else theme.PRIMARY)]
            for i in s.items:
                if i.status == "hidden":
                    continue
                label = text_of(i.label, lb.lang)
                colour = theme.FAIL if i.failed else None
                line = ft.Row([
                    ft.Container(ft.Text(("× " if i.failed else "") + label, size=14,
                                         color=colour), expand=3),
                    ft.Container(ft.Text(i.value_text or "—", size=14, color=colour,
                                         weight=ft.FontWeight.W_600), expand=2),
                    *([theme.chip(self.t("console.flag.veto"), theme.FAIL)] if i.veto else []),
                ], spacing=8)
                rows.append(line)
                if i.note:
                    rows.append(ft.Container(ui.muted(self.t("console.result.note", note=i.note)),
                                             padding=ft.Padding.only(left=16)))
                if i.photos:
                    rows.append(ft.Container(self._thumbs(i.photos, label, v),
                                             padding=ft.Padding.only(left=16)))
            blocks.append(ft.Container(ft.Column(rows, spacing=4),
                                       padding=ft.Padding.only(top=6)))
        return ui.region(theme.card(ft.Column(blocks, spacing=6)), "result-sections")

    # -- photos ----------------------------------------------------------------------------
    def _thumbs(self, hashes: list[str], caption: str, v: review.ResultView) -> ft.Control:
        files, user = self.console.files, self.manager.username
        tiles: list[ft.Control] = []
        for sha in hashes:
            if sha in v.missing_photos:
                tiles.append(ft.Container(ui.muted(self.t("console.result.photo_missing"), 11),
                                          width=theme.THUMB, height=theme.THUMB,
                                          alignment=ft.Alignment.CENTER, bgcolor="#EEEEEE"))
                continue
            img = ft.Image(src=files.thumb_url(user, sha), width=theme.THUMB,
                           height=theme.THUMB, fit=ft.BoxFit.COVER,
                           border_radius=ft.BorderRadius.all(4),
                           error_content=ui.muted(self.t("console.files.not_image"), 11))
            tiles.append(ft.Semantics(
                content=ft.Container(img, on_click=self.on(
                    lambda s=sha: self._full(s, caption)), ink=True),
                label=self.t("console.result.photo", item=caption), button=True, image=True,
                identifier=f"photo-{sha[:12]}", container=True))
        return ft.Row(tiles, spacing=8, wrap=True)

    def _full(self, sha: str, caption: str) -> None:
        c = self.console
        img = ft.Image(src=c.files.photo_url(self.manager.username, sha), fit=ft.BoxFit.CONTAIN,
                       width=900, height=600)
        c.dialog(self.t("console.result.photo_full", item=caption),
                 ft.Semantics(content=img, identifier="photo-full", image=True,
                              label=self.t("console.result.photo_full", item=caption)),
                 [ft.FilledButton(self.t("console.result.close"),
                                  on_click=c.guard(c.close_dialog))])

    def _photos(self, v: review.ResultView) -> ft.Control:
        caption = {sha: text_of(i.label, self.labels.lang) for s in v.sections
                   for i in s.items for sha in i.photos}
        body: list[ft.Control] = [ui.heading(self.t("console.result.photos", n=len(v.photos)),
                                             16)]
        if v.photos:
            rows = ft.Row(spacing=8, wrap=True)
            for sha in v.photos:
                rows.controls.append(self._thumbs([sha], caption.get(sha, ""), v))
            body.append(rows)
        return ui.region(theme.card(ft.Column(body, spacing=8)), "result-photos")

    # -- history ----------------------------------------------------------------------------
    def _chain(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        lines: list[ft.Control] = [ui.heading(self.t("console.result.amendments"), 16)]
        for link in v.chain:
            text = self.t("console.result.amendment", at=lb.when(link.at), by=link.by or "—",
                          reason=link.reason or lb.kind(v.kind))
            text += f" · {lb.state(link.review_state)} · {lb.score(link.score_total)}"
            if link.uuid == v.uuid:
                lines.append(ft.Text(text + " " + self.t("console.result.amendment_this"),
                                     size=13, weight=ft.FontWeight.W_600))
            else:
                lines.append(ui.tappable(ft.Text(text, size=13), self.go(f"/result/{link.uuid}"),
                                         label=self.t("console.result.open_amendment",
                                                      at=lb.when(link.at)),
                                         identifier=f"chain-{link.uuid}"))
        return ui.region(theme.card(ft.Column(lines, spacing=4)), "result-chain")

    def _audit(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        lines: list[ft.Control] = [ui.heading(self.t("console.result.audit"), 16)]
        for a in v.audit:
            action = self.t(f"review.audit.{a.action}")
            if action == f"review.audit.{a.action}":
                action = a.action
            who = a.actor_id or a.actor_kind
            text = self.t("console.result.audit_line", at=lb.when(a.at), who=who, action=action)
            if a.from_state and a.to_state and a.from_state != a.to_state:
                text += " · " + self.t("console.result.audit_move",
                                       from_state=lb.state(a.from_state),
                                       to_state=lb.state(a.to_state))
            lines.append(ft.Text(text, size=13))
            if a.reason:
                lines.append(ft.Container(ui.muted(self.t("console.result.audit_reason",
                                                          reason=a.reason)),
                                          padding=ft.Padding.only(left=16)))
        return ui.region(theme.card(ft.Column(lines, spacing=3)), "result-audit")

    def _disputes(self, v: review.ResultView) -> ft.Control:
        lb = self.labels
        lines: list[ft.Control] = [ui.heading(self.t("console.result.disputes"), 16)]
        for d in v.disputes:
            lines.append(ft.Text(self.t("console.result.dispute_line", at=lb.when(d.opened_at),
                                        state=self._dispute_state(d.state),
                                        statement=d.statement), size=13))
            if d.decision_reason:
                lines.append(ui.muted(self.t("console.result.audit_reason",
                                             reason=d.decision_reason)))
        return ui.region(theme.card(ft.Column(lines, spacing=3)), "result-disputes")

    def _dispute_state(self, state: str) -> str:
        key = DISPUTE_STATES.get(state)
        return self.t(key) if key else state

    # -- the PDF report ---------------------------------------------------------------------
    def _pdf(self) -> None:
        c = self.console
        ctx, viewer, uuid, lang = c.ctx, self.manager, self.uuid, c.lang
        labels = Labels.for_ctx(ctx, lang)
        v = self.view
        stamp = local(datetime.now(UTC)).strftime("%Y%m%d")  # type: ignore[union-attr]
        filename = f"{self.t('console.export.report_filename')}-{v.outlet.code}-{stamp}.pdf"
        files = c.files

        def build(job: Any) -> Path:
            view = review.result_view(ctx, viewer, uuid, lang)
            return write_pdf(view, files.new_export_path("pdf"), labels, theme.font_path(),
                             files.photo_bytes, progress=job.progress)

        self.export.start(build, filename)


def _at(place: review.Place | None, fallback: datetime | None) -> datetime | None:
    return place.at if place is not None and place.at is not None else fallback
