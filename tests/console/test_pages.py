"""The console's pages headless (tests/views/harness.py runs a real Flet session in-process)
against the office's real database: sessions, roles, units, actions, languages.

The browser tests (tests/e2e/test_console.py) show the same pages in Chromium; these check
the rules around them quickly: who sees what, what happens when a session ends, that the
reviewer moves on to the next result, that errors are sentences.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from views.harness import App

from app.central import accounts, review
from app.console.files import ConsoleFiles
from app.console.shell import TOKEN_KEY, make_main
from app.i18n import t

from .office import PASSWORD, REVIEWER, Office

DESKTOP = (1280.0, 800.0)


@pytest.fixture
def console(office: Office) -> Iterator[Callable[..., App]]:
    opened: list[App] = []
    files = ConsoleFiles(office.ctx)

    def open_console(route: str = "/") -> App:
        app = App(make_main(office.ctx, files), size=DESKTOP, route=route)
        opened.append(app)
        return app

    yield open_console
    for app in opened:
        app.close()


def login(app: App, username: str = REVIEWER, password: str = PASSWORD) -> None:
    app.fill(t("console.login.username", "zh"), username)
    app.fill(t("console.login.password", "zh"), password)
    app.click(t("console.login.submit", "zh"))


@pytest.fixture(scope="module")
def two_results(office: Office) -> list[str]:
    uuids = [office.veto_visit(), office.veto_visit(greet=20)]
    assert office.sync().sent == 2
    return uuids


def test_login_keeps_the_token_in_the_session_only(console, office, two_results,
                                                   caplog) -> None:
    caplog.set_level(logging.DEBUG)
    app = console()
    assert app.sees(t("console.login.title", "zh"))
    login(app, password="wrong password!")
    app.wait_for_text(t("accounts.login_failed", "zh"))
    login(app)
    app.wait_for_text(t("console.queue.title", "zh"))
    token = app.page.session.store.get(TOKEN_KEY)
    assert token and accounts.session_manager(office.ctx, token).username == REVIEWER
    assert token not in caplog.text and PASSWORD not in caplog.text  # never logged
    assert token not in app.view_route  # never in a URL


def test_an_ended_session_sends_back_to_login_with_a_reason(console, office, two_results
                                                              ) -> None:
    app = console()
    login(app)
    app.wait_for_text(t("console.queue.title", "zh"))
    accounts.logout(office.ctx, app.page.session.store.get(TOKEN_KEY))  # e.g. elsewhere
    app.click(t("console.nav.outlets", "zh"), type="TextButton")
    app.wait_for_snack(t("console.session_expired", "zh"))
    assert app.sees(t("console.login.title", "zh"))
    assert app.view_route == "/login"  # the click did nothing else
    login(app)
    app.wait_for_text(t("console.queue.title", "zh"))


def test_a_deep_link_needs_a_login_then_opens(console, two_results) -> None:
    app = console(f"/result/{two_results[0]}")
    assert app.sees(t("console.login.title", "zh"))
    login(app)
    app.wait_for_text(t("console.result.vetoes", "zh"))
    assert app.view_route == f"/result/{two_results[0]}"


def test_acting_moves_to_the_next_result(console, office, two_results) -> None:
    first, second = two_results
    app = console(f"/result/{first}")
    login(app)
    app.wait_for_text(t("console.result.vetoes", "zh"))
    app.click(t("console.action.reject", "zh"))
    app.click(t("console.action.confirm", "zh"), in_dialog=True)
    app.wait_for_text(t("console.action.pick_reason", "zh"))  # the dialog says what is missing
    reasons = review.rejection_reasons(office.ctx, "zh")
    app.click(reasons[0][1])
    app.fill(t("console.action.reject_note", "zh"), "与另一条结果重复")
    app.click(t("console.action.confirm", "zh"), in_dialog=True)
    app.wait_until(lambda: app.view_route == f"/result/{second}", timeout=5)
    view = review.result_view(office.ctx, office.reviewer(), first)
    assert view.review_state == "rejected" and view.audit[-1].reason == \
        f"{reasons[0][0]}: 与另一条结果重复"
    # a return needs a reason: refused in words, the dialog stays open
    app.click(t("console.action.return", "zh"))
    app.click(t("console.action.confirm", "zh"), in_dialog=True)
    app.wait_for_text(t("review.return_reason_missing", "zh"))
    assert review.result_view(office.ctx, office.reviewer(), second).review_state == "received"


def test_a_viewer_sees_no_actions_and_a_unit_manager_only_their_unit(console, office,
                                                                      two_results) -> None:
    accounts.add_manager(office.ctx, "zhao.view", "赵查看", "viewer", "viewer pass 123")
    accounts.add_manager(office.ctx, "xi.unit", "西区经理", "manager", "unit pass 1234",
                         business_unit="西区营业部")
    viewer = console(f"/result/{two_results[1]}")
    login(viewer, "zhao.view", "viewer pass 123")
    viewer.wait_for_text(t("console.result.no_actions", "zh"))
    assert not viewer.sees(t("console.action.approve", "zh"), exact=True)

    west = console()
    login(west, "xi.unit", "unit pass 1234")
    west.wait_for_text(t("console.queue.title", "zh"))
    assert not west.find_all(within="queue-rows")  # HALL-001 is in 东区营业部
    assert west.sees(t("console.queue.empty", "zh"))
    west.go(f"/result/{two_results[1]}")
    west.wait_for_snack(t("review.other_unit", "zh", unit="西区营业部"))
    west.wait_until(lambda: west.view_route == "/", timeout=5)  # back on the queue
    assert west.sees(t("console.queue.empty", "zh"))


def test_english(console, two_results) -> None:
    app = console()
    app.click(t("lang.en", "en"))
    app.wait_for_text(t("console.login.title", "en"))
    app.fill(t("console.login.username", "en"), REVIEWER)
    app.fill(t("console.login.password", "en"), PASSWORD)
    app.click(t("console.login.submit", "en"))
    app.wait_for_text(t("console.queue.title", "en"))
    assert app.sees("Mystery shop") and app.sees("Flagship hall", exact=False)
    assert not app.sees("暗访", exact=True)


def test_outlets_and_inspectors(console, office, two_results) -> None:
    app = console("/outlets")
    login(app)
    app.wait_for_text(t("console.outlets.title", "zh"))
    assert app.sees("人民路旗舰厅") and app.sees("王家村服务站")
    app.click(t("console.outlets.open", "zh", name="人民路旗舰厅"))
    app.wait_until(lambda: app.view_route == "/outlets/HALL-001", timeout=5)
    rows = [r for r in review.queue(office.ctx, office.reviewer(),
                                    review.QueueFilter(outlet="HALL-001", state=None)).rows]
    app.wait_for_text(t("console.queue.count", "zh", total=len(rows)))
    app.click(t("console.nav.inspectors", "zh"), type="TextButton")
    app.wait_for_text("张敏")
    app.click(t("console.inspectors.results", "zh", name="张敏"))
    app.wait_for_text(t("console.inspectors.filter", "zh", name="ms-001"))


def test_a_click_after_the_session_ended_does_nothing_but_ask_for_a_login(console, office
                                                                          ) -> None:
    uuid = office.veto_visit()
    assert office.sync().sent == 1
    app = console(f"/result/{uuid}")
    login(app)
    app.wait_for_text(t("console.result.vetoes", "zh"))
    accounts.logout(office.ctx, app.page.session.store.get(TOKEN_KEY))  # idle, or elsewhere
    app.click(t("console.action.approve", "zh"))
    app.wait_for_snack(t("console.session_expired", "zh"))
    assert app.view_route == f"/login?next=%2Fresult%2F{uuid}"
    assert not app.find_all(t("console.action.confirm", "zh"))  # no approve dialog opened
    assert review.result_view(office.ctx, office.reviewer(), uuid).review_state == "received"


def test_the_queue_pages(console, office, monkeypatch) -> None:
    import app.console.queue as queue_page

    monkeypatch.setattr(queue_page, "PAGE_SIZE", 1)
    total = review.queue(office.ctx, office.reviewer(), review.QueueFilter()).total
    assert total >= 2
    app = console()
    login(app)
    app.wait_for_text(t("console.queue.page", "zh", start=1, end=1, total=total))
    assert len(app.find_all(type="Semantics", within="queue-rows", text=None)) >= 1
    app.click(t("console.queue.next", "zh"))
    app.wait_for_text(t("console.queue.page", "zh", start=2, end=2, total=total))
    app.click(t("console.queue.prev", "zh"))
    app.wait_for_text(t("console.queue.page", "zh", start=1, end=1, total=total))
    assert app.find(t("console.queue.prev", "zh")).control.disabled


def test_a_manager_records_and_decides_a_dispute(console, office) -> None:
    uuid = office.veto_visit()
    assert office.sync().sent == 1
    accounts.add_manager(office.ctx, "chen.review", "陈审核", "reviewer", "reviewer pass 9")
    review.approve(office.ctx, accounts.get_manager(office.ctx, "chen.review"), uuid)
    app = console(f"/result/{uuid}")
    login(app)  # li.review is a manager: disputes are theirs
    app.wait_for_text(t("console.action.dispute", "zh"))
    assert not app.sees(t("console.action.approve", "zh"), exact=True)  # already approved
    app.click(t("console.action.dispute", "zh"))
    app.fill(t("console.action.dispute_statement", "zh"),
             "门店称当天营业员穿着工装，照片为休息时间")
    app.click(t("console.action.confirm", "zh"), in_dialog=True)
    app.wait_until(lambda: any(d.state == "open" for d in review.result_view(
        office.ctx, office.reviewer(), uuid).disputes), timeout=5)
    app.go(f"/result/{uuid}")
    app.wait_for_text(t("console.action.decide", "zh"))
    app.click(t("console.action.decide", "zh"))
    app.click(t("console.action.overturned", "zh"))
    app.fill(t("console.action.decide_reason", "zh"), "复核监控后确认门店说法属实")
    app.click(t("console.action.confirm", "zh"), in_dialog=True)
    app.wait_until(lambda: review.result_view(office.ctx, office.reviewer(), uuid)
                   .review_state == "returned", timeout=5)
    view = review.result_view(office.ctx, office.reviewer(), uuid)
    assert view.disputes[-1].state == "overturned"
    assert [a.action for a in view.audit][-2:] == ["dispute_opened", "dispute_overturned"]


def test_a_manager_corrects_an_overturned_result(console, office) -> None:
    """After an overturned dispute the manager corrects the finding in the console: the
    form shows every item with its answer, refuses a correction without a reason or with a
    bad number (in words, keeping what was typed), and the correction arrives as a new,
    re-scored result that its author may not approve."""
    from app.checklists.scoring import score

    uuid = office.veto_visit(greet=20)
    assert office.sync().sent == 1
    other = accounts.add_manager(office.ctx, "he.review", "何审核", "reviewer", "reviewer pass 7")
    manager = office.reviewer()
    review.approve(office.ctx, other, uuid)
    dispute = review.open_dispute(office.ctx, manager, uuid, "门店称营业员穿着工装")
    review.decide_dispute(office.ctx, manager, dispute, "overturned", "监控显示着工装")
    before = review.result_view(office.ctx, manager, uuid)
    assert before.review_state == "returned" and before.score_total == 0  # vetoed section

    app = console(f"/result/{uuid}")
    login(app)
    app.wait_for_text(t("console.action.amend", "zh"))
    app.click(t("console.action.amend", "zh"))
    app.wait_until(lambda: app.view_route == f"/result/{uuid}/amend", timeout=5)
    # every answerable item with its current answer
    assert app.find("着装规范", type="Dropdown").control.value == "no"
    assert app.find("问候时间", type="TextField").control.value == "20"
    assert app.find(t("console.amend.note", "zh", item="着装规范")).control.value == \
        "营业员穿便服，未佩戴工牌"
    assert app.sees(t("console.amend.was", "zh", value="20 秒"))
    assert app.sees(t("console.amend.photo_item", "zh", n=1))  # the storefront photo
    app.select("着装规范", "是")
    app.fill("问候时间", "十二")
    app.fill(t("console.amend.note", "zh", item="着装规范"), "复核监控：营业员着工装")
    app.click(t("console.amend.submit", "zh"))
    app.wait_for_text(t("console.amend.bad_number", "zh", item="问候时间", value="十二"))
    app.fill("问候时间", "12")
    app.click(t("console.amend.submit", "zh"))
    app.wait_for_text(t("review.amend_reason_missing", "zh"))
    assert review.result_view(office.ctx, manager, uuid).superseded_by is None  # nothing stored
    assert app.find("着装规范", type="Dropdown").control.value == "yes"  # what was typed stays
    app.fill(t("console.amend.reason", "zh"), "申诉改判：营业员着工装，问候 12 秒")
    app.click(t("console.amend.submit", "zh"))
    app.wait_until(lambda: app.view_route not in (f"/result/{uuid}/amend", f"/result/{uuid}"),
                   timeout=10)
    new_uuid = app.view_route.removeprefix("/result/")
    app.wait_for_snack(t("console.amend.done", "zh"))
    new = review.result_view(office.ctx, manager, new_uuid)
    assert new.amends_uuid == uuid and new.review_state == "received"
    definition = review.definition_of(office.ctx, manager, new_uuid)
    assert definition is not None
    expected = score(definition, {"uniform": True, "greet_seconds": 12,
                                  "comments": "排队约 3 分钟，自助机空闲"})
    assert new.score_total == expected.total and new.score_total > 0 and not new.vetoes
    items = {i.id: i for s in new.sections for i in s.items}
    assert items["uniform"].value is True and items["greet_seconds"].value == 12
    assert items["uniform"].note == "复核监控：营业员着工装"
    assert items["comments"].value == "排队约 3 分钟，自助机空闲"  # untouched answers kept
    assert new.audit[-1].actor_id == REVIEWER and new.audit[-1].reason == \
        "申诉改判：营业员着工装，问候 12 秒"
    # its author sees it, re-scored, but may not approve it
    app.wait_for_text(t("console.amend.own_correction", "zh"))
    assert not app.sees(t("console.action.approve", "zh"), exact=True)
    with pytest.raises(accounts.NotAllowed):
        review.approve(office.ctx, manager, new_uuid)
    review.approve(office.ctx, other, new_uuid)  # someone else does
    assert review.result_view(office.ctx, manager, uuid).superseded_by == new_uuid
    app.go(f"/result/{uuid}")  # the original offers no second correction
    app.wait_for_text(t("console.result.superseded", "zh"))
    assert not app.sees(t("console.action.amend", "zh"), exact=True)
    app.go(f"/result/{uuid}/amend")
    app.wait_for_snack(t("console.amend.not_allowed", "zh"))
    app.wait_until(lambda: app.view_route == f"/result/{uuid}", timeout=5)


def test_the_queue_filters_by_tier_and_kind(console, office, two_results) -> None:
    """The filter dropdowns are named (label and chosen option) and filter the queue."""
    app = console()
    login(app)
    app.wait_for_text(t("console.queue.title", "zh"))
    named = app.region("filter-tier").control
    assert named.label == t("console.queue.tier", "zh") and named.value == t("console.all", "zh")
    assert app.region("filter-kind").control.label == t("console.queue.kind", "zh")
    assert app.region("filter-unit").control.label == t("console.queue.unit", "zh")
    assert app.find_all(within="queue-rows")
    app.select(t("console.queue.tier", "zh"), "村级服务站")
    app.wait_for_text(t("console.queue.empty", "zh"))  # every result is at the flagship hall
    assert app.region("filter-tier").control.value == "村级服务站"
    app.select(t("console.queue.tier", "zh"), "旗舰厅")
    app.wait_until(lambda: app.find_all(within="queue-rows"), timeout=5)
    app.select(t("console.queue.kind", "zh"), "自查")
    app.wait_for_text(t("console.queue.empty", "zh"))
