"""hallcheck's screens as a user meets them in the browser (through the accessibility tree).

Labels come from the message catalogue (``L``), so a test reads like the screen. Regions
the views mark with a Semantics ``identifier`` (app/views/README.md) show up in the DOM as
``flt-semantics-identifier``; item cards are ``item-<id>``.

What Flutter web exposes, measured here (Chromium, flet 1.0.5):
* buttons by their text (``get_by_role("button", name=...)``), radios, checkboxes,
  text boxes by their label;
* a section chip is a ``checkbox`` whose name contains "n. title a/b" (checked: the
  section on screen); an IconButton has no name of its own: its tooltip names a wrapper ``button``
  (twice: "设置\n设置") - use ``by_tooltip``;
* texts inside a card are merged into the card's ``aria-label``.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .browser import FletPage

STEP_TIMEOUT = 20_000  # ms: a screen change on a loaded 2-core machine


def L(key: str, lang: str = "zh", /, **params: Any) -> str:
    from app.i18n import messages, t

    assert key in messages(), f"message key {key!r} is not in the catalogue"
    return t(key, lang, **params)


def db(data_dir: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the app's SQLite file through a separate, read-only connection."""
    con = sqlite3.connect(f"file:{data_dir / 'hallcheck.db'}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def wait_db(data_dir: Path, sql: str, *args: Any, expect_rows: Any = None,
            timeout: float = 10.0) -> list[tuple[Any, ...]]:
    """Poll the database until the query returns ``expect_rows`` (or any row)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = db(data_dir, sql, *args)
        if (rows == expect_rows) if expect_rows is not None else bool(rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"{sql} {args}: got {rows!r}, wanted {expect_rows!r}")
        time.sleep(0.05)


def seed_shopper(ws: Any, inspector: str) -> None:
    """A mystery shopper's device through first run, its own demo tasks loaded (the demo
    set plans them for the person using the app)."""
    ws.settings.set_role("mystery_shopper")
    ws.settings.set_inspector(inspector)
    ws.add_inspector(inspector, inspector, "mystery_shopper")
    ws.load_demo()


def jpeg_file(path: Path, colour: tuple[int, int, int] = (200, 40, 40)) -> Path:
    """A phone-camera-like JPEG (640x480) on disk, for the browser's file chooser."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(img).rectangle((40, 40, 360, 240), fill=(245, 245, 245))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=88)
    return path


class Hallcheck:
    """One browser tab on hallcheck."""

    def __init__(self, ui: FletPage) -> None:
        self.ui = ui
        self.page = ui.page

    # -- finding
    def button(self, name: str | re.Pattern[str]) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def card(self, label: str) -> Any:
        """A tappable card: a button whose name starts with its label (Flutter merges the
        card's texts into the name after it)."""
        return self.page.get_by_role("button", name=re.compile("^" + re.escape(label)))

    def by_tooltip(self, tooltip: str) -> Any:
        """An IconButton: its tooltip names a wrapper 'button' around the real (unnamed)
        button, and Flutter repeats it ('设置\n设置')."""
        return self.page.get_by_role(
            "button", name=re.compile(rf"^{re.escape(tooltip)}(\s+{re.escape(tooltip)})?$")
        ).first

    def item(self, item_id: str) -> Any:
        return self.page.locator(f'[flt-semantics-identifier="item-{item_id}"]')

    def region(self, identifier: str) -> Any:
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]')

    def text(self, text: str | re.Pattern[str]) -> Any:
        return self.page.get_by_text(text)

    def see(self, text: str | re.Pattern[str], timeout: int = STEP_TIMEOUT) -> None:
        """Wait until ``text`` is on screen (as text, or in a card's merged label)."""
        pattern = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
        loc = self.page.get_by_text(pattern).or_(self.page.get_by_label(pattern))
        expect(loc.first).to_be_attached(timeout=timeout)

    def tap(self, name: str | re.Pattern[str], timeout: int = STEP_TIMEOUT) -> None:
        self.ui.settle()
        self.button(name).first.click(timeout=timeout)

    def open_settings(self, expect_text: str) -> None:
        """Tap the app bar's 设置 until ``expect_text`` of the settings screen shows: a tap
        in the frame where the screen before it is still being drawn is dropped by
        Flutter (the kiosk test lost one, once in many runs)."""
        for attempt in range(3):
            self.ui.settle()
            button = self.by_tooltip(L("views.settings.title"))
            if attempt == 0 or button.is_visible():  # still on the screen before it
                button.click(timeout=STEP_TIMEOUT)
            try:
                self.see(expect_text, timeout=STEP_TIMEOUT // (4 if attempt < 2 else 1))
                return
            except AssertionError:
                if attempt == 2:
                    raise

    # -- first run
    def first_run(self, role: str, *, inspector: str = "", demo: bool = True) -> None:
        expect(self.page.get_by_role("radio", name=L(f"role.{role}"))).to_be_visible(
            timeout=STEP_TIMEOUT)
        self.page.get_by_role("radio", name=L(f"role.{role}")).click()
        if inspector:
            self.ui.type_into(L("views.setup.inspector_id"), inspector)
        box = self.page.get_by_role("checkbox", name=L("views.setup.demo"))
        if box.is_checked() != demo:
            box.click()
        self.ui.shot("first-run")
        self.tap(L("views.setup.done"))
        start = L("views.home.start_discreet" if role == "mystery_shopper"
                  else "views.home.start_survey" if role == "surveyor"
                  else "views.home.start")
        expect(self.button(start)).to_be_visible(timeout=STEP_TIMEOUT)

    # -- visits
    def start_visit(self, outlet_name: str, code: str, *, discreet: bool,
                    start: str = "views.home.start") -> None:
        self.tap(L("views.home.start_discreet" if discreet else start))
        self.ui.settle()
        self.card(L("views.outlets.pick", name=outlet_name, code=code)).click(
            timeout=STEP_TIMEOUT)

    def section(self, n: int, title: str) -> None:
        """Tap the section chip 'n. title a/b' (discreet mode: just 'title', no counters)
        and wait until it is the current one."""
        self.ui.settle()
        chip = self.page.get_by_role("checkbox", name=re.compile(
            rf"^((\S*\s)?{n}\. )?{re.escape(title)}( \d+\/\d+)?$")).first
        chip.click(timeout=STEP_TIMEOUT)
        expect(chip).to_be_checked(timeout=STEP_TIMEOUT)

    def fill_rest_and_review(self, data_dir: Path, uuid: str) -> None:
        """Answer what is left through the services on the app's data directory (tapping
        every remaining item would test nothing the journey's own taps do not), then open
        the review from the last section and see that the visit is ready."""
        from views.flows import fill_passing

        from app.services import Workspace

        with Workspace.open(data_dir) as ws:
            fill_passing(ws, uuid)
            sections = ws.inspections.checklist(uuid).sections
        self.section(len(sections), sections[-1].title.zh)
        self.tap(L("views.run.review"))
        self.see(L("views.review.ready"))

    def finalise(self, done: str) -> None:
        """签退并提交, confirm, and wait for ``done`` (what the app says afterwards)."""
        self.tap(L("views.review.finalise"))
        self.tap(L("views.review.confirm_ok"))
        self.see(done)

    def answer(self, item_id: str, label: str) -> None:
        self.ui.settle()
        self.item(item_id).get_by_role("button", name=label, exact=True).click(
            timeout=STEP_TIMEOUT)

    def pick_photo(self, item_id: str, photo: Path) -> None:
        """"从相册选择": choose ``photo`` in the file chooser the browser opens."""
        self.ui.settle()
        with self.page.expect_file_chooser(timeout=STEP_TIMEOUT) as chooser:
            self.item(item_id).get_by_role("button", name=L("views.item.gallery"),
                                           exact=True).click()
        chooser.value.set_files(str(photo))

    def take_photo(self, item_id: str, photo: Path | None = None,
                   source: str = "camera") -> None:
        """"拍照" opens the camera view (Chromium's fake camera); press the shutter.
        With ``source="gallery"``, pick ``photo`` instead."""
        if source == "gallery":
            assert photo is not None
            self.pick_photo(item_id, photo)
            return
        self.ui.settle()
        self.item(item_id).get_by_role("button", name=L("views.item.camera"),
                                       exact=True).click()
        shutter = self.page.get_by_role("button", name=L("views.camera.shutter"))
        expect(shutter).to_be_enabled(timeout=60_000)
        shutter.click()

    def sync_indicator(self) -> Any:
        return self.region("sync-indicator")
