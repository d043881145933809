"""Month close (issue 9): outlet master data for the money rules, commission bases,
closed-month snapshots and their adjustment lines.

Revision ID: 0004
Revises: 0003

A closed month is immutable: its rows (month_closes, month_outlets, month_results,
month_adjustments) are refused UPDATE and DELETE by triggers on SQLite and PostgreSQL (and
TRUNCATE on PostgreSQL), as the audit log is (0003).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FROZEN_MESSAGE = "hallcheck: a closed month is frozen"
FROZEN_TABLES = ('month_closes', 'month_outlets', 'month_results', 'month_adjustments')


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('outlets') as batch:
        batch.add_column(sa.Column('outlet_class', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('area_manager', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('owner', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('cooperation_start', sa.Date(), nullable=True))
        batch.add_column(sa.Column('competitor', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('outlets') as batch:  # the default was for existing rows
        batch.alter_column('competitor', server_default=None)
    op.create_table(
        'commission_bases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('outlet_class', sa.String(length=8), nullable=False),
        sa.Column('region', sa.String(length=200), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        _ts('imported_at'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('outlet_class', 'region', 'period',
                            name='uq_commission_bases_period'),
    )
    op.create_table(
        'month_closes',
        sa.Column('month', sa.String(length=7), nullable=False),
        _ts('closed_at'),
        sa.Column('closed_by', sa.String(length=64), nullable=False),
        sa.Column('rules_version', sa.String(length=64), nullable=False),
        sa.Column('rules_hash', sa.String(length=64), nullable=False),
        sa.Column('outlets', sa.Integer(), nullable=False),
        sa.Column('ranked', sa.Integer(), nullable=False),
        sa.Column('header', sa.Text(), nullable=False),
        sa.Column('inputs', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('month'),
    )
    op.create_table(
        'month_outlets',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('business_unit', sa.String(length=200), nullable=True),
        sa.Column('family', sa.String(length=32), nullable=False),
        sa.Column('composite', sa.Float(), nullable=True),
        sa.Column('rank_unit', sa.Integer(), nullable=True),
        sa.Column('rank_province', sa.Integer(), nullable=True),
        sa.Column('commission_cents', sa.BigInteger(), nullable=True),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('why', sa.Text(), nullable=False),
        sa.Column('past', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'outlet_code'),
    )
    op.create_index('ix_month_outlets_code', 'month_outlets', ['outlet_code', 'month'])
    op.create_index('ix_month_outlets_unit', 'month_outlets', ['business_unit', 'month'])
    op.create_table(
        'month_results',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('root_uuid', sa.String(length=36), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('month', 'uuid'),
    )
    op.create_index('ix_month_results_uuid', 'month_results', ['uuid'])
    op.create_table(
        'month_adjustments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('source_month', sa.String(length=7), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('results', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_month_adjustments_month', 'month_adjustments', ['month'])
    op.create_index('ix_month_adjustments_source', 'month_adjustments',
                    ['source_month', 'outlet_code'])
    _frozen_triggers()


def _frozen_triggers() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in FROZEN_TABLES:
            for what in ('UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END")
        return
    op.execute(
        "CREATE FUNCTION month_close_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{FROZEN_MESSAGE}'; END $$")
    for table in FROZEN_TABLES:
        op.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION month_close_frozen()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION month_close_frozen()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in FROZEN_TABLES:
            for what in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{what}")
    else:
        for table in FROZEN_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        op.execute("DROP FUNCTION IF EXISTS month_close_frozen()")
    op.drop_index('ix_month_adjustments_source', table_name='month_adjustments')
    op.drop_index('ix_month_adjustments_month', table_name='month_adjustments')
    op.drop_table('month_adjustments')
    op.drop_index('ix_month_results_uuid', table_name='month_results')
    op.drop_table('month_results')
    op.drop_index('ix_month_outlets_unit', table_name='month_outlets')
    op.drop_index('ix_month_outlets_code', table_name='month_outlets')
    op.drop_table('month_outlets')
    op.drop_table('month_closes')
    op.drop_table('commission_bases')
    with op.batch_alter_table('outlets') as batch:
        batch.drop_column('competitor')
        batch.drop_column('cooperation_start')
        batch.drop_column('owner')
        batch.drop_column('area_manager')
        batch.drop_column('outlet_class')
