"""Small building blocks the console pages share: headings, muted text, clickable rows,
named dropdowns."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import flet as ft

from app.console import theme


def heading(text: str, size: float = 18, colour: str | None = None) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.W_600, color=colour)


def muted(text: str, size: float = 13) -> ft.Text:
    return ft.Text(text, size=size, color=theme.MUTED)


def tappable(content: ft.Control, on_click: Callable[..., Any], *, label: str,
             identifier: str | None = None, bgcolor: str | None = None) -> ft.Control:
    """A whole row or card that reacts to a click, announced as a button named `label`."""
    box = ft.Container(content=content, on_click=on_click, ink=True,
                       bgcolor=bgcolor or theme.CARD_BG, border_radius=ft.BorderRadius.all(6),
                       border=ft.Border.all(1, theme.BORDER),
                       padding=ft.Padding.symmetric(horizontal=12, vertical=8))
    return ft.Semantics(content=box, label=label, button=True, identifier=identifier,
                        container=True)


def region(content: ft.Control, identifier: str) -> ft.Control:
    """A part of a page the tests (and screen readers) can scope into."""
    return ft.Semantics(content=content, identifier=identifier, container=True)


def cell(text: str, width: float | None = None, *, colour: str | None = None,
         size: float = 14, expand: int | None = None, weight: Any = None) -> ft.Control:
    return ft.Container(ft.Text(text, size=size, color=colour, weight=weight,
                                max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
                        width=width, expand=expand)


def dropdown(label: str, value: str | None, options: list[tuple[str, str]],
             on_select: Callable[[Any], Any] | None = None, *, width: float | None = 210,
             disabled: bool = False, identifier: str | None = None) -> ft.Semantics:
    """A Dropdown with an accessible name. flet 1.0.5's Dropdown reaches the accessibility
    tree as an unnamed button (measured in Chromium), so screen readers and the browser
    tests could not tell one from another; the wrapper names it by its label and says the
    chosen option ("门店类别 旗舰厅"). The Dropdown itself is `.content`."""
    texts = dict(options)
    box = ft.Dropdown(label=label, value=value, width=width, dense=True, disabled=disabled,
                      options=[ft.DropdownOption(key=k, text=text) for k, text in options])
    named = ft.Semantics(content=box, label=label, value=texts.get(value or "", ""),
                         identifier=identifier, container=True)

    def picked(e: Any) -> None:
        named.value = texts.get(box.value or "", "")
        with contextlib.suppress(Exception):  # not on a page (yet)
            named.update()
        if on_select is not None:
            on_select(e)

    box.on_select = picked
    return named
