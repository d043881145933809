"""The perception tables: imports taken once, the send history the two-month rule reads,
batches of sends, counted replies. Customers are keyed hashes only; the key's fingerprint
is kept with every send and a history under another key is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert
from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.models import (
    PerceptionBatch,
    PerceptionImport,
    PerceptionReply,
    PerceptionSend,
    PerceptionTransaction,
)
from app.errors import UserError
from app.programme.perception.clock import DAY, month_of
from app.programme.perception.replies import CountedReply
from app.programme.perception.sendlist import Send, SendHistory, SendList
from app.programme.perception.settings import SmsRules
from app.programme.perception.transactions import Transaction

CHUNK = 5_000  # rows per INSERT: a million rows without a million statements


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _refuse_seen(ctx: ServerContext, file_kind: str, digest: str) -> None:
    with ctx.session() as s:
        seen = s.exec(select(PerceptionImport).where(PerceptionImport.file_kind == file_kind,
                                                     PerceptionImport.sha256 == digest)
                      ).first()
    if seen is not None:
        raise UserError("perception.import.already", when=seen.created_at.strftime(
            "%Y-%m-%d %H:%M"), id=seen.id)


def check_key(ctx: ServerContext, fingerprint: str) -> None:
    """Refuse to add to (or match against) a history made under another key."""
    with ctx.session() as s:
        other = s.exec(select(PerceptionSend.key_fingerprint)
                       .where(PerceptionSend.key_fingerprint != fingerprint).limit(1)).first()
    if other is not None:
        raise UserError("perception.key.changed", stored=other, current=fingerprint)


def record_transactions(ctx: ServerContext, rows: Sequence[Transaction], raw: bytes, *,
                        fingerprint: str, by: str | None = None,
                        summary: dict[str, object] | None = None) -> int:
    """Keep an imported export's rows (hash only), all in one transaction; the same file
    twice is refused. Returns the import's id."""
    digest = sha256(raw)
    _refuse_seen(ctx, "transactions", digest)
    with ctx.session() as s:
        imp = PerceptionImport(file_kind="transactions", sha256=digest, rows=len(rows),
                               key_fingerprint=fingerprint, created_by=by,
                               summary=json.dumps(summary or {}, ensure_ascii=False))
        s.add(imp)
        s.flush()
        assert imp.id is not None
        table = PerceptionTransaction.__table__  # type: ignore[attr-defined]
        for i in range(0, len(rows), CHUNK):
            s.execute(insert(table), [
                {"import_id": imp.id, "line": r.line, "at": r.at, "month": str(month_of(r.at)),
                 "outlet_code": r.outlet, "staff_id": r.staff,
                 "business_type": r.business_type, "customer_hash": r.customer}
                for r in rows[i:i + CHUNK]])
        s.commit()
        return imp.id


def send_history(ctx: ServerContext, now: int, rules: SmsRules, fingerprint: str
                 ) -> SendHistory:
    """The sends the two-month rule must see for a batch made at `now`: every send of the
    last repeat_days + within_hours, and any later one."""
    check_key(ctx, fingerprint)
    since = now - rules.repeat_days * DAY - rules.within_s
    with ctx.session() as s:
        rows = s.exec(select(PerceptionSend.customer_hash, PerceptionSend.at)
                      .where(col(PerceptionSend.at) >= since)).all()
    return SendHistory((c, a) for c, a in rows)


def record_batch(ctx: ServerContext, batch_id: str, made: SendList, *, now: int,
                 fingerprint: str, raw: bytes) -> None:
    """Keep a batch's sends (the history of the next batches, what replies match)."""
    with ctx.session() as s:
        if s.get(PerceptionBatch, batch_id) is not None:
            raise UserError("perception.batch.exists", batch=batch_id)
        s.add(PerceptionBatch(batch_id=batch_id, made_at=now, sends=len(made.sends),
                              key_fingerprint=fingerprint, file_sha256=sha256(raw),
                              summary=json.dumps(made.counts, ensure_ascii=False)))
        s.flush()
        table = PerceptionSend.__table__  # type: ignore[attr-defined]
        for i in range(0, len(made.sends), CHUNK):
            s.execute(insert(table), [
                {"send_id": x.send_id, "batch_id": batch_id, "customer_hash": x.customer,
                 "at": x.at, "transaction_at": x.transaction_at,
                 "month": str(month_of(x.transaction_at)), "outlet_code": x.outlet,
                 "staff_id": x.staff, "business_type": x.business_type,
                 "category": x.category, "line": x.line, "key_fingerprint": fingerprint}
                for x in made.sends[i:i + CHUNK]])
        s.commit()


def batch_count(ctx: ServerContext, day_prefix: str) -> int:
    with ctx.session() as s:
        return int(s.exec(select(func.count()).select_from(PerceptionBatch).where(
            col(PerceptionBatch.batch_id).startswith(day_prefix))).one())


def _send(row: PerceptionSend) -> Send:
    return Send(row.send_id, row.customer_hash, row.at, row.transaction_at, row.outlet_code,
                row.staff_id, row.business_type, row.category, row.line)  # type: ignore[arg-type]


def sends_for_replies(ctx: ServerContext, ids: Iterable[str], first_at: int, last_at: int,
                      window_s: int) -> list[Send]:
    """The sends replies may answer: those named by id, and those scheduled in the reply
    window before the earliest reply up to the latest one (for replies with a number)."""
    wanted = sorted(set(ids))
    found: dict[str, Send] = {}
    with ctx.session() as s:
        for i in range(0, len(wanted), 500):
            for row in s.exec(select(PerceptionSend).where(
                    col(PerceptionSend.send_id).in_(wanted[i:i + 500]))).all():
                found[row.send_id] = _send(row)
        for row in s.exec(select(PerceptionSend).where(
                col(PerceptionSend.at) >= first_at - window_s,
                col(PerceptionSend.at) <= last_at)).all():
            found[row.send_id] = _send(row)
    return list(found.values())


def answered(ctx: ServerContext, ids: Iterable[str]) -> set[str]:
    """Which of these sends already have a counted reply."""
    wanted = sorted(set(ids))
    out: set[str] = set()
    with ctx.session() as s:
        for i in range(0, len(wanted), 500):
            out.update(s.exec(select(PerceptionReply.send_id).where(
                col(PerceptionReply.send_id).in_(wanted[i:i + 500]))).all())
    return out


def record_replies(ctx: ServerContext, counted: Sequence[CountedReply], raw: bytes, *,
                   fingerprint: str, by: str | None = None,
                   summary: dict[str, object] | None = None) -> int:
    """Keep the counted replies of a file (the file itself once only)."""
    digest = sha256(raw)
    _refuse_seen(ctx, "replies", digest)
    with ctx.session() as s:
        imp = PerceptionImport(file_kind="replies", sha256=digest, rows=len(counted),
                               key_fingerprint=fingerprint, created_by=by,
                               summary=json.dumps(summary or {}, ensure_ascii=False))
        s.add(imp)
        s.flush()
        assert imp.id is not None
        table = PerceptionReply.__table__  # type: ignore[attr-defined]
        for i in range(0, len(counted), CHUNK):
            s.execute(insert(table), [
                {"send_id": c.send_id, "value": c.value, "received_at": c.at,
                 "import_id": imp.id, "line": c.line} for c in counted[i:i + CHUNK]])
        s.commit()
        return imp.id
