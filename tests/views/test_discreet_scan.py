"""The discreet-mode scan itself: it must see a score in every way one gets written, and
not cry wolf at the words and numbers a notes app shows."""

from __future__ import annotations

import pytest

from .discreet import AUDIT_WORDS, BARE_NUMBER, SCORE_NUMBER, SCORE_WORDS


@pytest.mark.parametrize("text", ["得分 72.5", "72.5分", "总分 88", "88 分", "85%", "85％",
                                  "72/100", "score 72", "Score: 66.67", "一票否决 1",
                                  "veto: uniform", "服务 66.7"])
def test_a_score_in_any_wording_is_seen(text: str) -> None:
    lowered = text.lower()
    assert (any(w.lower() in lowered for w in SCORE_WORDS) or SCORE_NUMBER.search(text)
            or BARE_NUMBER.match(text)), text


@pytest.mark.parametrize("text", ["88", "72.5", " 100 "])
def test_a_bare_number_is_a_score(text: str) -> None:
    assert BARE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["备忘录", "今天 14:05", "3月5日 14:05", "下一部分",
                                  "等候 5分钟", "继续（3）", "2025-06-30", "1. 环境 0/6",
                                  "S-001"])
def test_a_notes_app_passes(text: str) -> None:
    lowered = text.lower()
    assert not any(w.lower() in lowered for w in SCORE_WORDS), text
    assert not SCORE_NUMBER.search(text), text
    assert not BARE_NUMBER.match(text), text


def test_the_stricter_list_names_the_audit() -> None:
    assert {"暗访", "检查人", "神秘顾客"} <= set(AUDIT_WORDS)
