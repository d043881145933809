"""Problems in a YAML rule file, the way the person editing it can act on them: the file's
line and column, the dotted path of the key, what is wrong in their language, and a
did-you-mean for a misspelt key or value.

Generic on purpose: nothing here knows programme.yaml. It takes the pydantic model the file
is validated against and turns YAML, encoding and validation errors into `Problem`s. The
checklists package has its own copy of this machinery (English-only, tuned for a large
file); the programme may import nothing of ours but i18n and errors, so it cannot share
that one. See docs/programme.md for where a shared helper would live.
"""

from __future__ import annotations

import difflib
import reprlib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from app.errors import UserError
from app.i18n import t

PathPart = str | int

try:  # the C loader is faster; the pure-Python one gives the same result
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule file: where, a message key with its parameters, and the
    key or value the author most likely meant."""

    file: str
    path: tuple[PathPart, ...]
    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    suggestion: str | None = None

    @property
    def dotted_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def message(self, lang: str | None = None) -> str:
        """What is wrong, without the location."""
        text = t(self.key, lang, **self.params)
        if self.suggestion:
            text += t("programme.rules.did_you_mean", lang, suggestion=self.suggestion)
        return text

    def text(self, lang: str | None = None) -> str:
        """`file:line:column: path: message`, as editors and CI logs link it."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        path = self.dotted_path or t("programme.rules.top_level", lang)
        return f"{where}: {path}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.text()

    def at(self, line: int, column: int) -> Problem:
        return Problem(self.file, self.path, self.key, self.params, line, column,
                       self.suggestion)


class RuleFileError(UserError):
    """The file cannot be used; `problems` lists everything found, in file order."""

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        super().__init__("programme.rules.failed", file=file, count=len(problems))
        self.file = file
        self.problems = list(problems)

    def message(self, lang: str | None = None) -> str:
        head = t("programme.rules.failed", lang, file=self.file, count=len(self.problems))
        return "\n".join([head, *(f"  {p.text(lang)}" for p in self.problems)])


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt `word` most likely meant, or None."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


# --- reading --------------------------------------------------------------------------------


class _Loader(_Base):
    """The safe loader, noting every key given twice in one mapping (YAML silently keeps the
    last, so a second `factor:` would quietly win)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.doubled: list[tuple[yaml.Node, yaml.Node]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Node] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                first = seen.setdefault(key.value, key)
                if first is not key:
                    self.doubled.append((first, key))
        return super().construct_mapping(node, deep=deep)


def read_text(path: Path) -> str:
    """The file's text, or RuleFileError (missing, unreadable, not UTF-8: located)."""
    name = str(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(name, [Problem(name, (), "programme.rules.not_found")]) from None
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()[: exc.start]
        line = raw.count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        bad = " ".join(f"0x{b:02x}" for b in exc.object[exc.start: exc.end])
        raise RuleFileError(name, [Problem(name, (), "programme.rules.not_utf8", {"bytes": bad},
                                           line, column)]) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise RuleFileError(name, [Problem(name, (), "programme.rules.unreadable",
                                           {"reason": reason})]) from None


def read_yaml(text: str, name: str) -> tuple[Any, list[Problem]]:
    """The document and the problems of keys given twice; RuleFileError when it is not YAML."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise RuleFileError(name, [_yaml_problem(name, exc)]) from None
    finally:
        loader.dispose()
    doubled = [
        Problem(name, (), "programme.rules.key_twice",
                {"key": str(again.value), "first_line": first.start_mark.line + 1},
                again.start_mark.line + 1, again.start_mark.column + 1)
        for first, again in loader.doubled
    ]
    return data, doubled


def _yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    detail = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context:
        detail = f"{detail} ({context})"
    if mark is None:
        return Problem(name, (), "programme.rules.not_yaml", {"detail": detail})
    return Problem(name, (), "programme.rules.not_yaml", {"detail": detail},
                   mark.line + 1, mark.column + 1)


# --- validation errors -> problems ----------------------------------------------------------

_SHORT = reprlib.Repr()
_SHORT.maxstring = 40
_SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2

# pydantic error types -> message keys (the parameters come from the error's context)
_BY_TYPE = {
    "int_type": "programme.rules.not_whole_number",
    "int_parsing": "programme.rules.not_whole_number",
    "int_from_float": "programme.rules.not_whole_number",
    "float_type": "programme.rules.not_number",
    "float_parsing": "programme.rules.not_number",
    "decimal_type": "programme.rules.not_number",
    "decimal_parsing": "programme.rules.not_number",
    "finite_number": "programme.rules.not_number",
    "bool_type": "programme.rules.not_yes_no",
    "bool_parsing": "programme.rules.not_yes_no",
    "string_type": "programme.rules.not_text",
    "date_type": "programme.rules.not_date",
    "date_parsing": "programme.rules.not_date",
    "date_from_datetime_parsing": "programme.rules.not_date",
    "date_from_datetime_inexact": "programme.rules.not_date",
    "dict_type": "programme.rules.not_mapping",
    "model_type": "programme.rules.not_mapping",
    "model_attributes_type": "programme.rules.not_mapping",
    "list_type": "programme.rules.not_list",
    "greater_than_equal": "programme.rules.at_least",
    "greater_than": "programme.rules.above",
    "less_than_equal": "programme.rules.at_most",
    "less_than": "programme.rules.below",
    "too_short": "programme.rules.too_few",
    "string_too_short": "programme.rules.blank",
    "string_too_long": "programme.rules.too_long",
    "string_pattern_mismatch": "programme.rules.bad_id",
    "decimal_max_places": "programme.rules.too_many_decimals",
}
# the context entry each of those messages shows as {limit}
_LIMIT = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le",
          "less_than": "lt", "too_short": "min_length", "string_too_long": "max_length",
          "decimal_max_places": "decimal_places"}
CUSTOM = "programme_rule"  # PydanticCustomError type: ctx carries {'key': ..., params}


def validation_problems(name: str, root: type[BaseModel], errors: Sequence[Any]) -> list[Problem]:
    """One problem per pydantic error (one per spot for a union's members failing together),
    with the path into the file and, where it helps, a did-you-mean."""
    by_loc: dict[tuple[PathPart, ...], list[Any]] = {}
    for err in errors:
        loc, tagged = _clean_loc(root, err["loc"])
        by_loc.setdefault(loc, []).append((err, tagged))
    out: list[Problem] = []
    for loc, group in by_loc.items():
        if len(group) > 1 and all(tagged for _, tagged in group):
            out.append(Problem(name, loc, "programme.rules.invalid_value",
                               {"value": _SHORT.repr(group[0][0].get("input"))}))
            continue
        out.extend(_problem(name, root, loc, err) for err, _ in group)
    return out


def _problem(name: str, root: type[BaseModel], loc: tuple[PathPart, ...], err: Any) -> Problem:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if kind == CUSTOM:
        params = {k: v for k, v in ctx.items() if k != "key"}
        return Problem(name, loc, str(ctx["key"]), params)
    if kind == "extra_forbidden" and loc and isinstance(loc[-1], str):
        fields = fields_at(root, loc[:-1])
        return Problem(name, loc, "programme.rules.unknown_key",
                       {"key": loc[-1], "expected": ", ".join(sorted(fields)) or "-"},
                       suggestion=close_match(loc[-1], fields))
    if kind == "missing" and loc:
        return Problem(name, loc, "programme.rules.missing", {"field": loc[-1]})
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        return Problem(name, loc, "programme.rules.not_allowed",
                       {"value": _SHORT.repr(given), "expected": ", ".join(options)},
                       suggestion=close_match(given, options) if isinstance(given, str) else None)
    key = _BY_TYPE.get(kind)
    if key is not None:
        limit = ctx.get(_LIMIT.get(kind, ""), "")
        return Problem(name, loc, key, {"value": _SHORT.repr(given), "limit": str(limit)})
    return Problem(name, loc, "programme.rules.invalid", {"detail": err.get("msg", kind)})


def _clean_loc(root: type[BaseModel], raw: Sequence[Any]) -> tuple[tuple[PathPart, ...], bool]:
    """Drop pydantic's own markers from an error location (union member tags, `[key]`);
    say whether a union member tag was dropped."""
    loc: list[PathPart] = []
    tagged = False
    tp: Any = root
    for part in raw:
        if not isinstance(part, (str, int)) or part == "[key]":
            continue
        if len(_union_members(tp)) > 1 and isinstance(part, str):
            tagged, tp = True, Any
            continue
        loc.append(part)
        tp = _step(tp, part)
    return tuple(loc), tagged


def _union_members(tp: Any) -> list[Any]:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return [tp]


def _unwrap(tp: Any) -> Any:
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


def fields_at(root: type[BaseModel], loc: Sequence[PathPart]) -> set[str]:
    """The keys the model at `loc` accepts, found by walking the schema's type hints."""
    tp: Any = root
    for part in loc:
        tp = _step(tp, part)
        if tp is Any:
            return set()
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {f.alias or n for n, f in tp.model_fields.items()}
    return set()


# --- location -------------------------------------------------------------------------------


def locate(text: str, problems: Sequence[Problem], located: Sequence[Problem] = ()
           ) -> list[Problem]:
    """Give each problem the line and column of the node its path points at; merge them in
    file order with problems that are `located` already."""
    out = list(located)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - the text parsed a moment ago
        return [*out, *problems]
    for p in problems:
        node = _node_at(root, p.path, p.key in _AT_KEY)
        if node is None or p.line is not None:
            out.append(p)
        else:
            out.append(p.at(node.start_mark.line + 1, node.start_mark.column + 1))
    return sorted(out, key=lambda q: (q.line or 0, q.column or 0))


_AT_KEY = {"programme.rules.unknown_key"}  # problems best shown at the key, not its value


def _node_at(root: yaml.Node | None, path: Sequence[PathPart], at_key: bool
             ) -> yaml.Node | None:
    node = root
    for i, part in enumerate(path):
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in _merged(node):
                if str(key.value) == part:
                    last = i == len(path) - 1
                    node = key if last and (at_key or _is_collection(value)) else value
                    break
            else:
                return node  # a missing key: point at the mapping that lacks it
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _is_collection(value: yaml.Node) -> bool:
    """A mapping or list value is best pointed at by its key; a scalar by the value."""
    return not isinstance(value, yaml.ScalarNode)


def _merged(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """A mapping's pairs with `<<: *anchor` merged in (own keys first, as YAML resolves)."""
    own = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
    for k, v in node.value:
        if k.tag == "tag:yaml.org,2002:merge":
            sources = v.value if isinstance(v, yaml.SequenceNode) else [v]
            for src in sources:
                if isinstance(src, yaml.MappingNode):
                    own.extend(_merged(src))
    return own
