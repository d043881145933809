"""The month pages headless (tests/views/harness.py runs a real Flet session in-process)
against a real office: outlets and bases from CSV, results from enrolled devices through
the real server, approved by a second reviewer, months closed by the month close itself
(tests/console/month_office.py has the table of what the months hold).

Checked: the list of months and their state; one month's ranking per unit with its ties
said and its sort orders; the month card (component -> visit -> failed item and veto, every
figure with its stored reason, the chart in words); the commission statement to the cent;
the candidate lists; the units' chart; the close behind its confirm dialog (cancel keeps
the month open; confirm freezes it); who may close and what a unit manager sees. Every test
runs against an office on SQLite and one on a throwaway PostgreSQL.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from central.review_support import BACKENDS
from sync.helpers import create_database
from views.harness import App, text_of

from app.central import review
from app.central.exports.labels import Labels
from app.central.exports.statement import write_statement
from app.central.month import read
from app.central.month.close import current_month
from app.console.files import ConsoleFiles
from app.console.shell import make_main
from app.console.theme import font_path
from app.i18n import t
from app.programme.months import YearMonth

from .month_office import APPROVER, COMPETITOR, OPEN, UNIT_MANAGER, UNIT_PASSWORD, WEST, MonthOffice
from .office import PASSWORD, REVIEWER

DESKTOP = (1280.0, 800.0)


def zh(key: str, **params: object) -> str:
    return t(key, "zh", **params)


@pytest.fixture(scope="module", params=BACKENDS)
def office(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
           ) -> Iterator[MonthOffice]:
    url = None if request.param == "sqlite" else create_database(
        request.getfixturevalue("pg_admin_url"))
    o = MonthOffice(tmp_path_factory.mktemp(f"month-office-{request.param}"),
                    database_url=url).start()
    try:
        yield o
    finally:
        o.close()


@pytest.fixture
def console(office: MonthOffice) -> Iterator[Callable[..., App]]:
    opened: list[App] = []
    files = ConsoleFiles(office.ctx)

    def open_console(route: str = "/", username: str = REVIEWER, password: str = PASSWORD
                     ) -> App:
        app = App(make_main(office.ctx, files), size=DESKTOP, route=route)
        opened.append(app)
        app.fill(zh("console.login.username"), username)
        app.fill(zh("console.login.password"), password)
        app.click(zh("console.login.submit"))
        return app

    yield open_console
    for app in opened:
        app.close()


def order(app: App, region: str, prefix: str) -> list[str]:
    """The outlet codes of a table's rows, top to bottom."""
    found = [f.control for f in app.iter_visible()
             if str(getattr(f.control, "identifier", "") or "").startswith(prefix)
             and any(getattr(a, "identifier", None) == region for a in f.ancestors)]
    return [str(c.identifier)[len(prefix):] for c in found]


def test_the_months_are_listed_with_their_state(console) -> None:
    app = console()
    app.click(zh("console.nav.months"), type="TextButton")
    app.wait_for_text(zh("console.months.title"))
    row = text_of(app.region("month-2026-10"))
    assert zh("console.months.state.closed") in row and "¥3,250.00" in row  # the commission
    assert "7 / 4" in row  # outlets / ranked (competitors, no composite: not ranked)
    assert APPROVER in row and "2025.1" in row
    assert app.sees("2026-12")  # the month running now is listed, open
    app.click(app.region("month-2026-10").control)
    app.wait_until(lambda: app.view_route.startswith("/months/2026-10"))


def test_a_units_ranking_says_its_ties_and_sorts(console) -> None:
    app = console("/months/2026-10")
    app.wait_for_text(zh("console.months.month_title", month="2026-10"))
    # the first unit (东区营业部) first; the unit dropdown switches
    assert order(app, "ranking-rows", "rank-") == ["V-4"]
    app.select(zh("console.months.unit"), WEST)
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-2", "V-3"])
    assert app.view_route == "/months/2026-10?unit=%E8%A5%BF%E5%8C%BA%E8%90%A5%E4%B8%9A%E9%83%A8"
    # V-1 and V-2 both scored 100: rank 1 each, tied, and the next rank is 3
    tied = zh("console.months.rank_tied", rank=1)
    assert f"{tied} 南门服务站 V-1" in text_of(app.region("rank-V-1"))
    assert f"{tied} 北街服务站 V-2" in text_of(app.region("rank-V-2"))
    v3 = text_of(app.region("rank-V-3"))
    assert "3 东桥服务站 V-3" in v3 and "-¥1,300.00" in v3 and zh("programme.flag.veto") in v3
    assert app.sees(zh("console.months.ranked_count", unit=WEST, n=3))
    # VIL-009 had no result: listed apart with the reason, not ranked
    assert zh("programme.why.rank.not_scored") in text_of(app.region("unranked-VIL-009"))
    assert zh("programme.why.rank.competitor") in text_of(app.region(f"unranked-{COMPETITOR}"))
    # a competitor's card: compared only, no statement for it
    app.click(app.region(f"unranked-{COMPETITOR}").control)
    app.wait_for_text(zh("console.card.statement_competitor"))
    assert not app.sees(zh("console.card.statement"))
    app.go(f"/months/2026-10?unit={WEST}")
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-2", "V-3"])
    app.select(zh("console.months.sort"), zh("console.months.sort.score"))
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-3", "V-1", "V-2"])
    app.select(zh("console.months.sort"), zh("console.months.sort.commission"))
    app.wait_until(lambda: order(app, "ranking-rows", "rank-")[-1] == "V-3")
    # the province: every agent outlet of the month, V-4 ranked 3 (75 after two 100s)
    app.select(zh("console.months.unit"), zh("console.months.province"))
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-3", "V-4", "V-1", "V-2"]
                   or order(app, "ranking-rows", "rank-")[:2] == ["V-1", "V-2"])
    app.select(zh("console.months.sort"), zh("console.months.sort.rank"))
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-2", "V-4", "V-3"])
    # self-run halls rank apart: the hall had no result this month
    app.select(zh("console.months.family"), zh("programme.family.self_run_hall"))
    app.wait_for_text(zh("console.months.nothing_ranked"))


def test_a_long_ranking_is_paged(console, monkeypatch) -> None:
    from app.console import months

    monkeypatch.setattr(months, "PAGE_SIZE", 2)
    app = console("/months/2026-10?unit=province")
    app.wait_for_text(zh("console.months.month_title", month="2026-10"))
    assert order(app, "ranking-rows", "rank-") == ["V-1", "V-2"]
    assert app.sees(zh("console.queue.page", start=1, end=2, total=4))
    app.click(zh("console.queue.next"))
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-4", "V-3"])
    assert app.view_route.endswith("page=2")
    app.select(zh("console.months.sort"), zh("console.months.sort.code"))  # back to page 1
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-2"])
    assert "page=" not in app.view_route
    app.go("/months/2026-10?unit=province&page=99")  # past the end: the last page
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-4", "V-3"])


def test_the_month_card_goes_from_components_to_visits_to_vetoes(console, office) -> None:
    app = console(f"/months/2026-10?unit={WEST}")
    app.wait_for_text(zh("console.months.month_title", month="2026-10"))
    app.click(app.region("rank-V-3").control)
    app.wait_until(lambda: app.view_route == "/months/2026-10/V-3")
    header = text_of(app.region("card-header"))
    assert "东桥服务站（V-3）" in header and zh("programme.flag.deduction") in header
    component = text_of(app.region("component-mystery_shop"))
    assert zh("console.card.component_head", name="暗访", score="0", weight="50",
              share="100.0") in component
    uuid = office.uuids[("2026-10", "V-3")]
    visit = text_of(app.region(f"visit-{uuid}"))
    assert zh("console.card.veto_section", label="着装规范") in visit
    # every figure beside the reason the closed month stored for it
    doc = read.closed_month(office.ctx, YearMonth.parse("2026-10"))
    assert doc is not None
    commission = text_of(app.region("figure-commission"))
    assert "-¥1,300.00" in commission
    assert (doc.why_text("V-3", "commission", "zh") or "?") in commission
    rank = text_of(app.region("figure-rank_unit"))
    assert zh("statement.rank.alone", rank=3, size=3) in rank
    assert "2025.1" in text_of(app.region("card-figures"))  # the rule each figure applied
    # the chart, in words: the last 12 months, V-3's 0 and 0, the unit's means
    chart = app.region("card-chart").control
    assert "2026-09 0" in chart.label and "2026-10 0" in chart.label
    assert "2026-08 无" in chart.label and "58.33" in chart.label and "66.67" in chart.label
    # a visit opens its result
    app.click(app.region(f"visit-{uuid}").control)
    app.wait_until(lambda: app.view_route == f"/result/{uuid}")


def test_the_commission_statement_to_the_cent(console) -> None:
    app = console("/months/2026-10?tab=commission&unit=province")
    app.wait_for_text(zh("console.months.tab.commission"))
    assert order(app, "commission-rows", "pay-") == ["V-1", "V-2", "V-4", "V-3"]
    v1 = text_of(app.region("pay-V-1"))
    # base 1000 × years factor 1.3 (7 years since 2019-06) × payment factor 1.5 (score 100)
    assert re.search(r"¥1,000\.00 1\.3 1\.5 ¥1,950\.00 ¥585\.00 ¥0\.00 ¥0\.00 ¥1,950\.00", v1)
    v3 = text_of(app.region("pay-V-3"))
    assert "-1 -¥1,300.00 ¥0.00" in v3  # a deduction: staff bear none of it
    totals = text_of(app.region("commission-totals"))
    assert totals == zh("console.months.totals", commission="¥3,250.00", staff="¥1,365.00",
                        refund="¥0.00", adjustments="¥0.00", payable="¥3,250.00")


def test_the_candidate_lists(console) -> None:
    app = console("/months/2026-10?tab=candidates")
    app.wait_for_text(zh("console.months.proposal"))
    warnings = text_of(app.region("list-warnings"))
    assert "东桥服务站（V-3）" in warnings and zh("programme.flag.deduction") in warnings
    assert "V-1" not in warnings
    for name in ("exit", "tier_up", "tier_down", "rewards"):
        assert zh("console.months.list.empty") in text_of(app.region(f"list-{name}")), name
    app.click(app.region("warnings-V-3").control)
    app.wait_until(lambda: app.view_route == "/months/2026-10/V-3")


def test_the_units_score_trend(console) -> None:
    app = console("/months/2026-10?tab=chart")
    app.wait_for_text(zh("console.months.tab.chart"))
    east = app.region("chart-unit-东区营业部").control  # the first unit first
    assert "2026-10 75" in east.label and "2026-09 75" in east.label
    assert not app.find_all(key=None, within=f"chart-unit-{WEST}")
    app.select(zh("console.months.unit"), WEST)
    app.wait_until(lambda: bool(app.find_all(within=f"chart-unit-{WEST}")))
    west = app.region(f"chart-unit-{WEST}").control
    # the unit's mean: (100 + 75 + 0) / 3 in September, (100 + 100 + 0) / 3 in October
    assert "2026-09 58.33" in west.label and "2026-10 66.67" in west.label
    assert "2026-08 无" in west.label and "2026-11" not in west.label  # up to the month
    app.select(zh("console.months.unit"), zh("console.months.province"))  # every unit
    app.wait_until(lambda: bool(app.find_all(within="chart-unit-东区营业部")))
    assert app.region(f"chart-unit-{WEST}").control.label == west.label


def test_a_unit_manager_sees_their_unit_and_cannot_close(console, office) -> None:
    app = console("/months/2026-10", username=UNIT_MANAGER, password=UNIT_PASSWORD)
    app.wait_for_text(zh("console.months.month_title", month="2026-10"))
    assert order(app, "ranking-rows", "rank-") == ["V-1", "V-2", "V-3"]
    assert app.region("month-unit").control.content.disabled
    # the unit's own money, not the province's: 1950 + 1950 - 1300
    head = text_of(app.region("month-head"))
    assert "服务佣金 ¥2,600.00" in head and "¥3,250.00" not in head
    app.go("/months")
    app.wait_for_text(zh("console.months.title"))
    assert "¥3,250.00" not in text_of(app.region("month-2026-10"))
    app.go(f"/months/{current_month()}")  # always open
    app.wait_for_text(re.compile("本月尚未月结"))
    assert not app.sees(zh("console.months.close"))
    app.go("/months/2026-10?tab=commission&unit=province")
    app.wait_for_text(zh("console.months.tab.commission"))
    assert "V-4" not in order(app, "commission-rows", "pay-")  # 东区's outlet stays hidden
    app.go("/months/2026-10/V-4")  # nor can its card be opened by address
    app.wait_for_snack(zh("console.card.not_found"))


def test_english_and_a_bad_month(console) -> None:
    app = console("/months/2026-10?tab=commission&unit=province")
    app.wait_for_text(zh("console.months.tab.commission"))
    app.click(t("lang.en", "en"))
    app.wait_for_text(t("console.months.tab.commission", "en"))
    assert "¥1,950.00" in text_of(app.region("pay-V-1"))
    app.go("/months/2026-13")
    app.wait_for_snack(t("console.months.bad_month", "en", month="2026-13"))


def test_closing_asks_first_and_freezes_the_month(console, office, tmp_path: Path) -> None:
    month = YearMonth.parse(OPEN)
    app = console(f"/months/{OPEN}")
    app.wait_for_text(re.compile("本月尚未月结"))
    # the preview: V-3 scored 100 this month, all three are tied at rank 1
    app.select(zh("console.months.unit"), WEST)
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-3", "V-2"]
                   or len(order(app, "ranking-rows", "rank-")) == 3)
    # the preview's card explains its figures too (built for that one outlet)
    app.go(f"/months/{OPEN}/V-3")
    app.wait_for_text(re.compile("本月尚未月结"))
    assert "基数 1000.00 × 年限系数 1.3 × 付费系数 1.5" in text_of(
        app.region("figure-commission"))
    assert not app.sees(zh("console.card.statement"))  # no statement before the close
    app.go(f"/months/{OPEN}?unit={WEST}")
    app.wait_for_text(re.compile("本月尚未月结"))
    app.click(zh("console.months.close"))
    assert app.sees(zh("console.months.close_title", month=OPEN))
    app.click(zh("console.months.cancel"), in_dialog=True)
    app.wait_until(lambda: not app.sees(zh("console.months.close_title", month=OPEN)))
    assert read.closed_month(office.ctx, month) is None  # cancelled: still open
    # October is closed; V-3's veto there is disputed and overturned now: October stays as
    # frozen, and the November close carries the difference as an adjustment line
    october = office.uuids[("2026-10", "V-3")]
    dispute = review.open_dispute(office.ctx, office.reviewer(), october, "门店称营业员着工装")
    review.decide_dispute(office.ctx, office.reviewer(), dispute, "overturned", "监控确认")
    app.click(zh("console.months.close"))
    app.click(zh("console.months.close_confirm"), in_dialog=True)
    app.wait_for_snack(re.compile("2026-11 已月结"), timeout=20)
    closed = read.closed_month(office.ctx, month)
    assert closed is not None and closed.closed_by == REVIEWER
    app.wait_for_text(re.compile(f"由 {REVIEWER} 月结"))
    assert not app.sees(zh("console.months.close"))
    frozen = read.closed_month(office.ctx, YearMonth.parse("2026-10"))
    assert frozen is not None and frozen.outlet("V-3")["commission"] == "-1300.00"
    # the card of V-3's November: the adjustment, as such, and the statement PDF
    app.click(app.region("rank-V-3").control)
    app.wait_for_text(zh("console.card.statement"))
    adjustment = text_of(app.region("figure-adjustments"))
    assert "¥1,300.00" in adjustment and "2026-10" in adjustment
    assert zh("programme.adjustment.overturned_result") in adjustment
    row = closed.outlet("V-3")
    assert row is not None and row["adjustments_total"] == "1300.00"
    assert text_of(app.region("figure-payable")).startswith(
        f"{zh('programme.figure.payable')} ¥3,250.00")  # 1,950.00 + 1,300.00
    pdf = write_statement(closed.export, "V-3", tmp_path / "v3.pdf", Labels("zh"),
                          font_path())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "调整：2026-10 ¥1,300.00（月结后被推翻的检查结果）" in text


def test_a_month_read_without_explanations_fetches_one_outlets(office) -> None:
    """The list pages may hold a closed month without its `why`s; a card, a statement or a
    candidate's reason then reads that one outlet's explained row."""
    from app.console.months import MonthDoc

    month = YearMonth.parse("2026-10")
    closed = read.closed_month(office.ctx, month)
    assert closed is not None
    slim = {**closed.export, "outlets": [{k: v for k, v in r.items() if k != "why"}
                                         for r in closed.export["outlets"]]}
    asked: list[str] = []

    def one(code: str) -> dict[str, object] | None:
        asked.append(code)
        return read.closed_month_outlet(office.ctx, month, code)

    doc = MonthDoc(month, slim, True, full_row=one)
    row = doc.explained("V-3")
    assert row is not None and row["why"] == closed.outlet("V-3")["why"] and asked == ["V-3"]
    assert doc.tied(doc.row("V-1"), "unit") and not doc.tied(doc.row("V-3"), "unit")
    whole = doc.with_explained("V-3")
    assert [r.get("why") is not None for r in whole["outlets"]].count(True) == 1
    assert doc.explained("NOPE") is None


def test_closing_a_month_not_over_is_refused_in_the_dialog(console, office) -> None:
    now = current_month()
    app = console(f"/months/{now}")
    app.wait_for_text(re.compile("本月尚未月结"))
    app.click(zh("console.months.close"))
    app.click(zh("console.months.close_confirm"), in_dialog=True)
    app.wait_for_text(zh("month.error.not_ended", month=str(now)))  # said, dialog kept open
    assert app.sees(zh("console.months.close_title", month=str(now)))
    assert read.closed_month(office.ctx, now) is None
    app.click(zh("console.months.cancel"), in_dialog=True)


def test_a_month_without_rules_says_so(console, office) -> None:
    app = console("/months/1999-01")  # before the first version of programme.yaml applies
    app.wait_for_text(zh("console.months.month_title", month="1999-01"))
    problem = text_of(app.region("month-problem"))
    assert "1999-01" in problem and "programme.yaml" in problem


def test_the_candidate_lists_of_a_year(console, monkeypatch) -> None:
    """Twelve months computed by the pure month package (the lists need a year of history;
    the office's three months cannot make them): the page renders each list's outlets with
    the reason the month gave. Only the storage is left out: the page is handed the frozen
    December as the read API would give it."""
    import json

    from programme.helpers import every_half_year, outlet, run_months, shipped

    from app.console import month_card, months

    codes = [f"O{i:02d}" for i in range(10)]
    outlets = [outlet(c, unit=WEST) for c in (*codes, "UP", "DOWN", "CLIMB")]
    year = []
    for m in range(12):
        scores: dict[str, float | None] = {c: 75.0 + i for i, c in enumerate(codes)}
        scores["UP"] = 97.0  # ≥ 95 six months running: up a tier
        scores["DOWN"] = 50.0  # < 70 three months running, and the bottom of the year: exit
        scores["CLIMB"] = 60.0 if m < 11 else 99.0  # 12th of 13 in October, first in December
        year.append(scores)
    done = run_months(shipped(), outlets, year, YearMonth(2025, 1), every_half_year(100000))
    december = json.loads(json.dumps(done[-1].to_export(explanations=True), ensure_ascii=False))
    doc = months.MonthDoc(YearMonth(2025, 12), december, True, closed_by=APPROVER)
    monkeypatch.setattr(months, "load_month", lambda ctx, month: doc)
    monkeypatch.setattr(month_card, "load_month", lambda ctx, month: doc)
    app = console("/months/2025-12?tab=candidates")
    app.wait_for_text(zh("console.months.proposal"))
    exit_list = text_of(app.region("list-exit"))
    # the unit's bottom three all year (DOWN 50, CLIMB 60 until December, O00 75), each in
    # the province's bottom five: three candidates
    assert zh("console.months.list.count", n=3) in exit_list
    assert all(f"网点{c}（{c}）" in exit_list for c in ("DOWN", "CLIMB", "O00"))
    assert "退出候选" in text_of(app.region("exit-DOWN"))  # the exit rule's own sentence
    up = text_of(app.region("tier_up-UP"))
    assert "agent → exclusive" in up and "升级候选" in up
    assert "网点DOWN（DOWN）" in text_of(app.region("list-tier_down"))
    reward = text_of(app.region("rewards-CLIMB"))
    assert zh("console.months.reward_line", manager="mgr", baseline="2025-10", before=12,
              now=1, places=11) in reward
    assert "网点DOWN（DOWN）" in text_of(app.region("list-warnings"))  # its deduction
    app.click(app.region("rewards-CLIMB").control)
    app.wait_until(lambda: app.view_route == "/months/2025-12/CLIMB")
    reward_why = text_of(app.region("figure-reward"))  # the card says why, with the rule
    assert "上升 11 名" in reward_why and "area_manager_reward" in reward_why


def test_a_viewer_reads_the_months_but_cannot_close(console, office) -> None:
    from app.central import accounts

    accounts.add_manager(office.ctx, "month.view", "周查看", "viewer", "viewer pass 321")
    app = console("/months/2026-10?unit=province", username="month.view",
                  password="viewer pass 321")
    app.wait_until(lambda: order(app, "ranking-rows", "rank-") == ["V-1", "V-2", "V-4", "V-3"])
    app.go(f"/months/{current_month()}")
    app.wait_for_text(re.compile("本月尚未月结"))
    assert not app.sees(zh("console.months.close"))


def test_finance_exports_the_closed_month_to_excel(console, office) -> None:
    import openpyxl

    app = console("/months/2026-10")
    app.wait_for_text(zh("console.months.month_title", month="2026-10"))
    exports = office.ctx.settings.data_dir / "console-exports"
    before = set(exports.glob("*.xlsx"))
    app.click(zh("console.months.export_xlsx"))
    app.wait_for_text(re.compile("导出完成"), timeout=30)
    made = set(exports.glob("*.xlsx")) - before
    assert len(made) == 1
    wb = openpyxl.load_workbook(made.pop())
    sheet = wb.worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    v1 = next(row for row in cells if "V-1" in row)
    assert 1950 in v1 and 100 in v1  # the commission as a number, the composite
    assert sheet.freeze_panes is not None
    # a unit's manager gets no such button: the file holds the whole province
    unit = console("/months/2026-10", username=UNIT_MANAGER, password=UNIT_PASSWORD)
    unit.wait_for_text(zh("console.months.month_title", month="2026-10"))
    assert not unit.sees(zh("console.months.export_xlsx"))
