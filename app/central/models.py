"""The central endpoint's own tables (a metadata of their own, apart from the device store).

The schema is created and evolved by the alembic migrations in `migrations/`; these models
are how the code reads and writes it. Times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ServerModel(SQLModel, registry=registry()):
    """Base of the server's tables; `ServerModel.metadata` is the server schema."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class Inspector(ServerModel, table=True):
    __tablename__ = "inspectors"
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    role: str = Field(default="mystery_shopper", max_length=32)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # an outlet agent's own outlet: its kiosk files self-checks of this outlet only (0002)
    outlet_code: str | None = Field(default=None, max_length=64)


class Outlet(ServerModel, table=True):
    __tablename__ = "outlets"
    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    tier: str = Field(max_length=64)
    region: str | None = Field(default=None, max_length=200)
    business_unit: str | None = Field(default=None, max_length=200, index=True)
    address: str | None = Field(default=None, max_length=500)
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # --- month close (issue 9, migration 0004): the money rules' master data ---
    outlet_class: str | None = Field(default=None, max_length=8)  # A / B / C
    area_manager: str | None = Field(default=None, max_length=64)  # 片区经理
    owner: str | None = Field(default=None, max_length=200)  # 代办业主
    cooperation_start: date | None = None
    competitor: bool = False  # 同业: inspected for comparison, never ranked or paid
    # --- end month close ---
    # --- visit planning (issue 10, migration 0005): when and how often it is shopped ---
    opening_hours: str | None = Field(default=None, max_length=200)  # parse_hours text
    city_class: str | None = Field(default=None, max_length=16)  # central|county|town|village
    important: bool = False  # important / high-traffic: more covert visits a month
    traffic: str | None = Field(default=None, max_length=16)  # busy | quiet
    visits_per_month: int | None = None  # None: the planning rules'
    every_months: int | None = None  # shopped every N months (a competitor's own frequency)
    # --- end visit planning ---


class Assignment(ServerModel, table=True):
    __tablename__ = "assignments"
    id: int | None = Field(default=None, primary_key=True)
    inspector_id: str = Field(max_length=64, index=True)
    outlet_code: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    due_from: date | None = None
    due_by: date | None = None
    note: str | None = Field(default=None, max_length=1000)
    done: bool = False


class EnrolCode(ServerModel, table=True):
    __tablename__ = "enrol_codes"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=8)  # the first characters, to tell codes apart in a list
    role: str = Field(default="device", max_length=16)
    inspector_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    used_by: str | None = Field(default=None, max_length=64)
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    outlet_code: str | None = Field(default=None, max_length=64)  # a kiosk's outlet (0002)


class Device(ServerModel, table=True):
    __tablename__ = "devices"
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    platform: str | None = Field(default=None, max_length=100)
    role: str = Field(default="device", max_length=16)
    inspector_id: str | None = Field(default=None, max_length=64)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_seen_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    outlet_code: str | None = Field(default=None, max_length=64)  # a kiosk's outlet (0002)


class Inspection(ServerModel, table=True):
    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_outlet", "outlet_code"),
        # a shopper's covert visits by time: the rotation flag and /visits/recent (0002)
        Index("ix_inspections_rotation", "inspector_id", "kind", "finalized_at"),
        # the review queue, oldest first within a state (migration 0003)
        Index("ix_inspections_queue", "review_state", "received_at", "seq"),
        Index("ix_inspections_amends_uuid", "amends_uuid"),
        Index("ix_inspections_inspector_state", "inspector_id", "review_state"),
    )
    seq: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36, unique=True)
    device_id: str = Field(max_length=64, index=True)
    inspector_id: str = Field(max_length=64)
    outlet_code: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    tier: str = Field(max_length=64)
    status: str = Field(max_length=16)
    checklist_id: str = Field(max_length=64)
    checklist_version: int
    checklist_hash: str = Field(max_length=64)
    started_at: datetime = Field(sa_column=_ts())
    finalized_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    phase: str | None = Field(default=None, max_length=64)
    score_total: float | None = None  # the server's score (re-scored on arrival); the one used
    device_score_total: float | None = None  # what the device claimed, kept as a claim
    score_detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # issue 9 (0007): the breakdown's failed items and vetoes alone, for the month close
    failed_items: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    voided: bool = False  # a visit-level 一票否决 voided the whole score
    veto_count: int = 0
    flags: str = Field(default="[]", sa_column=Column(Text, nullable=False,
                                                      server_default="[]"))
    time_on_site_s: int | None = None
    review_state: str = Field(default="received", max_length=16, index=True)
    # the last review decision (migration 0003): when, by whom, and the reason or
    # rejection reason code the inspector or the audit is shown
    reviewed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    reviewed_by: str | None = Field(default=None, max_length=64)
    review_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    amends_uuid: str | None = Field(default=None, max_length=36)
    body_sha256: str = Field(max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))


class InspectionPhoto(ServerModel, table=True):
    """Which photos an inspection lists (to tell when all of them have arrived)."""

    __tablename__ = "inspection_photos"
    inspection_seq: int = Field(primary_key=True)
    sha256: str = Field(primary_key=True, max_length=64, index=True)


class Photo(ServerModel, table=True):
    __tablename__ = "photos"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    device_id: str = Field(max_length=64)
    stored_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class Conflict(ServerModel, table=True):
    """An upload refused because it differs from what is stored: kept for a person to review."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("uuid", "device_id", "body_sha256"),
                      Index("ix_conflicts_device", "device_id"))  # the per-device cap (0002)
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36, index=True)
    device_id: str = Field(max_length=64)
    received_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    reason: str = Field(max_length=64)
    body_sha256: str = Field(max_length=64)
    stored_body_sha256: str | None = Field(default=None, max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))


class IssuedChecklist(ServerModel, table=True):
    """Every checklist definition the server has ever issued, by content hash: an upload is
    re-scored against exactly the definition it names, never against today's file."""

    __tablename__ = "issued_checklists"
    content_hash: str = Field(primary_key=True, max_length=64)
    checklist_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    tier: str = Field(max_length=64)
    phase: str | None = Field(default=None, max_length=64)
    version: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    first_issued_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class EnrolAttempt(ServerModel, table=True):
    """A refused enrolment, by client address: the delay before that address may try again
    grows with its recent refusals. Kept in the database, so every worker sees the same."""

    __tablename__ = "enrol_attempts"
    __table_args__ = (Index("ix_enrol_attempts_client", "client", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class AuditEntry(ServerModel, table=True):
    """One transition of a result (received, approved, returned, rejected, disputed...):
    appended, never edited."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_uuid", "inspection_uuid", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    inspection_uuid: str = Field(max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    actor_kind: str = Field(max_length=16)  # device | manager | system
    actor_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# --- review and the manager console (migration 0003) --------------------------------------


class Manager(ServerModel, table=True):
    """A console account (渠道管理): reviewer, manager or viewer, optionally limited to one
    business unit. Only an argon2 hash of the password is kept."""

    __tablename__ = "managers"
    username: str = Field(primary_key=True, max_length=64)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    business_unit: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    active: bool = True
    failed_logins: int = 0  # wrong passwords since the last success or lock
    lockouts: int = 0  # locks since the last successful login (the lock time grows)
    locked_until: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_login_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    disabled_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class ManagerSession(ServerModel, table=True):
    """A console login: kept in the database (any worker can check it), only the token's
    SHA-256 stored; it ends at logout, after idling, at its absolute expiry, or when the
    account is disabled."""

    __tablename__ = "manager_sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    username: str = Field(max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    ended_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    client: str | None = Field(default=None, max_length=200)


class Dispute(ServerModel, table=True):
    """An outlet's dispute (申诉) of an approved result, recorded by a manager and decided
    upheld or overturned with a reason."""

    __tablename__ = "disputes"
    id: int | None = Field(default=None, primary_key=True)
    inspection_uuid: str = Field(max_length=36, index=True)
    state: str = Field(default="open", max_length=16)  # open | upheld | overturned
    statement: str = Field(sa_column=Column(Text, nullable=False))
    opened_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    opened_by: str = Field(max_length=64)
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    decided_by: str | None = Field(default=None, max_length=64)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# --- month close (issue 9, migration 0004) ---------------------------------------------
# A closed month is frozen: its rows are refused UPDATE and DELETE by triggers (0004), like
# the audit log. Money is whole cents (BIGINT); the figures are the export's JSON.


class CommissionBaseRow(ServerModel, table=True):
    """A monthly commission base of an outlet class in a region for a quarter or half-year
    (hallcheck admin bases import): replaced by a later import of the same period."""

    __tablename__ = "commission_bases"
    __table_args__ = (UniqueConstraint("outlet_class", "region", "period",
                                       name="uq_commission_bases_period"),)
    id: int | None = Field(default=None, primary_key=True)
    outlet_class: str = Field(max_length=8)
    region: str = Field(default="", max_length=200)
    period: str = Field(max_length=7)  # 2025-Q1 ... 2025-H2
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class MonthClose(ServerModel, table=True):
    """One closed month: who closed it, under which rules, and the frozen document without
    its outlet rows (those are MonthOutletFigures)."""

    __tablename__ = "month_closes"
    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    closed_at: datetime = Field(sa_column=_ts())
    closed_by: str = Field(max_length=64)
    rules_version: str = Field(max_length=64)
    rules_hash: str = Field(max_length=64)
    outlets: int
    ranked: int
    header: str = Field(sa_column=Column(Text, nullable=False))  # export minus outlets, JSON
    inputs: str = Field(sa_column=Column(Text, nullable=False))  # perception + bases, JSON


class MonthOutletFigures(ServerModel, table=True):
    """One outlet's frozen month: the export row (with its explanations)."""

    __tablename__ = "month_outlets"
    __table_args__ = (Index("ix_month_outlets_code", "outlet_code", "month"),
                      Index("ix_month_outlets_unit", "business_unit", "month"))
    month: str = Field(primary_key=True, max_length=7)
    outlet_code: str = Field(primary_key=True, max_length=64)
    position: int  # master-data order in the export
    business_unit: str | None = Field(default=None, max_length=200)
    family: str = Field(max_length=32)
    composite: float | None = None
    rank_unit: int | None = None
    rank_province: int | None = None
    commission_cents: int | None = Field(default=None,
                                         sa_column=Column(BigInteger, nullable=True))
    figures: str = Field(sa_column=Column(Text, nullable=False))  # export row, JSON
    why: str = Field(sa_column=Column(Text, nullable=False))  # figure -> Why dict, JSON
    # what the later months read back (past_month_from_export's fields of the row), JSON:
    # the history of a close is a few fields of 12+ months, not their whole rows
    past: str = Field(sa_column=Column(Text, nullable=False))


class MonthCountedResult(ServerModel, table=True):
    """A result counted in a closed month, with the server score it was counted at."""

    __tablename__ = "month_results"
    __table_args__ = (Index("ix_month_results_uuid", "uuid"),)
    month: str = Field(primary_key=True, max_length=7)
    uuid: str = Field(primary_key=True, max_length=36)
    root_uuid: str = Field(max_length=36)
    outlet_code: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    score: float | None = None


class MonthAdjustmentLine(ServerModel, table=True):
    """A line carried into a closed month from an earlier closed one (a result that arrived
    late or was overturned after that close), frozen with the month it was paid in."""

    __tablename__ = "month_adjustments"
    __table_args__ = (Index("ix_month_adjustments_source", "source_month", "outlet_code"),)
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # the month that carries the line
    source_month: str = Field(max_length=7)
    outlet_code: str = Field(max_length=64)
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(max_length=32)
    results: str = Field(sa_column=Column(Text, nullable=False))  # uuids, JSON

# --- end month close ----------------------------------------------------------------------


# --- visit plans (issue 10, migration 0005) ---------------------------------------------


class PlanShopper(ServerModel, table=True):
    """A mystery shopper of the planning pool (an inspector): where they go, when they can,
    how many visits a day, and the outlets where they are known. Lists are JSON text."""

    __tablename__ = "plan_shoppers"
    id: str = Field(primary_key=True, max_length=64)  # the inspector id
    home_region: str = Field(max_length=200)
    regions: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    weekdays: str = Field(default="[0,1,2,3,4,5,6]", sa_column=Column(Text, nullable=False))
    dates: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    unavailable: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    max_per_day: int | None = None  # None: the planning rules' default
    excluded: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class VisitPlan(ServerModel, table=True):
    """A covert or coaching plan for a month, as the planner gave it (`body`, the plan's
    to_dict) with its seed and inputs digest, and how far it went: draft, published, or
    superseded by a newer proposal."""

    __tablename__ = "visit_plans"
    __table_args__ = (Index("ix_visit_plans_month", "kind", "month", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # covert | coaching
    month: str = Field(max_length=7)
    state: str = Field(default="draft", max_length=16)
    seed: int | None = None
    inputs_digest: str | None = Field(default=None, max_length=64)
    ranking_month: str | None = Field(default=None, max_length=7)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    created_by: str = Field(max_length=64)
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    published_by: str | None = Field(default=None, max_length=64)
    revision: int = 0  # bumped by every move and the publish: a stale edit is refused


class PlannedVisit(ServerModel, table=True):
    """One visit of a stored plan, as rows: the rotation history of later plans (by shopper
    and outlet), the status against results, and the assignment it was published as."""

    __tablename__ = "planned_visits"
    __table_args__ = (UniqueConstraint("plan_id", "visit_id", name="uq_planned_visits_visit"),
                      Index("ix_planned_visits_pair", "person", "outlet_code"))
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(index=True)
    visit_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)  # mystery_shop | open_inspection
    outlet_code: str = Field(max_length=64)
    person: str = Field(max_length=64)  # the shopper or the area manager
    day: date
    starts_at: datetime = Field(sa_column=_ts())  # UTC: the window (coaching: the day)
    ends_at: datetime = Field(sa_column=_ts())
    assignment_id: int | None = None


# --- end visit plans ---


# --- customer perception (issue 11, migration 0006) -------------------------------------
# Times here are the perception rules' own: local seconds (app/programme/perception/clock.py,
# UTC+8) as BIGINT, so the 24-hour and 62-day rules are subtractions in SQL and Python alike.
# A customer is only ever a keyed hash (HMAC-SHA256, key in the server's settings).


class PerceptionImport(ServerModel, table=True):
    """One file taken in (transactions, replies): what it held, never its numbers."""

    __tablename__ = "perception_imports"
    __table_args__ = (UniqueConstraint("file_kind", "sha256",
                                       name="uq_perception_imports_file"),)
    id: int | None = Field(default=None, primary_key=True)
    file_kind: str = Field(max_length=16)  # transactions | replies
    sha256: str = Field(max_length=64)
    rows: int = 0
    key_fingerprint: str = Field(max_length=32)
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # counts, JSON
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    created_by: str | None = Field(default=None, max_length=64)


class PerceptionTransaction(ServerModel, table=True):
    """A transaction of an imported export (hash only): the send lists' and counts' input."""

    __tablename__ = "perception_transactions"
    __table_args__ = (Index("ix_perception_transactions_month", "month", "outlet_code"),)
    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(index=True)
    line: int
    at: int = Field(sa_column=Column(BigInteger, nullable=False))
    month: str = Field(max_length=7)
    outlet_code: str = Field(max_length=64)
    staff_id: str = Field(max_length=64)
    business_type: str = Field(max_length=64)
    customer_hash: str = Field(max_length=64)


class PerceptionBatch(ServerModel, table=True):
    """One send list: when it was made, for when, under which key."""

    __tablename__ = "perception_batches"
    batch_id: str = Field(primary_key=True, max_length=48)
    made_at: int = Field(sa_column=Column(BigInteger, nullable=False))  # the batch's `now`
    sends: int = 0
    key_fingerprint: str = Field(max_length=32)
    file_sha256: str = Field(max_length=64)
    summary: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class PerceptionSend(ServerModel, table=True):
    """A rating text that went out: what replies are matched to, and the two-month rule's
    history (customer hash and scheduled time)."""

    __tablename__ = "perception_sends"
    __table_args__ = (Index("ix_perception_sends_customer", "customer_hash", "at"),
                      Index("ix_perception_sends_month", "month", "outlet_code"),
                      Index("ix_perception_sends_at", "at"))
    send_id: str = Field(primary_key=True, max_length=64)
    batch_id: str = Field(max_length=48, index=True)
    customer_hash: str = Field(max_length=64)
    at: int = Field(sa_column=Column(BigInteger, nullable=False))  # scheduled
    transaction_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    month: str = Field(max_length=7)  # of the transaction: a reply counts there
    outlet_code: str = Field(max_length=64)
    staff_id: str = Field(max_length=64)
    business_type: str = Field(max_length=64)
    category: str = Field(max_length=32)
    line: int = 0
    key_fingerprint: str = Field(max_length=32)


class PerceptionReply(ServerModel, table=True):
    """A counted rating: the first readable reply to a send (one per send)."""

    __tablename__ = "perception_replies"
    send_id: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=16)
    received_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    import_id: int = Field(index=True)
    line: int = 0
