"""The operations a user performs, in words a user would use. No Flet imports.

Views and the CLI call only this package:

    from app.services import Workspace
    ws = Workspace.open()
    ws.settings / ws.outlets / ws.inspections / ws.actions / ws.assignments

and, for the app's screens, `DeviceSession(ws)` (who uses the device and how: role ->
checklist kind, discreet mode, the kiosk lock, resume-or-start), `DeviceSync` (one typed
sync status, sync now, enrol) and `app.services.process` (the process's one Workspace and
background sync).

Every change is committed to disk before the call returns (autosave); anything a user can
cause or fix is raised as a `UserError` with a message in both languages.
"""

from __future__ import annotations

from app.services.errors import FinaliseBlocked
from app.services.outlets import OutletData
from app.services.results import ScoreLines, SectionLine, VetoLine
from app.services.session import DeviceSession, VisitStart
from app.services.settings import SettingsSnapshot
from app.services.sync_status import DeviceSync, SyncPhase, SyncStatus
from app.services.types import (
    ActionInfo,
    AssignmentInfo,
    DemoReport,
    ImportProblem,
    ImportReport,
    InspectionState,
    InspectionSummary,
    Location,
    PhotoInfo,
    Saved,
    SectionProgress,
    StorageUsage,
    VetoInfo,
)
from app.services.workspace import Workspace

__all__ = [
    "ActionInfo",
    "AssignmentInfo",
    "DemoReport",
    "DeviceSession",
    "DeviceSync",
    "FinaliseBlocked",
    "ImportProblem",
    "ImportReport",
    "InspectionState",
    "InspectionSummary",
    "Location",
    "OutletData",
    "PhotoInfo",
    "Saved",
    "ScoreLines",
    "SectionLine",
    "SectionProgress",
    "SettingsSnapshot",
    "StorageUsage",
    "SyncPhase",
    "SyncStatus",
    "VetoInfo",
    "VetoLine",
    "VisitStart",
    "Workspace",
]
