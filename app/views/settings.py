"""Settings: central endpoint and enrolment, language, role and identity, photo size, data
location and storage used, outlets (CSV import, demo set), and the kiosk lock.

On a locked kiosk this screen is reached only through the manager PIN.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import flet as ft

from app.errors import UserError
from app.views import sync_indicator, theme, ui
from app.views.first_run import ROLES

PHOTO_SIZES = (1024, 1600, 2048, 3072)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class SettingsScreen(ui.Screen):
    name = "settings"

    def build(self) -> ft.View:
        app = self.app
        ws = app.ws
        s = ws.settings
        mood = app.mood
        sections: list[ft.Control] = []

        # language
        langs = []
        for code in ("zh", "en"):
            langs.append(ft.Container(ft.OutlinedButton(
                "简体中文" if code == "zh" else "English",
                on_click=self.on(self._language(code)), height=mood.touch,
                style=theme.big_button_style(mood, selected=app.lang == code)), expand=True))
        sections.append(self._card("views.settings.language", [ft.Row(langs, spacing=8)]))

        # who
        self.role = ft.Dropdown(
            label=self.t("views.setup.role"), value=s.role,
            options=[ft.DropdownOption(key=r, text=self.t(f"role.{r}")) for r in ROLES],
            text_size=mood.fs(15), expand=True,
        )
        self.inspector = ft.TextField(label=self.t("views.setup.inspector_id"),
                                      value=s.inspector_id or "", text_size=mood.fs(15))
        who = ft.Column([
            self.role, self.inspector,
            ui.secondary_button(app, self.t("views.settings.save"), self.save_who,
                                icon=ft.Icons.SAVE),
        ], spacing=10, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        who_parts: list[ft.Control] = [who]
        if mood.discreet:
            # the role (暗访员) and staff ID only on request, never at a glance
            who.visible = False
            reveal = ui.secondary_button(app, self.t("views.settings.who_show"), None,
                                         icon=ft.Icons.VISIBILITY)

            def show_who() -> None:
                who.visible = True
                reveal.visible = False
                ui.redraw(self.app.page)

            button = reveal.controls[0].content  # type: ignore[attr-defined]
            button.on_click = self.on(show_who)
            who_parts.insert(0, reveal)
        sections.append(self._card("views.settings.who", who_parts))

        # central endpoint and enrolment
        self.endpoint = ft.TextField(label=self.t("views.setup.endpoint"),
                                     value=s.endpoint or "", text_size=mood.fs(15),
                                     keyboard_type=ft.KeyboardType.URL)
        self.code = ft.TextField(label=self.t("views.setup.enrol_code"), text_size=mood.fs(15))
        _short, sentence, _icon, colour = sync_indicator.describe(app, app.sync.status())
        sections.append(self._card("views.settings.central", [
            ui.body_text(app, sentence, color=colour, size=14),
            ui.muted(app, self.t("views.settings.enrolled") if s.device_token else
                     self.t("views.settings.not_enrolled")),
            self.endpoint, self.code,
            ui.secondary_button(app, self.t("views.settings.enrol"), self.enrol,
                                icon=ft.Icons.LINK),
        ]))

        # photos
        self.photo = ft.Dropdown(
            label=self.t("views.settings.photo_size"), value=str(s.photo_max_edge),
            options=[ft.DropdownOption(key=str(n), text=self.t("views.settings.photo_px",
                                                               n=n)) for n in
                     sorted({*PHOTO_SIZES, s.photo_max_edge})],
            on_select=self.on(self.save_photo), text_size=mood.fs(15), expand=True,
        )
        sections.append(self._card("views.settings.photos", [
            self.photo, ui.muted(app, self.t("views.settings.photo_help"))]))

        # outlets
        self.importer = ft.FilePicker(on_result=self.on(self.imported))
        import_button = ft.OutlinedButton(
            self.t("views.settings.import"), icon=ft.Icons.UPLOAD_FILE, height=mood.touch,
            action=ft.PickFiles(self.importer, file_type=ft.FilePickerFileType.CUSTOM,
                                allowed_extensions=["csv", "txt"], with_data=True,
                                dialog_title=self.t("views.settings.import")),
        )
        self.import_result = ft.Column(spacing=4,
                                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        sections.append(self._card("views.settings.outlets", [
            ui.muted(app, self.t("views.settings.outlet_count", n=ws.outlets.count())),
            ui.muted(app, self.t("views.settings.import_help")),
            ft.Row([ft.Container(import_button, expand=True)]),
            self.import_result,
            ui.secondary_button(app, self.t("views.home.load_demo"), self.load_demo,
                                icon=ft.Icons.SCIENCE_OUTLINED),
        ]))

        # kiosk
        self.kiosk_outlet = ft.TextField(label=self.t("views.settings.kiosk_outlet"),
                                         value=s.kiosk_outlet or "", text_size=mood.fs(15))
        self.pin = ft.TextField(label=self.t("views.settings.pin"), password=True,
                                can_reveal_password=True, keyboard_type=ft.KeyboardType.NUMBER,
                                max_length=8, text_size=mood.fs(15))
        kiosk_parts: list[ft.Control] = [
            ui.muted(app, self.t("views.settings.kiosk_help")),
            self.kiosk_outlet, self.pin,
            ui.secondary_button(app, self.t("views.settings.kiosk_on"), self.kiosk_on,
                                icon=ft.Icons.LOCK),
        ]
        if s.kiosk_outlet:
            kiosk_parts.append(ui.secondary_button(app, self.t("views.settings.kiosk_off"),
                                                   self.kiosk_off, icon=ft.Icons.LOCK_OPEN,
                                                   danger=True))
        sections.append(self._card("views.settings.kiosk", kiosk_parts))

        # data
        usage = ws.storage_used()
        sections.append(self._card("views.settings.data", [
            ui.muted(app, self.t("views.settings.data_dir", path=str(ws.paths.root)),
                     selectable=True),
            ui.body_text(app, self.t("views.settings.storage", total=_size(usage.total_bytes),
                                     db=_size(usage.database_bytes),
                                     photos=_size(usage.photos_bytes),
                                     n=usage.photo_count), size=14),
            ui.muted(app, self.t("views.settings.device", id=s.device_id)),
        ]))

        bottom = None
        back: str | None = app.home_route()
        if app.kiosk_outlet is not None:
            bottom = ui.primary_button(app, self.t("views.settings.back_to_kiosk"),
                                       app.kiosk_reset, icon=ft.Icons.LOCK)
            back = None
        return ui.frame(app, "/settings", sections, bottom=bottom,
                        appbar=ui.appbar(app, self.t("views.settings.title"), back=back),
                        identifier="screen-settings")

    def _card(self, title_key: str, parts: list[ft.Control]) -> ft.Control:
        return ft.Semantics(
            content=theme.card(ft.Column([ui.heading(self.app, self.t(title_key), size=15),
                                          *parts], spacing=10), mood=self.app.mood),
            identifier=title_key.replace("views.settings.", "settings-"), container=True)

    # -- events ----------------------------------------------------------------------------

    def _language(self, code: str) -> Any:
        def choose() -> None:
            self.app.set_language(code)
            self.app.refresh()

        return choose

    def save_who(self) -> None:
        ws = self.app.ws
        role = self.role.value
        inspector = (self.inspector.value or "").strip()
        if not inspector:
            raise UserError("views.setup.inspector_missing")
        ws.settings.set_role(role)
        ws.settings.set_inspector(inspector)
        self.app.notify(self.t("views.settings.saved"))
        self.app.refresh()

    def enrol(self) -> None:
        app = self.app
        endpoint = (self.endpoint.value or "").strip()
        app.ws.settings.set_endpoint(endpoint or None)
        code = (self.code.value or "").strip()
        if endpoint and code:
            app.run_background(lambda: sync_indicator.enrol(app, endpoint, code),
                               lambda _ok: app.refresh())
        else:
            app.notify(self.t("views.settings.saved"))
            app.refresh()

    def save_photo(self, e: Any) -> None:
        value = int(self.photo.value or 0)
        self.app.ws.settings.set_photo_max_edge(value)
        self.app.notify(self.t("views.settings.saved"))

    def load_demo(self) -> None:
        report = self.app.ws.load_demo()
        self.app.notify(self.t("views.home.demo_loaded", n=len(report.outlets)))
        self.app.refresh()

    def imported(self, e: Any) -> None:
        files = list(getattr(e, "files", None) or [])
        if not files:
            return
        f = files[0]
        data = f.bytes if f.bytes is not None else (Path(f.path).read_bytes() if f.path
                                                     else b"")
        app = self.app

        def work() -> Any:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "outlets.csv"
                path.write_bytes(data)
                return app.ws.outlets.import_csv(path)

        def done(report: Any) -> None:
            lines: list[ft.Control] = []
            if report.ok:
                lines.append(ui.body_text(app, self.t(
                    "views.settings.import_ok", created=len(report.created),
                    updated=len(report.updated), unchanged=len(report.unchanged)),
                    color=theme.OK, size=14))
            else:
                lines.append(ui.body_text(app, self.t("views.settings.import_failed",
                                                      n=len(report.errors)),
                                          color=theme.FAIL, size=14))
                lines += [ui.body_text(app, p.message(app.lang), size=13)
                          for p in report.errors[:30]]
            self.import_result.controls = lines

        app.notify(self.t("views.settings.importing"))
        app.run_background(work, done)

    def kiosk_on(self) -> None:
        app = self.app
        app.session.enable_kiosk(self.kiosk_outlet.value or "", self.pin.value or "")
        app.notify(self.t("views.settings.kiosk_enabled"))
        app.kiosk_reset()

    def kiosk_off(self) -> None:
        app = self.app

        def do() -> None:
            app.session.disable_kiosk()
            app.kiosk_unlocked = False
            app.notify(self.t("views.settings.kiosk_disabled"))
            app.go("/")

        app.confirm(self.t("views.settings.kiosk_off"), self.t("views.settings.kiosk_off_body"),
                    self.t("views.settings.kiosk_off"), do, danger=True)
