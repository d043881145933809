"""A long export through the service: 2,000 results on a real SQLite file, exported as XLSX
and CSV with a progress callback, read back with openpyxl.

The answers sheet is built from `review.sections_of` (a chunk's bodies in one query); these
tests pin that it says exactly what each result's full view says, that progress rises to
the total while the file is written, and that a manager limited to a business unit exports
only that unit's results.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync.helpers import CHECKLISTS

from app.central import accounts, review
from app.central.context import ServerContext
from app.central.exports import Labels, export_results
from app.central.exports.tables import answer_rows
from app.central.settings import ServerSettings

from .bulk import UNITS, fill_results

N = 2000


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerContext, list[str]]]:
    root = tmp_path_factory.mktemp("export-scale")
    ctx = ServerContext(ServerSettings(data_dir=root, checklists_path=CHECKLISTS))
    try:
        uuids = fill_results(ctx, N, CHECKLISTS)
        accounts.add_manager(ctx, "sun.export", "孙导出", "manager", "export pass 2000")
        accounts.add_manager(ctx, "east.only", "东区经理", "manager", "export pass 2001",
                             business_unit=UNITS[0])
        yield ctx, uuids
    finally:
        ctx.close()


def _increasing_to(seen: list[tuple[int, int]], total: int) -> None:
    dones = [d for d, _ in seen]
    assert seen[0] == (0, total)  # the size is known before the first row is written
    assert seen[-1] == (total, total)
    assert {t for _, t in seen} == {total}
    assert dones == sorted(dones)  # never goes back
    assert len(set(dones)) >= 10  # many steps in between, not only start and end


def test_2000_results_to_xlsx_with_progress(filled, tmp_path: Path) -> None:
    import openpyxl

    ctx, uuids = filled
    manager = accounts.get_manager(ctx, "sun.export")
    seen: list[tuple[int, int]] = []
    path = export_results(ctx, manager, review.QueueFilter(state=None), "xlsx",
                          tmp_path / "all.xlsx", "zh", progress=lambda d, t: seen.append((d, t)))
    _increasing_to(seen, N)
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["检查结果", "逐项明细"]
    results = list(wb["检查结果"].iter_rows(values_only=True))
    head, body = results[0], results[1:]
    assert len(body) == N
    assert [r[0] for r in body] == uuids  # oldest first, every one
    lines = list(wb["逐项明细"].iter_rows(min_row=2, values_only=True))
    # the batched answers say what each result's own view says, line for line
    labels = Labels.for_ctx(ctx, "zh")
    by_uuid: dict[str, list[list[object]]] = {}
    for line in lines:
        by_uuid.setdefault(str(line[0]), []).append(
            ["" if v is None else v for v in line])
    assert set(by_uuid) == set(uuids)
    for uid in (uuids[0], uuids[777], uuids[-1]):
        view = review.result_view(ctx, manager, uid, "zh")
        expected = [["" if v is None else v for v in row] for row in answer_rows(view, labels)]
        assert by_uuid[uid] == expected
    vetoed = [r for r in body if r[head.index("一票否决项数")]]
    assert vetoed and all(r[head.index("得分（服务器）")] is not None for r in body)
    wb.close()


def test_2000_results_to_csv_with_progress(filled, tmp_path: Path) -> None:
    ctx, uuids = filled
    manager = accounts.get_manager(ctx, "sun.export")
    seen: list[tuple[int, int]] = []
    path = export_results(ctx, manager, review.QueueFilter(state=None), "csv",
                          tmp_path / "all.csv", "en", progress=lambda d, t: seen.append((d, t)))
    _increasing_to(seen, N)
    head, *body = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(body) == N and [r[0] for r in body] == uuids
    assert {r[head.index("Kind")] for r in body} == {"Mystery shop"}


def test_a_unit_manager_exports_only_their_unit(filled, tmp_path: Path) -> None:
    import openpyxl

    ctx, uuids = filled
    east = accounts.get_manager(ctx, "east.only")
    seen: list[tuple[int, int]] = []
    path = export_results(ctx, east, review.QueueFilter(state=None), "xlsx",
                          tmp_path / "east.xlsx", "zh", progress=lambda d, t: seen.append((d, t)))
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["检查结果"].iter_rows(min_row=2, values_only=True))
    expected = review.queue(ctx, east, review.QueueFilter(state=None), limit=1).total
    assert 0 < expected < N and len(rows) == expected and seen[-1] == (expected, expected)
    head = next(wb["检查结果"].iter_rows(max_row=1, values_only=True))
    assert {r[head.index("营业部")] for r in rows} == {UNITS[0]}
    answered = {str(r[0]) for r in wb["逐项明细"].iter_rows(min_row=2, values_only=True)}
    assert answered == {str(r[0]) for r in rows}
    wb.close()
    # asked directly for results outside the unit, the batch gives nothing
    west = [u for u in uuids if u not in answered][:5]
    assert len(west) == 5 and review.sections_of(ctx, east, west) == {}



def test_the_console_bar_moves_during_the_export(filled) -> None:
    """The queue page's Excel export of 2,000 results: while the job runs, the progress bar
    goes out to the browser again and again with a growing value, then the file is offered
    for download."""
    from flet.messaging.protocol import MessageAction
    from views.harness import App

    from app.console.files import ConsoleFiles
    from app.console.shell import make_main
    from app.i18n import t

    ctx, _ = filled
    app = App(make_main(ctx, ConsoleFiles(ctx)), size=(1280.0, 800.0))
    try:
        app.fill(t("console.login.username", "zh"), "sun.export")
        app.fill(t("console.login.password", "zh"), "export pass 2000")
        app.click(t("console.login.submit", "zh"))
        app.wait_for_text(t("console.queue.title", "zh"))
        app.click(t("console.queue.state_chip", "zh", label=t("console.all", "zh"), n=N))
        app.wait_for_text(t("console.queue.count", "zh", total=N))
        sent: list[float | None] = []  # the bar's value each time the panel went out
        panel: dict[str, Any] = {}
        send = app.conn.send_message

        def spy(message: Any) -> None:
            if panel and message.action == MessageAction.PATCH_CONTROL \
                    and message.body.id in panel["ids"]:
                sent.append(panel["bar"].value)
            send(message)

        app.conn.send_message = spy  # type: ignore[method-assign]
        app.click(t("console.export.xlsx", "zh"))
        panel["bar"] = app.find(type="ProgressBar", within="export-progress").control
        panel["ids"] = {app.region("export-progress").control._i} | {
            f.control._i for f in app.find_all(within="export-progress")}
        app.wait_for_text(re.compile("导出完成"), timeout=300)
        moving = sorted({v for v in sent if v is not None and 0 < v < 1})
        assert len(moving) >= 2, sent  # it moved on screen, not only 0 and done
        values = [v for v in sent if v is not None]
        assert values == sorted(values) and values[-1] == 1.0  # never back, then full
        assert any(c[0] == "UrlLauncher" for c in app.client.calls), app.client.calls
    finally:
        app.close()
