"""The console's look: the shipped CJK font as the theme font, a desktop palette, sizes.

The console runs with no CDN, like the device app, so the browser has no font for Chinese
unless we ship one: `assets/fonts/NotoSansSC-Regular.otf` is registered as the theme font
(the same asset the device app uses; the console keeps its own copy of these few lines so it
never imports the device's views).
"""

from __future__ import annotations

import sys
from pathlib import Path

import flet as ft

FONT_FAMILY = "NotoSansSC"
FONT_ASSET = "fonts/NotoSansSC-Regular.otf"

PRIMARY = "#00695C"
FAIL = "#C62828"
WARN = "#E65100"
OK = "#2E7D32"
MUTED = "#616161"
VETO_BG = "#FFEBEE"
FLAG_BG = "#FFF3E0"
CARD_BG = "#FFFFFF"
PAGE_BG = "#F3F5F5"
BORDER = "#DDDDDD"

MAX_WIDTH = 1200  # a desktop page never grows wider than this
THUMB = 120  # thumbnail edge on the result page, px

STATE_COLOURS = {"received": "#1565C0", "approved": OK, "returned": WARN, "rejected": FAIL}


def assets_dir() -> Path:
    """`assets/` of a source checkout, of an installed package, or of a PyInstaller bundle."""
    here = Path(__file__).resolve()
    candidates = [here.parents[2] / "assets", here.parents[1] / "assets"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "assets")
    for candidate in candidates:
        if (candidate / FONT_ASSET).exists():
            return candidate
    return candidates[-1]


def font_path() -> Path:
    """The CJK font file itself (the PDF report embeds it too)."""
    return assets_dir() / FONT_ASSET


def apply(page: ft.Page) -> None:
    """Register the font and the theme on a fresh page."""
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme_mode = ft.ThemeMode.LIGHT
    page.theme = ft.Theme(font_family=FONT_FAMILY, color_scheme_seed=PRIMARY,
                          use_material3=True, visual_density=ft.VisualDensity.COMPACT)
    page.bgcolor = PAGE_BG
    page.padding = 0


def text_style(**kwargs: object) -> ft.TextStyle:
    """A TextStyle that keeps the shipped font (a style on a button replaces the theme's)."""
    return ft.TextStyle(font_family=FONT_FAMILY, **kwargs)  # type: ignore[arg-type]


def card(content: ft.Control, *, bgcolor: str | None = None, border: str | None = None,
         padding: int = 14) -> ft.Container:
    """A white panel, the unit every page is built from."""
    return ft.Container(content=content, bgcolor=bgcolor or CARD_BG,
                        border_radius=ft.BorderRadius.all(8),
                        border=ft.Border.all(1, border or BORDER),
                        padding=ft.Padding.all(padding))


def chip(text: str, colour: str, *, filled: bool = False) -> ft.Container:
    """A small label: a state, a flag, a veto."""
    return ft.Container(
        content=ft.Text(text, size=12, color=ft.Colors.WHITE if filled else colour,
                        weight=ft.FontWeight.W_600),
        bgcolor=colour if filled else None,
        border=ft.Border.all(1, colour),
        border_radius=ft.BorderRadius.all(10),
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
    )
