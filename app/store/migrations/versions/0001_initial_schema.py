"""Initial schema: every table of the device database.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Frozen: never edit a migration that has shipped; add a new one. Types are spelled out
here (not imported from app.store.models) so this file keeps meaning what it meant.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TEXT = sa.String(32)  # app.store.types.UTCDateTime stores UTC ISO text


def upgrade() -> None:
    op.create_table(
        "outlet",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("family", sa.String(), nullable=False),
        sa.Column("business_unit", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("cooperation_start", sa.Date(), nullable=True),
        sa.Column("competitor", sa.Boolean(), nullable=False),
        sa.Column("phase", sa.String(), nullable=True),
        sa.Column("updated_at", UTC_TEXT, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_outlet"),
    )
    op.create_index("ix_outlet_tier", "outlet", ["tier"])

    op.create_table(
        "inspector",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspector"),
    )

    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )

    op.create_table(
        "checklist_definition",
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("checklist_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("phase", sa.String(), nullable=True),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("stored_at", UTC_TEXT, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name="pk_checklist_definition"),
    )

    op.create_table(
        "inspection",
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("phase", sa.String(), nullable=True),
        sa.Column("outlet_code", sa.String(), nullable=False),
        sa.Column("inspector_id", sa.String(), nullable=False),
        sa.Column("checklist_id", sa.String(), nullable=False),
        sa.Column("checklist_version", sa.Integer(), nullable=False),
        sa.Column("checklist_hash", sa.String(), nullable=False),
        sa.Column("started_at", UTC_TEXT, nullable=False),
        sa.Column("started_tz_offset_min", sa.Integer(), nullable=False),
        sa.Column("finished_at", UTC_TEXT, nullable=True),
        sa.Column("finished_tz_offset_min", sa.Integer(), nullable=True),
        sa.Column("checkin_lat", sa.Float(), nullable=True),
        sa.Column("checkin_lon", sa.Float(), nullable=True),
        sa.Column("checkin_accuracy_m", sa.Float(), nullable=True),
        sa.Column("checkout_lat", sa.Float(), nullable=True),
        sa.Column("checkout_lon", sa.Float(), nullable=True),
        sa.Column("checkout_accuracy_m", sa.Float(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("score_json", sa.String(), nullable=True),
        sa.Column("total_score", sa.Float(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=True),
        sa.Column("veto_count", sa.Integer(), nullable=True),
        sa.Column("amends_uuid", sa.String(), nullable=True),
        sa.Column("amended_by", sa.String(), nullable=True),
        sa.Column("amended_at", UTC_TEXT, nullable=True),
        sa.Column("amend_reason", sa.String(), nullable=True),
        sa.Column("sync_state", sa.String(), nullable=False),
        sa.Column("sync_error", sa.String(), nullable=True),
        sa.Column("synced_at", UTC_TEXT, nullable=True),
        sa.Column("created_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["amends_uuid"], ["inspection.uuid"],
                                name="fk_inspection_amends_uuid_inspection",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["checklist_hash"], ["checklist_definition.content_hash"],
                                name="fk_inspection_checklist_hash_checklist_definition",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["outlet_code"], ["outlet.code"],
                                name="fk_inspection_outlet_code_outlet", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("uuid", name="pk_inspection"),
        sa.UniqueConstraint("created_seq", name="uq_inspection_created_seq"),
    )
    op.create_index("ix_inspection_status_started_at", "inspection", ["status", "started_at"])
    op.create_index("ix_inspection_started_at", "inspection", ["started_at"])
    op.create_index("ix_inspection_sync_state_created_seq", "inspection",
                    ["sync_state", "created_seq"])
    op.create_index("ix_inspection_outlet_code_started_at", "inspection",
                    ["outlet_code", "started_at"])
    op.create_index("ix_inspection_amends_uuid", "inspection", ["amends_uuid"])

    op.create_table(
        "answer",
        sa.Column("inspection_uuid", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("value_json", sa.String(), nullable=True),
        sa.Column("answered_at", UTC_TEXT, nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("noted_at", UTC_TEXT, nullable=True),
        sa.ForeignKeyConstraint(["inspection_uuid"], ["inspection.uuid"],
                                name="fk_answer_inspection_uuid_inspection",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("inspection_uuid", "item_id", name="pk_answer"),
    )

    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_uuid", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file", sa.String(), nullable=False),
        sa.Column("thumb", sa.String(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("captured_at", UTC_TEXT, nullable=True),
        sa.Column("attached_at", UTC_TEXT, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("sync_state", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_uuid"], ["inspection.uuid"],
                                name="fk_photo_inspection_uuid_inspection", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_photo"),
        sa.UniqueConstraint("inspection_uuid", "item_id", "sha256",
                            name="uq_photo_inspection_uuid_item_id_sha256"),
    )
    op.create_index("ix_photo_sha256", "photo", ["sha256"])
    op.create_index("ix_photo_sync_state", "photo", ["sync_state"])

    op.create_table(
        "veto_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_uuid", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("section_id", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("reason_zh", sa.String(), nullable=False),
        sa.Column("reason_en", sa.String(), nullable=False),
        sa.Column("evidence_note", sa.String(), nullable=True),
        sa.Column("evidence_photo", sa.String(), nullable=True),
        sa.Column("raised_at", UTC_TEXT, nullable=False),
        sa.ForeignKeyConstraint(["inspection_uuid"], ["inspection.uuid"],
                                name="fk_veto_flag_inspection_uuid_inspection",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_veto_flag"),
        sa.UniqueConstraint("inspection_uuid", "item_id",
                            name="uq_veto_flag_inspection_uuid_item_id"),
    )

    op.create_table(
        "corrective_action",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("outlet_code", sa.String(), nullable=False),
        sa.Column("raised_in_uuid", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=True),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("raised_at", UTC_TEXT, nullable=False),
        sa.Column("carried_in_uuid", sa.String(), nullable=True),
        sa.Column("carried_count", sa.Integer(), nullable=False),
        sa.Column("closed_in_uuid", sa.String(), nullable=True),
        sa.Column("closed_at", UTC_TEXT, nullable=True),
        sa.Column("closing_note", sa.String(), nullable=True),
        sa.Column("updated_at", UTC_TEXT, nullable=False),
        sa.ForeignKeyConstraint(["outlet_code"], ["outlet.code"],
                                name="fk_corrective_action_outlet_code_outlet",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["raised_in_uuid"], ["inspection.uuid"],
                                name="fk_corrective_action_raised_in_uuid_inspection",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["carried_in_uuid"], ["inspection.uuid"],
                                name="fk_corrective_action_carried_in_uuid_inspection",
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["closed_in_uuid"], ["inspection.uuid"],
                                name="fk_corrective_action_closed_in_uuid_inspection",
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name="pk_corrective_action"),
    )
    op.create_index("ix_corrective_action_outlet_code_status", "corrective_action",
                    ["outlet_code", "status"])

    op.create_table(
        "assignment",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("outlet_code", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("inspector_id", sa.String(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("done_uuid", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_assignment"),
    )
    op.create_index("ix_assignment_due_date_inspector_id", "assignment",
                    ["due_date", "inspector_id"])


def downgrade() -> None:
    for table in ("assignment", "corrective_action", "veto_flag", "photo", "answer",
                  "inspection", "checklist_definition", "setting", "inspector", "outlet"):
        op.drop_table(table)
