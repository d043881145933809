"""Month close speed (issue 9): each result's failed items and vetoes kept compactly.

Revision ID: 0007
Revises: 0006

`inspections.failed_items` holds the failed items and 一票否决 of the result's score
breakdown alone (app/central/month/failed.py describes the form), so a month close reads a
few hundred bytes per result instead of parsing the whole breakdown. Existing rows are
filled from their `score_detail` here, in batches; a row whose breakdown cannot be read is
left NULL (the close then reads the breakdown, finds nothing, and the score still counts).
The extraction is copied here, not imported, so this migration keeps meaning what it
meant when it was written.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BATCH = 2000


def _compact(detail: str) -> str | None:
    try:
        doc = json.loads(detail)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    items = [[str(it.get("id")), str(sec.get("id") or "")]
             for sec in doc.get("sections") or () if isinstance(sec, dict)
             for it in sec.get("items") or () if isinstance(it, dict)
             if it.get("id") and it.get("failed")]
    vetoes = [[str(v.get("item")), str(v.get("section") or ""), str(v.get("scope")),
               str(v.get("label") or "")] for v in doc.get("vetoes") or ()
              if isinstance(v, dict) and v.get("item")]
    return json.dumps([items, vetoes], ensure_ascii=False, separators=(",", ":"))


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('failed_items', sa.Text(), nullable=True))
    conn = op.get_bind()
    table = sa.table('inspections', sa.column('seq', sa.Integer()),
                     sa.column('score_detail', sa.Text()), sa.column('failed_items', sa.Text()))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.seq, table.c.score_detail)
            .where(table.c.seq > last, table.c.score_detail.is_not(None))
            .order_by(table.c.seq).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1][0]
        found: list[dict[str, Any]] = [
            {"s": seq, "f": compact} for seq, detail in rows
            for compact in [_compact(detail)] if compact is not None]
        if found:
            conn.execute(table.update().where(table.c.seq == sa.bindparam("s"))
                         .values(failed_items=sa.bindparam("f")), found)


def downgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.drop_column('failed_items')
