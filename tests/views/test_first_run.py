"""First run: language (简体中文 default / English), role, who, optional enrolment, demo set."""

from __future__ import annotations

from app.services import Workspace

from .flows import complete_first_run, db_rows


def test_fresh_device_opens_on_setup_in_simplified_chinese(start_app, L, data_dir) -> None:
    app = start_app()
    assert app.sees(L("views.setup.title"))
    assert app.find("简体中文", type="OutlinedButton")
    assert app.find("English", type="OutlinedButton")
    for role in ("mystery_shopper", "area_manager", "outlet_agent"):
        assert app.find(L(f"role.{role}"), type="Radio")
    # nothing chosen for the person: no role is preselected
    group = app.find(L("role.mystery_shopper"), type="Radio").ancestors
    assert next(a for a in reversed(group) if type(a).__name__ == "RadioGroup").value is None
    assert app.view_route == "/setup"


def test_switching_to_english_redraws_and_is_remembered(start_app, L, data_dir) -> None:
    app = start_app()
    app.click("English")
    app.wait_for_text(L("views.setup.title", "en"))
    assert app.find(L("role.area_manager", "en"), type="Radio")
    assert not app.sees(L("views.setup.title", "zh"))
    assert db_rows(data_dir, "select value from setting where key='language'") == [("en",)]
    app.click("简体中文")
    app.wait_for_text(L("views.setup.title", "zh"))


def test_done_without_a_role_explains_and_stores_nothing(start_app, L, data_dir) -> None:
    app = start_app()
    app.click(L("views.setup.done"))
    assert app.wait_for_snack(L("views.setup.role_missing"))
    assert app.sees(L("views.setup.title"))  # still on setup
    assert db_rows(data_dir, "select value from setting where key='role'") == []


def test_without_demo_an_inspector_id_is_required(start_app, L, data_dir) -> None:
    app = start_app()
    complete_first_run(app, L, "area_manager", demo=False)
    assert app.wait_for_snack(L("views.setup.inspector_missing"))
    assert app.sees(L("views.setup.title"))


def test_setup_without_demo_lands_on_an_empty_home(start_app, L, data_dir) -> None:
    app = start_app()
    complete_first_run(app, L, "area_manager", inspector="M-007", name="王经理", demo=False)
    app.wait_for_text(L("views.home.no_outlets"))
    assert app.find(L("views.home.load_demo"))
    assert app.sees(L("views.home.who", role=L("role.area_manager"), id="M-007"))
    with Workspace.open(data_dir) as ws:
        assert ws.settings.role == "area_manager"
        assert ws.settings.inspector_id == "M-007"
        assert ws.settings.language == "zh"
        assert [(i.id, i.name, i.role) for i in ws.inspectors()] == [
            ("M-007", "王经理", "area_manager")]
        assert ws.outlets.count() == 0


def test_demo_set_is_clearly_marked_and_ready_to_use(start_app, L, data_dir) -> None:
    app = start_app()
    demo_box = app.find(L("views.setup.demo"), type="Checkbox").control
    assert demo_box.value is True  # offered by default on an empty device
    complete_first_run(app, L, "mystery_shopper")
    assert app.wait_for_snack(L("views.home.demo_loaded", n=8))
    with Workspace.open(data_dir) as ws:
        outlets = ws.outlets.list()
        assert outlets and all(o.code.startswith("DEMO-") for o in outlets)
        assert all(o.name.startswith("演示") for o in outlets)
        assert ws.settings.inspector_id == "DEMO-INSPECTOR"
        planned = ws.assignments.for_day(None, "DEMO-INSPECTOR")
    # today's demo visits are on the home screen, each named by its (demo) outlet
    assert planned
    for a in planned:
        assert app.find(L("views.home.start_assigned", name=a.outlet_name))


def test_setup_is_not_shown_again_after_a_restart(start_app, L, data_dir) -> None:
    app = start_app()
    complete_first_run(app, L, "mystery_shopper", inspector="S-042", demo=False)
    app.wait_for_text(L("views.home.no_outlets"))
    app = start_app()  # the app is closed and opened again
    app.wait_for_text(L("views.home.no_outlets"))
    assert not app.sees(L("views.setup.title"))


def test_a_bad_central_address_is_refused_in_words(start_app, L, data_dir) -> None:
    app = start_app()
    app.fill(L("views.setup.endpoint"), "not a url")
    complete_first_run(app, L, "area_manager", inspector="M-1", demo=False)
    assert app.wait_for_snack(L("services.settings.endpoint_invalid", url="not a url"))
    assert app.sees(L("views.setup.title"))
    assert db_rows(data_dir, "select value from setting where key='role'") == []
