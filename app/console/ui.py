"""Small building blocks the console pages share: headings, muted text, clickable rows."""

from __future__ import annotations

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
