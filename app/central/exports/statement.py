"""The agent owner's monthly statement (月度结算单) as a PDF: the month's composite score and
its components, the ranks (ties said), the service commission (服务佣金) worked out from base
× years factor × payment factor, the staff share, the rolling-refund status, adjustments,
what the month pays, and the items the outlet failed most often, each figure with the
sentence that explains it.

It is written from a closed month's frozen export (`MonthResult.to_export(explanations=True)`,
docs/programme.md) and nothing else, so the statement says exactly what the closed month
says, however the rules file or the results change afterwards. The outlet owner must never
learn who the mystery shopper was: the export names no inspector, and neither does this.

The figure helpers (`money_text`, `rank_text`, `top_failed`, `why_text`) are shared with the
console's month pages, so the screen and the paper read the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.central.exports.labels import Labels
from app.programme.explain import Why, rule_text

FONT = "NotoSansSC"
HEAD_RGB = (0, 105, 92)
FAIL_RGB = (198, 40, 40)
OK_RGB = (46, 125, 50)
MUTED_RGB = (97, 97, 97)
RULE_RGB = (200, 200, 200)
TOP_FAILED = 5  # how many failed items the statement lists

COMPONENT_KEY = {  # literal keys for the catalogue checks
    "mystery_shop": "programme.component.mystery_shop",
    "open_inspection": "programme.component.open_inspection",
    "self_check": "programme.component.self_check",
    "sms_satisfaction": "programme.component.sms_satisfaction",
    "intercept": "programme.component.intercept",
}
FLAG_KEY = {
    "competitor": "programme.flag.competitor",
    "inactive": "programme.flag.inactive",
    "not_scored": "programme.flag.not_scored",
    "short_of_evidence": "programme.flag.short_of_evidence",
    "veto": "programme.flag.veto",
    "no_class": "programme.flag.no_class",
    "no_base": "programme.flag.no_base",
    "base_ambiguous": "programme.flag.base_ambiguous",
    "no_cooperation_start": "programme.flag.no_cooperation_start",
    "deduction": "programme.flag.deduction",
    "refund_due": "programme.flag.refund_due",
    "adjusted": "programme.flag.adjusted",
    "exit_candidate": "programme.flag.exit_candidate",
    "tier_up": "programme.flag.tier_up",
    "tier_down": "programme.flag.tier_down",
    "reward": "programme.flag.reward",
}
REASON_KEY = {
    "late_result": "programme.adjustment.late_result",
    "overturned_result": "programme.adjustment.overturned_result",
    "correction": "programme.adjustment.correction",
}


# --- figures as people read them ---------------------------------------------------------


def money_text(amount: str | None) -> str:
    """The export's money text ("1234.5", "-50.00") as ¥1,234.50 / -¥50.00; None: —."""
    if amount is None:
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def cents_of(amount: str | None) -> int:
    """Money text -> whole cents (None: 0), for sums and sorting."""
    if amount is None:
        return 0
    try:
        return int(Decimal(str(amount)) * 100)
    except InvalidOperation:
        return 0


def number_text(value: float | int | None) -> str:
    """A score or factor as the export has it: 84.64, 1.2, 90; None: —."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def tied_with(rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any], scope: str) -> int:
    """How many other ranked outlets share `row`'s rank in `scope` ("unit" or "province"):
    same family (and unit), same rank."""
    field = "rank_unit" if scope == "unit" else "rank_province"
    rank = row.get(field)
    if rank is None:
        return 0
    return sum(1 for r in rows if r is not row and r.get(field) == rank
               and r.get("outlet_code") != row.get("outlet_code")
               and r.get("family") == row.get("family")
               and (scope != "unit" or r.get("business_unit") == row.get("business_unit")))


def rank_text(rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any], scope: str,
              lb: Labels) -> str:
    """第 2 名（共 10 家，与另 1 家并列）; 不排名 when the outlet is not ranked."""
    field = "rank_unit" if scope == "unit" else "rank_province"
    rank = row.get(field)
    if rank is None:
        return lb.t("statement.rank.none")
    size = row.get(f"{field}_of") or 0
    others = tied_with(rows, row, scope)
    if others:
        return lb.t("statement.rank.tied", rank=rank, size=size, others=others)
    return lb.t("statement.rank.alone", rank=rank, size=size)


def why_text(row: Mapping[str, Any], figure: str, lb: Labels, version: str = "") -> str:
    """The sentence the closed month stored for `figure` (its `why`), in the reader's
    language, with the rule it applied; "" when the export carries no explanation."""
    data = (row.get("why") or {}).get(figure)
    if not data:
        return ""
    why = Why.from_dict(data)
    text = why.render(lb.lang)
    return text + (rule_text(why, version, lb.lang) if version else "")


def component_label(name: str, lb: Labels) -> str:
    key = COMPONENT_KEY.get(name)
    return lb.t(key) if key else name


def flag_label(flag: str, lb: Labels) -> str:
    key = FLAG_KEY.get(flag)
    return lb.t(key) if key else flag


def reason_label(reason: str, lb: Labels) -> str:
    key = REASON_KEY.get(reason)
    return lb.t(key) if key else reason


@dataclass(frozen=True)
class FailedLine:
    """An item the outlet failed this month, over its counted results."""

    item: str
    label: str
    times: int
    veto: str | None  # "visit" / "section" when a failure carried a 一票否决


def top_failed(row: Mapping[str, Any], lang: str, limit: int | None = TOP_FAILED
               ) -> list[FailedLine]:
    """The items failed most often in the month's counted results: vetoes first, then by
    how often, then by name."""
    seen: dict[str, list[Any]] = {}
    for result in row.get("results") or ():
        for f in result.get("failed") or ():
            item = str(f.get("item"))
            label = str((f.get("en") if lang == "en" else f.get("zh")) or f.get("zh") or item)
            entry = seen.setdefault(item, [label, 0, None])
            entry[1] += 1
            veto = f.get("veto")
            if veto == "visit" or (veto == "section" and entry[2] is None):
                entry[2] = veto
    lines = [FailedLine(item, label, times, veto)
             for item, (label, times, veto) in seen.items()]
    lines.sort(key=lambda x: (x.veto is None, -x.times, x.label))
    return lines if limit is None else lines[:limit]


def failed_text(line: FailedLine, lb: Labels) -> str:
    text = lb.t("statement.failed.times", label=line.label, times=line.times)
    if line.veto == "visit":
        text += lb.t("statement.failed.veto_visit")
    elif line.veto == "section":
        text += lb.t("statement.failed.veto_section")
    return text


def refund_status(row: Mapping[str, Any], lb: Labels) -> list[str]:
    """This month's refunds, the deductions still waiting, the current streak."""
    out = [lb.t("statement.refund.paid", month=line["deducted_month"],
                amount=money_text(line["amount"]))
           for line in row.get("refund_lines") or ()]
    pending = row.get("refund_pending") or ()
    for p in pending:
        out.append(lb.t("statement.refund.pending", month=p["deducted_month"],
                        amount=money_text(p["amount"])))
    if pending:
        out.append(lb.t("statement.refund.streak", n=row.get("refund_streak") or 0))
    if not out:
        out.append(lb.t("statement.refund.nothing"))
    return out


def find_outlet(doc: Mapping[str, Any], code: str) -> Mapping[str, Any] | None:
    return next((r for r in doc.get("outlets") or () if r.get("outlet_code") == code), None)


# --- the PDF ---------------------------------------------------------------------------------


def write_statement(doc: Mapping[str, Any], code: str, path: Path, labels: Labels,
                    font_path: Path, now: datetime | None = None) -> Path:
    """Write outlet `code`'s statement of the closed month `doc` to `path` (A4, the CJK
    font embedded). KeyError when the month has no such outlet."""
    from fpdf import FPDF

    row = find_outlet(doc, code)
    if row is None:
        raise KeyError(code)
    lb = labels
    rows = list(doc.get("outlets") or ())
    month = str(doc.get("month", ""))
    version = str((doc.get("rules") or {}).get("version", ""))

    class Statement(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=8)
            self.set_text_color(*MUTED_RGB)
            self.cell(0, 6, lb.t("statement.footer", code=code, month=month,
                                 page=self.page_no(), pages="{nb}"), align="C")

    pdf = Statement(format="A4", unit="mm")
    pdf.set_title(lb.t("statement.title"))
    pdf.set_creator("hallcheck")
    pdf.add_font(FONT, "", str(font_path))
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(16, 13, 16)
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 10, colour: tuple[int, int, int] = (0, 0, 0),
             gap: float = 0.8, height: float = 5.2) -> None:
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(gap)

    def heading(text: str) -> None:
        pdf.ln(1.5)
        para(text, size=12, colour=HEAD_RGB, gap=0.3, height=6.2)
        pdf.set_draw_color(*HEAD_RGB)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)

    def table(lines: Sequence[tuple[str, str, str]], widths: tuple[float, float]) -> None:
        """Label | figure | why, one line each; the why wraps under its own column."""
        why_w = width - widths[0] - widths[1]
        for label, figure, why in lines:
            if pdf.get_y() > pdf.h - pdf.b_margin - 14:
                pdf.add_page()
            y = pdf.get_y()
            pdf.set_font(FONT, size=10)
            pdf.set_text_color(0, 0, 0)
            pdf.set_xy(pdf.l_margin, y)
            pdf.multi_cell(widths[0], 5, label, align="L")
            bottom = pdf.get_y()
            pdf.set_xy(pdf.l_margin + widths[0], y)
            colour = FAIL_RGB if figure.startswith("-") else (0, 0, 0)
            pdf.set_text_color(*colour)
            pdf.multi_cell(widths[1], 5, figure, align="R")
            bottom = max(bottom, pdf.get_y())
            if why:
                pdf.set_xy(pdf.l_margin + widths[0] + widths[1] + 4, y + 0.4)
                pdf.set_font(FONT, size=8)
                pdf.set_text_color(*MUTED_RGB)
                pdf.multi_cell(why_w - 4, 3.9, why, align="L")
                bottom = max(bottom, pdf.get_y())
            pdf.set_draw_color(*RULE_RGB)
            pdf.line(pdf.l_margin, bottom + 0.6, pdf.l_margin + width, bottom + 0.6)
            pdf.set_xy(pdf.l_margin, bottom + 1.2)

    # -- header -------------------------------------------------------------------------
    para(lb.t("statement.title"), size=17, colour=HEAD_RGB, gap=1, height=8.5)
    para(lb.t("statement.outlet", name=row.get("name") or code, code=code), size=12.5)
    para(lb.t("statement.meta", month=month, tier=lb.tier(row.get("tier")),
              unit=row.get("business_unit") or "—", version=version))
    para(lb.t("statement.generated", at=lb.when(now or datetime.now(UTC))), size=8.5,
         colour=MUTED_RGB)

    # -- score and ranks ------------------------------------------------------------------
    heading(lb.t("statement.score_head"))
    composite = row.get("composite")
    para(lb.t("statement.composite", score=number_text(composite)) if composite is not None
         else lb.t("statement.no_composite"), size=15,
         colour=FAIL_RGB if composite is None else (0, 0, 0), height=7.5)
    score_lines = [
        (lb.t("programme.figure.rank_unit"), rank_text(rows, row, "unit", lb),
         why_text(row, "rank_unit", lb)),
        (lb.t("programme.figure.rank_province"), rank_text(rows, row, "province", lb),
         why_text(row, "rank_province", lb)),
    ]
    for name, comp in (row.get("components") or {}).items():
        if not comp.get("counted") and not comp.get("present"):
            continue
        figure = number_text(comp.get("score")) if comp.get("present") else lb.t(
            "statement.component.none")
        share = comp.get("share") or 0
        label = lb.t("statement.component", name=component_label(name, lb),
                     weight=number_text(comp.get("weight")))
        note = lb.t("statement.component.share", share=f"{share * 100:.1f}") if comp.get(
            "counted") else lb.t("statement.component.not_counted")
        score_lines.append((label, figure, f"{note}；{why_text(row, 'components.' + name, lb)}"
                            if lb.lang == "zh" else
                            f"{note}; {why_text(row, 'components.' + name, lb)}"))
    table(score_lines, (42, 54))
    comp_why = why_text(row, "composite", lb, version)
    if comp_why:
        para(comp_why, size=8, colour=MUTED_RGB, height=3.9)

    # -- money ------------------------------------------------------------------------------
    heading(lb.t("statement.money_head"))
    money_lines = [
        (lb.t("programme.figure.base"), money_text(row.get("base")),
         why_text(row, "base", lb)),
        (lb.t("programme.figure.years_factor"), number_text(row.get("years_factor")),
         why_text(row, "years_factor", lb)),
        (lb.t("programme.figure.payment_factor"), number_text(row.get("payment_factor")),
         why_text(row, "payment_factor", lb)),
        (lb.t("programme.figure.commission"), money_text(row.get("commission")),
         why_text(row, "commission", lb)),
        (lb.t("programme.figure.staff_share"), money_text(row.get("staff_share")),
         why_text(row, "staff_share", lb)),
        (lb.t("programme.figure.refund"), money_text(row.get("refund")),
         why_text(row, "refund", lb)),
        (lb.t("programme.figure.adjustments"), money_text(row.get("adjustments_total")),
         why_text(row, "adjustments", lb)),
        (lb.t("programme.figure.payable"), money_text(row.get("payable")),
         lb.t("statement.payable_why")),
    ]
    table(money_lines, (42, 54))

    heading(lb.t("statement.refund_head"))
    for text in refund_status(row, lb):
        para("• " + text)
    for adj in row.get("adjustments") or ():
        para("• " + lb.t("statement.adjustment", month=adj.get("source_month"),
                         amount=money_text(adj.get("amount")),
                         reason=reason_label(str(adj.get("reason")), lb)))

    # -- failed items ---------------------------------------------------------------------
    heading(lb.t("statement.failed_head", n=TOP_FAILED))
    failed = top_failed(row, lb.lang)
    if not failed:
        para(lb.t("statement.failed.none"))
    for item in failed:
        para("• " + failed_text(item, lb), colour=FAIL_RGB if item.veto else (0, 0, 0))
    visits = len(row.get("results") or ())
    para(lb.t("statement.visits", n=visits), size=9, colour=MUTED_RGB)

    # -- flags and the lists ------------------------------------------------------------
    flags = [flag_label(f, lb) for f in row.get("flags") or ()]
    if flags:
        heading(lb.t("programme.figure.flags"))
        para(("、" if lb.lang == "zh" else ", ").join(flags))
        shown = {"exit": bool(row.get("exit_candidate")),
                 "tier_move": row.get("tier_move") is not None,
                 "reward": row.get("reward") is not None}
        for figure, wanted in shown.items():
            text = why_text(row, figure, lb) if wanted else ""
            if text:
                para("• " + text, size=9.5, colour=MUTED_RGB)
    para(lb.t("statement.closing_note"), size=8.5, colour=MUTED_RGB, gap=0)
    pdf.output(str(path))
    return path
