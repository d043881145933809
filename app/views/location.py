"""Optional check-in / check-out location (签到 / 签退) from flet-geolocator.

When a visit starts and when it is finalised, the device is asked once for its current
position, off the UI path (a task on the page's loop) and for at most `LOCATE_TIMEOUT`
seconds. Refused, unavailable, no answer in time: the visit goes on without a location,
silently (it is optional); the log says why. Coordinates are never logged.

`start_visit` resumes the outlet's draft, or (once services.session allows a new visit:
the mystery-shopper rotation rule) asks for the position and starts the new visit.
"""

from __future__ import annotations

import asyncio
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
    except TypeError:  # flet-geolocator 1.0.5 when the client answers no position at all
        log.info("%s without a location: the device gave no position", purpose)
    except RuntimeError as exc:  # what the client reports: refused, no location service
        log.info("%s without a location: %s", purpose, exc)
    except ImportError as exc:  # a build without flet-geolocator
        log.warning("%s without a location: %s", purpose, exc)
    except ValueError:  # coordinates that are not a place on Earth (never logged)
        log.warning("%s without a location: the device gave an impossible position",
                    purpose)
    return None


def locate_then(app: AppShell, purpose: str, then: Callable[[Location | None], Any],
                *, busy: Callable[[bool], Any] | None = None) -> None:
    """Ask for the position off the UI path, then call `then(location_or_None)` (guarded:
    an error in it is shown like any other). `busy(True/False)` brackets the wait."""

    def finish(found: Location | None) -> None:
        if busy is not None:
            app.guard(lambda: busy(False))()
        app.guard(lambda: then(found))()

    async def task() -> None:
        found = await current(app, purpose)
        finish(found)

    if busy is not None:
        busy(True)
    app.page.run_task(task)


def start_visit(app: AppShell, outlet_code: str, kind: str | None = None, *,
                busy: Callable[[bool], Any] | None = None) -> None:
    """Open the outlet's draft of this kind, or check in and start a new visit (the rules
    are services.session's; this only asks the device where it is in between)."""
    draft = app.session.resume_or_check(outlet_code, kind)
    if draft is not None:
        app.notify(app.t("views.start.resumed"))
        app.go(f"/visit/{draft}")
        return

    def begin(found: Location | None) -> None:
        started = app.session.begin(outlet_code, kind, found)
        app.go(f"/visit/{started.uuid}/actions?arrive=1" if started.actions_first
               else f"/visit/{started.uuid}")

    locate_then(app, "check-in", begin, busy=busy)
