"""Photos are honest evidence: "拍照" opens the camera view and only a picture taken there
is stored as "camera"; "从相册选择" picks an existing photo, stored as "gallery", and is
not offered where the item demands fresh evidence. No camera -> a plain sentence, never a
file passed off as a camera photo. Check-in / check-out location is optional.

The fake client stands in for flet-camera and flet-geolocator: its ``handlers`` answer
the Camera / Geolocator method calls the way the browser's plugins do (measured in
Chromium with a fake camera: a list of camera descriptions, then JPEG bytes).
"""

from __future__ import annotations

import pytest

from .flows import FLAGSHIP, db_rows, fill_passing, jpeg, on_item, pick_outlet, seed_device
from .harness import PickedFile, text_of

RESULT = "result"  # the mystery shop's section with both kinds of photo item
CAMERA_ONLY = "receipt_photo"  # photo item, photo_source: camera
ANY_SOURCE = "as_agreed"  # yes/no item, photo on fail, photo_source: any


@pytest.fixture
def shopper(ws):
    seed_device(ws, "mystery_shopper", "S-001")
    return ws


def _result_section(start_app, ws, client=None):
    uuid = ws.inspections.start("mystery_shop", FLAGSHIP)
    ws.inspections.answer(uuid, "transaction_done", True)  # shows the receipt items
    app = start_app(route=f"/visit/{uuid}?s={RESULT}", client=client)
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{uuid}"))
    app.wait_until(lambda: app.find_all(within=f"item-{CAMERA_ONLY}"))
    return app, uuid


def _camera(app, *, picture: bytes | None = None, cameras=None, init_error: str = "") -> None:
    """The device has a camera (as flet-camera reports it in the browser)."""
    listed = cameras if cameras is not None else [
        {"name": "back-0", "lens_direction": "back", "sensor_orientation": 90},
        {"name": "front-1", "lens_direction": "front", "sensor_orientation": 270},
    ]
    h = app.client.handlers
    h[("Camera", "get_available_cameras")] = lambda _a: listed

    def initialize(_a):
        if init_error:
            raise RuntimeError(init_error)

    h[("Camera", "initialize")] = initialize
    h[("Camera", "set_description")] = lambda _a: None
    h[("Camera", "take_picture")] = lambda _a: picture if picture is not None else jpeg()


def _photos(data_dir, uuid: str, item_id: str):
    return db_rows(data_dir, "select source from photo where inspection_uuid=? and "
                             "item_id=?", uuid, item_id)


def _file_picker_calls(app) -> list:
    return [c for c in app.client.calls if c[0] == "FilePicker"]


def test_gallery_button_only_where_the_item_accepts_gallery_photos(start_app, L,
                                                                   shopper) -> None:
    app, _uuid = _result_section(start_app, shopper)
    # fresh evidence: only the camera
    assert on_item(app, CAMERA_ONLY, L("views.item.camera"))
    assert not app.find_all(L("views.item.gallery"), within=f"item-{CAMERA_ONLY}")
    # camera or gallery
    assert on_item(app, ANY_SOURCE, L("views.item.camera"))
    assert on_item(app, ANY_SOURCE, L("views.item.gallery"))


def test_a_gallery_pick_is_stored_as_gallery(start_app, L, shopper, data_dir) -> None:
    app, uuid = _result_section(start_app, shopper)
    app.client.pick(PickedFile("IMG_2024.jpg", jpeg(colour=(20, 120, 200))))
    app.click(on_item(app, ANY_SOURCE, L("views.item.gallery")))
    app.wait_until(lambda: _photos(data_dir, uuid, ANY_SOURCE) == [("gallery",)],
                   message="the picked photo stored as gallery")
    assert app.wait_for_snack(L("views.item.photo_saved"))
    # the thumbnail says where it came from
    app.wait_until(lambda: app.find_all(L("views.item.from_gallery"),
                                        within=f"item-{ANY_SOURCE}"))
    assert not app.find_all(L("views.item.from_camera"), within=f"item-{ANY_SOURCE}")


def test_take_photo_opens_the_camera_never_the_file_picker(start_app, L, shopper,
                                                           data_dir) -> None:
    app, uuid = _result_section(start_app, shopper)
    picture = jpeg(640, 480, colour=(30, 160, 60))
    _camera(app, picture=picture)
    # a file waits in the picker: "拍照" must not take it
    app.client.pick(PickedFile("old_photo.jpg", jpeg(colour=(250, 250, 0))))
    app.click(on_item(app, CAMERA_ONLY, L("views.item.camera")))

    # the camera view: preview, shutter, cancel, switch (two cameras: back first)
    assert app.find_all(within="camera-view")
    assert app.find_all(within="camera-preview") or app.find_all(L("views.camera.label"))
    app.wait_until(lambda: app.find_all(L("views.camera.shutter"), enabled_only=True),
                   message="the shutter to be ready")
    assert app.find(L("views.camera.switch"), in_dialog=True)
    # discreet (mystery shop): the full-screen view does not name the item
    label = shopper.inspections.checklist(uuid).items[CAMERA_ONLY].label.zh
    assert app.find_all(L("views.item.camera"), in_dialog=True)
    assert not app.find_all(label, in_dialog=True, exact=False)
    assert app.find(L("views.cancel"), in_dialog=True)
    inits = [c for c in app.client.calls if c[:2] == ("Camera", "initialize")]
    assert inits and inits[0][2]["description"].name == "back-0"
    assert inits[0][2]["enable_audio"] is False
    assert not _file_picker_calls(app)

    app.click(L("views.camera.shutter"))
    app.wait_until(lambda: _photos(data_dir, uuid, CAMERA_ONLY) == [("camera",)],
                   message="the camera picture stored as camera")
    assert app.wait_for_snack(L("views.item.photo_saved"))
    app.wait_until(lambda: not app.find_all(within="camera-view"),
                   message="the camera view to close")
    assert not _file_picker_calls(app)
    assert app.client.next_files, "the file waiting in the picker was never taken"
    stored = shopper.inspections.state(uuid).photos[CAMERA_ONLY]
    assert len(stored) == 1 and stored[0].source == "camera" and stored[0].width == 640


def test_cancel_closes_the_camera_and_stores_nothing(start_app, L, shopper,
                                                     data_dir) -> None:
    app, uuid = _result_section(start_app, shopper)
    _camera(app)
    app.click(on_item(app, ANY_SOURCE, L("views.item.camera")))
    app.wait_until(lambda: app.find_all(L("views.camera.shutter"), enabled_only=True))
    app.click(app.find(L("views.cancel"), in_dialog=True))
    app.wait_until(lambda: not app.find_all(within="camera-view"))
    assert _photos(data_dir, uuid, ANY_SOURCE) == []
    assert not [c for c in app.client.calls if c[:2] == ("Camera", "take_picture")]


def test_no_camera_on_a_camera_only_item_says_so_and_offers_no_gallery(
        start_app, L, shopper, data_dir) -> None:
    app, uuid = _result_section(start_app, shopper)
    _camera(app, cameras=[])
    app.click(on_item(app, CAMERA_ONLY, L("views.item.camera")))
    expected = L("views.camera.no_camera") + L("views.camera.camera_only")
    assert app.wait_for_snack(expected)
    # the sentence stays on the card; no way round it through the gallery
    assert on_item(app, CAMERA_ONLY, expected)
    assert not app.find_all(within="camera-view")
    assert not app.find_all(L("views.item.gallery"), within=f"item-{CAMERA_ONLY}")
    assert not _file_picker_calls(app)
    assert _photos(data_dir, uuid, CAMERA_ONLY) == []
    # the item is still missing: the review says so
    missing = {(p.item_id, p.reason) for p in shopper.inspections.state(uuid).problems}
    assert (CAMERA_ONLY, "photo_required") in missing
    app.go(f"/visit/{uuid}/review")
    label = shopper.inspections.checklist(uuid).items[CAMERA_ONLY].label.zh
    assert any(label in text_of(f) for f in app.find_all(within="missing-list"))


def test_camera_permission_refused_points_to_the_gallery(start_app, L, shopper,
                                                         data_dir) -> None:
    app, uuid = _result_section(start_app, shopper)
    # what camera_web reports in Chromium when camera access is not granted
    _camera(app, init_error="CameraException(CameraAccessDenied, The camera cannot be used "
                            "or the permission to access the camera is not granted.)")
    app.client.pick(PickedFile("IMG_1.jpg", jpeg()))
    app.click(on_item(app, ANY_SOURCE, L("views.item.camera")))
    expected = L("views.camera.denied") + L("views.camera.use_gallery")
    assert app.wait_for_snack(expected)
    assert on_item(app, ANY_SOURCE, expected)
    assert _photos(data_dir, uuid, ANY_SOURCE) == []
    # the way out the sentence points to: a gallery photo, honestly labelled
    app.click(on_item(app, ANY_SOURCE, L("views.item.gallery")))
    app.wait_until(lambda: _photos(data_dir, uuid, ANY_SOURCE) == [("gallery",)])
    app.wait_until(lambda: not app.find_all(expected, within=f"item-{ANY_SOURCE}"),
                   message="the camera sentence to go once a photo is in")


def test_in_english_the_camera_sentence_is_english(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "mystery_shopper", "S-001", lang="en")
    app, _uuid = _result_section(start_app, ws)
    _camera(app, cameras=[])
    app.click(on_item(app, CAMERA_ONLY, L("views.item.camera", "en")))
    assert app.wait_for_snack(L("views.camera.no_camera", "en") + " "
                              + L("views.camera.camera_only", "en"))


# ------------------------------------------------------------------ check-in / check-out


def _position(app, lat: float = 30.25, lon: float = 120.16, accuracy: float = 12.0) -> None:
    app.client.handlers[("Geolocator", "get_current_position")] = lambda _a: {
        "latitude": lat, "longitude": lon, "accuracy": accuracy}


def _checkin(data_dir):
    return db_rows(data_dir, "select checkin_lat, checkin_lon, checkin_accuracy_m "
                             "from inspection")


def test_check_in_records_the_location_when_the_device_gives_it(start_app, L, ws,
                                                                data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app(route="/outlets")
    app.wait_until(lambda: app.view_route == "/outlets")
    _position(app)
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    assert _checkin(data_dir) == [(30.25, 120.16, 12.0)]
    calls = [c for c in app.client.calls if c[0] == "Geolocator"]
    assert [c[1] for c in calls] == ["get_current_position"]


def test_check_in_goes_on_without_a_location_when_refused(start_app, L, ws,
                                                          data_dir) -> None:
    seed_device(ws, "mystery_shopper", "S-001")
    app = start_app(route="/outlets")
    app.wait_until(lambda: app.view_route == "/outlets")

    def refused(_a):
        raise RuntimeError("Location permission denied: User denied Geolocation.")

    app.client.handlers[("Geolocator", "get_current_position")] = refused
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    assert _checkin(data_dir) == [(None, None, None)]
    # silent: nothing said about it, and discreet mode never showed a "locating" line
    assert "位置" not in (app.snack() or "")
    assert not app.sees(L("views.location.checkin"))


def test_check_out_records_the_location(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    uuid = ws.inspections.start("open_inspection", FLAGSHIP)
    fill_passing(ws, uuid)
    app = start_app(route=f"/visit/{uuid}/review")
    app.wait_until(lambda: app.view_route == f"/visit/{uuid}/review")
    _position(app, 30.26, 120.17, 8.0)
    app.click(L("views.review.finalise"))
    app.click(L("views.review.confirm_ok"))
    app.wait_until(lambda: db_rows(data_dir, "select status from inspection where uuid=?",
                                   uuid) == [("finalized",)], message="the visit finalised")
    assert db_rows(data_dir, "select checkout_lat, checkout_lon, checkout_accuracy_m from "
                             "inspection where uuid=?", uuid) == [(30.26, 120.17, 8.0)]


@pytest.mark.parametrize(("role", "shown"), [("area_manager", True),
                                             ("mystery_shopper", False)])
def test_while_locating_a_line_says_so_except_in_discreet_mode(start_app, L, ws, data_dir,
                                                               monkeypatch, role,
                                                               shown) -> None:
    import asyncio

    from app.views import location

    seed_device(ws, role, "X-001")
    app = start_app(route="/outlets")
    app.wait_until(lambda: app.view_route == "/outlets")
    answered = asyncio.Event()
    asked: list[str] = []

    async def slow_position(_app, purpose="location"):
        asked.append(purpose)
        await answered.wait()  # the device has not answered yet
        return None

    monkeypatch.setattr(location, "current", slow_position)
    pick_outlet(app, L, ws, FLAGSHIP)
    assert asked == ["check-in"]
    assert app.view_route == "/outlets"  # waiting for the position (at most 5 s)
    assert app.sees(L("views.location.checkin")) is shown
    pick_outlet(app, L, ws, FLAGSHIP)  # an impatient second tap starts nothing more
    assert asked == ["check-in"]

    answered.set()
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    assert _checkin(data_dir) == [(None, None, None)]


def test_locating_gives_up_after_the_timeout(start_app, L, ws, data_dir,
                                             monkeypatch) -> None:
    """A device that never answers holds the check-in up for LOCATE_TIMEOUT at most."""
    import time

    from app.views import location

    seed_device(ws, "area_manager", "M-001")
    app = start_app(route="/outlets")
    app.wait_until(lambda: app.view_route == "/outlets")
    monkeypatch.setattr(location, "LOCATE_TIMEOUT", 0.3)

    class Silent:
        async def get_current_position(self, configuration=None):
            import asyncio

            await asyncio.sleep(3600)  # no answer, ever

    monkeypatch.setattr(location, "_geolocator", lambda _app: Silent())
    started = time.monotonic()
    pick_outlet(app, L, ws, FLAGSHIP)
    app.wait_until(lambda: app.view_route.startswith("/visit/"), timeout=3)
    assert time.monotonic() - started < 2.5
    assert _checkin(data_dir) == [(None, None, None)]


def test_the_page_keeps_one_gallery_picker_however_often_sections_open(
        start_app, L, shopper, data_dir) -> None:
    """Each card's "从相册选择" had a file picker of its own, a page service that stayed
    registered after the card was drawn again: one more with every section opened, all
    day on a kiosk. The page has one; the card tapped last takes the pick."""
    import flet as ft

    app, uuid = _result_section(start_app, shopper)
    first = shopper.inspections.checklist(uuid).sections[0].id

    def pickers() -> int:
        return sum(isinstance(s, ft.FilePicker) for s in app.page._services._services)

    assert pickers() == 1
    for _ in range(4):
        app.go(f"/visit/{uuid}?s={first}")
        app.wait_until(lambda: not app.find_all(within=f"item-{CAMERA_ONLY}"))
        app.go(f"/visit/{uuid}?s={RESULT}")
        app.wait_until(lambda: app.find_all(within=f"item-{ANY_SOURCE}"))
    assert pickers() == 1
    app.client.pick(PickedFile("IMG_2025.jpg", jpeg(colour=(200, 120, 20))))
    app.click(on_item(app, ANY_SOURCE, L("views.item.gallery")))
    app.wait_until(lambda: _photos(data_dir, uuid, ANY_SOURCE) == [("gallery",)],
                   message="the pick stored on the item whose button was tapped")
