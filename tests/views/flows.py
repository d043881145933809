"""Steps the screen tests share: set a device up, open an outlet, answer like a person.

Two kinds of helper:
* ``seed_*`` / ``fill_passing`` go through the services on a second Workspace (``ws``
  fixture) - for what a test is *not* about, so each test drives only its own screen;
* the others act through the UI (tap, type, pick) exactly as a user does.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.checklists import Item, ItemType

from .harness import App, PickedFile

FLAGSHIP = "DEMO-FLAGSHIP-01"
COMPETITOR = "DEMO-COMP-01"
AGENT = "DEMO-AGENT-01"


def jpeg(width: int = 320, height: int = 240, colour: tuple[int, int, int] = (200, 40, 40),
         ) -> bytes:
    """A real JPEG, as a phone camera would hand it over (small, to keep tests quick)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(img).rectangle((10, 10, width // 2, height // 2), fill=(240, 240, 240))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


# ----------------------------------------------------------------------------- seeding


def seed_device(ws: Any, role: str = "mystery_shopper", inspector: str | None = "S-001", *,
                demo: bool = True, lang: str | None = None) -> str:
    """A device that has been through first run (what FirstRunScreen.finish stores).
    With ``inspector=None`` and the demo set, the person is the demo inspector (today's
    demo visits are planned for them). Returns the inspector id."""
    ws.settings.set_role(role)
    if lang:
        ws.settings.set_language(lang)
    if demo:
        ws.load_demo()
    if inspector is not None:
        ws.settings.set_inspector(inspector)
        ws.add_inspector(inspector, inspector, role)
    return ws.settings.inspector_id


def passing_value(item: Item) -> Any:
    """An answer that passes the item (what a well-run outlet earns)."""
    kind = item.type
    if kind is ItemType.YES_NO:
        return item.pass_if
    if kind is ItemType.SCALE:
        return item.max if item.max is not None else 5
    if kind is ItemType.NUMBER:
        best = max(item.bands or [], key=lambda b: b.score, default=None)
        if best is None:
            return item.min if item.min is not None else 0
        for candidate in (getattr(best, "min", None), getattr(best, "max", None), 0, 1, 2, 5):
            if candidate is not None and best.holds(candidate):
                return candidate
        return best.min
    if kind is ItemType.CHOICE:
        return next(o.id for o in item.options or [] if not o.fails)
    if kind is ItemType.TEXT:
        return "一切正常"
    raise ValueError(f"no value for a {kind} item")


def fill_passing(ws: Any, uuid: str, *, skip: tuple[str, ...] = ()) -> None:
    """Answer every visible, unanswered item with a passing value (photo items get a
    camera photo), through the services, until nothing but ``skip`` is missing."""
    for _ in range(5):  # show_if can reveal more items
        state = ws.inspections.state(uuid)
        todo = [i for i in state.visible if i not in state.answers and i not in skip
                and not state.photos.get(i)]
        if not todo:
            break
        items = state.checklist.items
        for item_id in todo:
            item = items[item_id]
            if item.type is ItemType.PHOTO:
                ws.inspections.attach_photo(uuid, item_id, jpeg(), source="camera")
            else:
                ws.inspections.answer(uuid, item_id, passing_value(item))
    state = ws.inspections.state(uuid)
    for p in state.problems:
        if p.item_id in skip:
            continue
        if p.reason in ("photo_required", "camera_photo_required", "veto_evidence_required"):
            ws.inspections.attach_photo(uuid, p.item_id, jpeg(), source="camera")


def db_rows(data_dir: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the app's SQLite file through a separate connection (what is on disk)."""
    con = sqlite3.connect(f"file:{data_dir / 'hallcheck.db'}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


# ----------------------------------------------------------------------------- the UI


def complete_first_run(app: App, L: Callable[..., str], role: str = "mystery_shopper", *,
                       inspector: str = "", name: str = "", demo: bool | None = None,
                       lang: str = "zh") -> None:
    """Go through the first-run screen as a newcomer does."""
    app.click(L(f"role.{role}", lang))
    if inspector:
        app.fill(L("views.setup.inspector_id", lang), inspector)
    if name:
        app.fill(L("views.setup.name", lang), name)
    if demo is not None:
        box = app.find(L("views.setup.demo", lang), type="Checkbox").control
        if bool(box.value) != demo:
            app.click(L("views.setup.demo", lang))
    app.click(L("views.setup.done", lang))


def pick_outlet(app: App, L: Callable[..., str], ws: Any, code: str, lang: str = "zh") -> None:
    """On the outlet picker, tap the outlet's card (found by its announced label)."""
    outlet = ws.outlets.get(code)
    app.click(L("views.outlets.pick", lang, name=outlet.name, code=code))


def on_item(app: App, item_id: str, text: str, **kw: Any) -> Any:
    """A control inside one item's card (cards are marked `item-<id>`)."""
    return app.find(text, within=f"item-{item_id}", **kw)


def tap_answer(app: App, item_id: str, label: str) -> None:
    app.click(on_item(app, item_id, label))


def take_photo(app: App, L: Callable[..., str], item_id: str, data: bytes | None = None,
               *, source: str = "camera", name: str = "IMG_0001.jpg") -> None:
    """Add a photo to an item as a user does: "拍照" opens the camera view and the
    shutter takes ``data``; "从相册选择" hands ``data`` back from the device's picker."""
    if source == "camera":
        if data is not None:
            app.client.picture = data
        app.click(on_item(app, item_id, L("views.item.camera")))
        shutter = L("views.camera.shutter")
        app.wait_until(lambda: app.find_all(shutter, in_dialog=True, enabled_only=True),
                       message="the camera to be ready")
        app.click(shutter, in_dialog=True)
    else:
        app.client.pick(PickedFile(name, data or jpeg()))
        app.click(on_item(app, item_id, L("views.item.gallery")))


def current_uuid(app: App) -> str:
    route = app.view_route or ""
    parts = route.split("?")[0].strip("/").split("/")
    assert len(parts) >= 2 and parts[0] == "visit", f"not on a visit: {route!r}"
    return parts[1]


def chosen(app: App, item_id: str, label: str) -> bool:
    """Whether the answer button ``label`` of an item shows as chosen (filled, not
    outlined: the only way the card shows it)."""
    button = on_item(app, item_id, label).control
    style = getattr(button, "style", None)
    bg = getattr(style, "bgcolor", None)
    return bg is not None and str(bg).lower() not in ("white", "#ffffff", "colors.white")


def starts_like(message: str) -> re.Pattern[str]:
    """A pattern for a catalogue message whose tail varies (e.g. a time): the text up to
    its first placeholder. Pass the message rendered with a marker: L(key, when="\x00")."""
    return re.compile("^" + re.escape(message.split("\x00")[0]))
