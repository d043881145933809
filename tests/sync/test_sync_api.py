"""The central endpoint's API, against a real server process on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from app.central import admin
from app.central.models import Conflict, EnrolCode, Inspection, Photo, utcnow
from app.sync.protocol import LIMITS_HEADER, InspectionAck, PhotoAck

from .helpers import ServerProcess, make_upload, photo_bytes, sha

API = "/api/v1"


def stored_inspection(server: ServerProcess, uuid: str) -> Inspection | None:
    with server.ctx.session() as s:
        return s.exec(select(Inspection).where(Inspection.uuid == uuid)).first()


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) >= {"error", "message"} and body["message"]
    if code:
        assert body["error"] == code
    return body


# --- meta -------------------------------------------------------------------------------


def test_health_and_limits_are_announced(server: ServerProcess) -> None:
    r = httpx.get(f"{server.url}{API}/health")
    assert r.json() == {"status": "ok", "api_version": 1}
    limits = httpx.get(f"{server.url}{API}/limits").json()
    assert limits["max_request_bytes"] >= limits["max_json_bytes"] > 0
    assert int(r.headers[LIMITS_HEADER]) == limits["max_request_bytes"]


# --- enrolment and auth -----------------------------------------------------------------


def test_enrolment_code_gives_one_token_once(server: ServerProcess) -> None:
    code = server.enrol_code("ms-enrol")
    r = httpx.post(f"{server.url}{API}/enrol",
                   json={"code": code.lower().replace("-", " "), "device_name": "phone A"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["inspector_id"] == "ms-enrol" and body["role"] == "device"
    me = httpx.get(f"{server.url}{API}/me",
                   headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me["device_id"] == body["device_id"] and me["inspector_name"] == "Inspector ms-enrol"
    # the token is stored hashed: the database never holds it in clear
    with server.ctx.session() as s:
        from app.central.models import Device

        device = s.get(Device, body["device_id"])
    assert device is not None and body["token"] not in device.token_hash
    again = httpx.post(f"{server.url}{API}/enrol", json={"code": code, "device_name": "B"})
    assert_error(again, 401, "invalid_enrol_code")


def test_expired_revoked_and_unknown_codes_are_refused(server: ServerProcess) -> None:
    expired = server.enrol_code()
    revoked = server.enrol_code()
    with server.ctx.session() as s:
        rows = s.exec(select(EnrolCode).order_by(EnrolCode.id.desc()).limit(2)).all()  # type: ignore[union-attr]
        rows[1].expires_at = utcnow() - timedelta(minutes=1)
        s.add(rows[1])
        s.commit()
        revoked_id = rows[0].id
    admin.revoke_enrol_code(server.ctx, revoked_id)
    for code in (expired, revoked, "AAAA-BBBB-CCCC"):
        r = httpx.post(f"{server.url}{API}/enrol", json={"code": code, "device_name": "x"})
        assert_error(r, 401, "invalid_enrol_code")


@pytest.mark.parametrize("case", ["none", "wrong", "revoked", "not_bearer"])
def test_no_wrong_or_revoked_token_is_401_and_nothing_is_stored(
        server: ServerProcess, case: str) -> None:
    dev = server.enrol()
    if case == "revoked":
        admin.revoke_device(server.ctx, dev.device_id)
    headers = {
        "none": {},
        "wrong": {"Authorization": "Bearer " + "x" * 43},
        "revoked": dev.headers,
        "not_bearer": {"Authorization": f"Basic {dev.token}"},
    }[case]
    data = photo_bytes(1, seed=11)[0]
    body = make_upload(dev.device_id, photos=[data])
    r = httpx.put(f"{server.url}{API}/inspections/{body['uuid']}", json=body, headers=headers)
    assert_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    r = httpx.put(f"{server.url}{API}/photos/{sha(data)}", content=data, headers=headers)
    assert_error(r, 401)
    for path in ("/checklists", "/outlets", "/assignments", "/me"):
        assert_error(httpx.get(f"{server.url}{API}{path}", headers=headers), 401)
    assert stored_inspection(server, body["uuid"]) is None
    with server.ctx.session() as s:
        assert s.get(Photo, sha(data)) is None
    assert not server.ctx.photos.exists(sha(data))


# --- pull -------------------------------------------------------------------------------


def test_checklists_carry_an_etag_and_unchanged_ones_cost_nothing(server: ServerProcess) -> None:
    dev = server.enrol()
    with dev.client() as c:
        r = c.get(f"{API}/checklists")
        assert r.status_code == 200
        etag = r.headers["etag"]
        bundle = r.json()
        assert bundle["etag"] == etag
        assert {(x["kind"], x["tier"]) for x in bundle["checklists"]} == {
            ("mystery_shop", "flagship"), ("mystery_shop", "village")}
        assert set(bundle["tiers"]) == {"flagship", "village"}
        unchanged = c.get(f"{API}/checklists", headers={"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.content == b""
        stale = c.get(f"{API}/checklists", headers={"If-None-Match": '"old"'})
        assert stale.status_code == 200
        one = c.get(f"{API}/checklists/mystery_shop/village")
        assert one.status_code == 200
        assert one.headers["etag"] == f'"{one.json()["content_hash"]}"'
        assert c.get(f"{API}/checklists/mystery_shop/village",
                     headers={"If-None-Match": one.headers["etag"]}).status_code == 304
        assert_error(c.get(f"{API}/checklists/self_check/village"), 404, "not_found")


def test_outlets_from_csv_and_the_inspectors_assignments(server: ServerProcess,
                                                          tmp_path) -> None:
    csv = tmp_path / "outlets.csv"
    csv.write_text("\ufeffcode,name,tier,region,business_unit,address\n"
                   "HALL-001,人民广场旗舰厅,flagship,上海,黄浦,南京东路 1 号\n"
                   "VIL-007,金山村服务站,village,上海,金山,\n", encoding="utf-8")
    result = admin.import_outlets_csv(server.ctx, csv)
    assert result.created + result.updated + result.unchanged == 2
    dev = server.enrol("ms-assign")
    other = server.enrol("ms-other")
    admin.add_assignment(server.ctx, "ms-assign", "VIL-007", "mystery_shop")
    admin.add_assignment(server.ctx, "ms-other", "HALL-001", "mystery_shop")
    with dev.client() as c:
        outlets = {o["code"]: o for o in c.get(f"{API}/outlets").json()["outlets"]}
        assert outlets["HALL-001"]["name"] == "人民广场旗舰厅"
        assert outlets["VIL-007"]["tier"] == "village"
        mine = c.get(f"{API}/assignments").json()
    assert mine["inspector_id"] == "ms-assign"
    assert [a["outlet_code"] for a in mine["assignments"]] == ["VIL-007"]
    with other.client() as c:
        assert [a["outlet_code"] for a in c.get(f"{API}/assignments").json()["assignments"]
                ] == ["HALL-001"]


def test_outlet_csv_with_problems_imports_nothing(server: ServerProcess, tmp_path) -> None:
    from app.errors import UserError

    csv = tmp_path / "bad.csv"
    csv.write_text("code,name,tier\nNEW-1,ok,village\nNEW-2,bad tier,castle\n../x,,flagship\n")
    with pytest.raises(UserError) as err:
        admin.import_outlets_csv(server.ctx, csv)
    text = err.value.message("en")
    assert "castle" in text and ":3" in text and ":4" in text
    dev = server.enrol()
    with dev.client() as c:
        codes = {o["code"] for o in c.get(f"{API}/outlets").json()["outlets"]}
    assert "NEW-1" not in codes


# --- photos -----------------------------------------------------------------------------


def test_photos_are_verified_stored_once_and_reported_missing(server: ServerProcess) -> None:
    dev = server.enrol()
    a, b = photo_bytes(2, size=50_000, seed=21)
    with dev.client() as c:
        r = c.post(f"{API}/photos/missing", json={"hashes": [sha(a), sha(b), sha(a)]})
        assert r.json() == {"missing": [sha(a), sha(b)]}
        first = c.put(f"{API}/photos/{sha(a)}", content=a)
        assert PhotoAck.model_validate(first.json()).stored == "created"
        again = c.put(f"{API}/photos/{sha(a)}", content=a)
        assert again.json() == {"ack": "photo", "sha256": sha(a), "size": len(a),
                                "stored": "unchanged"}
        assert c.post(f"{API}/photos/missing",
                      json={"hashes": [sha(a), sha(b)]}).json() == {"missing": [sha(b)]}
        # bytes that do not match their name are refused and not kept anywhere
        bad = assert_error(c.put(f"{API}/photos/{sha(b)}", content=a), 422, "hash_mismatch")
        assert sha(a) in bad["message"]
        assert not server.ctx.photos.exists(sha(b))
        assert_error(c.put(f"{API}/photos/{sha(b'')}", content=b""), 422, "empty_photo")
        assert b"".join(server.ctx.photos.open_chunks(sha(a))) == a


# --- inspections ------------------------------------------------------------------------


def test_same_inspection_twice_is_a_no_op_success(server: ServerProcess) -> None:
    dev = server.enrol()
    body = make_upload(dev.device_id)
    with dev.client() as c:
        first = InspectionAck.model_validate(
            c.put(f"{API}/inspections/{body['uuid']}", json=body).json())
        second = InspectionAck.model_validate(
            c.put(f"{API}/inspections/{body['uuid']}", json=body).json())
    assert first.stored == "created" and second.stored == "unchanged"
    assert first.body_sha256 == second.body_sha256 and first.complete
    with server.ctx.session() as s:
        rows = s.exec(select(Inspection).where(Inspection.uuid == body["uuid"])).all()
    assert len(rows) == 1 and json.loads(rows[0].body) == body


def test_different_body_for_a_finalized_uuid_is_409_and_kept_for_review(
        server: ServerProcess) -> None:
    dev = server.enrol()
    body = make_upload(dev.device_id)
    changed = make_upload(dev.device_id, uuid=body["uuid"], note="edited afterwards")
    with dev.client() as c:
        c.put(f"{API}/inspections/{body['uuid']}", json=body).raise_for_status()
        for _ in range(2):  # the same refused body twice is one conflict
            r = c.put(f"{API}/inspections/{body['uuid']}", json=changed)
            err = assert_error(r, 409, "conflict")
    assert err["uuid"] == body["uuid"] and err["conflict_id"]
    row = stored_inspection(server, body["uuid"])
    assert row is not None and json.loads(row.body) == body  # never silently overwritten
    with server.ctx.session() as s:
        kept = s.exec(select(Conflict).where(Conflict.uuid == body["uuid"])).all()
    assert len(kept) == 1 and json.loads(kept[0].body) == changed
    assert kept[0].reason == "finalized_differs"


def test_a_draft_may_be_replaced_until_it_is_finalized(server: ServerProcess) -> None:
    dev = server.enrol()
    draft = make_upload(dev.device_id, status="draft")
    final = make_upload(dev.device_id, uuid=draft["uuid"])
    with dev.client() as c:
        assert c.put(f"{API}/inspections/{draft['uuid']}", json=draft).json()["stored"] == \
            "created"
        ack = c.put(f"{API}/inspections/{draft['uuid']}", json=final).json()
    assert ack["stored"] == "updated" and ack["status"] == "finalized"


def test_one_device_cannot_overwrite_another_devices_inspection(server: ServerProcess) -> None:
    owner, intruder = server.enrol("ms-a"), server.enrol("ms-b")
    body = make_upload(owner.device_id, inspector_id="ms-a")
    with owner.client() as c:
        c.put(f"{API}/inspections/{body['uuid']}", json=body).raise_for_status()
    forged = make_upload(intruder.device_id, uuid=body["uuid"], inspector_id="ms-b")
    as_owner = dict(body, outlet_code="OTHER-1")
    with intruder.client() as c:
        assert_error(c.put(f"{API}/inspections/{body['uuid']}", json=forged), 409, "conflict")
        # claiming to be the owner device does not help either
        assert_error(c.put(f"{API}/inspections/{body['uuid']}", json=as_owner), 422,
                     "device_mismatch")
        assert_error(c.get(f"{API}/inspections/{body['uuid']}"), 404)
    row = stored_inspection(server, body["uuid"])
    assert row is not None and row.device_id == owner.device_id
    assert json.loads(row.body) == body


def test_uuid_in_path_and_body_must_agree(server: ServerProcess) -> None:
    dev = server.enrol()
    body = make_upload(dev.device_id)
    with dev.client() as c:
        r = c.put(f"{API}/inspections/{uuidlib.uuid4()}", json=body)
    assert_error(r, 422, "uuid_mismatch")


def test_inspection_is_complete_only_when_every_photo_arrived(server: ServerProcess) -> None:
    dev, manager = server.enrol(), server.enrol(role="manager", inspector_id="")
    a, b = photo_bytes(2, seed=31)
    body = make_upload(dev.device_id, photos=[a, b])
    with dev.client() as c:
        c.put(f"{API}/photos/{sha(a)}", content=a).raise_for_status()
        ack = c.put(f"{API}/inspections/{body['uuid']}", json=body).json()
        assert ack["complete"] is False and ack["missing_photos"] == [sha(b)]
    with manager.client() as m:
        incomplete = m.get(f"{API}/inspections", params={"complete": "false",
                                                          "device": dev.device_id}).json()
        assert [i["uuid"] for i in incomplete["items"]] == [body["uuid"]]
        assert incomplete["items"][0]["photos_missing"] == 1
    with dev.client() as c:
        c.put(f"{API}/photos/{sha(b)}", content=b).raise_for_status()
        assert c.put(f"{API}/inspections/{body['uuid']}", json=body).json()["complete"]
    with manager.client() as m:
        done = m.get(f"{API}/inspections", params={"complete": "true",
                                                    "device": dev.device_id}).json()
        assert [i["uuid"] for i in done["items"]] == [body["uuid"]]
        detail = m.get(f"{API}/inspections/{body['uuid']}").json()
        assert detail["missing_photos"] == [] and detail["body"] == body
        assert m.get(f"{API}/photos/{sha(b)}").content == b


def test_manager_lists_page_by_arrival_and_devices_may_not(server: ServerProcess) -> None:
    dev, manager = server.enrol(), server.enrol(role="manager", inspector_id="")
    uuids = []
    with dev.client() as c:
        for seq in range(1, 6):
            body = make_upload(dev.device_id, seq=seq)
            c.put(f"{API}/inspections/{body['uuid']}", json=body).raise_for_status()
            uuids.append(body["uuid"])
        assert_error(c.get(f"{API}/inspections"), 403, "forbidden")
        assert_error(c.get(f"{API}/conflicts"), 403, "forbidden")
    seen, after = [], 0
    with manager.client() as m:
        while True:
            page = m.get(f"{API}/inspections", params={"after": after, "limit": 2,
                                                       "device": dev.device_id}).json()
            seen += [i["uuid"] for i in page["items"]]
            if page["next_after"] is None:
                break
            after = page["next_after"]
        assert dev.device_id in {d["id"] for d in m.get(f"{API}/devices").json()}
    assert seen == uuids


# --- bad input: always a 4xx with a clear JSON message, never a 500 -------------------------


def test_bad_input_is_a_clear_4xx(server: ServerProcess) -> None:
    dev = server.enrol()
    u = str(uuidlib.uuid4())
    with dev.client() as c:
        put = f"{API}/inspections/{u}"
        assert_error(c.put(put, content=b'{"uuid": ', headers={
            "Content-Type": "application/json"}), 400, "malformed_json")
        wrong = make_upload(dev.device_id, uuid=u)
        wrong["created_seq"] = "first"
        wrong["answers"] = {"not": "a list"}
        err = assert_error(c.put(put, json=wrong), 422, "invalid_request")
        assert {tuple(d["loc"]) for d in err["details"]} >= {("body", "created_seq"),
                                                             ("body", "answers")}
        assert "created_seq" in err["message"]
        unknown = dict(make_upload(dev.device_id, uuid=u), surprise=1)
        assert_error(c.put(put, json=unknown), 422, "invalid_request")
        naive = dict(make_upload(dev.device_id, uuid=u), started_at="2025-03-01T10:00:00")
        assert_error(c.put(put, json=naive), 422, "invalid_request")
        for path in (f"{API}/inspections/not-a-uuid", f"{API}/inspections/..%2F..%2Fetc",
                     f"{API}/photos/{'A' * 64}", f"{API}/photos/..%2F..%2Fetc%2Fpasswd",
                     f"{API}/photos/{'0' * 63}", f"{API}/inspections/%00"):
            r = c.put(path, content=b"{}", headers={"Content-Type": "application/json"})
            assert 400 <= r.status_code < 500, (path, r.status_code)
            assert_error(r, r.status_code)
        assert_error(c.get(f"{API}/photos/{'../' * 5}etc/passwd"), 404)
        assert_error(c.post(f"{API}/photos/missing", json={"hashes": ["../../etc"]}), 422)
        assert_error(c.delete(f"{API}/inspections/{u}"), 405, "method_not_allowed")
        assert_error(c.get(f"{API}/nowhere"), 404, "not_found")
        assert_error(c.post(f"{API}/enrol", json=[1, 2]), 422)
        assert_error(c.get(f"{API}/checklists/..%2F..%2Fx/flagship"), 404)
    assert stored_inspection(server, u) is None


def test_bodies_over_the_announced_limit_are_413(server: ServerProcess) -> None:
    dev = server.enrol()
    limits = httpx.get(f"{server.url}{API}/limits").json()
    too_big_json = b"[" + b"0," * (limits["max_json_bytes"] // 2) + b"0]"
    too_big_photo = b"\0" * (limits["max_photo_bytes"] + 1)

    def chunks(data: bytes):  # no Content-Length: the server must count as it reads
        for i in range(0, len(data), 1 << 20):
            yield data[i:i + (1 << 20)]

    with dev.client() as c:
        u = uuidlib.uuid4()
        err = assert_error(c.put(f"{API}/inspections/{u}", content=too_big_json, headers={
            "Content-Type": "application/json"}), 413, "too_large")
        assert str(limits["max_json_bytes"]) in err["message"]
        assert_error(c.put(f"{API}/inspections/{u}", content=chunks(too_big_json), headers={
            "Content-Type": "application/json"}), 413, "too_large")
        assert_error(c.put(f"{API}/photos/{sha(too_big_photo)}", content=too_big_photo),
                     413, "too_large")
        assert_error(c.put(f"{API}/photos/{sha(too_big_photo)}",
                           content=chunks(too_big_photo)), 413, "too_large")
    assert not server.ctx.photos.exists(sha(too_big_photo))


def test_messages_follow_accept_language(server: ServerProcess) -> None:
    zh = httpx.get(f"{server.url}{API}/outlets", headers={"Accept-Language": "zh-CN"}).json()
    en = httpx.get(f"{server.url}{API}/outlets", headers={"Accept-Language": "en-GB"}).json()
    assert zh["error"] == en["error"] == "unauthorized"
    assert "令牌" in zh["message"] and "token" in en["message"]
