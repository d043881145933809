"""programme.yaml: the shipped file is valid; every problem of a broken one is found at once,
located (`file:line:column: path: message`), translated, with a did-you-mean; the version a
month is computed under is the latest applying on its first day.

Each case edits lines of BASE (its line numbers are shown below) and states the problems the
loader must report: line, column, dotted path, message key and suggestion.

     7         mystery_shop: {weight: 60}
     8         open_inspection: {weight: 20}
    11       visits: mean
    13       min_components: 1
    16       - {from: 0, to: 60, factor: -1.0}
    17       - {from: 60, to: 80, factor: 0.5}
    18       - {from: 80, to: 90, factor: 1.0}
    19       - {from: 90, to: 100, factor: 1.5}
    24         - {from: 4, factor: 1.2}
    26     staff_share: {percent: 30}
    30       up: {score: 95, months: 6}
    33         agent_channel: [village, agent, exclusive, partner_operated]
    38       - {class: B, min_customers: 1000}
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.checklists import default_checklists_path, load_checklist_file
from app.i18n import messages
from app.programme.commission import payment_band
from app.programme.months import YearMonth
from app.programme.rules_loader import (
    RuleFileError,
    default_programme_path,
    load_rules_file,
    parse_rules_text,
)

BASE = """\
schema_version: 1
versions:
  - version: "v1"
    applies_from: 2025-01-01
    composite:
      components:
        mystery_shop: {weight: 60}
        open_inspection: {weight: 20}
        self_check: {weight: 10, counted: false}
        sms_satisfaction: {weight: 20, min_count: 30}
      visits: mean
      voided_visit: zero
      min_components: 1
      decimals: 2
    payment_factor:
      - {from: 0, to: 60, factor: -1.0}
      - {from: 60, to: 80, factor: 0.5}
      - {from: 80, to: 90, factor: 1.0}
      - {from: 90, to: 100, factor: 1.5}
    cooperation_years:
      bands:
        - {from: 0, factor: 1.0}
        - {from: 2, factor: 1.1}
        - {from: 4, factor: 1.2}
        - {from: 6, factor: 1.3}
    staff_share: {percent: 30}
    refund: {min_score: 90, months: 3}
    exit: {}
    tier_moves:
      up: {score: 95, months: 6}
      down: {score: 70, months: 3}
      ladders:
        agent_channel: [village, agent, exclusive, partner_operated]
        self_run_hall: [level3, level2, flagship]
    area_manager_reward: {}
    outlet_classes:
      - {class: A, min_customers: 3000}
      - {class: B, min_customers: 1000}
      - {class: C, min_customers: 0}
"""
V = "versions[0]"
TIERS = {"village": "agent_channel", "agent": "agent_channel", "exclusive": "agent_channel",
         "partner_operated": "agent_channel", "level3": "self_run_hall",
         "level2": "self_run_hall", "flagship": "self_run_hall"}


def edit(changes: dict[int, str | None], extra: str = "") -> str:
    """BASE with lines replaced (None: removed), text appended."""
    lines = BASE.splitlines()
    out = [changes.get(i, line) for i, line in enumerate(lines, 1)]
    return "\n".join(x for x in out if x is not None) + "\n" + extra


def problems(text: str, known: dict[str, str] | None = None
             ) -> list[tuple[int | None, int | None, str, str, str | None]]:
    with pytest.raises(RuleFileError) as caught:
        parse_rules_text(text, "p.yaml", known)
    return [(p.line, p.column, p.dotted_path, p.key, p.suggestion)
            for p in caught.value.problems]


def test_the_shipped_file_and_the_base_are_valid() -> None:
    known = {k: d.family.value
             for k, d in load_checklist_file(default_checklists_path()).tiers.items()}
    book = load_rules_file(default_programme_path(), known)
    assert [v.id for v in book.versions] == ["2025.1"]
    shipped = book.versions[0].rules
    assert [b.factor for b in shipped.payment_factor] == sorted(
        b.factor for b in shipped.payment_factor)
    assert [(b.from_, b.factor) for b in shipped.cooperation_years.bands] == [
        (0, Decimal("1.0")), (2, Decimal("1.1")), (4, Decimal("1.2")), (6, Decimal("1.3"))]
    assert shipped.staff_share.percent == 30 and shipped.refund.min_score == 90
    assert (shipped.exit.year_bottom, shipped.exit.unit_bottom,
            shipped.exit.unit_months_more_than) == (5, 3, 6)
    assert shipped.area_manager_reward.min_places == 10
    # the file says the bands are a default the source does not give, in both languages
    text = default_programme_path().read_text(encoding="utf-8")
    assert "原始文件没有给出分数段" in text and "do not give these bands" in text
    assert parse_rules_text(BASE, "p.yaml", TIERS).versions[0].id == "v1"


CASES = {
    "misspelt component": (
        {7: "        mistery_shop: {weight: 60}"},
        [(7, 9, f"{V}.composite.components.mistery_shop", "programme.rules.unknown_key",
          "mystery_shop")]),
    "factor above 1.5": (
        {19: "      - {from: 90, to: 100, factor: 1.6}"},
        [(19, 37, f"{V}.payment_factor[3].factor", "programme.rules.at_most", None)]),
    "factor below -1.0": (
        {16: "      - {from: 0, to: 60, factor: -1.01}"},
        [(16, 35, f"{V}.payment_factor[0].factor", "programme.rules.at_least", None)]),
    "a gap between bands": (
        {17: "      - {from: 61, to: 80, factor: 0.5}"},
        [(17, 16, f"{V}.payment_factor[1].from", "programme.rules.bands_gap", None)]),
    "overlapping bands": (
        {18: "      - {from: 75, to: 90, factor: 1.0}"},
        [(18, 16, f"{V}.payment_factor[2].from", "programme.rules.bands_overlap", None)]),
    "bands not from 0": (
        {16: "      - {from: 5, to: 60, factor: -1.0}"},
        [(16, 16, f"{V}.payment_factor[0].from", "programme.rules.bands_start", None)]),
    "bands not to 100": (
        {19: "      - {from: 90, to: 99, factor: 1.5}"},
        [(19, 24, f"{V}.payment_factor[3].to", "programme.rules.bands_end", None)]),
    "a better score paying less": (
        {18: "      - {from: 80, to: 90, factor: 0.4}"},
        [(18, 36, f"{V}.payment_factor[2].factor", "programme.rules.factor_decreases",
          None)]),
    "an empty band": (
        {17: "      - {from: 60, to: 60, factor: 0.5}",
         18: "      - {from: 60, to: 90, factor: 1.0}"},
        [(17, 24, f"{V}.payment_factor[1].to", "programme.rules.band_empty", None)]),
    "a negative weight": (
        {8: "        open_inspection: {weight: -1}"},
        [(8, 35, f"{V}.composite.components.open_inspection.weight",
          "programme.rules.at_least", None)]),
    "a counted component weighing nothing": (
        {8: "        open_inspection: {weight: 0}"},
        [(8, 35, f"{V}.composite.components.open_inspection.weight",
          "programme.rules.zero_weight", None)]),
    "misspelt visits rule": (
        {11: "      visits: maen"},
        [(11, 15, f"{V}.composite.visits", "programme.rules.not_allowed", "mean")]),
    "more components needed than counted": (
        {13: "      min_components: 4"},
        [(13, 23, f"{V}.composite.min_components",
          "programme.rules.min_components_too_many", None)]),
    "a key given twice": (
        {13: "      min_components: 1\n      min_components: 2"},
        [(14, 7, "", "programme.rules.key_twice", None)]),
    "not YAML": (
        {7: "        mystery_shop: {weight: 60"},
        [(8, 24, "", "programme.rules.not_yaml", None)]),
    "a section missing": (
        {26: None},
        [(3, 5, f"{V}.staff_share", "programme.rules.missing", None)]),
    "years not ascending": (
        {24: "        - {from: 2, factor: 1.2}"},
        [(24, 18, f"{V}.cooperation_years.bands[2].from",
          "programme.rules.years_not_ascending", None)]),
    "up not above down": (
        {30: "      up: {score: 70, months: 6}"},
        [(30, 19, f"{V}.tier_moves.up.score", "programme.rules.up_not_above_down", None)]),
    "classes not descending": (
        {38: "      - {class: B, min_customers: 3000}"},
        [(38, 35, f"{V}.outlet_classes[1].min_customers",
          "programme.rules.classes_not_descending", None)]),
    "a whole number wanted": (
        {13: "      min_components: 1.5"},
        [(13, 23, f"{V}.composite.min_components", "programme.rules.not_whole_number",
          None)]),
    "a version mid-month": (
        {4: "    applies_from: 2025-01-15"},
        [(4, 19, f"{V}.applies_from", "programme.rules.not_first_day", None)]),
}


@pytest.mark.parametrize("name", CASES)
def test_each_problem_is_located_and_explained(name: str) -> None:
    changes, expected = CASES[name]
    assert problems(edit(changes)) == expected


def test_every_problem_at_once_in_file_order() -> None:
    text = edit({7: "        mistery_shop: {weight: 60}",
                 19: "      - {from: 90, to: 100, factor: 1.6}",
                 11: "      visits: maen"})
    found = problems(text)
    assert [p[0] for p in found] == [7, 11, 19]


def test_versions_ascending_unique_and_resolved_by_the_first_day() -> None:
    second = BASE.split("versions:\n", 1)[1].replace('"v1"', '"v2"').replace(
        "2025-01-01", "2025-07-01")
    third = second.replace('"v2"', '"v3"').replace("2025-07-01", "2026-01-01")
    book = parse_rules_text(BASE + second + third, "p.yaml")
    assert [v.id for v in book.versions] == ["v1", "v2", "v3"]
    assert book.for_month(YearMonth(2025, 1)).id == "v1"
    assert book.for_month(YearMonth(2025, 6)).id == "v1"
    assert book.for_month(YearMonth(2025, 7)).id == "v2"
    assert book.for_month(YearMonth(2030, 1)).id == "v3"
    assert book.by_id("v2").rules.applies_from == date(2025, 7, 1)
    with pytest.raises(Exception) as before:
        book.for_month(YearMonth(2024, 12))
    assert "2025-01-01" in str(before.value)
    # same content, same hash; the hash names the content, not the id alone
    assert book.versions[0].content_hash != book.versions[1].content_hash
    assert parse_rules_text(BASE).versions[0].content_hash == book.versions[0].content_hash

    backwards = second.replace("2025-07-01", "2024-07-01").replace('"v2"', '"v1"')
    found = problems(BASE + backwards)
    assert [(p[2], p[3]) for p in found] == [
        ("versions[1].version", "programme.rules.version_twice"),
        ("versions[1].applies_from", "programme.rules.dates_not_ascending")]
    assert found[0][0] == 40 and found[1][0] == 41


def test_tier_ladders_are_checked_against_the_checklists_tiers() -> None:
    text = edit({33: "        agent_channel: [villag, agent, exclusive, flagship]"})
    assert problems(text, TIERS) == [
        (33, 25, f"{V}.tier_moves.ladders.agent_channel[0]", "programme.rules.tier_unknown",
         "village"),
        (33, 51, f"{V}.tier_moves.ladders.agent_channel[3]",
         "programme.rules.tier_wrong_family", None),
        (34, 41, f"{V}.tier_moves.ladders.self_run_hall[2]", "programme.rules.tier_twice", None),
    ]
    moved = edit({33: "        agent_channel: [village, agent, exclusive, partner_operated]",
                  34: "        self_run_hall: [level3, level2]"})
    wrong = {**TIERS, "level2": "agent_channel"}
    assert problems(moved, wrong) == [
        (34, 33, f"{V}.tier_moves.ladders.self_run_hall[1]",
         "programme.rules.tier_wrong_family", None)]
    # without the checklists' tiers the names are not checked
    parse_rules_text(edit({33: "        agent_channel: [villag, agent, exclusive, "
                                "partner_operated]"}))


def test_messages_read_in_both_languages_with_file_line_column_and_path() -> None:
    with pytest.raises(RuleFileError) as caught:
        parse_rules_text(edit({7: "        mistery_shop: {weight: 60}"}), "p.yaml")
    zh, en = caught.value.message("zh"), caught.value.message("en")
    assert "p.yaml:7:9: versions[0].composite.components.mistery_shop: 未知的键「mistery_shop」" \
        in zh and "是否应为「mystery_shop」" in zh
    assert ("p.yaml:7:9: versions[0].composite.components.mistery_shop: unknown key "
            "'mistery_shop'") in en and "did you mean 'mystery_shop'?" in en
    assert "Traceback" not in zh + en and "pydantic" not in (zh + en).lower()
    for p in caught.value.problems:
        assert p.key in messages()


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as missing:
        load_rules_file(tmp_path / "none.yaml")
    assert missing.value.problems[0].key == "programme.rules.not_found"
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes(b"schema_version: 1\n# \xd6\xd0\xce\xc4\n")
    with pytest.raises(RuleFileError) as undecodable:
        load_rules_file(bad)
    p = undecodable.value.problems[0]
    assert (p.key, p.line, p.column) == ("programme.rules.not_utf8", 2, 3)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as not_mapping:
        load_rules_file(listy)
    assert not_mapping.value.problems[0].key == "programme.rules.not_a_file"


# --- the payment-factor table, by property ---------------------------------------------------

cuts = st.lists(st.integers(0, 100), min_size=0, max_size=6)
factors = st.decimals(Decimal("-1.5"), Decimal("2.0"), places=1)


@st.composite
def tables(draw: st.DrawFn) -> list[tuple[int, int, Decimal]]:
    """Band tables, most well-formed, some with a gap, an overlap, a bad edge or factor."""
    points = sorted(set(draw(cuts)) - {0, 100})
    edges = [0, *points, 100]
    fs = [draw(factors) for _ in range(len(edges) - 1)]
    if draw(st.booleans()):
        fs.sort()  # most tables pay more for a better score
    rows = [[a, b, f] for (a, b), f in zip(itertools.pairwise(edges), fs, strict=True)]
    if draw(st.integers(0, 4)) == 0:  # break an edge
        i = draw(st.integers(0, len(rows) - 1))
        rows[i][draw(st.integers(0, 1))] += draw(st.sampled_from([-3, -1, 1, 2]))
    return [(int(a), int(b), Decimal(f)) for a, b, f in rows]


def _valid(rows: list[tuple[int, int, Decimal]]) -> bool:
    ok_edges = (rows[0][0] == 0 and rows[-1][1] == 100
                and all(0 <= a < b <= 100 for a, b, _ in rows)
                and all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows))))
    ok_factors = (all(Decimal("-1.0") <= f <= Decimal("1.5") for *_, f in rows)
                  and all(rows[i][2] >= rows[i - 1][2] for i in range(1, len(rows))))
    return ok_edges and ok_factors


def _with_table(rows: list[tuple[int, int, Decimal]]) -> str:
    """BASE with its payment-factor table (lines 16-19) replaced by `rows`."""
    lines = BASE.splitlines(keepends=True)
    table = [f"      - {{from: {a}, to: {b}, factor: {f}}}\n" for a, b, f in rows]
    return "".join(lines[:15] + table + lines[19:])


@settings(max_examples=50, deadline=None)
@given(tables(), st.lists(st.decimals(0, 100, places=2), min_size=2, max_size=8))
def test_a_table_is_accepted_exactly_when_it_covers_0_to_100_in_bounds_and_monotone(
        rows: list[tuple[int, int, Decimal]], scores: list[Decimal]) -> None:
    text = _with_table(rows)
    try:
        book = parse_rules_text(text)
    except RuleFileError as exc:
        assert not _valid(rows), [str(p) for p in exc.problems]
        return
    assert _valid(rows)
    bands = book.versions[0].rules.payment_factor
    looked_up = []
    for s in sorted(scores):
        i = payment_band(bands, s)
        inside = [j for j, b in enumerate(bands)
                  if b.from_ <= s < b.to or (s == 100 and b.to == 100)]
        assert inside == [i]  # exactly one band holds every score
        assert Decimal("-1.0") <= bands[i].factor <= Decimal("1.5")
        looked_up.append(bands[i].factor)
    assert looked_up == sorted(looked_up)  # a higher score never pays a lower factor
