"""The close reads each counted result's failed items and 一票否决 from the stored score
breakdown; on every shipped checklist, for answers failing anything from nothing to
everything, what it reads equals the score itself (the stored text as the ingest writes it,
and as json.dumps writes it), labelled from the definition."""

from __future__ import annotations

import json
import random

import pytest
from pydantic_core import to_json
from sqlmodel import select

from app.central.context import ServerContext
from app.central.models import Inspection
from app.central.month.close import (
    _failed,
    _failed_parts,
    _parts_of,
    counted_visits,
    month_window,
)
from app.central.review import counted_results
from app.checklists import Catalog, default_checklists_path
from app.checklists.scoring import score
from app.programme.months import YearMonth

from .support import Office, answers_for, month_start_utc

CATALOG = Catalog.from_file(default_checklists_path())
CASES = [(kind, tier) for kind in ("mystery_shop", "open_inspection", "self_check")
         for tier in CATALOG.tiers]


@pytest.mark.parametrize("kind, tier", CASES)
def test_failed_items_and_vetoes_read_as_scored(kind: str, tier: str) -> None:
    checklist = CATALOG.resolve(kind, tier)
    rng = random.Random(f"{kind}/{tier}")
    seen_veto = seen_failed = 0
    for n in range(25):
        answers, _, _ = answers_for(checklist, rng, n / 24)
        result = score(checklist, answers)
        want_items = [(i.item_id, s.section_id) for s in result.sections for i in s.items
                      if i.failed]
        want_vetoes = [(v.item_id, v.section_id, v.scope.value, v.label.get("zh"))
                       for v in result.vetoes]
        seen_veto += bool(want_vetoes)
        seen_failed += bool(want_items)
        doc = result.to_dict("zh")
        for text in (to_json(doc).decode(), json.dumps(doc, ensure_ascii=False),
                     json.dumps(doc)):
            assert _failed_parts(text) == (want_items, want_vetoes)
    assert seen_failed and seen_veto  # the cases covered both


def test_labels_come_from_the_definition_and_bad_text_is_no_failure() -> None:
    checklist = CATALOG.resolve("mystery_shop", "agent")
    answers, _, _ = answers_for(checklist, random.Random(3), 0.5)
    result = score(checklist, answers)
    doc = result.to_dict("zh")
    for sec in doc["sections"]:  # another field order reads the same
        sec["items"] = [dict(reversed(list(i.items()))) for i in sec["items"]]
    want = [(i.item_id, s.section_id) for s in result.sections for i in s.items if i.failed]
    assert _failed_parts(json.dumps(doc))[0] == want
    labels = {i: (it.label.zh, it.label.en) for i, it in checklist.items.items()}
    shared: dict = {}  # type: ignore[type-arg]
    failed = _failed(_parts_of(json.dumps(doc)), labels, checklist.content_hash, shared)
    again = _failed(_parts_of(json.dumps(doc)), labels, checklist.content_hash, shared)
    assert all(a is b for a, b in zip(failed, again, strict=True))  # one object per item
    assert [f.item_id for f in failed][:len(want)] == [i for i, _ in want]
    assert all(f.label_en == labels[f.item_id][1] for f in failed)
    assert _parts_of("not json") == _parts_of(None) == ([], [])


def test_the_close_gathers_each_stored_results_failed_items(ctx: ServerContext,
                                                            office: Office) -> None:
    """What the close gathers from the stored results: the same items, sections, order and
    vetoes as parsing each stored text."""
    at = month_start_utc(2025, 7)
    for n, (code, tier) in enumerate([("A1", "agent"), ("A2", "agent"), ("H1", "flagship"),
                                      ("A3", "agent")] * 3):
        office.visit(code, tier, at, fail_rate=0.1 * n, seed=500 + n)
    start, end = month_window(YearMonth(2025, 7))
    counted = counted_results(ctx, start, end)
    visits = {v.uuid: v for v in counted_visits(ctx, counted)}
    with ctx.session() as s:
        rows = s.exec(select(Inspection.uuid, Inspection.score_detail)).all()
    vetoed = 0
    for uuid, detail in rows:
        items, vetoes = _parts_of(detail)
        got = visits[uuid].failed
        assert [(f.item_id, f.section_id) for f in got][:len(items)] == items
        assert {(f.item_id, f.veto) for f in got if f.veto} == {
            (i, scope) for i, _, scope, _ in vetoes}
        vetoed += bool(vetoes)
    assert vetoed and len(rows) == 12
