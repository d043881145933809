"""Trust: the server's own score beside the device's claim, result flags and review state,
every checklist definition ever issued (by content hash), and the append-only audit log.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('phase', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('device_score_total', sa.Float(), nullable=True))
        batch.add_column(sa.Column('score_detail', sa.Text(), nullable=True))
        batch.add_column(sa.Column('voided', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('veto_count', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('flags', sa.Text(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('time_on_site_s', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('review_state', sa.String(length=16), nullable=False,
                                   server_default='received'))
        batch.create_index('ix_inspections_review_state', ['review_state'])
        batch.create_index('ix_inspections_rotation', ['inspector_id', 'kind', 'finalized_at'])
    for table in ('inspectors', 'enrol_codes', 'devices'):  # a kiosk's own outlet
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('outlet_code', sa.String(length=64), nullable=True))
    op.create_index('ix_conflicts_device', 'conflicts', ['device_id'])
    op.create_table(
        'enrol_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_enrol_attempts_client', 'enrol_attempts', ['client', 'at'])
    op.create_table(
        'issued_checklists',
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('checklist_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('tier', sa.String(length=64), nullable=False),
        sa.Column('phase', sa.String(length=64), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('first_issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('content_hash'),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inspection_uuid', sa.String(length=36), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_kind', sa.String(length=16), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('from_state', sa.String(length=16), nullable=True),
        sa.Column('to_state', sa.String(length=16), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_log_uuid', 'audit_log', ['inspection_uuid', 'id'])


def downgrade() -> None:
    op.drop_index('ix_enrol_attempts_client', table_name='enrol_attempts')
    op.drop_table('enrol_attempts')
    op.drop_index('ix_conflicts_device', table_name='conflicts')
    for table in ('devices', 'enrol_codes', 'inspectors'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('outlet_code')
    op.drop_index('ix_audit_log_uuid', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('issued_checklists')
    with op.batch_alter_table('inspections') as batch:
        batch.drop_index('ix_inspections_rotation')
        batch.drop_index('ix_inspections_review_state')
        for name in ('review_state', 'time_on_site_s', 'flags', 'veto_count', 'voided',
                     'score_detail', 'device_score_total', 'phase'):
            batch.drop_column(name)
