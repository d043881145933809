"""Visit plans (issue 10): covert-visit and coaching plans, their visits, and what was
published to devices; the shopper pool; the outlets' planning attributes (opening hours,
city class, important, traffic, visits a month, every N months).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('outlets') as batch:
        batch.add_column(sa.Column('opening_hours', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('city_class', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('important', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('traffic', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('visits_per_month', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('every_months', sa.Integer(), nullable=True))
    with op.batch_alter_table('outlets') as batch:  # the default was for existing rows
        batch.alter_column('important', server_default=None)
    op.create_table(
        'plan_shoppers',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('home_region', sa.String(length=200), nullable=False),
        sa.Column('regions', sa.Text(), nullable=False),
        sa.Column('weekdays', sa.Text(), nullable=False),
        sa.Column('dates', sa.Text(), nullable=False),
        sa.Column('unavailable', sa.Text(), nullable=False),
        sa.Column('max_per_day', sa.Integer(), nullable=True),
        sa.Column('excluded', sa.Text(), nullable=False),
        _ts('updated_at'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'visit_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=True),
        sa.Column('inputs_digest', sa.String(length=64), nullable=True),
        sa.Column('ranking_month', sa.String(length=7), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        _ts('created_at'),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        _ts('published_at', nullable=True),
        sa.Column('published_by', sa.String(length=64), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_visit_plans_month', 'visit_plans', ['kind', 'month', 'state'])
    op.create_table(
        'planned_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('outlet_code', sa.String(length=64), nullable=False),
        sa.Column('person', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        _ts('starts_at'),
        _ts('ends_at'),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plan_id', 'visit_id', name='uq_planned_visits_visit'),
    )
    op.create_index('ix_planned_visits_plan_id', 'planned_visits', ['plan_id'])
    op.create_index('ix_planned_visits_pair', 'planned_visits', ['person', 'outlet_code'])


def downgrade() -> None:
    op.drop_index('ix_planned_visits_pair', table_name='planned_visits')
    op.drop_index('ix_planned_visits_plan_id', table_name='planned_visits')
    op.drop_table('planned_visits')
    op.drop_index('ix_visit_plans_month', table_name='visit_plans')
    op.drop_table('visit_plans')
    op.drop_table('plan_shoppers')
    with op.batch_alter_table('outlets') as batch:
        for column in ('every_months', 'visits_per_month', 'traffic', 'important',
                       'city_class', 'opening_hours'):
            batch.drop_column(column)
