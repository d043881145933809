"""The one outlet master-data CSV reader: Excel's encodings, typed rows, every problem by line
and translated, all or nothing; and both ends (device import, central admin import) take and
refuse the same files through it."""

from __future__ import annotations

from datetime import date

import pytest

from app.i18n import messages
from app.programme.outlets import OUTLET_COLUMNS, CsvProblem, OutletRow, read_outlets_csv

TIERS = ("flagship", "level2", "village")
PHASES = ("new", "established")

GOOD = ("code,name,tier,business_unit,region,address,cooperation_start,competitor,phase,"
        "traffic,active\r\n"
        "HZ-001,杭州旗舰厅,flagship,杭州,西湖,延安路 1 号,2015-06-01,否,,busy,\r\n"
        "HZ-002,\"滨江二级厅, 东门\",level2,杭州,滨江,,2020/1/15,0,new,,是\r\n"
        ",,,,,,,,,,\r\n"  # Excel's blank rows at the end
        "CMP-01,友商旗舰厅,flagship,杭州,西湖,,,是,,QUIET,否\r\n")


def read(text: str, *, encoding: str = "utf-8", tiers: tuple[str, ...] | None = TIERS,
         phases: tuple[str, ...] | None = PHASES):  # type: ignore[no-untyped-def]
    return read_outlets_csv(text.encode(encoding), tiers=tiers, phases=phases)


def where(problems: list[CsvProblem]) -> list[tuple[int, str | None, str]]:
    return [(p.line, p.column, p.key) for p in problems]


def test_a_good_file_gives_typed_rows() -> None:
    result = read(GOOD)
    assert result.ok and result.problems == []
    assert [r.code for r in result.rows] == ["HZ-001", "HZ-002", "CMP-01"]
    hz1, hz2, cmp1 = result.rows
    assert hz1 == OutletRow(code="HZ-001", name="杭州旗舰厅", tier="flagship",
                            business_unit="杭州", region="西湖", address="延安路 1 号",
                            cooperation_start=date(2015, 6, 1), competitor=False, phase=None,
                            traffic="busy", active=True, line=2)
    assert hz2.name == "滨江二级厅, 东门" and hz2.cooperation_start == date(2020, 1, 15)
    assert hz2.phase == "new" and hz2.active is True and hz2.traffic is None
    assert cmp1.competitor is True and cmp1.active is False and cmp1.traffic == "quiet"
    assert cmp1.line == 5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_every_encoding_excel_writes_reads_the_same(encoding: str) -> None:
    plain = read(GOOD)
    other = read(GOOD, encoding=encoding)
    assert other.ok and other.rows == plain.rows
    assert other.rows[0].name == "杭州旗舰厅"  # not mojibake


def test_a_file_in_no_known_encoding_is_refused_with_its_line() -> None:
    raw = "code,name,tier\nA-1,旗舰厅,flagship\n".encode("utf-16")
    result = read_outlets_csv(raw, tiers=TIERS, phases=PHASES)
    assert not result.ok and result.rows == []
    assert where(result.problems) == [(1, None, "programme.csv.encoding")]
    # a stray byte on line 3 of an otherwise UTF-8 file that GB18030 cannot read either
    raw = "code,name,tier\nA-1,旗舰厅,flagship\n".encode() + b"B-2,\xff\xff,village\n"
    assert where(read_outlets_csv(raw, tiers=TIERS, phases=PHASES).problems) == [
        (3, None, "programme.csv.encoding")]
    message = read_outlets_csv(raw, tiers=TIERS, phases=PHASES).problems[0].message("en")
    assert message.startswith("Line 3: ") and "CSV UTF-8" in message


def test_every_problem_is_reported_by_line_and_no_row_is_returned() -> None:
    result = read("code,name,tier,cooperation_start,competitor,phase,active,address\n"
                  "NEW-1,新网点,flagship,,,,,\n"                    # 2: fine on its own
                  ",无编码,flagship,,,,,\n"                         # 3
                  "NEW-2,,castle,2020-13-01,maybe,,,\n"              # 4: four problems
                  "NEW-1,重复,village,,,,,\n"                        # 5
                  "HZ-001,\"两行\n名称\",flagship,,,later,停,\n"     # 6-7: from line 6
                  "X 1,坏编码,flagship,2021-02-30,,,,\n"             # 8
                  "LONG,长地址,village,,,,," + "路" * 501 + "\n"     # 9
                  "EXTRA,多一格,village,,,,,,surplus\n")             # 10
    assert not result.ok and result.rows == []
    assert where(result.problems) == [
        (3, "code", "services.outlet.code_missing"),
        (4, "name", "services.outlet.name_missing"),
        (4, "tier", "services.outlet.tier_unknown"),
        (4, "cooperation_start", "services.outlet.date_invalid"),
        (4, "competitor", "services.outlet.competitor_invalid"),
        (5, "code", "services.import.duplicate_code"),
        (6, "phase", "services.outlet.phase_unknown"),
        (6, "active", "programme.outlets.active_invalid"),
        (8, "code", "services.outlet.code_invalid"),
        (8, "cooperation_start", "services.outlet.date_invalid"),
        (9, "address", "programme.outlets.too_long"),
        (10, None, "services.import.extra_cells"),
    ]
    en = [p.message("en") for p in result.problems]
    assert en[0] == "Line 3: The outlet code is missing."
    assert "castle" in en[2] and "flagship, level2, village" in en[2]
    assert "first on line 2" in en[5]
    assert "501" in en[10] and "500" in en[10]


def test_problems_read_in_both_languages_and_name_the_file_when_asked() -> None:
    result = read("code,name,tier\nA-1,,castle\n")
    zh = [p.message("zh") for p in result.problems]
    en = [p.message("en", file="outlets.csv") for p in result.problems]
    assert zh == ["第 2 行：缺少网点名称。",
                  "第 2 行：未知的网点级别「castle」。可选：flagship, level2, village。"]
    assert en == ["outlets.csv:2: The outlet name is missing.",
                  "outlets.csv:2: Unknown outlet tier 'castle'. Choose one of: flagship, "
                  "level2, village."]


def test_header_problems_come_before_any_row_is_read() -> None:
    result = read("Code,name,teir,Name\nA,B,flagship,C\n")
    assert where(result.problems) == [
        (1, "tier", "services.import.missing_column"),
        (1, "teir", "services.import.unknown_column"),
        (1, "name", "programme.csv.duplicate_column"),
    ]
    assert ", ".join(OUTLET_COLUMNS) in result.problems[1].message("en")


def test_empty_files_and_a_trailing_unnamed_column() -> None:
    for text in ("", "\n\n", "code,name,tier\n", "code,name,tier\n,,\n"):
        assert where(read(text).problems) == [(1, None, "services.import.empty")], text
    # Excel's trailing comma: an unnamed column is fine while its cells are empty ...
    assert read("code,name,tier,\nA-1,厅,flagship,\n").ok
    # ... and a value in it is a cell too many, not silently dropped
    assert where(read("code,name,tier,\nA-1,厅,flagship,x\n").problems) == [
        (2, None, "services.import.extra_cells")]


def test_a_broken_csv_line_is_a_problem_not_a_crash() -> None:
    # an unclosed quote would swallow every later line into one cell
    result = read("code,name,tier\nA-1,厅,flagship\nB-2,\"unclosed,village\nC-3,厅,village\n")
    assert where(result.problems) == [(3, None, "programme.csv.malformed")]
    assert result.rows == []
    assert where(read('code,name,tier\nA-1,"厅"x,flagship\n').problems) == [
        (2, None, "programme.csv.malformed")]


def test_without_a_rulebook_any_well_formed_tier_is_taken() -> None:
    ok = read("code,name,tier,phase\nA-1,厅,new_tier,\n", tiers=None, phases=None)
    assert ok.ok and ok.rows[0].tier == "new_tier"
    assert read("code,name,tier\nA-1,厅,castle\n", tiers=(), phases=None).ok
    bad = read("code,name,tier,phase\nA-1,厅,Bad Tier,\nA-2,厅,\nA-3,厅,x,Later!\n",
               tiers=None, phases=None)
    assert where(bad.problems) == [(2, "tier", "programme.outlets.id_invalid"),
                                   (3, "tier", "programme.outlets.tier_missing"),
                                   (4, "phase", "programme.outlets.id_invalid")]
    # with a rulebook, a tier it does not know is refused
    assert where(read("code,name,tier\nA-1,厅,new_tier\n").problems) == [
        (2, "tier", "services.outlet.tier_unknown")]


def test_every_problem_key_has_a_message() -> None:
    keys = {"programme.csv.encoding", "programme.csv.malformed", "programme.csv.at_line",
            "programme.csv.at_file_line", "programme.csv.duplicate_column",
            "programme.outlets.tier_missing", "programme.outlets.id_invalid",
            "programme.outlets.too_long", "programme.outlets.active_invalid",
            "services.import.empty", "services.import.extra_cells",
            "services.import.duplicate_code", "services.import.missing_column",
            "services.import.unknown_column"}
    assert keys <= set(messages())
