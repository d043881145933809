"""Trusted results through a real endpoint process, on SQLite and on PostgreSQL: the server
re-scores every upload against the definition it issued, refuses (with a reason, nothing
stored) what it cannot stand behind, binds each upload to the token's inspector and role,
and flags what a reviewer must look at."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select
from sync.conftest import BACKENDS, _database_url
from sync.conftest import make_server as make_server  # a fixture
from sync.helpers import ServerProcess, wait_until

from app.central import admin, audit
from app.central.models import Conflict, Inspection, IssuedChecklist
from app.checklists import Catalog

from .trust_support import SHIPPED, Visit, honest_visit, upload_body

API = "/api/v1"
CATALOG = Catalog.from_file(SHIPPED)
MS = CATALOG.resolve("mystery_shop", "flagship")
MS_NEW = CATALOG.resolve("mystery_shop", "flagship", "new")
SC = CATALOG.resolve("self_check", "flagship")
OI = CATALOG.resolve("open_inspection", "flagship")


@pytest.fixture(scope="module", params=BACKENDS)
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    """An endpoint issuing the shipped checklists (every kind, tier and phase)."""
    proc = ServerProcess(tmp_path_factory.mktemp(f"office-{request.param}"),
                         _database_url(request.param, request), checklists=SHIPPED)
    try:
        yield proc.start()
    finally:
        proc.close()


class Token:
    def __init__(self, office: ServerProcess, body: dict[str, Any]) -> None:
        self.url = office.url
        self.device_id = body["device_id"]
        self.inspector_id = body.get("inspector_id")
        self.headers = {"Authorization": f"Bearer {body['token']}", "Accept-Language": "en"}

    def put(self, body: dict[str, Any], lang: str = "en") -> httpx.Response:
        return httpx.put(f"{self.url}{API}/inspections/{body['uuid']}", json=body,
                         headers={**self.headers, "Accept-Language": lang}, timeout=30)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}{API}{path}", params=params, headers=self.headers,
                         timeout=30)


_n = iter(range(10**6))


def enrol(office: ServerProcess, role: str = "mystery_shopper", *, inspector: str | None = None,
          outlet: str | None = None, code_outlet: str | None = None,
          manager: bool = False) -> Token:
    if manager:
        code, _ = admin.create_enrol_code(office.ctx, None, role="manager")
    else:
        inspector = inspector or f"{role[:2]}-{next(_n)}"
        admin.add_inspector(office.ctx, inspector, f"检查员 {inspector}", role,
                            outlet_code=outlet)
        code, _ = admin.create_enrol_code(office.ctx, inspector, outlet_code=code_outlet)
    r = httpx.post(f"{office.url}{API}/enrol", json={"code": code, "device_name": "phone"})
    r.raise_for_status()
    return Token(office, r.json())


def stored(office: ServerProcess, uuid: str) -> Inspection | None:
    with office.ctx.session() as s:
        return s.exec(select(Inspection).where(Inspection.uuid == uuid)).first()


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code, body
    assert "Traceback" not in body["message"] and body["message"]
    return str(body["message"])


def clean(checklist: Any, seed: int = 1) -> Visit:
    return honest_visit(checklist, seed=seed, fail_rate=0.0)


# --- the server scores ---------------------------------------------------------------------


def test_a_forged_score_is_corrected_and_flagged(office: ServerProcess) -> None:
    shopper, manager = enrol(office), enrol(office, manager=True)
    visit = clean(MS)
    visit.answers["rude"] = True  # 一票否决 of the whole visit ...
    visit.notes["rude"] = "店员与顾客争吵"  # ... evidenced
    body = upload_body(MS, visit, device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1", claim=100.0)
    body["score"]["voided"] = False  # the device says nothing was vetoed
    r = shopper.put(body)
    assert r.status_code == 200, r.text
    row = stored(office, body["uuid"])
    assert row is not None
    assert row.score_total == 0 and row.voided and row.device_score_total == 100
    assert {"score_disagreement", "veto"} <= set(json.loads(row.flags))
    detail = json.loads(row.score_detail or "{}")
    assert detail["voided"] and detail["checklist"]["content_hash"] == MS.content_hash
    assert any(v["item"] == "rude" and v["scope"] == "visit" for v in detail["vetoes"])
    listed = manager.get("/inspections", device=shopper.device_id).json()["items"]
    assert [(i["score_total"], i["device_score_total"], i["voided"]) for i in listed] == [
        (0, 100, True)]
    assert "score_disagreement" in listed[0]["flags"] and listed[0]["veto_count"] >= 1
    one = manager.get(f"/inspections/{body['uuid']}").json()["summary"]
    assert one["score_total"] == 0 and one["device_score_total"] == 100
    # its first audit line, written with it
    with office.ctx.session() as s:
        trail = audit.trail(s, body["uuid"])
    assert [(a.action, a.to_state, a.actor_kind, a.actor_id) for a in trail] == [
        ("received", "received", "device", shopper.device_id)]


def test_an_honest_result_agrees_and_is_listed_with_the_servers_score(
        office: ServerProcess) -> None:
    shopper, manager = enrol(office), enrol(office, manager=True)
    body = upload_body(MS, honest_visit(MS, seed=7), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-2")
    assert shopper.put(body).status_code == 200
    item = manager.get("/inspections", device=shopper.device_id).json()["items"][0]
    assert item["score_total"] == body["score"]["total"] == item["device_score_total"]
    assert "score_disagreement" not in item["flags"] and item["phase"] == "established"
    assert item["time_on_site_s"] == 25 * 60


@pytest.mark.parametrize("total", [250, -1, 100.5])
def test_a_claim_outside_0_to_100_is_refused(office: ServerProcess, total: float) -> None:
    shopper = enrol(office)
    body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1")
    body["score"]["total"] = total
    refused(shopper.put(body), 422, "invalid_request")
    assert stored(office, body["uuid"]) is None


# --- refused, with a reason, nothing stored ------------------------------------------------


def test_a_checklist_the_server_never_issued_is_refused(office: ServerProcess) -> None:
    shopper = enrol(office)
    body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1",
                       checklist_hash="b" * 64)
    message = refused(shopper.put(body), 422, "checklist_not_issued")
    assert "never issued" in message and "bbbbbbbbbbbb" in message
    zh = refused(shopper.put(body, lang="zh"), 422, "checklist_not_issued")
    assert "未保存" in zh
    assert stored(office, body["uuid"]) is None


def test_a_checklist_that_does_not_match_its_definition_is_refused(
        office: ServerProcess) -> None:
    shopper = enrol(office)
    for over in ({"checklist_id": "other_std"}, {"tier": "village"},
                 {"checklist_version": 7}, {"phase": "new"}):
        body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                           inspector_id=shopper.inspector_id, outlet="HALL-1", **over)
        message = refused(shopper.put(body), 422, "checklist_mismatch")
        assert next(iter(over)) in message
        assert stored(office, body["uuid"]) is None


def test_answers_to_unknown_items_are_refused(office: ServerProcess) -> None:
    shopper = enrol(office)
    body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1")
    body["answers"].append({"item_id": "free_coffee", "value": True})
    message = refused(shopper.put(body), 422, "unknown_items")
    assert "free_coffee" in message
    assert stored(office, body["uuid"]) is None


def test_a_value_an_item_cannot_take_is_refused_naming_the_item(
        office: ServerProcess) -> None:
    shopper = enrol(office)
    visit = clean(MS)
    visit.answers["friendliness"] = 7  # a 0..5 scale
    visit.answers["uniform_badge"] = "maybe"
    body = upload_body(MS, visit, device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1")
    r = shopper.put(body, lang="zh")
    message = refused(r, 422, "invalid_answers")
    assert MS.items["friendliness"].label.zh in message  # named by its label
    assert MS.items["uniform_badge"].label.zh in message
    assert {d["item_id"] for d in r.json()["details"]} == {"friendliness", "uniform_badge"}
    assert MS.items["friendliness"].label.en in refused(shopper.put(body), 422,
                                                         "invalid_answers")
    assert stored(office, body["uuid"]) is None


def test_a_finalised_visit_without_its_answers_or_veto_evidence_is_refused(
        office: ServerProcess) -> None:
    shopper = enrol(office)
    empty = upload_body(MS, Visit(), device_id=shopper.device_id,
                        inspector_id=shopper.inspector_id, outlet="HALL-1")
    r = shopper.put(empty)
    refused(r, 422, "not_finalisable")
    assert {d["reason"] for d in r.json()["details"]} >= {"answer_required"}
    visit = clean(MS)
    visit.answers["rude"] = True  # a veto fired, with no note and no photo
    visit.notes.pop("rude", None)
    body = upload_body(MS, visit, device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1")
    r = shopper.put(body, lang="zh")
    message = refused(r, 422, "not_finalisable")
    assert MS.items["rude"].label.zh in message
    assert stored(office, empty["uuid"]) is None and stored(office, body["uuid"]) is None
    # the same answers as a draft are fine: a draft need not be complete
    draft = upload_body(MS, Visit(), device_id=shopper.device_id,
                        inspector_id=shopper.inspector_id, outlet="HALL-1", status="draft")
    assert shopper.put(draft).status_code == 200


# --- identity ------------------------------------------------------------------------------


def test_an_upload_as_another_inspector_is_403(office: ServerProcess) -> None:
    shopper, other = enrol(office), enrol(office)
    body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                       inspector_id=other.inspector_id, outlet="HALL-1")
    message = refused(shopper.put(body), 403, "wrong_inspector")
    assert shopper.inspector_id in message and other.inspector_id in message
    assert stored(office, body["uuid"]) is None


def test_a_managers_token_cannot_file(office: ServerProcess) -> None:
    manager = enrol(office, manager=True)
    body = upload_body(MS, clean(MS), device_id=manager.device_id, inspector_id="ms-x",
                       outlet="HALL-1")
    refused(manager.put(body), 403, "manager_cannot_file")
    assert stored(office, body["uuid"]) is None


def test_each_role_files_only_its_own_kind(office: ServerProcess) -> None:
    shopper = enrol(office)
    coach = enrol(office, "area_manager")
    kiosk = enrol(office, "outlet_agent", outlet="HALL-K")
    for token, checklist in ((shopper, OI), (shopper, SC), (coach, MS), (kiosk, MS),
                             (kiosk, OI)):
        body = upload_body(checklist, clean(checklist), device_id=token.device_id,
                           inspector_id=token.inspector_id, outlet="HALL-K")
        refused(token.put(body, lang="zh"), 403, "kind_not_allowed")
        assert stored(office, body["uuid"]) is None
    for token, checklist in ((shopper, MS), (coach, OI), (kiosk, SC)):
        body = upload_body(checklist, clean(checklist), device_id=token.device_id,
                           inspector_id=token.inspector_id, outlet="HALL-K")
        r = token.put(body)
        assert r.status_code == 200, (checklist.kind, r.text)


def test_corrective_actions_come_only_from_area_managers(office: ServerProcess) -> None:
    shopper, coach = enrol(office), enrol(office, "area_manager")
    today = datetime.now(UTC).date().isoformat()
    action = {"uuid": "0b6a4c1e-8d1f-4c55-9a55-1f0f6e0b1a01", "description": "整理柜台",
              "owner": "店长", "due_date": today, "raised_at": datetime.now(UTC).isoformat()}
    body = upload_body(MS, clean(MS), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-1", actions=[action])
    refused(shopper.put(body), 403, "actions_not_allowed")
    ok = upload_body(OI, clean(OI), device_id=coach.device_id,
                     inspector_id=coach.inspector_id, outlet="HALL-1", actions=[action])
    assert coach.put(ok).status_code == 200


def test_a_kiosk_files_self_checks_of_its_own_outlet_only(office: ServerProcess) -> None:
    kiosk = enrol(office, "outlet_agent", outlet="HALL-OWN")
    other = upload_body(SC, clean(SC), device_id=kiosk.device_id,
                        inspector_id=kiosk.inspector_id, outlet="HALL-NEXT-DOOR")
    message = refused(kiosk.put(other), 403, "outlet_not_allowed")
    assert "HALL-OWN" in message and "HALL-NEXT-DOOR" in message
    assert stored(office, other["uuid"]) is None
    own = upload_body(SC, clean(SC), device_id=kiosk.device_id,
                      inspector_id=kiosk.inspector_id, outlet="HALL-OWN")
    assert kiosk.put(own).status_code == 200
    # a kiosk bound by its enrolment code (the agent runs two shops' tablets)
    agent = f"oa-{next(_n)}"
    admin.add_inspector(office.ctx, agent, "业主", "outlet_agent")
    with pytest.raises(Exception, match="outlet"):
        admin.create_enrol_code(office.ctx, agent)  # a kiosk code needs its outlet
    second = enrol(office, "outlet_agent", inspector=agent, code_outlet="HALL-TWO")
    body = upload_body(SC, clean(SC), device_id=second.device_id, inspector_id=agent,
                       outlet="HALL-TWO")
    assert second.put(body).status_code == 200
    body = upload_body(SC, clean(SC), device_id=second.device_id, inspector_id=agent,
                       outlet="HALL-OWN")
    refused(second.put(body), 403, "outlet_not_allowed")


def _amendment(original: dict[str, Any], token: Token, visit: Visit) -> dict[str, Any]:
    now = datetime.now(UTC)
    return upload_body(MS, visit, device_id=token.device_id,
                       inspector_id=token.inspector_id, outlet=original["outlet_code"],
                       amends_uuid=original["uuid"],
                       amendment={"by": "张三", "at": now.isoformat(), "reason": "更正"})


def test_only_the_inspector_who_filed_it_may_amend_it(office: ServerProcess) -> None:
    owner, intruder = enrol(office), enrol(office)
    original = upload_body(MS, clean(MS), device_id=owner.device_id,
                           inspector_id=owner.inspector_id, outlet="HALL-A")
    assert owner.put(original).status_code == 200
    forged = _amendment(original, intruder, clean(MS, seed=2))
    message = refused(intruder.put(forged), 403, "amend_not_allowed")
    assert owner.inspector_id in message
    assert stored(office, forged["uuid"]) is None
    # the same inspector on a new phone may
    new_phone = enrol(office, inspector=owner.inspector_id)
    fixed = _amendment(original, new_phone, clean(MS, seed=3))
    assert new_phone.put(fixed).status_code == 200
    row = stored(office, fixed["uuid"])
    assert row is not None and row.amends_uuid == original["uuid"]
    assert "late_upload" not in json.loads(row.flags)  # amended now: not late


# --- flags ---------------------------------------------------------------------------------


def test_rotation_is_flagged_from_every_devices_visits(office: ServerProcess) -> None:
    shopper = enrol(office)
    second_phone = enrol(office, inspector=shopper.inspector_id)
    first_at = datetime.now(UTC) - timedelta(days=40)
    first = upload_body(MS, clean(MS), device_id=shopper.device_id,
                        inspector_id=shopper.inspector_id, outlet="HALL-R",
                        finalized_at=first_at)
    assert shopper.put(first).status_code == 200
    assert "rotation" not in json.loads(stored(office, first["uuid"]).flags)  # type: ignore[union-attr]
    repeat = upload_body(MS, clean(MS, 2), device_id=second_phone.device_id,
                         inspector_id=shopper.inspector_id, outlet="HALL-R")
    assert second_phone.put(repeat).status_code == 200
    assert "rotation" in json.loads(stored(office, repeat["uuid"]).flags)  # type: ignore[union-attr]
    elsewhere = upload_body(MS, clean(MS, 3), device_id=second_phone.device_id,
                            inspector_id=shopper.inspector_id, outlet="HALL-S")
    assert second_phone.put(elsewhere).status_code == 200
    assert "rotation" not in json.loads(stored(office, elsewhere["uuid"]).flags)  # type: ignore[union-attr]
    # visits more than three months apart are fine
    for days in (200, 60):
        apart = upload_body(MS, clean(MS, days), device_id=second_phone.device_id,
                            inspector_id=shopper.inspector_id, outlet="HALL-T",
                            finalized_at=datetime.now(UTC) - timedelta(days=days))
        assert second_phone.put(apart).status_code == 200
        assert "rotation" not in json.loads(stored(office, apart["uuid"]).flags)  # type: ignore[union-attr]
    # what a new phone pulls: this shopper's covert visits of the last three months
    recent = second_phone.get("/visits/recent").json()
    assert recent["inspector_id"] == shopper.inspector_id
    assert sorted(v["outlet_code"] for v in recent["visits"]) == ["HALL-R", "HALL-R",
                                                                 "HALL-S", "HALL-T"]
    assert enrol(office).get("/visits/recent").json()["visits"] == []
    assert enrol(office, manager=True).get("/visits/recent").json()["visits"] == []


def test_short_visits_and_late_uploads_are_flagged(office: ServerProcess) -> None:
    shopper = enrol(office)
    quick = upload_body(MS, clean(MS), device_id=shopper.device_id,
                        inspector_id=shopper.inspector_id, outlet="HALL-Q", minutes=2)
    late = upload_body(MS, clean(MS, 2), device_id=shopper.device_id,
                       inspector_id=shopper.inspector_id, outlet="HALL-L",
                       finalized_at=datetime.now(UTC) - timedelta(days=5))
    for body in (quick, late):
        assert shopper.put(body).status_code == 200
    assert json.loads(stored(office, quick["uuid"]).flags) == ["short_visit"]  # type: ignore[union-attr]
    assert json.loads(stored(office, late["uuid"]).flags) == ["late_upload"]  # type: ignore[union-attr]
    assert stored(office, quick["uuid"]).time_on_site_s == 120  # type: ignore[union-attr]


# --- every definition ever issued ----------------------------------------------------------


def test_every_phase_is_issued_and_recorded(office: ServerProcess) -> None:
    token = enrol(office)
    bundle = token.get("/checklists").json()
    by_key = {(d["kind"], d["tier"], d["phase"]): d["content_hash"]
              for d in bundle["checklists"]}
    assert by_key[("mystery_shop", "flagship", "new")] == MS_NEW.content_hash
    assert by_key[("mystery_shop", "flagship", "established")] == MS.content_hash
    assert MS_NEW.content_hash != MS.content_hash
    one = token.get("/checklists/mystery_shop/flagship", phase="new")
    assert one.json()["content_hash"] == MS_NEW.content_hash
    assert token.get("/checklists/mystery_shop/flagship").json()["content_hash"] == \
        MS.content_hash
    with office.ctx.session() as s:
        kept = set(s.exec(select(IssuedChecklist.content_hash)).all())
    assert set(by_key.values()) <= kept
    # an outlet in phase `new` is scored with that phase's weights
    visit = honest_visit(MS_NEW, seed=5)
    body = upload_body(MS_NEW, visit, device_id=token.device_id,
                       inspector_id=token.inspector_id, outlet="HALL-NEW")
    assert token.put(body).status_code == 200
    row = stored(office, body["uuid"])
    assert row is not None and row.phase == "new"
    assert row.score_total == body["score"]["total"]


def test_old_definitions_stay_issued_after_the_file_changes(make_server: Any,
                                                            tmp_path: Any) -> None:
    path = tmp_path / "checklists.yaml"
    shutil.copy(SHIPPED, path)
    proc = make_server(checklists=path).start()
    token = enrol(proc)
    old = upload_body(MS, clean(MS), device_id=token.device_id,
                      inspector_id=token.inspector_id, outlet="HALL-1")
    etag = token.get("/checklists").headers["etag"]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n    version: 1\n", "\n    version: 2\n", 1),
                    encoding="utf-8")
    wait_until(lambda: token.get("/checklists").headers["etag"] != etag,
               what="the new checklist file to be issued")
    current = {d["content_hash"] for d in token.get("/checklists").json()["checklists"]}
    assert MS.content_hash not in current
    proc.restart()  # kept in the database, not only in the process
    assert token.put(old).status_code == 200
    row = stored(proc, old["uuid"])
    assert row is not None and row.score_total == old["score"]["total"]


# --- conflicts stay capped per device ------------------------------------------------------


def test_kept_conflicts_are_capped_per_device(make_server: Any) -> None:
    proc = make_server(checklists=SHIPPED,
                       env={"HALLCHECK_SERVER_MAX_CONFLICTS_PER_DEVICE": "2"}).start()
    token = enrol(proc)
    body = upload_body(MS, clean(MS), device_id=token.device_id,
                       inspector_id=token.inspector_id, outlet="HALL-1")
    assert token.put(body).status_code == 200
    def changed(note: str) -> dict[str, Any]:
        other = json.loads(json.dumps(body))
        other["answers"][0]["note"] = note
        return other

    for n in range(2):
        refused(token.put(changed(f"v{n}")), 409, "conflict")
    refused(token.put(changed("v0")), 409, "conflict")  # the same one again: still kept once
    r = token.put(changed("v3"))
    message = refused(r, 409, "conflict_limit")
    assert "2" in message and r.json()["conflict_id"] is None
    with proc.ctx.session() as s:
        assert len(s.exec(select(Conflict)).all()) == 2
    # reviewed and removed, the device's next conflict is kept again
    assert admin.forget_conflicts(proc.ctx, token.device_id) == 2
    assert refused(token.put(changed("v4")), 409, "conflict")
