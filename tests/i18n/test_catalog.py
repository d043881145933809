"""The translation layer: complete in both languages (the keys the code uses: test_keys_in_code)."""

from __future__ import annotations

import re

import pytest

from app.errors import UserError
from app.i18n import messages, normalise, placeholders, set_language, t

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Messages that are the same in both languages on purpose (a language's own name).
SAME_IN_BOTH = {"lang.en"}


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in messages().items():
        assert zh.strip() and en.strip(), key
        assert placeholders(zh) == placeholders(en), key
        words = PLACEHOLDER.sub("", zh)  # '{figure}：{text}' only arranges its parts
        if key not in SAME_IN_BOTH and re.search(r"[^\W\d_]", words):
            assert CJK.search(words), f"{key}: the Chinese text has no Chinese words: {zh!r}"


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
