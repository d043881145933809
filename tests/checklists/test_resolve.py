"""Resolution: kind x tier (x phase) -> the concrete checklist a visit uses, and its hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.checklists import Catalog, Kind, ResolvedChecklist, UnknownChecklist, resolve
from app.checklists.loader import parse_checklist_text
from app.checklists.schema import to_plain

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HALL_TEXT = (FIXTURES / "hall.yaml").read_text(encoding="utf-8")


def weights(r: ResolvedChecklist) -> dict[str, object]:
    return {s.id: (s.weight, {it.id: it.weight for it in s.items}) for s in r.sections}


def catalog_of(text: str) -> Catalog:
    return Catalog(parse_checklist_text(text, "hall.yaml"))


# --- which sections and items a tier gets, with which weights -----------------------------


def test_flagship_gets_every_section_with_its_own_weights(hall: Catalog) -> None:
    r = hall.resolve(Kind.MYSTERY_SHOP, "flagship")
    assert (r.id, r.version, r.tier, r.phase) == ("hall_ms", 3, "flagship", "established")
    assert weights(r) == {
        # awareness: tier_weights only names level2 -> the section weight 40
        # attitude: tier_weights {flagship: 1}; eservice: {halls: 2, level2: 4} -> group 2
        "awareness": (40, {"greeted": 2, "attitude": 1, "eservice": 2}),
        "process": (60, {"queue_minutes": 1, "idle_machines": 1, "fees_explained": 1,
                         "solved": 1, "follow_up": 1, "counter_photo": 1}),
        "selling": (20, {"offered_plan": 1}),
    }


def test_level2_drops_a_section_left_without_items(hall: Catalog) -> None:
    r = hall.resolve(Kind.MYSTERY_SHOP, "level2")
    # selling's only item is for flagship; awareness weighs 60 for level2; attitude keeps
    # its own weight 3; eservice's direct level2 weight (4) beats its group weight (2)
    assert weights(r) == {
        "awareness": (60, {"greeted": 2, "attitude": 3, "eservice": 4}),
        "process": (60, {"queue_minutes": 1, "idle_machines": 1, "fees_explained": 1,
                         "solved": 1, "follow_up": 1, "counter_photo": 1}),
    }


def test_phase_factors_multiply_the_section_weight(hall: Catalog) -> None:
    new = hall.resolve(Kind.MYSTERY_SHOP, "level2", "new")
    assert new.phase == "new"
    assert [s.weight for s in new.sections] == [30, 60]  # 60 x 0.5; process has no factor
    flagship_new = hall.resolve(Kind.MYSTERY_SHOP, "flagship", "new")
    assert [s.weight for s in flagship_new.sections] == [20, 60, 20]


def test_minimal_file_tiers_groups_and_phases(minimal: Catalog) -> None:
    flagship = minimal.resolve("mystery_shop", "flagship")
    village = minimal.resolve("mystery_shop", "village", "new")
    # phone_use is for the `halls` group (flagship only)
    assert list(flagship.items) == ["uniform", "greet_seconds", "phone_use", "solved",
                                    "comments"]
    assert list(village.items) == ["uniform", "greet_seconds", "solved", "comments"]
    # conduct: 30, village 50; x2 in phase new
    assert [s.weight for s in flagship.sections] == [30, 20]
    assert [s.weight for s in village.sections] == [100, 20]


def test_a_tier_picks_the_checklist_that_covers_it(hall: Catalog) -> None:
    assert hall.resolve("mystery_shop", "agent").id == "agent_ms"
    assert [hall.resolve("open_inspection", t).id for t in ("flagship", "level2", "agent")] \
        == ["open_all"] * 3
    assert hall.kinds_for("agent") == [Kind.MYSTERY_SHOP, Kind.OPEN_INSPECTION]
    assert hall.combinations()[:3] == [(Kind.MYSTERY_SHOP, "flagship"),
                                       (Kind.MYSTERY_SHOP, "level2"),
                                       (Kind.MYSTERY_SHOP, "agent")]


def test_resolved_items_carry_no_tier_rules(hall: Catalog) -> None:
    for kind, tier in hall.combinations():
        for it in hall.resolve(kind, tier).items.values():
            assert it.tiers is None and it.tier_weights == {}


def test_items_and_section_of_follow_checklist_order(hall: Catalog) -> None:
    r = hall.resolve("mystery_shop", "flagship")
    assert list(r.items)[:4] == ["greeted", "attitude", "eservice", "queue_minutes"]
    assert r.section_of["offered_plan"] == "selling"
    assert r.item_count() == 10


@pytest.mark.parametrize(
    ("kind", "tier", "phase", "message"),
    [
        ("mystery", "flagship", None, "unknown checklist kind 'mystery'"),
        ("mystery_shop", "flagshp", None, "unknown tier 'flagshp'"),
        ("mystery_shop", "flagship", "old", "unknown phase 'old'"),
        ("self_check", "flagship", None, "no self_check checklist covers tier 'flagship'"),
    ],
)
def test_unknown_kind_tier_phase(hall: Catalog, kind: str, tier: str, phase: str | None,
                                 message: str) -> None:
    with pytest.raises(UnknownChecklist, match=message):
        hall.resolve(kind, tier, phase)
    with pytest.raises(UnknownChecklist, match=message):
        resolve(hall.source, kind, tier, phase)


def test_the_catalog_caches_each_resolution(hall: Catalog) -> None:
    assert hall.resolve("mystery_shop", "flagship") is hall.resolve(Kind.MYSTERY_SHOP,
                                                                      "flagship")


# --- content hash -------------------------------------------------------------------------


def test_hash_is_stable_across_loads() -> None:
    a = catalog_of(HALL_TEXT).resolve("mystery_shop", "flagship")
    b = catalog_of(HALL_TEXT).resolve("mystery_shop", "flagship")
    assert a.content_hash == b.content_hash == a.compute_hash()
    assert len(a.content_hash) == 64 and int(a.content_hash, 16) >= 0


def test_hash_is_sha256_of_the_canonical_dump(hall: Catalog) -> None:
    """The fast, piecewise hash equals its one-piece definition."""
    for kind, tier in hall.combinations():
        for phase in (None, "new"):
            r = hall.resolve(kind, tier, phase)
            body = to_plain(r)
            body.pop("content_hash")
            canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            assert r.canonical_json() == canon
            assert r.content_hash == hashlib.sha256(canon.encode()).hexdigest()


def test_tiers_and_phases_have_different_hashes(hall: Catalog) -> None:
    hashes = {hall.resolve(k, t, p).content_hash
              for k, t in hall.combinations() for p in ("new", "established")}
    # open_all has no phase factors, so its phases resolve to the same content except the
    # phase name itself, which is part of the hash too
    assert len(hashes) == 2 * len(hall.combinations())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("en: Greeted proactively}", "en: Greeted promptly}"),  # an item label
        ("zh: 服务意识, en", "zh: 服务意识！, en"),  # a section title
        ("            weight: 2\n", "            weight: 2.5\n"),  # an item weight
        ("        weight: 60\n", "        weight: 61\n"),  # a section weight
        ("{flagship: 1}", "{flagship: 1.5}"),  # this tier's item weight
        ("phase_factors: {new: 0.5}", "phase_factors: {new: 0.5, established: 2}"),
        ("en: Sold without explaining fees", "en: Sold without explaining the fees"),
        ("en: 1 is worst and 5 best", "en: 1 is the worst and 5 the best"),  # help text
        ("fail_below: 3", "fail_below: 2"),
        ("{max: 15, score: 0.6}", "{max: 15, score: 0.5}"),
        ("version: 3", "version: 4"),
    ],
)
def test_hash_changes_with_any_content(old: str, new: str) -> None:
    assert HALL_TEXT.count(old) == 1, old
    before = catalog_of(HALL_TEXT).resolve("mystery_shop", "flagship")
    after = catalog_of(HALL_TEXT.replace(old, new)).resolve("mystery_shop", "flagship")
    assert before.content_hash != after.content_hash


def test_hash_ignores_what_another_tier_sees() -> None:
    """Only what the tier resolves to is hashed: level2's weight is not flagship's."""
    text = HALL_TEXT.replace("tier_weights: {level2: 60}", "tier_weights: {level2: 70}")
    before = catalog_of(HALL_TEXT)
    after = catalog_of(text)
    assert (before.resolve("mystery_shop", "flagship").content_hash
            == after.resolve("mystery_shop", "flagship").content_hash)
    assert (before.resolve("mystery_shop", "level2").content_hash
            != after.resolve("mystery_shop", "level2").content_hash)


def test_json_round_trip_keeps_the_hash(hall: Catalog) -> None:
    for kind, tier in hall.combinations():
        r = hall.resolve(kind, tier)
        for dumped in (r.model_dump_json(), r.model_dump_json(by_alias=True)):
            back = ResolvedChecklist.model_validate_json(dumped)
            assert back == r
            assert back.content_hash == r.content_hash == back.compute_hash()
            assert list(back.items) == list(r.items)


def test_round_trip_keeps_show_if_conditions(hall: Catalog) -> None:
    r = hall.resolve("mystery_shop", "flagship")
    back = ResolvedChecklist.model_validate(json.loads(r.model_dump_json(by_alias=True)))
    cond = back.items["follow_up"].conditions[0]
    assert (cond.item, cond.in_) == ("solved", ["partly", "not"])


def test_model_copy_recomputes_the_item_index(hall: Catalog) -> None:
    r = hall.resolve("mystery_shop", "flagship")
    assert "offered_plan" in r.items  # cached now
    fewer = r.model_copy(update={"sections": r.sections[:2]})
    assert "offered_plan" not in fewer.items
    assert "offered_plan" not in fewer.section_of
