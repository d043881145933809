"""Who uses this device and how: the checklist kind a role does, when screens are discreet,
which outlet a kiosk is locked to, where a fresh start lands, and starting or resuming a
visit. The screens show what this decides; nothing here knows about Flet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from app.checklists import Kind
from app.errors import UserError
from app.services.types import AssignmentInfo, Location

if TYPE_CHECKING:
    from app.services.workspace import Workspace

log = logging.getLogger(__name__)

ROLE_KIND: dict[str, Kind] = {
    "mystery_shopper": Kind.MYSTERY_SHOP,  # 暗访
    "area_manager": Kind.OPEN_INSPECTION,  # 明查 / 走访指导
    "outlet_agent": Kind.SELF_CHECK,  # 自查
    "surveyor": Kind.INTERCEPT,  # 拦截调查 at the hall door (issue 11)
}
DEFAULT_KIND = Kind.OPEN_INSPECTION
RESUME_KEY = "ui_resume_route"  # where the person was (a screen's route), kept across kills
KIOSK_IDLE_KEY = "ui_kiosk_idle_minutes"
KIOSK_IDLE_MINUTES = 5.0
KIOSK_IDLE_FLOOR = 0.5  # minutes: a typo in the setting must not lock every few seconds
KIOSK_INSPECTOR = "kiosk"  # who a self-check is by when nobody is named on the tablet


def kind_for_role(role: str | None) -> str:
    """The checklist kind a role does (a manager's coaching visit when unknown)."""
    return ROLE_KIND.get(role or "", DEFAULT_KIND).value


@dataclass(frozen=True)
class VisitStart:
    """A visit just started; `actions_first`: a coaching visit to an outlet with open
    corrective actions, which are followed up on arrival, before the checklist."""

    uuid: str
    actions_first: bool


class DeviceSession:
    """The device's person and mode, read from the settings each time (never stale)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    # -- who and how ---------------------------------------------------------------------

    @property
    def role(self) -> str | None:
        return self._ws.settings.role

    @property
    def is_set_up(self) -> bool:
        """First run is done: a role and a staff id."""
        s = self._ws.settings
        return bool(s.role and s.inspector_id)

    @property
    def kind(self) -> str:
        """The checklist kind this device's person does."""
        return kind_for_role(self.role)

    @property
    def kiosk_outlet(self) -> str | None:
        """The outlet a shared tablet is locked to (only in the outlet agent's role)."""
        if self.role != "outlet_agent":
            return None
        return self._ws.settings.kiosk_outlet

    def discreet(self, visit_kind: str | None = None) -> bool:
        """Whether screens must not look like an audit: a covert visit on screen, or
        (no visit on screen) a mystery shopper's device."""
        if visit_kind is not None:
            return visit_kind == Kind.MYSTERY_SHOP.value
        return self.role == "mystery_shopper"

    def todays_tasks(self, day: date | None = None) -> list[AssignmentInfo]:
        """The visits planned for today that this person may do: theirs (or nobody's in
        particular) and of the kind their role does, so an outlet agent is never handed a
        covert visit, even one planned for their staff ID by mistake."""
        kind = self.kind
        return [a for a in self._ws.assignments.for_day(day, self._ws.settings.inspector_id)
                if a.kind == kind]

    def idle_minutes(self) -> float:
        """Minutes without a touch before a kiosk returns to a fresh start."""
        raw = self._ws.settings.get(KIOSK_IDLE_KEY)
        if not raw:
            return KIOSK_IDLE_MINUTES
        try:
            return max(KIOSK_IDLE_FLOOR, float(raw))
        except ValueError:
            log.warning("setting %s is not a number; using %s minutes", KIOSK_IDLE_KEY,
                        KIOSK_IDLE_MINUTES)
            return KIOSK_IDLE_MINUTES

    # -- where a fresh start lands -------------------------------------------------------

    def saved_place(self) -> str | None:
        return self._ws.settings.get(RESUME_KEY)

    def save_place(self, place: str | None) -> None:
        """Remember where the person is (None: nowhere to come back to). Best effort: a
        database too busy to take it costs the resume point, not the screen."""
        try:
            if place != self.saved_place():
                self._ws.settings.set(RESUME_KEY, place)
        except SQLAlchemyError:
            log.warning("could not remember where the person is", exc_info=True)

    def can_reopen(self, uuid: str, *, as_result: bool) -> bool:
        """Whether a visit's screen can be shown again after a restart: its own screens
        only while it is a draft, its result whenever it exists."""
        try:
            summary = self._ws.inspections.summary(uuid)
        except UserError:  # gone (deleted draft) or never on this device
            return False
        return as_result or summary.is_draft

    def kiosk_visit(self, uuid: str) -> bool:
        """Whether a visit belongs to the outlet this kiosk is locked to (a locked kiosk
        opens nothing else)."""
        code = self.kiosk_outlet
        if code is None:
            return True
        try:
            return self._ws.inspections.summary(uuid).outlet_code == code
        except UserError:  # no such visit on this device
            return False

    # -- starting a visit ----------------------------------------------------------------

    def resume_or_check(self, outlet_code: str, kind: str | None = None) -> str | None:
        """The outlet's draft of this kind to carry on with, if there is one. Otherwise
        None, once the rules allow a new visit (the mystery-shopper rotation rule raises
        a UserError before anyone waits for a check-in position)."""
        kind = kind or self.kind
        draft = self._ws.inspections.find_draft(outlet_code, kind)
        if draft is not None:
            return draft
        if kind == Kind.MYSTERY_SHOP.value:
            self._ws.inspections.check_rotation(outlet_code)
        return None

    def begin(self, outlet_code: str, kind: str | None = None,
              location: Location | None = None) -> VisitStart:
        """Start a new visit (checked in at `location` when the device gave one)."""
        kind = kind or self.kind
        ws = self._ws
        uuid = ws.inspections.start(kind, outlet_code, ws.settings.inspector_id,
                                    location=location)
        actions_first = (kind == Kind.OPEN_INSPECTION.value
                         and bool(ws.actions.open_actions(outlet_code)))
        return VisitStart(uuid, actions_first)

    # -- the kiosk -----------------------------------------------------------------------

    def start_self_check(self) -> str:
        """A new self-check at the kiosk's outlet."""
        code = self.kiosk_outlet
        if code is None:
            raise UserError("services.settings.kiosk_outlet_missing")
        inspector = self._ws.settings.inspector_id or KIOSK_INSPECTOR
        return self._ws.inspections.start(Kind.SELF_CHECK.value, code, inspector)

    def enable_kiosk(self, outlet_code: str, pin: str = "") -> None:
        """Lock this device to one outlet as its shared self-check tablet. A manager PIN
        must exist (given now, or set before): it is the only way out of the kiosk."""
        s = self._ws.settings
        code = (outlet_code or "").strip()
        if not code:
            raise UserError("services.settings.kiosk_outlet_missing")
        self._ws.outlets.require(code)  # an unknown outlet changes nothing, not even the PIN
        pin = (pin or "").strip()
        if pin:
            s.set_manager_pin(pin)
        elif not s.has_manager_pin:
            raise UserError("services.settings.pin_missing")
        s.set_kiosk_outlet(code)
        s.set_role("outlet_agent")
        if not s.inspector_id:
            s.set_inspector(KIOSK_INSPECTOR)

    def disable_kiosk(self) -> None:
        self._ws.settings.set_kiosk_outlet(None)
