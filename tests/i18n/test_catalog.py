"""The translation layer: complete in both languages, and every key the code uses exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.errors import UserError
from app.i18n import messages, normalise, placeholders, set_language, t

APP = Path(__file__).resolve().parents[2] / "app"
CJK = re.compile(r"[\u4e00-\u9fff]")
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
# Messages that are the same in both languages on purpose (a language's own name).
SAME_IN_BOTH = {"lang.en"}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in messages().items():
        assert zh.strip() and en.strip(), key
        assert placeholders(zh) == placeholders(en), key
        if key not in SAME_IN_BOTH:
            assert CJK.search(zh), f"{key}: the Chinese text has no Chinese characters: {zh!r}"


def _keys_used_in_code() -> set[tuple[str, str]]:
    """(file, key) for every literal key passed to t(...) or UserError(...)/subclasses."""
    used: set[tuple[str, str]] = set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
            first = node.args[0]
            if (name == "t" or name.endswith(("Error", "Blocked", "Answer"))) and isinstance(
                first, ast.Constant
            ) and isinstance(first.value, str) and KEY.match(first.value):
                used.add((str(path.relative_to(APP.parent)), first.value))
    return used


def test_every_key_used_in_the_code_exists() -> None:
    known = messages()
    missing = sorted(f"{f}: {k}" for f, k in _keys_used_in_code() if k not in known)
    assert not missing, "keys used but not in any catalogue:\n" + "\n".join(missing)


def test_lookup_language_default_and_fallback() -> None:
    assert t("veto", "zh") == "一票否决"
    assert t("veto", "en-US") == "Veto"
    assert normalise("zh_CN") == "zh"
    assert t("no.such.key") == "no.such.key"  # visible in screenshots, never a crash
    set_language("en")
    try:
        assert t("veto") == "Veto"
        assert UserError("veto").message() == "Veto"
    finally:
        set_language("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parameters_are_filled(lang: str) -> None:
    with_params = {k: v for k, v in messages().items() if placeholders(v[0])}
    assert with_params, "the catalogues have messages with parameters"
    for key, (zh, _en) in with_params.items():
        filled = t(key, lang, **{p: "<X>" for p in placeholders(zh)})
        assert "<X>" in filled and "{" not in filled.replace("{{", ""), key
