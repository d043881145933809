"""programme.yaml's `perception:` section: the shipped one reads as the documented
defaults; a changed value reaches the rules; a bad one is refused with its place in the
file; the minimums must be the month close's."""

from __future__ import annotations

import pytest

from app.programme.perception.settings import PerceptionSettings, Window
from app.programme.rules_loader import (
    RuleFileError,
    default_programme_path,
    load_rules_file,
    parse_rules_text,
    perception_settings_of,
)

SHIPPED = default_programme_path().read_text(encoding="utf-8")


def test_the_shipped_section_is_the_documented_defaults() -> None:
    got = perception_settings_of(load_rules_file(default_programme_path()).source)
    want = PerceptionSettings()
    assert got.sms.windows == want.sms.windows
    assert dict(got.sms.business_types) == dict(want.sms.business_types)
    assert (got.sms.within_hours, got.sms.repeat_days) == (24, 62)
    assert got.replies.options == want.replies.options
    assert (got.replies.method, got.replies.min_replies) == ("satisfied_share", 30)
    assert got.intercept == want.intercept


def test_a_changed_window_and_type_reach_the_rules() -> None:
    text = SHIPPED.replace('windows: ["09:00-12:30", "15:00-21:00"]',
                           'windows: ["08:30-12:00", "14:00-20:00"]')
    text = text.replace("      积分兑换: points_redeemed\n", "      积分兑换: points_redeemed\n"
                        "      宽带装机: new_line\n")
    got = perception_settings_of(parse_rules_text(text).source)
    assert got.sms.windows == (Window.parse("08:30-12:00"), Window.parse("14:00-20:00"))
    assert got.sms.business_types["宽带装机"] == "new_line"


@pytest.mark.parametrize(("old", "new", "words"), [
    ('windows: ["09:00-12:30", "15:00-21:00"]', 'windows: ["09:00-12:30", "12:00-21:00"]',
     "重叠"),
    ("    within_hours: 24\n", "    within_hours: 0\n", "within_hours"),
    ("      积分兑换: points_redeemed\n", "      积分兑换: points\n", "积分兑换"),
    ("    min_replies: 30\n", "    min_replies: 20\n", "min_count"),
])
def test_a_bad_value_is_refused_where_it_is(old: str, new: str, words: str) -> None:
    assert old in SHIPPED
    with pytest.raises(RuleFileError) as caught:
        parse_rules_text(SHIPPED.replace(old, new), "programme.yaml")
    text = caught.value.message("zh") if hasattr(caught.value, "message") else str(caught.value)
    assert words in text
    assert "perception" in text
