"""Review: the last review decision on a result, queue indexes, manager accounts and their
sessions, disputes, and a database-enforced append-only audit log.

Revision ID: 0003
Revises: 0002

The audit log is refused UPDATE and DELETE by a trigger on both SQLite and PostgreSQL, so
no code path (raw SQL included) can edit or remove a line once written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

AUDIT_MESSAGE = "hallcheck: the audit log is append-only"


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(_ts('reviewed_at', nullable=True))
        batch.add_column(sa.Column('reviewed_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('review_reason', sa.Text(), nullable=True))
        batch.create_index('ix_inspections_queue', ['review_state', 'received_at', 'seq'])
        batch.create_index('ix_inspections_amends_uuid', ['amends_uuid'])
        batch.create_index('ix_inspections_inspector_state', ['inspector_id', 'review_state'])
    op.create_index('ix_outlets_business_unit', 'outlets', ['business_unit'])
    op.create_table(
        'managers',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('business_unit', sa.String(length=200), nullable=True),
        sa.Column('password_hash', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('lockouts', sa.Integer(), nullable=False),
        _ts('locked_until', nullable=True),
        _ts('created_at'),
        _ts('last_login_at', nullable=True),
        _ts('disabled_at', nullable=True),
        sa.PrimaryKeyConstraint('username'),
    )
    op.create_table(
        'manager_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        _ts('created_at'),
        _ts('last_seen_at'),
        _ts('expires_at'),
        _ts('ended_at', nullable=True),
        sa.Column('client', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_manager_sessions_username', 'manager_sessions', ['username'])
    op.create_table(
        'disputes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inspection_uuid', sa.String(length=36), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        _ts('opened_at'),
        sa.Column('opened_by', sa.String(length=64), nullable=False),
        _ts('decided_at', nullable=True),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_disputes_inspection_uuid', 'disputes', ['inspection_uuid'])
    _audit_triggers()


def _audit_triggers() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for what in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log "
                       f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END")
        return
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{AUDIT_MESSAGE}'; END $$")
    op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    # TRUNCATE bypasses row triggers: refuse it too
    op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_index('ix_disputes_inspection_uuid', table_name='disputes')
    op.drop_table('disputes')
    op.drop_index('ix_manager_sessions_username', table_name='manager_sessions')
    op.drop_table('manager_sessions')
    op.drop_table('managers')
    op.drop_index('ix_outlets_business_unit', table_name='outlets')
    with op.batch_alter_table('inspections') as batch:
        batch.drop_index('ix_inspections_inspector_state')
        batch.drop_index('ix_inspections_amends_uuid')
        batch.drop_index('ix_inspections_queue')
        for name in ('review_reason', 'reviewed_by', 'reviewed_at'):
            batch.drop_column(name)
