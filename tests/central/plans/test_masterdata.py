"""The planning master data: the outlet list's planning columns and the shopper pool, both
all or nothing with every problem on its line, and programme.yaml's planning section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from app.central import admin
from app.central.admin import CsvRefused
from app.central.context import ServerContext
from app.central.models import Outlet, PlanShopper
from app.central.plans.shoppers import ShoppersRefused, import_shoppers_csv
from app.programme.planning.timing import hours_to_text, parse_hours
from app.programme.rules_loader import RuleFileError, parse_rules_text

from .conftest import REPO
from .support import load_master_data


def test_outlet_planning_columns_are_stored(ctx: ServerContext, tmp_path: Path) -> None:
    load_master_data(ctx, tmp_path)
    with ctx.session() as s:
        rows = {o.code: o for o in s.exec(select(Outlet)).all()}
    assert rows["H1"].important and rows["H1"].city_class == "central"
    assert rows["H2"].opening_hours is not None
    assert parse_hours(rows["H2"].opening_hours).on(5)[0].close.hour == 16  # Saturday
    assert parse_hours(rows["H2"].opening_hours).on(6) == ()  # closed on Sunday
    assert rows["C1"].competitor and rows["C1"].every_months == 2
    assert rows["A1"].opening_hours is None  # programme.yaml's default applies


def test_bad_planning_columns_refuse_the_file_line_by_line(ctx: ServerContext,
                                                           tmp_path: Path) -> None:
    f = tmp_path / "outlets.csv"
    f.write_text("code,name,tier,opening_hours,city_class,important,visits_per_month,"
                 "every_months\n"
                 "H1,一号厅,flagship,09:00-21:00,central,是,2,\n"
                 "H2,二号厅,level2,9点到5点,metro,maybe,7,0\n"
                 "H3,三号厅,level3,fri-mon 09:00-18:00,,,,\n", encoding="utf-8")
    with pytest.raises(CsvRefused) as refused:
        admin.import_outlets_csv(ctx, f)
    text = refused.value.message("en")
    assert "outlets.csv:3" in text and "9点到5点" in text and "metro" in text
    assert "maybe" in text and "visits_per_month '7'" in text and "every_months '0'" in text
    assert "outlets.csv:4" in text and "fri-mon" in text
    assert "outlets.csv:2" not in text
    with ctx.session() as s:
        assert s.exec(select(Outlet)).all() == []  # nothing stored


def test_the_shopper_pool_all_or_nothing(ctx: ServerContext, tmp_path: Path) -> None:
    load_master_data(ctx, tmp_path)
    bad = tmp_path / "pool.csv"
    bad.write_text("id,home_region,weekdays,dates,max_per_day,excluded\n"
                   "ms1,西区,sat,,3,\n"
                   "ms2,东区,fri-mon,2025-02-30,11,H9\n"
                   "am1,东区,,,,\n"
                   "ms1,东区,,,,\n", encoding="utf-8")
    with pytest.raises(ShoppersRefused) as refused:
        import_shoppers_csv(ctx, bad)
    zh = refused.value.message("zh")
    assert "第 3 行" in zh and "fri-mon" in zh and "2025-02-30" in zh and "11" in zh
    assert "H9" in zh
    assert "第 4 行" in zh and "area_manager" in zh
    assert "第 5 行" in zh and "第 2 行已有" in zh
    with ctx.session() as s:  # the pool is as the first import left it
        ms1 = s.get(PlanShopper, "ms1")
    assert ms1 is not None and ms1.home_region == "东区" and json.loads(ms1.weekdays) == [
        0, 1, 2, 3, 4]
    good = tmp_path / "pool2.csv"
    good.write_text("id,home_region,regions,weekdays,unavailable\n"
                    "ms1,西区,东区|北区,sat、sun,2025-06-07\n", encoding="utf-8")
    result = import_shoppers_csv(ctx, good)
    assert (result.created, result.updated) == (0, 1)
    with ctx.session() as s:
        ms1 = s.get(PlanShopper, "ms1")
    assert ms1 is not None and sorted(json.loads(ms1.regions)) == sorted(["东区", "北区"])
    assert json.loads(ms1.weekdays) == [5, 6]  # type: ignore[union-attr]


def test_the_planning_section_of_programme_yaml() -> None:
    text = (REPO / "programme.yaml").read_text(encoding="utf-8")
    book = parse_rules_text(text)
    assert book.source.planning.covert.default_visits == 1
    assert book.source.planning.coaching.bottom_n == 10
    broken = text.replace('default_hours: "09:00-18:00"', 'default_hours: "all day"')
    with pytest.raises(RuleFileError) as refused:
        parse_rules_text(broken)
    assert "all day" in refused.value.message("en")
    assert "planning" in refused.value.message("en")


@pytest.mark.parametrize("text", ["09:00-21:00", "09:00-12:00,14:00-18:00",
                                  "mon-fri 09:00-18:00; sat 10:00-16:00",
                                  "周一至周五 09:00-18:00；周六、周日 10:00-16:00"])
def test_opening_hours_read_back(text: str) -> None:
    hours = parse_hours(text)
    assert parse_hours(hours_to_text(hours)) == hours
