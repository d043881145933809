"""The customer-perception page headless (tests/views/harness.py runs a real Flet session
in-process) on a real SQLite office: six flagship halls with approved mystery shops, SMS
sends and counted replies kept by the office's own store, intercept records as inspections
of kind intercept.

Checked: satisfaction per outlet and staff member with replies / texts, an outlet under 30
replies shown as too few; intercept coverage with 30 and 29 records (29: count only, no
figure); the alignment for the tier (rank correlation with its n, the scatter chart in
words with one point per sufficient outlet and the insufficient one left out and said so,
sections against importance with suggested weights and the lines to copy); our outlets
against competitors' pooled mean with no competitor named; English; a bad month is
refused with a message; the scatter's geometry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from central.perception.support import intercept_record
from central.review_support import account, store_result
from views.harness import App, text_of

from app.central import accounts, review
from app.central.context import ServerContext
from app.central.models import Outlet
from app.central.perception.store import record_batch, record_replies
from app.central.settings import ServerSettings
from app.console import perception as page
from app.console.files import ConsoleFiles
from app.console.shell import make_main
from app.i18n import t
from app.programme.months import YearMonth
from app.programme.perception.clock import LOCAL, local_seconds
from app.programme.perception.hashing import CustomerHasher
from app.programme.perception.replies import CountedReply
from app.programme.perception.sendlist import Send, SendList

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long passphrase"
DESKTOP = (1280.0, 900.0)
HASHER = CustomerHasher.from_setting("0123456789abcdef" * 4)
HALLS = ["H1", "H2", "H3", "H4", "H5", "H6"]
# (greet seconds -> mystery-shop score, SMS replies, satisfied of them)
MADE = {"H1": (5, 40, 38), "H2": (20, 35, 30), "H3": (45, 32, 20), "H4": (90, 30, 15),
        "H5": (5, 31, 10), "H6": (5, 10, 10)}


def zh(key: str, **params: object) -> str:
    return t(key, "zh", **params)


def _sms(ctx: ServerContext) -> None:
    sends: list[Send] = []
    counted: list[CountedReply] = []
    at = local_seconds(datetime(2025, 6, 10, 10, 0))
    n = 0
    for code, (_, replies, satisfied) in MADE.items():
        for i in range(replies + 5):  # five texts of each outlet get no reply
            n += 1
            send = Send(f"B20250610-{n:06d}", HASHER.hash(f"139{n:08d}") or "", at + n,
                        at + n, code, f"S{code}{i % 2}", "积分兑换", "points_redeemed", n)
            sends.append(send)
            if i < replies:
                counted.append(CountedReply(send.send_id, n, at + n + 60,
                                            "1" if i < satisfied else "3", code,
                                            send.staff, YearMonth(2025, 6),
                                            "points_redeemed"))
    made = SendList("B20250610", at, sends, [], 0, len(sends))
    record_batch(ctx, "B20250610", made, now=at, fingerprint=HASHER.fingerprint, raw=b"tx")
    record_replies(ctx, counted, b"replies", fingerprint=HASHER.fingerprint)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerContext]:
    ctx = ServerContext(ServerSettings(data_dir=tmp_path_factory.mktemp("office"),
                                       checklists_path=REPO / "checklists.yaml"))
    with ctx.session() as s:
        for code in HALLS:
            s.add(Outlet(code=code, name=f"{code}营业厅", tier="flagship", business_unit="东区"))
        s.commit()
    rev = account(ctx, "rev")
    for code, (greet, _, _) in MADE.items():
        uid = store_result(ctx, outlet_code=code, answers={"uniform": True,
                                                           "greet_seconds": greet},
                           started_at=datetime(2025, 6, 5, 2, 0, tzinfo=UTC))
        review.approve(ctx, rev, uid)
    with ctx.session() as s:  # competitors' flagship halls, shopped with the same checklist
        for code in ("C1", "C2", "C3"):
            s.add(Outlet(code=code, name=f"外厅{code}", tier="flagship", competitor=True))
        s.commit()
    for code, greet in (("C1", 5), ("C2", 60), ("C3", 90)):
        uid = store_result(ctx, outlet_code=code, answers={"uniform": True,
                                                           "greet_seconds": greet},
                           started_at=datetime(2025, 6, 6, 2, 0, tzinfo=UTC))
        review.approve(ctx, rev, uid)
    _sms(ctx)
    for i in range(30):
        intercept_record(ctx, "H1", datetime(2025, 6, 1 + i % 20, 11, 0, tzinfo=LOCAL),
                         {"e_attitude": 7, "p_attitude": 5, "e_efficiency": 6,
                          "p_efficiency": 6, "e_environment": 2, "p_environment": 6})
    for i in range(29):
        intercept_record(ctx, "H2", datetime(2025, 6, 3, 11, i, tzinfo=LOCAL),
                         {"p_attitude": 6})
    accounts.add_manager(ctx, "boss", "渠道 王", "manager", PASSWORD)
    accounts.add_manager(ctx, "west", "西区 赵", "manager", PASSWORD, business_unit="西区")
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def console(office: ServerContext) -> Iterator[Callable[..., App]]:
    opened: list[App] = []
    files = ConsoleFiles(office)

    def open_console(route: str, username: str = "boss") -> App:
        app = App(make_main(office, files), size=DESKTOP, route=route)
        opened.append(app)
        app.fill(zh("console.login.username"), username)
        app.fill(zh("console.login.password"), PASSWORD)
        app.click(zh("console.login.submit"))
        return app

    try:
        yield open_console
    finally:
        for app in opened:
            app.close()


def test_satisfaction_coverage_and_alignment(console: Callable[..., App]) -> None:
    app = console("/perception?month=2025-06&tier=flagship")
    app.wait_for_text(zh("perception.console.sat_title", month="2025-06"))
    h1 = text_of(app.region("sat-H1"))
    assert "95.0" in h1 and "40 / 45" in h1  # 38 of 40 satisfied; 45 texts
    h6 = text_of(app.region("sat-H6"))
    assert zh("perception.console.too_few", count=10, needed=30) in h6
    assert "SH10" in text_of(app.region("staff-SH10"))

    cov1, cov2 = text_of(app.region("cov-H1")), text_of(app.region("cov-H2"))
    assert "30 / 30" in cov1 and "感知" in cov1
    assert "29 / 30" in cov2 and "感知" not in cov2
    assert zh("perception.intercept.insufficient", count=29, needed=30) in cov2

    corr = text_of(app.region("corr-sms"))
    assert "等级相关系数为" in corr and "5 个网点" in corr  # H6 (10 replies): not compared
    scatter = app.region("scatter-sms").control
    for code in ("H1", "H2", "H3", "H4", "H5"):
        assert f"{code} 检查" in scatter.label
    assert "H6" not in scatter.label
    assert "H6" in text_of(app.region("left-out-H6"))
    assert "样本不足" in text_of(app.region("left-out-H6"))
    # intercept: only H1 has enough, so no correlation and one point
    assert "H1 检查" in app.region("scatter-intercept").control.label
    assert "H2" not in app.region("scatter-intercept").control.label
    # sections: importance pooled from H1's 30 records; something is suggested
    assert text_of(app.region("section-awareness"))
    assert "tier_weights" in text_of(app.region("yaml-hint"))

    # competitors: pooled means of 6 of ours against 3 of theirs, no competitor named
    total = text_of(app.region("comp-flagship-total"))
    assert "我方" in total and "6 个网点" in total and "3 个网点" in total and "相差" in total
    competitors = text_of(app.region("perception-competitors"))
    assert not any(code in competitors for code in ("C1", "C2", "C3", "外厅"))
    assert "H1" in text_of(app.region("comp-ours-H1"))
    for region in ("perception-satisfaction", "perception-coverage", "perception-alignment"):
        assert "C1" not in text_of(app.region(region))


def test_english_and_a_bad_month(console: Callable[..., App]) -> None:
    app = console("/perception?month=2025-06&tier=flagship")
    app.wait_for_text(zh("perception.console.sat_title", month="2025-06"))
    app.click("English", type="TextButton")
    app.wait_for_text("2025-06 SMS satisfaction")
    assert "Too few: 10, under 30; not compared" in text_of(app.region("sat-H6"))
    app.go("/perception?month=2025-13")
    app.wait_until(lambda: "month=" in app.view_route and "2025-13" not in app.view_route)


def test_a_unit_manager_sees_their_units_outlets(console: Callable[..., App]) -> None:
    app = console("/perception?month=2025-06&tier=flagship", "west")
    app.wait_for_text(zh("perception.console.sat_title", month="2025-06"))
    assert not app.find_all(within="sat-H1") and not app.find_all(within="cov-H1")


def test_the_scatter_keeps_its_points_inside_and_on_one_scale() -> None:
    g = page.scatter_layout([page.Point("a", 0, 0), page.Point("b", 100, 100),
                             page.Point("c", 50, 150)], width=400, height=300)
    (_, x0, y0), (_, x1, y1), (_, x2, y2) = g.dots
    assert x2 == (x0 + x1) / 2
    assert (x0, y0) == (page.PAD, 300 - page.PAD)
    assert (x1, y1) == (400 - page.PAD_RIGHT, page.PAD_TOP)
    assert y2 == y1  # clamped to the frame
    words = page.describe_scatter("图", [page.Point("H1", 80, 90.55)],
                                  lambda k, **p: t(k, "zh", **p))
    assert words == "图：H1 检查 80.0 客户 90.5"
