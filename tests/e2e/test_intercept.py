"""Journey: a surveyor's intercept survey (拦截调查, issue 11) at a flagship hall's door, in
real Chromium at phone size (390 x 844): first run as 拦截调查员 -> start at the demo
flagship hall -> every question of one customer answered by tapping its 1..7 chip (12
expectations, 12 perceptions, the overall rating) across the form's four parts -> review ->
finish -> the record is stored offline, finalised, of kind intercept, queued for sync.

The taps are counted (33: 25 answers, 3 parts, start, review, finish: about a minute by
hand) and the run itself must take under a minute (22 s measured on the loaded build
machine)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser import Served
from .hallcheck import Hallcheck, L, db, wait_db

pytestmark = pytest.mark.e2e

FLAGSHIP = "DEMO-FLAGSHIP-01"


@pytest.fixture
def fresh_app(servers, tmp_path: Path) -> Iterator[tuple[Served, Path]]:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "device"
    server = servers.app(data_dir)
    try:
        yield server, data_dir
    finally:
        server.stop()


def test_one_customer_at_phone_size(fresh_app, open_page, phone) -> None:  # type: ignore[no-untyped-def]
    from app.services import Workspace

    server, data_dir = fresh_app
    ui = open_page(f"http://127.0.0.1:{server.port}/", viewport=phone)
    hc = Hallcheck(ui)
    hc.first_run("surveyor", demo=True)
    with Workspace.open(data_dir) as ws:
        flagship = ws.outlets.get(FLAGSHIP)
        checklist = ws.catalog.resolve("intercept", "flagship")

    started = time.monotonic()
    taps = 0
    hc.start_visit(flagship.name, FLAGSHIP, discreet=False, start="views.home.start_survey")
    taps += 2
    [(uuid, kind)] = wait_db(data_dir, "select uuid, kind from inspection where "
                                       "status='draft'")
    assert kind == "intercept"
    answers: dict[str, int] = {}
    for n, section in enumerate(checklist.sections):
        for i, item in enumerate(section.items):
            value = 7 - (i % 3) if item.id.startswith("e_") else 4 + (i % 4)
            hc.answer(item.id, str(value))
            answers[item.id] = value
            taps += 1
        if n < len(checklist.sections) - 1:
            hc.tap(L("views.run.next"))
            taps += 1
    ui.shot("last-part")
    hc.tap(L("views.run.review"))
    hc.see(L("views.review.ready"))
    hc.finalise(L("views.review.finalised"))
    taps += 3
    elapsed = time.monotonic() - started
    ui.shot("finished")
    print(f"intercept record: {taps} taps, {elapsed:.1f} s in Chromium at 390x844")
    assert len(answers) == 25
    assert taps <= 33  # 25 answers, 3 parts, start, review, finish: about a minute by hand
    assert elapsed < 60  # and under a minute here too

    [(status, sync_state)] = db(data_dir, "select status, sync_state from inspection "
                                          "where uuid=?", uuid)
    assert (status, sync_state) == ("finalized", "queued")
    stored = {i: json.loads(v) for i, v in db(
        data_dir, "select item_id, value_json from answer where inspection_uuid=?", uuid)}
    assert stored == answers
