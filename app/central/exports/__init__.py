"""Exports of the programme office: results as CSV and XLSX for a queue filter, and a PDF
report of one result (with its photos and Chinese text) for handing to the outlet.

Everything is built from the review services (`review.queue` rows, `review.sections_of`
for the answers of many results at once, `review.result_view` for one report),
so an export shows exactly what the console shows, limited to what its viewer may see, with
labels instead of codes (暗访, not mystery_shop). Builders write to a file in chunks and
report progress, so a long export runs in a background thread (`jobs.ExportJob`).
"""

from __future__ import annotations

from app.central.exports.jobs import ExportJob
from app.central.exports.labels import Labels
from app.central.exports.report import write_pdf
from app.central.exports.tables import (
    collect_rows,
    export_results,
    write_csv,
    write_xlsx,
)

__all__ = ["ExportJob", "Labels", "collect_rows", "export_results", "write_csv", "write_pdf",
           "write_xlsx"]
