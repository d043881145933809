"""The pieces under the trusted ingest: the rotation rule both ends apply, the plain-JSON
check of the protocol, the enrolment delays, flags' arithmetic, refusal messages, and the
record of every checklist definition ever issued."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from app.central import ingest
from app.central.checklists import ChecklistSource
from app.central.errors import ApiError
from app.central.service import enrolment_delay
from app.central.settings import ServerSettings
from app.checklists import ResolvedChecklist
from app.i18n import t
from app.programme import rotation
from app.sync.protocol import (
    MAX_JSON_DEPTH,
    InspectionUpload,
    _plainly_json,
    _walk_plain_json,
    check_plain_json,
)

from .trust_support import SHIPPED, honest_visit, upload_body

T0 = datetime(2025, 6, 1, 10, tzinfo=UTC)


def test_rotation_blocks_a_repeat_within_three_months_only() -> None:
    assert rotation.blocking_visit([], T0) is None
    assert rotation.blocking_visit([T0 - timedelta(days=91)], T0) == T0 - timedelta(days=91)
    assert rotation.blocking_visit([T0 - timedelta(days=92)], T0) is None
    assert rotation.blocking_visit([T0 + timedelta(days=1)], T0) is None  # not previous
    latest = rotation.blocking_visit([T0 - timedelta(days=80), T0 - timedelta(days=10)], T0)
    assert latest == T0 - timedelta(days=10)
    assert rotation.next_allowed(T0) == T0 + timedelta(days=92)


def test_plain_json_refuses_what_no_database_or_reader_takes_back() -> None:
    check_plain_json({"a": [1, 2.5, "x", None, True], "b": {"c": "中文"}})
    deep: object = 1
    for _ in range(MAX_JSON_DEPTH):
        deep = [deep]
    check_plain_json(deep)  # exactly the limit
    for bad, kind in (("a\x00b", "nul_character"), ({"k\x00": 1}, "nul_character"),
                      (float("nan"), "non_finite_number"), (float("inf"), "non_finite_number"),
                      (2**60, "number_too_big"), ([deep], "json_too_deep")):
        with pytest.raises(Exception) as err:
            check_plain_json({"x": bad} if kind != "json_too_deep" else bad)
        assert getattr(err.value, "type", None) == kind
    with pytest.raises(Exception) as err:
        check_plain_json(list(range(20)), max_nodes=10)
    assert getattr(err.value, "type", None) == "json_too_big"


def test_the_protocol_refuses_claims_and_times_it_cannot_trust() -> None:
    checklist = ChecklistSource(SHIPPED).bundle().resolved
    cl = next(iter(checklist.values()))
    body = upload_body(cl, honest_visit(cl, 1), device_id="d", inspector_id="i", outlet="O")
    for change in ({"score": {**body["score"], "total": 100.01}},
                   {"started_at": "1969-12-31T23:00:00+00:00"},
                   {"started_at": "0001-01-01T00:00:00+08:00"},
                   {"checklist_version": 2**31}, {"created_seq": -1}):
        with pytest.raises(ValidationError):
            InspectionUpload.model_validate({**body, **change})


def test_enrolment_delays_start_after_the_free_attempts_and_double() -> None:
    s = ServerSettings(data_dir=Path("/x"), enrol_free_attempts=3, enrol_base_delay_s=2,
                       enrol_max_delay_s=60)
    assert [enrolment_delay(n, s) for n in range(8)] == [0, 0, 0, 2, 4, 8, 16, 32]
    assert enrolment_delay(50, s) == 60 and enrolment_delay(10**6, s) == 60


def test_a_claim_disagrees_beyond_a_hundredth() -> None:
    assert not ingest.disagrees(80.0, 80.004)
    assert ingest.disagrees(80.0, 80.02)
    assert ingest.disagrees(None, 0.0) and ingest.disagrees(10.0, None)
    assert not ingest.disagrees(None, None)


def test_time_on_site_prefers_the_located_times() -> None:
    cl = next(iter(ChecklistSource(SHIPPED).bundle().resolved.values()))
    body = upload_body(cl, honest_visit(cl, 1), device_id="d", inspector_id="i",
                       outlet="O", finalized_at=T0, minutes=30)
    upload = InspectionUpload.model_validate(body)
    assert ingest.time_on_site(upload) == 1800
    located = InspectionUpload.model_validate({
        **body, "location_start": {"lat": 1, "lon": 1, "at": (T0 - timedelta(minutes=12))
                                   .isoformat()},
        "location_end": {"lat": 1, "lon": 1, "at": (T0 - timedelta(minutes=2)).isoformat()}})
    assert ingest.time_on_site(located) == 600
    backwards = InspectionUpload.model_validate({**body, "started_at": (
        T0 + timedelta(hours=1)).isoformat()})
    assert ingest.time_on_site(backwards) == 0
    draft = InspectionUpload.model_validate({**body, "status": "draft", "finalized_at": None,
                                             "score": None})
    assert ingest.time_on_site(draft) is None


def test_refusal_messages_name_things_in_the_readers_language() -> None:
    err = ApiError(403, "kind_not_allowed", "sync.api.kind_not_allowed",
                   role=lambda lang: t("role.outlet_agent", lang),
                   kind=lambda lang: t("kind.mystery_shop", lang))
    assert "暗访" in err.message("zh") and "Mystery shop" in err.message("en")
    many = ApiError(422, "invalid_answers", "sync.api.invalid_answers", count=15,
                    parts=[(lambda lang, i=i: f"item{i}") for i in range(15)])
    text = many.message("en")
    assert "item0" in text and "item9" in text and "item10" not in text
    assert "and 5 more" in text and "另有 5 项" in many.message("zh")


def test_every_definition_ever_issued_is_recorded_and_read_back(tmp_path: Path) -> None:
    recorded: dict[str, ResolvedChecklist] = {}
    path = tmp_path / "checklists.yaml"
    shutil.copy(SHIPPED, path)

    def record(defs: list[ResolvedChecklist]) -> None:
        for c in defs:
            recorded.setdefault(c.content_hash, c)

    source = ChecklistSource(path, record=record)
    first = dict(source.bundle().resolved)
    # 3 inspection kinds x 7 tiers x 2 phases, and the intercept survey x 3 halls x 2
    assert set(first) == set(recorded) and len(first) == 42 + 6
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n    version: 1\n", "\n    version: 3\n", 1),
                    encoding="utf-8")
    second = source.bundle().resolved
    assert set(second) != set(first) and set(first) | set(second) == set(recorded)
    old = next(h for h in first if h not in second)
    assert source.issued(old) is first[old]  # still issued, from the parsed copy
    # a new process knows it only from where it was recorded
    bodies = {h: c.model_dump_json() for h, c in recorded.items()}
    fetched: list[str] = []

    def find(h: str) -> str | None:
        fetched.append(h)
        return bodies.get(h)

    fresh = ChecklistSource(path, find=find)
    back = fresh.issued(old)
    assert back is not None and back.content_hash == old and back.compute_hash() == old
    assert fresh.issued(old) is back and fetched == [old]  # parsed once, then cached
    assert fresh.issued("0" * 64) is None
    # a damaged record is no definition
    bodies["f" * 64] = first[old].model_dump_json()
    assert fresh.issued("f" * 64) is None


def test_nothing_new_is_issued_until_it_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "checklists.yaml"
    shutil.copy(SHIPPED, path)
    down = {"yes": True}

    def record(defs: list[ResolvedChecklist]) -> None:
        if down["yes"]:
            raise RuntimeError("database down")

    source = ChecklistSource(path, record=record)
    some = next(iter(ChecklistSource(path).bundle().resolved))
    for call in (source.bundle, lambda: source.issued(some)):
        with pytest.raises(RuntimeError):  # a server error (5xx), never a silent issue
            call()
    down["yes"] = False
    assert source.issued(some) is not None
    assert len(source.bundle().checklists) == 42 + 6  # the next call records and issues
    path.write_text("not: [valid", encoding="utf-8")
    assert len(source.bundle().checklists) == 42 + 6  # a broken file: the last good one stays


_JSON_LEAVES = (st.none() | st.booleans() | st.text(alphabet=st.sampled_from("ab\x00中"))
                | st.floats() | st.integers(min_value=-2**60, max_value=2**60))
_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(alphabet=st.sampled_from("k\x00"), max_size=2), inner, max_size=4), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(data=_JSON, max_depth=st.integers(1, 6), max_nodes=st.none() | st.integers(1, 40))
def test_the_quick_plain_json_pass_agrees_with_the_careful_walk(
        data: object, max_depth: int, max_nodes: int | None) -> None:
    """Every upload takes the quick pass; only what it refuses is walked again for the
    message. On what a JSON reader gives, the two must agree exactly."""
    try:
        _walk_plain_json(data, max_depth, max_nodes, "")
        careful = True
    except PydanticCustomError:
        careful = False
    assert _plainly_json(data, max_depth, max_nodes) is careful
