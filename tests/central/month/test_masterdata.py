"""The month's master data on the server: the outlet import keeps class, area manager,
owner, cooperation start and competitor; commission bases are imported all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from app.central import admin
from app.central.admin import CsvRefused
from app.central.context import ServerContext
from app.central.models import CommissionBaseRow, Outlet
from app.central.month.masterdata import import_bases_csv, list_bases, outlet_infos
from app.errors import UserError
from app.programme.inputs import CommissionBase

from .support import Office


def test_the_outlet_import_stores_the_money_rules_master_data(ctx: ServerContext,
                                                             office: Office) -> None:
    with ctx.session() as s:
        a1 = s.get(Outlet, "A1")
        c1 = s.get(Outlet, "C1")
    assert a1 is not None and c1 is not None
    assert (a1.outlet_class, a1.area_manager, a1.owner) == ("A", "am.zhao", "王老板")
    assert a1.cooperation_start == date(2019, 1, 15) and a1.competitor is False
    assert c1.competitor is True and c1.outlet_class is None
    infos = {o.code: o for o in outlet_infos(ctx)}
    assert infos["H1"].family == "self_run_hall" and infos["A1"].family == "agent_channel"
    assert infos["A2"].outlet_class == "B" and infos["A2"].region == "西湖"


def test_an_outlet_file_with_a_bad_class_changes_nothing(ctx: ServerContext, office: Office,
                                                         tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,tier,class\nA1,东区代理一店,agent,B\nZ9,新店,agent,E\n",
                   encoding="utf-8")
    with pytest.raises(CsvRefused) as refused:
        admin.import_outlets_csv(ctx, bad)
    assert f"{bad}:3:" in refused.value.message("en")
    with ctx.session() as s:
        assert s.get(Outlet, "Z9") is None
        assert s.get(Outlet, "A1").outlet_class == "A"  # type: ignore[union-attr]


def test_bases_are_imported_all_or_nothing_and_replaced_by_period(ctx: ServerContext,
                                                                   office: Office,
                                                                   tmp_path: Path) -> None:
    assert CommissionBase("A", "西湖", "2025-Q3", 120050) in list_bases(ctx)
    before = list_bases(ctx)
    bad = tmp_path / "bad-bases.csv"
    bad.write_text("class,region,period,amount\nA,西湖,2025-Q3,1500\nA,西湖,2025-Q9,1\n",
                   encoding="utf-8")
    with pytest.raises(CsvRefused) as refused:
        import_bases_csv(ctx, bad)
    assert "第 3 行" in refused.value.message("zh")
    assert list_bases(ctx) == before  # the good line 2 was not stored either

    good = tmp_path / "new-bases.csv"
    good.write_text("class,region,period,amount\nA,西湖,2025-Q3,1500\nC,西湖,2025-Q4,300\n"
                    "B,西湖,2025-Q3,800\n", encoding="utf-8")
    r = import_bases_csv(ctx, good)
    assert (r.created, r.replaced, r.unchanged) == (1, 1, 1)
    now = list_bases(ctx)
    assert CommissionBase("A", "西湖", "2025-Q3", 150000) in now
    assert CommissionBase("C", "西湖", "2025-Q4", 30000) in now
    with ctx.session() as s:
        assert len(s.exec(select(CommissionBaseRow)).all()) == len(before) + 1


def test_an_unreadable_bases_file_is_a_clear_message(ctx: ServerContext, tmp_path: Path) -> None:
    with pytest.raises(UserError) as refused:
        import_bases_csv(ctx, tmp_path / "missing.csv")
    assert "missing.csv" in refused.value.message("en")
