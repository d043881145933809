"""What the services hand to views and the CLI: plain, immutable snapshots.

Nothing here is bound to a database session, so a view may keep these as long as it likes;
after any change it asks the service again (`state()`, `list_drafts()` ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from app.checklists.resolve import ResolvedChecklist
from app.programme.outlets import CsvProblem


@dataclass(frozen=True)
class Location:
    """A GPS fix at check-in or check-out (degrees; accuracy radius in metres)."""

    lat: float
    lon: float
    accuracy_m: float | None = None

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"not a location: lat={self.lat}, lon={self.lon}")
        if self.accuracy_m is not None and self.accuracy_m < 0:
            raise ValueError("accuracy must be >= 0")

    @classmethod
    def coerce(cls, value: Location | Mapping[str, Any] | tuple[float, ...] | None
               ) -> Location | None:
        """Accept a Location, a mapping with lat/lon[/accuracy_m] or a (lat, lon[, acc])."""
        if value is None or isinstance(value, Location):
            return value
        if isinstance(value, Mapping):
            return cls(float(value["lat"]), float(value["lon"]),
                       _opt_float(value.get("accuracy_m", value.get("accuracy"))))
        lat, lon, *rest = value
        return cls(float(lat), float(lon), _opt_float(rest[0]) if rest else None)


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def local_time(moment: datetime | None, offset_min: int | None) -> datetime | None:
    """A stored UTC moment shown in the device's offset at the time it happened."""
    if moment is None:
        return None
    return moment.astimezone(timezone(timedelta(minutes=offset_min or 0)))


@dataclass(frozen=True)
class InspectionSummary:
    """One inspection as a list shows it."""

    uuid: str
    kind: str
    tier: str
    outlet_code: str
    outlet_name: str
    inspector_id: str
    checklist_id: str
    checklist_version: int
    status: str  # draft | finalized
    started_at: datetime  # UTC
    started_tz_offset_min: int
    finished_at: datetime | None
    total_score: float | None
    complete: bool | None
    veto_count: int | None
    sync_state: str
    sync_error: str | None
    amends_uuid: str | None
    amended_by: str | None
    amended_at: datetime | None
    amend_reason: str | None
    created_seq: int

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_amendment(self) -> bool:
        return self.amends_uuid is not None

    @property
    def started_local(self) -> datetime:
        result = local_time(self.started_at, self.started_tz_offset_min)
        assert result is not None
        return result


@dataclass(frozen=True)
class PhotoInfo:
    """A photo attached to an item."""

    sha256: str
    item_id: str
    path: Path
    thumb_path: Path | None
    width: int
    height: int
    size_bytes: int
    captured_at: datetime | None
    source: str  # camera | gallery
    sync_state: str = "local"


@dataclass(frozen=True)
class VetoInfo:
    """A current 一票否决 flag on an inspection."""

    item_id: str
    section_id: str
    scope: str  # section | visit
    reason_zh: str
    reason_en: str
    evidence_note: str | None
    evidence_photo: str | None

    @property
    def evidenced(self) -> bool:
        return bool(self.evidence_note or self.evidence_photo)

    def reason(self, lang: str | None = None) -> str:
        return self.reason_en if (lang or "").startswith("en") else self.reason_zh


@dataclass(frozen=True)
class Saved:
    """What `answer`/`note`/`clear_answer` return once the change is committed to disk."""

    uuid: str
    item_id: str
    value: Any  # the stored (normalised) value; None when cleared
    note: str | None
    saved_at: datetime
    vetoed: bool  # the item now carries a veto flag


@dataclass(frozen=True)
class SectionProgress:
    """How far one section is: `answered` of its `visible` items carry an answer; of the
    `needed` ones (required items, and any item whose photo or note an answer made due)
    `complete` have all they need. Done only when nothing needed is outstanding, so an
    answer that asks for evidence keeps the section open until it is given (issue 12)."""

    section_id: str
    answered: int
    visible: int
    needed: int = 0
    complete: int = 0

    @property
    def done(self) -> bool:
        return self.complete >= self.needed


@dataclass(frozen=True)
class InspectionState:
    """Everything a checklist screen needs about one inspection, computed live."""

    summary: InspectionSummary
    checklist: ResolvedChecklist
    answers: dict[str, Any]  # item id -> value (items without a value are absent)
    notes: dict[str, str]
    photos: dict[str, list[PhotoInfo]]
    visible: list[str]  # ids of the items shown, in checklist order
    score: Any  # app.checklists.scoring.ScoreResult
    problems: list[Any]  # app.checklists.evaluation.Missing (empty: ready to finalise)
    progress: dict[str, SectionProgress]
    vetoes: list[VetoInfo]
    checkin: Location | None = None
    checkout: Location | None = None
    answered_at: dict[str, datetime] = field(default_factory=dict)

    @property
    def uuid(self) -> str:
        return self.summary.uuid

    @property
    def is_draft(self) -> bool:
        return self.summary.is_draft

    @property
    def ready(self) -> bool:
        """True when finalising would succeed."""
        return not self.problems

    @property
    def answered_count(self) -> int:
        return sum(p.answered for p in self.progress.values())

    @property
    def visible_count(self) -> int:
        return sum(p.visible for p in self.progress.values())

    @property
    def needed_count(self) -> int:
        """Items that must be filled in (required ones, and evidence now due): what the
        overall count shows (an optional item never keeps it below a full bar)."""
        return sum(p.needed for p in self.progress.values())

    @property
    def complete_count(self) -> int:
        return sum(p.complete for p in self.progress.values())


# One thing wrong in an imported file, located by line (1 = the header): the problem the
# shared outlet-CSV reader reports, handed on as it is.
ImportProblem = CsvProblem


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: all rows stored, or (with errors) nothing stored."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class DemoReport:
    outlets: list[str]
    inspector_id: str
    assignments: list[str]


@dataclass(frozen=True)
class ActionInfo:
    """A corrective action and where it stands."""

    id: str
    outlet_code: str
    description: str
    owner: str
    due_date: date
    status: str  # open | carried | closed
    raised_in_uuid: str
    raised_at: datetime
    item_id: str | None
    carried_in_uuid: str | None
    carried_count: int
    closed_in_uuid: str | None
    closed_at: datetime | None
    closing_note: str | None

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due_date < today


@dataclass(frozen=True)
class AssignmentInfo:
    id: str
    outlet_code: str
    outlet_name: str | None
    kind: str
    inspector_id: str | None
    due_date: date
    source: str
    done_uuid: str | None
    note: str | None = None  # the office's words with it (a covert visit's: an errand)

    @property
    def done(self) -> bool:
        return self.done_uuid is not None


@dataclass(frozen=True)
class StorageUsage:
    """Bytes on this device: the database (with its WAL) and the photo store."""

    database_bytes: int
    photos_bytes: int
    photo_count: int

    @property
    def total_bytes(self) -> int:
        return self.database_bytes + self.photos_bytes
