"""The details the worked examples and the properties leave open, each found by the mutation
run (`make mutate`, docs/mutation.md): how a refused answer is shown, how vetoes and
sections read in a breakdown, the JSON's every field, float noise at 100, a scale that ends
at 0, conditions on items a checklist lacks, photos that do not say where they came from."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from app.checklists.evaluation import Photo, finalise_problems
from app.checklists.scoring import (
    NA,
    InvalidAnswer,
    InvalidAnswers,
    check_answers,
    is_visible,
    item_failed,
    item_score,
    score,
    validate_answer,
    validate_answers,
    visibility,
)


def veto(scope: str, zh: str, en: str) -> dict[str, Any]:
    return {"scope": scope, "reason": {"zh": zh, "en": en}}


# --- refused answers: what the person is shown -------------------------------------------


def refusal(item: Any, value: object) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as err:
        validate_answer(item, value)
    return err.value


def test_a_refused_answer_carries_and_shows_the_value_given(build: Any) -> None:
    rate = build.item("rate", "scale", min=1, max=5)
    exc = refusal(rate, 7)
    assert exc.value == 7 and exc.item_id == "rate"
    assert exc.message("en") == "“rate” (rate) takes a whole number from 1 to 5, got 7"
    assert refusal(build.item("q"), NA).value == NA  # N/A where the item does not allow it
    assert "got 3" in refusal(build.item("words", "text"), 3).message("en")
    assert "got 1" in refusal(build.item("pic", "photo"), 1).message("en")


def test_chinese_text_in_a_refused_answer_is_shown_as_typed(build: Any) -> None:
    message = refusal(build.item("rate", "scale", min=1, max=5), "很好").message("zh")
    assert "\"很好\"" in message and "\\u" not in message


def test_a_value_json_cannot_spell_is_shown_as_python_writes_it(build: Any) -> None:
    assert refusal(build.item("q"), {1}).message("en").endswith("got {1}")


def test_a_long_refused_value_is_cut_to_forty_characters(build: Any) -> None:
    rate = build.item("rate", "scale", min=1, max=5)
    forty = '"' + "x" * 38 + '"'  # as JSON spells it: 40 characters, shown whole
    assert refusal(rate, "x" * 38).message("en").endswith(f"got {forty}")
    cut = refusal(rate, "x" * 39).message("en").rsplit("got ", 1)[1]  # 41: cut
    assert cut == '"' + "x" * 36 + "..."


def test_several_refusals_are_counted_in_the_heading(build: Any) -> None:
    cl = build.checklist(build.section("s", [build.item("a"), build.item("b")]))
    with pytest.raises(InvalidAnswers) as err:
        validate_answers(cl, {"a": 1, "b": 2})
    assert err.value.message("en").splitlines()[0] == "2 invalid answer(s):"
    assert err.value.params["count"] == 2
    assert [p.item_id for p in check_answers(cl, {"b": 2, "a": 1})[1]] == ["a", "b"]


# --- one item ----------------------------------------------------------------------------


def test_a_scale_that_ends_at_zero(build: Any) -> None:
    minus = build.item("m", "scale", min=-2, max=0)
    assert item_score(minus, -2) == 0.0
    assert item_score(minus, -1) == 0.5
    assert item_score(minus, 0) == 1.0
    assert item_failed(minus, -2) and not item_failed(minus, 0)


def test_an_answer_that_is_no_option_scores_zero_and_fires_nothing(build: Any) -> None:
    """validate_answer refuses it before it is stored; scoring it anyway must not flatter
    (0) nor fire a veto it cannot evidence."""
    pick = build.item("pick", "choice", veto=veto("visit", "否决", "Veto"), options=[
        {"id": "a", "label": {"zh": "甲", "en": "A"}, "score": 1},
        {"id": "b", "label": {"zh": "乙", "en": "B"}, "fails": True}])
    assert item_score(pick, "zzz") == 0.0
    assert item_failed(pick, "zzz") is False


# --- visibility ----------------------------------------------------------------------------


def test_an_empty_answer_does_not_count_as_answered_without_the_checklist(build: Any) -> None:
    dep = build.item("dep", show_if={"item": "a", "answered": True})
    assert not is_visible(dep, {"a": ""})
    assert is_visible(dep, {"a": "seen"})


def test_a_condition_on_an_item_the_checklist_lacks(build: Any) -> None:
    """The loader refuses such a reference; a definition built otherwise still never shows
    an item on an answer nobody could give."""
    cl = build.checklist(build.section("s", [
        build.item("eq", show_if={"item": "gone", "equals": True}),
        build.item("unanswered", show_if={"item": "gone", "answered": False}),
    ]))
    shown = visibility(cl, {"gone": True})
    assert shown == {"eq": False, "unanswered": True}


def test_is_visible_for_an_item_outside_the_checklist(build: Any) -> None:
    """Its conditions are judged on the checklist's items as they are shown: a `fails`
    needs the referenced item, and an item the checklist lacks was never answered."""
    cl = build.checklist(build.section("s", [build.item("first")]))

    def outside(**cond: Any) -> Any:
        return build.item("outside", show_if=cond)

    assert is_visible(outside(item="first", equals=True), {"first": True}, cl)
    assert not is_visible(outside(item="first", equals=True), {"first": False}, cl)
    assert not is_visible(outside(item="first", equals=True), {}, cl)
    assert is_visible(outside(item="first", fails=True), {"first": False}, cl)
    assert not is_visible(outside(item="first", fails=True), {"first": True}, cl)
    assert is_visible(outside(item="gone", answered=False), {"gone": True}, cl)
    assert not is_visible(outside(item="gone", equals=True), {"gone": True}, cl)
    assert is_visible(cl.items["first"], {}, cl)


# --- the result ------------------------------------------------------------------------------


def test_float_noise_never_lifts_a_total_above_100(build: Any) -> None:
    # 0.1 x 100 + 0.1 x 100 + 0.7 x 100 over 0.9 is 100.00000000000001 in floats
    cl = build.checklist(*(build.section(f"s{i}", [build.item(f"q{i}")], weight=w)
                           for i, w in enumerate((0.1, 0.1, 0.7))))
    r = score(cl, {"q0": True, "q1": True, "q2": True})
    assert r.total == 100.0


def test_every_item_says_its_section_and_whether_it_failed(build: Any) -> None:
    cl = build.checklist(
        build.section("one", [build.item("a"), build.item("b", allow_na=True)]),
        build.section("two", [build.item("c"), build.item("words", "text")]))
    r = score(cl, {"a": False, "b": NA, "c": True})
    assert {i.item_id: (i.section_id, i.failed) for i in r.items.values()} == {
        "a": ("one", True), "b": ("one", False), "c": ("two", False),
        "words": ("two", False)}
    assert all(i.failed is False for i in r.items.values() if i.item_id != "a")


def test_the_json_has_every_figure(build: Any) -> None:
    cl = build.checklist(
        build.section("one", [build.item("a", veto=veto("section", "未着装", "No uniform")),
                              build.item("b")]),
        build.section("two", [build.item("c", required=True)]))
    d = score(cl, {"a": False, "b": True, "zzz": 1}).to_dict("en")
    assert d["missing"] == ["c"] and d["ignored"] == ["zzz"]
    one, two = d["sections"]
    assert (one["score"], one["raw_score"], one["vetoed"]) == (0.0, 50.0, True)
    assert (two["score"], two["raw_score"]) == (0.0, 0.0)
    assert [i["failed"] for i in one["items"]] == [True, False]
    assert all(isinstance(i["failed"], bool) for s in d["sections"] for i in s["items"])
    assert d["vetoes"] == [{"item": "a", "section": "one", "scope": "section",
                            "label": "a", "reason": "No uniform"}]
    assert score(cl, {}).to_dict()["sections"][0]["title"] == "one（中）"  # zh by default


def test_nothing_to_score_reads_in_the_readers_language(build: Any) -> None:
    cl = build.checklist(build.section("s", [build.item("q", allow_na=True)]))
    r = score(cl, {"q": NA})
    assert r.breakdown("en")[0] == "Total — (nothing to score yet)"
    assert r.breakdown("zh")[0] == "总分 —（尚无可计分的项）"
    assert r.breakdown() == r.breakdown("zh")


def test_a_section_with_nothing_to_score_does_not_end_the_breakdown(build: Any) -> None:
    cl = build.checklist(build.section("empty", [build.item("q", allow_na=True)]),
                         build.section("full", [build.item("r")]))
    lines = score(cl, {"q": NA, "r": True}).breakdown("en")
    assert lines == ["Total 100", "empty: — (not applicable)", "full: 100"]


def test_each_vetoed_section_names_only_its_own_vetoes(build: Any) -> None:
    cl = build.checklist(
        build.section("conduct", [build.item("uniform", veto=veto(
            "section", "未穿工装", "Staff not in uniform"))]),
        build.section("process", [
            build.item("id", veto=veto("section", "未核验身份证", "ID card not checked")),
            build.item("sold", veto=veto("visit", "强制销售", "Forced sale"))]))
    r = score(cl, {"uniform": False, "id": False, "sold": False})
    assert r.breakdown("en")[1:] == [
        "conduct: 0 — veto: staff not in uniform",
        "  failed: uniform",
        "process: 0 — veto: ID card not checked",  # an acronym keeps its capitals
        "  failed: id, sold",
    ]
    assert r.breakdown("en")[0] == "Total 0 (veto, whole visit scores 0: forced sale)"


@pytest.mark.parametrize(("zh", "en", "zh_shown", "en_shown"), [
    ("Wi-Fi 无法连接", "Wi-Fi down", "Wi-Fi 无法连接", "wi-Fi down"),  # zh is never lowered
    ("甲", "X", "甲", "X"),  # one letter: left as it is
    ("乙", "No", "乙", "no"),
    ("丙", "SIM card refused", "丙", "SIM card refused"),
])
def test_how_a_veto_reason_reads_inside_a_sentence(build: Any, zh: str, en: str,
                                                   zh_shown: str, en_shown: str) -> None:
    cl = build.checklist(build.section("s", [build.item("q", veto=veto("section", zh, en))]))
    r = score(cl, {"q": False})
    assert r.breakdown("en")[1] == f"s: 0 — veto: {en_shown}"
    assert r.breakdown("zh")[1] == f"s（中）：0 分 — 一票否决：{zh_shown}"


# --- what finalising needs -------------------------------------------------------------------


def test_a_photo_that_does_not_say_where_it_came_from_is_no_camera_photo(build: Any) -> None:
    cl = build.checklist(build.section("s", [
        build.item("shop", "photo", photo="always", photo_source="camera")]))
    unknown = SimpleNamespace(id="p1")  # no `source`
    assert [m.reason for m in finalise_problems(cl, {}, photos={"shop": [unknown]})] == [
        "camera_photo_required"]
    camera = Photo(source="camera", id="p2")
    assert finalise_problems(cl, {}, photos={"shop": [camera]}) == []
