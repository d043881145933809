"""Building perception data for the office tests: transaction exports as the business
system writes them, intercept records as inspections of kind intercept."""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from app.central.context import ServerContext
from app.central.models import Inspection, Outlet, utcnow
from app.programme.perception.clock import LOCAL

KEY = "0123456789abcdef" * 4  # a test key (64 hex digits)


def number(i: int) -> str:
    return f"139{i:08d}"


def export(rows: list[tuple[str, str, str, int, str]]) -> bytes:
    """(time, outlet, staff, customer index, business type) -> the export's CSV bytes."""
    lines = ["办理时间,营业厅编码,工号,客户号码,业务类型"]
    lines += [f"{t},{o},{s},{number(c)},{b}" for t, o, s, c, b in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def outlets(ctx: ServerContext, *codes: str, tier: str = "flagship") -> None:
    with ctx.session() as s:
        for code in codes:
            if s.get(Outlet, code) is None:
                s.add(Outlet(code=code, name=f"营业厅{code}", tier=tier, business_unit="东区"))
        s.commit()


def intercept_record(ctx: ServerContext, outlet: str, on: datetime,
                     answers: Mapping[str, object], *, state: str = "received",
                     amends: str | None = None) -> str:
    """One finalised intercept record as the ingest keeps it (kind intercept)."""
    uid = str(uuidlib.uuid4())
    finalized = on.astimezone(UTC) if on.tzinfo else on.replace(tzinfo=LOCAL).astimezone(UTC)
    body = {"uuid": uid, "outlet_code": outlet, "kind": "intercept",
            "answers": [{"item_id": k, "value": v} for k, v in answers.items()]}
    with ctx.session() as s:
        s.add(Inspection(
            uuid=uid, device_id="dev-test", inspector_id="sv-001", outlet_code=outlet,
            kind="intercept", tier="flagship", status="finalized",
            checklist_id="intercept_std", checklist_version=1, checklist_hash="0" * 64,
            started_at=finalized - timedelta(seconds=50), finalized_at=finalized,
            received_at=utcnow(), updated_at=utcnow(), review_state=state,
            amends_uuid=amends, body_sha256="0" * 64, body=json.dumps(body)))
        s.commit()
    return uid
