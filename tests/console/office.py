"""A programme office with real results, for the console's tests (unit and browser).

Nothing is faked: the central endpoint is `python -m app server` on a free port (SQLite),
the device is a real Workspace (store + services) that finishes visits and syncs them
with the real sync client, and the console account is made with `accounts.add_manager`.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sync.helpers import CHECKLISTS, ServerProcess, fast_policy, open_device

OUTLET = "HALL-001"
OUTLET_NAME = "人民路旗舰厅"
UNIT = "东区营业部"
SHOPPER = "ms-001"
SHOPPER_NAME = "张敏"
REVIEWER = "li.review"
PASSWORD = "correct horse 42"


def photo(colour: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (640, 480)
          ) -> bytes:
    """A real JPEG, like a phone camera's (a coloured field with a light panel)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, colour)
    ImageDraw.Draw(img).rectangle((40, 40, size[0] // 2, size[1] // 2), fill=(245, 245, 245))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


class Office:
    """One endpoint, one enrolled shopper's device, one reviewer account."""

    def __init__(self, root: Path, server_env: dict[str, str] | None = None) -> None:
        self.root = root
        self.server = ServerProcess(root / "server", checklists=CHECKLISTS,
                                    env=server_env or {})
        self.ws: Any = None
        self.visits = 0

    def start(self) -> Office:
        from app.central import accounts, admin
        from app.sync.client import SyncClient, enrol

        self.server.start()
        ctx = self.server.ctx
        csv_path = self.root / "outlets.csv"
        csv_path.write_text("code,name,tier,business_unit\n"
                            f"{OUTLET},{OUTLET_NAME},flagship,{UNIT}\n"
                            "VIL-009,王家村服务站,village,西区营业部\n", encoding="utf-8")
        admin.import_outlets_csv(ctx, csv_path)
        admin.add_inspector(ctx, SHOPPER, SHOPPER_NAME)
        accounts.add_manager(ctx, REVIEWER, "李审核", "manager", PASSWORD)
        code, _ = admin.create_enrol_code(ctx, SHOPPER)
        self.ws = open_device(self.root / "device")
        enrol(self.ws, self.server.url, code, "shopper phone")
        with SyncClient.for_workspace(self.ws, policy=fast_policy()) as client:
            client.run(push=False)  # outlets and the issued checklists
        return self

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.server.close()

    @property
    def ctx(self) -> Any:
        return self.server.ctx

    def reviewer(self) -> Any:
        from app.central import accounts

        return accounts.get_manager(self.ctx, REVIEWER)

    def veto_visit(self, *, note: str = "营业员穿便服，未佩戴工牌", greet: int = 8,
                   outlet: str = OUTLET) -> str:
        """A finished mystery shop whose uniform item failed (a section 一票否决), with a
        note and a photo as evidence, started a rotation period after the last one."""
        when = datetime.now(UTC) - timedelta(days=400) + timedelta(days=100 * self.visits)
        self.visits += 1
        ins = self.ws.inspections
        uuid = ins.start("mystery_shop", outlet, SHOPPER, location=(31.2304, 121.4737, 8.0),
                         now=when)
        ins.answer(uuid, "uniform", False, now=when + timedelta(minutes=3))
        ins.note(uuid, "uniform", note, now=when + timedelta(minutes=4))
        ins.attach_photo(uuid, "uniform", photo(), source="camera",
                         now=when + timedelta(minutes=4))
        ins.answer(uuid, "greet_seconds", greet, now=when + timedelta(minutes=5))
        ins.attach_photo(uuid, "storefront", photo((30, 90, 160)), source="camera",
                         now=when + timedelta(minutes=6))
        ins.answer(uuid, "comments", "排队约 3 分钟，自助机空闲", now=when + timedelta(minutes=7))
        ins.finalise(uuid, checkout_location=(31.2305, 121.4738, 9.0),
                     now=when + timedelta(minutes=25))
        return uuid

    def sync(self) -> Any:
        from app.sync.client import SyncClient

        with SyncClient.for_workspace(self.ws, policy=fast_policy()) as client:
            report = client.run()
        return report
