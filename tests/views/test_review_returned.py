"""A result the reviewer returned shows on the device's sync screen with the reason, opens
the recorded result (where the inspector amends it), and leaves the list once amended."""

from __future__ import annotations

from uuid import UUID

from app.sync import client_store
from app.sync.protocol import ReturnedOut

from .flows import FLAGSHIP, fill_passing, seed_device


def test_a_returned_result_is_listed_with_its_reason_until_amended(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    fill_passing(ws, uuid)
    ws.inspections.finalise(uuid)
    reason = "请补充整改负责人"
    other = "00000000-0000-4000-8000-000000000001"  # not on this device: not shown
    client_store.apply_returns(ws.store, [ReturnedOut(uuid=UUID(uuid), reason=reason),
                                          ReturnedOut(uuid=UUID(other), reason="x")])
    app = start_app(route="/sync")
    assert app.wait_for_text(L("review.device.returned_count", count=1))
    assert app.wait_for_text(L("review.device.returned_reason", reason=reason))
    app.click(L("review.device.returned_reason", reason=reason))
    assert app.view_route == f"/result/{uuid}"
    app.close()
    ws.inspections.amend(uuid, by="M-001", reason="补充负责人", finalise=True)
    app = start_app(route="/sync")
    assert app.region("screen-sync")
    assert not any(reason in t for t in app.texts())
