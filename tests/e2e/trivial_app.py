"""A trivial Flet app served exactly like hallcheck's web UI.

Used by tests/e2e/test_harness_e2e.py to prove the browser fixtures work (semantics-based
clicking, typing, screenshots, no outside requests) independently of hallcheck's screens,
and by benchmarks/bench_ui.py as the "bare Flet round trip" baseline.

Run: FLET_WEB_NO_CDN=1 FLET_SERVER_IP=127.0.0.1 FLET_SERVER_PORT=N python tests/e2e/trivial_app.py
"""

from __future__ import annotations

import flet as ft


def main(page: ft.Page) -> None:
    page.title = "trivial"
    count = ft.Text("count 0", key="count")
    echo = ft.Text("echo: ", key="echo")
    typed = ft.Text("typed: ", key="typed")

    def on_change(_e: ft.ControlEvent) -> None:
        typed.value = f"typed: {name.value}"
        page.update()

    name = ft.TextField(label="Name", on_change=on_change)
    clicks = {"n": 0}

    def on_tap(_e: ft.ControlEvent) -> None:
        clicks["n"] += 1
        count.value = f"count {clicks['n']}"
        echo.value = f"echo: {name.value}"
        page.update()

    page.add(
        ft.Column(
            [
                ft.Text("Trivial page"),
                name,
                typed,
                ft.Button("Tap me", on_click=on_tap),
                count,
                echo,
            ]
        )
    )


if __name__ == "__main__":
    ft.run(main, view=ft.AppView.WEB_BROWSER, no_cdn=True)
