"""An assignment's note: what the office says with a planned visit (for a covert visit, a
customer's own errand, e.g. "6月12日 14:00-16:00 去城东旗舰厅办业务"), shown with the task.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assignment", sa.Column("note", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("note")
