"""The translation layer: every string a user sees is looked up here by key.

Simplified Chinese (`zh`) is the default language, English (`en`) the second. Messages
live in `app/i18n/catalog/<area>.py` as `MESSAGES = {key: (zh, en)}`, so both languages of
a message sit side by side and neither can be forgotten. This package imports nothing else
of ours, so every layer (the pure domain included) may use it.
"""

from __future__ import annotations

import importlib
import pkgutil
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from string import Formatter

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_current: ContextVar[str] = ContextVar("hallcheck_language", default=DEFAULT_LANGUAGE)


def normalise(lang: str | None) -> str:
    """'en-US', 'EN', 'zh_CN', None -> 'en' / 'zh' (anything unknown falls back to zh)."""
    if not lang:
        return _current.get()
    lang = lang.lower()
    return "en" if lang.startswith("en") else "zh"


def set_language(lang: str) -> None:
    """Set the language for the current context (a CLI run, one web session's task)."""
    _current.set(normalise(lang))


def get_language() -> str:
    return _current.get()


@cache
def messages() -> dict[str, tuple[str, str]]:
    """All messages from every area module, checked for duplicate keys."""
    import app.i18n.catalog as pkg

    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for key, pair in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise RuntimeError(f"message key '{key}' is defined twice (in {info.name})")
            merged[key] = pair
    return merged


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message `key` in `lang` (default: the current language), with params filled in.

    An unknown key returns the key itself, so a missing message shows up in tests and
    screenshots instead of crashing a screen.
    """
    pair = messages().get(key)
    if pair is None:
        return key
    text = pair[1] if normalise(lang) == "en" else pair[0]
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a message uses (tests check both languages use the same)."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def when(moment: datetime | None, lang: str | None = None, /, *,
         now: datetime | None = None) -> str:
    """A date-time as people read it, in local time: 今天 14:05, 3月5日 14:05, 2025年3月5日
    14:05 (today 14:05, 5 Mar 14:05, 5 Mar 2025 14:05). The words come from the catalogue,
    not from strftime's %b, which follows the process locale instead of the user's language.
    `now` is for tests."""
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    if now is None:
        now = datetime.now().astimezone() if moment.tzinfo is not None else datetime.now()
    elif now.tzinfo is not None:
        now = now.astimezone()
    if moment.date() == now.date():
        key = "time.today"
    elif moment.year == now.year:
        key = "time.this_year"
    else:
        key = "time.other_year"
    return t(key, lang, time=moment.strftime("%H:%M"), day=moment.day, year=moment.year,
             month=t(f"time.month.{moment.month}", lang))
