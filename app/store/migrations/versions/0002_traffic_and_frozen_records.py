"""Outlet traffic (busy/quiet) and database-enforced immutability of finalised visits.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02

- `outlet.traffic`: busy outlets weigh business handling, quiet ones selling (domain.md).
- Triggers: once an inspection is `finalized`, nothing about it may change but its sync
  bookkeeping (inspection sync_state, sync_error, synced_at; photo sync_state): its
  answers, photos and veto flags can be neither inserted, updated nor deleted, and the
  inspection row cannot be deleted.
  The services refuse first with a readable message; these triggers make the rule hold
  for any code path, raw SQL included.

A later migration that adds a column to `inspection` or `photo` must recreate
`inspection_frozen_update` / `photo_frozen_update` with the new column in its list (a test checks the list covers
every column), and one that rebuilds answer/photo/veto_flag with batch mode must recreate
their triggers (SQLite drops a table's triggers with the table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FROZEN_MESSAGE = "hallcheck: a finalized inspection cannot be changed"

# Every column of `inspection` at this revision except the sync bookkeeping.
INSPECTION_FROZEN_COLUMNS = (
    "uuid", "kind", "tier", "phase", "outlet_code", "inspector_id", "checklist_id",
    "checklist_version", "checklist_hash", "started_at", "started_tz_offset_min",
    "finished_at", "finished_tz_offset_min", "checkin_lat", "checkin_lon",
    "checkin_accuracy_m", "checkout_lat", "checkout_lon", "checkout_accuracy_m", "status",
    "score_json", "total_score", "complete", "veto_count", "amends_uuid", "amended_by",
    "amended_at", "amend_reason", "created_seq",
)
CHILD_TABLES = ("answer", "photo", "veto_flag")


def _frozen(ref: str) -> str:
    return (f"(SELECT status FROM inspection WHERE uuid = {ref}.inspection_uuid)"
            " = 'finalized'")


# Every column of `photo` at this revision except its sync bookkeeping (sync_state).
PHOTO_FROZEN_COLUMNS = (
    "id", "inspection_uuid", "item_id", "sha256", "file", "thumb", "size_bytes", "width",
    "height", "captured_at", "attached_at", "source",
)


def child_triggers(table: str) -> list[str]:
    update_when = f"{_frozen('OLD')} OR {_frozen('NEW')}"
    if table == "photo":  # the sync client marks photos sent after the visit is final
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in PHOTO_FROZEN_COLUMNS)
        update_when = f"({update_when}) AND ({changed})"
    return [
        f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
        f"WHEN {_frozen('NEW')} BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END",
        f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
        f"WHEN {update_when} "
        f"BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END",
        f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
        f"WHEN {_frozen('OLD')} BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END",
    ]


def inspection_triggers(columns: tuple[str, ...] = INSPECTION_FROZEN_COLUMNS) -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return [
        "CREATE TRIGGER inspection_frozen_update BEFORE UPDATE ON inspection "
        f"WHEN OLD.status = 'finalized' AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END",
        "CREATE TRIGGER inspection_frozen_delete BEFORE DELETE ON inspection "
        f"WHEN OLD.status = 'finalized' BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END",
    ]


def upgrade() -> None:
    op.add_column("outlet", sa.Column("traffic", sa.String(), nullable=True))
    for table in CHILD_TABLES:
        for sql in child_triggers(table):
            op.execute(sql)
    for sql in inspection_triggers():
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS inspection_frozen_update")
    op.execute("DROP TRIGGER IF EXISTS inspection_frozen_delete")
    for table in CHILD_TABLES:
        for what in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen_{what}")
    with op.batch_alter_table("outlet") as batch:
        batch.drop_column("traffic")
