"""The close reads each counted result's failed items and 一票否决 from the stored score
breakdown without parsing all of it; on every shipped checklist, for answers failing
anything from nothing to everything, what it reads equals the score itself (the stored text
as the ingest writes it, and as json.dumps writes it)."""

from __future__ import annotations

import json
import random

import pytest
from pydantic_core import to_json

from app.central.month.close import _failed, _failed_parts
from app.checklists import Catalog, default_checklists_path
from app.checklists.scoring import score

from .support import answers_for

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


def test_an_unexpected_shape_is_read_whole_and_labels_come_from_the_definition() -> None:
    checklist = CATALOG.resolve("mystery_shop", "agent")
    answers, _, _ = answers_for(checklist, random.Random(3), 0.5)
    result = score(checklist, answers)
    doc = result.to_dict("zh")
    for sec in doc["sections"]:  # another field order: the patterns do not fit
        sec["items"] = [dict(reversed(list(i.items()))) for i in sec["items"]]
    want = [(i.item_id, s.section_id) for s in result.sections for i in s.items if i.failed]
    assert _failed_parts(json.dumps(doc))[0] == want
    labels = {i: (it.label.zh, it.label.en) for i, it in checklist.items.items()}
    failed = _failed(json.dumps(doc), labels, checklist.content_hash, {})
    assert [f.item_id for f in failed][:len(want)] == [i for i, _ in want]
    assert all(f.label_en == labels[f.item_id][1] for f in failed)
    assert _failed("not json", labels, "h", {}) == () and _failed(None, labels, "h", {}) == ()
