"""Customer perception (issue 11): transactions (customer numbers only as keyed hashes),
SMS sends and replies, intercept aggregates.

Revision ID: 0006
Revises: 0005

Times are local seconds (UTC+8) as BIGINT, as the perception rules count them. Intercept
records are inspections of kind `intercept` (the same store and sync); their aggregates
are computed from there, so they need no table of their own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'perception_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_kind', sa.String(length=16), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('key_fingerprint', sa.String(length=32), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        _ts('created_at'),
        sa.Column('created_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('file_kind', 'sha256', name='uq_perception_imports_file'),
    )
    op.create_table(
        'perception_transactions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('at', sa.BigInteger(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.String(length=64), nullable=False),
        sa.Column('business_type', sa.String(length=64), nullable=False),
        sa.Column('customer_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_perception_transactions_import_id', 'perception_transactions',
                    ['import_id'])
    op.create_index('ix_perception_transactions_month', 'perception_transactions',
                    ['month', 'outlet_code'])
    op.create_table(
        'perception_batches',
        sa.Column('batch_id', sa.String(length=48), nullable=False),
        sa.Column('made_at', sa.BigInteger(), nullable=False),
        sa.Column('sends', sa.Integer(), nullable=False),
        sa.Column('key_fingerprint', sa.String(length=32), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        _ts('created_at'),
        sa.PrimaryKeyConstraint('batch_id'),
    )
    op.create_table(
        'perception_sends',
        sa.Column('send_id', sa.String(length=64), nullable=False),
        sa.Column('batch_id', sa.String(length=48), nullable=False),
        sa.Column('customer_hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.BigInteger(), nullable=False),
        sa.Column('transaction_at', sa.BigInteger(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.String(length=64), nullable=False),
        sa.Column('business_type', sa.String(length=64), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('key_fingerprint', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('send_id'),
    )
    op.create_index('ix_perception_sends_batch_id', 'perception_sends', ['batch_id'])
    op.create_index('ix_perception_sends_customer', 'perception_sends',
                    ['customer_hash', 'at'])
    op.create_index('ix_perception_sends_month', 'perception_sends', ['month', 'outlet_code'])
    op.create_index('ix_perception_sends_at', 'perception_sends', ['at'])
    op.create_table(
        'perception_replies',
        sa.Column('send_id', sa.String(length=64), nullable=False),
        sa.Column('value', sa.String(length=16), nullable=False),
        sa.Column('received_at', sa.BigInteger(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('send_id'),
    )
    op.create_index('ix_perception_replies_import_id', 'perception_replies', ['import_id'])


def downgrade() -> None:
    op.drop_table('perception_replies')
    op.drop_table('perception_sends')
    op.drop_table('perception_batches')
    op.drop_table('perception_transactions')
    op.drop_table('perception_imports')
