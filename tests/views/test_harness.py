"""The harness itself, against small Flet pages: if these fail, no screen test means anything."""

from __future__ import annotations

import asyncio

import flet as ft
import pytest

from .harness import App, AppCrashed, HarnessError, PickedFile, text_of


def trivial(page: ft.Page) -> None:
    count = ft.Text("count 0")
    echo = ft.Text("echo: ")
    name = ft.TextField(label="Name")
    clicks = {"n": 0}

    def on_tap(_e: ft.ControlEvent) -> None:
        clicks["n"] += 1
        count.value = f"count {clicks['n']}"
        echo.value = f"echo: {name.value}"
        page.update()

    page.add(ft.Text("Trivial page"), name, ft.Button("Tap me", on_click=on_tap), count, echo)


def test_click_type_and_read_back() -> None:
    with App(trivial) as app:
        assert app.sees("count 0")
        app.fill("Name", "Zed")
        app.click("Tap me")
        assert app.find("count 1")
        assert app.find("echo: Zed")
        assert not app.sees("count 0")


def test_missing_and_ambiguous_controls_fail_loudly() -> None:
    with App(trivial) as app:
        with pytest.raises(HarnessError, match="nothing on screen"):
            app.click("No such button")
        with pytest.raises(HarnessError, match="nothing tappable"):
            app.click("count 0")  # a plain Text does nothing when tapped


def forms(page: ft.Page) -> None:
    out = ft.Text("", key="out")
    typed: list[str] = []

    def show(msg: str) -> None:
        out.value = msg
        page.update()

    def on_name(e: ft.ControlEvent) -> None:
        typed.append(e.control.value)
        show(f"name={e.control.value} after {len(typed)} keys")

    page.add(
        ft.TextField(label="Name", on_change=on_name),
        ft.Checkbox(label="Agree", on_change=lambda e: show(f"agree={e.control.value}")),
        ft.RadioGroup(
            content=ft.Row([ft.Radio(value="zh", label="简体中文"),
                            ft.Radio(value="en", label="English")]),
            value="zh",
            on_change=lambda e: show(f"lang={e.control.value}"),
        ),
        ft.Dropdown(
            label="Role",
            options=[ft.DropdownOption(key="shopper", text="Mystery shopper"),
                     ft.DropdownOption(key="manager", text="Area manager")],
            on_select=lambda e: show(f"role={e.control.value}"),
        ),
        ft.SegmentedButton(
            segments=[ft.Segment(value="yes", label="Yes"), ft.Segment(value="no", label="No")],
            selected=[],
            allow_empty_selection=True,
            on_change=lambda e: show(f"answer={e.control.selected}"),
        ),
        ft.Button("Disabled", disabled=True, on_click=lambda e: show("should not happen")),
        ft.IconButton(ft.Icons.SETTINGS, tooltip="Settings", on_click=lambda e: show("settings")),
        out,
    )


def test_inputs_fire_like_the_client() -> None:
    with App(forms) as app:
        app.fill("Name", "Ann")
        assert app.find(key="out").control.value == "name=Ann after 3 keys"
        app.click("Agree")
        assert app.find(key="out").control.value == "agree=True"
        app.click("English")
        assert app.find(key="out").control.value == "lang=en"
        app.select("Role", "Area manager")
        assert app.find(key="out").control.value == "role=manager"
        app.click("No")
        assert app.find(key="out").control.value == "answer=['no']"
        app.click("Settings")  # by tooltip
        assert app.find(key="out").control.value == "settings"
        with pytest.raises(HarnessError, match="disabled"):
            app.click("Disabled")
        assert app.find(key="out").control.value == "settings"


def dialogs(page: ft.Page) -> None:
    result = ft.Text("none", key="result")

    def answer(v: str) -> None:
        result.value = v
        page.pop_dialog()
        page.update()

    def ask(_e: ft.ControlEvent) -> None:
        page.show_dialog(
            ft.AlertDialog(
                modal=True,
                title=ft.Text("Finalise?"),
                actions=[ft.TextButton("Cancel", on_click=lambda e: answer("cancel")),
                         ft.TextButton("Finalise", on_click=lambda e: answer("final"))],
            )
        )

    page.add(ft.Button("Open", on_click=ask), result)


def test_modal_dialog_blocks_the_page_until_answered() -> None:
    with App(dialogs) as app:
        app.click("Open")
        assert app.sees("Finalise?")
        with pytest.raises(HarnessError, match="dialog is open"):
            app.click("Open")
        with pytest.raises(HarnessError, match="modal"):
            app.back()
        app.click("Finalise")
        assert app.find(key="result").control.value == "final"
        assert not app.sees("Finalise?")
        app.click("Open")  # the page is usable again


def routed(page: ft.Page) -> None:
    def route_change(_e: object = None) -> None:
        page.views.clear()
        page.views.append(
            ft.View(route="/", controls=[
                ft.Text("Home"), ft.Button("Go", on_click=lambda e: page.navigate("/next"))])
        )
        if page.route == "/next":
            page.views.append(ft.View(route="/next", controls=[ft.Text("Next screen")]))
        page.update()

    async def view_pop(e: ft.ViewPopEvent) -> None:
        page.views.pop()
        await page.push_route(page.views[-1].route)

    page.on_route_change = route_change
    page.on_view_pop = view_pop
    route_change()


def test_navigation_via_push_route_and_back() -> None:
    with App(routed) as app:
        assert app.sees("Home")
        app.click("Go")
        app.wait_for_text("Next screen")
        assert not app.sees("Home")  # only the top view is visible
        app.back()
        app.wait_for_text("Home")
        assert app.page.route == "/"


async def async_page(page: ft.Page) -> None:
    prefs = ft.SharedPreferences()
    status = ft.Text("idle", key="status")
    picker = ft.FilePicker()

    async def slow(_e: ft.ControlEvent) -> None:
        status.value = "working"
        page.update()
        await asyncio.sleep(0.2)
        await prefs.set("lang", "en")
        status.value = f"saved {await prefs.get('lang')}"
        page.update()

    async def pick(_e: ft.ControlEvent) -> None:
        files = await picker.pick_files(with_data=True)
        status.value = f"picked {[(f.name, len(f.bytes or b'')) for f in files]}"
        page.update()

    def boom(_e: ft.ControlEvent) -> None:
        raise RuntimeError("kaboom")

    page.add(status, ft.Button("Slow", on_click=slow), ft.Button("Pick", on_click=pick),
             ft.Button("Boom", on_click=boom))


def test_async_handlers_services_and_crashes() -> None:
    with App(async_page) as app:
        app.click("Slow")
        app.wait_until(lambda: app.find(key="status").control.value == "saved en")
        assert app.client.prefs == {"lang": "en"}
        app.client.pick(PickedFile("shelf.jpg", b"\xff\xd8\xff" + b"0" * 97))
        app.click("Pick")
        app.wait_for_text("picked [('shelf.jpg', 100)]")
        with pytest.raises(AppCrashed, match="kaboom"):
            app.click("Boom")


def test_wait_until_times_out_with_the_screen() -> None:
    with App(trivial) as app, pytest.raises(HarnessError, match="Tap me"):
        app.wait_until(lambda: False, timeout=0.1, message="never")


def test_text_of_collects_nested_words() -> None:
    def page_fn(page: ft.Page) -> None:
        page.add(ft.Card(content=ft.Column([ft.Text("A-001"), ft.Text("Flagship hall")]),
                         key="card"))

    with App(page_fn) as app:
        assert text_of(app.find(key="card")) == "A-001 Flagship hall"


def threaded(page: ft.Page) -> None:
    status = ft.Text("idle", key="status")

    def work() -> None:
        import time as _t

        _t.sleep(0.1)  # e.g. a database write off the UI path
        status.value = "done in a thread"
        page.update()

    page.add(status, ft.Button("Work", on_click=lambda e: page.run_thread(work)))


def test_settle_waits_for_thread_work() -> None:
    with App(threaded) as app:
        app.click("Work")
        assert app.find(key="status").control.value == "done in a thread"


def polite(page: ft.Page) -> None:
    import logging

    def swallow(_e: ft.ControlEvent) -> None:
        try:
            raise ValueError("hidden bug")
        except ValueError:
            logging.getLogger("hallcheck.views").error("unexpected error", exc_info=True)
            page.show_dialog(ft.SnackBar(ft.Text("Something went wrong")))

    told = [0]

    def tell(_e: ft.ControlEvent) -> None:
        told[0] += 1
        page.show_dialog(ft.SnackBar(ft.Text(f"saved {told[0]}")))

    page.add(ft.Button("Swallow", on_click=swallow), ft.Button("Tell", on_click=tell))


def test_logged_errors_fail_and_snackbars_replace_each_other() -> None:
    with App(polite) as app:
        app.click("Tell")
        app.click("Tell")
        assert app.snack() == "saved 2"  # only the newest message is on screen
        assert app.find_all("saved 1") == []
        with pytest.raises(AppCrashed, match="hidden bug"):
            app.click("Swallow")
        with app.allow_error_logs("unexpected error"):
            app.click("Swallow")
        assert app.wait_for_snack("went wrong")
