"""Bad input is a 4xx, always: against a real endpoint process, on SQLite and PostgreSQL.

Integers beyond what an INTEGER column holds, NUL characters, Infinity/NaN, nesting
deeper than the one JSON depth limit, wrong methods, clients that vanish mid-upload and
enrolment codes guessed in bulk: each gets a clear answer, nothing is stored, and the
server's log shows no traceback.
"""

from __future__ import annotations

import json
import socket
import time
import uuid as uuidlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select
from sync.conftest import BACKENDS, _database_url
from sync.conftest import make_server as make_server  # a fixture
from sync.helpers import ServerProcess, wait_until

from app.central import admin
from app.central.models import Conflict, EnrolAttempt, Inspection
from app.checklists import Catalog
from app.sync.protocol import INT32_MAX, MAX_JSON_DEPTH

from .trust_support import SHIPPED, honest_visit, upload_body

API = "/api/v1"
MS = Catalog.from_file(SHIPPED).resolve("mystery_shop", "flagship")


@pytest.fixture(scope="module", params=BACKENDS)
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp(f"bad-{request.param}"),
                         _database_url(request.param, request), checklists=SHIPPED)
    try:
        yield proc.start()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def shopper(office: ServerProcess) -> dict[str, Any]:
    admin.add_inspector(office.ctx, "ms-bad", "检查员")
    code, _ = admin.create_enrol_code(office.ctx, "ms-bad")
    body = httpx.post(f"{office.url}{API}/enrol",
                      json={"code": code, "device_name": "phone"}).json()
    body["headers"] = {"Authorization": f"Bearer {body['token']}", "Accept-Language": "en",
                       "Content-Type": "application/json"}
    return body


def valid(shopper: dict[str, Any], **over: Any) -> dict[str, Any]:
    return upload_body(MS, honest_visit(MS, seed=3, fail_rate=0.0),
                       device_id=shopper["device_id"], inspector_id="ms-bad",
                       outlet="HALL-1", **over)


def put_raw(office: ServerProcess, shopper: dict[str, Any], uuid: str,
            content: bytes) -> httpx.Response:
    return httpx.put(f"{office.url}{API}/inspections/{uuid}", content=content,
                     headers=shopper["headers"], timeout=30)


def stored(office: ServerProcess, uuid: str) -> Inspection | None:
    with office.ctx.session() as s:
        return s.exec(select(Inspection).where(Inspection.uuid == uuid)).first()


def client_error(r: httpx.Response, status: int | None = None) -> dict[str, Any]:
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    if status is not None:
        assert r.status_code == status, r.text
    body = r.json()
    assert body["message"] and "Traceback" not in body["message"]
    return body  # type: ignore[no-any-return]


def no_tracebacks(office: ServerProcess) -> None:
    log = office.log_text()
    assert "Traceback" not in log and " 500 " not in log, office.log_tail()


@pytest.mark.parametrize("where,value", [
    ("checklist_version", INT32_MAX + 1), ("checklist_version", 2**63),
    ("created_seq", INT32_MAX + 1), ("photo_size", 2**40), ("veto_count", 2**31),
    ("answer", 2**60),
])
def test_integers_beyond_the_columns_are_422(office: ServerProcess, shopper: dict[str, Any],
                                             where: str, value: int) -> None:
    body = valid(shopper)
    if where == "photo_size":
        body["photos"] = [{"sha256": "c" * 64, "size": value}]
    elif where == "veto_count":
        body["score"]["veto_count"] = value
    elif where == "answer":
        body["answers"][0]["value"] = value
    else:
        body[where] = value
    r = put_raw(office, shopper, body["uuid"], json.dumps(body).encode())
    client_error(r, 422)
    assert stored(office, body["uuid"]) is None
    # the largest value a column holds is no error of its own (here: not that version)
    if where == "checklist_version":
        body[where] = INT32_MAX
        r = put_raw(office, shopper, body["uuid"], json.dumps(body).encode())
        assert client_error(r, 422)["error"] == "checklist_mismatch"
    no_tracebacks(office)


def test_cursor_and_filters_beyond_the_columns_are_422(office: ServerProcess) -> None:
    code, _ = admin.create_enrol_code(office.ctx, None, role="manager")
    token = httpx.post(f"{office.url}{API}/enrol",
                       json={"code": code, "device_name": "desk"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for params in ({"after": 2**31}, {"after": 2**62}, {"outlet": "HALL\x00"},
                   {"device": "d\x00"}):
        client_error(httpx.get(f"{office.url}{API}/inspections", params=params,
                               headers=headers), 422)
    client_error(httpx.get(f"{office.url}{API}/conflicts", params={"after": 2**40},
                           headers=headers), 422)
    assert httpx.get(f"{office.url}{API}/inspections", params={"after": INT32_MAX},
                     headers=headers).json()["items"] == []
    no_tracebacks(office)


def test_nul_characters_are_refused_everywhere(office: ServerProcess,
                                               shopper: dict[str, Any]) -> None:
    code, _ = admin.create_enrol_code(office.ctx, "ms-bad")
    devices = len(admin.list_devices(office.ctx))
    r = httpx.post(f"{office.url}{API}/enrol", headers={"Accept-Language": "en"},
                   json={"code": code, "device_name": "pho\x00ne"})
    body = client_error(r, 422)
    assert "NUL" in body["message"] and "device_name" in body["message"]
    assert len(admin.list_devices(office.ctx)) == devices
    # the code was not spent on it
    assert httpx.post(f"{office.url}{API}/enrol",
                      json={"code": code, "device_name": "phone 2"}).status_code == 200
    for path in (("answers", 0, "note"), ("answers", 0, "value"), ("score", "detail", "x"),
                 ("amendment", "reason")):
        upload = valid(shopper)
        if path[0] == "amendment":
            upload["amendment"] = {"by": "me", "at": upload["started_at"], "reason": "a\x00"}
            upload["amends_uuid"] = str(uuidlib.uuid4())
        else:
            target: Any = upload
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = "text \x00 more"
        r = put_raw(office, shopper, upload["uuid"], json.dumps(upload).encode())
        assert "NUL" in client_error(r, 422)["message"]
        assert stored(office, upload["uuid"]) is None
    upload = valid(shopper)
    upload["score"]["detail"] = {"bad\x00key": 1}
    client_error(put_raw(office, shopper, upload["uuid"], json.dumps(upload).encode()), 422)
    no_tracebacks(office)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_standard_numbers_are_refused(office: ServerProcess, shopper: dict[str, Any],
                                          token: str) -> None:
    for field in ("accuracy", "detail", "answer"):
        upload = valid(shopper)
        if field == "accuracy":
            upload["location_start"] = {"lat": 31.2, "lon": 121.4, "accuracy_m": "@@"}
        elif field == "detail":
            upload["score"]["detail"] = {"n": "@@"}
        else:
            number = next(i for i in MS.items.values() if i.type.value == "number")
            upload["answers"] = [a for a in upload["answers"] if a["item_id"] != number.id]
            upload["answers"].append({"item_id": number.id, "value": "@@"})
        raw = json.dumps(upload).replace('"@@"', token).encode()
        client_error(put_raw(office, shopper, upload["uuid"], raw), 422)
        assert stored(office, upload["uuid"]) is None
    no_tracebacks(office)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"d": value}
    return value


def test_one_json_depth_limit_what_is_accepted_reads_back(office: ServerProcess,
                                                          shopper: dict[str, Any]) -> None:
    code, _ = admin.create_enrol_code(office.ctx, None, role="manager")
    manager = {"Authorization": "Bearer " + httpx.post(
        f"{office.url}{API}/enrol", json={"code": code, "device_name": "desk"}).json()["token"]}
    deep = valid(shopper)
    deep["score"]["detail"] = _nested(MAX_JSON_DEPTH + 5)
    body = client_error(put_raw(office, shopper, deep["uuid"], json.dumps(deep).encode()),
                        422)
    assert str(MAX_JSON_DEPTH) in body["message"]
    assert stored(office, deep["uuid"]) is None
    fits = valid(shopper)
    fits["score"]["detail"] = _nested(MAX_JSON_DEPTH - 6)
    r = put_raw(office, shopper, fits["uuid"], json.dumps(fits).encode())
    assert r.status_code == 200, r.text
    back = httpx.get(f"{office.url}{API}/inspections/{fits['uuid']}", headers=manager)
    assert back.status_code == 200 and back.json()["body"]["score"]["detail"] == \
        fits["score"]["detail"]
    # nesting no parser survives is a 400, not a crash
    bomb = b'{"uuid": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    client_error(put_raw(office, shopper, str(uuidlib.uuid4()), bomb), 400)
    no_tracebacks(office)


def test_405_says_which_methods_are_allowed(office: ServerProcess,
                                            shopper: dict[str, Any]) -> None:
    u = uuidlib.uuid4()
    r = httpx.delete(f"{office.url}{API}/inspections/{u}", headers=shopper["headers"])
    client_error(r, 405)
    assert r.headers["allow"] == "GET, PUT"
    r = httpx.post(f"{office.url}{API}/health")
    client_error(r, 405)
    assert r.headers["allow"] == "GET"


def test_a_bad_body_for_a_stored_result_keeps_no_conflict(office: ServerProcess,
                                                          shopper: dict[str, Any]) -> None:
    upload = valid(shopper)
    assert put_raw(office, shopper, upload["uuid"], json.dumps(upload).encode()
                   ).status_code == 200
    worse = json.loads(json.dumps(upload))
    worse["answers"].append({"item_id": "no_such_item", "value": True})
    client_error(put_raw(office, shopper, upload["uuid"], json.dumps(worse).encode()), 422)
    with office.ctx.session() as s:
        assert s.exec(select(Conflict).where(Conflict.uuid == upload["uuid"])).first() is None


def _cut_upload(office: ServerProcess, path: str, token: str, ctype: str) -> None:
    """Send the headers and half the declared body, then vanish (a phone losing signal)."""
    with socket.create_connection(("127.0.0.1", office.port), timeout=10) as sock:
        sock.sendall((f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer {token}\r\nContent-Type: {ctype}\r\n"
                      "Content-Length: 200000\r\n\r\n").encode() + b"{" + b" " * 50_000)
        time.sleep(0.3)


def test_a_client_that_vanishes_mid_upload_is_one_info_line(
        office: ServerProcess, shopper: dict[str, Any]) -> None:
    before = office.log_text().count("client went away")
    _cut_upload(office, f"{API}/inspections/{uuidlib.uuid4()}", shopper["token"],
                "application/json")
    _cut_upload(office, f"{API}/photos/{'d' * 64}", shopper["token"],
                "application/octet-stream")
    wait_until(lambda: office.log_text().count("client went away") >= before + 2,
               what="the disconnects to be logged")
    no_tracebacks(office)
    assert httpx.get(f"{office.url}{API}/health").status_code == 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_enrolment_is_throttled_per_address_with_growing_delays(
        make_server: Any, backend: str) -> None:
    proc = make_server(backend, checklists=SHIPPED, env={
        "HALLCHECK_SERVER_ENROL_FREE_ATTEMPTS": "3",
        "HALLCHECK_SERVER_ENROL_BASE_DELAY_S": "1"}).start()
    url = f"{proc.url}{API}/enrol"

    def attempt(code: str = "AAAA-BBBB-CCCC") -> httpx.Response:
        return httpx.post(url, json={"code": code, "device_name": "x"},
                          headers={"Accept-Language": "en"})

    for _ in range(3):
        assert attempt().status_code == 401
    first = attempt()
    client_error(first, 429)
    assert first.json()["error"] == "too_many_attempts"
    assert first.headers["retry-after"] == "1" and "1 second" in first.json()["message"]
    time.sleep(1.2)
    assert attempt().status_code == 401  # tried after waiting: refused, and counted
    second = attempt()
    client_error(second, 429)
    assert second.headers["retry-after"] == "2"  # the delay doubled
    time.sleep(2.2)
    admin.add_inspector(proc.ctx, "ms-ok", "检查员")
    code, _ = admin.create_enrol_code(proc.ctx, "ms-ok")
    assert attempt(code).status_code == 200  # a right code after waiting works ...
    assert attempt().status_code == 401  # ... and starts this address afresh
    assert attempt().status_code == 401
    assert attempt().status_code == 401
    client_error(attempt(), 429)
    with proc.ctx.session() as s:
        assert len(s.exec(select(EnrolAttempt)).all()) == 3
    # kept in the database, not in the process: a restarted server (now with a longer
    # delay) still says wait, counting the refusals the previous process saw
    proc.env["HALLCHECK_SERVER_ENROL_BASE_DELAY_S"] = "60"
    proc.restart()
    after = attempt()
    client_error(after, 429)
    assert 1 < int(after.headers["retry-after"]) <= 60  # 60 s from the last refusal
    assert "second" in after.json()["message"]
    no_tracebacks(proc)
