"""The outlet CSV's month-close columns: class (A/B/C), area_manager and owner, checked with
the rest of the row (line-precise, all or nothing)."""

from __future__ import annotations

from app.programme.outlets import read_outlets_csv

HEAD = "code,name,tier,class,area_manager,owner\n"


def test_class_area_manager_and_owner_are_read() -> None:
    raw = (HEAD + "A1,一店,agent,a,am.zhao,王老板\nA2,二店,agent,,,\n").encode()
    parsed = read_outlets_csv(raw, tiers=["agent"], phases=None)
    assert parsed.ok
    one, two = parsed.rows
    assert (one.outlet_class, one.area_manager, one.owner) == ("A", "am.zhao", "王老板")
    assert (two.outlet_class, two.area_manager, two.owner) == (None, None, None)


def test_a_bad_class_or_manager_refuses_the_whole_file_by_line() -> None:
    raw = (HEAD + "A1,一店,agent,A,am.zhao,\nA2,二店,agent,D,am.zhao,\n"
           "A3,三店,agent,B,赵 经理,\n").encode()
    parsed = read_outlets_csv(raw, tiers=["agent"], phases=None)
    assert parsed.rows == []
    assert [(p.line, p.column) for p in parsed.problems] == [(3, "class"), (4, "area_manager")]
    assert "A, B, C" in parsed.problems[0].message("en")
    assert "片区经理" in parsed.problems[1].message("zh")
