"""Console accounts of the programme office (渠道管理): who may log in to the manager
console, with which role, limited to which business unit (营业部).

- Passwords are hashed with argon2id (argon2-cffi); a password is never stored, logged or
  echoed. A hash made with older parameters is upgraded at the next successful login.
- A login gives a session token, shown once; the database keeps only its SHA-256, so any
  worker process can check it and a stolen database yields no usable token. A session
  ends at logout, after `session_idle_minutes` without use, `session_absolute_hours` after
  login, or when the account is disabled.
- After `lockout_threshold` wrong passwords in a row the account is locked; each further
  lock (before a successful login) doubles the lock time, up to `lockout_max_minutes`.
  The message says how long to wait. An unknown username costs the same hashing time as
  a known one and gets the same message, so names cannot be probed.

Roles: `viewer` reads; `reviewer` also approves, returns and rejects; `manager` also
records and decides disputes and corrects results by amendment.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal, get_args

from sqlalchemy import update
from sqlmodel import col, select

from app.central.auth import hash_secret, new_token
from app.central.context import ServerContext
from app.central.models import Manager, ManagerSession, utcnow
from app.central.service import as_utc
from app.errors import UserError

ManagerRole = Literal["reviewer", "manager", "viewer"]
ROLES: tuple[str, ...] = get_args(ManagerRole)
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-@]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
SEEN_EVERY = timedelta(seconds=20)  # last_seen_at is written at most this often
SESSION_PREFIX = "console-session:"  # hashed with the token: never equal to a device token's


# --- errors a person can cause (the API maps `status` to the HTTP status) ------------------


class ConsoleError(UserError):
    """A refused console operation; `status` is the HTTP status the API answers with."""

    status = 422


class BadInput(ConsoleError):
    status = 422


class NotAllowed(ConsoleError):
    status = 403


class NotFound(ConsoleError):
    status = 404


class WrongState(ConsoleError):
    status = 409


class LoginFailed(ConsoleError):
    """Wrong username or password (which of the two is never said), or a disabled account."""

    status = 401


class AccountLocked(ConsoleError):
    """Too many wrong passwords: `retry_after_s` until the next attempt is looked at."""

    status = 429

    def __init__(self, retry_after_s: int) -> None:
        minutes = max(1, math.ceil(retry_after_s / 60))
        super().__init__("accounts.locked", minutes=minutes)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class ManagerInfo:
    username: str
    display_name: str
    role: ManagerRole
    business_unit: str | None
    active: bool
    kind: Literal["account", "device"] = "account"  # device: a manager device token (reads)

    @property
    def can_review(self) -> bool:
        return self.active and self.kind == "account" and self.role in ("reviewer", "manager")

    @property
    def can_manage(self) -> bool:
        return self.active and self.kind == "account" and self.role == "manager"


def _info(m: Manager) -> ManagerInfo:
    return ManagerInfo(username=m.username, display_name=m.display_name,
                       role=m.role,  # type: ignore[arg-type]
                       business_unit=m.business_unit, active=m.active)


# --- passwords ------------------------------------------------------------------------------


@cache
def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's recommended parameters


@cache
def _dummy_hash() -> str:
    return str(_hasher().hash("hallcheck: no such account"))


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _check_password(password: object, username: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise BadInput("accounts.password_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise BadInput("accounts.password_long", max=MAX_PASSWORD)
    if password.strip().lower() == username.strip().lower():
        raise BadInput("accounts.password_is_username")


# --- administration (`hallcheck admin managers ...`) -----------------------------------------


def _clean_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if "\x00" in value:
        raise BadInput("accounts.bad_text")
    return value[:limit] or None


def add_manager(ctx: ServerContext, username: str, display_name: str, role: ManagerRole,
                password: str, business_unit: str | None = None) -> ManagerInfo:
    """A new console account (argon2 hash of `password`); an existing username is refused."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise BadInput("accounts.bad_username", value=username[:64])
    if role not in ROLES:
        raise BadInput("accounts.bad_role", value=str(role)[:32], allowed=", ".join(ROLES))
    name = _clean_text(display_name, 200)
    if not name:
        raise BadInput("accounts.name_missing")
    unit = _clean_text(business_unit, 200)
    _check_password(password, username)
    with ctx.session() as s:
        if s.get(Manager, username) is not None:
            raise WrongState("accounts.exists", username=username)
        row = Manager(username=username, display_name=name, role=role, business_unit=unit,
                      password_hash=hash_password(password), created_at=utcnow())
        s.add(row)
        s.commit()
        return _info(row)


def list_managers(ctx: ServerContext) -> list[ManagerInfo]:
    with ctx.session() as s:
        return [_info(m) for m in s.exec(select(Manager).order_by(Manager.username)).all()]


def get_manager(ctx: ServerContext, username: str) -> ManagerInfo:
    with ctx.session() as s:
        row = s.get(Manager, username)
        if row is None:
            raise NotFound("accounts.unknown", username=username[:64])
        return _info(row)


def disable_manager(ctx: ServerContext, username: str) -> ManagerInfo:
    """The account can no longer log in, and every session it has stops working now."""
    now = utcnow()
    with ctx.session() as s:
        row = s.get(Manager, username)
        if row is None:
            raise NotFound("accounts.unknown", username=username[:64])
        row.active = False
        row.disabled_at = row.disabled_at or now
        s.add(row)
        s.execute(update(ManagerSession)
                  .where(col(ManagerSession.username) == username,
                         col(ManagerSession.ended_at).is_(None))
                  .values(ended_at=now))
        s.commit()
        return _info(row)


def set_password(ctx: ServerContext, username: str, password: str) -> ManagerInfo:
    """A new password (and the account unlocked); existing sessions end."""
    now = utcnow()
    with ctx.session() as s:
        row = s.get(Manager, username)
        if row is None:
            raise NotFound("accounts.unknown", username=username[:64])
        _check_password(password, username)
        row.password_hash = hash_password(password)
        row.failed_logins, row.lockouts, row.locked_until = 0, 0, None
        s.add(row)
        s.execute(update(ManagerSession)
                  .where(col(ManagerSession.username) == username,
                         col(ManagerSession.ended_at).is_(None))
                  .values(ended_at=now))
        s.commit()
        return _info(row)


# --- login, sessions, logout -----------------------------------------------------------------


def _lock_minutes(ctx: ServerContext, lockouts: int) -> float:
    st = ctx.settings
    return float(min(st.lockout_max_minutes, st.lockout_minutes * 2 ** max(0, lockouts - 1)))


def login(ctx: ServerContext, username: str, password: object, client: str = ""
          ) -> tuple[str, ManagerInfo]:
    """(session token, account) for a right password; LoginFailed or AccountLocked else.

    The token is shown once: only its SHA-256 is stored."""
    now = utcnow()
    username = (username or "").strip()
    password = password if isinstance(password, str) else ""
    with ctx.session() as s:
        row = s.get(Manager, username) if _USERNAME.match(username) else None
        if row is None:
            _verify(_dummy_hash(), password)  # the same time as for a real account
            raise LoginFailed("accounts.login_failed")
        locked = as_utc(row.locked_until)
        if locked is not None and locked > now:
            raise AccountLocked(math.ceil((locked - now).total_seconds()))
        if not _verify(row.password_hash, password[:MAX_PASSWORD]):
            _wrong_password(ctx, s, username, now)
        if not row.active:
            raise LoginFailed("accounts.disabled")
        if _hasher().check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.failed_logins, row.lockouts, row.locked_until = 0, 0, None
        row.last_login_at = now
        s.add(row)
        token = new_token()
        absolute = timedelta(hours=ctx.settings.session_absolute_hours)
        s.add(ManagerSession(token_hash=_token_hash(token), username=username,
                             created_at=now, last_seen_at=now, expires_at=now + absolute,
                             client=_clean_text(client, 200) if client else None))
        s.commit()
        return token, _info(row)


def _wrong_password(ctx: ServerContext, s, username: str, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Count the failure (atomically: parallel attempts all count) and lock at the
    threshold. Always raises."""
    s.execute(update(Manager).where(col(Manager.username) == username)
              .values(failed_logins=col(Manager.failed_logins) + 1))
    row = s.exec(select(Manager).where(Manager.username == username)
                 .execution_options(populate_existing=True)).one()
    if row.failed_logins >= ctx.settings.lockout_threshold:
        row.lockouts += 1
        minutes = _lock_minutes(ctx, row.lockouts)
        row.locked_until = now + timedelta(minutes=minutes)
        row.failed_logins = 0
        s.add(row)
        s.commit()
        raise AccountLocked(math.ceil(minutes * 60))
    s.commit()
    raise LoginFailed("accounts.login_failed")


def _token_hash(token: str) -> str:
    return hash_secret(SESSION_PREFIX + token)


def session_manager(ctx: ServerContext, token: str | None) -> ManagerInfo | None:
    """The account of a live session; None for no token, an unknown, ended, idle-expired
    or absolutely expired session, or a disabled account."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)
    with ctx.session() as s:
        found = s.exec(select(ManagerSession, Manager)
                       .join(Manager, col(Manager.username) == col(ManagerSession.username))
                       .where(ManagerSession.token_hash == _token_hash(token))).first()
        if found is None:
            return None
        sess, manager = found
        seen = as_utc(sess.last_seen_at)
        if (sess.ended_at is not None or as_utc(sess.expires_at) <= now
                or now - seen >= idle or not manager.active):
            return None
        if now - seen > SEEN_EVERY:
            s.execute(update(ManagerSession).where(col(ManagerSession.id) == sess.id)
                      .values(last_seen_at=now))
            s.commit()
        return _info(manager)


def logout(ctx: ServerContext, token: str) -> None:
    """End the session (a no-op for an unknown or already ended one)."""
    if not token or len(token) > 200:
        return
    with ctx.session() as s:
        s.execute(update(ManagerSession)
                  .where(col(ManagerSession.token_hash) == _token_hash(token),
                         col(ManagerSession.ended_at).is_(None))
                  .values(ended_at=utcnow()))
        s.commit()


# --- several workers (issue 13): a console tab carried over to another worker -------------


def replace_session_token(ctx: ServerContext, old: str, new: str) -> bool:
    """Give a live session a new token in place of `old` (its times and account kept):
    True when this call replaced it, False for an unknown or ended session (or one another
    caller replaced first). Used by app.console.resume to tie a tab's session to the tab."""
    from sqlalchemy import func

    if not old or not new or len(old) > 200 or len(new) > 200:
        return False
    now = utcnow()
    with ctx.session() as s:
        # an earlier session of the same tab may hold `new` (signed in again after it
        # ended): it is ended, and its hash retired to a random one, so `new` is free
        s.execute(update(ManagerSession)
                  .where(col(ManagerSession.token_hash) == _token_hash(new))
                  .values(token_hash=_token_hash(new_token()),
                          ended_at=func.coalesce(col(ManagerSession.ended_at), now)))
        done = s.execute(update(ManagerSession)
                         .where(col(ManagerSession.token_hash) == _token_hash(old),
                                col(ManagerSession.ended_at).is_(None))
                         .values(token_hash=_token_hash(new)))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            return False
        s.commit()
    return True
