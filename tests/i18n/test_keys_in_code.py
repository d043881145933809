"""A missing message is a test failure: every message key the code can ask for exists in
the catalogue (both languages, the same placeholders, checked in test_catalog.py).

The scan reads app/ (AST, no imports of the screens):
- every string literal shaped like a key in one of the catalogue's namespaces (a key passed
  to t(), to a UserError, kept in a dict or a constant and looked up later);
- every key built with an f-string (f"kind.{kind}"): its values are worked out where the
  code shows them (a conditional between literals, a local bound only to literals, a loop
  over a literal tuple, a parameter that every call in the module passes a literal), and
  otherwise come from TEMPLATES below, which reads them from the code's own constants
  (enums, Literal types, tuples), so a new member without a message fails here;
- each t("literal", ...) call passes every placeholder its message uses.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

import pytest

from app.i18n import messages, placeholders

APP = Path(__file__).resolve().parents[2] / "app"
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
TEMPLATE = re.compile(r"^[a-z_]+\.[a-z0-9_.{}]*$")
NOT_KEYS = re.compile(r"\.(ya?ml|py|json|csv|txt|db|pdf|xlsx|png|jpe?g|ttf|otf|ini)$")
SLOT = "{}"


def _namespaces() -> set[str]:
    return {key.split(".", 1)[0] for key in messages()}


def _is_module_path(text: str) -> bool:
    """'app.views.shell', 'app.central.{}' name our modules (importlib, loggers), not keys."""
    parts = text.split(".")
    return parts[0] == "app" and len(parts) > 1 and (
        (APP / parts[1]).is_dir() or (APP / f"{parts[1]}.py").is_file()
        or parts[1] == SLOT)


def _values(*sources: Iterable[object]) -> set[str]:
    """Strings from enums (their values), Literal types, tuples and sets."""
    out: set[str] = set()
    for source in sources:
        items = get_args(source) or source
        for item in items:  # type: ignore[attr-defined]
            value = getattr(item, "value", item)
            out.add(str(value))
    return out


def _kinds() -> set[str]:
    from app.checklists.schema import Kind
    return _values(Kind)


def _veto_scopes() -> set[str]:
    from app.checklists.schema import VetoScope
    return _values(VetoScope)


def _device_roles() -> set[str]:
    from app.services.settings import ROLES
    return _values(ROLES)


def _finalise_reasons() -> set[str]:
    from app.checklists.evaluation import Reason
    return _values(Reason)


def _item_types() -> set[str]:
    from app.checklists.schema import ItemType
    return _values(ItemType)


def _photo_rules() -> set[str]:
    from app.checklists.schema import PhotoRule
    return _values(PhotoRule) - {"none"} | {"always"}


def _sync_states() -> set[str]:
    from app.store.models import SyncState
    return _values(SyncState)


def _review_states() -> set[str]:
    from app.central.review import STATES
    return _values(STATES)


def _review_flags() -> set[str]:
    from app.central.review import FLAGS
    return _values(FLAGS)


def _manager_roles() -> set[str]:
    from app.central.accounts import ROLES
    return _values(ROLES)


def _plain_json_errors() -> set[str]:
    from app.central.api import _PLAIN_JSON_ERRORS
    return _values(_PLAIN_JSON_ERRORS)


def _returns(module: str, function: str) -> set[str]:
    """The literals a function returns (it must return nothing else)."""
    tree = ast.parse((APP.parent / module).read_text(encoding="utf-8"))
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    values: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Return):
            options = _constant_strings(node.value) if node.value is not None else None
            assert options is not None, f"{module}:{node.lineno}: {function} returns a non-literal"
            values |= options
    return values


def _audit_actions() -> set[str]:
    """Every literal `action=` an audit line is written with (record() or a review move)."""
    actions: set[str] = set()
    for path in (APP / "central").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in ("record", "_move"):
                for k in node.keywords:
                    if k.arg == "action" and isinstance(k.value, ast.Constant):
                        actions.add(str(k.value.value))
    return actions


# f-string keys whose values the scan cannot see: template -> the values, from the code.
TEMPLATES: dict[str, Callable[[], set[str]]] = {
    "kind.{}": _kinds,
    "role.{}": _device_roles,
    "veto.scope.{}": _veto_scopes,
    "checklists.finalise.{}": _finalise_reasons,
    "checklists.type.{}": lambda: _item_types() - {"number"},  # number has its own keys
    "checklists.show.photo.{}": _photo_rules,
    "views.missing.{}": _finalise_reasons,  # what an item still lacks, as the domain says
    "views.review.discreet_missing.{}": _finalise_reasons,  # the same, in a covert visit
    "views.sync.state.{}": _sync_states,
    "views.sync.problem.{}": lambda: {"conflict", "rejected"},  # the states needing attention
    "sync.cli.code_state.{}": lambda: _returns("app/central/admin.py", "code_state"),
    "sync.api.conflict.{}": lambda: {"other_device", "finalized_differs"},  # service.upload
    "sync.api.invalid.{}": _plain_json_errors,
    # HTTP errors raised by the framework itself (unknown route, bad request); any other
    # status falls back to the framework's text, so only these need a message
    "sync.api.http.{}": lambda: {"400", "404"},
    "accounts.role.{}": _manager_roles,
    "console.state.{}": _review_states,
    "console.flag.{}": _review_flags,
    "review.wrong_state.{}": _review_states,
    "review.audit.{}": _audit_actions,
    "time.month.{}": lambda: {str(month) for month in range(1, 13)},
}


@dataclass
class Scan:
    literals: dict[str, set[str]] = field(default_factory=dict)  # key -> where
    templates: dict[str, set[str]] = field(default_factory=dict)  # open template -> where
    expanded: dict[str, set[str]] = field(default_factory=dict)  # key from a template -> where
    calls: list[tuple[str, str, set[str]]] = field(default_factory=list)  # where, key, kwargs


def _constant_strings(node: ast.AST) -> set[str] | None:
    """The strings an expression can be, when it is made only of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | bool):
        return {str(node.value).lower() if isinstance(node.value, bool) else str(node.value)}
    if isinstance(node, ast.IfExp):
        a, b = _constant_strings(node.body), _constant_strings(node.orelse)
        return a | b if a is not None and b is not None else None
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        parts = [_constant_strings(e) for e in node.elts]
        return set().union(*parts) if all(p is not None for p in parts) else None
    return None


class _Module(ast.NodeVisitor):
    def __init__(self, path: Path, tree: ast.Module, namespaces: set[str], scan: Scan) -> None:
        self.where = str(path.relative_to(APP.parent))
        self.namespaces = namespaces
        self.scan = scan
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.calls_by_name: dict[str, list[ast.Call]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _call_name(node)
                if name:
                    self.calls_by_name.setdefault(name, []).append(node)

    def _keylike(self, text: str, pattern: re.Pattern[str]) -> bool:
        return (bool(pattern.match(text)) and text.split(".", 1)[0] in self.namespaces
                and not NOT_KEYS.search(text) and not _is_module_path(text))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and self._keylike(node.value, KEY):
            self.scan.literals.setdefault(node.value, set()).add(f"{self.where}:{node.lineno}")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        shape = "".join(v.value if isinstance(v, ast.Constant) else SLOT for v in node.values)
        if not self._keylike(shape, TEMPLATE):
            return  # not a key (a path, a label); its parts are not visited as keys either
        where = f"{self.where}:{node.lineno}"
        keys = {""}
        for part in node.values:
            if isinstance(part, ast.Constant):
                keys = {k + str(part.value) for k in keys}
                continue
            assert isinstance(part, ast.FormattedValue)
            options = self._options(part.value)
            if options is None:
                self.scan.templates.setdefault(shape, set()).add(where)
                return
            keys = {k + o for k in keys for o in options}
        for key in keys:
            self.scan.expanded.setdefault(key, set()).add(where)

    def visit_Call(self, node: ast.Call) -> None:
        if _call_name(node) == "t" and node.args and isinstance(node.args[0], ast.Constant):
            key = node.args[0].value
            if isinstance(key, str) and all(k.arg is not None for k in node.keywords):
                self.scan.calls.append((f"{self.where}:{node.lineno}", key,
                                        {str(k.arg) for k in node.keywords}))
        self.generic_visit(node)

    def _options(self, expr: ast.expr) -> set[str] | None:
        """What an interpolated expression can be, if the code shows it."""
        found = _constant_strings(expr)
        if found is not None or not isinstance(expr, ast.Name) or not self.functions:
            return found
        function = self.functions[-1]
        bound = self._bound_locally(function, expr.id)
        if bound is not None:
            return bound
        return self._passed_by_every_caller(function, expr.id)

    @staticmethod
    def _bound_locally(function: ast.AST, name: str) -> set[str] | None:
        """`name` assigned only literals (or looped over a literal tuple) in the function."""
        values: set[str] = set()
        seen = False
        for node in ast.walk(function):
            targets: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(node, ast.Assign):
                targets = [(t, node.value) for t in node.targets]
            elif isinstance(node, ast.For):
                targets = [(node.target, node.iter)]
            for target, value in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    seen = True
                    options = _constant_strings(value)
                    if options is None:
                        return None
                    values |= options
        return values if seen else None

    def _passed_by_every_caller(self, function: ast.FunctionDef | ast.AsyncFunctionDef,
                                name: str) -> set[str] | None:
        """A parameter every call of the function in this module gives a literal."""
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if name not in params and name not in [a.arg for a in function.args.kwonlyargs]:
            return None
        index = params.index(name) if name in params else None
        if index is not None and params and params[0] in ("self", "cls"):
            index -= 1
        calls = self.calls_by_name.get(function.name, [])
        if function.name == "__init__":
            return None
        values: set[str] = set()
        for call in calls:
            arg: ast.expr | None = next((k.value for k in call.keywords if k.arg == name), None)
            if arg is None and index is not None and index < len(call.args):
                arg = call.args[index]
            options = _constant_strings(arg) if arg is not None else None
            if options is None:
                return None
            values |= options
        return values or None


def _call_name(node: ast.Call) -> str:
    fn = node.func
    return fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""


def _scan() -> Scan:
    scan = Scan()
    namespaces = _namespaces()
    for path in sorted(APP.rglob("*.py")):
        if "catalog" in path.relative_to(APP).parts[:2]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _Module(path, tree, namespaces, scan).visit(tree)
    return scan


@pytest.fixture(scope="module")
def scan() -> Scan:
    return _scan()


def _report(missing: dict[str, set[str]]) -> str:
    return "\n".join(f"{key}  (used at {', '.join(sorted(where))})"
                     for key, where in sorted(missing.items()))


def test_every_literal_key_in_the_code_has_a_message(scan: Scan) -> None:
    known = messages()
    missing = {k: w for k, w in scan.literals.items() if k not in known}
    assert scan.literals, "the scan finds the keys the code uses"
    assert not missing, "keys used but in no catalogue:\n" + _report(missing)


def test_every_key_built_with_an_f_string_has_a_message(scan: Scan) -> None:
    known = messages()
    unknown = {t: w for t, w in scan.templates.items() if t not in TEMPLATES}
    assert not unknown, (
        "keys built from values the scan cannot see; add each template to TEMPLATES in "
        f"{Path(__file__).name} with its values taken from the code:\n" + _report(unknown))
    built = dict(scan.expanded)
    for template, where in scan.templates.items():
        for value in TEMPLATES[template]():
            built.setdefault(template.replace(SLOT, value, 1), set()).update(where)
    missing = {k: w for k, w in built.items() if k not in known}
    assert not missing, "f-string keys with no message:\n" + _report(missing)


def test_templates_listed_here_are_still_used(scan: Scan) -> None:
    stale = set(TEMPLATES) - set(scan.templates)
    assert not stale, f"TEMPLATES lists keys the code no longer builds: {sorted(stale)}"


def test_each_call_passes_the_placeholders_its_message_uses(scan: Scan) -> None:
    known = messages()
    short = []
    for where, key, given in scan.calls:
        if key in known:
            need = placeholders(known[key][0]) | placeholders(known[key][1])
            if need - given:
                short.append(f"{where}: t({key!r}) lacks {sorted(need - given)}")
    assert not short, "\n".join(short)


