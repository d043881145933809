"""Optional check-in / check-out location (签到 / 签退) from flet-geolocator.

When a visit starts and when it is finalised, the device is asked once for its current
position, off the UI path (a task on the page's loop) and for at most `LOCATE_TIMEOUT`
seconds. Refused, unavailable, no answer in time: the visit goes on without a location,
silently (it is optional); the log says why. Coordinates are never logged.

`start_visit` resumes the outlet's draft, or checks the mystery-shopper rotation rule,
asks for the position and starts the new visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.types import Location
    from app.views.shell import AppShell

log = logging.getLogger("hallcheck.views.location")

LOCATE_TIMEOUT = 5.0  # seconds: never hold up a check-in or check-out longer

_geolocators: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _geolocator(app: AppShell) -> Any:
    """One Geolocator service per running UI (a service must stay referenced, or Flet
    unregisters it)."""
    geo = _geolocators.get(app)
    if geo is None:
        import flet_geolocator as fg

        geo = fg.Geolocator()
        _geolocators[app] = geo
    return geo


async def current(app: AppShell, purpose: str = "location") -> Location | None:
    """The device's position now, or None. Never raises; never takes longer than
    LOCATE_TIMEOUT seconds."""
    from app.services.types import Location

    try:
        import flet as ft
        import flet_geolocator as fg

        geo = _geolocator(app)
        config = fg.GeolocatorConfiguration(
            accuracy=fg.GeolocatorPositionAccuracy.HIGH,
            time_limit=ft.Duration(milliseconds=int(LOCATE_TIMEOUT * 1000)))
        pos = await asyncio.wait_for(geo.get_current_position(configuration=config),
                                     LOCATE_TIMEOUT)
        if pos is None or pos.latitude is None or pos.longitude is None:
            log.info("%s without a location: the device gave no position", purpose)
            return None
        accuracy = pos.accuracy if pos.accuracy is not None and pos.accuracy >= 0 else None
        found = Location(float(pos.latitude), float(pos.longitude),
                         float(accuracy) if accuracy is not None else None)
        log.info("%s location recorded (accuracy %s m)", purpose,
                 "?" if accuracy is None else round(float(accuracy)))
        return found
    except TimeoutError:
        log.info("%s without a location: no position within %.0f s", purpose,
                 LOCATE_TIMEOUT)
    except Exception as exc:  # refused, no location service, no geolocator in the client
        log.info("%s without a location: %s", purpose, exc)
    return None


def locate_then(app: AppShell, purpose: str, then: Callable[[Location | None], Any],
                *, busy: Callable[[bool], Any] | None = None) -> None:
    """Ask for the position off the UI path, then call `then(location_or_None)` (guarded:
    an error in it is shown like any other). `busy(True/False)` brackets the wait."""

    def finish(found: Location | None) -> None:
        if busy is not None:
            with contextlib.suppress(Exception):
                busy(False)
        app.guard(lambda: then(found))()

    async def task() -> None:
        found = await current(app, purpose)
        finish(found)

    if busy is not None:
        busy(True)
    try:
        app.page.run_task(task)
    except Exception as exc:  # no event loop around: go on without a location
        log.info("%s without a location: %s", purpose, exc)
        finish(None)


def start_visit(app: AppShell, outlet_code: str, kind: str | None = None, *,
                busy: Callable[[bool], Any] | None = None) -> None:
    """Open the outlet's draft of this kind, or check in and start a new visit."""
    ws = app.ws
    kind = kind or app.kind
    draft = ws.inspections.find_draft(outlet_code, kind)
    if draft:
        app.notify(app.t("views.start.resumed"))
        app.go(f"/visit/{draft}")
        return

    def begin(found: Location | None) -> None:
        uuid = ws.inspections.start(kind, outlet_code, ws.settings.inspector_id,
                                    location=found)
        if kind == "open_inspection" and ws.actions.open_actions(outlet_code):
            app.go(f"/visit/{uuid}/actions?arrive=1")
        else:
            app.go(f"/visit/{uuid}")

    def check_in() -> None:
        locate_then(app, "check-in", begin, busy=busy)

    if kind == "mystery_shop":  # refused before waiting for a position, not after
        ws.inspections.check_rotation(outlet_code)
    check_in()
