"""The writer of the crash test: answers items as fast as it can, forever.

    python tests/store/crash_writer.py DATA_DIR CHECKLISTS_YAML

It opens a Workspace, resumes the open draft (or starts one), answers every item it has
not answered yet, notes each failed veto item (its evidence) and finalises, then starts the
next inspection. After each call returns it prints, flushed:

    INSPECTION <uuid>            the inspection the following lines belong to
    ACK <item_id> <json value>   answer(...) returned: the answer is committed
    NOTE <item_id> <json text>   note(...) returned
    FINAL <uuid>                 finalise(...) returned

The test kills it with SIGKILL at random moments and checks that every acknowledged
thing is in the database.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

OUTLET = "CRASH-1"


def value_for(uuid: str, item_id: str) -> object:
    """The deterministic answer of an item in an inspection (the test recomputes it)."""
    digest = int(hashlib.sha256(f"{uuid}/{item_id}".encode()).hexdigest()[:8], 16)
    if item_id.startswith("v"):
        return digest % 3 != 0  # a third of the veto items fail
    return digest % 40


def note_for(uuid: str, item_id: str) -> str:
    return f"证据 {item_id} @ {uuid[:8]}"


def main(data_dir: str, checklists: str) -> None:
    from app.services import OutletData, Workspace

    ws = Workspace.open(data_dir, checklists)
    if ws.outlets.get(OUTLET) is None:
        ws.outlets.upsert(OutletData(code=OUTLET, name="压力测试厅", tier="flagship"))
    out = sys.stdout
    while True:
        # a new shopper each round: one shopper visits an outlet once in three months
        uuid = ws.inspections.find_draft(OUTLET) or ws.inspections.start(
            "mystery_shop", OUTLET, f"CRASH-{secrets.token_hex(4)}")
        out.write(f"INSPECTION {uuid}\n")
        out.flush()
        state = ws.inspections.state(uuid)
        for item_id in state.checklist.items:
            value = value_for(uuid, item_id)
            if item_id not in state.answers:
                ws.inspections.answer(uuid, item_id, value)
                out.write(f"ACK {item_id} {json.dumps(value)}\n")
                out.flush()
            if value is False and item_id not in state.notes:
                text = note_for(uuid, item_id)
                ws.inspections.note(uuid, item_id, text)
                out.write(f"NOTE {item_id} {json.dumps(text, ensure_ascii=False)}\n")
                out.flush()
        ws.inspections.finalise(uuid)
        out.write(f"FINAL {uuid}\n")
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
