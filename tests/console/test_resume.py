"""A console tab's sign-in carried to another worker (app/console/resume.py), against a real
office database: the Flet session id read from a real REGISTER_CLIENT frame, the token tied
to it, taken over by a new session that arrives with that id, and refused once ended.
(The browser test with killed workers is tests/e2e/test_console_workers.py.)
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
import pytest

from app.central import accounts
from app.central.context import ServerContext
from app.central.settings import ServerSettings
from app.console import resume


@dataclass
class _Session:
    id: str
    store: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tab:
    """What resume reads of a Flet page: its session's id."""

    session: _Session


@pytest.fixture
def ctx(tmp_path: Path) -> Any:
    c = ServerContext(ServerSettings(data_dir=tmp_path / "server"))
    accounts.add_manager(c, "li.wei", "李伟", "reviewer", "a long password")
    yield c
    c.close()


def frame(session_id: str | None) -> bytes:
    body = {"session_id": session_id, "page_name": "", "page": {"route": "/"}}
    return b"\x00" + msgpack.packb([1, body])


def test_the_session_id_is_read_from_the_register_frame_only() -> None:
    assert resume._session_id(frame("3f0c2a4e-1b7d-4c55-9c1e-8a7e2f0b9d11")) \
        == "3f0c2a4e-1b7d-4c55-9c1e-8a7e2f0b9d11"
    assert resume._session_id(frame(None)) is None
    assert resume._session_id(b"\x00" + msgpack.packb([2, {"session_id": "x" * 36}])) is None
    assert resume._session_id(b"\x01\x00\x00\x00\x00data") is None
    assert resume._session_id(b"\x00not msgpack\xc1") is None


def carried(ctx: ServerContext, requested: str | None, new_id: str) -> str | None:
    """resume() as a new Flet session whose browser asked for `requested`."""
    def run() -> str | None:
        resume.REQUESTED.set(requested)
        return resume.resume(ctx, Tab(_Session(new_id)))

    return contextvars.copy_context().run(run)


def test_a_tab_signed_in_on_a_dead_worker_is_carried_over_once(ctx: ServerContext) -> None:
    token, _ = accounts.login(ctx, "li.wei", "a long password")
    tab = Tab(_Session("first-flet-session-id"))
    tied = resume.bind(ctx, tab, token)
    assert tied != token
    assert accounts.session_manager(ctx, token) is None  # the login token is replaced
    assert accounts.session_manager(ctx, tied).username == "li.wei"

    new = carried(ctx, "first-flet-session-id", "second-flet-session-id")
    assert new is not None and new != tied
    assert accounts.session_manager(ctx, new).username == "li.wei"
    assert accounts.session_manager(ctx, tied) is None  # the dead tab-session is signed out
    # a second new session asking for the same old id gets nothing: it was taken over
    assert carried(ctx, "first-flet-session-id", "third-flet-session-id") is None
    # a session that asks for nothing, or for its own id, is a plain new one
    assert carried(ctx, None, "fourth-flet-session-id") is None
    assert carried(ctx, "second-flet-session-id", "second-flet-session-id") is None


def test_an_ended_session_is_not_carried_over_and_the_tab_can_sign_in_again(
        ctx: ServerContext) -> None:
    token, _ = accounts.login(ctx, "li.wei", "a long password")
    tab = Tab(_Session("tab-flet-session-id"))
    tied = resume.bind(ctx, tab, token)
    accounts.logout(ctx, tied)
    assert carried(ctx, "tab-flet-session-id", "other-flet-session-id") is None
    again, _ = accounts.login(ctx, "li.wei", "a long password")  # same tab, same Flet id
    tied_again = resume.bind(ctx, tab, again)
    assert tied_again == tied  # the same tie, the old ended session's hash retired
    assert accounts.session_manager(ctx, tied_again).username == "li.wei"
    accounts.disable_manager(ctx, "li.wei")
    assert carried(ctx, "tab-flet-session-id", "later-flet-session-id") is None
