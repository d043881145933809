"""Cross-checks of a checklist file: the rules pydantic cannot see field by field (ids,
references between items, tiers and groups, phases, ordering, cycles)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.checklists.problems import PathPart, Problem, close_match, one_of, say
from app.checklists.schema import ChecklistFile, ItemType


def cross_check(model: ChecklistFile, name: str) -> Iterable[Problem]:
    """Rules pydantic cannot see field by field: ids, references, tiers, ordering."""
    tiers = set(model.tiers)
    tier_names = tiers | set(model.tier_groups)
    phases = set(model.phases)

    def bad_tier(path: tuple[PathPart, ...], tier: str) -> Problem:
        return Problem(
            name,
            path,
            say("unknown_tier", tier=tier),
            expected=one_of(sorted(tier_names)),
            suggestion=close_match(tier, tier_names),
        )

    for group, members in model.tier_groups.items():
        if group in tiers:
            yield Problem(name, ("tier_groups", group), say("group_is_tier", group=group))
        for i, t in enumerate(members):
            if t not in tiers:
                yield bad_tier(("tier_groups", group, i), t)
    if model.default_phase is not None and model.default_phase not in phases:
        yield Problem(
            name,
            ("default_phase",),
            say("unknown_phase", phase=model.default_phase),
            expected=one_of(sorted(phases)),
            suggestion=close_match(model.default_phase, phases),
        )

    seen_checklists: dict[str, int] = {}
    covered: dict[tuple[str, str], str] = {}
    for ci, cl in enumerate(model.checklists):
        cpath: tuple[PathPart, ...] = ("checklists", ci)
        if cl.id in seen_checklists:
            yield Problem(name, (*cpath, "id"), say("duplicate_checklist", id=cl.id))
        seen_checklists[cl.id] = ci
        for ti, t in enumerate(cl.tiers):
            if t not in tier_names:
                yield bad_tier((*cpath, "tiers", ti), t)
        cl_tiers = model.expand_tiers(cl.tiers) & tiers
        for t in sorted(cl_tiers):
            other = covered.get((cl.kind.value, t))
            if other is not None:
                yield Problem(
                    name,
                    (*cpath, "tiers"),
                    say("tier_taken", tier=t, kind=cl.kind.value, other=other),
                )
            covered[(cl.kind.value, t)] = cl.id

        section_ids: set[str] = set()
        bad_refs = False
        items_so_far: dict[str, tuple[int, int]] = {}
        item_by_id = {it.id: it for s in cl.sections for it in s.items}
        item_tiers: dict[str, set[str]] = {}
        for si, sec in enumerate(cl.sections):
            spath: tuple[PathPart, ...] = (*cpath, "sections", si)
            if sec.id in section_ids:
                yield Problem(name, (*spath, "id"), say("duplicate_section", id=sec.id))
            section_ids.add(sec.id)
            yield from _check_tier_refs(name, spath, sec.tiers, sec.tier_weights, tier_names,
                                        bad_tier, model.tier_groups)
            for key in sec.phase_factors:
                if key not in phases:
                    yield Problem(
                        name,
                        (*spath, "phase_factors", key),
                        say("unknown_phase", phase=key),
                        expected=one_of(sorted(phases)) if phases else
                        say("phase_declared"),
                        suggestion=close_match(key, phases),
                    )
            sec_tiers = model.expand_tiers(sec.tiers) & cl_tiers
            for ii, it in enumerate(sec.items):
                ipath: tuple[PathPart, ...] = (*spath, "items", ii)
                if it.id in items_so_far:
                    yield Problem(
                        name, (*ipath, "id"), say("duplicate_item", id=it.id, checklist=cl.id)
                    )
                yield from _check_tier_refs(name, ipath, it.tiers, it.tier_weights, tier_names,
                                            bad_tier, model.tier_groups)
                it_tiers = model.expand_tiers(it.tiers) & sec_tiers
                item_tiers[it.id] = it_tiers
                for ki, cond in enumerate(it.conditions):
                    kpath = (*ipath, "show_if", ki, "item")
                    ref = cond.item
                    if ref == it.id:
                        bad_refs = True
                        yield Problem(name, kpath, say("self_dependency", id=it.id))
                    elif ref not in item_by_id:
                        bad_refs = True
                        yield Problem(
                            name,
                            kpath,
                            say("unknown_ref", ref=ref),
                            expected=say("earlier_item"),
                            suggestion=close_match(ref, items_so_far),
                        )
                    elif ref not in items_so_far:
                        bad_refs = True
                        yield Problem(
                            name,
                            kpath,
                            say("forward_ref", ref=ref),
                        )
                    else:
                        target = item_by_id[ref]
                        missing = it_tiers - item_tiers.get(ref, set())
                        if missing:
                            yield Problem(
                                name,
                                kpath,
                                say("ref_tiers", ref=ref, tiers=", ".join(sorted(missing)),
                                    id=it.id),
                            )
                        yield from _check_condition_value(name, (*ipath, "show_if", ki), cond,
                                                          target)
                items_so_far[it.id] = (si, ii)
        refs_known = all(
            t in tier_names
            for s in cl.sections
            for t in [*(s.tiers or []), *(t for it in s.items for t in it.tiers or [])]
        )
        for t in sorted(cl_tiers) if refs_known else ():  # an unknown tier is reported above
            if not any(t in item_tiers.get(it.id, ()) for s in cl.sections for it in s.items):
                yield Problem(
                    name,
                    (*cpath, "tiers"),
                    say("tier_empty", checklist=cl.id, tier=t),
                    expected=say("tier_empty_expected"),
                )
        if not bad_refs:  # a self or forward reference is reported above, not twice
            yield from _check_cycles(name, cpath, cl)


def _check_tier_refs(name: str, path: tuple[PathPart, ...], tier_list: Sequence[str] | None,
                     tier_weights: Mapping[str, float], tier_names: set[str],
                     bad_tier: Callable[[tuple[PathPart, ...], str], Problem],
                     groups: Mapping[str, Sequence[str]]) -> Iterable[Problem]:
    for ti, t in enumerate(tier_list or []):
        if t not in tier_names:
            yield bad_tier((*path, "tiers", ti), t)
    for t in tier_weights:
        if t not in tier_names:
            yield bad_tier((*path, "tier_weights", t), t)
    # A tier's own weight wins over its group's; two groups claiming one tier is ambiguous.
    claimed: dict[str, str] = {}
    for key in tier_weights:
        for tier in groups.get(key, ()):
            if tier in claimed and tier not in tier_weights:
                yield Problem(
                    name, (*path, "tier_weights", key),
                    say("weight_twice", tier=tier, first=claimed[tier], second=key),
                    expected=say("weight_twice_expected", tier=tier),
                )
            claimed.setdefault(tier, key)


def _check_condition_value(name: str, path: tuple[PathPart, ...], cond: Any,
                           target: Any) -> Iterable[Problem]:
    values = [cond.equals] if cond.equals is not None else list(cond.in_ or [])
    if cond.fails is not None and not target.can_fail:
        yield Problem(name, (*path, "fails"), say("cannot_fail", id=target.id))
    for v in values:
        if target.type is ItemType.CHOICE:
            ids = {o.id for o in target.options or []}
            if v not in ids:
                yield Problem(
                    name,
                    path,
                    say("not_an_option", value=v, id=target.id),
                    expected=one_of(sorted(ids)),
                    suggestion=close_match(str(v), ids),
                )
        elif target.type is ItemType.YES_NO and not isinstance(v, bool) and v != "na":
            yield Problem(name, path, say("not_yes_no", value=v),
                          expected=say("yes_no_na"))


def _check_cycles(name: str, cpath: tuple[PathPart, ...], cl: Any) -> Iterable[Problem]:
    """Ordering already forbids forward references; this catches any cycle outright."""
    deps = {it.id: [c.item for c in it.conditions] for s in cl.sections for it in s.items}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in deps.get(node, []):
            if nxt not in deps:
                continue
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if state.get(nxt) is None:
                found = visit(nxt, [*trail, node])
                if found:
                    return found
        state[node] = 2
        return None

    for node in deps:
        if state.get(node) is None:
            cycle = visit(node, [])
            if cycle:
                start = cycle.index(cycle[-1])
                loop = " -> ".join(cycle[start:])
                yield Problem(name, (*cpath, "sections"),
                              say("cycle", loop=loop))
                return
