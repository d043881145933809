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
# The stricter list of issue 12 (nothing that names the audit at all); not yet kept by the
# screens, see test_discreet_words_issue_12 below for what still shows.
AUDIT_WORDS = ("暗访", "检查", "检查人", "暗访员", "神秘顾客", "得分", "score", "分")

SCORE_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|％|分(?!钟))"  # 72.5分, 72 分, 85%, 85％ (not 5分钟)
    r"|(?<![\d.,:])\d{1,3}[.,]\d{1,2}(?![\d.,:])"  # 72.5, 66.67: how scores are written
    r"|(?<![\d.])\d{1,3}\s*/\s*100(?![\d.])"  # 72/100
)
# a text that is nothing but a number (a whole score prints as "88") ...
BARE_NUMBER = re.compile(r"^\s*\d{1,3}(?:[.,]\d{1,2})?\s*$")
# ... except where a bare number is not a score: the sync indicator (its compact form is
# the count of visits waiting) and an item's card (a scale's 0..5 buttons, a typed count)
COUNTERS = ("sync-indicator", "item-")


def screen_strings(app: App) -> list[tuple[str, bool]]:
    """Every string the screen shows or announces, the window title included, each with
    whether it sits in a region that shows a count (COUNTERS)."""
    strings = [(app.page.title, False)] if app.page.title else []
    for found in app.iter_visible():
        counter = any(str(_region(a) or "").startswith(COUNTERS) for a in found.ancestors)
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


def assert_discreet(app: App, words: Iterable[str] = SCORE_WORDS) -> None:
    """Fail with what shows when the screen gives the audit away."""
    shown = giveaways(app, words)
    assert not shown, f"discreet screen {app.view_route!r} gives the audit away: {shown}"


def _region(control: object) -> object:
    return getattr(control, "identifier", None)
