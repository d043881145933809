"""Services tests: a real Workspace (SQLite file, photo store) in a temporary directory."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.services import OutletData, Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECKLISTS = FIXTURES / "services.yaml"
CST = timezone(timedelta(hours=8))  # the device's offset in these tests (China)
NOW = datetime(2025, 3, 14, 10, 30, tzinfo=CST)


def jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ws(data_dir: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(data_dir, CHECKLISTS)
    workspace.outlets.upsert(OutletData(code="HZ-001", name="杭州旗舰厅", tier="flagship",
                                        business_unit="杭州", region="西湖"))
    workspace.outlets.upsert(OutletData(code="VL-001", name="光明村服务站", tier="village"))
    workspace.settings.set_inspector("INS-1")
    yield workspace
    workspace.close()


@pytest.fixture
def draft(ws: Workspace) -> str:
    return ws.inspections.start("mystery_shop", "HZ-001", now=NOW)


def complete_answers(ws: Workspace, uuid: str, *, now: datetime = NOW) -> None:
    """Answer a mystery shop so that it can be finalised (no failures, storefront photo)."""
    for item, value in (("uniform", True), ("rude", False), ("greet_seconds", 5),
                        ("solved", "fully"), ("friendliness", 4)):
        ws.inspections.answer(uuid, item, value, now=now)
    ws.inspections.attach_photo(uuid, "storefront", jpeg("blue"), source="camera", now=now)
