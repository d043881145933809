"""A console tab stays signed in when its worker dies (`hallcheck server --workers N`).

A Flet session lives in the memory of the worker that holds the tab's websocket. When that
worker is killed, the browser reconnects (to whichever worker the socket reaches) and sends
the Flet session id it had; a worker that does not know the id starts a new session, which
would show the login page. To carry the sign-in over without keeping anything in a
worker's memory, the console session's token is tied to the tab's Flet session id:

- once signed in, the token is replaced by HMAC(server key, Flet session id) (the database
  keeps only its SHA-256, as for every token; the server key is the console's ticket key
  in the data dir, the same for every worker);
- a new session that arrives with a Flet session id it does not know derives the token
  that id would have had, and if that console session is still live (not logged out, not
  idle, not expired, the account active) it takes it over under its own new id.

The Flet session id is a random value only that browser tab holds (it never appears in a
URL or a log), so this is as strong as a per-tab session cookie; a stolen database still
yields no token. A tab that moved away leaves its old token replaced: the dead session, if
it ever came back, would find itself signed out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from contextvars import ContextVar
from typing import Any

from app.central.context import ServerContext

log = logging.getLogger("hallcheck.console")

# The Flet session id the browser asked for when it (re)connected, read from its first
# websocket frame; main(page) runs in a task copied from that context.
REQUESTED: ContextVar[str | None] = ContextVar("console_requested_session", default=None)
_REGISTER_CLIENT = 1  # flet.messaging.protocol.ClientAction.REGISTER_CLIENT


class RememberRequestedSession:
    """ASGI wrapper of the Flet app: notes the session id in the first frame a browser
    sends on a websocket (nothing else is read or changed)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "websocket":
            await self.app(scope, receive, send)
            return
        seen = False

        async def peek() -> Any:
            nonlocal seen
            message = await receive()
            if not seen and message.get("type") == "websocket.receive" \
                    and message.get("bytes"):
                seen = True
                REQUESTED.set(_session_id(message["bytes"]))
            return message

        await self.app(scope, peek, send)


def _session_id(frame: bytes) -> str | None:
    """The session id of a REGISTER_CLIENT frame (`0x00` + msgpack [action, body])."""
    if not frame or frame[0] != 0:
        return None
    try:
        import msgpack  # type: ignore[import-untyped]

        data = msgpack.unpackb(frame[1:], strict_map_key=False)
        if isinstance(data, list | tuple) and len(data) >= 2 \
                and int(data[0]) == _REGISTER_CLIENT and isinstance(data[1], dict):
            sid = data[1].get("session_id")
            return sid if isinstance(sid, str) and 8 <= len(sid) <= 200 else None
    except Exception:  # not ours to judge: Flet reads the frame itself
        return None
    return None


def _key(ctx: ServerContext) -> bytes:
    from app.console.files import load_secret

    return load_secret(ctx.settings.data_dir)


def token_for(ctx: ServerContext, flet_session_id: str) -> str:
    """The console token tied to one Flet session id."""
    mac = hmac.new(_key(ctx), b"hallcheck console resume\0" + flet_session_id.encode(),
                   hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def bind(ctx: ServerContext, page: Any, token: str) -> str:
    """After a sign-in: the token this tab keeps from now on (tied to its Flet session
    id); the given one if it cannot be tied (then a worker's death means signing in
    again, nothing worse)."""
    from app.central import accounts

    sid = getattr(page.session, "id", None)
    if not isinstance(sid, str) or not sid:
        return token
    tied = token_for(ctx, sid)
    return tied if accounts.replace_session_token(ctx, token, tied) else token


def resume(ctx: ServerContext, page: Any) -> str | None:
    """For a new Flet session: the token of the console session the browser tab had on
    another (dead) worker, taken over under this session's id; None when there is none
    or it has ended."""
    from app.central import accounts

    requested = REQUESTED.get()
    sid = getattr(page.session, "id", None)
    if not requested or not isinstance(sid, str) or requested == sid:
        return None
    old = token_for(ctx, requested)
    if accounts.session_manager(ctx, old) is None:
        return None
    new = token_for(ctx, sid)
    if not accounts.replace_session_token(ctx, old, new):
        return None  # another tab-session took it over first
    log.info("console session carried over to a new worker session")
    return new
