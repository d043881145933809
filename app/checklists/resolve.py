"""Turn the rulebook into the concrete checklist one visit uses: kind x tier (x phase).

A resolved checklist carries only the sections and items that apply to the tier, with every
weight already settled, and a content hash over all of it. It is what a draft stores and
keeps for life, so a later change to `checklists.yaml` never changes a visit in progress.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.checklists.loader import load_checklist_file
from app.checklists.schema import (
    Checklist,
    ChecklistFile,
    Item,
    Kind,
    Text,
    TierDef,
    to_plain,
)


class ResolvedSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: Text
    description: Text | None = None
    weight: float
    items: list[Item]


class ResolvedChecklist(BaseModel):
    """One checklist for one tier: what the inspector sees and what the score is made of."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Kind
    version: int
    tier: str
    phase: str | None = None
    title: Text
    description: Text | None = None
    sections: list[ResolvedSection]
    content_hash: str = ""

    @cached_property
    def items(self) -> dict[str, Item]:
        """Every item by id, in checklist order."""
        return {it.id: it for s in self.sections for it in s.items}

    @cached_property
    def section_of(self) -> dict[str, str]:
        return {it.id: s.id for s in self.sections for it in s.items}

    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def compute_hash(self, item_texts: dict[int, str] | None = None) -> str:
        """sha256 of the canonical JSON (sorted keys, no defaults noise) of everything here.

        `item_texts` (optional) caches each item's canonical text by id(item) across the
        resolutions of one file (see Catalog); the caller keeps those items alive.
        """
        return hashlib.sha256(self.canonical_json(item_texts).encode("utf-8")).hexdigest()

    def canonical_json(self, item_texts: dict[int, str] | None = None) -> str:
        """The text the hash is taken over: `_canon(to_plain(self))` minus content_hash.

        Built section by section from each item's text, so that resolving every tier of a
        file dumps an item shared by several tiers only once (with `item_texts`). The text
        is exactly that of the one-piece dump.
        """
        texts = {} if item_texts is None else item_texts
        body = self.model_dump(mode="json", by_alias=True, exclude_none=True,
                               exclude={"content_hash", "sections"})
        sections = []
        for sec in self.sections:
            head = sec.model_dump(mode="json", by_alias=True, exclude_none=True,
                                  exclude={"items"})
            items = "[" + ",".join(_item_json(it, texts) for it in sec.items) + "]"
            sections.append(_fill(head, "items", items))
        return _fill(body, "sections", "[" + ",".join(sections) + "]")

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> ResolvedChecklist:
        """A copy whose `items`/`section_of` are worked out afresh (they may have changed)."""
        copy = super().model_copy(update=update, deep=deep)
        for name in ("items", "section_of"):
            copy.__dict__.pop(name, None)
        return copy


_HOLE = "\x00hole\x00"
_HOLE_JSON = json.dumps(_HOLE)


def _canon(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _fill(head: dict[str, Any], key: str, text: str) -> str:
    """`_canon({**head, key: value})` where `text` is already `_canon(value)`."""
    out = _canon({**head, key: _HOLE})
    if out.count(_HOLE_JSON) != 1:  # a text in the file holds the marker itself: go slowly
        return _canon({**head, key: json.loads(text)})
    return out.replace(_HOLE_JSON, text, 1)


def _item_json(item: Item, texts: dict[int, str]) -> str:
    text = texts.get(id(item))
    if text is None:
        text = texts[id(item)] = _canon(to_plain(item))
    return text


class UnknownChecklist(LookupError):
    """No checklist of that kind covers that tier (or the tier/phase does not exist)."""


def resolve(
    source: ChecklistFile, kind: Kind | str, tier: str, phase: str | None = None
) -> ResolvedChecklist:
    return _resolve(source, kind, tier, phase, _Shared())


class _Shared:
    """What the resolutions of one file share: tier-specific item copies (see _item_for)
    and each item's canonical text for the hash, both keyed by id(item). Whoever holds it
    holds the source too (a Catalog), so those ids stay valid; nothing here is global, so
    nothing outlives the file it came from."""

    def __init__(self) -> None:
        self.copies: dict[tuple[int, float], Item] = {}
        self.texts: dict[int, str] = {}


def _resolve(
    source: ChecklistFile,
    kind: Kind | str,
    tier: str,
    phase: str | None,
    shared: _Shared,
) -> ResolvedChecklist:
    """resolve(), sharing item copies and texts with the file's other resolutions."""
    kind = _kind(kind)
    if tier not in source.tiers:
        raise UnknownChecklist(f"unknown tier '{tier}'")
    phase = phase or source.default_phase
    if phase is not None and phase not in source.phases:
        raise UnknownChecklist(f"unknown phase '{phase}'")
    checklist = _checklist_for(source, kind, tier)
    sections: list[ResolvedSection] = []
    for sec in checklist.sections:
        if tier not in source.expand_tiers(sec.tiers):
            continue
        items = [_item_for(source, it, tier, shared.copies) for it in sec.items
                 if it.tiers is None or tier in source.expand_tiers(it.tiers)]
        if not items:
            continue
        weight = sec.tier_weights.get(tier, _group_weight(source, sec.tier_weights, tier,
                                                          sec.weight))
        if phase is not None:
            weight *= sec.phase_factors.get(phase, 1.0)
        sections.append(
            # model_construct: every part was validated when the file was loaded (validating
            # again would re-run each item's checks once per tier)
            ResolvedSection.model_construct(
                id=sec.id, title=sec.title, description=sec.description, weight=float(weight),
                items=items,
            )
        )
    if not sections:
        raise UnknownChecklist(f"the {kind.value} checklist has no items for tier '{tier}'")
    resolved = ResolvedChecklist.model_construct(
        id=checklist.id,
        kind=kind,
        version=checklist.version,
        tier=tier,
        phase=phase,
        title=checklist.title,
        description=checklist.description,
        sections=sections,
    )
    return resolved.model_copy(update={"content_hash": resolved.compute_hash(shared.texts)})


def _item_for(source: ChecklistFile, it: Item, tier: str,
              copies: dict[tuple[int, float], Item]) -> Item:
    """The item as this tier sees it: weight settled, tier lists gone.

    Items are frozen, so one that has nothing tier-specific is shared, not copied, and the
    tiers that see the same weight share one copy (kept in `copies`, which must live no
    longer than `source`: it is keyed by the id of the source item).
    """
    if it.tiers is None and not it.tier_weights:
        return it
    weight = it.tier_weights.get(tier, _group_weight(source, it.tier_weights, tier, it.weight))
    key = (id(it), weight)
    copy = copies.get(key)
    if copy is None:
        copy = copies[key] = it.model_copy(
            update={"weight": weight, "tiers": None, "tier_weights": {}})
    return copy


def _group_weight(source: ChecklistFile, weights: dict[str, float], tier: str,
                  default: float) -> float:
    """A weight given for a tier group (e.g. `halls`) applies to each of its tiers."""
    for name, w in weights.items():
        if tier in source.tier_groups.get(name, ()):
            return w
    return default


def _kind(kind: Kind | str) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        raise UnknownChecklist(f"unknown checklist kind '{kind}'") from None


def _checklist_for(source: ChecklistFile, kind: Kind, tier: str) -> Checklist:
    for cl in source.checklists:
        if cl.kind is kind and tier in source.expand_tiers(cl.tiers):
            return cl
    raise UnknownChecklist(f"no {kind.value} checklist covers tier '{tier}'")


class Catalog:
    """The loaded rulebook with resolution cached per (kind, tier, phase)."""

    def __init__(self, source: ChecklistFile) -> None:
        self.source = source
        self._cache: dict[tuple[Kind, str, str | None], ResolvedChecklist] = {}
        self._shared = _Shared()

    @classmethod
    def from_file(cls, path: str | Path) -> Catalog:
        return cls(load_checklist_file(path))

    @property
    def tiers(self) -> dict[str, TierDef]:
        return self.source.tiers

    def resolve(self, kind: Kind | str, tier: str, phase: str | None = None) -> ResolvedChecklist:
        key = (_kind(kind), tier, phase)
        if key not in self._cache:
            self._cache[key] = _resolve(self.source, kind, tier, phase, self._shared)
        return self._cache[key]

    def combinations(self) -> list[tuple[Kind, str]]:
        """Every (kind, tier) that has a checklist, in file order."""
        out = []
        for cl in self.source.checklists:
            for tier in self.source.tiers:
                if tier in self.source.expand_tiers(cl.tiers):
                    out.append((cl.kind, tier))
        return out

    def kinds_for(self, tier: str) -> list[Kind]:
        return [k for k, t in self.combinations() if t == tier]


def default_checklists_path() -> Path:
    """The `checklists.yaml` shipped with the app (repo root, or bundled beside `app/`)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "checklists.yaml", here.parents[1] / "checklists.yaml"):
        if candidate.exists():
            return candidate
    return here.parents[2] / "checklists.yaml"
