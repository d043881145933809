"""The tables of the on-device database (SQLModel, one class per table).

Everything an inspector enters lives here: outlets and who inspects them, the checklist
definition each visit was made with (by content hash, so a later `checklists.yaml` never
changes a visit in progress), inspections with their answers, photos and veto flags,
corrective actions, assignments, and a key-value settings table.

The schema is created and changed only by the Alembic migrations in
`app/store/migrations/versions/`; these classes describe the schema at head, and a test
compares them with what the migrations build. Change both together.

Conventions:
- times are aware datetimes stored as UTC text (`UTCDateTime`); where a person reads a
  time, the device's UTC offset at that moment is kept beside it (`*_tz_offset_min`);
- answer values are JSON (`value_json`): yes_no -> true/false/"na", scale -> int/"na",
  number -> int/float, choice -> option id/"na", text -> str; photo items have no value;
- `status` is `draft` until finalised, then `finalized` and frozen (services refuse, and
  database triggers abort any change, see migration 0002);
- `sync_state` is for the sync client: local -> queued -> sent (or conflict/rejected).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class StoreModel(SQLModel):
    """Base of the device tables: their own MetaData (the sync server has its own)."""

    metadata: ClassVar[MetaData] = MetaData(naming_convention=NAMING_CONVENTION)


class Status(StrEnum):
    DRAFT = "draft"
    FINALIZED = "finalized"


class SyncState(StrEnum):
    LOCAL = "local"  # not ready to send (a draft)
    QUEUED = "queued"  # finalised, waiting in the outbox
    SENT = "sent"  # acknowledged by the server
    CONFLICT = "conflict"  # the server holds a different record under this id
    REJECTED = "rejected"  # the server refused it (see sync_error)


class PhotoSource(StrEnum):
    CAMERA = "camera"
    GALLERY = "gallery"


class ActionStatus(StrEnum):
    OPEN = "open"
    CARRIED = "carried"  # still open, due date moved on at a later visit
    CLOSED = "closed"


class Outlet(StoreModel, table=True):
    """A store that is inspected: an agent-channel outlet, a self-run hall or a competitor's."""

    __tablename__ = "outlet"

    code: str = Field(primary_key=True, max_length=64)
    name: str
    tier: str = Field(index=True)
    family: str = ""  # agent_channel | self_run_hall (from the tier)
    business_unit: str = ""
    region: str = ""
    address: str = ""
    cooperation_start: date | None = None
    competitor: bool = False
    phase: str | None = None  # None: the checklist file's default phase
    traffic: str | None = None  # busy | quiet | None (migration 0002)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Inspector(StoreModel, table=True):
    """A person who inspects: mystery shopper, area manager or outlet agent."""

    __tablename__ = "inspector"

    id: str = Field(primary_key=True, max_length=64)
    name: str
    role: str  # mystery_shopper | area_manager | outlet_agent


class Setting(StoreModel, table=True):
    """One device setting (language, role, endpoint, device token, PIN hash ...).

    Values are text; secrets (device token, PIN hash) are stored here and never logged.
    """

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class ChecklistDefinition(StoreModel, table=True):
    """A resolved checklist exactly as a visit used it, keyed by its content hash."""

    __tablename__ = "checklist_definition"

    content_hash: str = Field(primary_key=True, max_length=64)
    checklist_id: str
    version: int
    kind: str
    tier: str
    phase: str | None = None
    body: str  # ResolvedChecklist.model_dump_json()
    stored_at: datetime = Field(sa_type=UTCDateTime)


class Inspection(StoreModel, table=True):
    """One visit to one outlet with one checklist: a draft until finalised, then a record."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_status_started_at", "status", "started_at"),
        Index("ix_inspection_started_at", "started_at"),
        Index("ix_inspection_sync_state_created_seq", "sync_state", "created_seq"),
        Index("ix_inspection_outlet_code_started_at", "outlet_code", "started_at"),
        Index("ix_inspection_amends_uuid", "amends_uuid"),
    )

    uuid: str = Field(primary_key=True, max_length=36)
    kind: str
    tier: str
    phase: str | None = None
    outlet_code: str = Field(foreign_key="outlet.code", ondelete="RESTRICT")
    inspector_id: str
    checklist_id: str
    checklist_version: int
    checklist_hash: str = Field(
        foreign_key="checklist_definition.content_hash", ondelete="RESTRICT"
    )
    started_at: datetime = Field(sa_type=UTCDateTime)
    started_tz_offset_min: int = 0
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_tz_offset_min: int | None = None
    checkin_lat: float | None = None
    checkin_lon: float | None = None
    checkin_accuracy_m: float | None = None
    checkout_lat: float | None = None
    checkout_lon: float | None = None
    checkout_accuracy_m: float | None = None
    status: str = Field(default=Status.DRAFT.value)
    score_json: str | None = None  # ScoreResult snapshot taken at finalisation
    total_score: float | None = None
    complete: bool | None = None
    veto_count: int | None = None
    amends_uuid: str | None = Field(
        default=None, foreign_key="inspection.uuid", ondelete="RESTRICT"
    )
    amended_by: str | None = None
    amended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    amend_reason: str | None = None
    sync_state: str = Field(default=SyncState.LOCAL.value)
    sync_error: str | None = None
    synced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_seq: int = Field(unique=True)  # creation order on this device: outbox order


class Answer(StoreModel, table=True):
    """The answer and/or note for one item of one inspection (one row per item)."""

    __tablename__ = "answer"

    inspection_uuid: str = Field(
        primary_key=True, foreign_key="inspection.uuid", ondelete="CASCADE"
    )
    item_id: str = Field(primary_key=True)
    value_json: str | None = None  # None: no value (only a note, or cleared)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = None
    noted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Photo(StoreModel, table=True):
    """A photo attached to an item of an inspection; the file is content-addressed."""

    __tablename__ = "photo"
    __table_args__ = (
        UniqueConstraint("inspection_uuid", "item_id", "sha256"),
        Index("ix_photo_sha256", "sha256"),
        Index("ix_photo_sync_state", "sync_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    inspection_uuid: str = Field(foreign_key="inspection.uuid", ondelete="CASCADE")
    item_id: str
    sha256: str = Field(max_length=64)
    file: str  # path of the stored image, relative to the photos directory
    thumb: str | None = None  # path of the thumbnail, relative to the photos directory
    size_bytes: int
    width: int
    height: int
    captured_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attached_at: datetime = Field(sa_type=UTCDateTime)
    source: str  # camera | gallery
    sync_state: str = Field(default=SyncState.LOCAL.value)


class VetoFlag(StoreModel, table=True):
    """一票否决 raised by an answer: kept current on every answer/note/photo commit."""

    __tablename__ = "veto_flag"
    __table_args__ = (UniqueConstraint("inspection_uuid", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_uuid: str = Field(foreign_key="inspection.uuid", ondelete="CASCADE")
    item_id: str
    section_id: str
    scope: str  # section | visit
    reason_zh: str
    reason_en: str
    evidence_note: str | None = None
    evidence_photo: str | None = None  # sha256 of the first photo on the item
    raised_at: datetime = Field(sa_type=UTCDateTime)


class CorrectiveAction(StoreModel, table=True):
    """A finding an outlet must fix, raised in a coaching visit and closed in a later one."""

    __tablename__ = "corrective_action"
    __table_args__ = (Index("ix_corrective_action_outlet_code_status", "outlet_code", "status"),)

    id: str = Field(primary_key=True, max_length=36)
    outlet_code: str = Field(foreign_key="outlet.code", ondelete="RESTRICT")
    raised_in_uuid: str = Field(foreign_key="inspection.uuid", ondelete="RESTRICT")
    item_id: str | None = None
    description: str
    owner: str
    due_date: date
    status: str = Field(default=ActionStatus.OPEN.value)
    raised_at: datetime = Field(sa_type=UTCDateTime)
    carried_in_uuid: str | None = Field(
        default=None, foreign_key="inspection.uuid", ondelete="RESTRICT"
    )
    carried_count: int = 0
    closed_in_uuid: str | None = Field(
        default=None, foreign_key="inspection.uuid", ondelete="RESTRICT"
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closing_note: str | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Assignment(StoreModel, table=True):
    """A planned visit: which outlet, what kind, by whom, by when."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_due_date_inspector_id", "due_date", "inspector_id"),)

    id: str = Field(primary_key=True, max_length=64)
    outlet_code: str
    kind: str
    inspector_id: str | None = None
    due_date: date
    source: str = "manual"  # manual | server | demo
    done_uuid: str | None = None
    note: str | None = None  # the office's words with the visit (a covert one: an errand)


TABLES = (
    Outlet,
    Inspector,
    Setting,
    ChecklistDefinition,
    Inspection,
    Answer,
    Photo,
    VetoFlag,
    CorrectiveAction,
    Assignment,
)
