"""The intercept survey (拦截调查, issue 11) on a phone, headless: a surveyor starts a record
at a hall from home, answers expectation and perception with one tap each on the 1..7
chips, skips what the customer will not answer, and finishes; the record is stored offline
as a finalised result of kind intercept, queued for the same sync as every result."""

from __future__ import annotations

import json

from app.checklists import Kind

from .flows import FLAGSHIP, current_uuid, db_rows, pick_outlet, seed_device, tap_answer


def test_one_customer_in_a_few_taps(start_app, L, ws, data_dir) -> None:  # type: ignore[no-untyped-def]
    seed_device(ws, "surveyor", "SV-001")
    app = start_app()
    assert not app.sees(L("views.home.start"))  # a survey, in the surveyor's words
    app.click(L("views.home.start_survey"))
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: (app.view_route or "").startswith("/visit/"))
    uuid = current_uuid(app)
    [(kind,)] = db_rows(data_dir, "select kind from inspection where uuid=?", uuid)
    assert kind == Kind.INTERCEPT.value
    assert app.sees("服务态度：期望") and app.sees("服务态度：今天感受")

    taps = {"e_proactiveness": "6", "p_proactiveness": "4", "e_attitude": "7",
            "p_attitude": "5"}  # the customer skips the rest of the first part
    for item, value in taps.items():
        tap_answer(app, item, value)
    app.click(L("views.run.next"))
    for item, value in {"e_efficiency": "6", "p_efficiency": "3"}.items():
        tap_answer(app, item, value)
    app.click(L("views.run.next"))
    app.click(L("views.run.next"))
    tap_answer(app, "overall", "5")
    app.click(L("views.run.review"))
    app.click(L("views.review.finalise"))
    app.click(L("views.review.confirm_ok"))
    app.wait_until(lambda: app.view_route == "/")

    [(status, sync_state)] = db_rows(
        data_dir, "select status, sync_state from inspection where uuid=?", uuid)
    assert (status, sync_state) == ("finalized", "queued")
    stored = {i: json.loads(v) for i, v in db_rows(
        data_dir, "select item_id, value_json from answer where inspection_uuid=?", uuid)}
    assert stored == {"e_proactiveness": 6, "p_proactiveness": 4, "e_attitude": 7,
                      "p_attitude": 5, "e_efficiency": 6, "p_efficiency": 3, "overall": 5}
