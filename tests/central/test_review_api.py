"""The review API against real server processes on SQLite and PostgreSQL: console login,
roles, 401/403/404/409/422 with translated messages, and a returned result reaching a real
device client whose amendment arrives as received."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sync.helpers import (
    ServerProcess,
    add_outlets,
    enrol_device,
    fast_policy,
    finished_inspection,
    open_device,
)

from app.central import accounts, review
from app.central.models import utcnow
from app.services.returns import returned_results
from app.store import returns as device_returns
from app.sync.client import SyncClient

from .review_support import BACKENDS, PASSWORD, account, create_database, state, store_result

API = "/api/v1"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    url = None if request.param == "sqlite" else create_database(
        request.getfixturevalue("pg_admin_url"))
    proc = ServerProcess(tmp_path_factory.mktemp(f"review-{request.param}"), url)
    try:
        yield proc.start()
    finally:
        proc.close()


def login(server: ServerProcess, username: str, password: str = PASSWORD) -> dict:
    r = httpx.post(f"{server.url}{API}/session", json={"username": username,
                                                        "password": password},
                   headers={"Accept-Language": "en"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}", "Accept-Language": "en"}


def error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["message"] and "Traceback" not in body["message"]
    return str(body["message"])


def test_login_roles_and_every_refusal_over_http(server: ServerProcess) -> None:
    ctx = server.ctx
    account(ctx, "api.rev", "reviewer")
    account(ctx, "api.look", "viewer")
    account(ctx, "ms-api", "manager")  # also an inspector: never reviews their own
    rev, look = login(server, "api.rev"), login(server, "api.look")
    own = login(server, "ms-api")
    manager_device = server.enrol(inspector_id="", role="manager").headers
    u = store_result(ctx, inspector="ms-api", outlet_code="API-1")
    with httpx.Client(base_url=f"{server.url}{API}", timeout=30) as c:
        assert "username or password" in error(
            c.post("/session", json={"username": "api.rev", "password": "nope nope"},
                   headers={"Accept-Language": "en"}), 401)
        assert "用户名或密码" in error(
            c.post("/session", json={"username": "api.rev", "password": "nope nope"}), 401)
        error(c.post("/session", json={"username": "api.rev"}), 422)
        error(c.get("/review/queue"), 401)
        error(c.get("/review/queue", headers={"Authorization": "Bearer made-up"}), 401)
        assert c.get("/session", headers=rev).json()["role"] == "reviewer"
        page = c.get("/review/queue", headers=rev, params={"outlet": "API-1"}).json()
        assert [r["uuid"] for r in page["rows"]] == [u] and page["counts_by_state"] == {
            "received": 1, "approved": 0, "returned": 0, "rejected": 0}
        error(c.get("/review/queue", headers=rev, params={"nonsense": "1"}), 422)
        error(c.get("/review/queue", headers=rev, params={"flag": "bogus"}), 422)
        # a manager device token reads, never acts
        assert c.get(f"/results/{u}", headers=manager_device).status_code == 200
        assert c.get(f"/results/{u}/audit", headers=manager_device).json()[0]["action"] == \
            "received"
        assert "console account" in error(
            c.post(f"/results/{u}/approve", json={}, headers=manager_device), 403)
        error(c.post(f"/results/{u}/approve", json={}, headers=look), 403)
        assert "inspected yourself" in error(
            c.post(f"/results/{u}/approve", json={}, headers=own), 403)
        unknown = "00000000-0000-4000-8000-000000000000"
        error(c.post(f"/results/{unknown}/approve", json={}, headers=rev), 404)
        error(c.get("/results/not-a-uuid", headers=rev), 422)
        error(c.post(f"/results/{u}/return", json={"reason": " "}, headers=rev), 422)
        error(c.post(f"/results/{u}/return", json={"reason": "x", "extra": 1},
                     headers=rev), 422)
        error(c.post(f"/results/{u}/reject", json={"reason_code": "nope"}, headers=rev), 422)
        reasons = c.get("/review/rejection-reasons", headers=rev).json()
        assert {"code": "duplicate", "label": "Duplicate of another result"} in reasons
        assert state(ctx, u) == "received"
        assert c.post(f"/results/{u}/approve", json={"note": "ok"}, headers=rev
                      ).status_code == 204
        assert "already approved" in error(
            c.post(f"/results/{u}/reject", json={"reason_code": "duplicate"}, headers=rev),
            409)
        trail = c.get(f"/results/{u}/audit", headers=rev).json()
        assert [(a["action"], a["actor_id"]) for a in trail][-1] == ("approved", "api.rev")
        # disputes are for managers; a reviewer is refused
        error(c.post(f"/results/{u}/disputes", json={"statement": "不认可"}, headers=rev), 403)
        assert c.delete("/session", headers=rev).status_code == 204
        error(c.get("/review/queue", headers=rev), 401)


def test_lockout_over_http_says_how_long(server: ServerProcess) -> None:
    account(server.ctx, "api.lock")
    with httpx.Client(base_url=f"{server.url}{API}", timeout=30) as c:
        for _ in range(server.ctx.settings.lockout_threshold - 1):
            error(c.post("/session", json={"username": "api.lock", "password": "wrong pw!"}),
                  401)
        r = c.post("/session", json={"username": "api.lock", "password": "wrong pw!"},
                   headers={"Accept-Language": "en"})
        assert "5 minute" in error(r, 429) and int(r.headers["Retry-After"]) == 300
        error(c.post("/session", json={"username": "api.lock", "password": PASSWORD}), 429)


def test_disputes_and_console_corrections_over_http(server: ServerProcess) -> None:
    ctx = server.ctx
    account(ctx, "api.boss", "manager")
    account(ctx, "api.boss2", "manager")
    boss, boss2 = login(server, "api.boss"), login(server, "api.boss2")
    u = store_result(ctx, outlet_code="API-2")
    with httpx.Client(base_url=f"{server.url}{API}", timeout=30) as c:
        assert c.post(f"/results/{u}/approve", json={}, headers=boss).status_code == 204
        r = c.post(f"/results/{u}/disputes", json={"statement": "店长不认可问候时间"},
                   headers=boss)
        assert r.status_code == 201, r.text
        did = r.json()["id"]
        error(c.post(f"/disputes/{did}/decision", json={"outcome": "maybe", "reason": "x"},
                     headers=boss2), 422)
        error(c.post("/disputes/999999/decision", json={"outcome": "upheld", "reason": "x"},
                     headers=boss2), 404)
        assert c.post(f"/disputes/{did}/decision",
                      json={"outcome": "overturned", "reason": "监控显示 3 秒内问候"},
                      headers=boss2).status_code == 204
        assert state(ctx, u) == "returned"
        error(c.post(f"/results/{u}/amend", json={"changes": {"greet_seconds": "x"},
                                                  "reason": "更正"}, headers=boss), 422)
        error(c.post(f"/results/{u}/amend", json={"changes": {"comments": "a\u0000b"},
                                                  "reason": "更正"}, headers=boss), 422)
        r = c.post(f"/results/{u}/amend", json={"changes": {"greet_seconds": 3},
                                                "reason": "申诉成立"}, headers=boss)
        assert r.status_code == 201, r.text
        fixed = r.json()["uuid"]
        view = c.get(f"/results/{fixed}", headers=boss2).json()
        assert view["review_state"] == "received" and view["amends_uuid"] == u
        assert view["allowed_actions"] == ["approve", "return", "reject"]
        assert c.get(f"/results/{fixed}", headers=boss).json()["allowed_actions"] == []
        assert [link["uuid"] for link in view["chain"]] == [u, fixed]


def test_auto_approval_runs_in_the_server_process(tmp_path) -> None:
    proc = ServerProcess(tmp_path / "auto", env={"HALLCHECK_AUTO_APPROVE_HOURS": "24"})
    try:
        old = utcnow() - timedelta(hours=25)
        clean = store_result(proc.ctx, received_at=old)
        flagged = store_result(proc.ctx, received_at=old, flags=["short_visit"])
        proc.start()
        from sync.helpers import wait_until

        wait_until(lambda: state(proc.ctx, clean) == "approved", what="auto-approval")
        assert state(proc.ctx, flagged) == "received"
        line = review.audit_trail(proc.ctx, account(proc.ctx, "v", "viewer"), clean)[-1]
        assert (line.actor_kind, line.action) == ("system", "auto_approved")
    finally:
        proc.close()


def test_a_returned_result_reaches_the_device_and_its_amendment_arrives_received(
        server: ServerProcess, tmp_path) -> None:
    ctx = server.ctx
    ws = open_device(tmp_path / "phone")
    try:
        add_outlets(ws, "HALL-RET")
        enrol_device(ws, server, "ms-ret")

        def sync() -> object:
            with SyncClient.for_workspace(ws, policy=fast_policy()) as client:
                report = client.run()
            assert report.ok, report
            return report

        sync()  # pull the issued checklists first
        original = finished_inspection(ws, "HALL-RET", greet=40)
        sync()
        assert state(ctx, original) == "received"
        account(ctx, "dev.rev", "reviewer")
        rev = login(server, "dev.rev")
        reason = "问候时间记录为 40 秒，请核对后更正"
        r = httpx.post(f"{server.url}{API}/results/{original}/return",
                       json={"reason": reason}, headers=rev)
        assert r.status_code == 204, r.text
        report = sync()
        assert report.returned == 1  # type: ignore[attr-defined]
        [back] = returned_results(ws.store)
        assert (back.uuid, back.reason, back.needs_amendment) == (original, reason, True)
        # the inspector answers with an amendment (the existing amend flow)
        fixed = ws.inspections.amend(original, by="ms-ret", reason="核对录像，问候 5 秒",
                                     changes={"greet_seconds": 5}, finalise=True)
        assert not returned_results(ws.store)[0].needs_amendment  # amended here already
        sync()
        assert state(ctx, fixed) == "received" and state(ctx, original) == "returned"
        page = review.queue(ctx, accounts.get_manager(ctx, "dev.rev"),
                            review.QueueFilter(outlet="HALL-RET", state=None))
        rows = {row.uuid: row for row in page.rows}
        assert rows[fixed].review_state == "received" and rows[fixed].amends_uuid == original
        assert rows[original].superseded_by == fixed
        assert page.counts_by_state["received"] == 1 and page.counts_by_state["returned"] == 1
        sync()  # a sync pulls before it pushes: the next one hears of the amendment
        assert device_returns.load(ws.store)[original].superseded_by == fixed
        r = httpx.post(f"{server.url}{API}/results/{fixed}/approve", json={}, headers=rev)
        assert r.status_code == 204, r.text
    finally:
        ws.close()
