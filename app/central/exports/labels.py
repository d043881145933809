"""Codes as people read them: kinds, tiers (from the issued checklists), review states,
flags, times in the programme's local time, durations and scores.

Shared by the exports and the console, so a spreadsheet and the screen say the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from app.i18n import normalise, t

# The programme runs in China (no daylight saving): times are shown in UTC+8.
PROGRAMME_TZ = timezone(timedelta(hours=8), "CST")
STATES = ("received", "approved", "returned", "rejected")
FLAGS = ("score_disagreement", "rotation", "veto", "short_visit", "late_upload")
# The queue's and the exports' kinds: the three inspections, then the customer survey
# (拦截调查), which a reviewer sees only when filtering for it (review._where).
KINDS = ("mystery_shop", "open_inspection", "self_check", "intercept")


def local(dt: datetime | None) -> datetime | None:
    """`dt` in the programme's time zone (a naive time is taken as UTC, as stored)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(PROGRAMME_TZ)


def text_of(label: Any, lang: str) -> str:
    """A label given as a str, a {"zh", "en"} mapping or an object with zh/en."""
    if label is None:
        return ""
    if isinstance(label, str):
        return label
    if isinstance(label, Mapping):
        return str(label.get(lang) or label.get("zh") or label.get("en") or "")
    get = getattr(label, "get", None)
    if callable(get):
        try:
            return str(get(lang))
        except TypeError:
            pass
    return str(getattr(label, lang, None) or getattr(label, "zh", None) or label)


class Labels:
    """Labels in one language; tier labels come from the checklists the server issues."""

    def __init__(self, lang: str, tiers: Mapping[str, Any] | None = None) -> None:
        self.lang = normalise(lang)
        self.tiers = dict(tiers or {})

    @classmethod
    def for_ctx(cls, ctx: Any, lang: str) -> Labels:
        try:
            tiers = ctx.checklists.bundle().tiers
        except Exception:  # no checklist file: codes are shown as they are
            tiers = {}
        return cls(lang, tiers)

    def t(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)

    def kind(self, kind: str | None) -> str:
        if not kind:
            return ""
        text = t(f"kind.{kind}", self.lang)
        return kind if text == f"kind.{kind}" else text

    def tier(self, tier: str | None) -> str:
        if not tier:
            return ""
        found = self.tiers.get(tier)
        if isinstance(found, Mapping) and found.get("label"):
            return text_of(found["label"], self.lang)
        return tier

    def state(self, state: str | None) -> str:
        if not state:
            return ""
        return t(f"console.state.{state}", self.lang) if state in STATES else state

    def flag(self, flag: str) -> str:
        return t(f"console.flag.{flag}", self.lang) if flag in FLAGS else flag

    def flags(self, flags: Iterable[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(self.flag(f) for f in flags)

    def yes_no(self, value: bool) -> str:
        return t("console.export.yes" if value else "console.export.no", self.lang)

    def when(self, dt: datetime | None) -> str:
        d = local(dt)
        return d.strftime("%Y-%m-%d %H:%M") if d else ""

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        s = round(seconds)
        if s < 60:
            return t("console.duration.s", self.lang, s=s)
        h, m = divmod(s // 60, 60)
        if h:
            return t("console.duration.h_min", self.lang, h=h, m=m)
        return t("console.duration.min", self.lang, m=m)

    @staticmethod
    def score(value: float | None) -> str:
        """A score as people read it: one decimal, no trailing .0."""
        if value is None:
            return "—"
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
