"""Secrets: enrolment codes and device tokens. Only their SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code is read off a screen and typed on a phone.
_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_GROUPS = 3
CODE_GROUP_LEN = 4


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A device token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_device_id() -> str:
    return "dev-" + secrets.token_hex(6)


def new_enrol_code() -> str:
    """A one-time code such as `K7QF-2M9X-PL3D` (about 56 bits; it also expires)."""
    groups = ("".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_GROUP_LEN))
              for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(code: str) -> str:
    """What a person typed -> the canonical code (case, spaces and dashes do not matter)."""
    bare = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(bare) != CODE_GROUPS * CODE_GROUP_LEN:
        return bare
    return "-".join(bare[i:i + CODE_GROUP_LEN] for i in range(0, len(bare), CODE_GROUP_LEN))


def hash_code(code: str) -> str:
    return hash_secret("enrol:" + normalise_code(code))
