"""The composite: weighted mean of the components that have evidence, the weights of a missing
one re-normalised over the rest and the outlet flagged short of evidence; visits combined by
the rule; voided visits as 0 (or left out); self-checks shown but not counted; perception
counting only with enough replies. Worked by hand to the cent of a point."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.programme.composite import compute_composite
from app.programme.inputs import PerceptionAggregate
from app.programme.month import Flag, compute_month
from app.programme.months import YearMonth

from .helpers import outlet, rules_with, shipped, visit

RULES = shipped().rules.composite  # ms 50, oi 20, self 10 (not counted), sms 20, intercept 10
D = Decimal


def sms(code: str, score: float, count: int = 100) -> PerceptionAggregate:
    return PerceptionAggregate(code, "sms_satisfaction", score, count)


def intercept(code: str, score: float, count: int = 40, sufficient: bool = True
              ) -> PerceptionAggregate:
    return PerceptionAggregate(code, "intercept", score, count, sufficient)


def test_all_components_weighted() -> None:
    c = compute_composite(RULES, [visit("A", 80), visit("A", 90), visit("A", 70,
                                                                         kind="open_inspection")],
                          {"sms_satisfaction": sms("A", 88), "intercept": intercept("A", 60)})
    # ms mean 85; (85*50 + 70*20 + 88*20 + 60*10) / 100 = 80.1
    assert c.score == D("80.10")
    assert not c.short_of_evidence
    assert c.components["mystery_shop"].score == D("85.00")
    assert c.components["mystery_shop"].share == D("0.5")
    assert c.components["mystery_shop"].count == 2
    assert len(c.components["mystery_shop"].results) == 2
    assert sum(p.share for p in c.components.values()) == 1


def test_a_missing_component_is_renormalised_and_flagged() -> None:
    c = compute_composite(RULES, [visit("A", 80)], {"sms_satisfaction": sms("A", 95)})
    # open inspection and intercept missing: (80*50 + 95*20) / 70 = 84.2857 -> 84.29
    assert c.score == D("84.29")
    assert c.short_of_evidence
    assert c.components["open_inspection"].present is False
    assert c.components["open_inspection"].share == 0
    assert c.components["mystery_shop"].share == D("0.7143")
    assert c.why.key == "programme.why.composite.renormalised"
    assert "明查" in c.why.render("zh") and "Intercept survey" in c.why.render("en")


def test_nothing_to_score_gives_no_composite() -> None:
    c = compute_composite(RULES, [], {})
    assert c.score is None and c.why.key == "programme.why.composite.too_few"
    # a visit with nothing scored counts nothing, and the self-check is never counted
    c = compute_composite(RULES, [visit("A", None), visit("A", 99, kind="self_check")], {})
    assert c.score is None
    assert c.components["self_check"].score == D("99.00")
    assert c.components["self_check"].counted is False


def test_a_voided_visit_counts_zero_or_is_left_out() -> None:
    visits = [visit("A", 90), visit("A", 70, voided=True, veto_count=1)]
    assert compute_composite(RULES, visits, {}).score == D("45.00")
    excluded = rules_with(**{"composite.voided_visit": "excluded"}).rules.composite
    assert compute_composite(excluded, visits, {}).score == D("90.00")


def test_how_several_visits_combine() -> None:
    at = [datetime(2025, 3, d, tzinfo=UTC) for d in (20, 2, 11)]
    visits = [visit("A", 60, at=at[0]), visit("A", 90, at=at[1]), visit("A", 100, at=at[2])]
    expected = {"mean": D("83.33"), "median": D("90.00"), "lowest": D("60.00"),
                "latest": D("60.00")}
    for method, score in expected.items():
        rule = rules_with(**{"composite.visits": method}).rules.composite
        assert compute_composite(rule, visits, {}).score == score, method


def test_perception_counts_only_with_enough_replies() -> None:
    few = compute_composite(RULES, [visit("A", 80)],
                            {"sms_satisfaction": sms("A", 20, count=29),
                             "intercept": intercept("A", 20, sufficient=False)})
    assert few.score == D("80.00") and few.short_of_evidence
    assert few.components["sms_satisfaction"].why.key == "programme.why.component.too_few_replies"


def test_min_components_and_required() -> None:
    two = rules_with(**{"composite.min_components": 2}).rules.composite
    assert compute_composite(two, [visit("A", 80)], {}).score is None
    assert compute_composite(two, [visit("A", 80)], {"sms_satisfaction": sms("A", 70)}).score \
        == D("77.14")
    required = rules_with(**{"composite.components.mystery_shop.required": True}).rules.composite
    only_sms = compute_composite(required, [], {"sms_satisfaction": sms("A", 99)})
    assert only_sms.score is None
    assert only_sms.why.key == "programme.why.composite.required_missing"


def test_the_month_flags_short_of_evidence_and_vetoes() -> None:
    month = compute_month(YearMonth(2025, 3), shipped(), [outlet("A"), outlet("B")],
                          [visit("A", 80), visit("B", 0, voided=True, veto_count=1)])
    a, b = month.outlets["A"], month.outlets["B"]
    assert Flag.SHORT_OF_EVIDENCE in a.flags and Flag.VETO not in a.flags
    assert Flag.VETO in b.flags and b.composite == 0


scores = st.decimals(0, 100, places=2)


@settings(max_examples=80, deadline=None)
@given(st.lists(scores, max_size=4), st.lists(scores, max_size=3),
       st.one_of(st.none(), scores), st.one_of(st.none(), scores))
def test_the_composite_lies_between_its_components_and_shares_add_up(
        ms: list[Decimal], oi: list[Decimal], sm: Decimal | None, ic: Decimal | None) -> None:
    visits = [visit("A", s) for s in ms] + [visit("A", s, kind="open_inspection") for s in oi]
    perception = {}
    if sm is not None:
        perception["sms_satisfaction"] = sms("A", float(sm))
    if ic is not None:
        perception["intercept"] = intercept("A", float(ic))
    c = compute_composite(RULES, visits, perception)
    present = [p for p in c.components.values() if p.counted and p.present]
    if not present:
        assert c.score is None
        return
    assert c.score is not None
    parts = [p.score for p in present if p.score is not None]
    assert min(parts) - D("0.01") <= c.score <= max(parts) + D("0.01")
    assert abs(sum(p.share for p in c.components.values()) - 1) <= D("0.0005") * len(present)
    assert c.short_of_evidence == (len(present) < 4)
