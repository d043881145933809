"""Inspections: start a visit, answer, note, attach photos, finalise, amend, list.

Autosave: every answer, note and photo is committed to disk the moment it is given (there
is no Save button); the call returns only once the commit is durable. A finalised
inspection is a record: it can no longer change (the services refuse, and database
triggers abort any attempt). Corrections are amendments: a new inspection that points at
the original, carries who, when and why, and is finalised in its own right.

This module is the one face callers use. The work is split by what changes together
(app/services/inspection/): `queries` (lists, look-ups, the rotation rule), `autosave`
(answers, notes, photos and veto flags), `amendments`; starting, the live state,
finalising and deleting stay here. Lists are single indexed queries, so they stay fast with
thousands of inspections on the device.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlmodel import col

from app.checklists import Catalog, Kind, ResolvedChecklist, UnknownChecklist
from app.errors import UserError
from app.services import results, rules
from app.services.errors import FinaliseBlocked
from app.services.inspection.amendments import Amendments
from app.services.inspection.autosave import Autosave, refresh_vetoes, require_draft
from app.services.inspection.queries import (
    ROTATION_DAYS,
    Queries,
    amendments_query,
    attention_query,
    between_query,
    drafts_query,
    history_query,
    outbox_query,
    recent_query,
    summary_select,
    to_summary,
)
from app.services.inspection.records import Records, dump, log, now_or, offset_min
from app.services.results import ScoreLines
from app.services.settings import Settings
from app.services.types import (
    InspectionState,
    InspectionSummary,
    Location,
    PhotoInfo,
    Saved,
    SectionProgress,
    VetoInfo,
)
from app.store import (
    ActionStatus,
    Answer,
    Assignment,
    ChecklistDefinition,
    CorrectiveAction,
    Inspection,
    Outlet,
    Photo,
    Status,
    Store,
    SyncState,
    VetoFlag,
)
from app.store.issued import current_definition

__all__ = [
    "ROTATION_DAYS",
    "Inspections",
    "IssuedChecklists",
    "between_query",
    "drafts_query",
    "history_query",
    "outbox_query",
    "recent_query",
]

# (kind, tier, phase) -> the checklist the server issues now, or None (use the local file)
IssuedChecklists = Callable[[Kind, str, "str | None"], "ResolvedChecklist | None"]

_CHECKIN = Location | Mapping[str, Any] | tuple[float, ...] | None


class Inspections:
    """Everything an inspector does with a visit, one committed step at a time."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog], settings: Settings,
                 photos_dir: Path) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._photos_dir = photos_dir
        self._records = Records(store, photos_dir)
        self._queries = Queries(store, settings)
        self._autosave = Autosave(store, self._records, settings, photos_dir)
        self._amendments = Amendments(store, self._records, self._finalise_in)
        self._issued: IssuedChecklists = self._server_issued

    def use_issued_checklists(self, source: IssuedChecklists) -> None:
        """Replace where server-issued checklists come from (default: the ones the sync
        client stored on this device).

        `source(kind, tier, phase)` returns the definition the server issues now for that
        combination, or None to fall back to the local checklists.yaml.
        """
        self._issued = source

    def _server_issued(self, kind: Kind, tier: str,
                       phase: str | None) -> ResolvedChecklist | None:
        """The endpoint's current definition for this outlet's phase (the endpoint issues
        every phase of every kind and tier; None: the programme's default phase)."""
        issued = current_definition(self._store, kind.value, tier, phase)
        if issued is None:
            return None
        return issued if phase is None or issued.phase == phase else None

    # -- starting --------------------------------------------------------------------------

    def start(self, kind: Kind | str, outlet_code: str, inspector_id: str | None = None, *,
              location: _CHECKIN = None, now: datetime | None = None) -> str:
        """Start a new visit (always a new draft; see `find_draft` to resume one).

        The checklist is chosen by kind and the outlet's tier and phase, and stored with
        the draft by its content hash, so later changes to checklists.yaml never change
        this visit. Returns the new inspection's id (a UUID made on this device).
        """
        now = now_or(now)
        try:
            kind = Kind(kind)
        except ValueError:
            raise UserError("services.kind_unknown", kind=str(kind)) from None
        inspector_id = inspector_id or self._settings.inspector_id
        if not inspector_id:
            raise UserError("services.no_inspector")
        checkin = Location.coerce(location)
        with self._store.reading() as s:
            outlet = s.get(Outlet, outlet_code)
        if outlet is None:
            raise UserError("services.outlet_unknown", code=outlet_code)
        if kind is Kind.MYSTERY_SHOP:
            self.check_rotation(outlet_code, inspector_id, now=now)
        issued = self._issued(kind, outlet.tier, outlet.phase)
        try:
            checklist = issued or self._catalog().resolve(kind, outlet.tier, outlet.phase)
        except UnknownChecklist:
            raise UserError("services.no_checklist", kind=kind.value, tier=outlet.tier,
                            outlet=outlet.name) from None
        body = checklist.model_dump_json()
        new_uuid = str(uuidlib.uuid4())
        with self._store.writing() as s:
            s.execute(
                sqlite_insert(ChecklistDefinition).values(
                    content_hash=checklist.content_hash, checklist_id=checklist.id,
                    version=checklist.version, kind=checklist.kind.value,
                    tier=checklist.tier, phase=checklist.phase, body=body, stored_at=now,
                ).on_conflict_do_nothing(index_elements=["content_hash"])
            )
            s.add(Inspection(
                uuid=new_uuid, kind=kind.value, tier=outlet.tier, phase=checklist.phase,
                outlet_code=outlet.code, inspector_id=inspector_id,
                checklist_id=checklist.id, checklist_version=checklist.version,
                checklist_hash=checklist.content_hash, started_at=now,
                started_tz_offset_min=offset_min(now),
                checkin_lat=checkin.lat if checkin else None,
                checkin_lon=checkin.lon if checkin else None,
                checkin_accuracy_m=checkin.accuracy_m if checkin else None,
                status=Status.DRAFT.value, sync_state=SyncState.LOCAL.value,
                created_seq=Records.next_seq(s),
            ))
        self._records.remember(new_uuid, checklist)
        log.info("inspection %s started (%s, outlet %s)", new_uuid, kind.value, outlet.code)
        return new_uuid

    def find_draft(self, outlet_code: str, kind: Kind | str | None = None) -> str | None:
        """The newest draft visit to this outlet (and of this kind), to resume instead of
        starting anew. Draft amendments are not visits and are left out."""
        return self._queries.find_draft(outlet_code, kind)

    def recent_visit_by(self, outlet_code: str, inspector_id: str, *,
                        kind: Kind | str = Kind.MYSTERY_SHOP, days: int = ROTATION_DAYS,
                        now: datetime | None = None) -> InspectionSummary | None:
        """This inspector's latest visit of this kind to this outlet within `days`.

        Mystery shoppers rotate: the same shopper visits an outlet at most once in three
        months (see `check_rotation`).
        """
        return self._queries.recent_visit_by(outlet_code, inspector_id, kind=kind,
                                             days=days, now=now)

    def check_rotation(self, outlet_code: str, inspector_id: str | None = None, *,
                       now: datetime | None = None) -> None:
        """Refuse a covert visit the rotation rule forbids: the same shopper visits the
        same outlet at most once in any three months, or staff learn to recognise them.

        Only finished visits count (an unfinished one is resumed, not repeated); a
        corrected result is the same visit. The shopper's visits the central endpoint
        knows of from other devices (pulled at sync) count too, so a new phone blocks the
        repeat as well. Raises UserError("services.rotation_blocked").
        """
        self._queries.check_rotation(outlet_code, inspector_id, now=now)

    # -- answering (autosave) --------------------------------------------------------------

    def answer(self, uuid: str, item_id: str, value: Any, *,
               now: datetime | None = None) -> Saved:
        """Record the answer to one item and commit it at once.

        The value is checked against the item (InvalidAnswer, a UserError, if it does not
        fit); veto flags are brought up to date in the same transaction. The call returns
        once the answer is durable on disk. The live score and what is still missing come
        from `state()` (kept out of this path so that autosave stays fast).
        """
        return self._autosave.answer(uuid, item_id, value, now=now)

    def clear_answer(self, uuid: str, item_id: str, *, now: datetime | None = None) -> Saved:
        """Take back the answer to one item (its note, if any, stays)."""
        return self._autosave.clear_answer(uuid, item_id, now=now)

    def note(self, uuid: str, item_id: str, text: str | None, *,
             now: datetime | None = None) -> Saved:
        """Write (or, with empty text, remove) the note on one item; committed at once."""
        return self._autosave.note(uuid, item_id, text, now=now)

    # -- photos ----------------------------------------------------------------------------

    def attach_photo(self, uuid: str, item_id: str, data: bytes | Path, *,
                     source: str = "camera", captured_at: datetime | None = None,
                     now: datetime | None = None) -> PhotoInfo:
        """Attach a photo to an item: the image is normalised and stored on disk first
        (outside any database transaction), then referenced and committed.

        Raises UserError for a refused photo (media.*), for a gallery photo where the item
        needs one taken now with the camera, or when the inspection is finalised.
        """
        return self._autosave.attach_photo(uuid, item_id, data, source=source,
                                           captured_at=captured_at, now=now)

    def remove_photo(self, uuid: str, item_id: str, sha256: str, *,
                     now: datetime | None = None) -> None:
        """Detach a photo from an item of a draft (the file goes when nothing uses it)."""
        self._autosave.remove_photo(uuid, item_id, sha256, now=now)

    # -- reading ---------------------------------------------------------------------------

    def summary(self, uuid: str) -> InspectionSummary:
        return self._queries.summary(uuid)

    def checklist(self, uuid: str) -> ResolvedChecklist:
        """The checklist definition this inspection was started with."""
        return self._records.definition_of(uuid).checklist

    def state(self, uuid: str) -> InspectionState:
        """Everything about one inspection, computed live: answers, notes, photos, visible
        items, score, what is missing before it can be finalised, progress per section."""
        with self._store.reading() as s:
            row = s.execute(summary_select().where(col(Inspection.uuid) == uuid)).first()
            if row is None:
                raise UserError("services.inspection_unknown", uuid=uuid)
            insp = row[0]
            definition = self._records.definition(s, insp.checklist_hash)
            entries = self._records.entries(s, uuid)
            flags = list(s.execute(select(VetoFlag).where(col(VetoFlag.inspection_uuid) == uuid)
                                   .order_by(col(VetoFlag.id))).scalars())
        checklist = definition.checklist
        answers, notes, photos, answered_at = entries
        visible = rules.visible(checklist, answers)
        visible_set = set(visible)
        problems = (rules.problems(checklist, answers, notes, photos)
                    if insp.status == Status.DRAFT.value else [])
        wanting = {p.item_id for p in problems}
        progress: dict[str, SectionProgress] = {}
        for section in checklist.sections:
            shown = [it for it in section.items if it.id in visible_set]
            done = sum(1 for it in shown if Records.is_answered(it, answers, photos))
            needed = [it for it in shown if it.is_required or it.id in wanting]
            complete = sum(1 for it in needed if it.id not in wanting
                           and Records.is_answered(it, answers, photos))
            progress[section.id] = SectionProgress(section.id, done, len(shown),
                                                   len(needed), complete)
        return InspectionState(
            summary=to_summary(row),
            checklist=checklist,
            answers=answers,
            notes=notes,
            photos=photos,
            visible=visible,
            score=rules.score(checklist, answers),
            problems=problems,
            progress=progress,
            vetoes=[_veto_info(f) for f in flags],
            checkin=_location(insp.checkin_lat, insp.checkin_lon, insp.checkin_accuracy_m),
            checkout=_location(insp.checkout_lat, insp.checkout_lon,
                               insp.checkout_accuracy_m),
            answered_at=answered_at,
        )

    def score_snapshot(self, uuid: str) -> dict[str, Any] | None:
        """The score stored when the inspection was finalised (None for a draft)."""
        return self._queries.score_snapshot(uuid)

    def recorded_score(self, uuid: str, lang: str) -> ScoreLines:
        """The score recorded when the visit was finalised, its words in `lang` (the
        snapshot's words are in one language; titles and veto reasons come from the
        visit's own checklist)."""
        summary = self.summary(uuid)
        return results.recorded(self.score_snapshot(uuid) or {}, self.checklist(uuid), lang,
                                total=summary.total_score, complete=summary.complete)

    # -- lists -----------------------------------------------------------------------------

    def list_drafts(self) -> list[InspectionSummary]:
        """Unfinished visits, newest first."""
        return self._queries.list(drafts_query())

    def list_today(self, now: datetime | None = None) -> list[InspectionSummary]:
        """Visits started today (the device's local day), in the order they were started."""
        return self._queries.list_today(now)

    def list_recent(self, limit: int = 50) -> list[InspectionSummary]:
        return self._queries.list(recent_query(limit))

    def history(self, outlet_code: str, limit: int | None = None) -> list[InspectionSummary]:
        """An outlet's visits, newest first (amendments included; see `amendments_of`)."""
        return self._queries.history(outlet_code, limit)

    def outbox(self) -> list[InspectionSummary]:
        """Finalised visits waiting to be sent, oldest first (failed attempts keep their
        place and carry `sync_error`)."""
        return self._queries.list(outbox_query())

    def needs_attention(self) -> list[InspectionSummary]:
        """Visits the server refused or holds differently (conflict/rejected)."""
        return self._queries.list(attention_query())

    def amendments_of(self, uuid: str) -> list[InspectionSummary]:
        """Amendments pointing at this inspection, oldest first."""
        return self._queries.list(amendments_query(uuid))

    def latest_version(self, uuid: str) -> str:
        """Follow finalised amendments from `uuid` to the current version of the record."""
        return self._queries.latest_version(uuid)

    # -- finalising ------------------------------------------------------------------------

    def finalise(self, uuid: str, *, checkout_location: _CHECKIN = None,
                 now: datetime | None = None) -> InspectionSummary:
        """Check the checklist's rules and, when nothing is missing, freeze the visit.

        Raises FinaliseBlocked listing every missing thing at once (required answers,
        photos, notes, veto evidence); nothing changes then. Otherwise, in one
        transaction: the score snapshot, finish time and check-out location are stored,
        the status becomes finalized and the visit joins the outbox.
        """
        now = now_or(now)
        checkout = Location.coerce(checkout_location)
        with self._store.writing() as s:
            self._finalise_in(s, uuid, checkout, now)
        log.info("inspection %s finalised", uuid)
        return self.summary(uuid)

    def _finalise_in(self, s: Session, uuid: str, checkout: Location | None,
                     now: datetime) -> None:
        insp = s.get(Inspection, uuid)
        if insp is None:
            raise UserError("services.inspection_unknown", uuid=uuid)
        if insp.status != Status.DRAFT.value:
            raise UserError("services.finalized_immutable")
        definition = self._records.definition(s, insp.checklist_hash)
        answers, notes, photos, _ = self._records.entries(s, uuid)
        problems = rules.problems(definition.checklist, answers, notes, photos)
        if problems:
            raise FinaliseBlocked(problems)
        result = rules.score(definition.checklist, answers)
        refresh_vetoes(s.connection(), uuid, definition, None, now)
        facts = rules.score_facts(result)
        if insp.amends_uuid is None or insp.finished_at is None:
            insp.finished_at = now
            insp.finished_tz_offset_min = offset_min(now)
        if checkout is not None:
            insp.checkout_lat, insp.checkout_lon = checkout.lat, checkout.lon
            insp.checkout_accuracy_m = checkout.accuracy_m
        # the photos of a finalised visit are ready to send
        s.execute(update(Photo).where(col(Photo.inspection_uuid) == uuid,
                                      col(Photo.sync_state) == SyncState.LOCAL.value)
                  .values(sync_state=SyncState.QUEUED.value))
        insp.score_json = dump(facts["snapshot"])
        insp.total_score = facts["total"]
        insp.complete = facts["complete"]
        insp.veto_count = facts["veto_count"]
        insp.status = Status.FINALIZED.value
        insp.sync_state = SyncState.QUEUED.value
        insp.sync_error = None
        s.flush()
        if insp.amends_uuid is None:  # the visit fulfils the oldest open assignment
            first = s.execute(
                select(col(Assignment.id))
                .where(col(Assignment.outlet_code) == insp.outlet_code,
                       col(Assignment.kind) == insp.kind, col(Assignment.done_uuid).is_(None))
                .order_by(col(Assignment.due_date)).limit(1)).scalar()
            if first is not None:
                s.execute(update(Assignment).where(col(Assignment.id) == first)
                          .values(done_uuid=uuid))

    # -- amending --------------------------------------------------------------------------

    def amend(self, original_uuid: str, *, by: str, reason: str,
              changes: Mapping[str, Any] | None = None, notes: Mapping[str, str | None]
              | None = None, finalise: bool = False, now: datetime | None = None) -> str:
        """Correct a finalised visit: a new record pointing at the original, with who
        (`by`), when and why (`reason`). The original stays exactly as it was.

        The amendment starts as a copy of the original (answers, notes, photo references,
        times and locations) with `changes` applied (item id -> new value, None clears)
        and `notes` applied. It is a draft, so photos can be added or removed, until it
        is finalised; with `finalise=True` that happens in the same transaction (and if
        anything is missing FinaliseBlocked is raised and nothing is created).
        Returns the amendment's id.
        """
        return self._amendments.amend(original_uuid, by=by, reason=reason, changes=changes,
                                      notes=notes, finalise=finalise, now=now)

    # -- deleting --------------------------------------------------------------------------

    def delete_draft(self, uuid: str) -> None:
        """Throw away an unfinished visit with its answers, photos and the actions raised in
        it (actions closed or carried in it go back to how they were). Finalised visits
        cannot be deleted."""
        with self._store.writing() as s:
            require_draft(s.connection(), uuid)
            shas = list(s.execute(select(col(Photo.sha256))
                                  .where(col(Photo.inspection_uuid) == uuid)).scalars())
            s.execute(delete(CorrectiveAction).where(col(CorrectiveAction.raised_in_uuid) == uuid))
            s.execute(update(CorrectiveAction).where(col(CorrectiveAction.closed_in_uuid) == uuid)
                      .values(status=ActionStatus.OPEN.value, closed_in_uuid=None,
                              closed_at=None, closing_note=None))
            s.execute(update(CorrectiveAction).where(col(CorrectiveAction.carried_in_uuid) == uuid)
                      .values(carried_in_uuid=None))
            s.execute(update(Assignment).where(col(Assignment.done_uuid) == uuid)
                      .values(done_uuid=None))
            for table in (VetoFlag, Photo, Answer):
                s.execute(delete(table).where(col(table.inspection_uuid) == uuid))
            s.execute(delete(Inspection).where(col(Inspection.uuid) == uuid))
        self._records.forget(uuid)
        self._records.remove_unused_files(shas)
        log.info("draft %s deleted", uuid)


def _veto_info(flag: VetoFlag) -> VetoInfo:
    return VetoInfo(flag.item_id, flag.section_id, flag.scope, flag.reason_zh,
                    flag.reason_en, flag.evidence_note, flag.evidence_photo)


def _location(lat: float | None, lon: float | None, acc: float | None) -> Location | None:
    return None if lat is None or lon is None else Location(lat, lon, acc)
