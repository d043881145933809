"""The month pages in a real browser (Chromium, desktop 1280x800, outside requests blocked),
served by `python -m app server` at /console/.

The months are real: outlets and commission bases imported from CSV, mystery shops finished
on enrolled devices and synced, approved by a second reviewer, September and October closed
by the month close (tests/console/month_office.py). The manager logs in, opens the closed
October, picks the western unit, reads its ranking with the tie said, sorts it by score,
opens the lowest outlet's month card (its veto, its figures, its score chart) and downloads
the owner's statement PDF, which is read back with pdftotext.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from console.month_office import WEST, MonthOffice
from playwright.sync_api import expect

from .browser import TABLET, FletPage
from .hallcheck import STEP_TIMEOUT, L
from .test_console import choose, log_in, region, says, see

pytestmark = pytest.mark.e2e

DESKTOP = TABLET  # 1280 x 800


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonthOffice]:
    o = MonthOffice(tmp_path_factory.mktemp("months-office")).start()
    try:
        yield o
    finally:
        o.close()


def top_of(ui: FletPage, identifier: str) -> float:
    box = region(ui, identifier).bounding_box()
    assert box is not None, identifier
    return float(box["y"])


def test_a_closed_months_ranking_card_chart_and_statement(office: MonthOffice, open_page,
                                                          artifacts: Path, tmp_path: Path
                                                          ) -> None:
    ui = open_page(f"{office.server.url}/console/", viewport=DESKTOP)
    page = ui.page
    log_in(ui)
    ui.tap(L("console.nav.months"))
    october = region(ui, "month-2026-10")
    expect(october).to_be_visible(timeout=STEP_TIMEOUT)
    says(october, "¥3,250.00")
    ui.settle()
    ui.stable_screenshot(artifacts / "months.png")
    october.click()
    see(ui, L("console.months.month_title", month="2026-10"))
    # the unit's ranking: V-1 and V-2 tied at 1, V-3 third with its deduction
    choose(ui, L("console.months.unit"), WEST)
    expect(region(ui, "rank-V-3")).to_be_visible(timeout=STEP_TIMEOUT)
    says(region(ui, "rank-V-1"), L("console.months.rank_tied", rank=1))
    says(region(ui, "rank-V-2"), L("console.months.rank_tied", rank=1))
    says(region(ui, "rank-V-3"), "-¥1,300.00")
    assert top_of(ui, "rank-V-1") < top_of(ui, "rank-V-2") < top_of(ui, "rank-V-3")
    # sorted by score, lowest first: V-3 moves to the top
    choose(ui, L("console.months.sort"), L("console.months.sort.score"))
    page.wait_for_function(
        """() => { const y = id => { const e = document.querySelector(
                 `[flt-semantics-identifier="${id}"]`); return e ? e.getBoundingClientRect().y
                 : null; };
               return y('rank-V-3') !== null && y('rank-V-1') !== null
                 && y('rank-V-3') < y('rank-V-1'); }""", timeout=STEP_TIMEOUT)
    ui.settle()
    ui.stable_screenshot(artifacts / "ranking.png")
    # the lowest outlet's month card: its veto, its figures and why, its chart
    region(ui, "rank-V-3").click()
    component = region(ui, "component-mystery_shop")
    expect(component).to_be_attached(timeout=STEP_TIMEOUT)
    says(component, L("console.card.veto_section", label="着装规范"))
    says(region(ui, "figure-commission"), "-¥1,300.00")
    says(region(ui, "figure-payment_factor"), "-1.0")  # the table row's factor, in words
    chart = region(ui, "card-chart")
    expect(chart).to_be_attached(timeout=STEP_TIMEOUT)
    says(chart, "2026-09 0")
    says(chart, "2026-10 0")
    says(chart, "66.67")  # the unit's mean in October beside the outlet's own line
    page.mouse.move(640, 500)
    page.mouse.wheel(0, 3000)  # Flutter scrolls its own view: to the chart at the bottom
    ui.settle()
    ui.stable_screenshot(artifacts / "card.png")
    # the owner's statement, built in the background and downloaded
    page.mouse.wheel(0, -5000)
    with page.expect_download(timeout=STEP_TIMEOUT) as download:
        ui.tap(L("console.card.statement"))
    assert re.match(r"^结算单-V-3-2026-10-\d{8}\.pdf$", download.value.suggested_filename)
    pdf = tmp_path / "statement.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          timeout=30, check=True).stdout
    assert "服务质量月度结算单" in text and "东桥服务站（V-3）" in text
    assert "-¥1,300.00" in text and "着装规范：1 次（一票否决，该部分记 0 分）" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(artifacts / "statement")],
                   check=True, timeout=60, capture_output=True)
    assert len(list(artifacts.glob("statement-*.png"))) == 1


def test_the_commission_statement_in_english(office: MonthOffice, open_page,
                                             artifacts: Path) -> None:
    ui = open_page(f"{office.server.url}/console/", viewport=DESKTOP)
    log_in(ui)
    ui.tap(L("console.nav.months"))
    expect(region(ui, "month-2026-10")).to_be_visible(timeout=STEP_TIMEOUT)
    ui.tap(L("lang.en", "en"))
    expect(ui.page.get_by_role("button", name=L("console.nav.months", "en"))).to_be_visible(
        timeout=STEP_TIMEOUT)
    region(ui, "month-2026-10").click()
    region(ui, "tab-commission").get_by_role("button").click()
    choose(ui, L("console.months.unit", "en"), L("console.months.province", "en"))
    rows = region(ui, "commission-rows")
    expect(region(ui, "pay-V-3")).to_be_visible(timeout=STEP_TIMEOUT)
    says(region(ui, "pay-V-1"), "¥1,950.00")
    says(region(ui, "commission-totals"), L("console.months.totals", "en",
                                            commission="¥3,250.00", staff="¥1,365.00",
                                            refund="¥0.00", adjustments="¥0.00",
                                            payable="¥3,250.00"))
    expect(rows).to_be_visible()
    ui.settle()
    ui.stable_screenshot(artifacts / "commission-en.png")
