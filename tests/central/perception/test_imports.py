"""The office's imports on SQLite and PostgreSQL: an export kept by hash, the send list
made from it against the stored history (a second batch within two months texts nobody
twice), replies matched by send id and by number, a duplicate in a later file, and no
customer number anywhere in the database."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from app.central.context import ServerContext
from app.central.perception.imports import (
    import_replies,
    import_transactions,
    make_send_list,
)
from app.central.perception.sms import satisfaction_report
from app.errors import UserError
from app.programme.months import YearMonth

from .support import KEY, export, number, outlets


@pytest.fixture
def keyed(ctx: ServerContext) -> ServerContext:
    ctx.settings = replace(ctx.settings, perception_key=KEY)
    outlets(ctx, "HALL-A", "HALL-B")
    return ctx


def everything(ctx: ServerContext) -> str:
    meta = MetaData()
    meta.reflect(ctx.engine)
    out = []
    with ctx.engine.connect() as conn:
        for table in meta.sorted_tables:
            out += [" ".join(map(str, row)) for row in conn.execute(select(table))]
    return "\n".join(out)


def test_the_office_round_on_both_databases(keyed: ServerContext, tmp_path: Path) -> None:
    ctx = keyed
    rows = [(f"2025-06-03 10:{i:02d}:00", "HALL-A" if i % 2 else "HALL-B", f"S{i % 3}", i,
             "积分兑换") for i in range(40)]
    first = tmp_path / "tx1.csv"
    first.write_bytes(export(rows))
    done = import_transactions(ctx, first)
    assert (done.rows, done.qualifying) == (40, 40)
    made = make_send_list(ctx, first, now=datetime(2025, 6, 3, 11, 0),
                          output=tmp_path / "g1.csv")
    assert made.texts == 40 and made.batch_id == "B20250603-1"
    gateway = list(csv.DictReader(io.StringIO((tmp_path / "g1.csv").read_text("utf-8"))))

    # a month later the same customers again (still within 62 days) and ten new ones
    later = tmp_path / "tx2.csv"
    later.write_bytes(export([(f"2025-07-03 10:{i:02d}:00", "HALL-A", "S1", i, "开户")
                              for i in range(30, 50)]))
    again = make_send_list(ctx, later, now=datetime(2025, 7, 3, 11, 0),
                           output=tmp_path / "g2.csv")
    assert again.counts["texted_recently"] == 10 and again.texts == 10

    lines = ["发送编号,手机号码,回复时间,回复内容"]
    for i, row in enumerate(gateway[:32]):
        ref = f"{row['send_id']}," if i % 2 else f",{row['mobile']}"
        lines.append(f"{ref},2025-06-03 18:{i:02d}:00,{'1' if i % 4 else '3'}")
    replies = tmp_path / "r1.csv"
    replies.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    got = import_replies(ctx, replies)
    assert got.outcomes["counted"] == 32
    late = tmp_path / "r2.csv"
    late.write_text(f"发送编号,回复时间,回复内容\r\n{gateway[0]['send_id']},"
                    "2025-06-04 09:00:00,2\r\n", encoding="utf-8")
    assert import_replies(ctx, late).outcomes["duplicate"] == 1
    with pytest.raises(UserError):
        import_replies(ctx, late)  # the same file twice

    report = satisfaction_report(ctx, YearMonth(2025, 6))
    assert sum(s.replies for s in report.by_outlet) == 32
    assert sum(s.sends for s in report.by_outlet) == 40
    assert report.by_staff
    # the month close's lighter read: the same outlet figures, no staff grouping
    outlets_only = satisfaction_report(ctx, YearMonth(2025, 6), per_staff=False)
    assert outlets_only.by_outlet == report.by_outlet and outlets_only.by_staff == []
    stored = everything(ctx)
    for i in range(50):
        assert number(i) not in stored
    assert KEY not in stored
