"""Error location: turn YAML, encoding and pydantic errors into problems with the file's line
and column and a did-you-mean, the way an author can act on them.

This is the slow path: it composes the YAML node tree again, and runs only when the fast
reader (`reader`) or the validation found something wrong.
"""

from __future__ import annotations

import reprlib
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from app.checklists.problems import PathPart, Problem, close_match, one_of, say
from app.checklists.schema import ChecklistFile


def duplicate_key_problems(
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
            say("key_twice", key=again.value, line=first.start_mark.line + 1),
            line=mark.line + 1,
            column=mark.column + 1,
        ))
    return out


def yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    cmark = getattr(exc, "context_mark", None)
    if context and cmark is not None and mark is not None and cmark.line != mark.line:
        context += say("context_at", line=cmark.line + 1, column=cmark.column + 1)
    # (the YAML parser's own words stay as it says them, inside ours)
    msg = say("not_yaml_context", problem=problem, context=context) if context else \
        say("not_yaml", problem=problem)
    if mark is None:
        return Problem(name, (), msg)
    return Problem(name, (), msg, line=mark.line + 1, column=mark.column + 1)


_FRIENDLY = {  # pydantic's error types -> our messages (checklists.problem.*)
    "missing": "required_field",
    "extra_forbidden": "unknown_key_bare",
}


def encoding_problem(name: str, path: Path, exc: UnicodeDecodeError) -> Problem:
    """Point at the first byte that is not UTF-8, as a line and column an editor shows."""
    before = path.read_bytes()[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    bad = " ".join(f"0x{b:02x}" for b in exc.object[exc.start : exc.end])
    return Problem(
        name, (), say("not_utf8", bad=bad), line, column,
        expected=say("utf8_expected"),
    )


_SHORT = reprlib.Repr()
_SHORT.maxstring = 40
_SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2

_UNION_NAMES = {"bool": "type_bool", "int": "type_int", "float": "type_float",
                "str": "type_str"}


def pydantic_problems(name: str, errors: list[Any]) -> list[Problem]:
    """One problem per spot: the members of a union (`bool | float | str`) fail together."""
    by_loc: dict[tuple[PathPart, ...], list[tuple[Any, str | None]]] = {}
    for err in errors:
        loc, tag = _clean_loc(err["loc"])
        by_loc.setdefault(loc, []).append((err, tag))
    out = []
    for loc, group in by_loc.items():
        tags = [tag for _, tag in group if tag]
        if len(tags) > 1 and len(tags) == len(group):
            names = [say(_UNION_NAMES[t]) if t in _UNION_NAMES else t for t in tags]
            expected = say("either", names=", ".join(names[:-1]), last=names[-1])
            msg = say("not_allowed", value=_SHORT.repr(group[0][0].get("input")))
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
    msg = say(_FRIENDLY[kind]) if kind in _FRIENDLY else err["msg"]
    expected = None
    suggestion = None
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden" and loc and isinstance(loc[-1], str):
        msg = say("unknown_key", key=loc[-1])
        fields = _fields_at(loc[:-1])
        if fields:
            expected = one_of(sorted(fields))
            suggestion = close_match(loc[-1], fields)
    elif kind == "missing" and loc:
        msg = say("required", key=loc[-1])
    elif kind in ("enum", "literal_error") and "expected" in ctx:
        expected = str(ctx["expected"])
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        given = err.get("input")
        if isinstance(given, str):
            suggestion = close_match(given, options)
        msg = say("not_allowed", value=f"'{given}'")
    elif kind == "value_error":
        msg = str(ctx.get("error", msg))
    elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("zh", "en"):
        msg = say("blank")
        expected = say("blank_expected")
    elif kind == "string_pattern_mismatch":
        msg = say("bad_id", value=err.get("input"))
        expected = say("bad_id_expected")
    elif kind in _LIMITS and "input" in err and _LIMITS[kind] in ctx:
        limit = ctx[_LIMITS[kind]]
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # as pydantic writes it: "greater than 0"
        msg = say("got", what=say(f"limit_{kind}", limit=limit),
                  value=_SHORT.repr(err["input"]))
    elif "input" in err and (kind.endswith(("_type", "_parsing")) or kind in _CONSTRAINTS):
        msg = say("got", what=_lower_first(err["msg"]), value=_SHORT.repr(err["input"]))
    return Problem(name, loc, msg, expected=expected, suggestion=suggestion)


# the numeric limits, in our words (their English is pydantic's own)
_LIMITS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt",
           "less_than_equal": "le"}
_CONSTRAINTS = {
    "greater_than", "greater_than_equal", "less_than", "less_than_equal", "too_short",
    "too_long", "string_too_short", "string_too_long",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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


def locate(
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
