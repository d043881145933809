"""Scoring: answers -> section and total scores, vetoes, N/A, hidden items, completeness.

Worked examples are checked by hand (the arithmetic is in the comments) on the fixtures
minimal.yaml and hall.yaml; the properties are checked with hypothesis on checklists built
directly from Item / ResolvedSection / ResolvedChecklist.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.checklists import Catalog, Item, ItemType, Kind, ResolvedChecklist, ResolvedSection
from app.checklists.schema import Text, VetoScope
from app.checklists.scoring import (
    NA,
    InvalidAnswer,
    InvalidAnswers,
    ScoreResult,
    check_answers,
    format_score,
    is_visible,
    item_failed,
    item_score,
    score,
    validate_answer,
    validate_answers,
    visibility,
)

# --- worked examples: hall.yaml --------------------------------------------------------------
#
# flagship, phase established. Section weights: awareness 40, process 60, selling 20.
# Item weights: greeted 2, attitude 1 (flagship), eservice 2 (group `halls`); all others 1.

EXAMPLE_A = {
    "greeted": True,
    "attitude": 4,
    "eservice": NA,
    "queue_minutes": 20,
    "idle_machines": True,
    "fees_explained": True,
    "solved": "partly",
    "follow_up": "staff had to ask a colleague",
    "offered_plan": False,
}


def test_example_a_every_kind_of_item(hall: Catalog) -> None:
    r = score(hall.resolve("mystery_shop", "flagship"), EXAMPLE_A)
    # awareness: greeted 2 x 1 = 2; attitude (4-1)/(5-1) = 0.75 x 1; eservice N/A: out
    #            100 x 2.75 / 3 = 91.666...
    assert r.section("awareness").score == pytest.approx(100 * 2.75 / 3)
    # process: queue 20 min -> band {score: 0} -> 0 (failed); idle_machines is shown because
    #          the queue failed, and "yes" is the bad answer (pass_if: no) -> 0; fees 1;
    #          solved partly 0.5; follow_up is text, counter_photo a photo: unscored
    #          100 x (0 + 0 + 1 + 0.5) / 4 = 37.5
    assert r.section("process").score == pytest.approx(37.5)
    # selling: offered_plan no -> 0
    assert r.section("selling").score == 0
    # total: (40 x 91.666... + 60 x 37.5 + 20 x 0) / 120 = 5916.666... / 120 = 49.3055...
    assert r.total == pytest.approx((40 * 100 * 2.75 / 3 + 60 * 37.5) / 120)
    assert r.total == pytest.approx(49.30556, abs=1e-5)
    assert r.complete and r.missing == [] and r.vetoes == [] and not r.voided
    statuses = {i.item_id: i.status for i in r.sections[1].items}
    assert statuses == {"queue_minutes": "scored", "idle_machines": "scored",
                        "fees_explained": "scored", "solved": "scored",
                        "follow_up": "unscored", "counter_photo": "unscored"}
    assert r.items["eservice"].status == "na" and r.items["eservice"].score is None
    assert [i.item_id for i in r.items.values() if i.failed] == [
        "queue_minutes", "idle_machines", "offered_plan"]
    assert r.breakdown("zh") == [
        "总分 49.3",
        "服务意识：91.7 分",
        "过程质量：37.5 分",
        "  未达标：等候时长、排长队时自助设备闲置",
        "主动营销：0 分",
        "  未达标：主动推荐套餐",
    ]
    assert r.breakdown("en")[:3] == ["Total 49.3", "Service awareness: 91.7",
                                     "Process quality: 37.5"]


def test_example_b_a_visit_veto_zeroes_the_total(hall: Catalog) -> None:
    r = score(hall.resolve("mystery_shop", "flagship"), {**EXAMPLE_A, "fees_explained": False})
    # process: 100 x (0 + 0 + 0 + 0.5) / 4 = 12.5; the section itself is not vetoed (the
    # veto's scope is the visit), but the total is 0
    assert r.section("process").score == pytest.approx(12.5)
    assert not r.section("process").vetoed
    assert r.total == 0 and r.voided
    (hit,) = r.vetoes
    assert (hit.item_id, hit.section_id, hit.scope) == ("fees_explained", "process",
                                                       VetoScope.VISIT)
    assert r.breakdown("zh")[0] == "总分 0（一票否决，整次检查得分清零：未告知资费即办理业务）"
    assert r.breakdown("en")[0] == "Total 0 (veto, whole visit scores 0: sold without " \
                                   "explaining fees)"


def test_example_c_unanswered_required_items_count_as_zero(hall: Catalog) -> None:
    r = score(hall.resolve("mystery_shop", "flagship"), {"greeted": True, "queue_minutes": 3})
    # awareness: greeted 2 x 1; attitude (w1) and eservice (w2) unanswered -> 0
    #            100 x 2 / 5 = 40
    # process: queue 3 min -> 1 (w1); idle_machines hidden (the queue did not fail); fees
    #          and solved unanswered -> 0; follow_up hidden (solved unanswered)
    #          100 x 1 / 3 = 33.33...
    # selling: offered_plan unanswered -> 0
    # total: (40 x 40 + 60 x 33.33... + 20 x 0) / 120 = (1600 + 2000) / 120 = 30
    assert r.section("awareness").score == pytest.approx(40)
    assert r.section("process").score == pytest.approx(100 / 3)
    assert r.total == pytest.approx(30)
    assert not r.complete
    assert r.missing == ["attitude", "eservice", "fees_explained", "solved", "offered_plan"]
    assert r.items["idle_machines"].status == "hidden"
    assert r.items["follow_up"].status == "hidden"
    assert r.items["attitude"].status == "unanswered" and r.items["attitude"].score == 0
    assert r.breakdown("zh")[0] == "总分 30（未完成：缺 5 项）"
    assert r.breakdown("en")[0] == "Total 30 (incomplete: 5 missing)"
    assert r.breakdown("zh")[-1] == (
        "未作答：服务态度、引导自助办理、办理前告知资费、问题解决、主动推荐套餐")


def test_example_d_a_shown_required_text_item_is_missing(hall: Catalog) -> None:
    answers = {**EXAMPLE_A, "solved": "not"}
    del answers["follow_up"]
    r = score(hall.resolve("mystery_shop", "flagship"), answers)
    assert r.missing == ["follow_up"] and not r.complete
    # text is unscored: process = 100 x (0 + 0 + 1 + 0) / 4 = 25
    assert r.section("process").score == pytest.approx(25)
    assert r.items["solved"].failed


def test_example_e_level2_in_phase_new(hall: Catalog) -> None:
    answers = {"greeted": False, "attitude": 2, "eservice": True, "queue_minutes": 10,
               "fees_explained": True, "solved": "fully"}
    r = score(hall.resolve("mystery_shop", "level2", "new"), answers)
    # weights: awareness 60 x 0.5 = 30, process 60; attitude 3 and eservice 4 for level2
    # awareness: 0 x 2 + (2-1)/4 x 3 + 1 x 4 = 4.75 over 9 -> 52.77...; attitude 2 < 3 fails
    # process: queue 10 -> 0.6; idle hidden; fees 1; solved 1 -> 2.6 / 3 -> 86.66...
    # total: (30 x 52.77... + 60 x 86.66...) / 90 = (1583.33... + 5200) / 90 = 75.370...
    assert r.section("awareness").score == pytest.approx(100 * 4.75 / 9)
    assert r.section("process").score == pytest.approx(100 * 2.6 / 3)
    assert r.total == pytest.approx((30 * 100 * 4.75 / 9 + 60 * 100 * 2.6 / 3) / 90)
    assert r.total == pytest.approx(75.37037, abs=1e-5)
    assert r.items["attitude"].failed and not r.items["queue_minutes"].failed
    assert [s.section_id for s in r.sections] == ["awareness", "process"]


def test_example_f_two_section_vetoes(hall: Catalog) -> None:
    answers = {"uniform": False, "smoking": True, "rating": 7, "remarks": ""}
    r = score(hall.resolve("mystery_shop", "agent"), answers)
    # conduct (weight 1): both vetoes fired -> 0; result (weight 3): 7/10 -> 70
    # total: (1 x 0 + 3 x 70) / 4 = 52.5
    conduct = r.section("conduct")
    assert (conduct.score, conduct.raw_score, conduct.vetoed) == (0, 0, True)
    assert r.total == pytest.approx(52.5)
    assert r.breakdown("zh")[:2] == ["总分 52.5", "服务规范：0 分 — 一票否决：未着工装、店内吸烟"]
    assert r.breakdown("en")[1] == "Conduct: 0 — veto: staff not in uniform, smoking in the store"
    assert r.complete  # remarks is optional text


def test_example_g_scale_fails_at_its_minimum_without_fail_below(hall: Catalog) -> None:
    r = score(hall.resolve("mystery_shop", "agent"),
              {"uniform": True, "smoking": False, "rating": 0})
    # conduct 100; result: rating 0 of 0..10 -> 0 and failed; total (100 + 0) / 4 = 25
    assert r.total == pytest.approx(25)
    assert r.items["rating"].failed
    assert not score(hall.resolve("mystery_shop", "agent"), {"rating": 1}).items["rating"].failed


# --- worked examples: minimal.yaml -------------------------------------------------------------


def test_minimal_all_good(minimal: Catalog) -> None:
    r = score(minimal.resolve("mystery_shop", "flagship"),
              {"uniform": True, "greet_seconds": 20, "solved": "fully"})
    # conduct (30): uniform 1, greeting in 20 s -> band max 30 -> 0.5; phone_use hidden
    #               (shown only when uniform is no) -> 100 x 1.5 / 2 = 75
    # result (20): fully -> 100; comments is text
    # total: (30 x 75 + 20 x 100) / 50 = 85
    assert [s.score for s in r.sections] == [75, 100]
    assert r.total == pytest.approx(85)
    assert r.complete


def test_minimal_section_veto_and_a_missing_item(minimal: Catalog) -> None:
    r = score(minimal.resolve("mystery_shop", "flagship"),
              {"uniform": False, "greet_seconds": 20, "solved": "fully"})
    # phone_use is now shown, required and unanswered -> missing, counted as 0
    # conduct raw: (0 + 0.5 + 0) / 3 -> 16.66...; vetoed -> 0
    # total: (30 x 0 + 20 x 100) / 50 = 40, incomplete
    conduct = r.section("conduct")
    assert conduct.raw_score == pytest.approx(100 / 6)
    assert conduct.score == 0 and conduct.vetoed
    assert r.total == pytest.approx(40)
    assert r.missing == ["phone_use"]
    assert r.breakdown("en") == [
        "Total 40 (incomplete: 1 missing)",
        "Conduct: 0 — veto: staff not in uniform",
        "  failed: Staff in uniform",
        "Result: 100",
        "Not answered: Staff on personal phone",
    ]
    assert r.breakdown("zh")[:2] == ["总分 40（未完成：缺 1 项）",
                                     "服务规范：0 分 — 一票否决：未着工装"]


def test_minimal_village_in_phase_new(minimal: Catalog) -> None:
    r = score(minimal.resolve("mystery_shop", "village", "new"),
              {"uniform": True, "greet_seconds": 45, "solved": "partly"})
    # conduct weighs 50 x 2 = 100 for a new village station: (1 + 0) / 2 -> 50
    # result 20: partly -> 50; total (100 x 50 + 20 x 50) / 120 = 50
    assert [s.weight for s in r.sections] == [100, 20]
    assert r.total == pytest.approx(50)
    assert r.items["greet_seconds"].failed


def test_nothing_answered_yet(minimal: Catalog) -> None:
    r = score(minimal.resolve("mystery_shop", "flagship"), {})
    # every required visible item counts 0: the provisional total is 0, flagged incomplete
    assert r.total == 0 and not r.complete
    assert r.missing == ["uniform", "greet_seconds", "solved"]


def test_answers_to_unknown_items_are_ignored(minimal: Catalog) -> None:
    cl = minimal.resolve("mystery_shop", "flagship")
    base = {"uniform": True, "greet_seconds": 20, "solved": "fully"}
    r = score(cl, {**base, "no_such_item": 3, "phone": True})
    assert r.ignored == ["no_such_item", "phone"]
    assert r.total == score(cl, base).total
    assert r.breakdown("en")[-1] == "Ignored (not in this checklist): no_such_item, phone"


def test_a_section_with_only_na_answers_is_left_out(build: Any) -> None:
    cl = build.checklist(
        build.section("a", [build.item("x", allow_na=True)], weight=10),
        build.section("b", [build.item("y")], weight=1),
    )
    r = score(cl, {"x": NA, "y": True})
    assert r.section("a").score is None and r.total == 100
    assert r.breakdown("en")[1] == "a: — (not applicable)"
    assert score(cl, {"x": NA, "y": False}).total == 0


def test_nothing_to_score_gives_no_total(build: Any) -> None:
    cl = build.checklist(build.section("a", [build.item("x", allow_na=True),
                                             build.item("t", "text")]))
    r = score(cl, {"x": NA})
    assert r.total is None and r.complete
    assert r.breakdown("zh")[0] == "总分 —（尚无可计分的项）"
    assert r.to_dict()["total"] is None


def test_optional_unanswered_items_do_not_count(build: Any) -> None:
    cl = build.checklist(build.section("a", [build.item("x"), build.item("y", required=False,
                                                                         weight=5)]))
    assert score(cl, {"x": True}).total == 100
    assert score(cl, {"x": True, "y": False}).total == pytest.approx(100 / 6)


def test_to_dict_is_json_ready(hall: Catalog) -> None:
    cl = hall.resolve("mystery_shop", "flagship")
    d = score(cl, {**EXAMPLE_A, "fees_explained": False}).to_dict("en")
    assert json.loads(json.dumps(d)) == d
    assert d["checklist"] == {"id": "hall_ms", "kind": "mystery_shop", "version": 3,
                              "tier": "flagship", "phase": "established",
                              "content_hash": cl.content_hash}
    assert d["total"] == 0 and d["complete"] is True and d["voided"] is True
    assert d["vetoes"] == [{"item": "fees_explained", "section": "process", "scope": "visit",
                            "label": "Fees explained before the sale",
                            "reason": "Sold without explaining fees"}]
    process = d["sections"][1]
    assert (process["id"], process["title"], process["weight"]) == ("process",
                                                                  "Process quality", 60)
    assert process["score"] == pytest.approx(12.5) and process["vetoed"] is False
    assert process["items"][0] == {"id": "queue_minutes", "status": "scored", "score": 0.0,
                                   "weight": 1.0, "failed": True}
    assert d["breakdown"][0].startswith("Total 0 (veto")
    assert score(cl, EXAMPLE_A).to_dict()["sections"][0]["title"] == "服务意识"


@pytest.mark.parametrize(("value", "shown"), [(72.45, "72.5"), (72.44, "72.4"), (100.0, "100"),
                                              (0.0, "0"), (66.66666, "66.7"), (99.96, "100")])
def test_format_score(value: float, shown: str) -> None:
    assert format_score(value) == shown


# --- validate_answer -----------------------------------------------------------------------------

YES_NO = Item(id="yn", type=ItemType.YES_NO, label=Text(zh="着装规范", en="Uniform"))
YES_NO_NA = YES_NO.model_copy(update={"allow_na": True})
SCALE = Item.model_validate({"id": "sc", "type": "scale", "min": 1, "max": 5,
                             "label": {"zh": "服务态度", "en": "Attitude"}})
NUMBER = Item.model_validate({"id": "nu", "type": "number", "min": 0, "max": 240,
                              "bands": [{"max": 5, "score": 1}, {"score": 0}],
                              "label": {"zh": "等候时长", "en": "Queue"}})
NUMBER_MIN = NUMBER.model_copy(update={"max": None})
NUMBER_MAX = NUMBER.model_copy(update={"min": None})
CHOICE = Item.model_validate({
    "id": "ch", "type": "choice", "label": {"zh": "问题解决", "en": "Solved"},
    "options": [{"id": "fully", "label": {"zh": "是", "en": "Fully"}, "score": 1},
                {"id": "not", "label": {"zh": "否", "en": "Not"}, "fails": True}],
})
TEXT = Item(id="tx", type=ItemType.TEXT, label=Text(zh="备注", en="Remarks"))
PHOTO = Item(id="ph", type=ItemType.PHOTO, label=Text(zh="柜台照片", en="Counter"))


@pytest.mark.parametrize(
    ("item", "value", "normalised"),
    [
        (YES_NO, True, True),
        (YES_NO, False, False),
        (YES_NO_NA, NA, NA),
        (SCALE, 3, 3),
        (SCALE, 5.0, 5),
        (SCALE, 1, 1),
        (NUMBER, 12.5, 12.5),
        (NUMBER, 0, 0),
        (NUMBER, 240, 240),
        (NUMBER_MIN, 10_000, 10_000),
        (NUMBER_MAX, -3, -3),
        (CHOICE, "not", "not"),
        (TEXT, "na", "na"),  # on a text item "na" is just text
        (TEXT, "", ""),
        (SCALE, None, None),  # no answer
    ],
)
def test_valid_answers(item: Item, value: object, normalised: object) -> None:
    out = validate_answer(item, value)
    assert out == normalised and type(out) is type(normalised)


@pytest.mark.parametrize(
    ("item", "value", "key", "en"),
    [
        (YES_NO, "yes", "score.invalid.yes_no", '“Uniform” (yn) takes yes or no (true/false), '
         'got "yes"'),
        (YES_NO, 1, "score.invalid.yes_no", None),
        (YES_NO, NA, "score.invalid.na_not_allowed",
         "“Uniform” (yn) cannot be marked not applicable"),
        (YES_NO_NA, "no", "score.invalid.yes_no_na", None),
        (SCALE, 6, "score.invalid.scale",
         "“Attitude” (sc) takes a whole number from 1 to 5, got 6"),
        (SCALE, 0, "score.invalid.scale", None),
        (SCALE, 2.5, "score.invalid.scale", None),
        (SCALE, True, "score.invalid.scale", None),
        (SCALE, "3", "score.invalid.scale", None),
        (NUMBER, "12", "score.invalid.number", '“Queue” (nu) takes a number, got "12"'),
        (NUMBER, True, "score.invalid.number", None),
        (NUMBER, float("nan"), "score.invalid.number", None),
        (NUMBER, float("inf"), "score.invalid.number", None),
        (NUMBER, -1, "score.invalid.number_range",
         "“Queue” (nu) must be between 0 and 240, got -1"),
        (NUMBER, 241, "score.invalid.number_range", None),
        (NUMBER_MIN, -0.5, "score.invalid.number_min",
         "“Queue” (nu) must be at least 0, got -0.5"),
        (NUMBER_MAX, 300, "score.invalid.number_max", "“Queue” (nu) must be at most 240, got 300"),
        (CHOICE, "ful", "score.invalid.choice",
         '“Solved” (ch) takes one of: fully, not; got "ful"'),
        (CHOICE, 1, "score.invalid.choice", None),
        (CHOICE, NA, "score.invalid.na_not_allowed", None),
        (TEXT, 3, "score.invalid.text", None),
        (PHOTO, "x.jpg", "score.invalid.photo", None),
        (PHOTO, NA, "score.invalid.photo", None),
    ],
)
def test_invalid_answers(item: Item, value: object, key: str, en: str | None) -> None:
    with pytest.raises(InvalidAnswer) as info:
        validate_answer(item, value)
    err = info.value
    assert err.key == key and err.item_id == item.id
    zh = err.message("zh")
    assert item.label.zh in zh and item.id in zh
    if en is not None:
        assert err.message("en") == en
    assert "{" not in zh and "{" not in err.message("en")


def test_an_invalid_answer_is_a_user_error() -> None:
    from app.errors import UserError

    with pytest.raises(UserError) as info:
        validate_answer(SCALE, 9)
    assert info.value.message("zh") == "「服务态度」（sc）应为 1 到 5 之间的整数，收到的是 9"


def test_check_answers_lists_every_problem_in_checklist_order(hall: Catalog) -> None:
    cl = hall.resolve("mystery_shop", "flagship")
    answers = {"solved": "maybe", "greeted": "yes", "attitude": 4.0, "unknown": 1,
               "queue_minutes": -5}
    valid, problems = check_answers(cl, answers)
    assert [p.item_id for p in problems] == ["greeted", "queue_minutes", "solved"]
    assert valid == {"attitude": 4, "unknown": 1}
    with pytest.raises(InvalidAnswers) as info:
        validate_answers(cl, answers)
    lines = info.value.message("en").splitlines()
    assert lines[0] == "3 invalid answer(s):"
    assert lines[1].startswith("  - “Greeted proactively” (greeted) takes yes or no")
    assert info.value.message("zh").splitlines()[0] == "有 3 个答案无效："


# --- item_score / item_failed ---------------------------------------------------------------

NO_IS_GOOD = YES_NO.model_copy(update={"pass_if": False})
SCALE_FB = SCALE.model_copy(update={"fail_below": 3})
BANDED = Item.model_validate({
    "id": "q", "type": "number", "label": {"zh": "等候", "en": "Wait"},
    "bands": [{"max": 5, "score": 1}, {"min": 5, "max": 15, "score": 0.6},
              {"min": 30, "score": 0}],
})
CHOICE3 = CHOICE.model_copy(update={"options": [
    *CHOICE.options,  # type: ignore[misc]
    CHOICE.options[0].model_copy(update={"id": "zero", "score": 0.0, "fails": False}),  # type: ignore[index]
]})


@pytest.mark.parametrize(
    ("item", "value", "expected_score", "failed"),
    [
        (YES_NO, True, 1.0, False),
        (YES_NO, False, 0.0, True),
        (NO_IS_GOOD, False, 1.0, False),
        (NO_IS_GOOD, True, 0.0, True),
        (SCALE, 1, 0.0, True),  # fail_below unset: the minimum fails
        (SCALE, 2, 0.25, False),
        (SCALE, 5, 1.0, False),
        (SCALE_FB, 2, 0.25, True),  # 2 < 3
        (SCALE_FB, 3, 0.5, False),
        (BANDED, 5, 1.0, False),  # the first band holding 5 wins
        (BANDED, 5.5, 0.6, False),
        (BANDED, 20, 0.0, True),  # no band holds 20: 0 and failed
        (BANDED, 45, 0.0, True),  # band score 0
        (CHOICE3, "fully", 1.0, False),
        (CHOICE3, "not", 0.0, True),
        (CHOICE3, "zero", 0.0, False),  # scores 0 but is not marked as failing
        (YES_NO_NA, NA, None, False),
        (SCALE, None, None, False),
        (TEXT, "anything", None, False),
    ],
)
def test_item_score_and_failure(item: Item, value: object, expected_score: float | None,
                                failed: bool) -> None:
    assert item_score(item, value) == expected_score
    assert item_failed(item, value) is failed


# --- visibility ------------------------------------------------------------------------------


def cond_checklist(build: Any, **cond: Any) -> ResolvedChecklist:
    """first (yes_no, N/A allowed), pick (choice), rate (scale 1..5), then `dep` shown_if
    on `cond`; `chain` is shown if `dep` is answered."""
    return build.checklist(build.section("s", [
        build.item("first", allow_na=True),
        build.item("pick", "choice", options=[
            {"id": "a", "label": {"zh": "甲", "en": "A"}, "score": 1},
            {"id": "b", "label": {"zh": "乙", "en": "B"}, "fails": True}]),
        build.item("rate", "scale", min=1, max=5),
        build.item("dep", show_if=cond),
        build.item("chain", show_if={"item": "dep", "answered": True}),
        build.item("unless", show_if={"item": "dep", "answered": False}),
    ]))


@pytest.mark.parametrize(
    ("cond", "answers", "shown"),
    [
        ({"item": "first", "equals": False}, {"first": False}, True),
        ({"item": "first", "equals": False}, {"first": True}, False),
        ({"item": "first", "equals": False}, {}, False),  # unanswered
        ({"item": "first", "equals": "na"}, {"first": NA}, True),
        ({"item": "rate", "equals": 1}, {"rate": 1}, True),
        ({"item": "rate", "equals": 1}, {"rate": 2}, False),
        ({"item": "first", "equals": True}, {"first": 1}, False),  # 1 is not yes
        ({"item": "pick", "in": ["a"]}, {"pick": "a"}, True),
        ({"item": "pick", "in": ["a"]}, {"pick": "b"}, False),
        ({"item": "pick", "fails": True}, {"pick": "b"}, True),
        ({"item": "pick", "fails": True}, {"pick": "a"}, False),
        ({"item": "pick", "fails": False}, {"pick": "a"}, True),
        ({"item": "pick", "fails": False}, {}, False),  # unanswered neither fails nor passes
        ({"item": "first", "fails": True}, {"first": NA}, False),  # N/A neither
        ({"item": "first", "fails": False}, {"first": NA}, False),
        ({"item": "rate", "fails": True}, {"rate": 1}, True),
        ({"item": "first", "answered": True}, {"first": NA}, True),
        ({"item": "first", "answered": True}, {}, False),
        ({"item": "first", "answered": False}, {}, True),
        ({"item": "first", "answered": False}, {"first": True}, False),
    ],
)
def test_show_if(build: Any, cond: dict[str, Any], answers: dict[str, Any],
                 shown: bool) -> None:
    cl = cond_checklist(build, **cond)
    assert visibility(cl, answers)["dep"] is shown
    assert is_visible(cl.items["dep"], answers, cl) is shown


def test_a_condition_on_a_hidden_item_is_false(build: Any) -> None:
    cl = cond_checklist(build, item="first", equals=False)
    # dep is hidden (first is yes) but has a stale answer: chain must not see it
    answers = {"first": True, "dep": True}
    shown = visibility(cl, answers)
    assert shown["dep"] is False
    assert shown["chain"] is False  # `answered: true` on a hidden item is false
    assert shown["unless"] is True  # `answered: false` holds for a hidden item
    r = score(cl, answers)
    assert r.items["dep"].status == "hidden" and r.items["chain"].status == "hidden"


def test_is_visible_without_the_checklist(build: Any) -> None:
    dep = build.item("dep", show_if=[{"item": "a", "equals": True},
                                     {"item": "b", "answered": True}])
    assert is_visible(dep, {"a": True, "b": 3})
    assert not is_visible(dep, {"a": True})
    assert is_visible(build.item("free"), {})
    fails = build.item("dep2", show_if={"item": "a", "fails": True})
    assert not is_visible(fails, {"a": False})  # cannot be judged without the item


# --- properties -------------------------------------------------------------------------------

LABEL = Text(zh="项", en="item")
ABSENT = object()
WEIGHTS = st.floats(0.1, 50, allow_nan=False, allow_infinity=False)
NUMBERS = st.one_of(st.integers(-60, 210), st.floats(-60, 210, allow_nan=False))
BOUND = st.one_of(st.none(), st.integers(-50, 200).map(float))


def with_veto(spec: dict[str, Any], veto: str | None) -> dict[str, Any]:
    if veto is not None:
        spec["veto"] = {"scope": veto, "reason": {"zh": "否决", "en": "vetoed"}}
    return spec


@st.composite
def item_strategy(draw: st.DrawFn, item_id: str, earlier: list[Item],
                  with_show_if: bool) -> Item:
    kind = draw(st.sampled_from(["yes_no", "yes_no", "scale", "number", "choice", "text",
                                 "photo"]))
    spec: dict[str, Any] = {"id": item_id, "type": kind, "label": LABEL,
                            "weight": draw(WEIGHTS),
                            "required": draw(st.sampled_from([None, True, False]))}
    if kind not in ("text", "photo"):
        spec["allow_na"] = draw(st.booleans())
    if kind == "yes_no":
        spec["pass_if"] = draw(st.booleans())
    elif kind == "scale":
        lo = draw(st.integers(-3, 3))
        spec.update(min=lo, max=lo + draw(st.integers(1, 6)))
        spec["fail_below"] = draw(st.one_of(st.none(), st.floats(lo, spec["max"],
                                                                 exclude_min=True)))
    elif kind == "number":
        spec["bands"] = draw(st.lists(st.fixed_dictionaries({
            "min": BOUND, "max": BOUND,
            "score": st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)),
        }), min_size=1, max_size=4))
    elif kind == "choice":
        n = draw(st.integers(2, 4))
        spec["options"] = [{"id": f"o{i}", "label": LABEL, "score": draw(st.floats(0, 1)),
                            "fails": draw(st.booleans())} for i in range(n)]
    if with_show_if and earlier and draw(st.integers(0, 2)) == 0:
        target = draw(st.sampled_from(earlier))
        spec["show_if"] = draw(condition_strategy(target))
    bare = Item.model_validate(spec)
    if bare.can_fail:
        veto = draw(st.sampled_from([None, None, "section", "visit"]))
        return Item.model_validate(with_veto(spec, veto))
    return bare


@st.composite
def condition_strategy(draw: st.DrawFn, target: Item) -> dict[str, Any]:
    tests = ["answered", "equals", "in"]
    if target.can_fail:
        tests.append("fails")
    test = draw(st.sampled_from(tests))
    if test in ("answered", "fails"):
        return {"item": target.id, test: draw(st.booleans())}
    values = value_strategy(target)
    if test == "equals":
        return {"item": target.id, "equals": draw(values)}
    return {"item": target.id, "in": draw(st.lists(values, min_size=1, max_size=3))}


def value_strategy(item: Item) -> st.SearchStrategy[Any]:
    """A valid answer for `item` (N/A included where allowed)."""
    kind = item.type
    if kind is ItemType.YES_NO:
        base: st.SearchStrategy[Any] = st.booleans()
    elif kind is ItemType.SCALE:
        base = st.integers(item.min, item.max)  # type: ignore[arg-type]
    elif kind is ItemType.NUMBER:
        base = NUMBERS
    elif kind is ItemType.CHOICE:
        base = st.sampled_from([o.id for o in item.options or []])
    elif kind is ItemType.TEXT:
        return st.sampled_from(["", "a", "b"])
    else:
        return st.nothing()
    return st.one_of(base, st.just(NA)) if item.allow_na else base


@st.composite
def checklists(draw: st.DrawFn, with_show_if: bool = True) -> ResolvedChecklist:
    sections = []
    earlier: list[Item] = []
    n = 0
    for s in range(draw(st.integers(1, 4))):
        items = []
        for _ in range(draw(st.integers(1, 5))):
            it = draw(item_strategy(f"i{n}", [e for e in earlier if e.type is not
                                              ItemType.PHOTO], with_show_if))
            n += 1
            items.append(it)
            earlier.append(it)
        sections.append(ResolvedSection(id=f"s{s}", title=LABEL, weight=draw(WEIGHTS),
                                        items=items))
    return ResolvedChecklist(id="gen", kind=Kind.MYSTERY_SHOP, version=1, tier="t",
                             title=LABEL, sections=sections)


@st.composite
def answers_for(draw: st.DrawFn, cl: ResolvedChecklist) -> dict[str, Any]:
    out = {}
    for item in cl.items.values():
        if item.type is ItemType.PHOTO:
            continue
        value = draw(st.one_of(st.just(ABSENT), value_strategy(item)))
        if value is not ABSENT:
            out[item.id] = value
    return out


def dependents(cl: ResolvedChecklist) -> set[str]:
    """Ids that some show_if looks at."""
    return {c.item for it in cl.items.values() for c in it.conditions}


def failing_value(item: Item) -> object:
    if item.type is ItemType.YES_NO:
        return not item.pass_if
    if item.type is ItemType.SCALE:
        return item.min
    if item.type is ItemType.CHOICE:
        return next(o.id for o in item.options or [] if o.fails)
    candidates = [1e6, -1e6]
    for b in item.bands or []:
        candidates += [v for v in (b.min, b.max) if v is not None]
    return next((v for v in candidates if item_failed(item, v)), None)


def summary(r: ScoreResult) -> tuple[Any, ...]:
    return (r.total, r.complete, r.missing,
            [(s.section_id, s.score, s.raw_score, s.vetoed) for s in r.sections],
            [(v.item_id, v.scope) for v in r.vetoes])


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def without(cl: ResolvedChecklist, item_id: str) -> ResolvedChecklist:
    return ResolvedChecklist(
        id=cl.id, kind=cl.kind, version=cl.version, tier=cl.tier, title=cl.title,
        sections=[ResolvedSection(id=s.id, title=s.title, weight=s.weight,
                                  items=[it for it in s.items if it.id != item_id])
                  for s in cl.sections],
    )


def rebuilt(cl: ResolvedChecklist, section_weight: float = 1.0,
            item_weight: Mapping[str, float] | None = None) -> ResolvedChecklist:
    """The checklist with all section weights x section_weight, and the item weights of the
    sections named in item_weight multiplied by that factor."""
    factors = item_weight or {}
    return ResolvedChecklist(
        id=cl.id, kind=cl.kind, version=cl.version, tier=cl.tier, title=cl.title,
        sections=[ResolvedSection(
            id=s.id, title=s.title, weight=s.weight * section_weight,
            items=[it.model_copy(update={"weight": it.weight * factors.get(s.id, 1.0)})
                   for it in s.items]) for s in cl.sections],
    )


# `make mutate` runs the covering tests once per mutant: there, fewer and fixed examples
# (HALLCHECK_MUTATION=1) keep the run to hours; `make test` draws 150 random ones.
_MUTATION = os.environ.get("HALLCHECK_MUTATION") == "1"
PROPS = settings(max_examples=30 if _MUTATION else 150, derandomize=_MUTATION, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@PROPS
@given(st.data())
def test_scores_stay_within_bounds(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    r = score(cl, data.draw(answers_for(cl)))
    for s in r.sections:
        for v in (s.score, s.raw_score):
            assert v is None or 0 <= v <= 100
        assert (s.score is None) == (s.raw_score is None)
        for i in s.items:
            assert i.score is None or 0 <= i.score <= 1
    assert r.total is None or 0 <= r.total <= 100
    assert (r.total is None) == all(s.score is None for s in r.sections)
    assert r.complete == (not r.missing)
    assert json.loads(json.dumps(r.to_dict("en")))["total"] == r.total
    assert len(r.breakdown("zh")) >= 1 + len(r.sections)


@PROPS
@given(st.data())
def test_fired_vetoes_dominate(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    r = score(cl, data.draw(answers_for(cl)))
    for s in r.sections:
        fired = any(v.section_id == s.section_id and v.scope is VetoScope.SECTION
                    for v in r.vetoes)
        assert s.vetoed is fired
        assert s.score == (0 if fired else s.raw_score)
    if any(v.scope is VetoScope.VISIT for v in r.vetoes):
        assert r.total == 0


@PROPS
@given(st.data())
def test_a_failed_veto_item_zeroes_its_section_whatever_else(data: st.DataObject) -> None:
    cl = data.draw(checklists(with_show_if=False))
    vetoed = [it for it in cl.items.values() if it.veto is not None]
    assume(vetoed)
    target = data.draw(st.sampled_from(vetoed))
    bad = failing_value(target)
    assume(bad is not None)
    r = score(cl, {**data.draw(answers_for(cl)), target.id: bad})
    assert any(v.item_id == target.id for v in r.vetoes)
    if target.veto.scope is VetoScope.SECTION:  # type: ignore[union-attr]
        assert r.section(cl.section_of[target.id]).score == 0
    else:
        assert r.total == 0


@PROPS
@given(st.data())
def test_na_is_the_same_as_the_item_not_being_there(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    candidates = [it.id for it in cl.items.values()
                  if it.allow_na and it.id not in dependents(cl)]
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))
    answers = data.draw(answers_for(cl))
    marked = score(cl, {**answers, target: NA})
    answers.pop(target, None)
    removed = score(without(cl, target), answers)
    assert summary(marked) == summary(removed)


@PROPS
@given(st.data(), st.floats(0.01, 100))
def test_scaling_item_weights_in_a_section_changes_nothing(data: st.DataObject,
                                                           factor: float) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    sec = data.draw(st.sampled_from([s.id for s in cl.sections]))
    before = score(cl, answers)
    after = score(rebuilt(cl, item_weight={sec: factor}), answers)
    assert close(before.total, after.total)
    for a, b in zip(before.sections, after.sections, strict=True):
        assert close(a.score, b.score) and close(a.raw_score, b.raw_score)
    assert before.missing == after.missing and before.vetoes == after.vetoes


@PROPS
@given(st.data(), st.floats(0.01, 100))
def test_scaling_all_section_weights_changes_nothing(data: st.DataObject,
                                                     factor: float) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    before = score(cl, answers)
    after = score(rebuilt(cl, section_weight=factor), answers)
    assert close(before.total, after.total)
    assert [s.score for s in before.sections] == [s.score for s in after.sections]


@PROPS
@given(st.data())
def test_passing_a_failed_yes_no_never_lowers_its_section(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    free = [it for it in cl.items.values()
            if it.type is ItemType.YES_NO and it.id not in dependents(cl)]
    assume(free)
    target = data.draw(st.sampled_from(free))
    answers = data.draw(answers_for(cl))
    failed = score(cl, {**answers, target.id: not target.pass_if})
    passed = score(cl, {**answers, target.id: target.pass_if})
    sec = cl.section_of[target.id]
    if failed.items[target.id].status == "hidden":
        assert summary(failed) == summary(passed)
        return
    assert failed.items[target.id].failed and not passed.items[target.id].failed
    assert passed.section(sec).raw_score >= failed.section(sec).raw_score - 1e-9  # type: ignore[operator]


@PROPS
@given(st.data())
def test_hidden_items_do_not_count(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    before = score(cl, answers)
    hidden = [i.item_id for i in before.items.values() if i.status == "hidden"]
    assume(hidden)
    changed = dict(answers)
    for item_id in hidden:
        value = data.draw(st.one_of(st.just(ABSENT), value_strategy(cl.items[item_id])))
        if value is ABSENT:
            changed.pop(item_id, None)
        else:
            changed[item_id] = value
    after = score(cl, changed)
    assert summary(before) == summary(after)
    assert all(after.items[i].status == "hidden" and after.items[i].score is None
               for i in hidden)


@PROPS
@given(st.data())
def test_missing_lists_exactly_the_visible_required_unanswered_items(
        data: st.DataObject) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    r = score(cl, answers)
    shown = visibility(cl, answers)
    expected = [
        it.id for it in cl.items.values()
        if shown[it.id] and it.is_required and it.type is not ItemType.PHOTO
        and (answers.get(it.id) is None
             or (it.type is ItemType.TEXT and not str(answers[it.id]).strip()))
    ]
    assert r.missing == expected


@PROPS
@given(st.data())
def test_unknown_answers_change_nothing(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    extra = data.draw(st.dictionaries(st.text(min_size=1).filter(lambda k: k not in cl.items),
                                      st.integers(), max_size=3))
    r = score(cl, {**answers, **extra})
    assert summary(r) == summary(score(cl, answers))
    assert sorted(r.ignored) == sorted(extra)


@PROPS
@given(st.data())
def test_every_generated_answer_validates_to_itself(data: st.DataObject) -> None:
    cl = data.draw(checklists())
    answers = data.draw(answers_for(cl))
    valid, problems = check_answers(cl, answers)
    assert problems == [] and valid == answers


def test_no_score_reads_as_a_dash_in_both_languages() -> None:
    assert format_score(None) == "—"
    assert format_score(72.46) == "72.5" and format_score(99.96) == "100"


def test_the_split_keeps_every_name_importable_from_scoring() -> None:
    """The office re-scores with these names (app.central): the answers/rendering split must
    not move them out from under it."""
    from app.checklists import answers, rendering, scoring

    for name in ("NA", "InvalidAnswer", "InvalidAnswers", "check_answers", "is_answered",
                 "validate_answer", "validate_answers"):
        assert getattr(scoring, name) is getattr(answers, name), name
    for name in ("format_score", "list_sep"):
        assert getattr(scoring, name) is getattr(rendering, name), name
    for name in ("score", "ScoreResult", "item_failed", "item_score", "visibility",
                 "is_visible", "SectionScore", "ItemScore", "VetoHit"):
        assert name in scoring.__all__ and hasattr(scoring, name), name
