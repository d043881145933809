"""The sync client against a real server process: push, pull, acknowledgements, and how
each kind of failure is classified."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from app.central import admin
from app.store import Inspection
from app.sync import client_store
from app.sync.client import SyncClient

from .helpers import (
    CHECKLISTS,
    ServerProcess,
    add_outlets,
    enrol_device,
    fast_policy,
    finished_inspection,
    jpeg,
    open_device,
    server_inspections,
    server_photos,
)


def sync(ws, **kw):  # type: ignore[no-untyped-def]
    with SyncClient.for_workspace(ws, policy=fast_policy(), **kw) as client:
        return client.run()


def local_states(ws) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with ws.store.reading() as s:
        return {u: st for u, st in s.execute(select(Inspection.uuid, Inspection.sync_state))}


@pytest.fixture
def device(tmp_path: Path, sqlite_server: ServerProcess):  # type: ignore[no-untyped-def]
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001", "HALL-002")
    enrol_device(ws, sqlite_server)
    yield ws
    ws.close()


def test_sync_pushes_photos_then_inspections_in_order_exactly_once(
        device, sqlite_server: ServerProcess) -> None:
    photos = [[jpeg(1), jpeg(2)], [], [jpeg(3), jpeg(1)]]  # a photo shared by two visits
    uuids = [finished_inspection(device, "HALL-001", p) for p in photos]
    draft = device.inspections.start("mystery_shop", "HALL-002")  # drafts are never sent
    report = sync(device)
    assert report.ok and report.sent == 3 and report.waiting == 0
    assert report.photos_sent == 3 and report.photos_already == 1
    held = server_inspections(sqlite_server)
    assert draft not in held
    # in the order they were made
    assert sorted(uuids, key=lambda u: held[u].seq) == uuids
    # every byte matches the device: the bodies and the photo files
    device_id = client_store.device_id(device.store)
    for u in uuids:
        assert json.loads(held[u].body) == client_store.build_upload(
            device.store, u, device_id).model_dump(mode="json")
        state = device.inspections.state(u)
        for infos in state.photos.values():
            for info in infos:
                stored = b"".join(sqlite_server.ctx.photos.open_chunks(info.sha256))
                assert stored == info.path.read_bytes()
    assert local_states(device) == {**dict.fromkeys(uuids, "sent"), draft: "local"}
    assert {info.sync_state for u in uuids
            for infos in device.inspections.state(u).photos.values() for info in infos} == {"sent"}
    assert client_store.last_synced_at(device.store) is not None
    # a second sync has nothing to send
    again = sync(device)
    assert again.ok and again.sent == again.photos_sent == 0 and again.checklists_new is None


def test_pull_brings_outlets_assignments_and_checklists(
        device, sqlite_server: ServerProcess, tmp_path: Path) -> None:
    csv = tmp_path / "outlets.csv"
    csv.write_text("code,name,tier,region\nVIL-100,前进村服务站,village,金山\n",
                   encoding="utf-8")
    admin.import_outlets_csv(sqlite_server.ctx, csv)
    admin.add_assignment(sqlite_server.ctx, "ms-001", "VIL-100", "mystery_shop")
    report = sync(device)
    assert report.ok and report.assignments >= 1
    outlet = device.outlets.get("VIL-100")
    assert outlet is not None and outlet.name == "前进村服务站"
    assert outlet.family == "agent_channel"
    assert "VIL-100" in {a.outlet_code for a in device.assignments.open_for("ms-001")}
    current = client_store.current_checklists(device.store)
    assert set(current) == {"mystery_shop/flagship", "mystery_shop/village"}
    assert client_store.current_definition(device.store, "mystery_shop", "village") is not None


def test_a_draft_keeps_its_checklist_when_the_server_issues_a_new_one(
        make_server, tmp_path: Path) -> None:
    checklists = tmp_path / "checklists.yaml"
    shutil.copy(CHECKLISTS, checklists)
    server = make_server(checklists=checklists).start()
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    enrol_device(ws, server)
    first = sync(ws)
    v1 = client_store.current_checklists(ws.store)["mystery_shop/flagship"]
    draft = ws.inspections.start("mystery_shop", "HALL-001")
    checklists.write_text(CHECKLISTS.read_text(encoding="utf-8")
                          .replace("    version: 1", "    version: 2")
                          .replace("en: Staff in uniform", "en: Staff in full uniform"),
                          encoding="utf-8")
    second = sync(ws)
    v2 = client_store.current_checklists(ws.store)["mystery_shop/flagship"]
    assert first.ok and second.ok and second.checklists_new == 2 and v2 != v1
    new = client_store.current_definition(ws.store, "mystery_shop", "flagship")
    assert new is not None and new.version == 2
    kept = ws.inspections.checklist(draft)
    assert kept.content_hash == v1 and kept.version == 1
    fresh = ws.inspections.start("mystery_shop", "HALL-001")  # new visits take the new one
    assert ws.inspections.checklist(fresh).content_hash == v2
    assert sync(ws).checklists_new is None  # unchanged now: a 304, nothing stored
    ws.close()


class _Portal(BaseHTTPRequestHandler):
    """A captive portal / proxy: 200 OK for everything, but not our answer."""

    body = b"<html><body>Please log in to FreeWiFi</body></html>"
    ctype = "text/html"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", self.ctype)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_PUT = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


class _JsonButNotAck(_Portal):
    body = b'{"status": "ok", "message": "saved"}'
    ctype = "application/json"


@pytest.mark.parametrize("handler", [_Portal, _JsonButNotAck], ids=["html", "json"])
def test_a_200_that_is_not_an_acknowledgement_is_a_failure(device, handler) -> None:
    uuid = finished_inspection(device, "HALL-001", [jpeg(7)])
    portal = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        report = sync(device, endpoint=f"http://127.0.0.1:{portal.server_port}")
    finally:
        portal.shutdown()
        portal.server_close()
    assert not report.ok and report.sent == 0 and report.stopped
    assert "acknowledgement" in report.stopped or "确认" in report.stopped
    summary = device.inspections.summary(uuid)
    assert summary.sync_state == "queued"


def test_revoked_token_stops_the_sync_and_keeps_every_local_record(
        device, sqlite_server: ServerProcess) -> None:
    uuids = [finished_inspection(device, "HALL-001", [jpeg(10 + i)]) for i in range(2)]
    admin.revoke_device(sqlite_server.ctx, client_store.device_id(device.store))
    report = sync(device)
    assert report.auth_failed and report.sent == 0 and report.waiting == 2
    assert "enrol" in report.stopped.lower() or "注册" in report.stopped
    assert local_states(device) == dict.fromkeys(uuids, "queued")
    assert all(u not in server_inspections(sqlite_server) for u in uuids)
    # enrolling again sends everything that waited
    enrol_device(device, sqlite_server)
    assert sync(device).sent == 2


def test_conflict_is_flagged_and_the_next_inspection_still_goes(
        device, sqlite_server: ServerProcess) -> None:
    taken = finished_inspection(device, "HALL-001")
    after = finished_inspection(device, "HALL-002")
    # another device already stored an inspection under this uuid
    other = sqlite_server.enrol("ms-other")
    body = client_store.build_upload(device.store, taken, other.device_id).model_dump(
        mode="json")
    body["inspector_id"] = "ms-other"  # a device files only for its own inspector
    httpx.put(f"{other.url}/api/v1/inspections/{taken}", json=body,
              headers=other.headers).raise_for_status()
    report = sync(device)
    assert [u for u, _ in report.conflicts] == [taken] and report.sent == 1
    summary = device.inspections.summary(taken)
    assert summary.sync_state == "conflict" and summary.sync_error
    assert device.inspections.summary(after).sync_state == "sent"
    assert json.loads(server_inspections(sqlite_server)[taken].body)["device_id"] == \
        other.device_id


def test_422_puts_a_readable_reason_on_that_inspection(device,
                                                       sqlite_server: ServerProcess) -> None:
    uuid = finished_inspection(device, "HALL-001")
    with device.store.writing() as s:  # a data dir copied from another enrolment
        client_store._put(s, client_store.KEY_DEVICE_ID, "dev-someone-else")
    report = sync(device)
    assert [u for u, _ in report.rejected] == [uuid]
    summary = device.inspections.summary(uuid)
    assert summary.sync_state == "rejected"
    assert "422" in summary.sync_error and "device_id" in summary.sync_error


def test_a_damaged_photo_file_is_reported_not_sent(device,
                                                   sqlite_server: ServerProcess) -> None:
    uuid = finished_inspection(device, "HALL-001", [jpeg(40)])
    good = finished_inspection(device, "HALL-002", [jpeg(41)])
    info = device.inspections.state(uuid).photos["storefront"][0]
    info.path.write_bytes(info.path.read_bytes()[:-10] + b"0123456789")
    report = sync(device)
    assert [u for u, _ in report.rejected] == [uuid] and report.sent == 1
    assert info.sha256 not in server_photos(sqlite_server)
    assert device.inspections.summary(good).sync_state == "sent"


def test_tokens_and_codes_never_reach_a_log(tmp_path: Path, make_server,
                                            caplog: pytest.LogCaptureFixture) -> None:
    server = make_server().start()
    caplog.set_level(logging.DEBUG)
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    code = server.enrol_code()
    from app.sync.client import enrol

    enrol(ws, server.url, code, "phone")
    finished_inspection(ws, "HALL-001", [jpeg(50)])
    assert sync(ws).sent == 1
    token = ws.settings.device_token
    bad = sync(ws, endpoint=server.url + "/nowhere")  # failures are logged too
    assert not bad.ok
    server.stop()
    logs = caplog.text + server.log_text()
    assert token and token not in logs and code not in logs
    assert "/api/v1/inspections/" in server.log_text()  # the server did log the requests
    ws.close()


def test_https_is_verified_against_the_system_ca_store(make_server, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.errors import UserError
    from app.sync.client import enrol

    from .helpers import make_test_ca

    (tmp_path / "ca").mkdir()
    cert, key, ca = make_test_ca(tmp_path / "ca")
    server = make_server(tls=(cert, key, ca)).start()
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    # a CA the system does not trust: refused, nothing stored
    with pytest.raises(UserError) as refused:
        enrol(ws, server.url, server.enrol_code(), "phone", policy=fast_policy(attempts=1))
    assert "Cannot reach" in refused.value.message("en")
    assert ws.settings.device_token is None
    # the same CA in the system store (OpenSSL reads SSL_CERT_FILE): accepted
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    enrol(ws, server.url, server.enrol_code(), "phone", policy=fast_policy())
    finished_inspection(ws, "HALL-001", [jpeg(80)])
    report = sync(ws)
    assert report.ok and report.sent == 1 and server.url.startswith("https://")
    ws.close()


def test_a_record_the_protocol_cannot_carry_is_reported_and_the_rest_goes(
        device, sqlite_server: ServerProcess) -> None:
    odd = device.inspections.start("mystery_shop", "HALL-001")
    device.inspections.answer(odd, "uniform", True)
    device.inspections.answer(odd, "greet_seconds", 5)
    device.inspections.note(odd, "greet_seconds", "很长的备注" * 5000)  # 25,000 characters
    device.inspections.finalise(odd)
    fine = finished_inspection(device, "HALL-002")
    report = sync(device)
    assert [u for u, _ in report.rejected] == [odd] and report.sent == 1
    summary = device.inspections.summary(odd)
    assert summary.sync_state == "rejected" and "answers" in summary.sync_error
    assert device.inspections.summary(fine).sync_state == "sent"


def test_an_unreachable_endpoint_is_told_in_words_with_a_next_step(
        make_server, tmp_path: Path) -> None:
    """Issue 12: "无法连接中心端点（ConnectError）。" put an exception's name on the sync
    screen, and no next step."""
    server = make_server().start()
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    enrol_device(ws, server)
    uuid = finished_inspection(ws, "HALL-001")
    server.stop()
    report = sync(ws)
    said = [report.stopped or "", *(m for _, m in report.failed),
            ws.inspections.summary(uuid).sync_error or ""]
    assert report.sent == 0 and report.waiting == 1
    assert any("无法连接中心端点" in m for m in said), said
    for message in said:
        assert "Error" not in message and "Exception" not in message, message
    assert any("检查地址和网络" in m for m in said), said
    assert ws.inspections.summary(uuid).sync_state == "queued"  # kept, tried again later
    ws.close()
