"""The office's perception imports: a transaction export (all or nothing, hash only), a
send list made from the export in the same run that reads it (the only time the numbers
are at hand), and the gateway's reply file.

The plain numbers never reach the database, a log or an error: the file's bytes are read,
hashed row by row, the send list's texts handed to the gateway (`SmsGateway`; the CSV
export by default), and the numbers dropped with the run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from app.central.admin import CsvRefused
from app.central.context import ServerContext
from app.central.models import Outlet
from app.central.perception import store
from app.central.perception.config import customer_hasher, perception_settings
from app.errors import UserError
from app.programme.outlets import CsvProblem
from app.programme.perception.clock import local_seconds, text
from app.programme.perception.gateway import CsvExport, SmsGateway, outgoing
from app.programme.perception.replies import match_replies, read_replies
from app.programme.perception.sendlist import build_send_list, violations
from app.programme.perception.transactions import TransactionImport, read_transactions

log = logging.getLogger(__name__)


def read_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError("sync.admin.csv_unreadable", file=str(path),
                        reason=exc.strerror or str(exc)) from None


class FileRefused(CsvRefused):
    """A perception file with problems: the first ones listed with their lines, the count
    of all of them (the readers keep the first 200 and count the rest)."""

    def __init__(self, file: str, problems: list[CsvProblem], more: int) -> None:
        super().__init__(file, problems)
        self.more = more

    def message(self, lang: str | None = None) -> str:
        from app.i18n import t

        lines = [p.message(lang, file=self.file) for p in self.problems[: self.shown]]
        return t(self.key, lang, count=len(self.problems) + self.more,
                 problems="\n".join(lines))


def _refused(path: Path, problems: list[CsvProblem], more: int) -> CsvRefused:
    return FileRefused(str(path), problems, more)


def _outlets(ctx: ServerContext) -> dict[str, str]:
    with ctx.session() as s:
        return {o.code: o.name for o in s.exec(select(Outlet)).all()}


@dataclass
class TransactionsDone:
    import_id: int
    rows: int
    business_types: dict[str, int]
    qualifying: int
    months: dict[str, int]
    unknown_types: list[str] = field(default_factory=list)


def _read(ctx: ServerContext, path: Path, raw: bytes, keep_numbers: bool = False
          ) -> TransactionImport:
    hasher = customer_hasher(ctx)
    parsed = read_transactions(raw, hasher=hasher, outlets=set(_outlets(ctx)),
                               keep_numbers=keep_numbers)
    if not parsed.ok:
        raise _refused(path, parsed.problems, parsed.more_problems)
    return parsed


def import_transactions(ctx: ServerContext, path: Path, *, by: str | None = None
                        ) -> TransactionsDone:
    """Keep an export's transactions (hash only): every row, or none with every problem
    and its line. The same file twice is refused."""
    raw = read_file(path)
    parsed = _read(ctx, path, raw)
    rules = perception_settings(ctx).sms
    types = parsed.business_types
    from app.programme.perception.clock import month_of

    months: dict[str, int] = {}
    for r in parsed.rows:
        m = str(month_of(r.at))
        months[m] = months.get(m, 0) + 1
    qualifying = sum(n for code, n in types.items() if code in rules.business_types)
    unknown = sorted(code for code in types if code not in rules.business_types)
    summary = {"rows": len(parsed.rows), "business_types": types, "months": months}
    import_id = store.record_transactions(ctx, parsed.rows, raw,
                                          fingerprint=parsed.key_fingerprint, by=by,
                                          summary=summary)
    log.info("perception: transactions import %s, %d rows", import_id, len(parsed.rows))
    return TransactionsDone(import_id, len(parsed.rows), types, qualifying, months, unknown)


@dataclass
class SendListDone:
    batch_id: str
    now: int
    counts: dict[str, int]
    texts: int
    output: Path | None
    gateway: str


def next_batch_id(ctx: ServerContext, now: int) -> str:
    day = text(now)[:10].replace("-", "")
    return f"B{day}-{store.batch_count(ctx, f'B{day}-') + 1}"


def make_send_list(ctx: ServerContext, path: Path, *, now: datetime | None = None,
                   batch_id: str | None = None, output: Path | None = None,
                   gateway: SmsGateway | None = None, lang: str | None = None
                   ) -> SendListDone:
    """Read the export (with the numbers, for this run only), choose the texts by the
    rules against the stored history, check them independently, hand them to the gateway
    (the CSV file `output` by default) and keep the sends (hash only)."""
    if gateway is None and output is None:
        raise UserError("perception.sendlist.no_output")
    settings = perception_settings(ctx)
    raw = read_file(path)
    parsed = _read(ctx, path, raw, keep_numbers=True)
    assert parsed.contacts is not None
    current = local_seconds(now or datetime.now().astimezone())
    batch = batch_id or next_batch_id(ctx, current)
    history = store.send_history(ctx, current, settings.sms, parsed.key_fingerprint)
    made = build_send_list(parsed.rows, now=current, batch_id=batch, history=history,
                           rules=settings.sms)
    broken = violations(made.sends, history=history, rules=settings.sms)
    if broken:  # the rules and their independent check disagree: send nothing
        log.error("perception: send list %s fails its check: %s", batch,
                  "; ".join(v.text("en") for v in broken[:5]))
        raise UserError("perception.sendlist.check_failed", count=len(broken),
                        first=broken[0].text(lang))
    names = _outlets(ctx)
    messages, missing = outgoing(made.sends, parsed.contacts, outlet_names=names, lang=lang,
                                 replies=settings.replies)
    assert not missing  # every send comes from this file's rows
    export = gateway or CsvExport()
    receipt = export.submit(messages)
    accepted = set(receipt.accepted)
    if len(accepted) != len(messages):
        made.sends = [s for s in made.sends if s.send_id in accepted]
    written: Path | None = None
    if isinstance(export, CsvExport) and output is not None:
        written = _write(output, export.payload())
    try:
        store.record_batch(ctx, batch, made, now=current, fingerprint=parsed.key_fingerprint,
                           raw=raw)
    except BaseException:
        if written is not None:  # not kept: not to be sent either
            written.unlink(missing_ok=True)
        raise
    log.info("perception: batch %s, %d texts", batch, len(made.sends))
    return SendListDone(batch, current, made.counts, len(made.sends), written, export.name)


def _write(output: Path, payload: bytes) -> Path:
    """Write the gateway file whole or not at all, readable by its owner only (it holds
    the customers' numbers)."""
    output = Path(output)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError("perception.sendlist.unwritable", file=str(output),
                        reason=exc.strerror or str(exc)) from None
    return output


@dataclass
class RepliesDone:
    import_id: int
    outcomes: Mapping[str, int]
    notes: list[str]


def import_replies(ctx: ServerContext, path: Path, *, by: str | None = None,
                   lang: str | None = None) -> RepliesDone:
    """Match the gateway's replies to their sends and keep the counted ratings (the first
    rating of a send; later ones are duplicates, also across files)."""
    settings = perception_settings(ctx)
    raw = read_file(path)
    hasher = customer_hasher(ctx)
    parsed = read_replies(raw, hasher=hasher, rules=settings.replies)
    if not parsed.ok:
        raise _refused(path, parsed.problems, parsed.more_problems)
    store.check_key(ctx, hasher.fingerprint)
    first = min(r.at for r in parsed.rows)
    last = max(r.at for r in parsed.rows)
    sends = store.sends_for_replies(ctx, (r.send_id for r in parsed.rows if r.send_id), first,
                                    last, settings.replies.reply_window_hours * 3600)
    done = store.answered(ctx, (s.send_id for s in sends))
    match = match_replies(parsed.rows, sends, answered=done, rules=settings.replies)
    counts = match.counts
    import_id = store.record_replies(ctx, match.counted, raw, fingerprint=hasher.fingerprint,
                                     by=by, summary=dict(counts))
    notes = [t_line(n.line, n.text(lang), lang) for n in
             sorted(match.unmatched + match.duplicates + match.unreadable)]
    log.info("perception: replies import %s: %s", import_id, counts)
    return RepliesDone(import_id, counts, notes)


def t_line(line: int, what: str, lang: str | None) -> str:
    from app.i18n import t

    return t("programme.csv.at_line", lang, line=line, problem=what)
