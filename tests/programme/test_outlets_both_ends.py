"""One outlet importer: the device (Workspace.outlets.import_csv) and the central endpoint
(`hallcheck admin outlets import`, app.central.admin.import_outlets_csv) take the same
Excel files and refuse the same bad ones, line by line, in the reader's language, storing
nothing. Real SQLite files on both ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.central import admin
from app.central.context import ServerContext
from app.central.models import Outlet as ServerOutlet
from app.central.settings import ServerSettings
from app.checklists import default_checklists_path
from app.services import Workspace

EXCEL = ("code,name,tier,region,business_unit,address,cooperation_start,competitor,active\r\n"
         "WZ-001,温州旗舰厅,flagship,温州,鹿城,五马街 1 号,2019/3/1,否,是\r\n"
         "WZ-101,瓯海村级服务站,village,温州,瓯海,,,,\r\n"
         ",,,,,,,,\r\n")
BAD = ("code,name,tier\r\n"
       "OK-1,正常网点,village\r\n"
       "BAD-1,,castle\r\n"
       "OK-1,重复,village\r\n")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerContext]:
    ctx = ServerContext(ServerSettings(data_dir=tmp_path / "server",
                                       checklists_path=default_checklists_path()))
    yield ctx
    ctx.close()


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "device")
    yield ws
    ws.close()


def server_outlets(ctx: ServerContext) -> dict[str, ServerOutlet]:
    with ctx.session() as s:
        return {o.code: o for o in s.exec(select(ServerOutlet)).all()}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_an_excel_export_is_taken_alike_on_both_ends(encoding: str, tmp_path: Path,
                                                     server: ServerContext,
                                                     device: Workspace) -> None:
    path = tmp_path / "outlets.csv"
    path.write_bytes(EXCEL.encode(encoding))

    result = admin.import_outlets_csv(server, path)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    report = device.outlets.import_csv(path)
    assert report.ok and report.created == ["WZ-001", "WZ-101"]

    on_server = server_outlets(server)
    assert {c: (o.name, o.tier, o.region, o.business_unit, o.active)
            for c, o in on_server.items()} == {
        "WZ-001": ("温州旗舰厅", "flagship", "温州", "鹿城", True),
        "WZ-101": ("瓯海村级服务站", "village", "温州", "瓯海", True),
    }
    hall = device.outlets.require("WZ-001")
    assert (hall.name, hall.tier, hall.region, hall.address) == (
        "温州旗舰厅", "flagship", "温州", "五马街 1 号")
    assert hall.cooperation_start is not None and hall.cooperation_start.isoformat() == \
        "2019-03-01"
    # the same file again changes nothing on either end
    again = admin.import_outlets_csv(server, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert device.outlets.import_csv(path).unchanged == ["WZ-001", "WZ-101"]


def test_a_bad_file_is_refused_alike_and_nothing_is_stored(tmp_path: Path,
                                                           server: ServerContext,
                                                           device: Workspace) -> None:
    from app.errors import UserError

    path = tmp_path / "bad.csv"
    path.write_bytes(BAD.encode("gb18030"))
    with pytest.raises(UserError) as err:
        admin.import_outlets_csv(server, path)
    report = device.outlets.import_csv(path)
    assert server_outlets(server) == {}
    assert device.outlets.get("OK-1") is None and not report.ok

    device_problems = [(e.line, e.key) for e in report.errors]
    assert device_problems == [(3, "services.outlet.name_missing"),
                               (3, "services.outlet.tier_unknown"),
                               (4, "services.import.duplicate_code")]
    zh, en = err.value.message("zh"), err.value.message("en")
    assert zh.splitlines() == [
        "文件中有 3 处问题，未导入任何内容：",
        f"{path} 第 3 行：缺少网点名称。",
        f"{path} 第 3 行：未知的网点级别「castle」。可选：partner_operated, exclusive, agent, "
        "village, flagship, level2, level3。",
        f"{path} 第 4 行：网点编码 OK-1 重复（第 2 行已出现）。",
    ]
    assert en.splitlines()[0] == "3 problem(s) in the file; nothing was imported:"
    assert en.splitlines()[1] == f"{path}:3: The outlet name is missing."
    assert "castle" in en and "Choose one of" in en
    assert "\n".join(e.message("en") for e in report.errors).count("Line ") == 3


def test_a_file_in_no_known_encoding_is_refused_by_both(tmp_path: Path, server: ServerContext,
                                                        device: Workspace) -> None:
    from app.errors import UserError

    path = tmp_path / "unicode.txt"
    path.write_bytes("code,name,tier\nA-1,旗舰厅,flagship\n".encode("utf-16"))
    with pytest.raises(UserError) as err:
        admin.import_outlets_csv(server, path)
    assert "CSV UTF-8" in err.value.message("en") and "CSV UTF-8" in err.value.message("zh")
    report = device.outlets.import_csv(path)
    assert [e.key for e in report.errors] == ["programme.csv.encoding"]
    assert server_outlets(server) == {} and device.outlets.get("A-1") is None
