"""The manager console in a real browser (Chromium, desktop 1280x800, outside requests
blocked), served by `python -m app server` at /console/ beside the JSON API.

Results get there the honest way: a real device (store + services) finishes a mystery shop
with a failed 一票否决 item, its note and photo, and syncs it with the real sync client.
The reviewer then works in the browser: log in, open the result, see the veto and its
photo (full size too), return it with a reason; the device amends and syncs; the reviewer
approves the amendment; the queue is exported to Excel and read back with openpyxl.

Each test is self-contained on the module's office (what another test does through the
browser, it prepares through the services), so any one can run alone.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console.office import PASSWORD, REVIEWER, SHOPPER, Office
from playwright.sync_api import expect

from .browser import TABLET, FletPage
from .hallcheck import STEP_TIMEOUT, L

pytestmark = pytest.mark.e2e

DESKTOP = TABLET  # 1280 x 800
LOCKOUT_AFTER = 3  # wrong passwords before the test server locks an account (default 5)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    o = Office(tmp_path_factory.mktemp("console-office"),
               server_env={"HALLCHECK_SERVER_LOCKOUT_THRESHOLD": str(LOCKOUT_AFTER)}).start()
    try:
        yield o
    finally:
        o.close()


def console_url(office: Office) -> str:
    return f"{office.server.url}/console/"


def log_in(ui: FletPage, username: str = REVIEWER, password: str = PASSWORD) -> None:
    page = ui.page
    expect(page.get_by_role("button", name=L("console.login.submit"))).to_be_visible(
        timeout=STEP_TIMEOUT)
    fill(ui, L("console.login.username"), username)
    fill(ui, L("console.login.password"), password)
    ui.tap(L("console.login.submit"))


_FOCUSED = """() => { const e = document.activeElement;
    return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA'); }"""
_FOCUSED_OTHER = """() => { const e = document.activeElement;
    return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA')
        && e !== window.__hcLastField; }"""
_TYPED = """(text) => { const e = document.activeElement;
    return !!e && e.value === text; }"""


def fill(ui: FletPage, label: str, text: str, exact: bool = False) -> None:
    """Type into the field labelled `label` like a user, once its own editing element has
    focus (not the previous field's, which a loaded machine can leave focused a moment
    longer), until it holds exactly `text` (retyped when a key was lost)."""
    page = ui.page
    ui.settle()
    again = getattr(ui, "last_field", None) == label  # the same field once more
    page.get_by_role("textbox", name=label, exact=exact).click(timeout=STEP_TIMEOUT)
    page.wait_for_function(_FOCUSED if again else _FOCUSED_OTHER, timeout=STEP_TIMEOUT)
    ui.last_field = label  # type: ignore[attr-defined]
    for attempt in range(3):  # Flutter web can drop the first key after a focus change
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text)
        try:
            page.wait_for_function(_TYPED, arg=text, timeout=3000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.evaluate("() => { window.__hcLastField = document.activeElement; }")
    ui.settle()


def choose(ui: FletPage, name: str, option: str) -> None:
    """Open the dropdown announced as `name` (its label, then the chosen option) and pick
    `option` from the menu that opens."""
    ui.settle()
    ui.page.get_by_role("button", name=re.compile("^" + re.escape(name))).click(
        timeout=STEP_TIMEOUT)
    ui.page.get_by_role("group").get_by_role("button", name=option, exact=True).click(
        timeout=STEP_TIMEOUT)
    ui.settle()


def see(ui: FletPage, text: str | re.Pattern[str], timeout: int = STEP_TIMEOUT) -> None:
    pattern = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
    loc = ui.page.get_by_text(pattern).or_(ui.page.get_by_label(pattern))
    expect(loc.first).to_be_attached(timeout=timeout)


def region(ui: FletPage, identifier: str) -> Any:
    return ui.page.locator(f'[flt-semantics-identifier="{identifier}"]')


_SAYS = """([e, text]) => {
    const parts = [e.getAttribute('aria-label') || '', e.innerText || ''];
    for (const x of e.querySelectorAll('[aria-label]')) parts.push(x.getAttribute('aria-label'));
    return parts.join('\\n').includes(text);
}"""


def says(loc: Any, text: str, timeout: int = STEP_TIMEOUT) -> None:
    """A region shows `text` (Flutter puts a region's texts in its own text or merges them
    into accessible names, depending on the controls inside)."""
    expect(loc).to_be_attached(timeout=timeout)
    loc.page.wait_for_function(_SAYS, arg=[loc.element_handle(), text], timeout=timeout)


def state_of(office: Office, uuid: str) -> str:
    from app.central import review

    return review.result_view(office.ctx, office.reviewer(), uuid).review_state


def wait_state(office: Office, uuid: str, state: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while state_of(office, uuid) != state:
        if time.monotonic() > deadline:
            raise AssertionError(f"{uuid} is {state_of(office, uuid)}, not {state}")
        time.sleep(0.05)


def test_wrong_passwords_are_said_in_words_and_lock_the_account(office: Office,
                                                                 open_page) -> None:
    from app.central import accounts

    accounts.add_manager(office.ctx, "wang.view", "王查看", "viewer", "another pass 77")
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui, "wang.view", "not the password")
    see(ui, L("accounts.login_failed"))
    for _ in range(LOCKOUT_AFTER - 1):  # the username stays; the refused password is cleared
        fill(ui, L("console.login.password"), "not the password")
        page.keyboard.press("Enter")
    see(ui, re.compile(r"账号已锁定。请 \d+ 分钟后再试"))  # how long to wait, in words
    ui.shot("login-locked")
    fill(ui, L("console.login.password"), "another pass 77")  # even the right one now
    page.keyboard.press("Enter")
    see(ui, re.compile(r"账号已锁定"))
    assert accounts.get_manager(office.ctx, "wang.view").active


def test_log_in_and_out(office: Office, open_page) -> None:
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui)
    expect(page.get_by_role("button", name=L("console.nav.queue"))).to_be_visible(
        timeout=STEP_TIMEOUT)
    see(ui, L("console.signed_in", name="李审核", role=L("accounts.role.manager")))
    ui.tap(L("console.logout"))
    see(ui, L("console.login.logged_out"))
    expect(page.get_by_role("button", name=L("console.login.submit"))).to_be_visible(
        timeout=STEP_TIMEOUT)
    page.reload()  # the session really ended: a reload asks for the login again
    ui.enable_semantics()
    expect(page.get_by_role("button", name=L("console.login.submit"))).to_be_visible(
        timeout=STEP_TIMEOUT)


def test_review_a_veto_with_its_photo_and_return_it(office: Office, open_page,
                                                     artifacts: Path) -> None:
    uuid = office.veto_visit()
    assert office.sync().sent == 1
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui)
    row = region(ui, f"row-{uuid}")
    expect(row).to_be_visible(timeout=STEP_TIMEOUT)
    ui.settle()
    ui.stable_screenshot(artifacts / "queue.png")
    row.click()
    # the veto, explained, with its evidence
    vetoes = region(ui, "result-vetoes")
    expect(vetoes).to_be_visible(timeout=STEP_TIMEOUT)
    says(vetoes, "「服务规范」记 0 分：着装规范（未着工装）")
    says(vetoes, "营业员穿便服，未佩戴工牌")
    header = region(ui, "result-header")
    says(header, "人民路旗舰厅（HALL-001）")
    says(header, "签到：")
    says(header, "在店时长：25 分钟")
    thumb = vetoes.get_by_role("button", name=L("console.result.photo", item="着装规范"))
    expect(thumb).to_be_visible(timeout=STEP_TIMEOUT)
    ui.settle()
    ui.stable_screenshot(artifacts / "result.png")
    # full size on click: the browser fetches the photo from the signed route
    with page.expect_response(lambda r: "/console/files/" in r.url and r.status == 200
                              and r.headers.get("content-type") == "image/jpeg"
                              and int(r.headers.get("content-length") or 0) > 5000,
                              timeout=STEP_TIMEOUT):
        thumb.click()
    expect(region(ui, "photo-full")).to_be_attached(timeout=STEP_TIMEOUT)
    ui.tap(L("console.result.close"))
    expect(region(ui, "photo-full")).to_have_count(0, timeout=STEP_TIMEOUT)
    # return it with a reason
    ui.tap(L("console.action.return"))
    fill(ui, L("console.action.return_reason"), "照片看不清工牌，请补充说明")
    ui.tap(L("console.action.confirm"))
    wait_state(office, uuid, "returned")
    see(ui, L("console.queue.title"))
    from app.central import review

    view = review.result_view(office.ctx, office.reviewer(), uuid)
    assert view.review_reason == "照片看不清工牌，请补充说明"
    assert [a.action for a in view.audit][-1] == "returned"
    assert view.audit[-1].actor_id == REVIEWER


def test_the_device_amends_and_the_amendment_is_approved(office: Office, open_page,
                                                          tmp_path: Path) -> None:
    from app.central import review

    original = office.veto_visit()
    assert office.sync().sent == 1
    review.return_result(office.ctx, office.reviewer(), original, "请补充问候时间")
    # the shopper's device learns of it at its next sync and answers with an amendment
    office.sync()
    amendment = office.ws.inspections.amend(
        original, by=SHOPPER, reason="补充：问候时间应为 12 秒", changes={"greet_seconds": 12},
        finalise=True)
    report = office.sync()
    assert report.sent == 1, report
    ui = open_page(console_url(office), viewport=DESKTOP)
    log_in(ui)
    row = region(ui, f"row-{amendment}")
    expect(row).to_be_visible(timeout=STEP_TIMEOUT)
    row.click()
    chain = region(ui, "result-chain")
    says(chain, "补充：问候时间应为 12 秒", timeout=STEP_TIMEOUT)
    expect(region(ui, f"chain-{original}")).to_be_attached()
    says(region(ui, "result-sections"), "12 秒")
    # the PDF report for the outlet, built in the background and downloaded
    with ui.page.expect_download(timeout=STEP_TIMEOUT) as download:
        ui.tap(L("console.export.pdf"))
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.endswith(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          timeout=30, check=True).stdout
    assert "服务质量检查报告" in text and "问候时间：12 秒" in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60, capture_output=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 1
    ui.tap(L("console.action.approve"))
    ui.tap(L("console.action.confirm"))
    wait_state(office, amendment, "approved")
    assert state_of(office, original) == "returned"  # the original is kept as it was
    see(ui, L("console.queue.title"))


def test_export_the_queue_to_excel(office: Office, open_page, tmp_path: Path) -> None:
    import openpyxl

    from app.central import review

    uuid = office.veto_visit(note="工牌没有佩戴")
    assert office.sync().sent == 1
    expected = review.queue(office.ctx, office.reviewer(), review.QueueFilter(state=None),
                            limit=500)
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui)
    expect(region(ui, f"row-{uuid}")).to_be_visible(timeout=STEP_TIMEOUT)
    region(ui, "state-all").get_by_role("button").click()
    see(ui, L("console.queue.count", total=expected.total))
    # the filters are named dropdowns: a tier with no results, then the flagship hall's
    choose(ui, L("console.queue.tier"), "村级服务站")
    see(ui, L("console.queue.empty"))
    expect(page.get_by_role("button", name=f"{L('console.queue.tier')} 村级服务站")
           ).to_be_attached(timeout=STEP_TIMEOUT)
    choose(ui, L("console.queue.tier"), "旗舰厅")
    expect(region(ui, f"row-{uuid}")).to_be_visible(timeout=STEP_TIMEOUT)
    see(ui, L("console.queue.count", total=expected.total))  # every result is at the hall
    with page.expect_download(timeout=STEP_TIMEOUT) as download:
        ui.tap(L("console.export.xlsx"))
    see(ui, re.compile("导出完成"))
    assert download.value.suggested_filename.endswith(".xlsx")
    target = tmp_path / "export.xlsx"
    download.value.save_as(target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["检查结果", "逐项明细"]
    sheet = wb["检查结果"]
    head = [c.value for c in sheet[1]]
    rows = [dict(zip(head, [c.value for c in r], strict=True))
            for r in sheet.iter_rows(min_row=2)]
    assert [r["结果编号"] for r in rows] == [r.uuid for r in expected.rows]
    mine = next(r for r in rows if r["结果编号"] == uuid)
    assert mine["检查类型"] == "暗访" and mine["门店类别"] == "旗舰厅"
    assert mine["审核状态"] == "待审核" and mine["得分（服务器）"] == 0
    answers = [dict(zip([c.value for c in wb["逐项明细"][1]], [c.value for c in r], strict=True))
               for r in wb["逐项明细"].iter_rows(min_row=2)]
    assert any(a["结果编号"] == uuid and a["备注"] == "工牌没有佩戴" for a in answers)


def test_a_manager_corrects_an_overturned_result(office: Office, open_page) -> None:
    """After a dispute is overturned, the manager corrects the finding in the browser: the
    correction arrives re-scored as a new result, which its author may not approve."""
    from app.central import accounts, review
    from app.central.exports import Labels

    uuid = office.veto_visit(greet=20)
    assert office.sync().sent == 1
    other = accounts.add_manager(office.ctx, "qian.review", "钱审核", "reviewer",
                                 "reviewer pass 55")
    review.approve(office.ctx, other, uuid)
    dispute = review.open_dispute(office.ctx, office.reviewer(), uuid, "门店称营业员着工装")
    review.decide_dispute(office.ctx, office.reviewer(), dispute, "overturned", "监控确认")
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui)
    region(ui, "state-returned").get_by_role("button").click()
    row = region(ui, f"row-{uuid}")
    expect(row).to_be_visible(timeout=STEP_TIMEOUT)
    row.click()
    ui.tap(L("console.action.amend"))
    expect(region(ui, "amend-item-uniform")).to_be_attached(timeout=STEP_TIMEOUT)
    expect(page.get_by_role("button", name="着装规范 否")).to_be_attached()  # its answer
    choose(ui, "着装规范", "是")
    fill(ui, "问候时间", "12", exact=True)
    fill(ui, L("console.amend.reason"), "申诉改判：营业员着工装")
    ui.shot("amend-form")
    ui.tap(L("console.amend.submit"))
    deadline = time.monotonic() + 20
    while review.result_view(office.ctx, office.reviewer(), uuid).superseded_by is None:
        assert time.monotonic() < deadline, "no correction was stored"
        time.sleep(0.1)
    new_uuid = review.result_view(office.ctx, office.reviewer(), uuid).superseded_by
    see(ui, L("console.amend.own_correction"))  # its page, for its author: no approve
    expect(page.get_by_role("button", name=L("console.action.approve"))).to_have_count(0)
    new = review.result_view(office.ctx, office.reviewer(), new_uuid)
    items = {i.id: i.value for s in new.sections for i in s.items}
    assert items["uniform"] is True and items["greet_seconds"] == 12
    assert new.review_state == "received" and new.score_total and not new.vetoes
    says(region(ui, "result-header"), Labels.score(new.score_total))  # re-scored

