"""Small building blocks every screen shares: the screen frame, headings, buttons, badges.

Every interactive control gets a visible text or a tooltip from the catalogue, which is
what a screen reader, the headless view tests and the browser tests find it by. Regions a
test needs to scope into carry a Semantics `identifier` (rendered by Flutter web as the
DOM attribute `flt-semantics-identifier`), listed in app/views/README.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from app.views import theme

if TYPE_CHECKING:
    from app.views.shell import AppShell

log = logging.getLogger("hallcheck.views")

TOUCH_MIN = 48  # px: the smallest tap target (Material's, and issue 12's measure)


class Redirect(Exception):
    """Raised while a screen loads: show `route` instead (e.g. a finished visit's result)."""

    def __init__(self, route: str) -> None:
        super().__init__(route)
        self.route = route


def redraw(control: Any) -> None:
    """Send `control`'s changes to the screen while it is shown. Flet raises RuntimeError
    for a control no longer on a page (a screen left while work finished) or a session
    already gone (the tab closed): then there is nothing to redraw."""
    try:
        control.update()
    except RuntimeError:
        log.debug("nothing to redraw: %s is no longer shown", type(control).__name__)


class Screen:
    """One screen: builds its `ft.View` once, may refresh parts of it later."""

    #: the route pattern name, for the shell (e.g. "home", "visit")
    name = "screen"

    def __init__(self, app: AppShell, **params: Any) -> None:
        self.app = app
        self.params = params

    def build(self) -> ft.View:  # pragma: no cover - each screen overrides it
        raise NotImplementedError

    def refresh_sync(self) -> None:
        """Called every few seconds by the shell: update the sync indicator, if shown."""

    def after_show(self) -> None:
        """Called once the view is on the page (e.g. to scroll to an item)."""

    def dispose(self) -> None:
        """Called when the screen is left."""

    # -- helpers for subclasses ------------------------------------------------------------

    def t(self, key: str, **params: Any) -> str:
        return self.app.t(key, **params)

    def on(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn` as a guarded event handler (errors become plain sentences)."""
        return self.app.guard(fn)

    def go(self, route: str) -> Callable[..., Any]:
        """A guarded handler that navigates to `route`."""
        return self.app.guard(lambda: self.app.go(route))


def frame(app: AppShell, route: str, body: list[ft.Control], *,
          appbar: ft.AppBar | None = None, bottom: ft.Control | None = None,
          scroll: bool = True, identifier: str | None = None,
          column: ft.Column | None = None) -> ft.View:
    """A screen: app bar, a centred column no wider than a tablet form, an optional bar
    fixed at the bottom (the thumb's reach on a phone)."""
    mood = app.mood
    col = column or ft.Column()
    col.controls = body
    col.spacing = 12
    col.horizontal_alignment = ft.CrossAxisAlignment.STRETCH
    width = content_width(app)
    inner = ft.Container(content=col, width=width,
                         padding=ft.Padding.symmetric(horizontal=12, vertical=12))
    # (ResponsiveRow inside a scrolling Column leaves the whole page blank in flet 1.0.5's
    # web client, measured: a fixed width centred in a Row does the same job)
    scroller = ft.Column([_centre(inner, width)], expand=True,
                         scroll=ft.ScrollMode.AUTO if scroll else None, spacing=0,
                         horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    content: list[ft.Control] = [scroller]
    if bottom is not None:
        content.append(ft.Container(
            content=_centre(ft.Container(content=bottom,
                                         width=width - 24 if width else None), width),
            bgcolor=ft.Colors.WHITE,
            padding=ft.Padding.symmetric(horizontal=12, vertical=8),
            border=ft.Border.only(top=ft.BorderSide(1, "#E0E0E0")),
        ))
    page_body: ft.Control = ft.Column(content, expand=True, spacing=0,
                                      horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
    if identifier:
        page_body = ft.Semantics(content=page_body, identifier=identifier, container=True,
                                 expand=True)
    view = ft.View(route=route, controls=[page_body], appbar=appbar, padding=0,
                   bgcolor=mood.bg, spacing=0)
    return view


def content_width(app: AppShell) -> float | None:
    """The column's width: the whole screen on a phone, at most a readable form's width on
    a tablet or a desktop browser (None: take the screen's width)."""
    try:
        page_width = float(app.page.width or 0)
    except (TypeError, ValueError):
        page_width = 0
    limit = theme.MAX_CONTENT_WIDTH * (1.25 if app.mood.kiosk else 1.0)
    return limit if page_width > limit + 24 else None


def _centre(control: ft.Control, width: float | None) -> ft.Control:
    if width is None:
        return control
    return ft.Row([control], alignment=ft.MainAxisAlignment.CENTER, spacing=0)


def appbar(app: AppShell, title: str, *, back: str | None = None,
           actions: list[ft.Control] | None = None,
           leading: ft.Control | None = None) -> ft.AppBar:
    """The top bar; `back` is the route the back arrow goes to (None: no back arrow). In
    discreet mode every screen's bar carries the quick-hide button, last (issue 12: the
    review screen once had none)."""
    mood = app.mood
    if leading is None and back is not None:
        leading = icon_button(app, ft.Icons.ARROW_BACK, app.t("views.back"),
                              lambda: app.go(back))
    actions = list(actions or [])
    if mood.discreet:
        actions.append(icon_button(app, ft.Icons.VISIBILITY_OFF, app.t("views.discreet.hide"),
                                   lambda: hide_screen(app)))
    return ft.AppBar(
        leading=leading,
        automatically_imply_leading=False,
        # a long name (an outlet's) wraps onto a second line at a word boundary, smaller,
        # instead of being cut after a few characters; the screen shows it in full too
        title=ft.Text(title, size=mood.fs(19 if len(title) <= 10 else 16),
                      weight=ft.FontWeight.W_600, max_lines=2,
                      overflow=ft.TextOverflow.ELLIPSIS),
        bgcolor=ft.Colors.WHITE if not mood.discreet else theme.DISCREET_BG,
        color="#202124",
        actions=[*actions, ft.Container(width=4)],
        elevation=0,
        toolbar_height=56 if not mood.kiosk else 72,
    )


def hide_screen(app: AppShell) -> None:
    """Quick-hide: a plain blank note covers the screen until tapped (mystery shop)."""
    cover = ft.AlertDialog(
        modal=True,
        content=ft.Container(
            content=ft.Column([
                ft.Text(app.t("views.discreet.cover_title"), size=20,
                        weight=ft.FontWeight.W_600, color="#3C4043"),
                ft.Text(app.t("views.discreet.cover_body"), size=15, color="#5F6368"),
            ], spacing=10),
            width=1000, height=2000, bgcolor="#FFFFFF", padding=ft.Padding.all(24),
            on_click=app.guard(app.close_dialog),
        ),
        content_padding=0,
        inset_padding=0,
        shape=ft.RoundedRectangleBorder(radius=0),
        bgcolor="#FFFFFF",
        barrier_color="#FFFFFF",
        semantics_label=app.t("views.discreet.cover_label"),
        actions=[dialog_button(app, app.t("views.discreet.show"), app.close_dialog,
                               filled=False)],
    )
    app.page.show_dialog(cover)


def dialog_button(app: AppShell, label: str, on_click: Callable[..., Any], *,
                  filled: bool = True, danger: bool = False) -> ft.Control:
    """A dialog's button, at least 48 px high (a thumb's tap target)."""
    style = ft.ButtonStyle(
        padding=ft.Padding.symmetric(horizontal=16, vertical=12),
        bgcolor=theme.FAIL if danger and filled else None,
        color=theme.FAIL if danger and not filled else None,
        text_style=theme.text_style(size=app.mood.fs(15)),
    )
    if filled:
        return ft.FilledButton(label, on_click=app.guard(on_click), style=style,
                               height=TOUCH_MIN)
    return ft.TextButton(label, on_click=app.guard(on_click), style=style, height=TOUCH_MIN)


def icon_button(app: AppShell, icon: Any, label: str, on_click: Callable[..., Any], *,
                size: float | None = None) -> ft.Control:
    """An icon-only button named `label` (its tooltip, from the catalogue). MergeSemantics
    makes the tooltip and the button one node: in the browser a single role=button named
    `label` (a bare IconButton is a role-less tooltip node around an unnamed button; a
    Semantics(button=True) wrapper was a named button around an unnamed one)."""
    button = ft.IconButton(icon=icon, tooltip=label, on_click=app.guard(on_click),
                           icon_size=size, width=TOUCH_MIN, height=TOUCH_MIN,
                           size_constraints=ft.BoxConstraints(min_width=TOUCH_MIN,
                                                              min_height=TOUCH_MIN))
    return ft.MergeSemantics(content=button)


def heading(app: AppShell, text: str, *, size: float = 17, color: str | None = None
            ) -> ft.Text:
    return ft.Text(text, size=app.mood.fs(size), weight=ft.FontWeight.W_600, color=color)


def muted(app: AppShell, text: str, *, size: float = 13, selectable: bool = False
          ) -> ft.Text:
    return ft.Text(text, size=app.mood.fs(size), color=theme.MUTED, selectable=selectable)


def body_text(app: AppShell, text: str, *, size: float = 15, color: str | None = None,
              weight: ft.FontWeight | None = None) -> ft.Text:
    return ft.Text(text, size=app.mood.fs(size), color=color, weight=weight)


def primary_button(app: AppShell, label: str, on_click: Callable[..., Any] | None, *,
                   icon: Any = None, expand: bool = True, danger: bool = False,
                   disabled: bool = False, tooltip: str | None = None) -> ft.Control:
    """The one main action of a screen: filled, full width, thumb-sized."""
    mood = app.mood
    colour = theme.FAIL if danger else mood.primary
    button = ft.FilledButton(
        label, icon=icon, on_click=app.guard(on_click) if on_click else None,
        disabled=disabled, tooltip=tooltip,
        style=ft.ButtonStyle(
            bgcolor={ft.ControlState.DEFAULT: colour, ft.ControlState.DISABLED: "#BDBDBD"},
            color=ft.Colors.WHITE,
            shape=ft.RoundedRectangleBorder(radius=10),
            padding=ft.Padding.symmetric(horizontal=16, vertical=12),
            text_style=theme.text_style(size=mood.fs(16), weight=ft.FontWeight.W_600),
        ),
        height=max(mood.touch, 52),
    )
    return _stretch(button) if expand else button


def secondary_button(app: AppShell, label: str, on_click: Callable[..., Any] | None, *,
                     icon: Any = None, expand: bool = True, disabled: bool = False,
                     tooltip: str | None = None, danger: bool = False) -> ft.Control:
    mood = app.mood
    colour = theme.FAIL if danger else mood.primary
    button = ft.OutlinedButton(
        label, icon=icon, on_click=app.guard(on_click) if on_click else None,
        disabled=disabled, tooltip=tooltip,
        style=ft.ButtonStyle(
            color=colour,
            side=ft.BorderSide(1, colour),
            shape=ft.RoundedRectangleBorder(radius=10),
            padding=ft.Padding.symmetric(horizontal=14, vertical=10),
            text_style=theme.text_style(size=mood.fs(15)),
        ),
        height=mood.touch,
    )
    return _stretch(button) if expand else button


def _stretch(control: ft.Control) -> ft.Control:
    return ft.Row([ft.Container(content=control, expand=True)], spacing=0)


def tag(app: AppShell, text: str, *, color: str = theme.MUTED, bgcolor: str = "#EEEEEE",
        icon: Any = None, tooltip: str | None = None) -> ft.Control:
    """A small rounded label (tier, competitor, veto, status)."""
    parts: list[ft.Control] = []
    if icon is not None:
        parts.append(ft.Icon(icon, size=app.mood.fs(14), color=color))
    parts.append(ft.Text(text, size=app.mood.fs(12), color=color, weight=ft.FontWeight.W_600))
    return ft.Container(
        content=ft.Row(parts, spacing=3, tight=True),
        bgcolor=bgcolor, border_radius=ft.BorderRadius.all(6),
        padding=ft.Padding.symmetric(horizontal=7, vertical=2),
        tooltip=tooltip,
    )


def tappable(app: AppShell, content: ft.Control, on_click: Callable[..., Any], *,
             label: str, identifier: str | None = None) -> ft.Control:
    """A whole card that reacts to a tap, announced as a button named `label`."""
    box = ft.Container(
        content=content, on_click=app.guard(on_click), ink=True,
        bgcolor=theme.CARD_BG, border_radius=ft.BorderRadius.all(12),
        border=ft.Border.all(1, "#E0E0E0"),
        padding=ft.Padding.all(14 if not app.mood.kiosk else 20),
    )
    return ft.Semantics(content=box, label=label, button=True, identifier=identifier,
                        container=True)


def empty_state(app: AppShell, text: str, icon: Any = ft.Icons.INBOX_OUTLINED
                ) -> ft.Control:
    return ft.Container(
        content=ft.Column(
            [ft.Icon(icon, size=36, color="#BDBDBD"), muted(app, text, size=14)],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=6),
        padding=ft.Padding.symmetric(vertical=18),
        alignment=ft.Alignment.CENTER,
    )


def when(moment: Any, lang: str) -> str:
    """A local date-time as people read it: 今天 14:05 / 3月5日 14:05 (app.i18n.when)."""
    from app.i18n import when as format_when

    return format_when(moment, lang)
