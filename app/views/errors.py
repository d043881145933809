"""Every event handler of every screen goes through `guard`: errors become plain sentences.

A `UserError` (something the person can act on) is shown with its own message in the
person's language; anything else is logged with its traceback and shown as
`error.unexpected`. Flet itself would show a traceback on screen for an unhandled handler
error (it "crashes" the session); nothing gets that far. Whatever was typed stays on screen,
and everything already saved stays saved: the services commit each change on its own.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.errors import UserError

if TYPE_CHECKING:
    from app.views.shell import AppShell

log = logging.getLogger("hallcheck.views")


def report(app: AppShell, exc: BaseException) -> None:
    """Show `exc` to the user the right way (never a traceback)."""
    if isinstance(exc, UserError):
        log.info("user error: %s", exc.key)
        app.notify(exc.message(app.lang), error=True)  # (i18n.t never raises)
        return
    log.error("unexpected error in a screen", exc_info=exc)
    app.notify(app.t("error.unexpected"), error=True)


def guard(app: AppShell, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an event handler (sync or async, with or without the event argument).

    The wrapper takes exactly one argument (the event), which is how Flet calls a
    one-parameter handler; it also marks the user as active (kiosk idle timer).
    """
    wants_event = _param_count(fn) > 0

    if inspect.iscoroutinefunction(fn):

        async def async_wrapper(e: Any = None) -> None:
            app.touch()
            try:
                await (fn(e) if wants_event else fn())
            except Exception as exc:
                report(app, exc)

        return async_wrapper

    def wrapper(e: Any = None) -> None:
        app.touch()
        try:
            fn(e) if wants_event else fn()
        except Exception as exc:
            report(app, exc)

    return wrapper


_PARAMS: dict[tuple[Any, bool], int] = {}


def _param_count(fn: Callable[..., Any]) -> int:
    """How many positional parameters `fn` needs; remembered per code object (a long
    section wraps ~10 handlers per item card, and inspect.signature is slow)."""
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    key = (code, inspect.ismethod(fn))
    if code is not None and key in _PARAMS:
        return _PARAMS[key]
    count = _signature_params(fn)
    if code is not None:
        _PARAMS[key] = count
    return count


def _signature_params(fn: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 1
    return sum(
        1
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        and p.default is p.empty
    )
