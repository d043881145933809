"""Read `checklists.yaml` and explain every problem in it the way an author can act on.

The fast path is PyYAML's C parser (with a leaner constructor, see _KeyCheckingLoader) plus
pydantic validation, with the cyclic garbage collector paused meanwhile. Only when something
is wrong do we compose the YAML node tree a second time, to turn each error's field path
into the file's line and column and to suggest what a misspelt key or id probably meant.
"""

from __future__ import annotations

import difflib
import gc
import reprlib
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from app.checklists.schema import ChecklistFile, ItemType

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathPart = str | int


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_SCALARS = {f"tag:yaml.org,2002:{t}" for t in
                  ("null", "bool", "int", "float", "timestamp", "binary")}


class _NotPlain(Exception):
    """The document uses something the fast path leaves to PyYAML (merge keys, !!set...)."""


class _KeyCheckingLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader, noting every key given twice in one mapping (YAML keeps the last
    silently, so a second `weight:` would quietly win).

    It is also quicker than the stock loader on a rulebook, which is thousands of small
    mappings of plain scalars: each distinct scalar's tag is resolved once (not by regex on
    every occurrence), and plain maps, lists and scalars are built directly instead of
    through PyYAML's generator-based constructor. Anything else (merge keys `<<`, explicit
    collection tags, unknown tags) goes the stock way, so the result is always what
    `yaml.load(text, Loader=CSafeLoader)` gives, errors included.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[yaml.Node, yaml.Node]] = []  # (first, again)
        self._tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:  # the tag depends only on the text (no path resolvers)
            key = (value, implicit)
            tag = self._tags.get(key)
            if tag is None:
                tag = self._tags[key] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return self._plain(node, {})
        except _NotPlain:
            self.duplicate_keys.clear()
            return super().construct_document(node)

    def _plain(self, node: yaml.Node, made: dict[int, Any]) -> Any:
        cls, tag = node.__class__, node.tag
        if cls is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _PLAIN_SCALARS:
                return self.yaml_constructors[tag](self, node)
            raise _NotPlain
        done = made.get(id(node))  # an alias: the same object, as PyYAML makes it
        if done is not None:
            return done
        if cls is yaml.MappingNode and tag == _MAP:
            out: dict[Any, Any] = {}
            made[id(node)] = out
            seen: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if key.__class__ is not yaml.ScalarNode or key.tag == _MERGE:
                    raise _NotPlain
                first = seen.setdefault(key.value, key)
                if first is not key:
                    self.duplicate_keys.append((first, key))
                out[self._plain(key, made)] = self._plain(value, made)
            return out
        if cls is yaml.SequenceNode and tag == _SEQ:
            seq: list[Any] = []
            made[id(node)] = seq
            seq.extend(self._plain(value, made) for value in node.value)
            return seq
        raise _NotPlain

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if len(node.value) > 1:
            seen: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE:
                    first = seen.setdefault(key.value, key)
                    if first is not key:
                        self.duplicate_keys.append((first, key))
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checklist file, located and explained."""

    file: str
    path: tuple[PathPart, ...]
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    expected: str | None = None
    suggestion: str | None = None

    @property
    def dotted_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(top level)"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        text = f"{where}: {self.dotted_path}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text


@dataclass
class ChecklistFileError(Exception):
    """The file cannot be used; `problems` lists everything found, in file order."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.file}: {n} problem{'s' if n != 1 else ''} in the checklist file"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def load_checklist_file(path: str | Path) -> ChecklistFile:
    """Parse and validate a checklist file; raise ChecklistFileError with every problem."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChecklistFileError(name, [Problem(name, (), "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ChecklistFileError(name, [_encoding_problem(name, path, exc)]) from None
    except OSError as exc:
        msg = f"cannot read the file ({exc.__class__.__name__}: {exc})"
        raise ChecklistFileError(name, [Problem(name, (), msg)]) from None
    return parse_checklist_text(text, name)


def parse_checklist_text(text: str, name: str = "<checklists>") -> ChecklistFile:
    """Like load_checklist_file, for text already in memory."""
    with _gc_paused():
        return _parse(text, name)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building a large tree of dicts and lists makes the cyclic garbage collector run
    again and again over objects that are all still in use (a third of the load time of
    a big file). None of them form cycles: pause it while the file is read and leave
    what garbage there is to its next regular run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str, name: str) -> ChecklistFile:
    loader = _KeyCheckingLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ChecklistFileError(name, [_yaml_problem(name, exc)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        msg = "the file must be a mapping with schema_version, tiers and checklists"
        raise ChecklistFileError(name, [Problem(name, (), msg, line=1, column=1)])
    doubled = _duplicate_key_problems(name, text, loader.duplicate_keys)
    try:
        model = ChecklistFile.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(name, exc.errors())
        raise ChecklistFileError(name, _locate(text, problems, doubled)) from None
    problems = list(cross_check(model, name))
    if problems or doubled:
        raise ChecklistFileError(name, _locate(text, problems, doubled))
    return model


def _duplicate_key_problems(
    name: str, text: str, pairs: list[tuple[yaml.Node, yaml.Node]]
) -> list[Problem]:
    """Located problems for keys given twice; the path is found on the composed tree."""
    if not pairs:
        return []
    paths: dict[tuple[int, int], tuple[PathPart, ...]] = {}

    def walk(node: yaml.Node, path: tuple[PathPart, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                paths.setdefault((key.start_mark.line, key.start_mark.column), here)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, (*path, i))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    out = []
    for first, again in pairs:
        mark = again.start_mark
        out.append(Problem(
            name,
            paths.get((mark.line, mark.column), ()),
            f"key '{again.value}' is given twice in this mapping (first on line "
            f"{first.start_mark.line + 1}); the second would silently replace the first",
            line=mark.line + 1,
            column=mark.column + 1,
        ))
    return out


# --- cross-checks that span the file -------------------------------------------------


def cross_check(model: ChecklistFile, name: str) -> Iterable[Problem]:
    """Rules pydantic cannot see field by field: ids, references, tiers, ordering."""
    tiers = set(model.tiers)
    tier_names = tiers | set(model.tier_groups)
    phases = set(model.phases)

    def bad_tier(path: tuple[PathPart, ...], tier: str) -> Problem:
        return Problem(
            name,
            path,
            f"unknown tier '{tier}'",
            expected="one of " + ", ".join(sorted(tier_names)),
            suggestion=_close(tier, tier_names),
        )

    for group, members in model.tier_groups.items():
        if group in tiers:
            yield Problem(name, ("tier_groups", group), f"'{group}' is already a tier name")
        for i, t in enumerate(members):
            if t not in tiers:
                yield bad_tier(("tier_groups", group, i), t)
    if model.default_phase is not None and model.default_phase not in phases:
        yield Problem(
            name,
            ("default_phase",),
            f"unknown phase '{model.default_phase}'",
            expected="one of " + ", ".join(sorted(phases)),
            suggestion=_close(model.default_phase, phases),
        )

    seen_checklists: dict[str, int] = {}
    covered: dict[tuple[str, str], str] = {}
    for ci, cl in enumerate(model.checklists):
        cpath: tuple[PathPart, ...] = ("checklists", ci)
        if cl.id in seen_checklists:
            yield Problem(name, (*cpath, "id"), f"duplicate checklist id '{cl.id}'")
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
                    f"tier '{t}' already has a {cl.kind.value} checklist ('{other}'); "
                    "a kind and tier must resolve to exactly one checklist",
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
                yield Problem(name, (*spath, "id"), f"duplicate section id '{sec.id}'")
            section_ids.add(sec.id)
            yield from _check_tier_refs(name, spath, sec.tiers, sec.tier_weights, tier_names,
                                        bad_tier, model.tier_groups)
            for key in sec.phase_factors:
                if key not in phases:
                    yield Problem(
                        name,
                        (*spath, "phase_factors", key),
                        f"unknown phase '{key}'",
                        expected="one of " + ", ".join(sorted(phases)) if phases else
                        "a phase declared under 'phases'",
                        suggestion=_close(key, phases),
                    )
            sec_tiers = model.expand_tiers(sec.tiers) & cl_tiers
            for ii, it in enumerate(sec.items):
                ipath: tuple[PathPart, ...] = (*spath, "items", ii)
                if it.id in items_so_far:
                    yield Problem(
                        name, (*ipath, "id"), f"duplicate item id '{it.id}' in checklist '{cl.id}'"
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
                        yield Problem(name, kpath, f"item '{it.id}' cannot depend on itself")
                    elif ref not in item_by_id:
                        bad_refs = True
                        yield Problem(
                            name,
                            kpath,
                            f"show_if refers to unknown item '{ref}'",
                            expected="the id of an earlier item in this checklist",
                            suggestion=_close(ref, items_so_far),
                        )
                    elif ref not in items_so_far:
                        bad_refs = True
                        yield Problem(
                            name,
                            kpath,
                            f"show_if refers to '{ref}', which comes later in the checklist; "
                            "a condition may only look at earlier answers",
                        )
                    else:
                        target = item_by_id[ref]
                        missing = it_tiers - item_tiers.get(ref, set())
                        if missing:
                            yield Problem(
                                name,
                                kpath,
                                f"show_if refers to '{ref}', which does not apply to tier(s) "
                                f"{', '.join(sorted(missing))} where '{it.id}' applies",
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
                    f"checklist '{cl.id}' lists tier '{t}' but none of its items applies to it",
                    expected="at least one section and item whose tiers include it",
                )
        if not bad_refs:  # a self or forward reference is reported above, not twice
            yield from _check_cycles(name, cpath, cl)


def _check_tier_refs(name, path, tier_list, tier_weights, tier_names, bad_tier,  # type: ignore[no-untyped-def]
                     groups):
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
                    f"tier '{tier}' gets a weight from both '{claimed[tier]}' and '{key}'",
                    expected=f"groups that do not overlap, or a weight for '{tier}' itself",
                )
            claimed.setdefault(tier, key)


def _check_condition_value(name: str, path: tuple[PathPart, ...], cond: Any, target: Any):  # type: ignore[no-untyped-def]
    values = [cond.equals] if cond.equals is not None else list(cond.in_ or [])
    if cond.fails is not None and not target.can_fail:
        yield Problem(name, (*path, "fails"), f"item '{target.id}' cannot fail")
    for v in values:
        if target.type is ItemType.CHOICE:
            ids = {o.id for o in target.options or []}
            if v not in ids:
                yield Problem(
                    name,
                    path,
                    f"'{v}' is not an option of '{target.id}'",
                    expected="one of " + ", ".join(sorted(ids)),
                    suggestion=_close(str(v), ids),
                )
        elif target.type is ItemType.YES_NO and not isinstance(v, bool) and v != "na":
            yield Problem(name, path, f"'{v}' is not a yes/no answer", expected="yes, no or na")


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
                              f"show_if conditions form a cycle: {loop}")
                return


# --- turning errors into located, explained problems ---------------------------------


def _yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    cmark = getattr(exc, "context_mark", None)
    if context and cmark is not None and mark is not None and cmark.line != mark.line:
        context += f" that starts at line {cmark.line + 1}, column {cmark.column + 1}"
    msg = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return Problem(name, (), msg)
    return Problem(name, (), msg, line=mark.line + 1, column=mark.column + 1)


_FRIENDLY = {
    "missing": "this field is required",
    "extra_forbidden": "unknown key",
}


def _encoding_problem(name: str, path: Path, exc: UnicodeDecodeError) -> Problem:
    """Point at the first byte that is not UTF-8, as a line and column an editor shows."""
    before = path.read_bytes()[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    bad = " ".join(f"0x{b:02x}" for b in exc.object[exc.start : exc.end])
    return Problem(
        name, (), f"the file is not UTF-8 text (byte {bad} cannot be decoded)", line, column,
        expected="a file saved as UTF-8",
    )


_SHORT = reprlib.Repr()
_SHORT.maxstring = 40
_SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2

_UNION_NAMES = {"bool": "yes/no", "int": "a whole number", "float": "a number", "str": "a text"}


def _pydantic_problems(name: str, errors: list[Any]) -> list[Problem]:
    """One problem per spot: the members of a union (`bool | float | str`) fail together."""
    by_loc: dict[tuple[PathPart, ...], list[tuple[Any, str | None]]] = {}
    for err in errors:
        loc, tag = _clean_loc(err["loc"])
        by_loc.setdefault(loc, []).append((err, tag))
    out = []
    for loc, group in by_loc.items():
        tags = [tag for _, tag in group if tag]
        if len(tags) > 1 and len(tags) == len(group):
            names = [_UNION_NAMES.get(t, t) for t in tags]
            expected = ", ".join(names[:-1]) + " or " + names[-1]
            msg = f"{_SHORT.repr(group[0][0].get('input'))} is not allowed here"
            out.append(Problem(name, loc, msg, expected=expected))
        else:
            out.extend(_pydantic_problem(name, {**err, "loc": loc}) for err, _ in group)
    return out


def _clean_loc(raw: Sequence[Any]) -> tuple[tuple[PathPart, ...], str | None]:
    """Drop pydantic's own markers from an error location: union member tags and `[key]`.

    Returns the path into the file and the union member tag, if there was one.
    """
    loc: list[PathPart] = []
    tag = None
    tp: Any = ChecklistFile
    for part in raw:
        if not isinstance(part, (str, int)) or part == "[key]":
            continue
        members = _union_members(tp)
        if len(members) > 1 and isinstance(part, str):
            tag, tp = part, Any  # e.g. 'bool' in ('show_if', 0, 'equals', 'bool')
            continue
        loc.append(part)
        tp = _step(tp, part)
    return tuple(loc), tag


def _union_members(tp: Any) -> list[Any]:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return [tp]


def _step(tp: Any, part: PathPart) -> Any:
    """The type one step down a path (a field, a list element or a dict value)."""
    tp = _unwrap(tp)
    if isinstance(part, int):
        args = typing.get_args(tp)
        return args[0] if args and typing.get_origin(tp) is list else Any
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        fld = next((f for n, f in tp.model_fields.items() if (f.alias or n) == part), None)
        return fld.annotation if fld else Any
    if typing.get_origin(tp) is dict:
        return typing.get_args(tp)[1]
    return Any


def _pydantic_problem(name: str, err: Any) -> Problem:
    loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    kind = err["type"]
    msg = _FRIENDLY.get(kind, err["msg"])
    expected = None
    suggestion = None
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden" and loc and isinstance(loc[-1], str):
        msg = f"unknown key '{loc[-1]}'"
        fields = _fields_at(loc[:-1])
        if fields:
            expected = "one of " + ", ".join(sorted(fields))
            suggestion = _close(loc[-1], fields)
    elif kind == "missing" and loc:
        msg = f"'{loc[-1]}' is required here"
    elif kind in ("enum", "literal_error") and "expected" in ctx:
        expected = str(ctx["expected"])
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        given = err.get("input")
        if isinstance(given, str):
            suggestion = _close(given, options)
        msg = f"'{given}' is not allowed here"
    elif kind == "value_error":
        msg = str(ctx.get("error", msg))
    elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("zh", "en"):
        msg = "the text is blank"
        expected = "words a user can read"
    elif kind == "string_pattern_mismatch":
        msg = f"'{err.get('input')}' is not a valid id"
        expected = "lower-case letters, digits and _ , starting with a letter"
    elif "input" in err and (kind.endswith(("_type", "_parsing")) or kind in _CONSTRAINTS):
        msg = f"{_lower_first(err['msg'])}, got {_SHORT.repr(err['input'])}"
    return Problem(name, loc, msg, expected=expected, suggestion=suggestion)


_CONSTRAINTS = {
    "greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short",
    "too_long", "string_too_short", "string_too_long",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _close(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _fields_at(loc: Sequence[PathPart]) -> set[str]:
    """The keys the model at `loc` accepts, found by walking the schema's type hints."""
    tp: Any = ChecklistFile
    for part in loc:
        tp = _step(tp, part)
        if tp is Any:
            return set()
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {f.alias or n for n, f in tp.model_fields.items()}
    return set()


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional so the walk sees the container or model underneath."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            non_none = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in non_none if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else non_none[0]
        else:
            return tp


def _locate(
    text: str, problems: list[Problem], located: Sequence[Problem] = ()
) -> list[Problem]:
    """Give each problem the line and column of the node its path points at; merge them in
    file order with problems that are `located` already."""
    located = list(located)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - the text parsed a moment ago
        return [*problems, *located]
    for p in problems:
        node = _node_at(root, p.path)
        if node is None:
            located.append(p)
            continue
        mark = node.start_mark
        located.append(
            Problem(p.file, p.path, p.message, mark.line + 1, mark.column + 1, p.expected,
                    p.suggestion)
        )
    return sorted(located, key=lambda q: (q.line or 0, q.column or 0))


def _node_at(root: yaml.Node | None, path: Sequence[PathPart]) -> yaml.Node | None:
    node = root
    for i, part in enumerate(path):
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if str(key.value) == part:
                    # an unknown key is best pointed at by the key itself
                    node = key if i == len(path) - 1 else value
                    break
            else:
                return node  # a missing key: point at the mapping that lacks it
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        elif isinstance(part, int):
            continue  # e.g. a single show_if mapping accepted in place of a list
        else:
            return node
    return node
