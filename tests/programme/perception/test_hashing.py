"""The keyed hash of customer numbers: one normal form for every way a number is written,
the standard HMAC-SHA256 under the given key, and no way for the key or a number to leave
through repr or pickling."""

from __future__ import annotations

import hashlib
import hmac
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import UserError
from app.programme.perception.hashing import (
    Contacts,
    CustomerHasher,
    key_from_setting,
    normalise_number,
)

from .helpers import KEY

NUMBER = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@pytest.mark.parametrize("written", [
    "13800138000", "+8613800138000", "+86 138 0013 8000", "0086-138-0013-8000",
    "8613800138000", "138-0013-8000", " (138) 0013 8000 ", "１３８００１３８０００",
    "+86\u00a0138\u20130013\u20138000",
])
def test_every_way_of_writing_a_number_is_the_same_customer(written: str) -> None:
    assert normalise_number(written) == "13800138000"


@pytest.mark.parametrize("written", [
    "", "1380013800", "138001380001", "12800138000", "23800138000", "+85213800138000",
    "0571-88888888", "abc", "138OO138000", "+86+8613800138000",
])
def test_what_is_not_a_mobile_number(written: str) -> None:
    assert normalise_number(written) is None


@given(NUMBER, st.sampled_from(["", "+86", "0086", "86", "+86 "]),
       st.lists(st.sampled_from([" ", "-"]), max_size=3), st.randoms())
def test_formatting_never_changes_the_hash(plain: str, prefix: str, seps: list[str],
                                           rnd: object) -> None:
    hasher = CustomerHasher(KEY)
    digits = list(plain)
    for sep in seps:  # separators at random places inside the number
        digits.insert(rnd.randrange(1, len(digits)), sep)  # type: ignore[attr-defined]
    written = prefix + "".join(digits)
    assert hasher.hash(written) == hasher.hash(plain) == hasher.hash_normalised(plain)


@given(NUMBER)
def test_the_hash_is_standard_hmac_sha256_of_the_normal_form(plain: str) -> None:
    expected = hmac.new(KEY, plain.encode(), hashlib.sha256).hexdigest()
    assert CustomerHasher(KEY).hash_normalised(plain) == expected


def test_a_long_key_is_hashed_first_as_hmac_says() -> None:
    key = bytes(range(100))
    assert CustomerHasher(key).hash_normalised("13800138000") == hmac.new(
        key, b"13800138000", hashlib.sha256).hexdigest()


def test_another_key_gives_other_hashes_and_another_fingerprint() -> None:
    a, b = CustomerHasher(KEY), CustomerHasher(KEY + b"x")
    assert a.hash("13800138000") != b.hash("13800138000")
    assert a.fingerprint != b.fingerprint and len(a.fingerprint) == 12
    assert CustomerHasher(KEY).fingerprint == a.fingerprint  # the same key: the same name
    assert a.hash("not a number") is None


def test_a_short_key_is_refused_with_what_to_do() -> None:
    with pytest.raises(UserError) as caught:
        CustomerHasher(b"short")
    assert "openssl rand -hex 32" in caught.value.message("en")
    assert "16" in caught.value.message("zh")


def test_the_setting_is_hex_or_text() -> None:
    hexkey = "ab" * 32
    assert key_from_setting(hexkey) == bytes.fromhex(hexkey)
    assert key_from_setting("  a passphrase of some length ") == b"a passphrase of some length"
    assert CustomerHasher.from_setting(hexkey).fingerprint == CustomerHasher(
        bytes.fromhex(hexkey)).fingerprint


def test_neither_the_key_nor_a_number_leaves_by_repr_or_pickle() -> None:
    hasher = CustomerHasher(KEY)
    assert KEY.decode() not in repr(hasher) and hasher.fingerprint in repr(hasher)
    with pytest.raises(TypeError):
        pickle.dumps(hasher)
    contacts = Contacts()
    contacts.add(hasher.hash_normalised("13800138000"), "13800138000")
    assert "13800138000" not in repr(contacts) and len(contacts) == 1
    assert contacts.number(hasher.hash_normalised("13800138000")) == "13800138000"
    with pytest.raises(TypeError):
        pickle.dumps(contacts)
    with pytest.raises(TypeError):
        iter(contacts)  # type: ignore[call-overload]
