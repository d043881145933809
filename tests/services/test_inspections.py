"""Starting a visit, autosaved answers, notes, photos, veto flags, live state, lists."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.checklists.scoring import InvalidAnswer
from app.errors import UserError
from app.services import Location, Workspace
from app.store import Answer, ChecklistDefinition, Inspection, VetoFlag

from .conftest import CHECKLISTS, CST, NOW, complete_answers, jpeg


def test_start_makes_a_draft_with_the_resolved_checklist(ws: Workspace) -> None:
    uuid = ws.inspections.start("mystery_shop", "HZ-001", location=(30.25, 120.16, 12.0),
                                now=NOW)
    summary = ws.inspections.summary(uuid)
    assert summary.status == "draft" and summary.sync_state == "local"
    assert summary.inspector_id == "INS-1" and summary.outlet_name == "杭州旗舰厅"
    assert summary.started_at == NOW.astimezone(UTC)
    assert summary.started_tz_offset_min == 480
    assert summary.started_local.utcoffset() == timedelta(hours=8)
    state = ws.inspections.state(uuid)
    assert state.checkin == Location(30.25, 120.16, 12.0)
    assert state.checklist.id == "ms" and state.checklist.tier == "flagship"
    with ws.store.reading() as s:
        insp = s.get(Inspection, uuid)
        definition = s.get(ChecklistDefinition, insp.checklist_hash)
    assert definition is not None and definition.kind == "mystery_shop"
    # the stored JSON round-trips to the same content hash
    assert state.checklist.compute_hash() == insp.checklist_hash


@pytest.mark.parametrize(("kind", "outlet", "key"), [
    ("mystery_shop", "NOPE", "services.outlet_unknown"),
    ("audit", "HZ-001", "services.kind_unknown"),
    ("self_check", "HZ-001", "services.no_checklist"),
])
def test_start_refuses_with_a_reason(ws: Workspace, kind: str, outlet: str, key: str) -> None:
    with pytest.raises(UserError) as err:
        ws.inspections.start(kind, outlet, now=NOW)
    assert err.value.key == key


def test_start_needs_an_inspector(ws: Workspace) -> None:
    ws.settings.set_inspector(None)
    with pytest.raises(UserError, match="inspector"):
        ws.inspections.start("mystery_shop", "HZ-001", now=NOW)


def test_every_answer_is_on_disk_when_the_call_returns(ws: Workspace, draft: str,
                                                        data_dir: Path) -> None:
    saved = ws.inspections.answer(draft, "greet_seconds", 7.0, now=NOW)
    assert saved.value == 7.0 and not saved.vetoed
    ws.inspections.answer(draft, "friendliness", 4.0, now=NOW)  # normalised to 4
    ws.inspections.note(draft, "comments", "  排队的人很多  ", now=NOW)
    # a second workspace (new engine, new connections) sees it without any save step
    other = Workspace.open(data_dir, CHECKLISTS)
    try:
        state = other.inspections.state(draft)
        assert state.answers == {"greet_seconds": 7.0, "friendliness": 4}
        assert state.notes == {"comments": "排队的人很多"}
        assert state.answered_at["greet_seconds"] == NOW.astimezone(UTC)
    finally:
        other.close()


def test_an_invalid_answer_is_refused_and_nothing_is_stored(ws: Workspace, draft: str) -> None:
    with pytest.raises(InvalidAnswer):
        ws.inspections.answer(draft, "friendliness", 9, now=NOW)
    with pytest.raises(InvalidAnswer):
        ws.inspections.answer(draft, "uniform", "na", now=NOW)  # N/A not allowed there
    with pytest.raises(UserError) as err:
        ws.inspections.answer(draft, "storefront", True, now=NOW)
    assert err.value.key == "services.photo_item_has_no_value"
    with pytest.raises(UserError) as err:
        ws.inspections.answer(draft, "no_such_item", True, now=NOW)
    assert err.value.key == "services.item_unknown"
    assert ws.inspections.state(draft).answers == {}


def test_na_changing_and_clearing_answers(ws: Workspace, draft: str) -> None:
    ws.inspections.answer(draft, "friendliness", "na", now=NOW)
    ws.inspections.answer(draft, "solved", "partly", now=NOW)
    ws.inspections.answer(draft, "solved", "fully", now=NOW)
    ws.inspections.note(draft, "solved", "经理出面解决", now=NOW)
    cleared = ws.inspections.clear_answer(draft, "solved", now=NOW)
    assert cleared.value is None and cleared.note == "经理出面解决"  # the note stays
    ws.inspections.answer(draft, "comments", "   ", now=NOW)  # empty text = no answer
    state = ws.inspections.state(draft)
    assert state.answers == {"friendliness": "na"}
    assert state.notes == {"solved": "经理出面解决"}
    ws.inspections.note(draft, "solved", "", now=NOW)
    with ws.store.reading() as s:  # no empty rows are left behind
        rows = s.execute(select(Answer.item_id).where(Answer.inspection_uuid == draft)).all()
    assert [r[0] for r in rows] == ["friendliness"]


def test_veto_flags_follow_every_answer_note_and_photo(ws: Workspace, draft: str) -> None:
    def flags() -> dict[str, tuple[str | None, str | None]]:
        return {v.item_id: (v.evidence_note, v.evidence_photo)
                for v in ws.inspections.state(draft).vetoes}

    assert ws.inspections.answer(draft, "uniform", False, now=NOW).vetoed
    assert flags() == {"uniform": (None, None)}
    ws.inspections.note(draft, "uniform", "两名员工未穿工装", now=NOW)
    photo = ws.inspections.attach_photo(draft, "uniform", jpeg(), source="camera", now=NOW)
    assert flags() == {"uniform": ("两名员工未穿工装", photo.sha256)}
    # phone_use is shown only once uniform failed; failing it raises its own flag
    assert ws.inspections.answer(draft, "phone_use", True, now=NOW).vetoed
    assert set(flags()) == {"uniform", "phone_use"}
    # uniform passes: its flag goes, and phone_use is hidden so its flag goes too
    assert not ws.inspections.answer(draft, "uniform", True, now=NOW).vetoed
    assert flags() == {}
    ws.inspections.answer(draft, "rude", True, now=NOW)
    state = ws.inspections.state(draft)
    assert [(v.item_id, v.scope) for v in state.vetoes] == [("rude", "visit")]
    assert state.score.voided and state.score.total == 0
    ws.inspections.clear_answer(draft, "rude", now=NOW)
    assert flags() == {}


def test_state_reports_visible_items_progress_score_and_problems(ws: Workspace,
                                                                 draft: str) -> None:
    state = ws.inspections.state(draft)
    assert "phone_use" not in state.visible  # hidden until uniform fails
    assert state.progress["conduct"].answered == 0
    assert state.progress["conduct"].visible == 3
    assert not state.ready and state.score.complete is False
    complete_answers(ws, draft)
    state = ws.inspections.state(draft)
    assert state.ready and state.problems == []
    assert state.progress["conduct"].done
    assert (state.progress["result"].answered, state.progress["result"].visible) == (3, 4)
    assert state.score.total == pytest.approx(100.0 * (30 * 1 + 20 * (1 + 0.75) / 2) / 50)


def test_photos_are_stored_once_and_removed_when_unused(ws: Workspace, draft: str) -> None:
    data = jpeg("green")
    first = ws.inspections.attach_photo(draft, "storefront", data, source="camera", now=NOW)
    again = ws.inspections.attach_photo(draft, "storefront", data, source="camera", now=NOW)
    assert first.sha256 == again.sha256 and first.path.is_file()
    assert first.path.is_relative_to(ws.paths.photos)
    assert len(ws.inspections.state(draft).photos["storefront"]) == 1
    ws.inspections.remove_photo(draft, "storefront", first.sha256, now=NOW)
    assert ws.inspections.state(draft).photos == {}
    assert not first.path.exists()


def test_gallery_photos_are_refused_where_the_camera_is_required(ws: Workspace,
                                                                  draft: str) -> None:
    with pytest.raises(UserError) as err:
        ws.inspections.attach_photo(draft, "storefront", jpeg(), source="gallery", now=NOW)
    assert err.value.key == "services.photo_needs_camera"
    assert "门头照片" in err.value.message("zh")
    ok = ws.inspections.attach_photo(draft, "comments", jpeg(), source="gallery", now=NOW)
    assert ok.source == "gallery"


def test_a_bad_photo_is_refused_before_anything_is_stored(ws: Workspace, draft: str) -> None:
    with pytest.raises(UserError) as err:
        ws.inspections.attach_photo(draft, "storefront", b"not a photo", now=NOW)
    assert err.value.key.startswith("media.")
    assert ws.inspections.state(draft).photos == {}


def test_a_draft_keeps_its_checklist_when_the_file_changes(tmp_path: Path) -> None:
    rules = tmp_path / "checklists.yaml"
    shutil.copy(CHECKLISTS, rules)
    data = tmp_path / "data"
    ws = Workspace.open(data, rules)
    from app.services import OutletData

    ws.outlets.upsert(OutletData(code="HZ-001", name="杭州旗舰厅", tier="flagship"))
    uuid = ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW)
    before = ws.inspections.state(uuid).checklist
    ws.close()
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "label: {zh: 态度恶劣, en: Staff rude to the customer}",
        "label: {zh: 态度差, en: Staff unfriendly}"), encoding="utf-8")
    ws = Workspace.open(data, rules)
    try:
        after = ws.inspections.state(uuid).checklist
        assert after.content_hash == before.content_hash
        assert after.items["rude"].label.en == "Staff rude to the customer"
        newer = ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW)
        assert ws.inspections.checklist(newer).items["rude"].label.en == "Staff unfriendly"
    finally:
        ws.close()


def test_lists_drafts_today_recent_history(ws: Workspace) -> None:
    yesterday = NOW - timedelta(days=1)
    late_last_night = datetime(2025, 3, 13, 23, 50, tzinfo=CST)  # 15:50 UTC on the 13th
    early_today = datetime(2025, 3, 14, 0, 10, tzinfo=CST)  # 16:10 UTC on the 13th
    a = ws.inspections.start("mystery_shop", "HZ-001", now=yesterday)
    b = ws.inspections.start("mystery_shop", "HZ-001", now=late_last_night)
    c = ws.inspections.start("open_inspection", "VL-001", now=early_today)
    d = ws.inspections.start("mystery_shop", "VL-001", now=NOW)
    assert [s.uuid for s in ws.inspections.list_drafts()] == [d, c, b, a]
    assert [s.uuid for s in ws.inspections.list_today(NOW)] == [c, d]
    assert [s.uuid for s in ws.inspections.list_recent(2)] == [d, c]
    assert [s.uuid for s in ws.inspections.history("HZ-001")] == [b, a]
    assert ws.inspections.find_draft("VL-001", "mystery_shop") == d
    assert ws.inspections.find_draft("VL-001") == d
    assert ws.inspections.find_draft("NOPE") is None


def test_mystery_shopper_rotation_check(ws: Workspace) -> None:
    then = NOW - timedelta(days=40)
    uuid = ws.inspections.start("mystery_shop", "HZ-001", now=then)
    recent = ws.inspections.recent_visit_by("HZ-001", "INS-1", now=NOW)
    assert recent is not None and recent.uuid == uuid
    assert ws.inspections.recent_visit_by("HZ-001", "INS-2", now=NOW) is None
    assert ws.inspections.recent_visit_by("HZ-001", "INS-1", now=NOW + timedelta(days=60)
                                          ) is None


def test_a_shopper_may_not_revisit_an_outlet_within_three_months(ws: Workspace) -> None:
    first = ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW)
    again = ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW)  # drafts: ok
    ws.inspections.delete_draft(again)
    complete_answers(ws, first)
    ws.inspections.finalise(first, now=NOW)

    with pytest.raises(UserError) as err:
        ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW + timedelta(days=91))
    assert err.value.key == "services.rotation_blocked"
    assert err.value.params["next"] == (NOW + timedelta(days=92)).date().isoformat()
    assert len(ws.inspections.history("HZ-001")) == 1  # nothing was started
    # another shopper, another kind, or after three months: allowed
    ws.inspections.start("mystery_shop", "HZ-001", "INS-2", now=NOW + timedelta(days=1))
    ws.inspections.start("open_inspection", "HZ-001", "INS-1", now=NOW + timedelta(days=1))
    ws.inspections.start("mystery_shop", "HZ-001", "INS-1", now=NOW + timedelta(days=93))


def test_deleting_a_draft_removes_everything_it_had(ws: Workspace, draft: str) -> None:
    ws.inspections.answer(draft, "uniform", False, now=NOW)
    photo = ws.inspections.attach_photo(draft, "uniform", jpeg("black"), now=NOW)
    ws.inspections.delete_draft(draft)
    with pytest.raises(UserError):
        ws.inspections.state(draft)
    with ws.store.reading() as s:
        assert s.execute(select(VetoFlag)).first() is None
        assert s.execute(select(Answer)).first() is None
    assert not photo.path.exists()


def test_naive_times_are_refused(ws: Workspace) -> None:
    with pytest.raises(ValueError, match="naive"):
        ws.inspections.start("mystery_shop", "HZ-001", now=datetime(2025, 1, 1))


def test_answering_needs_an_existing_inspection(ws: Workspace) -> None:
    with pytest.raises(UserError) as err:
        ws.inspections.answer("00000000-0000-0000-0000-000000000000", "uniform", True)
    assert err.value.key == "services.inspection_unknown"


def test_complete_answers_helper_makes_it_ready(ws: Workspace, draft: str) -> None:
    complete_answers(ws, draft)
    assert ws.inspections.state(draft).ready


def test_a_server_issued_checklist_is_preferred_when_wired(ws: Workspace) -> None:
    local = ws.catalog.resolve("mystery_shop", "flagship")
    title = local.title.model_copy(update={"en": "Mystery shop (server)"})
    issued = local.model_copy(update={"title": title, "version": 2})
    issued = issued.model_copy(update={"content_hash": issued.compute_hash()})
    asked: list[tuple[str, str, str | None]] = []

    def source(kind, tier, phase):  # type: ignore[no-untyped-def]
        asked.append((kind.value, tier, phase))
        return issued if tier == "flagship" else None

    ws.inspections.use_issued_checklists(source)
    uuid = ws.inspections.start("mystery_shop", "HZ-001", now=NOW)
    assert ws.inspections.checklist(uuid).content_hash == issued.content_hash
    assert ws.inspections.summary(uuid).checklist_version == 2
    other = ws.inspections.start("mystery_shop", "VL-001", now=NOW)  # falls back
    assert ws.inspections.checklist(other).version == 1
    assert asked == [("mystery_shop", "flagship", None), ("mystery_shop", "village", None)]


def test_answers_from_several_threads_and_workspaces_all_land(ws: Workspace,
                                                              data_dir: Path) -> None:
    """The UI thread, a background sync and a second process may write at the same time:
    write transactions queue (BEGIN IMMEDIATE + busy_timeout), none fails or is lost."""
    import threading

    drafts = [ws.inspections.start("mystery_shop", "HZ-001", now=NOW) for _ in range(3)]
    other = Workspace.open(data_dir, CHECKLISTS)  # a second engine, like another process
    errors: list[BaseException] = []

    def work(workspace: Workspace, uuid: str) -> None:
        try:
            for n in range(40):
                workspace.inspections.answer(uuid, "greet_seconds", n, now=NOW)
                workspace.inspections.answer(uuid, "uniform", n % 2 == 0, now=NOW)
                workspace.inspections.state(uuid)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w, u))
               for w, u in zip((ws, ws, other), drafts, strict=True)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    other.close()
    assert errors == []
    for uuid in drafts:
        state = ws.inspections.state(uuid)
        assert state.answers["greet_seconds"] == 39 and state.answers["uniform"] is False
        assert [v.item_id for v in state.vetoes] == ["uniform"]


def test_evidence_an_answer_makes_due_keeps_its_section_open(ws: Workspace, draft: str) -> None:
    """Issue 12: an answer that asks for a photo or a note ticked its section complete;
    the requirement showed only at review. Progress counts it as needed until given."""
    for item, value in (("uniform", True), ("rude", False), ("greet_seconds", 5)):
        ws.inspections.answer(draft, item, value, now=NOW)
    p = ws.inspections.state(draft).progress["conduct"]
    assert p.done and p.complete == p.needed == 3
    ws.inspections.answer(draft, "uniform", False, now=NOW)  # a veto: photo + note due
    state = ws.inspections.state(draft)
    p = state.progress["conduct"]
    assert not p.done and p.complete < p.needed
    assert {pr.reason for pr in state.problems if pr.item_id == "uniform"} >= {"note_required"}
    ws.inspections.answer(draft, "phone_use", False, now=NOW)  # shown by uniform = no
    ws.inspections.note(draft, "uniform", "工牌放在口袋里", now=NOW)
    ws.inspections.attach_photo(draft, "uniform", jpeg(), source="camera", now=NOW)
    p = ws.inspections.state(draft).progress["conduct"]
    assert p.done and p.complete == p.needed


def test_optional_items_do_not_count_in_what_is_needed(ws: Workspace, draft: str) -> None:
    """"全部 50/51" under a full bar: an optional item (a free text) counted."""
    state = ws.inspections.state(draft)
    p = state.progress["result"]
    assert p.visible == 4 and p.needed == 3  # comments (text) is optional
    assert state.needed_count == sum(q.needed for q in state.progress.values())
