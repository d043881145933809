"""Results as tables: CSV (one row per result) and XLSX (a sheet of results, a sheet of
answers), for the rows of a review queue filter.

Rows are read through `review.queue_rows` (what the viewer may see, oldest first, one
ordered query); the answers sheet takes the results' answers in chunks (`review.sections_of`: one
query for a chunk's bodies, not a full view per result), so 10,000 results export in
seconds. Each builder writes as it goes (XlsxWriter's constant-memory mode flushes every
row) and reports `progress(done, total)` so the console can move its bar.
`export_results` does all of it for the console and for `hallcheck` scripts.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.central.exports.labels import Labels, local, text_of

Progress = Callable[[int, int], None]
Sections = Callable[[list[str]], Mapping[str, Any]]  # uuids -> {uuid: [SectionView]}
PAGE = 500  # rows per chunk while collecting
CHUNK = 500  # results whose answers are read in one query
REPORT_EVERY = 50  # rows between two progress reports


def _none(_done: int, _total: int) -> None:
    return None


def get(obj: Any, name: str, default: Any = None) -> Any:
    """A field of a service result, whether it is a dataclass or a mapping."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def collect_rows(ctx: Any, viewer: Any, flt: Any, progress: Progress = _none,
                 chunk: int = PAGE) -> list[Any]:
    """Every queue row of `flt` the viewer may see (oldest first), read in one ordered
    query (`review.queue_rows`); `progress(rows collected, total)` after each chunk."""
    from app.central import review

    total = review.queue(ctx, viewer, flt, offset=0, limit=1).total
    progress(0, total)
    rows: list[Any] = []
    for part in review.queue_rows(ctx, viewer, flt, chunk=chunk):
        rows.extend(part)
        progress(len(rows), max(total, len(rows)))
    return rows


# --- the results table -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # message key of the header
    value: Callable[[Any, Labels], Any]
    kind: str = "text"  # text | number | datetime | int
    width: float = 14


RESULT_COLUMNS: tuple[Column, ...] = (
    Column("console.export.col.uuid", lambda r, lb: r.uuid, width=38),
    Column("console.export.col.outlet_code", lambda r, lb: r.outlet_code),
    Column("console.export.col.outlet_name", lambda r, lb: r.outlet_name, width=24),
    Column("console.export.col.unit", lambda r, lb: r.business_unit or ""),
    Column("console.export.col.tier", lambda r, lb: lb.tier(r.tier), width=18),
    Column("console.export.col.kind", lambda r, lb: lb.kind(r.kind), width=10),
    Column("console.export.col.inspector_id", lambda r, lb: r.inspector_id),
    Column("console.export.col.inspector_name", lambda r, lb: r.inspector_name or ""),
    Column("console.export.col.finalized", lambda r, lb: r.finalized_at, "datetime", 17),
    Column("console.export.col.received", lambda r, lb: r.received_at, "datetime", 17),
    Column("console.export.col.score", lambda r, lb: r.score_total, "number", 12),
    Column("console.export.col.device_score", lambda r, lb: r.device_score_total, "number", 14),
    Column("console.export.col.voided", lambda r, lb: lb.yes_no(bool(r.voided)), width=9),
    Column("console.export.col.vetoes", lambda r, lb: r.veto_count, "int", 11),
    Column("console.export.col.flags", lambda r, lb: lb.flags(r.flags or []), width=24),
    Column("console.export.col.state", lambda r, lb: lb.state(r.review_state), width=10),
    Column("console.export.col.photos", lambda r, lb: r.photo_count, "int", 8),
)


def _plain(value: Any, kind: str, labels: Labels) -> str:
    """A cell as CSV text (times in the programme's local time, scores as read)."""
    if value is None:
        return ""
    if kind == "datetime":
        return labels.when(value)
    if kind == "number":
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def write_csv(rows: Sequence[Any], path: Path, labels: Labels,
              progress: Progress = _none) -> Path:
    """One line per result; UTF-8 with a BOM so a spreadsheet opens the Chinese right."""
    total = len(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([labels.t(c.key) for c in RESULT_COLUMNS])
        for n, row in enumerate(rows, start=1):
            w.writerow([_plain(c.value(row, labels), c.kind, labels) for c in RESULT_COLUMNS])
            if n % REPORT_EVERY == 0 or n == total:
                progress(n, total)
    return path


# --- the answers table (each result's answers by section) ------------------------------------


ANSWER_HEADERS = ("console.export.col.uuid", "console.export.col.outlet_code",
                  "console.export.col.outlet_name", "console.export.col.kind",
                  "console.export.col.section", "console.export.col.section_score",
                  "console.export.col.item", "console.export.col.answer",
                  "console.export.col.note", "console.export.col.failed",
                  "console.export.col.veto")


def answer_lines(row: Any, sections: Sequence[Any], labels: Labels) -> Iterator[list[Any]]:
    """One line per item of one result (a queue row and its sections), section by
    section; items the visit did not show (a condition did not hold) are left out, as on
    the console's result page."""
    uuid = str(get(row, "uuid", ""))
    code = get(row, "outlet_code", "")
    name = get(row, "outlet_name", "")
    kind = labels.kind(get(row, "kind"))
    for section in sections or []:
        sec_label = text_of(get(section, "label"), labels.lang)
        sec_score = get(section, "score")
        for item in get(section, "items", []) or []:
            if get(item, "status") == "hidden":
                continue
            yield [uuid, code, name, kind, sec_label, sec_score,
                   text_of(get(item, "label"), labels.lang),
                   text_of(get(item, "value_text"), labels.lang),
                   get(item, "note") or "",
                   labels.yes_no(bool(get(item, "failed"))),
                   labels.yes_no(bool(get(item, "veto")))]


def answer_rows(view: Any, labels: Labels) -> Iterator[list[Any]]:
    """The answer lines of one full result view (`review.result_view`)."""
    outlet = get(view, "outlet")
    row = {"uuid": get(view, "uuid", ""), "outlet_code": get(outlet, "code", ""),
           "outlet_name": get(outlet, "name", ""), "kind": get(view, "kind")}
    return answer_lines(row, get(view, "sections", []) or [], labels)


def write_xlsx(rows: Sequence[Any], path: Path, labels: Labels,
               sections: Sections | None = None, progress: Progress = _none,
               chunk: int = CHUNK) -> Path:
    """Sheet 1: one row per result; sheet 2: one row per answer (when `sections` gives the
    answers by section of a chunk of results, e.g. `review.sections_of`). Frozen header,
    filters, number and date formats."""
    import xlsxwriter  # type: ignore[import-untyped]

    total = len(rows)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                         "default_date_format": "yyyy-mm-dd hh:mm",
                                         "remove_timezone": True})
    try:
        head = wb.add_format({"bold": True, "bg_color": "#E0F2F1", "border": 1,
                              "text_wrap": True, "valign": "vcenter"})
        formats = {"number": wb.add_format({"num_format": "0.0"}),
                   "int": wb.add_format({"num_format": "0"}),
                   "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                   "text": None}
        results = wb.add_worksheet(labels.t("console.export.sheet.results"))
        answers = wb.add_worksheet(labels.t("console.export.sheet.answers")) if sections else None
        for col, c in enumerate(RESULT_COLUMNS):
            results.set_column(col, col, c.width)
            results.write_string(0, col, labels.t(c.key), head)
        results.freeze_panes(1, 0)
        if answers is not None:
            widths = (38, 14, 24, 10, 18, 10, 40, 16, 30, 8, 10)
            for col, key in enumerate(ANSWER_HEADERS):
                answers.set_column(col, col, widths[col])
                answers.write_string(0, col, labels.t(key), head)
            answers.freeze_panes(1, 0)
        # chunk by chunk: the chunk's answers in one query, then its rows on both sheets
        # (constant-memory mode only needs each sheet written in row order)
        answer_row = 1
        step = max(1, chunk)
        for start in range(0, total, step):
            part = rows[start:start + step]
            found = sections([r.uuid for r in part]) if answers is not None and sections \
                else {}
            for n, row in enumerate(part, start=start + 1):
                for col, c in enumerate(RESULT_COLUMNS):
                    _cell(results, n, col, c.value(row, labels), c.kind, formats)
                if answers is not None:
                    for values in answer_lines(row, found.get(row.uuid) or [], labels):
                        for col, value in enumerate(values):
                            _cell(answers, answer_row, col, value,
                                  "number" if col == 5 else "text", formats)
                        answer_row += 1
                if n % REPORT_EVERY == 0 or n == total:
                    progress(n, total)
        results.autofilter(0, 0, max(total, 1), len(RESULT_COLUMNS) - 1)
        if answers is not None:
            answers.autofilter(0, 0, max(answer_row - 1, 1), len(ANSWER_HEADERS) - 1)
        if total == 0:
            progress(0, 0)
    finally:
        wb.close()
    return path


def export_results(ctx: Any, viewer: Any, flt: Any, fmt: Literal["csv", "xlsx"], path: Path,
                   lang: str, progress: Progress = _none) -> Path:
    """The results of a queue filter the viewer may see, as CSV or XLSX (with the answers
    sheet), at `path`. `progress(done, total)` counts results collected, then written:
    (0, total) once the filter's size is known, rising to (total, total)."""
    from app.central import review

    labels = Labels.for_ctx(ctx, lang)
    rows = collect_rows(ctx, viewer, flt, progress=lambda _d, t: progress(0, t))
    if fmt == "csv":
        return write_csv(rows, path, labels, progress=progress)
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}")
    return write_xlsx(rows, path, labels, progress=progress,
                      sections=lambda uuids: review.sections_of(ctx, viewer, uuids, lang))


def _cell(ws: Any, row: int, col: int, value: Any, kind: str, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif kind == "datetime":
        ws.write_datetime(row, col, local(value).replace(tzinfo=None),  # type: ignore[union-attr]
                          formats["datetime"])
    elif kind in ("number", "int") and isinstance(value, (int, float)):
        ws.write_number(row, col, value, formats[kind])
    else:
        ws.write_string(row, col, str(value))
