"""Look and feel: the shipped CJK font, colours, sizes, and the three moods of the app.

- normal: the inspector's own tools (manager, self-check);
- discreet (mystery shop): muted greys, a neutral "notes" look, no score, nothing red;
- kiosk: the normal palette with larger text and targets, readable at arm's length.

The web UI runs with no CDN, so the browser has no font for Chinese unless we ship one:
`assets/fonts/NotoSansSC-Regular.otf` (made by tools/extract_font.py, SIL OFL) is registered
as the theme font. Bold is synthesised by Flutter from the regular face.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import flet as ft

FONT_FAMILY = "NotoSansSC"
FONT_ASSET = "fonts/NotoSansSC-Regular.otf"

# A touch target is never smaller than this (Material guidance: 48 dp).
TOUCH = 48
# The narrowest phone the layout is made for.
PHONE_WIDTH = 360
# Content never grows wider than this on a tablet or desktop: a form reads best narrow.
MAX_CONTENT_WIDTH = 760

PRIMARY = "#00796B"  # teal: calm, not an alarm colour
DISCREET = "#5F6368"  # neutral grey of a notes app
FAIL = "#C62828"
WARN = "#E65100"
OK = "#2E7D32"
MUTED = "#757575"
VETO_BG = "#FFEBEE"
CARD_BG = "#FFFFFF"
PAGE_BG = "#F4F6F6"
DISCREET_BG = "#FAFAF7"


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


@dataclass(frozen=True)
class Mood:
    """Sizes and colours for one way of showing the app."""

    name: str  # normal | discreet | kiosk
    scale: float
    primary: str
    bg: str

    @property
    def discreet(self) -> bool:
        return self.name == "discreet"

    @property
    def kiosk(self) -> bool:
        return self.name == "kiosk"

    def fs(self, size: float) -> float:
        """A font size scaled for this mood."""
        return round(size * self.scale, 1)

    @property
    def touch(self) -> float:
        return round(TOUCH * max(1.0, self.scale))


NORMAL = Mood("normal", 1.0, PRIMARY, PAGE_BG)
DISCREET_MOOD = Mood("discreet", 1.0, DISCREET, DISCREET_BG)
KIOSK = Mood("kiosk", 1.3, PRIMARY, PAGE_BG)


def apply(page: ft.Page, mood: Mood) -> None:
    """Register the font and set the theme for `mood` (call again when the mood changes)."""
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme_mode = ft.ThemeMode.LIGHT
    page.theme = ft.Theme(
        font_family=FONT_FAMILY,
        color_scheme_seed=mood.primary,
        use_material3=True,
        visual_density=ft.VisualDensity.STANDARD,
    )
    page.bgcolor = mood.bg
    set_locale(page, "zh")


def set_locale(page: ft.Page, lang: str) -> None:
    """Flutter's own words (a SnackBar's close button, a field's "characters remaining",
    date pickers) in the app's language: without a locale they are English (issue 12)."""
    zh, en = ft.Locale("zh", "CN"), ft.Locale("en", "US")
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[zh, en], current_locale=zh if lang == "zh" else en)


def card(content: ft.Control, *, mood: Mood, bgcolor: str | None = None,
         border_color: str | None = None) -> ft.Container:
    """A white rounded panel, the unit every screen is built from (a Column inside it
    stretches its children to the panel's width, so fields fill a phone's width)."""
    if isinstance(content, ft.Column) and \
            content.horizontal_alignment == ft.CrossAxisAlignment.START:
        content.horizontal_alignment = ft.CrossAxisAlignment.STRETCH
    return ft.Container(
        content=content,
        bgcolor=bgcolor or CARD_BG,
        border_radius=ft.BorderRadius.all(12),
        border=ft.Border.all(1, border_color or "#E0E0E0"),
        padding=ft.Padding.all(14 if not mood.kiosk else 20),
    )


def big_button_style(mood: Mood, *, selected: bool = False, colour: str | None = None
                     ) -> ft.ButtonStyle:
    """Style of the large answer buttons: filled when selected, outlined otherwise."""
    c = colour or mood.primary
    return ft.ButtonStyle(
        bgcolor=c if selected else ft.Colors.WHITE,
        color=ft.Colors.WHITE if selected else c,
        side=ft.BorderSide(2 if selected else 1, c),
        shape=ft.RoundedRectangleBorder(radius=10),
        padding=ft.Padding.symmetric(horizontal=6, vertical=10),
        text_style=text_style(size=mood.fs(16), weight=ft.FontWeight.W_600 if selected
                                else ft.FontWeight.NORMAL),
    )


def text_style(**kwargs: object) -> ft.TextStyle:
    """A TextStyle that keeps the shipped font: a style given to a button or a radio label
    replaces the theme's, and without the family the browser has no glyph for Chinese."""
    return ft.TextStyle(font_family=FONT_FAMILY, **kwargs)  # type: ignore[arg-type]
