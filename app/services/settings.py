"""Device settings: language, role, who is inspecting, where to sync, kiosk lock, manager PIN.

Stored in the database's `setting` table, so they live with the data directory. Secrets
(the device token, the manager PIN hash) are stored like any value but never logged and
never shown: `snapshot()` masks them. The PIN is kept only as a salted scrypt hash.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from app.errors import UserError
from app.i18n import LANGUAGES, normalise
from app.store import Outlet, Setting, Store

log = logging.getLogger(__name__)

ROLES = ("mystery_shopper", "area_manager", "outlet_agent", "surveyor")  # surveyor: issue 11
DEFAULT_LANGUAGE = "zh"
DEFAULT_PHOTO_MAX_EDGE = 1600
PHOTO_MAX_EDGE_RANGE = (640, 4096)
SECRET_KEYS = frozenset({"device_token", "manager_pin_hash"})
PIN_PATTERN = re.compile(r"^\d{4,8}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Wrong manager PINs: the first few are free, then each one makes the next try wait,
# twice as long every time (30 s, 1 min, 2 min ... at most 15 min), so 4-8 digits cannot
# be guessed at a kiosk (issue 12). Kept in the settings: a restart does not reset it.
PIN_FREE_TRIES = 3
PIN_FIRST_WAIT = 30.0
PIN_MAX_WAIT = 15 * 60.0
_PIN_FAILURES = "manager_pin_failures"
_PIN_WAIT_UNTIL = "manager_pin_wait_until"


@dataclass(frozen=True)
class PinAttempt:
    """What one try of the manager PIN gave: `ok`, or how many seconds until the next
    try is taken (`wait_seconds`, 0: try again now); `refused`: not even checked, because
    the wait after earlier wrong tries was not over."""

    ok: bool
    wait_seconds: int = 0
    refused: bool = False


@dataclass(frozen=True)
class SettingsSnapshot:
    """All settings at once, secrets masked (safe to show or log)."""

    language: str
    role: str | None
    inspector_id: str | None
    endpoint: str | None
    device_token_set: bool
    photo_max_edge: int
    kiosk_outlet: str | None
    manager_pin_set: bool
    device_id: str


class Settings:
    """Read and change the device settings; every change is committed at once."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- raw access ------------------------------------------------------------------------

    def get(self, key: str, default: str | None = None) -> str | None:
        with self._store.reading() as s:
            value = s.execute(select(col(Setting.value)).where(col(Setting.key) == key)).scalar()
        return default if value is None else value

    def set(self, key: str, value: str | None) -> None:
        """Store `value` under `key` (None removes it). Values are never logged."""
        with self._store.writing() as s:
            if value is None:
                s.execute(delete(Setting).where(col(Setting.key) == key))
            else:
                stmt = sqlite_insert(Setting).values(key=key, value=value)
                s.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                     set_={"value": value}))
        log.info("setting %s %s", key, "cleared" if value is None else "changed")

    # -- typed settings --------------------------------------------------------------------

    @property
    def language(self) -> str:
        return normalise(self.get("language", DEFAULT_LANGUAGE))

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise UserError("services.settings.language_unknown", lang=lang,
                            choices=", ".join(LANGUAGES))
        self.set("language", lang)

    @property
    def role(self) -> str | None:
        return self.get("role")

    def set_role(self, role: str | None) -> None:
        if role is not None and role not in ROLES:
            raise UserError("services.settings.role_unknown", role=role,
                            choices=", ".join(ROLES))
        self.set("role", role)

    @property
    def inspector_id(self) -> str | None:
        return self.get("inspector_id")

    def set_inspector(self, inspector_id: str | None) -> None:
        self.set("inspector_id", inspector_id.strip() if inspector_id else None)

    @property
    def endpoint(self) -> str | None:
        return self.get("endpoint")

    def set_endpoint(self, url: str | None) -> None:
        if url:
            url = url.strip().rstrip("/")
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise UserError("services.settings.endpoint_invalid", url=url)
        self.set("endpoint", url or None)

    @property
    def device_token(self) -> str | None:
        return self.get("device_token")

    def set_device_token(self, token: str | None) -> None:
        self.set("device_token", token or None)

    @property
    def photo_max_edge(self) -> int:
        raw = self.get("photo_max_edge")
        try:
            return int(raw) if raw is not None else DEFAULT_PHOTO_MAX_EDGE
        except ValueError:
            return DEFAULT_PHOTO_MAX_EDGE

    def set_photo_max_edge(self, pixels: int) -> None:
        low, high = PHOTO_MAX_EDGE_RANGE
        if not low <= int(pixels) <= high:
            raise UserError("services.settings.photo_edge_range", low=low, high=high)
        self.set("photo_max_edge", str(int(pixels)))

    @property
    def kiosk_outlet(self) -> str | None:
        """The outlet a shared tablet is locked to (None: not a kiosk)."""
        return self.get("kiosk_outlet")

    def set_kiosk_outlet(self, outlet_code: str | None) -> None:
        if outlet_code is not None:
            with self._store.reading() as s:
                if s.get(Outlet, outlet_code) is None:
                    raise UserError("services.outlet_unknown", code=outlet_code)
        self.set("kiosk_outlet", outlet_code)

    @property
    def device_id(self) -> str:
        """A random id for this installation, made on first use and kept for life."""
        value = self.get("device_id")
        if value is None:
            value = str(uuid.uuid4())
            with self._store.writing() as s:
                s.execute(sqlite_insert(Setting).values(key="device_id", value=value)
                          .on_conflict_do_nothing(index_elements=["key"]))
            value = self.get("device_id")
            assert value is not None
        return value

    # -- manager PIN -----------------------------------------------------------------------

    def set_manager_pin(self, pin: str) -> None:
        """Set the PIN that unlocks kiosk settings (4 to 8 digits); only a hash is kept."""
        if not PIN_PATTERN.fullmatch(pin or ""):
            raise UserError("services.settings.pin_invalid")
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
        self.set("manager_pin_hash", "scrypt${n}${r}${p}${salt}${digest}".format(
            salt=salt.hex(), digest=digest.hex(), **_SCRYPT))

    def clear_manager_pin(self) -> None:
        self.set("manager_pin_hash", None)

    @property
    def has_manager_pin(self) -> bool:
        return self.get("manager_pin_hash") is not None

    def try_manager_pin(self, pin: str, *, now: float | None = None) -> PinAttempt:
        """One try of the manager PIN at the kiosk, with growing waits after a few wrong
        ones; the right PIN clears the count."""
        now = time.time() if now is None else now
        try:
            until = float(self.get(_PIN_WAIT_UNTIL) or 0)
            failures = int(self.get(_PIN_FAILURES) or 0)
        except ValueError:  # a damaged count: start the waits from the first
            until, failures = now + PIN_FIRST_WAIT, PIN_FREE_TRIES
        if now < until:
            return PinAttempt(False, math.ceil(until - now), refused=True)
        if self.verify_manager_pin(pin):
            if failures:
                self.set(_PIN_FAILURES, None)
                self.set(_PIN_WAIT_UNTIL, None)
            return PinAttempt(True)
        failures += 1
        self.set(_PIN_FAILURES, str(failures))
        wait = 0.0
        if failures >= PIN_FREE_TRIES:
            wait = min(PIN_MAX_WAIT, PIN_FIRST_WAIT * 2 ** (failures - PIN_FREE_TRIES))
            self.set(_PIN_WAIT_UNTIL, repr(now + wait))
        log.info("a wrong manager PIN (%d in a row)", failures)
        return PinAttempt(False, math.ceil(wait))

    def verify_manager_pin(self, pin: str) -> bool:
        """True when `pin` is the manager PIN (constant-time compare; False if none set)."""
        stored = self.get("manager_pin_hash")
        if stored is None or not pin:
            return False
        try:
            scheme, n, r, p, salt, digest = stored.split("$")
            if scheme != "scrypt":
                return False
            candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32,
                                       n=int(n), r=int(r), p=int(p))
        except (ValueError, TypeError):
            log.warning("the stored manager PIN hash is unreadable; set the PIN again")
            return False
        return hmac.compare_digest(candidate.hex(), digest)

    # -- everything ------------------------------------------------------------------------

    def snapshot(self) -> SettingsSnapshot:
        with self._store.reading() as s:
            raw = {k: v for k, v in s.execute(select(col(Setting.key), col(Setting.value)))}
        try:
            edge = int(raw.get("photo_max_edge", DEFAULT_PHOTO_MAX_EDGE))
        except ValueError:
            edge = DEFAULT_PHOTO_MAX_EDGE
        return SettingsSnapshot(
            language=normalise(raw.get("language", DEFAULT_LANGUAGE)),
            role=raw.get("role"),
            inspector_id=raw.get("inspector_id"),
            endpoint=raw.get("endpoint"),
            device_token_set=bool(raw.get("device_token")),
            photo_max_edge=edge,
            kiosk_outlet=raw.get("kiosk_outlet"),
            manager_pin_set="manager_pin_hash" in raw,
            device_id=raw.get("device_id") or self.device_id,
        )

    def __repr__(self) -> str:  # never print values: some are secrets
        return "<Settings>"
