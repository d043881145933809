"""Malformed checklist files: every problem found at once, located and explained.

Each case edits one or two lines of BASE (a small valid file; its line numbers are shown
below) and states exactly which problems the loader must report: line, column, dotted path,
the gist of the message and the did-you-mean suggestion, if any.

     1 schema_version: 1
     2 tiers:
     3   flagship: {family: self_run_hall, label: {zh: 旗舰厅, en: Flagship}}
     4   village: {family: agent_channel, label: {zh: 村站, en: Village}}
     5 tier_groups:
     6   halls: [flagship]
     7 phases:
     8   new: {label: {zh: 新, en: New}}
     9 checklists:
    10   - id: ms
    11     kind: mystery_shop
    12     version: 1
    13     title: {zh: 暗访, en: Mystery shop}
    14     tiers: [flagship, village]
    15     sections:
    16       - id: conduct
    17         title: {zh: 规范, en: Conduct}
    18         weight: 30
    19         items:
    20           - id: uniform
    21             type: yes_no
    22             label: {zh: 着装, en: Uniform}
    23             veto: {scope: section, reason: {zh: 未着工装, en: No uniform}}
    24           - id: wait
    25             type: number
    26             label: {zh: 等候, en: Wait}
    27             bands: [{max: 5, score: 1}, {score: 0}]
    28           - id: mood
    29             type: scale
    30             label: {zh: 态度, en: Mood}
    31             min: 1
    32             max: 5
    33           - id: solved
    34             type: choice
    35             label: {zh: 解决, en: Solved}
    36             options:
    37               - {id: fully, label: {zh: 是, en: Fully}, score: 1}
    38               - {id: not, label: {zh: 否, en: Not}, fails: true}
    39           - id: note
    40             type: text
    41             label: {zh: 备注, en: Note}
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from app.checklists import ChecklistFileError, load_checklist_file
from app.checklists.loader import parse_checklist_text
from app.checklists.reader import _KeyCheckingLoader
from app.i18n import set_language


@pytest.fixture(autouse=True)
def english_messages():
    """The cases below quote the English wording (the run's language, as with
    `hallcheck --lang en checklists validate`); test_problems_read_in_chinese_too checks
    the default."""
    set_language("en")
    yield
    set_language("zh")

BASE_LINES = [
    "schema_version: 1",
    "tiers:",
    "  flagship: {family: self_run_hall, label: {zh: 旗舰厅, en: Flagship}}",
    "  village: {family: agent_channel, label: {zh: 村站, en: Village}}",
    "tier_groups:",
    "  halls: [flagship]",
    "phases:",
    "  new: {label: {zh: 新, en: New}}",
    "checklists:",
    "  - id: ms",
    "    kind: mystery_shop",
    "    version: 1",
    "    title: {zh: 暗访, en: Mystery shop}",
    "    tiers: [flagship, village]",
    "    sections:",
    "      - id: conduct",
    "        title: {zh: 规范, en: Conduct}",
    "        weight: 30",
    "        items:",
    "          - id: uniform",
    "            type: yes_no",
    "            label: {zh: 着装, en: Uniform}",
    "            veto: {scope: section, reason: {zh: 未着工装, en: No uniform}}",
    "          - id: wait",
    "            type: number",
    "            label: {zh: 等候, en: Wait}",
    "            bands: [{max: 5, score: 1}, {score: 0}]",
    "          - id: mood",
    "            type: scale",
    "            label: {zh: 态度, en: Mood}",
    "            min: 1",
    "            max: 5",
    "          - id: solved",
    "            type: choice",
    "            label: {zh: 解决, en: Solved}",
    "            options:",
    "              - {id: fully, label: {zh: 是, en: Fully}, score: 1}",
    "              - {id: not, label: {zh: 否, en: Not}, fails: true}",
    "          - id: note",
    "            type: text",
    "            label: {zh: 备注, en: Note}",
]

SECOND_CHECKLIST = [  # appended after line 41 by some cases: lines 42-51
    "  - id: {id}",
    "    kind: {kind}",
    "    version: 1",
    "    title: {{zh: 二, en: Two}}",
    "    tiers: [{tiers}]",
    "    sections:",
    "      - id: a",
    "        title: {{zh: 二, en: Two}}",
    "        items:",
    "          - {{id: x, type: yes_no, label: {{zh: x, en: x}}}}",
]


def edit(replace: dict[int, str] | None = None, insert: dict[int, list[str] | str] | None = None
         ) -> str:
    """BASE with lines replaced (by 1-based number) and lines inserted after a line number
    (numbers refer to BASE; inserted lines shift what follows them)."""
    lines = list(BASE_LINES)
    for n, new in (replace or {}).items():
        lines[n - 1] = new
    for n, extra in sorted((insert or {}).items(), reverse=True):
        lines[n:n] = [extra] if isinstance(extra, str) else extra
    return "\n".join(lines) + "\n"


def second(id: str = "two", kind: str = "self_check", tiers: str = "village") -> list[str]:
    return [line.format(id=id, kind=kind, tiers=tiers) for line in SECOND_CHECKLIST]


@dataclass(frozen=True)
class Want:
    line: int
    column: int
    path: str
    message: str  # a fragment the message must contain
    suggestion: str | None = None
    expected: str | None = None  # a fragment of `expected`, when given


ITEM0 = "checklists[0].sections[0].items[0]"
ITEMS = "checklists[0].sections[0].items"

CASES: dict[str, tuple[str, list[Want]]] = {
    # --- not YAML, not a mapping ---------------------------------------------------------
    "yaml-unclosed-flow-mapping": (
        edit({13: "    title: {zh: 暗访, en: Mystery shop"}),
        [Want(14, 10, "(top level)", "not valid YAML: did not find expected ',' or '}' "
              "(while parsing a flow mapping that starts at line 13, column 12)")],
    ),
    "yaml-tab-indent": (
        edit({12: "\tversion: 1"}),
        [Want(12, 1, "(top level)", "found a tab character that violates indentation")],
    ),
    "yaml-bad-indent": (
        edit({12: "     version: 1"}),
        [Want(12, 13, "(top level)", "mapping values are not allowed")],
    ),
    "not-a-mapping-list": ("- a\n- b\n", [Want(1, 1, "(top level)", "must be a mapping")]),
    "not-a-mapping-scalar": ("hello\n", [Want(1, 1, "(top level)", "must be a mapping")]),
    "empty-text": ("", [Want(1, 1, "(top level)", "must be a mapping")]),
    "only-a-comment": ("# nothing yet\n", [Want(1, 1, "(top level)", "must be a mapping")]),
    # --- top level -------------------------------------------------------------------------
    "blank-label-text": (
        edit({22: '            label: {zh: 着装, en: "  "}'}),
        [Want(22, 29, f"{ITEM0}.label.en", "the text is blank")],
    ),
    "tier-weight-groups-overlap": (
        edit(insert={6: "  big: [flagship]", 18: "        tier_weights: {halls: 20, big: 30}"}),
        [Want(20, 35, "checklists[0].sections[0].tier_weights.big",
              "tier 'flagship' gets a weight from both 'halls' and 'big'",
              expected="or a weight for 'flagship' itself")],
    ),
    "missing-schema-version": (
        edit({1: "# no version"}),
        [Want(2, 1, "schema_version", "'schema_version' is required here")],
    ),
    "wrong-schema-version": (
        edit({1: "schema_version: 2"}),
        [Want(1, 1, "schema_version", "'2' is not allowed here", expected="1")],
    ),
    "misspelt-top-level-key": (
        edit({9: "checklist:"}),
        [
            Want(1, 1, "checklists", "'checklists' is required here"),
            Want(9, 1, "checklist", "unknown key 'checklist'", "checklists",
                 expected="one of checklists, default_phase, phases"),
        ],
    ),
    # --- unknown keys at several depths (did you mean) -----------------------------------
    "misspelt-tier-key": (
        edit({4: "  village: {famly: agent_channel, label: {zh: 村站, en: Village}}"}),
        [
            Want(4, 12, "tiers.village.family", "'family' is required here"),
            Want(4, 13, "tiers.village.famly", "unknown key 'famly'", "family"),
        ],
    ),
    "misspelt-checklist-key": (
        edit({13: "    titel: {zh: 暗访, en: Mystery shop}"}),
        [
            Want(10, 5, "checklists[0].title", "'title' is required here"),
            Want(13, 5, "checklists[0].titel", "unknown key 'titel'", "title"),
        ],
    ),
    "misspelt-section-key": (
        edit({18: "        wieght: 30"}),
        [Want(18, 9, "checklists[0].sections[0].wieght", "unknown key 'wieght'", "weight")],
    ),
    "misspelt-item-key": (
        edit(insert={22: "            requried: true"}),
        [Want(23, 13, f"{ITEM0}.requried", "unknown key 'requried'", "required",
              expected="one of allow_na, bands")],
    ),
    "misspelt-veto-key": (
        edit({23: "            veto: {scope: section, reson: {zh: 未着工装, en: No uniform}}"}),
        [
            Want(23, 19, f"{ITEM0}.veto.reason", "'reason' is required here"),
            Want(23, 36, f"{ITEM0}.veto.reson", "unknown key 'reson'", "reason",
                 expected="one of reason, scope"),
        ],
    ),
    "misspelt-option-key": (
        edit({38: "              - {id: not, label: {zh: 否, en: Not}, fail: true}"}),
        [Want(38, 52, f"{ITEMS}[3].options[1].fail", "unknown key 'fail'", "fails")],
    ),
    "misspelt-show-if-key": (
        edit(insert={41: "            show_if: {item: solved, equalz: fully}"}),
        [Want(42, 37, f"{ITEMS}[4].show_if[0].equalz", "unknown key 'equalz'", "equals",
              expected="one of answered, equals, fails, in, item")],
    ),
    "missing-english-label": (
        edit({22: "            label: {zh: 着装}"}),
        [Want(22, 20, f"{ITEM0}.label.en", "'en' is required here")],
    ),
    # --- wrong enum values (did you mean) --------------------------------------------------
    "wrong-item-type": (
        edit({21: "            type: yes_now"}),
        [Want(21, 13, f"{ITEM0}.type", "'yes_now' is not allowed here", "yes_no",
              expected="'yes_no', 'scale', 'number', 'choice', 'text' or 'photo'")],
    ),
    "wrong-kind": (
        edit({11: "    kind: mystery_shp"}),
        [Want(11, 5, "checklists[0].kind", "'mystery_shp' is not allowed here", "mystery_shop")],
    ),
    "wrong-veto-scope": (
        edit({23: "            veto: {scope: sectoin, reason: {zh: 未着工装, en: No uniform}}"}),
        [Want(23, 20, f"{ITEM0}.veto.scope", "'sectoin' is not allowed here", "section")],
    ),
    "wrong-photo-rule": (
        edit(insert={22: "            photo: onfail"}),
        [Want(23, 13, f"{ITEM0}.photo", "'onfail' is not allowed here", "on_fail")],
    ),
    "wrong-family": (
        edit({4: "  village: {family: agent_chanel, label: {zh: 村站, en: Village}}"}),
        [Want(4, 13, "tiers.village.family", "'agent_chanel' is not allowed here",
              "agent_channel")],
    ),
    # --- wrong types and values --------------------------------------------------------------
    "version-not-a-number": (
        edit({12: "    version: one"}),
        [Want(12, 5, "checklists[0].version", "valid integer", expected=None)],
    ),
    "weight-not-a-number": (
        edit({18: "        weight: heavy"}),
        [Want(18, 9, "checklists[0].sections[0].weight", "valid number, unable to parse")],
    ),
    "label-not-a-mapping": (
        edit({22: "            label: Uniform"}),
        [Want(22, 13, f"{ITEM0}.label", "valid dictionary")],
    ),
    "sections-not-a-list": (
        edit({16: "        id: conduct"}),
        [Want(15, 5, "checklists[0].sections", "valid list, got {'id': 'conduct'")],
    ),
    "negative-weight": (
        edit({18: "        weight: -3"}),
        [Want(18, 9, "checklists[0].sections[0].weight", "greater than 0, got -3")],
    ),
    "zero-weight": (
        edit({18: "        weight: 0"}),
        [Want(18, 9, "checklists[0].sections[0].weight", "greater than 0, got 0")],
    ),
    "negative-item-tier-weight": (
        edit(insert={22: "            tier_weights: {village: -1}"}),
        [Want(23, 28, f"{ITEM0}.tier_weights.village", "greater than 0, got -1")],
    ),
    "band-score-above-one": (
        edit({27: "            bands: [{max: 5, score: 2}, {score: 0}]"}),
        [Want(27, 30, f"{ITEMS}[1].bands[0].score", "less than or equal to 1, got 2")],
    ),
    "show-if-equals-a-list": (
        edit(insert={41: "            show_if: {item: solved, equals: [a, b]}"}),
        [Want(42, 37, f"{ITEMS}[4].show_if[0].equals", "['a', 'b'] is not allowed here",
              expected="yes/no, a number or a text")],
    ),
    "bad-item-id": (
        edit({20: "          - id: Uniform-1"}),
        [Want(20, 13, f"{ITEM0}.id", "'Uniform-1' is not a valid id",
              expected="lower-case letters")],
    ),
    "bad-tier-name": (
        edit({4: "  Village: {family: agent_channel, label: {zh: 村站, en: Village}}"}),
        [Want(4, 3, "tiers.Village", "'Village' is not a valid id")],
    ),
    "key-given-twice": (
        edit(insert={12: "    version: 2"}),
        [Want(13, 5, "checklists[0].version",
              "key 'version' is given twice in this mapping (first on line 12)")],
    ),
    # --- item rules --------------------------------------------------------------------------
    "scale-without-max": (
        edit({32: "            fail_below: 2"}),
        [Want(28, 13, f"{ITEMS}[2]", "a scale item needs min and max")],
    ),
    "scale-max-not-above-min": (
        edit({32: "            max: 1"}),
        [Want(28, 13, f"{ITEMS}[2]", "scale max (1) must be greater than min (1)")],
    ),
    "fail-below-at-the-minimum": (
        edit(insert={32: "            fail_below: 1"}),
        [Want(28, 13, f"{ITEMS}[2]", "fail_below (1) must be above min (1) and at most max (5)")],
    ),
    "fail-below-on-a-yes-no-item": (
        edit(insert={22: "            fail_below: 1"}),
        [Want(20, 13, ITEM0, "fail_below applies to scale items, not yes_no")],
    ),
    "number-without-bands": (
        edit({27: "            unit: {zh: 分, en: min}"}),
        [Want(24, 13, f"{ITEMS}[1]", "a number item needs scoring bands")],
    ),
    "choice-with-one-option": (
        edit({38: "              # the second option was deleted"}),
        [Want(33, 13, f"{ITEMS}[3]", "a choice item needs at least two options")],
    ),
    "choice-duplicate-option": (
        edit({38: "              - {id: fully, label: {zh: 否, en: Not}, fails: true}"}),
        [Want(33, 13, f"{ITEMS}[3]", "option ids must be unique")],
    ),
    "veto-on-a-text-item": (
        edit(insert={41: "            veto: {scope: visit, reason: {zh: 无, en: none}}"}),
        [Want(39, 13, f"{ITEMS}[4]", "a text item cannot fail, so it cannot carry a veto")],
    ),
    "on-fail-photo-on-a-text-item": (
        edit(insert={41: "            photo: on_fail"}),
        [Want(39, 13, f"{ITEMS}[4]", "photo: on_fail needs an item that can fail")],
    ),
    # --- ids ---------------------------------------------------------------------------------
    "duplicate-item-id": (
        edit({28: "          - id: wait"}),
        [Want(28, 13, f"{ITEMS}[2].id", "duplicate item id 'wait' in checklist 'ms'")],
    ),
    "duplicate-section-id": (
        edit(insert={41: ["      - id: conduct", "        title: {zh: 二, en: Two}",
                          "        items:", "          - {id: x, type: yes_no, "
                          "label: {zh: x, en: x}}"]}),
        [Want(42, 9, "checklists[0].sections[1].id", "duplicate section id 'conduct'")],
    ),
    "duplicate-checklist-id": (
        edit(insert={41: second(id="ms")}),
        [Want(42, 5, "checklists[1].id", "duplicate checklist id 'ms'")],
    ),
    "two-checklists-of-one-kind-for-a-tier": (
        edit(insert={41: second(kind="mystery_shop", tiers="halls")}),
        [Want(46, 5, "checklists[1].tiers", "tier 'flagship' already has a mystery_shop "
              "checklist ('ms'); a kind and tier must resolve to exactly one checklist")],
    ),
    # --- tiers and phases (did you mean) -----------------------------------------------------
    "unknown-tier-in-checklist": (
        edit({14: "    tiers: [flagship, vilage]"}),
        [Want(14, 23, "checklists[0].tiers[1]", "unknown tier 'vilage'", "village",
              expected="one of flagship, halls, village")],
    ),
    "unknown-tier-in-section": (
        edit(insert={17: "        tiers: [flagshp]"}),
        [Want(18, 17, "checklists[0].sections[0].tiers[0]", "unknown tier 'flagshp'",
              "flagship")],
    ),
    "unknown-tier-in-item": (
        edit(insert={22: "            tiers: [hals]"}),
        [Want(23, 21, f"{ITEM0}.tiers[0]", "unknown tier 'hals'", "halls")],
    ),
    "unknown-tier-in-tier-weights": (
        edit(insert={18: "        tier_weights: {flagshp: 2}"}),
        [Want(19, 24, "checklists[0].sections[0].tier_weights.flagshp",
              "unknown tier 'flagshp'", "flagship")],
    ),
    "unknown-tier-in-tier-group": (
        edit({6: "  halls: [flagshp]"}),
        [Want(6, 11, "tier_groups.halls[0]", "unknown tier 'flagshp'", "flagship")],
    ),
    "tier-group-named-like-a-tier": (
        edit({6: "  village: [flagship]"}),
        [Want(6, 3, "tier_groups.village", "'village' is already a tier name")],
    ),
    "tier-without-any-item": (
        edit(insert={17: "        tiers: [halls]"}),
        [Want(14, 5, "checklists[0].tiers",
              "checklist 'ms' lists tier 'village' but none of its items applies to it")],
    ),
    "unknown-phase-factor": (
        edit(insert={18: "        phase_factors: {nwe: 2}"}),
        [Want(19, 25, "checklists[0].sections[0].phase_factors.nwe", "unknown phase 'nwe'",
              "new", expected="one of new")],
    ),
    "unknown-default-phase": (
        edit(insert={8: "default_phase: nwe"}),
        [Want(9, 1, "default_phase", "unknown phase 'nwe'", "new")],
    ),
    # --- show_if -----------------------------------------------------------------------------
    "show-if-unknown-item": (
        edit(insert={30: "            show_if: {item: uniforn, equals: no}"}),
        [Want(31, 23, f"{ITEMS}[2].show_if[0].item", "show_if refers to unknown item "
              "'uniforn'", "uniform")],
    ),
    "show-if-later-item": (
        edit(insert={22: "            show_if: {item: mood, answered: true}"}),
        [Want(23, 23, f"{ITEM0}.show_if[0].item", "show_if refers to 'mood', which comes "
              "later in the checklist")],
    ),
    "show-if-itself": (
        edit(insert={22: "            show_if: {item: uniform, answered: true}"}),
        [Want(23, 23, f"{ITEM0}.show_if[0].item", "item 'uniform' cannot depend on itself")],
    ),
    "show-if-item-missing-from-some-tiers": (
        edit(insert={22: "            tiers: [halls]",
                     30: "            show_if: {item: uniform, fails: true}"}),
        [Want(32, 23, f"{ITEMS}[2].show_if[0].item", "show_if refers to 'uniform', which "
              "does not apply to tier(s) village where 'mood' applies")],
    ),
    "show-if-equals-a-non-option": (
        edit(insert={41: "            show_if: {item: solved, equals: ful}"}),
        [Want(42, 22, f"{ITEMS}[4].show_if[0]", "'ful' is not an option of 'solved'",
              "fully", expected="one of fully, not")],
    ),
    "show-if-in-a-non-option": (
        edit(insert={41: "            show_if: {item: solved, in: [fully, nto]}"}),
        [Want(42, 22, f"{ITEMS}[4].show_if[0]", "'nto' is not an option of 'solved'", "not")],
    ),
    "show-if-yes-no-not-a-boolean": (
        edit(insert={41: "            show_if: {item: uniform, equals: maybe}"}),
        [Want(42, 22, f"{ITEMS}[4].show_if[0]", "'maybe' is not a yes/no answer",
              expected="yes, no or na")],
    ),
    "show-if-two-tests": (
        edit(insert={41: "            show_if: {item: solved, equals: fully, answered: true}"}),
        [Want(42, 22, f"{ITEMS}[4].show_if[0]", "show_if needs exactly one test of: equals, "
              "in, fails, answered (got equals, answered)")],
    ),
    "show-if-fails-on-an-item-that-cannot-fail": (
        edit(insert={41: ["          - id: more", "            type: text",
                          "            label: {zh: 更多, en: More}",
                          "            show_if: {item: note, fails: true}"]}),
        [Want(45, 35, f"{ITEMS}[5].show_if[0].fails", "item 'note' cannot fail")],
    ),
    # --- several independent problems, all at once -------------------------------------------
    "several-schema-problems": (
        edit({18: "        weight: 0", 21: "            type: yes_now",
              30: "            label: {zh: 态度, en: Mood}\n            lable: x"},
             insert={22: "            requried: true"}),
        [
            Want(18, 9, "checklists[0].sections[0].weight", "greater than 0"),
            Want(21, 13, f"{ITEM0}.type", "'yes_now' is not allowed here", "yes_no"),
            Want(23, 13, f"{ITEM0}.requried", "unknown key 'requried'", "required"),
            Want(32, 13, f"{ITEMS}[2].lable", "unknown key 'lable'", "label"),
        ],
    ),
    "several-cross-file-problems": (
        edit({14: "    tiers: [flagship, vilage]", 28: "          - id: wait"},
             insert={41: "            show_if: {item: solved, equals: ful}"}),
        [
            Want(14, 23, "checklists[0].tiers[1]", "unknown tier 'vilage'", "village"),
            Want(28, 13, f"{ITEMS}[2].id", "duplicate item id 'wait'"),
            Want(42, 22, f"{ITEMS}[4].show_if[0]", "'ful' is not an option", "fully"),
        ],
    ),
}


def check(err: ChecklistFileError, want: list[Want], name: str) -> None:
    got = err.problems
    assert len(got) == len(want), "\n".join(map(str, got))
    for p, w in zip(got, want, strict=True):
        assert (p.line, p.column, p.dotted_path) == (w.line, w.column, w.path), str(p)
        assert w.message in p.message, str(p)
        assert p.suggestion == w.suggestion, str(p)
        if w.expected is not None:
            assert p.expected is not None and w.expected in p.expected, str(p)
        assert p.file == name
    text = str(err)
    assert "Traceback" not in text and 'File "' not in text
    assert text.startswith(f"{name}: {len(want)} problem")
    for p in got:
        assert f"{name}:{p.line}:{p.column}: {p.dotted_path}: " in text


def test_the_base_file_is_valid() -> None:
    model = parse_checklist_text(edit(), "base.yaml")
    assert [it.id for it in model.checklists[0].sections[0].items] == [
        "uniform", "wait", "mood", "solved", "note"]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_malformed_file(case: str, tmp_path: Path) -> None:
    text, want = CASES[case]
    path = tmp_path / "checklists.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    check(info.value, want, str(path))


def test_suggestion_and_expected_read_well_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(edit({21: "            type: yes_now"}), encoding="utf-8")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    assert str(info.value.problems[0]) == (
        f"{path}:21:13: {ITEM0}.type: 'yes_now' is not allowed here (expected 'yes_no', "
        "'scale', 'number', 'choice', 'text' or 'photo'); did you mean 'yes_no'?"
    )


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    (p,) = info.value.problems
    assert p.message == "file not found" and p.line is None and p.path == ()
    assert str(info.value) == f"{path}: 1 problem in the checklist file\n  {path}: (top level): "\
        "file not found"


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(tmp_path)
    assert "cannot read the file" in info.value.problems[0].message
    assert "Traceback" not in str(info.value)


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    # line 3, after "  # caf" (7 characters): a Latin-1 é
    path.write_bytes(b"schema_version: 1\ntiers: {}\n  # caf\xe9 au lait\n")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    (p,) = info.value.problems
    assert (p.line, p.column) == (3, 8)
    assert "not UTF-8 text (byte 0xe9 cannot be decoded)" in p.message
    assert p.expected == "a file saved as UTF-8"


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_bytes("# 旗舰".encode() + b"\xff\n")  # 4 characters, 8 bytes, then a bad byte
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    assert (info.value.problems[0].line, info.value.problems[0].column) == (1, 5)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    (p,) = info.value.problems
    assert (p.line, p.column, p.dotted_path) == (1, 1, "(top level)")
    assert "must be a mapping with schema_version, tiers and checklists" in p.message


def test_problems_are_in_file_order_and_the_count_is_given() -> None:
    text, _ = CASES["several-schema-problems"]
    with pytest.raises(ChecklistFileError) as info:
        parse_checklist_text(text, "x.yaml")
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines)
    assert str(info.value).splitlines()[0] == "x.yaml: 4 problems in the checklist file"


def test_a_schema_error_and_a_duplicate_key_are_reported_together() -> None:
    text = edit({21: "            type: yes_now"}, insert={12: "    version: 2"})
    with pytest.raises(ChecklistFileError) as info:
        parse_checklist_text(text, "x.yaml")
    assert [(p.line, p.dotted_path) for p in info.value.problems] == [
        (13, "checklists[0].version"), (22, f"{ITEM0}.type")]


def test_a_valid_file_with_every_kind_of_reference_loads(tmp_path: Path) -> None:
    text = edit(insert={
        18: ["        tier_weights: {halls: 2, village: 3}", "        phase_factors: {new: 2}"],
        22: "            tiers: [halls, village]",
        41: "            show_if: [{item: solved, in: [fully]}, {item: uniform, fails: true}]",
    })
    model = parse_checklist_text(text)
    note = model.checklists[0].sections[0].items[4]
    assert [c.item for c in note.conditions] == ["solved", "uniform"]


# --- the reader itself: the same data as yaml.load, only sooner ---------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    "text",
    [
        edit(),
        (FIXTURES / "hall.yaml").read_text(encoding="utf-8"),
        (FIXTURES / "minimal.yaml").read_text(encoding="utf-8"),
        "a: &x {b: 1, c: [1, 2]}\nd: *x\n",
        "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
        "t: 2024-01-02\nb: !!binary aGVsbG8=\nn: ~\nf: .inf\no: 0o17\nh: 0x1F\ny: yes\nq: 'yes'\n",
        "s: !!set {a, b}\nw: !!float 3\n'<<': quoted\n",
        "r: &r [1, *r]\n",
        "",
        "just text\n",
    ],
    ids=["base", "hall", "minimal", "aliases", "merge-key", "scalars", "tags", "recursive",
         "empty", "scalar"],
)
def test_the_reader_gives_what_yaml_load_gives(text: str) -> None:
    loader = _KeyCheckingLoader(text)
    try:
        got = loader.get_single_data()
    finally:
        loader.dispose()
    assert repr(got) == repr(yaml.load(text, Loader=yaml.SafeLoader))
    if isinstance(got, dict) and "d" in got:
        assert got["d"] is got["a"]  # an alias is the same object, as in PyYAML


def test_anchors_and_merge_keys_in_a_checklist_file() -> None:
    text = edit(
        {22: "            label: &uniform_label {zh: 着装, en: Uniform}"},
        insert={41: ["          - <<: {type: yes_no, weight: 2}", "            id: more",
                     "            label: *uniform_label", "            weight: 3",
                     "            weight: 4"]},
    )
    with pytest.raises(ChecklistFileError) as info:
        parse_checklist_text(text, "x.yaml")
    (p,) = info.value.problems  # the merge is fine; the repeated key is not
    assert (p.line, p.column, p.dotted_path) == (46, 13, f"{ITEMS}[5].weight")
    model = parse_checklist_text(text.replace("            weight: 4\n", ""))
    more = model.checklists[0].sections[0].items[5]
    assert (more.type.value, more.weight, more.label.en) == ("yes_no", 3, "Uniform")


def test_the_garbage_collector_is_back_on_after_loading() -> None:
    parse_checklist_text(edit())
    assert gc.isenabled()
    with pytest.raises(ChecklistFileError):
        parse_checklist_text("- not a mapping\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_checklist_text(edit())
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_problems_read_in_chinese_too(tmp_path: Path) -> None:
    """The loader's messages go through the translation layer: in zh (the default) an
    author reads Chinese, with the same location, path and did-you-mean."""
    set_language("zh")
    path = tmp_path / "bad.yaml"
    path.write_text(edit({9: "checklist:"}), encoding="utf-8")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    text = str(info.value)
    assert text.splitlines()[0] == f"{path}：检查表文件中有 2 个问题"
    assert "这里必须有「checklists」" in text
    assert "未知的键「checklist」" in text and "是否应为「checklists」？" in text
    assert "did you mean" not in text and "unknown key" not in text
    set_language("en")
    with pytest.raises(ChecklistFileError) as info:
        load_checklist_file(path)
    assert "unknown key 'checklist'" in str(info.value)
