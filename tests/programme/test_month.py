"""The whole month: the export finance gets (every field the issue names), read back as the
history of the next month; every figure explained in both languages; inputs that cannot be
used said in words; adjustment lines from closed months carried in, never edits."""

from __future__ import annotations

import json
import re
from datetime import date

from app.i18n import messages, placeholders
from app.programme.explain import Msg, Why, explain_outlet
from app.programme.inputs import Adjustment, CountedVisit, FailedItem, History, PastMonth
from app.programme.month import (
    EXPORT_FORMAT,
    FLAG_KEY,
    Flag,
    MonthResult,
    adjustment_lines,
    compute_month,
    past_month_from_export,
)
from app.programme.months import YearMonth

from .helpers import every_half_year, outlet, shipped, visit

MARCH = YearMonth(2025, 3)
BASES = every_half_year(1000_00)
REQUIRED = {"outlet_code", "tier", "business_unit", "composite", "components", "rank_unit",
            "rank_province", "years_factor", "payment_factor", "base", "commission",
            "staff_share", "refund", "adjustments", "exit_candidate", "tier_move", "flags"}


def a_month(**kw: object) -> MonthResult:
    outlets = [outlet("A", start=date(2020, 1, 1)), outlet("B", cls=None),
               outlet("C", competitor=True), outlet("H", family="self_run_hall",
                                                    tier="flagship")]
    failed = (FailedItem("greet", "主动问候", "Greets the customer", "conduct", None),
              FailedItem("uniform", "着工装", "Wears the uniform", "conduct", "section"))
    results = [
        CountedVisit("u-1", "A", "mystery_shop", 82.5, failed=failed, veto_count=1),
        CountedVisit("u-2", "A", "open_inspection", 90.0),
        visit("B", 55), visit("C", 99), visit("H", None),
    ]
    return compute_month(MARCH, shipped(), outlets, results, bases=BASES, **kw)  # type: ignore[arg-type]


def test_the_export_has_every_field_and_money_as_exact_text() -> None:
    month = a_month()
    doc = json.loads(json.dumps(month.to_export(), ensure_ascii=False))
    assert doc["format"] == EXPORT_FORMAT and doc["month"] == "2025-03"
    assert doc["rules"] == {"version": "2025.1", "hash": shipped().content_hash}
    rows = {r["outlet_code"]: r for r in doc["outlets"]}
    for row in rows.values():
        assert set(row) >= REQUIRED, REQUIRED - set(row)
        assert "why" not in row  # explanations only when asked for
    a = rows["A"]
    # (82.5*50 + 90*20) / 70 = 84.64; 5 years -> 1.2; [80, 85) -> 0.8: 1000 × 1.2 × 0.8
    assert (a["composite"], a["years_factor"], a["payment_factor"]) == (84.64, 1.2, 0.8)
    assert (a["base"], a["commission"], a["staff_share"], a["payable"]) == (
        "1000.00", "960.00", "288.00", "960.00")
    assert a["components"]["mystery_shop"] == {"score": 82.5, "weight": 50, "share": 0.7143,
                                               "counted": True, "present": True, "count": 1}
    assert a["components"]["sms_satisfaction"]["present"] is False
    assert a["results"][0]["failed"][1] == {"item": "uniform", "section": "conduct",
                                            "zh": "着工装", "en": "Wears the uniform",
                                            "veto": "section"}
    assert a["flags"] == ["short_of_evidence", "veto"]
    assert (a["rank_unit"], a["rank_unit_of"], a["rank_province"]) == (1, 2, 1)
    assert a["tier_move"] is None and a["exit_candidate"] is False
    b, c, h = rows["B"], rows["C"], rows["H"]
    assert (b["commission"], b["payment_factor"]) == (None, -1)
    assert "no_class" in b["flags"]
    assert (c["rank_unit"], c["commission"], c["composite"]) == (None, None, 99)
    assert h["composite"] is None and "not_scored" in h["flags"] and h["rank_unit"] is None
    assert doc["totals"]["commission"] == "960.00" and doc["totals"]["ranked"] == 2


def test_a_frozen_month_reads_back_as_the_next_months_history() -> None:
    month = a_month()
    frozen = json.loads(json.dumps(month.to_export(explanations=True), ensure_ascii=False))
    assert past_month_from_export(frozen) == month.as_past()
    # the stored explanations come back as the same explanations
    row = next(r for r in frozen["outlets"] if r["outlet_code"] == "A")
    assert Why.from_dict(row["why"]["composite"]) == month.outlets["A"].why["composite"]


def _keys(msg: Msg) -> list[tuple[str, set[str]]]:
    out = [(msg.key, set(msg.params))]
    for v in msg.params.values():
        for part in (v if isinstance(v, tuple) else (v,)):
            if isinstance(part, Msg):
                out.extend(_keys(part))
    return out


def test_every_figure_is_explained_in_both_languages() -> None:
    history = History({MARCH.shift(-1): PastMonth(MARCH.shift(-1), "2025.1", {})})
    month = a_month(history=history, adjustments=[
        Adjustment("A", YearMonth(2025, 1), -1234, "overturned_result", ("u-0",))])
    known = messages()
    for o in month.outlets.values():
        assert {"composite", "rank_unit", "rank_province"} <= set(o.why)
        if o.outlet.active and not o.outlet.competitor:
            assert {"years_factor", "payment_factor", "base", "commission", "refund",
                    "tier_move", "exit"} <= set(o.why), o.code
        for figure, why in o.why.items():
            for key, given in _keys(why):
                assert key in known, (figure, key)
                zh, _en = known[key]
                assert placeholders(zh) <= given, (figure, key, placeholders(zh) - given)
            for lang in ("zh", "en"):
                text = why.render(lang)
                assert text and not re.search(r"\{\w+\}", text), (figure, lang, text)
        for key in o.flag_keys:
            assert key in known
    a = month.outlets["A"]
    assert a.why["composite"].results == ("u-1", "u-2")
    assert a.why["payment_factor"].rule == "payment_factor[4]"
    lines = explain_outlet(a, month.rules_version, str(month.month), "zh")
    assert lines[0].startswith("A 网点A")
    assert any("综合得分：" in line and "84.64" in line for line in lines)
    assert any("规则 2025.1 › payment_factor[4]" in line for line in lines)
    assert any("调整" in line and "-12.34" in line for line in lines)
    assert "Veto" in "\n".join(explain_outlet(a, "2025.1", "2025-03", "en"))
    assert set(FLAG_KEY) == set(Flag)


def test_inputs_that_cannot_be_used_are_said_not_guessed() -> None:
    later = PastMonth(MARCH.shift(1), "2025.1", {})
    month = compute_month(
        MARCH, shipped(), [outlet("A"), outlet("A")],
        [visit("A", 90, uuid="x"), visit("A", 80, uuid="x"), visit("Z", 50),
         visit("A", 101), visit("A", 50, kind="coaching")],
        bases=BASES, history=[later],
        adjustments=[Adjustment("GONE", YearMonth(2025, 1), 500, "late_result")])
    keys = [n.key for n in month.notes]
    assert keys == ["programme.note.outlet_twice", "programme.note.later_history",
                    "programme.note.result_twice", "programme.note.bad_score",
                    "programme.note.unknown_kind", "programme.note.unknown_outlet_results",
                    "programme.note.adjustment_unknown_outlet"]
    assert month.outlets["A"].composite == 90
    assert [a.outlet_code for a in month.unmatched_adjustments] == ["GONE"]
    assert all(n.render("en") and n.render("zh") for n in month.notes)


def test_late_and_overturned_results_become_adjustment_lines() -> None:
    closed = compute_month(MARCH, shipped(), [outlet("A"), outlet("B")],
                           [visit("A", 50), visit("B", 92)], bases=BASES)
    frozen = past_month_from_export(closed.to_export())
    # after the close, A's result was overturned by an approved amendment scoring 86
    again = compute_month(MARCH, shipped(), [outlet("A"), outlet("B")],
                          [visit("A", 86, uuid="amend-1"), visit("B", 92)], bases=BASES)
    lines = adjustment_lines(frozen, again, "overturned_result", {"A": ("amend-1",)})
    # was 1000 × 1.3 × -1.0 = -1300.00, is 1000 × 1.3 × 1.0 = 1300.00: +2600.00
    assert lines == [Adjustment("A", MARCH, 260000, "overturned_result", ("amend-1",))]
    april = compute_month(MARCH.shift(1), shipped(), [outlet("A"), outlet("B")],
                          [visit("A", 92), visit("B", 92)], bases=BASES,
                          history=[frozen], adjustments=lines)
    a = april.outlets["A"]
    assert a.adjustments == tuple(lines) and Flag.ADJUSTED in a.flags
    assert a.payable_cents == a.commission_cents + 260000  # type: ignore[operator]
    row = next(r for r in april.to_export()["outlets"] if r["outlet_code"] == "A")
    assert row["adjustments"][0]["source_month"] == "2025-03"
    assert row["adjustments_total"] == "2600.00"
    # the closed month's own figures are untouched: its deduction still waits for a refund
    assert [d.month for d in a.refund.pending] == [MARCH]


def test_the_documented_export_is_the_export() -> None:
    """docs/programme.md shows an export: its fields are exactly the ones written."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "programme.md").read_text("utf-8")
    shown = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0].replace("…", ""))
    real = a_month().to_export()
    assert set(shown) == set(real)
    assert set(shown["totals"]) == set(real["totals"])
    row = next(r for r in real["outlets"] if r["outlet_code"] == "A")
    assert set(shown["outlets"][0]) == set(row)
    assert shown["outlets"][0]["components"] == row["components"]
    assert shown["totals"] == real["totals"]
