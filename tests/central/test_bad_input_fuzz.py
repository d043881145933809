"""Fuzzing the trusted ingest through a real endpoint, on SQLite and PostgreSQL, with a real
device token: uploads against a definition the server issued, with any mix of answers
(right and wrong types, out of range, unknown items, N/A, NUL characters), notes, photos,
claims and statuses. Every answer is a 2xx or a 4xx, never a server error; whatever is
accepted is stored with the server's own score of exactly its valid answers, and whatever
is refused leaves nothing behind."""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from sync.conftest import BACKENDS, _database_url
from sync.helpers import ServerProcess

from app.central import admin
from app.central.models import Inspection
from app.checklists import Catalog
from app.checklists.scoring import check_answers, score

from .trust_support import SHIPPED, honest_visit, photo_sha

API = "/api/v1"
MS = Catalog.from_file(SHIPPED).resolve("mystery_shop", "flagship")
ITEMS = list(MS.items)
OPTIONS = sorted({o.id for i in MS.items.values() for o in i.options or []})


@pytest.fixture(scope="module", params=BACKENDS)
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp(f"fuzz-{request.param}"),
                         _database_url(request.param, request), checklists=SHIPPED)
    try:
        yield proc.start()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def device(office: ServerProcess) -> dict[str, Any]:
    admin.add_inspector(office.ctx, "ms-fuzz", "检查员")
    code, _ = admin.create_enrol_code(office.ctx, "ms-fuzz")
    return dict(httpx.post(f"{office.url}{API}/enrol",
                           json={"code": code, "device_name": "fuzz"}).json())


values = st.one_of(
    st.booleans(), st.integers(-5, 200), st.floats(-1e4, 1e4, allow_nan=False),
    st.sampled_from([*OPTIONS, "na", ""]), st.text(max_size=12), st.none())
answer = st.fixed_dictionaries(
    {"item_id": st.one_of(st.sampled_from(ITEMS), st.just("zz_not_an_item")), "value": values},
    optional={"note": st.one_of(st.none(), st.text(max_size=15))})
photo = st.fixed_dictionaries({
    "sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
    "size": st.integers(1, 10_000), "item_id": st.sampled_from(ITEMS),
    "source": st.sampled_from(["camera", "gallery"])})
random_upload = st.fixed_dictionaries({
    "answers": st.lists(answer, max_size=60, unique_by=lambda a: a["item_id"]),
    "photos": st.lists(photo, max_size=6, unique_by=lambda p: p["sha256"]),
    "status": st.sampled_from(["finalized", "finalized", "draft"]),
    "claim": st.one_of(st.none(), st.floats(0, 100)),
    "minutes": st.integers(0, 90),
})


@st.composite
def nearly_honest(draw: Any) -> dict[str, Any]:
    """An honest visit with a few answers changed by the fuzzer (most such uploads are
    still valid, so the accepted path is fuzzed too)."""
    visit = honest_visit(MS, seed=draw(st.integers(0, 10_000)), fail_rate=0.1)
    answers = {i: {"item_id": i, "value": v, "note": visit.notes.get(i)}
               for i, v in visit.answers.items()}
    for i, n in visit.notes.items():
        answers.setdefault(i, {"item_id": i, "value": None, "note": n})
    for change in draw(st.lists(answer, max_size=2)):
        answers[change["item_id"]] = change
    photos = [{"sha256": photo_sha(i, k), "size": 100 + k, "item_id": i, "source": "camera"}
              for i, n in visit.photos.items() for k in range(n)]
    return {"answers": list(answers.values()), "photos": photos,
            "status": draw(st.sampled_from(["finalized", "draft"])),
            "claim": draw(st.one_of(st.none(), st.floats(0, 100),
                                    st.just(score(MS, visit.answers).total))),
            "minutes": draw(st.integers(0, 90))}


upload = st.one_of(random_upload, nearly_honest())


def test_fuzzed_uploads_are_a_2xx_or_a_4xx_and_scored_by_the_server(
        office: ServerProcess, device: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {device['token']}", "Accept-Language": "en"}
    outcomes: dict[int, int] = {}
    http = httpx.Client(base_url=office.url, headers=headers, timeout=30)

    @given(case=upload)
    @settings(max_examples=120, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: dict[str, Any]) -> None:
        done = datetime.now(UTC) - timedelta(hours=2)
        body = {
            "uuid": str(uuidlib.uuid4()), "device_id": device["device_id"],
            "outlet_code": "HALL-F", "kind": "mystery_shop", "tier": "flagship",
            "inspector_id": "ms-fuzz", "checklist_id": MS.id,
            "checklist_version": MS.version, "checklist_hash": MS.content_hash,
            "created_seq": 1,
            "started_at": (done - timedelta(minutes=case["minutes"])).isoformat(),
            "finalized_at": done.isoformat() if case["status"] == "finalized" else None,
            "status": case["status"], "answers": case["answers"], "photos": case["photos"],
            "score": None if case["status"] == "draft" else {"total": case["claim"]},
        }
        r = http.put(f"{API}/inspections/{body['uuid']}", content=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        outcomes[r.status_code] = outcomes.get(r.status_code, 0) + 1
        assert r.status_code in (200, 422), r.text
        assert r.json().get("message") or r.status_code == 200
        with office.ctx.session() as s:
            row = s.exec(select(Inspection).where(Inspection.uuid == body["uuid"])).first()
        if r.status_code != 200:
            assert row is None
            return
        assert row is not None
        raw = {a["item_id"]: a["value"] for a in case["answers"] if a["value"] is not None}
        valid, problems = check_answers(MS, raw)
        assert not problems and "zz_not_an_item" not in raw
        expected = score(MS, valid)
        assert row.score_total == expected.total and row.voided == expected.voided
        assert row.device_score_total == (case["claim"] if case["status"] != "draft"
                                          else None)

    try:
        run()
    finally:
        http.close()
    assert outcomes.get(422, 0) > 10  # the fuzzer did reach the refusals ...
    assert outcomes.get(200, 0) > 10  # ... and the accepted, re-scored path
    assert "Traceback" not in office.log_text() and " 500 " not in office.log_text()
