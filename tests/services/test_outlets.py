"""Outlets: look-up, upsert, CSV import (all or nothing, problems by line), the demo set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.errors import UserError
from app.services import OutletData, Workspace

HEADER = "code,name,tier,business_unit,region,address,cooperation_start,competitor,phase\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_is_imported(ws: Workspace, tmp_path: Path) -> None:
    csv_file = write(tmp_path / "outlets.csv", "\ufeff" + HEADER +
                     "HZ-001,杭州旗舰厅,flagship,杭州,西湖,延安路 1 号,2015-06-01,否,\n"
                     "HZ-002,\"滨江二级厅, 东门\",level2,杭州,滨江,,2020/01/15,0,new\n"
                     "\n"
                     "CMP-01,友商旗舰厅,flagship,杭州,西湖,,,是,\n")
    report = ws.outlets.import_csv(csv_file)
    assert report.ok, [e.message("en") for e in report.errors]
    assert report.created == ["HZ-002", "CMP-01"]
    assert report.updated == ["HZ-001"]  # the fixture made it with fewer fields
    hz2 = ws.outlets.require("HZ-002")
    assert hz2.name == "滨江二级厅, 东门" and hz2.phase == "new"
    assert hz2.cooperation_start == date(2020, 1, 15) and hz2.family == "self_run_hall"
    assert ws.outlets.require("CMP-01").competitor is True
    again = ws.outlets.import_csv(csv_file)
    assert again.ok and again.unchanged == ["HZ-001", "HZ-002", "CMP-01"]


def test_bad_rows_are_all_reported_by_line_and_nothing_is_stored(ws: Workspace,
                                                                 tmp_path: Path) -> None:
    before = [o.model_dump() for o in ws.outlets.list()]
    csv_file = write(tmp_path / "bad.csv", HEADER +
                     "NEW-1,新网点,flagship,,,,,,\n"                 # line 2: fine
                     ",无编码,flagship,,,,,,\n"                      # line 3
                     "NEW-2,,castle,,,,2020-13-01,maybe,\n"          # line 4: four problems
                     "NEW-1,重复,village,,,,,,\n"                    # line 5
                     "HZ-001,改名,flagship,,,,,,later\n")            # line 6
    report = ws.outlets.import_csv(csv_file)
    assert not report.ok and report.created == [] and report.updated == []
    got = [(e.line, e.column, e.key) for e in report.errors]
    assert got == [
        (3, "code", "services.outlet.code_missing"),
        (4, "name", "services.outlet.name_missing"),
        (4, "tier", "services.outlet.tier_unknown"),
        (4, "cooperation_start", "services.outlet.date_invalid"),
        (4, "competitor", "services.outlet.competitor_invalid"),
        (5, "code", "services.import.duplicate_code"),
        (6, "phase", "services.outlet.phase_unknown"),
    ]
    assert report.errors[0].message("en") == "Line 3: The outlet code is missing."
    assert report.errors[0].message("zh") == "第 3 行：缺少网点编码。"
    assert "castle" in report.errors[2].message("en")
    assert [o.model_dump() for o in ws.outlets.list()] == before
    assert ws.outlets.get("NEW-1") is None


def test_header_problems(ws: Workspace, tmp_path: Path) -> None:
    report = ws.outlets.import_csv(write(tmp_path / "h.csv", "code,name,teir\nA,B,flagship\n"))
    assert [(e.line, e.key) for e in report.errors] == [
        (1, "services.import.missing_column"), (1, "services.import.unknown_column")]
    assert not ws.outlets.import_csv(write(tmp_path / "e.csv", "")).ok
    with pytest.raises(UserError):
        ws.outlets.import_csv(tmp_path / "missing.csv")


def test_an_excel_gb18030_file_is_read(ws: Workspace, tmp_path: Path) -> None:
    csv_file = write(tmp_path / "excel.csv", "code,name,tier\r\nGB-1,温州村级服务站,village\r\n",
                     encoding="gb18030")
    report = ws.outlets.import_csv(csv_file)
    assert report.ok and ws.outlets.require("GB-1").name == "温州村级服务站"


def test_search_and_upsert(ws: Workspace) -> None:
    assert [o.code for o in ws.outlets.search("杭州")] == ["HZ-001"]
    assert [o.code for o in ws.outlets.search("vl-0")] == ["VL-001"]
    assert [o.code for o in ws.outlets.search("%")] == []  # wildcards are literal
    assert ws.outlets.count() == 2
    ws.outlets.upsert(OutletData(code="HZ-001", name="杭州旗舰厅（新）", tier="level2"))
    assert ws.outlets.require("HZ-001").tier == "level2"
    with pytest.raises(UserError) as err:
        ws.outlets.upsert(OutletData(code="X 1", name="坏编码", tier="flagship"))
    assert err.value.key == "services.outlet.code_invalid"
    with pytest.raises(UserError) as err:
        ws.outlets.require("NOPE")
    assert err.value.key == "services.outlet_unknown"


def test_the_demo_set_is_marked_complete_and_reloadable(ws: Workspace) -> None:
    today = date(2025, 3, 14)
    ws.settings.set_inspector(None)
    report = ws.load_demo(today)
    assert all(code.startswith("DEMO-") for code in report.outlets)
    demo = [ws.outlets.require(code) for code in report.outlets]
    assert {o.tier for o in demo} == set(ws.catalog.tiers)  # every tier
    assert any(o.competitor for o in demo)
    assert all(o.name.startswith("演示") for o in demo)
    assert ws.settings.inspector_id == report.inspector_id
    planned = ws.assignments.for_day(today, report.inspector_id)
    assert {a.id for a in planned} == set(report.assignments) and len(planned) >= 3
    assert ws.load_demo(today) == report  # loading again changes nothing
    assert ws.outlets.count() == 2 + len(report.outlets)
    # a demo visit works end to end
    uuid = ws.inspections.start(planned[0].kind, planned[0].outlet_code)
    assert ws.inspections.state(uuid).checklist.tier == \
        ws.outlets.require(planned[0].outlet_code).tier
