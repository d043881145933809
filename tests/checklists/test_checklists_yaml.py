"""The shipped `checklists.yaml`: real content, complete for every kind x tier.

These tests read the file the app ships with (not a fixture), so a bad edit to the rulebook
fails here before it reaches a device.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from app.checklists import (
    Catalog,
    Item,
    ItemType,
    Kind,
    PhotoRule,
    ResolvedChecklist,
    VetoScope,
    default_checklists_path,
)
from app.checklists.schema import Band, Family, Text

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
MIN_ITEMS = 30
ALL_TIERS = {"partner_operated", "exclusive", "agent", "village", "flagship", "level2", "level3"}
# The inspection standards; the intercept survey (issue 11) is a customer questionnaire
# for the halls, checked in test_intercept_survey below.
INSPECTIONS = [k for k in Kind if k is not Kind.INTERCEPT]
HALLS = {"flagship", "level2", "level3"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_file(default_checklists_path())


def all_resolved(catalog: Catalog, phase: str | None = None) -> Iterator[ResolvedChecklist]:
    for kind in INSPECTIONS:
        for tier in sorted(catalog.tiers):
            yield catalog.resolve(kind, tier, phase)


def band_score(item: Item, value: float) -> float:
    band: Band = next(b for b in item.bands or [] if b.holds(value))
    return band.score


# --- tiers and coverage ---------------------------------------------------------------


def test_the_seven_tiers_in_their_families(catalog: Catalog) -> None:
    assert set(catalog.tiers) == ALL_TIERS
    agents = {t for t, d in catalog.tiers.items() if d.family is Family.AGENT}
    halls = {t for t, d in catalog.tiers.items() if d.family is Family.HALL}
    assert agents == {"partner_operated", "exclusive", "agent", "village"}
    assert halls == {"flagship", "level2", "level3"}


def test_phases_default_to_established(catalog: Catalog) -> None:
    assert set(catalog.source.phases) == {"new", "established"}
    assert catalog.source.default_phase == "established"


def test_every_kind_covers_every_tier(catalog: Catalog) -> None:
    combos = {(k, t) for k, t in catalog.combinations()}
    assert combos == ({(k, t) for k in INSPECTIONS for t in ALL_TIERS}
                      | {(Kind.INTERCEPT, t) for t in HALLS})
    for kind in INSPECTIONS:
        for tier in ALL_TIERS:
            for phase in (None, "new", "established"):
                rc = catalog.resolve(kind, tier, phase)
                assert rc.kind is kind and rc.tier == tier
                assert rc.sections, (kind, tier)


def test_one_checklist_per_kind_with_id_version_title(catalog: Catalog) -> None:
    kinds = [cl.kind for cl in catalog.source.checklists]
    assert sorted(kinds) == sorted(Kind)
    for cl in catalog.source.checklists:
        assert cl.id.endswith("_std")
        # a version is a positive whole number; the rulebook's editors bump it (see
        # test_a_version_bump_is_a_new_definition), a test must not pin it
        assert isinstance(cl.version, int) and cl.version >= 1
        assert cl.description is not None


@pytest.mark.parametrize("kind", INSPECTIONS)
@pytest.mark.parametrize("tier", sorted(ALL_TIERS))
def test_at_least_thirty_items(catalog: Catalog, kind: Kind, tier: str) -> None:
    rc = catalog.resolve(kind, tier)
    assert rc.item_count() >= MIN_ITEMS, f"{kind.value}/{tier}: only {rc.item_count()} items"
    assert sum(1 for it in rc.items.values() if it.scored) >= MIN_ITEMS - 5


# --- item types and rules -------------------------------------------------------------


@pytest.mark.parametrize("kind", INSPECTIONS)
def test_every_item_type_is_used(catalog: Catalog, kind: Kind) -> None:
    cl = next(c for c in catalog.source.checklists if c.kind is kind)
    used = {it.type for s in cl.sections for it in s.items}
    assert used == set(ItemType)


def test_yes_no_items_phrased_as_violations_pass_on_no(catalog: Catalog) -> None:
    items = [it for rc in all_resolved(catalog) for it in rc.items.values()]
    assert any(it.type is ItemType.YES_NO and it.pass_if is False for it in items)
    assert any(it.type is ItemType.YES_NO and it.allow_na for it in items)
    assert any(it.type is ItemType.SCALE and it.fail_below is not None for it in items)
    assert any(it.help is not None for it in items)
    assert any(it.note_on_fail for it in items)
    assert any(it.photo is PhotoRule.ALWAYS and it.type is not ItemType.PHOTO for it in items)


def test_scales_run_zero_to_five(catalog: Catalog) -> None:
    for rc in all_resolved(catalog):
        for it in rc.items.values():
            if it.type is ItemType.SCALE:
                assert (it.min, it.max) == (0, 5), it.id
                assert it.fail_below is not None and 0 < it.fail_below <= 5, it.id


def test_choice_items_have_a_failing_or_graded_option(catalog: Catalog) -> None:
    for rc in all_resolved(catalog):
        for it in rc.items.values():
            if it.type is ItemType.CHOICE:
                scores = {o.score for o in it.options or []}
                assert len(scores) > 1, it.id
                assert all(isinstance(o.id, str) and o.id not in ("true", "false")
                           for o in it.options or []), it.id


def test_number_bands_cover_every_value_from_zero(catalog: Catalog) -> None:
    for rc in all_resolved(catalog):
        for it in rc.items.values():
            if it.type is ItemType.NUMBER:
                assert it.unit is not None, it.id
                for value in (0, 1, 3, 7, 12, 18, 25, 45, 90, 1000):
                    assert any(b.holds(value) for b in it.bands or []), (it.id, value)


def test_queue_wait_is_worse_the_longer_and_e_channel_better_the_more(catalog: Catalog) -> None:
    ms = catalog.resolve(Kind.MYSTERY_SHOP, "flagship")
    wait = ms.items["queue_wait_minutes"]
    assert band_score(wait, 0) == 1
    assert band_score(wait, 0) > band_score(wait, 12) > band_score(wait, 60)
    assert wait.can_fail
    offers = ms.items["e_channel_offers"]
    assert band_score(offers, 0) < band_score(offers, 1) < band_score(offers, 3)
    greet = ms.items["greet_seconds"]
    assert band_score(greet, 5) > band_score(greet, 45)


def test_idle_self_service_is_asked_only_when_the_queue_is_long(catalog: Catalog) -> None:
    ms = catalog.resolve(Kind.MYSTERY_SHOP, "level3")
    idle = ms.items["self_service_idle"]
    assert idle.pass_if is False
    (cond,) = idle.conditions
    assert cond.item == "queue_ahead" and cond.in_ and "few" not in cond.in_
    handled = ms.items["complaint_handled"]
    assert [c.item for c in handled.conditions] == ["complaint_text"]


def test_show_if_is_used_in_every_kind(catalog: Catalog) -> None:
    for kind in INSPECTIONS:
        rc = catalog.resolve(kind, "flagship")
        assert any(it.conditions for it in rc.items.values()), kind


def test_mystery_shop_includes_a_transaction(catalog: Catalog) -> None:
    for tier in ALL_TIERS:
        rc = catalog.resolve(Kind.MYSTERY_SHOP, tier)
        assert "transaction_done" in rc.items
        proof = rc.items["receipt_photo"]
        assert proof.type is ItemType.PHOTO
        assert [c.item for c in proof.conditions] == ["transaction_done"]


# --- vetoes ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", INSPECTIONS)
@pytest.mark.parametrize("tier", sorted(ALL_TIERS))
def test_section_and_visit_vetoes(catalog: Catalog, kind: Kind, tier: str) -> None:
    rc = catalog.resolve(kind, tier)
    scopes = {it.veto.scope for it in rc.items.values() if it.veto}
    assert scopes == {VetoScope.SECTION, VetoScope.VISIT}, (kind.value, tier)


def test_every_veto_is_evidenced_and_explained(catalog: Catalog) -> None:
    seen_camera = False
    for rc in all_resolved(catalog):
        for it in rc.items.values():
            if it.veto is None:
                continue
            assert it.can_fail, it.id
            assert it.note_on_fail or it.photo in (PhotoRule.ON_FAIL, PhotoRule.ALWAYS), it.id
            assert CJK.search(it.veto.reason.zh) and it.veto.reason.en.strip(), it.id
            if it.photo is PhotoRule.ON_FAIL and it.photo_source.value == "camera":
                seen_camera = True
    assert seen_camera


def test_basic_conduct_vetoes_forfeit_the_section(catalog: Catalog) -> None:
    ms = catalog.resolve(Kind.MYSTERY_SHOP, "level2")
    assert ms.items["uniform_badge"].veto.scope is VetoScope.SECTION
    assert ms.items["rude"].veto.scope is VetoScope.VISIT
    assert ms.items["id_checked"].veto.scope is VetoScope.VISIT
    oi = catalog.resolve(Kind.OPEN_INSPECTION, "agent")
    assert oi.items["oi_preactivated_cards"].veto.scope is VetoScope.VISIT
    assert oi.items["oi_fake_transactions"].veto.scope is VetoScope.VISIT


# --- tiers differ as the domain says ----------------------------------------------------


def test_village_and_flagship_mystery_shops_differ_both_ways(catalog: Catalog) -> None:
    village = set(catalog.resolve(Kind.MYSTERY_SHOP, "village").items)
    flagship = set(catalog.resolve(Kind.MYSTERY_SHOP, "flagship").items)
    assert village - flagship
    assert flagship - village
    assert {"demo_offered", "brand_image", "experience_zone"} <= flagship - village


def test_village_has_no_queue_machine_terminal_or_experience_zone(catalog: Catalog) -> None:
    for kind in INSPECTIONS:
        ids = set(catalog.resolve(kind, "village").items)
        hits = {i for i in ids if re.search(r"queue|terminal|experience|demo|self_service", i)}
        assert not hits, (kind.value, hits)


def test_flagship_checks_experience_and_level3_weighs_handling(catalog: Catalog) -> None:
    flag = catalog.resolve(Kind.OPEN_INSPECTION, "flagship")
    assert {"oi_experience_zone", "oi_demo_programme", "oi_brand_standard"} <= set(flag.items)
    l2 = catalog.resolve(Kind.MYSTERY_SHOP, "level2").items
    l3 = catalog.resolve(Kind.MYSTERY_SHOP, "level3").items
    assert l3["knowledge"].weight > l2["knowledge"].weight
    assert l2["friendliness"].weight > catalog.resolve(Kind.MYSTERY_SHOP, "flagship").items[
        "friendliness"
    ].weight


@pytest.mark.parametrize("kind", INSPECTIONS)
def test_section_weights_differ_by_tier(catalog: Catalog, kind: Kind) -> None:
    by_section: dict[str, set[float]] = {}
    for tier in ALL_TIERS:
        for s in catalog.resolve(kind, tier).sections:
            by_section.setdefault(s.id, set()).add(s.weight)
    assert any(len(ws) > 1 for ws in by_section.values())


@pytest.mark.parametrize("kind", INSPECTIONS)
def test_item_weights_differ_by_tier(catalog: Catalog, kind: Kind) -> None:
    by_item: dict[str, set[float]] = {}
    for tier in ALL_TIERS:
        for it in catalog.resolve(kind, tier).items.values():
            by_item.setdefault(it.id, set()).add(it.weight)
    assert any(len(ws) > 1 for ws in by_item.values())


def test_busy_halls_weigh_handling_quiet_outlets_weigh_selling(catalog: Catalog) -> None:
    def weight(tier: str, section: str) -> float:
        rc = catalog.resolve(Kind.MYSTERY_SHOP, tier)
        return next(s.weight for s in rc.sections if s.id == section)

    assert weight("flagship", "process") > weight("level2", "process")
    assert weight("agent", "selling") > weight("flagship", "selling")


@pytest.mark.parametrize("kind", INSPECTIONS)
@pytest.mark.parametrize("tier", sorted(ALL_TIERS))
def test_default_phase_section_weights_add_up_to_100(catalog: Catalog, kind: Kind,
                                                     tier: str) -> None:
    total = sum(s.weight for s in catalog.resolve(kind, tier).sections)
    assert total == pytest.approx(100), (kind.value, tier, total)


@pytest.mark.parametrize("kind", INSPECTIONS)
def test_new_phase_shifts_weight_to_conduct(catalog: Catalog, kind: Kind) -> None:
    for tier in ALL_TIERS:
        new = {s.id: s.weight for s in catalog.resolve(kind, tier, "new").sections}
        est = {s.id: s.weight for s in catalog.resolve(kind, tier, "established").sections}
        assert new.keys() == est.keys()
        assert any(new[k] > est[k] for k in est), (kind.value, tier)
        assert any(new[k] < est[k] for k in est), (kind.value, tier)
    assert catalog.resolve(kind, "flagship") == catalog.resolve(kind, "flagship", "established")


# --- texts ------------------------------------------------------------------------------


def _texts(node: object) -> Iterator[Text]:
    if isinstance(node, Text):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name))
    elif isinstance(node, list | tuple):
        for x in node:
            yield from _texts(x)
    elif isinstance(node, dict):
        for x in node.values():
            yield from _texts(x)


def test_every_text_is_bilingual(catalog: Catalog) -> None:
    texts = list(_texts(catalog.source))
    assert len(texts) > 300
    for t in texts:
        assert t.zh.strip() and CJK.search(t.zh), t
        assert t.en.strip() and not CJK.search(t.en), t


def test_labels_are_unique_within_a_checklist(catalog: Catalog) -> None:
    for rc in all_resolved(catalog):
        labels = [it.label.zh for it in rc.items.values()]
        assert len(labels) == len(set(labels)), rc.id


# --- hashing ----------------------------------------------------------------------------


def test_content_hash_is_stable_across_loads_and_differs_by_tier() -> None:
    a = Catalog.from_file(default_checklists_path())
    b = Catalog.from_file(default_checklists_path())
    for kind in INSPECTIONS:
        hashes = set()
        for tier in ALL_TIERS:
            ha = a.resolve(kind, tier).content_hash
            assert len(ha) == 64
            assert ha == b.resolve(kind, tier).content_hash
            assert ha == a.resolve(kind, tier).compute_hash()
            hashes.add(ha)
        assert len(hashes) == len(ALL_TIERS), kind
        assert a.resolve(kind, "flagship", "new").content_hash != a.resolve(
            kind, "flagship"
        ).content_hash


def _edited_catalog(tmp_path: Path, edit: Callable[[str], str]) -> Catalog:
    """The shipped rulebook with one edit, loaded from a copy."""
    text = default_checklists_path().read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text, "the edit changed nothing"
    path = tmp_path / "checklists.yaml"
    path.write_text(changed, encoding="utf-8")
    return Catalog.from_file(path)


def _bump_version(kind: Kind) -> Callable[[str], str]:
    pattern = re.compile(rf"(?m)^(\s+kind: {kind.value}\n\s+version: )(\d+)$")

    def edit(text: str) -> str:
        return pattern.sub(lambda m: f"{m[1]}{int(m[2]) + 1}", text, count=1)

    return edit


@pytest.mark.parametrize("kind", INSPECTIONS)
def test_a_version_bump_is_a_new_definition(catalog: Catalog, tmp_path: Path,
                                            kind: Kind) -> None:
    """What the version pin was for: a new rulebook version loads, carries its number and
    is a new definition (a new content hash, so devices store it beside the old one and
    visits started on the old one keep it); the other kinds are untouched."""
    bumped = _edited_catalog(tmp_path, _bump_version(kind))
    for other in Kind:
        old, new = catalog.resolve(other, "flagship"), bumped.resolve(other, "flagship")
        if other is kind:
            assert new.version == old.version + 1
            assert new.content_hash != old.content_hash
        else:
            assert (new.version, new.content_hash) == (old.version, old.content_hash)


def test_the_hash_follows_content_not_comments(catalog: Catalog, tmp_path: Path) -> None:
    """A changed word is a new definition; a changed comment is not."""
    first = catalog.resolve(Kind.MYSTERY_SHOP, "flagship")
    item = next(iter(first.items.values()))
    reworded = _edited_catalog(tmp_path, lambda text: text.replace(
        f"{item.label.zh}", f"{item.label.zh}（改）", 1))
    assert reworded.resolve(Kind.MYSTERY_SHOP, "flagship").content_hash != first.content_hash
    commented = _edited_catalog(tmp_path, lambda text: "# edited by the office\n" + text)
    assert commented.resolve(Kind.MYSTERY_SHOP, "flagship").content_hash == first.content_hash


def test_intercept_survey(catalog: Catalog) -> None:
    """Issue 11: one record per customer, expectation and perception (1..7, each may be
    skipped) on the twelve dimensions of the domain brief, and an overall rating."""
    from app.programme.perception.settings import DIMENSIONS

    for tier in HALLS:
        rc = catalog.resolve(Kind.INTERCEPT, tier)
        expected = {f"{p}_{d}" for d in DIMENSIONS for p in ("e", "p")} | {"overall"}
        assert set(rc.items) == expected
        for item in rc.items.values():
            assert (item.type, item.min, item.max, item.required) == (ItemType.SCALE, 1, 7,
                                                                      False)
            assert CJK.search(item.label.zh) and item.label.en

