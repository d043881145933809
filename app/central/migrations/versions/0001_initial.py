"""Initial server schema: inspectors, outlets, assignments, enrolment, devices,
inspections and their photos, conflicts kept for review.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.String(length=64), nullable=False),
    sa.Column('outlet_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('due_from', sa.Date(), nullable=True),
    sa.Column('due_by', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_assignments_inspector_id', 'assignments', ['inspector_id'], unique=False)
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_body_sha256', sa.String(length=64), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uuid', 'device_id', 'body_sha256')
    )
    op.create_index('ix_conflicts_uuid', 'conflicts', ['uuid'], unique=False)
    op.create_table('devices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=100), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('inspector_id', sa.String(length=64), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('enrol_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=8), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('inspector_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_table('inspection_photos',
    sa.Column('inspection_seq', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('inspection_seq', 'sha256')
    )
    op.create_index('ix_inspection_photos_sha256', 'inspection_photos', ['sha256'], unique=False)
    op.create_table('inspections',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('inspector_id', sa.String(length=64), nullable=False),
    sa.Column('outlet_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checklist_id', sa.String(length=64), nullable=False),
    sa.Column('checklist_version', sa.Integer(), nullable=False),
    sa.Column('checklist_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score_total', sa.Float(), nullable=True),
    sa.Column('amends_uuid', sa.String(length=36), nullable=True),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('uuid')
    )
    op.create_index('ix_inspections_device_id', 'inspections', ['device_id'], unique=False)
    op.create_index('ix_inspections_outlet', 'inspections', ['outlet_code'], unique=False)
    op.create_table('inspectors',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outlets',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('business_unit', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('photos',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )


def downgrade() -> None:
    op.drop_table('photos')
    op.drop_table('outlets')
    op.drop_table('inspectors')
    op.drop_index('ix_inspections_outlet', table_name='inspections')
    op.drop_index('ix_inspections_device_id', table_name='inspections')
    op.drop_table('inspections')
    op.drop_index('ix_inspection_photos_sha256', table_name='inspection_photos')
    op.drop_table('inspection_photos')
    op.drop_table('enrol_codes')
    op.drop_table('devices')
    op.drop_index('ix_conflicts_uuid', table_name='conflicts')
    op.drop_table('conflicts')
    op.drop_index('ix_assignments_inspector_id', table_name='assignments')
    op.drop_table('assignments')
