"""Exports of real results: CSV with labels, XLSX read back with openpyxl, the PDF report
rendered with pdftoppm (Chinese text and photos), and the background job's progress.

The results come from a real server process and a real device that synced them
(tests/console/office.py); the builders read them through `review.queue` and
`review.result_view`, exactly as the console does.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from app.central import review
from app.central.exports import ExportJob, Labels, collect_rows, write_csv, write_pdf, write_xlsx
from app.console.theme import font_path

from .office import OUTLET, OUTLET_NAME, SHOPPER, SHOPPER_NAME, UNIT, Office


@pytest.fixture(scope="module")
def results(office: Office) -> list[str]:
    uuids = [office.veto_visit(), office.veto_visit(note="工牌未佩戴", greet=40)]
    report = office.sync()
    assert report.sent == 2, report
    return uuids


def _rows(office: Office) -> list[review.QueueRow]:
    return collect_rows(office.ctx, office.reviewer(), review.QueueFilter(state=None))


def test_csv_has_labels_not_codes(office: Office, results: list[str], tmp_path: Path) -> None:
    labels = Labels.for_ctx(office.ctx, "zh")
    path = write_csv(_rows(office), tmp_path / "r.csv", labels)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets open the Chinese right
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    head, *body = table
    assert head[:6] == ["结果编号", "门店编码", "门店名称", "营业部", "门店类别", "检查类型"]
    assert len(body) == 2
    row = dict(zip(head, body[0], strict=True))
    assert row["结果编号"] == results[0]
    assert row["门店名称"] == OUTLET_NAME and row["营业部"] == UNIT
    assert row["检查类型"] == "暗访"  # not mystery_shop
    assert row["门店类别"] == "旗舰厅"  # the tier's label from the issued checklists
    assert row["审核状态"] == "待审核"
    assert row["检查人"] == SHOPPER_NAME and row["检查人工号"] == SHOPPER
    assert row["得分（服务器）"] == "0"  # the conduct section is vetoed
    assert row["照片数"] == "2"
    assert row["完成时间"].count(":") == 1 and row["完成时间"][:2] == "20"  # local, minutes


def test_csv_in_english(office: Office, results: list[str], tmp_path: Path) -> None:
    path = write_csv(_rows(office), tmp_path / "r.csv", Labels.for_ctx(office.ctx, "en"))
    head, first, _ = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    row = dict(zip(head, first, strict=True))
    assert row["Kind"] == "Mystery shop" and row["Tier"] == "Flagship hall"
    assert row["Review state"] == "To review"


def test_xlsx_read_back(office: Office, results: list[str], tmp_path: Path) -> None:
    import openpyxl

    ctx, viewer = office.ctx, office.reviewer()
    rows = _rows(office)
    seen: list[tuple[int, int]] = []
    path = write_xlsx(rows, tmp_path / "r.xlsx", Labels.for_ctx(ctx, "zh"),
                      sections=lambda uuids: review.sections_of(ctx, viewer, uuids, "zh"),
                      progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["检查结果", "逐项明细"]
    res, ans = wb["检查结果"], wb["逐项明细"]
    assert res.freeze_panes == "A2" and ans.freeze_panes == "A2"
    head = [c.value for c in res[1]]
    assert head[0] == "结果编号" and "得分（服务器）" in head and "审核状态" in head
    first = dict(zip(head, [c.value for c in res[2]], strict=True))
    assert first["结果编号"] == results[0]
    assert first["检查类型"] == "暗访" and first["门店类别"] == "旗舰厅"
    assert first["门店编码"] == OUTLET
    assert first["得分（服务器）"] == 0 and isinstance(first["得分（服务器）"], (int, float))
    assert res.cell(2, head.index("得分（服务器）") + 1).number_format == "0.0"
    finished = first["完成时间"]
    assert finished.year >= 2024 and finished.tzinfo is None  # a real date cell, local time
    assert res.cell(2, head.index("完成时间") + 1).number_format == "yyyy-mm-dd hh:mm"
    assert res.max_row == 3
    # the answers: one line per item, labels and notes as the inspector gave them
    ahead = [c.value for c in ans[1]]
    lines = [dict(zip(ahead, [c.value for c in r], strict=True)) for r in ans.iter_rows(min_row=2)]
    uniform = [r for r in lines if r["检查项"] == "着装规范"]
    assert len(uniform) == 2
    assert uniform[0]["回答"] == "否" and uniform[0]["不合格"] == "是"
    assert uniform[0]["一票否决"] == "是" and uniform[0]["备注"] == "营业员穿便服，未佩戴工牌"
    assert uniform[0]["部分"] == "服务规范" and uniform[0]["部分得分"] == 0
    greet = [r for r in lines if r["检查项"] == "问候时间"]
    assert [g["回答"] for g in greet] == ["8 秒", "40 秒"]


def _render(pdf: Path, out: Path) -> list[Path]:
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm is needed (poppler-utils, installed by scripts/system-deps.sh)"
    subprocess.run([exe, "-r", "70", "-png", str(pdf), str(out / "page")], check=True,
                   timeout=60, capture_output=True)
    return sorted(out.glob("page-*.png"))


def _ink(png: Path) -> float:
    """The share of the page that is not white."""
    from PIL import Image

    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    return 1 - sum(hist[245:]) / sum(hist)


def test_pdf_report_renders_chinese_and_photos(office: Office, results: list[str],
                                               tmp_path: Path) -> None:
    ctx = office.ctx
    view = review.result_view(ctx, office.reviewer(), results[0], "zh")
    pdf = write_pdf(view, tmp_path / "report.pdf", Labels.for_ctx(ctx, "zh"), font_path(),
                    lambda sha: b"".join(ctx.photos.open_chunks(sha)))
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=30)
    assert "NotoSansCJK" in out.stdout and " yes " in out.stdout  # the CJK font, embedded
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=30).stdout
    for words in ("服务质量检查报告", OUTLET_NAME, "暗访", "旗舰厅", "一票否决", "着装规范",
                  "未着工装", "营业员穿便服，未佩戴工牌", "门头照片"):
        assert words in text, words
    assert SHOPPER_NAME not in text and SHOPPER not in text  # a shopper is never named
    pages = _render(pdf, tmp_path)
    assert len(pages) == 1
    assert _ink(pages[0]) > 0.03  # text and two photos, not a blank page


def test_pdf_of_a_long_result_has_more_pages(office: Office, results: list[str],
                                             tmp_path: Path) -> None:
    """Many photos flow onto further pages; the footer counts them."""
    ctx = office.ctx
    view = review.result_view(ctx, office.reviewer(), results[0], "en")
    from dataclasses import replace

    many = [replace(s, items=[replace(i, photos=i.photos * 12) for i in s.items])
            for s in view.sections]
    pdf = write_pdf(replace(view, sections=many), tmp_path / "long.pdf",
                    Labels.for_ctx(ctx, "en"), font_path(),
                    lambda sha: b"".join(ctx.photos.open_chunks(sha)))
    pages = _render(pdf, tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          timeout=30).stdout
    assert len(pages) >= 3
    assert f"page {len(pages)} of {len(pages)}" in text
    assert all(_ink(p) > 0.01 for p in pages)


def test_export_job_reports_progress_and_failure(tmp_path: Path) -> None:
    def build(job: ExportJob) -> Path:
        for n in range(1, 4):
            job.progress(n, 3)
        path = tmp_path / "x.csv"
        path.write_text("ok")
        return path

    job = ExportJob(build, "x.csv").start()
    assert job.wait(10)
    assert job.state == "done" and job.fraction == 1.0 and job.path == tmp_path / "x.csv"

    def broken(job: ExportJob) -> Path:
        job.progress(1, 10)
        raise OSError("disk full")

    bad = ExportJob(broken, "y.csv").start()
    assert bad.wait(10)
    assert bad.state == "failed" and isinstance(bad.error, OSError) and bad.done == 1


def test_labels() -> None:
    en = Labels("en", {"flagship": {"label": {"zh": "旗舰厅", "en": "Flagship hall"}}})
    zh = Labels("zh", en.tiers)
    assert zh.tier("flagship") == "旗舰厅" and en.tier("flagship") == "Flagship hall"
    assert zh.tier("unknown_tier") == "unknown_tier"
    assert zh.kind("mystery_shop") == "暗访" and zh.kind("self_check") == "自查"
    assert zh.state("rejected") == "已驳回" and en.state("returned") == "Returned"
    assert zh.flags(["veto", "rotation"]) == "一票否决、违反轮换"
    assert zh.duration(45) == "45 秒" and zh.duration(25 * 60) == "25 分钟"
    assert en.duration(3 * 3600 + 5 * 60) == "3 h 5 min"
    assert Labels.score(87.25) == "87.2" or Labels.score(87.25) == "87.3"
    assert Labels.score(90.0) == "90" and Labels.score(None) == "—"
