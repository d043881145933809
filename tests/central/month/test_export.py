"""A closed month for finance: the JSON export's documented fields, the CSV Excel opens
(BOM, labelled header, money to the cent), and the XLSX read back with openpyxl."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.central.context import ServerContext
from app.central.month import export, read
from app.central.month.read import ClosedMonth
from app.programme.months import YearMonth

from .support import Office, month_start_utc

JULY = YearMonth(2025, 7)
FIELDS = {"outlet_code", "tier", "business_unit", "composite", "components", "rank_unit",
          "rank_province", "years_factor", "payment_factor", "base", "commission",
          "staff_share", "refund", "adjustments", "exit_candidate", "tier_move", "flags"}


@pytest.fixture
def closed(ctx: ServerContext, office: Office) -> ClosedMonth:
    at = month_start_utc(2025, 7)
    office.visit_scoring("A1", "agent", at, low=95, high=101)
    office.visit_scoring("A2", "agent", at, low=80, high=85)
    office.visit_scoring("A3", "agent", at, low=0, high=60)
    office.visit_scoring("H1", "flagship", at, low=85, high=95)
    office.visit_scoring("H1", "flagship", at, kind="open_inspection", low=0, high=101)
    return read.close_month(ctx, JULY, by="rev.li")


def test_the_json_export_has_every_documented_field(closed: ClosedMonth) -> None:
    doc = json.loads(export.to_json(closed))
    assert doc["format"] == "hallcheck.month/1" and doc["month"] == "2025-07"
    assert doc["rules"]["version"] == "2025.1"
    assert doc["closed"]["by"] == "rev.li"
    rows = {r["outlet_code"]: r for r in doc["outlets"]}
    assert set(rows) == {"A1", "A2", "A3", "H1", "C1"}
    for code, row in rows.items():
        assert set(row) >= FIELDS, (code, FIELDS - set(row))
        assert "why" not in row  # explanations only when asked
        for c in row["components"].values():
            assert {"score", "weight"} <= set(c)
    assert rows["C1"]["composite"] is None  # nothing to score: null, not 0
    assert rows["C1"]["commission"] is None and rows["C1"]["rank_unit"] is None
    assert rows["A3"]["tier_move"] in (None, "up", "down")
    assert rows["H1"]["components"]["open_inspection"]["present"] is True
    assert isinstance(rows["A1"]["commission"], str)  # money: exact yuan text
    total = sum(Decimal(r["commission"]) for r in doc["outlets"] if r["commission"])
    assert Decimal(doc["totals"]["commission"]) == total
    with_why = json.loads(export.to_json(closed, explanations=True))
    assert with_why["outlets"][0]["why"]["composite"]["key"]


def test_the_csv_opens_in_excel_with_labels_and_exact_money(closed: ClosedMonth) -> None:
    raw = export.to_csv(closed, "zh")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:3] == ["网点编码", "网点名称", "网点级别"]
    body = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert body["A1"]["服务佣金（元）"] == closed.outlet("A1")["commission"]  # type: ignore[index]
    assert body["C1"]["服务佣金（元）"] == "" and "同业" in body["C1"]["标记"]
    en = list(csv.reader(io.StringIO(export.to_csv(closed, "en").decode("utf-8-sig"))))
    assert en[0][0] == "Outlet code" and "Commission (yuan)" in en[0]


def test_the_xlsx_reads_back_with_numbers_formats_and_a_frozen_header(
        closed: ClosedMonth, tmp_path: Path) -> None:
    path = export.export_month(closed, "xlsx", tmp_path / "m.xlsx", "zh")
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    assert sheet.title == "2025-07 网点"
    assert sheet.freeze_panes == "B2"
    head = [c.value for c in sheet[1]]
    assert head[0] == "网点编码" and "综合得分" in head and "服务佣金（元）" in head
    col = {name: i for i, name in enumerate(head)}
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    a1 = rows["A1"]
    money = a1[col["服务佣金（元）"]]
    assert money.number_format == "#,##0.00"
    assert Decimal(str(money.value)).quantize(Decimal("0.01")) == Decimal(
        closed.outlet("A1")["commission"])  # type: ignore[index]
    score = a1[col["综合得分"]]
    assert score.number_format == "0.00"
    assert score.value == closed.outlet("A1")["composite"]  # type: ignore[index]
    assert rows["C1"][col["服务佣金（元）"]].value is None
    assert rows["A1"][col["营业部排名"]].value == 1
    assert wb.worksheets[1].title == "调整项"
    assert [c.value for c in wb.worksheets[1][1]][:3] == ["网点编码", "来源月份", "金额（元）"]
