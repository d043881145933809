"""Dates and times in the user's language, from the catalogue (never the process locale)."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.i18n import when

APP = Path(__file__).resolve().parents[2] / "app"
NOW = datetime(2026, 12, 1, 15, 0)
# strftime fields that follow the process locale (month and day names, AM/PM, "%c"...)
LOCALE_FIELDS = re.compile(r"%[aAbBpcxX]")
DATE_WORDS = re.compile(r"今天|昨天|明天|\btoday\b|\byesterday\b|\btomorrow\b", re.I)
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


@pytest.mark.parametrize(("moment", "zh", "en"), [
    (datetime(2026, 12, 1, 9, 5), "今天 09:05", "today 09:05"),
    (datetime(2026, 3, 5, 14, 5), "3月5日 14:05", "5 Mar 14:05"),
    (datetime(2026, 11, 30, 23, 59), "11月30日 23:59", "30 Nov 23:59"),
    (datetime(2025, 12, 1, 9, 5), "2025年12月1日 09:05", "1 Dec 2025 09:05"),
])
def test_a_moment_reads_in_each_language(moment: datetime, zh: str, en: str) -> None:
    assert when(moment, "zh", now=NOW) == zh
    assert when(moment, "en", now=NOW) == en


def test_an_aware_moment_is_shown_in_local_time() -> None:
    local = datetime(2026, 12, 1, 15, 0).astimezone()
    moment = (local - timedelta(hours=1)).astimezone(timezone(timedelta(hours=-11)))
    assert when(moment, "en", now=local) == "today 14:00"
    assert when(moment.astimezone(UTC), "zh", now=local) == "今天 14:00"


def test_nothing_is_a_dash_in_both_languages() -> None:
    assert when(None, "zh") == when(None, "en") == "—"


def test_no_date_words_or_locale_formats_outside_the_catalogue() -> None:
    """'今天'/'today' and month words live in app/i18n/catalog/time.py; strftime's %b, %A,
    %p... follow the process locale, not the user's language."""
    found = []
    for path in APP.rglob("*.py"):
        if "catalog" in path.relative_to(APP).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            if id(node) in docs or KEY.match(text):
                continue  # a docstring, or a message key ('views.home.today')
            if DATE_WORDS.search(text) or LOCALE_FIELDS.search(text):
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno}: {text!r}")
    assert not found, "\n".join(found)
