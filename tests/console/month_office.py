"""A programme office with three months of real, reviewed results for the month pages'
tests (headless and in Chromium).

Nothing is faked: the outlets and the commission bases are imported from CSV files the way
finance sends them, the results are real mystery shops finished on an enrolled device and
synced with the real sync client to `python -m app server`, a second reviewer approves them
(the review service), and the months are closed with the month close itself
(`app.central.month.read.close_month`). The test checklists name only the tiers flagship
(self-run hall) and village (agent outlet), so the server's data directory gets the
shipped programme.yaml with its tier ladders cut down to those two tiers.

What the months hold (agent outlets of the village tier, class A in 西湖, cooperating since
2019-06, base ¥1,000.00 a month; a mystery shop scores 100, 75 when the greeting took 20 s,
and 0 when the uniform item fails: its section veto voids the conduct section):

| outlet | 2026-09 | 2026-10 | 2026-11 (left open) |
|---|---|---|---|
| V-1 南门服务站 (西区营业部) | 100 | 100 (tied with V-2) | 100 |
| V-2 北街服务站 (西区营业部) | 75 | 100 (tied with V-1) | 75 |
| V-3 东桥服务站 (西区营业部) | 0 (veto) | 0 (veto: -¥1,300.00) | 100 |
| V-4 城西服务站 (东区营业部) | 75 | 75 | - |

HALL-001 (a self-run hall) and VIL-009 have no result in these months, and C-1 is a
competitor's outlet: none of them is ranked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from .office import SHOPPER, UNIT, Office, photo

CN = timezone(timedelta(hours=8))
WEST = "西区营业部"
CLOSED = ("2026-09", "2026-10")
COMPETITOR = "C-1"  # a competitor's outlet: listed, never ranked or paid
OPEN = "2026-11"
OUTLETS = {  # code -> (name, unit)
    "V-1": ("南门服务站", WEST),
    "V-2": ("北街服务站", WEST),
    "V-3": ("东桥服务站", WEST),
    "V-4": ("城西服务站", UNIT),
}
# month -> outlet -> (uniform worn, seconds until greeted)
PLAN: dict[str, dict[str, tuple[bool, int]]] = {
    "2026-09": {"V-1": (True, 5), "V-2": (True, 20), "V-3": (False, 5), "V-4": (True, 20)},
    "2026-10": {"V-1": (True, 5), "V-2": (True, 5), "V-3": (False, 5), "V-4": (True, 20)},
    "2026-11": {"V-1": (True, 5), "V-2": (True, 20), "V-3": (True, 5)},
}
APPROVER = "qian.approve"
APPROVER_PASSWORD = "approver pass 99"
UNIT_MANAGER = "xi.unit"
UNIT_PASSWORD = "unit pass 1234"


def programme_for_test_tiers(target: Path) -> None:
    """The shipped programme.yaml with ladders naming only the test checklists' tiers."""
    from app.programme.rules_loader import default_programme_path

    data = yaml.safe_load(default_programme_path().read_text(encoding="utf-8"))
    for version in data["versions"]:
        version["tier_moves"]["ladders"] = {"agent_channel": ["village"],
                                            "self_run_hall": ["flagship"]}
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


class MonthOffice(Office):
    """The office, its outlets with money data, three months of approved results, two of
    them closed."""

    def __init__(self, root: Path, server_env: dict[str, str] | None = None,
                 database_url: str | None = None) -> None:
        from sync.helpers import CHECKLISTS, ServerProcess

        super().__init__(root, server_env)
        if database_url is not None:  # PostgreSQL instead of the data dir's SQLite file
            self.server = ServerProcess(root / "server", database_url, checklists=CHECKLISTS,
                                        env=server_env or {})
        self.uuids: dict[tuple[str, str], str] = {}  # (month, outlet) -> result uuid
        self.devices: list[Any] = []  # the other shoppers' phones

    def start(self) -> MonthOffice:
        from app.central import accounts, admin, review
        from app.central.month import masterdata, read
        from app.programme.months import YearMonth
        from app.sync.client import SyncClient

        self.server.data_dir.mkdir(parents=True, exist_ok=True)
        programme_for_test_tiers(self.server.data_dir / "programme.yaml")
        super().start()
        ctx = self.ctx
        lines = ["code,name,tier,business_unit,region,class,cooperation_start,area_manager,"
                 "competitor"]
        lines.append("HALL-001,人民路旗舰厅,flagship,东区营业部,西湖,A,2015-01-01,am-wang,否")
        lines.append("VIL-009,王家村服务站,village,西区营业部,西湖,A,2015-01-01,am-zhao,否")
        lines.append(f"{COMPETITOR},对面营业厅,village,西区营业部,西湖,,,,是")
        for code, (name, unit) in OUTLETS.items():
            lines.append(f"{code},{name},village,{unit},西湖,A,2019-06-01,am-zhao,否")
        outlets_csv = self.root / "month-outlets.csv"
        outlets_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        admin.import_outlets_csv(ctx, outlets_csv)
        bases_csv = self.root / "bases.csv"
        bases_csv.write_text("class,region,period,amount\nA,西湖,2026-H2,1000.00\n",
                             encoding="utf-8")
        masterdata.import_bases_csv(ctx, bases_csv)
        # one shopper a month: the same shopper may visit an outlet once in three months
        sent = 0
        for i, (month, plan) in enumerate(PLAN.items()):
            ws = self.ws if i == 0 else self._shopper_device(f"ms-00{i + 1}", f"暗访员{i + 1}")
            shopper = SHOPPER if i == 0 else f"ms-00{i + 1}"
            with SyncClient.for_workspace(ws, policy=_policy()) as client:
                client.run(push=False)  # the outlets reach the device
            for n, (code, (uniform, greet)) in enumerate(plan.items()):
                self.uuids[(month, code)] = self.month_visit(ws, shopper, month, code,
                                                             uniform, greet, day=3 + 6 * n)
            with SyncClient.for_workspace(ws, policy=_policy()) as client:
                sent += client.run().sent
        assert sent == sum(len(p) for p in PLAN.values()), sent
        approver = accounts.add_manager(ctx, APPROVER, "钱审核", "reviewer", APPROVER_PASSWORD)
        for uuid in self.uuids.values():
            review.approve(ctx, approver, uuid)
        accounts.add_manager(ctx, UNIT_MANAGER, "西区经理", "manager", UNIT_PASSWORD,
                             business_unit=WEST)
        for month in CLOSED:
            read.close_month(ctx, YearMonth.parse(month), by=APPROVER)
        return self

    def _shopper_device(self, shopper: str, name: str) -> Any:
        from sync.helpers import open_device

        from app.central import admin
        from app.sync.client import enrol

        admin.add_inspector(self.ctx, shopper, name)
        code, _ = admin.create_enrol_code(self.ctx, shopper)
        ws = open_device(self.root / f"device-{shopper}")
        enrol(ws, self.server.url, code, f"{shopper} phone")
        self.devices.append(ws)
        return ws

    def close(self) -> None:
        for ws in self.devices:
            ws.close()
        super().close()

    def month_visit(self, ws: Any, shopper: str, month: str, code: str, uniform: bool,
                    greet: int, day: int) -> str:
        """A finished mystery shop at `code` on `day` of `month` (China time)."""
        y, m = (int(x) for x in month.split("-"))
        when = datetime(y, m, day, 10, 0, tzinfo=CN).astimezone(UTC)
        ins = ws.inspections
        uuid: str = ins.start("mystery_shop", code, shopper, location=(31.2304, 121.4737, 8.0),
                              now=when)
        ins.answer(uuid, "uniform", uniform, now=when + timedelta(minutes=3))
        if not uniform:
            ins.note(uuid, "uniform", "营业员未着工装", now=when + timedelta(minutes=4))
            ins.attach_photo(uuid, "uniform", photo(), source="camera",
                             now=when + timedelta(minutes=4))
        ins.answer(uuid, "greet_seconds", greet, now=when + timedelta(minutes=5))
        ins.finalise(uuid, checkout_location=(31.2305, 121.4738, 9.0),
                     now=when + timedelta(minutes=25))
        return uuid


def _policy() -> Any:
    from sync.helpers import fast_policy

    return fast_policy()
