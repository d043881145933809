"""Console accounts: argon2 hashes, database sessions that expire, logout, lockout with a
growing lock time, disabled accounts; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.central import accounts
from app.central.accounts import AccountLocked, BadInput, LoginFailed, WrongState
from app.central.models import Manager, ManagerSession, utcnow

from .review_support import PASSWORD, account


def test_password_is_stored_as_argon2_and_the_token_only_hashed(ctx) -> None:
    account(ctx, "li.wei", "reviewer", unit="东区")
    token, info = accounts.login(ctx, "li.wei", PASSWORD, client="127.0.0.1")
    assert info.role == "reviewer" and info.business_unit == "东区"
    with ctx.session() as s:
        row = s.get(Manager, "li.wei")
        sessions = s.exec(select(ManagerSession)).all()
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert len(sessions) == 1 and token not in sessions[0].token_hash
    assert len(sessions[0].token_hash) == 64
    assert accounts.session_manager(ctx, token) == info


def test_bad_account_data_is_refused_and_nothing_stored(ctx) -> None:
    for args in [("bad name", "n", "reviewer", PASSWORD), ("ok", "n", "boss", PASSWORD),
                 ("ok", " ", "reviewer", PASSWORD), ("ok", "n", "reviewer", "short"),
                 ("okay.user", "n", "reviewer", "okay.user")]:
        with pytest.raises(BadInput):
            accounts.add_manager(ctx, *args)  # type: ignore[arg-type]
    assert accounts.list_managers(ctx) == []
    account(ctx, "dup")
    with pytest.raises(WrongState) as err:
        account(ctx, "dup")
    assert "dup" in err.value.message("en")


def test_wrong_password_and_unknown_user_get_the_same_answer(ctx) -> None:
    account(ctx, "wang")
    with pytest.raises(LoginFailed) as wrong:
        accounts.login(ctx, "wang", "not the password")
    with pytest.raises(LoginFailed) as unknown:
        accounts.login(ctx, "nobody", PASSWORD)
    assert wrong.value.message("zh") == unknown.value.message("zh")


def test_lockout_after_repeated_wrong_passwords_grows_and_says_how_long(ctx) -> None:
    account(ctx, "zhao")  # threshold 3, first lock 1 minute, doubling, at most 8
    for _ in range(2):
        with pytest.raises(LoginFailed):
            accounts.login(ctx, "zhao", "wrong password")
    with pytest.raises(AccountLocked) as locked:
        accounts.login(ctx, "zhao", "wrong password")
    assert locked.value.retry_after_s == 60 and "1 minute" in locked.value.message("en")
    # even the right password is not looked at while locked
    with pytest.raises(AccountLocked):
        accounts.login(ctx, "zhao", PASSWORD)

    def expire_lock() -> None:
        with ctx.session() as s:
            s.execute(update(Manager).where(Manager.username == "zhao")
                      .values(locked_until=utcnow() - timedelta(seconds=1)))
            s.commit()

    minutes = []
    for _ in range(4):
        expire_lock()
        for _ in range(2):
            with pytest.raises(LoginFailed):
                accounts.login(ctx, "zhao", "wrong password")
        with pytest.raises(AccountLocked) as again:
            accounts.login(ctx, "zhao", "wrong password")
        minutes.append(again.value.retry_after_s // 60)
    assert minutes == [2, 4, 8, 8]  # grows, capped
    assert "8 分钟" in again.value.message("zh")
    expire_lock()
    token, _ = accounts.login(ctx, "zhao", PASSWORD)  # success resets the counters
    with ctx.session() as s:
        row = s.get(Manager, "zhao")
    assert (row.failed_logins, row.lockouts, row.locked_until) == (0, 0, None)
    assert accounts.session_manager(ctx, token) is not None


def test_sessions_expire_when_idle_and_absolutely_and_end_at_logout(ctx) -> None:
    account(ctx, "sun")
    idle, _ = accounts.login(ctx, "sun", PASSWORD)
    old, _ = accounts.login(ctx, "sun", PASSWORD)
    out, _ = accounts.login(ctx, "sun", PASSWORD)
    live, _ = accounts.login(ctx, "sun", PASSWORD)
    now = utcnow()
    with ctx.session() as s:
        s.execute(update(ManagerSession)
                  .where(ManagerSession.token_hash == accounts._token_hash(idle))
                  .values(last_seen_at=now - timedelta(minutes=31)))
        s.execute(update(ManagerSession)
                  .where(ManagerSession.token_hash == accounts._token_hash(old))
                  .values(expires_at=now - timedelta(seconds=1)))
        s.commit()
    accounts.logout(ctx, out)
    assert accounts.session_manager(ctx, idle) is None
    assert accounts.session_manager(ctx, old) is None
    assert accounts.session_manager(ctx, out) is None
    assert accounts.session_manager(ctx, live) is not None
    assert accounts.session_manager(ctx, "made-up-token") is None
    assert accounts.session_manager(ctx, None) is None
    # a session used recently stays alive past the idle time of its login
    with ctx.session() as s:
        s.execute(update(ManagerSession)
                  .where(ManagerSession.token_hash == accounts._token_hash(live))
                  .values(created_at=now - timedelta(hours=2),
                          last_seen_at=now - timedelta(minutes=29)))
        s.commit()
    assert accounts.session_manager(ctx, live) is not None
    with ctx.session() as s:
        seen = s.exec(select(ManagerSession.last_seen_at).where(
            ManagerSession.token_hash == accounts._token_hash(live))).one()
    assert accounts.as_utc(seen) > now - timedelta(minutes=1)  # the use was recorded


def test_a_disabled_account_cannot_log_in_and_its_sessions_stop(ctx) -> None:
    account(ctx, "qian", "manager")
    token, _ = accounts.login(ctx, "qian", PASSWORD)
    accounts.disable_manager(ctx, "qian")
    assert accounts.session_manager(ctx, token) is None
    with pytest.raises(LoginFailed) as err:
        accounts.login(ctx, "qian", PASSWORD)
    assert err.value.key == "accounts.disabled"
    assert [m.active for m in accounts.list_managers(ctx)] == [False]


def test_a_new_password_ends_sessions_and_unlocks(ctx) -> None:
    account(ctx, "zhou")
    token, _ = accounts.login(ctx, "zhou", PASSWORD)
    for _ in range(2):
        with pytest.raises(LoginFailed):
            accounts.login(ctx, "zhou", "wrong password")
    with pytest.raises(AccountLocked):
        accounts.login(ctx, "zhou", "wrong password")
    accounts.set_password(ctx, "zhou", "another long one")
    assert accounts.session_manager(ctx, token) is None
    accounts.login(ctx, "zhou", "another long one")
