"""A result as a PDF report for the outlet: header, score, vetoes (一票否决) with their
evidence, every section's answers and notes, and the photos.

The shipped CJK font (Noto Sans SC, OpenType/CFF) is embedded as a subset by fpdf2, so the
Chinese reads the same on any machine. A mystery shop's report never names the shopper
(the outlet must not learn who the shopper is); the console shows the name to managers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.central.exports.labels import Labels, text_of
from app.central.exports.tables import get

FONT = "NotoSansSC"
PHOTO_EDGE = 1000  # px: photos are scaled down to this for the report
PHOTO_W = 58  # mm: three photos per row on A4
FAIL_RGB = (198, 40, 40)
MUTED_RGB = (97, 97, 97)
HEAD_RGB = (0, 105, 92)


def _scaled_jpeg(data: bytes) -> bytes | None:
    """The photo as a JPEG no larger than PHOTO_EDGE (None when it is not an image)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (PHOTO_EDGE, PHOTO_EDGE))
            im = ImageOps.exif_transpose(opened).convert("RGB")
            im.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
            out = io.BytesIO()
            im.save(out, "JPEG", quality=82)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def write_pdf(view: Any, path: Path, labels: Labels, font_path: Path,
              photo_bytes: Callable[[str], bytes | None],
              progress: Callable[[int, int], None] | None = None,
              now: datetime | None = None) -> Path:
    """Write the report of one result view to `path` (A4, CJK font embedded)."""
    from fpdf import FPDF

    lb = labels
    uuid = str(get(view, "uuid", ""))

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=8)
            self.set_text_color(*MUTED_RGB)
            self.cell(0, 6, lb.t("console.pdf.footer", uuid=uuid, page=self.page_no(),
                                 pages="{nb}"), align="C")

    pdf = Report(format="A4", unit="mm")
    pdf.set_title(lb.t("console.pdf.title"))
    pdf.set_creator("hallcheck")
    pdf.add_font(FONT, "", str(font_path))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(16, 16, 16)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 10.5, colour: tuple[int, int, int] = (0, 0, 0),
             gap: float = 1.5, height: float = 6) -> None:
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(2)
        para(text, size=13, colour=HEAD_RGB, gap=1, height=7)
        pdf.set_draw_color(*HEAD_RGB)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)

    outlet = get(view, "outlet")
    kind = get(view, "kind")
    para(lb.t("console.pdf.title"), size=18, colour=HEAD_RGB, gap=2, height=9)
    para(lb.t("console.pdf.outlet", name=get(outlet, "name", ""), code=get(outlet, "code", "")),
         size=12)
    para(lb.t("console.pdf.meta", kind=lb.kind(kind), tier=lb.tier(get(outlet, "tier")),
              unit=get(outlet, "business_unit") or get(outlet, "unit") or "—"))
    inspector = get(view, "inspector")
    if kind != "mystery_shop" and inspector is not None:
        para(lb.t("console.result.inspector", name=get(inspector, "name") or "—",
                  id=get(inspector, "id", "")))
    start = get(get(view, "check_in"), "at") or get(view, "started_at")
    end = get(get(view, "check_out"), "at") or get(view, "finalized_at")
    para(lb.t("console.pdf.when", start=lb.when(start) or "—", end=lb.when(end) or "—",
              duration=lb.duration(get(view, "time_on_site_s"))))
    score = lb.score(get(view, "score_total"))
    if get(view, "voided"):
        score = f"{score} · {lb.t('console.voided')}"
    para(lb.t("console.pdf.score", score=score), size=14,
         colour=FAIL_RGB if get(view, "voided") else (0, 0, 0))
    para(lb.t("console.pdf.state", state=lb.state(get(view, "review_state"))),
         colour=MUTED_RGB)
    para(lb.t("console.pdf.generated", at=lb.when(now or datetime.now(UTC))), size=9,
         colour=MUTED_RGB)

    vetoes = get(view, "vetoes", []) or []
    section_labels = {get(sec, "id"): get(sec, "label") for sec in get(view, "sections", []) or []}
    heading(lb.t("console.pdf.vetoes"))
    if not vetoes:
        para(lb.t("console.result.no_vetoes"))
    for v in vetoes:
        para("• " + veto_sentence(v, lb, section_labels), colour=FAIL_RGB)
        note = get(v, "note")
        if note:
            para("   " + lb.t("console.result.evidence_note", note=note), size=9.5)

    photos: list[tuple[str, str]] = []  # (sha256, caption)
    for section in get(view, "sections", []) or []:
        head = lb.t("console.result.section_head", label=text_of(get(section, "label"), lb.lang),
                    score=lb.score(get(section, "score")),
                    weight=lb.score(get(section, "weight")))
        if get(section, "vetoed"):
            head += " " + lb.t("console.result.section_vetoed")
        heading(head)
        for item in get(section, "items", []) or []:
            label = text_of(get(item, "label"), lb.lang)
            shots = get(item, "photos", []) or []
            value = text_of(get(item, "value_text"), lb.lang) or (
                lb.t("console.result.photos", n=len(shots)) if shots else "—")
            failed = bool(get(item, "failed"))
            mark = "× " if failed else "· "
            para(f"{mark}{label}：{value}" if lb.lang == "zh" else f"{mark}{label}: {value}",
                 colour=FAIL_RGB if failed else (0, 0, 0), gap=0.5)
            note = get(item, "note")
            if note:
                para("   " + lb.t("console.result.note", note=note), size=9.5,
                     colour=MUTED_RGB, gap=0.5)
            for sha in get(item, "photos", []) or []:
                photos.append((sha, label))

    if photos:
        heading(lb.t("console.pdf.photos"))
        _photo_grid(pdf, photos, photo_bytes, progress)
    pdf.output(str(path))
    return path


def veto_sentence(veto: Any, lb: Labels, section_labels: dict[Any, Any] | None = None) -> str:
    """'整次检查作废：…' or '「部分」记 0 分：…' for one veto of a result view, naming the
    item that failed and why the rulebook vetoes it."""
    item = text_of(get(veto, "label"), lb.lang)
    why = text_of(get(veto, "reason"), lb.lang)
    reason = f"{item}（{why}）" if lb.lang == "zh" and why else (
        f"{item} ({why})" if why else item)
    if get(veto, "scope") == "visit":
        return lb.t("console.result.veto_visit", reason=reason)
    sid = get(veto, "section_id")
    section = text_of((section_labels or {}).get(sid), lb.lang) or str(sid or "")
    return lb.t("console.result.veto_section", section=section, reason=reason)


def _photo_grid(pdf: Any, photos: list[tuple[str, str]],
                photo_bytes: Callable[[str], bytes | None],
                progress: Callable[[int, int], None] | None) -> None:
    gap = (pdf.epw - 3 * PHOTO_W) / 2
    col = 0
    row_h = 0.0
    y = pdf.get_y()
    for n, (sha, caption) in enumerate(photos, start=1):
        raw = photo_bytes(sha)
        data = _scaled_jpeg(raw) if raw else None
        if progress is not None:
            progress(n, len(photos))
        if data is None:
            continue
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
        img_h = PHOTO_W * h / w
        need = img_h + 8
        if col == 0 and y + need > pdf.h - pdf.b_margin:
            pdf.add_page()
            y = pdf.get_y()
        x = pdf.l_margin + col * (PHOTO_W + gap)
        pdf.image(io.BytesIO(data), x=x, y=y, w=PHOTO_W, h=img_h)
        pdf.set_xy(x, y + img_h + 0.5)
        pdf.set_font(FONT, size=8)
        pdf.set_text_color(*MUTED_RGB)
        pdf.cell(PHOTO_W, 5, caption[:40], align="C")
        row_h = max(row_h, need)
        col += 1
        if col == 3:
            col = 0
            y += row_h + 3
            row_h = 0.0
    pdf.set_xy(pdf.l_margin, y + row_h + 3)
