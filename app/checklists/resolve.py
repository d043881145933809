"""Turn the rulebook into the concrete checklist one visit uses: kind x tier (x phase).

A resolved checklist carries only the sections and items that apply to the tier, with every
weight already settled, and a content hash over all of it. It is what a draft stores and
keeps for life, so a later change to `checklists.yaml` never changes a visit in progress.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path

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

    def compute_hash(self) -> str:
        body = to_plain(self)
        body.pop("content_hash", None)
        canon = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()


class UnknownChecklist(LookupError):
    """No checklist of that kind covers that tier (or the tier/phase does not exist)."""


def resolve(
    source: ChecklistFile, kind: Kind | str, tier: str, phase: str | None = None
) -> ResolvedChecklist:
    kind = Kind(kind)
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
        items = [
            it.model_copy(
                update={
                    "weight": it.tier_weights.get(tier, _group_weight(source, it.tier_weights,
                                                                       tier, it.weight)),
                    "tiers": None,
                    "tier_weights": {},
                }
            )
            for it in sec.items
            if tier in source.expand_tiers(it.tiers)
        ]
        if not items:
            continue
        weight = sec.tier_weights.get(tier, _group_weight(source, sec.tier_weights, tier,
                                                          sec.weight))
        if phase is not None:
            weight *= sec.phase_factors.get(phase, 1.0)
        sections.append(
            ResolvedSection(
                id=sec.id, title=sec.title, description=sec.description, weight=weight,
                items=items,
            )
        )
    if not sections:
        raise UnknownChecklist(f"the {kind.value} checklist has no items for tier '{tier}'")
    resolved = ResolvedChecklist(
        id=checklist.id,
        kind=kind,
        version=checklist.version,
        tier=tier,
        phase=phase,
        title=checklist.title,
        description=checklist.description,
        sections=sections,
    )
    return resolved.model_copy(update={"content_hash": resolved.compute_hash()})


def _group_weight(source: ChecklistFile, weights: dict[str, float], tier: str,
                  default: float) -> float:
    """A weight given for a tier group (e.g. `halls`) applies to each of its tiers."""
    for name, w in weights.items():
        if tier in source.tier_groups.get(name, ()):
            return w
    return default


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

    @classmethod
    def from_file(cls, path: str | Path) -> Catalog:
        return cls(load_checklist_file(path))

    @property
    def tiers(self) -> dict[str, TierDef]:
        return self.source.tiers

    def resolve(self, kind: Kind | str, tier: str, phase: str | None = None) -> ResolvedChecklist:
        key = (Kind(kind), tier, phase)
        if key not in self._cache:
            self._cache[key] = resolve(self.source, kind, tier, phase)
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
