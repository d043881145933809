"""What a store clerk glancing at a mystery shopper's phone must not see (discreet mode).

`giveaways(app)` scans everything a screen shows or announces - every text, field value,
label, hint, tooltip and semantics label of the view, its open dialogs and messages, and
the window title - for audit words and for anything that reads like a score. One helper,
so every discreet screen is held to the same rule and a score cannot slip through in a
format an exact-string check would miss ("得分 72.5", "72.5分", "85%", "72/100").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .harness import App

# What discreet mode promises today: no score, in any wording or format, and no veto
# (一票否决) words. A score unit 分 counts only after a number ("72分"): the bare character is
# in ordinary words (部分, 分钟).
SCORE_WORDS = ("得分", "分数", "总分", "score", "一票否决", "否决", "veto")
# The stricter rule of issue 12: nothing that names the audit at all, in either language
# (a covert visit's every screen, tests/views/test_discreet_walk.py). The score unit 分 is
# caught after a number by SCORE_NUMBER (the bare character is in 部分, 分钟).
AUDIT_WORDS = ("暗访", "检查", "检查人", "暗访员", "神秘顾客", "督导", "巡检", "得分",
               *SCORE_WORDS, "mystery", "inspect", "audit", "shopper")
# an audit-style counter: "第 1/7 部分", "全部 0/46", a chip's "1. 环境 0/6", "3 of 8"
AUDIT_COUNTER = re.compile(r"(?<![\d-])\d+\s*/\s*\d+(?![\d-])|第\s*\d+\s*部分"
                           r"|\b\d+\s+of\s+\d+\b|还差\s*\d+\s*项|\b\d+ things still missing")

SCORE_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|％|分(?!钟))"  # 72.5分, 72 分, 85%, 85％ (not 5分钟)
    r"|(?<![\d.,:])\d{1,3}[.,]\d{1,2}(?![\d.,:])(?!\s*(?:[KMG]B|px|像素))"  # 72.5, 66.67
    # (how scores are written; a size in KB/MB or pixels is not one)
    r"|(?<![\d.])\d{1,3}\s*/\s*100(?![\d.])"  # 72/100
)
# a text that is nothing but a number (a whole score prints as "88") ...
BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:[.,]\d{1,2})?\s*$")
# ... except where a bare number is not a score: the sync indicator (its compact form is
# the count of visits waiting) and an item's card (a scale's 0..5 buttons, a typed count)
COUNTERS = ("sync-indicator", "item-")


def screen_strings(app: App, counters: tuple[str, ...] = COUNTERS) -> list[tuple[str, bool]]:
    """Every string the screen shows or announces, the window title included, each with
    whether it sits in a region that shows a count (`counters`)."""
    strings = [(app.page.title, False)] if app.page.title else []
    for found in app.iter_visible():
        counter = any(str(_region(a) or "").startswith(counters) for a in found.ancestors)
        strings += [(text, counter) for text in found.texts]
    return strings


def giveaways(app: App, words: Iterable[str] = SCORE_WORDS) -> list[str]:
    """The strings on screen that give the audit away: they contain one of `words`
    (case-insensitive), a number written like a score, or are a bare number."""
    lowered = [w.lower() for w in words]
    found = []
    for text, counter in screen_strings(app):
        low = text.lower()
        if (any(w in low for w in lowered) or SCORE_NUMBER.search(text)
                or (BARE_NUMBER.match(text) and not counter)):
            found.append(text)
    return found


def audit_giveaways(app: App) -> list[str]:
    """The strict rule: audit words, scores, and audit-style counters anywhere but the
    sync indicator (its count is of entries waiting to upload)."""
    found = giveaways(app, AUDIT_WORDS)
    for text, counter in screen_strings(app, counters=("sync-indicator",)):
        if AUDIT_COUNTER.search(text) and not counter and text not in found:
            found.append(text)
    return found


def assert_covert(app: App) -> None:
    """Fail with what shows when a covert visit's screen names the audit in any way."""
    shown = audit_giveaways(app)
    assert not shown, f"covert screen {app.view_route!r} gives the audit away: {shown}"


def assert_discreet(app: App, words: Iterable[str] = SCORE_WORDS) -> None:
    """Fail with what shows when the screen gives the audit away."""
    shown = giveaways(app, words)
    assert not shown, f"discreet screen {app.view_route!r} gives the audit away: {shown}"


def _region(control: object) -> object:
    return getattr(control, "identifier", None)
