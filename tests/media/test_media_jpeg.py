"""JPEGs that decode "fine" into grey: cut short and closed with an EOI marker, or with a
header that claims far more pixels than the data holds. Each damaged file is made fresh
here from a photo-like image (and from the real corpus), then fed to intake; intact
variants (progressive, restart markers, greyscale, a trailer after EOI) must still pass."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from app.errors import UserError
from app.media import intake_photo
from app.media.jpeg import bottom_never_sent, read_layout, strict_stream

from .imaging import all_files, detailed_photo, encode

EOI = b"\xff\xd9"


def _photo(size: tuple[int, int] = (960, 720), **params: object) -> bytes:
    return encode(detailed_photo(size), "JPEG", quality=88, **params)


def _cut_closed(data: bytes, fraction: float) -> bytes:
    """The first `fraction` of the file, closed with an end-of-image marker."""
    body = data[: int(len(data) * fraction)]
    if body.endswith(b"\xff"):  # keep the EOI a marker, not a stuffed byte
        body = body[:-1]
    return body + EOI


def _lying_header(data: bytes, width: int, height: int) -> bytes:
    """The same data under a start-of-frame that declares `width` x `height`."""
    pos = 2
    while True:
        marker, length = data[pos + 1], struct.unpack_from(">H", data, pos + 2)[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return (data[: pos + 5] + struct.pack(">HH", height, width)
                    + data[pos + 9 :])
        pos += 2 + length


def _decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.convert("RGB")


def _refused(data: bytes, store: Path) -> UserError:
    with pytest.raises(UserError) as caught:
        intake_photo(data, store, source_kind="gallery")
    assert caught.value.key == "media.damaged"
    assert "重新拍照" in caught.value.message("zh")  # asks for a new photo
    assert "Take the photo again" in caught.value.message("en")
    assert all_files(store) == []  # nothing stored
    return caught.value


@pytest.mark.parametrize("fraction", [0.1, 0.35, 0.6, 0.9, 0.99])
def test_a_baseline_jpeg_cut_and_closed_with_eoi_is_refused(store: Path,
                                                            fraction: float) -> None:
    damaged = _cut_closed(_photo(), fraction)
    # what Pillow alone makes of it: a photo of the full size, grey below the cut
    grey = _decoded(damaged)
    assert grey.size == (960, 720) and grey.getpixel((959, 719)) == (128, 128, 128)
    _refused(damaged, store)


def test_a_real_phone_photo_cut_and_closed_with_eoi_is_refused(corpus: Path,
                                                               store: Path) -> None:
    for name in ("Landscape_1.jpg", "Portrait_6.jpg"):
        _refused(_cut_closed((corpus / name).read_bytes(), 0.5), store)


@pytest.mark.parametrize("fraction", [0.02, 0.12, 0.3, 0.42])
def test_a_progressive_jpeg_cut_and_closed_with_eoi_is_refused(store: Path,
                                                               fraction: float) -> None:
    _refused(_cut_closed(_photo(progressive=True), fraction), store)


@pytest.mark.parametrize("progressive", [False, True])
def test_a_header_claiming_far_more_pixels_than_its_data_is_refused(store: Path,
                                                                    progressive: bool) -> None:
    small = _photo((400, 300), progressive=progressive)
    lying = _lying_header(small, 4000, 3000)
    assert _decoded(lying).size == (4000, 3000)  # Pillow pads it with grey
    _refused(lying, store)


def test_a_header_lying_only_a_little_is_refused_too(store: Path) -> None:
    _refused(_lying_header(_photo((640, 480)), 640, 496), store)  # one 16-pixel row more


@pytest.mark.parametrize("params", [
    {},
    {"progressive": True},
    {"restart_marker_rows": 1},
    {"subsampling": 0},
    {"optimize": True},
], ids=["baseline", "progressive", "restart-markers", "4:4:4", "optimized-huffman"])
def test_complete_jpegs_are_stored_with_their_own_pixels(store: Path,
                                                         params: dict[str, object]) -> None:
    data = _photo((800, 600), **params)
    stored = intake_photo(data, store, source_kind="camera", max_edge=800)
    assert (stored.width, stored.height) == (800, 600)
    # the strict decode sees the same pixels as a plain one
    with Image.open(stored.path) as kept:
        plain = _decoded(data)
        assert max(abs(a - b) for a, b in zip(kept.convert("RGB").getpixel((400, 300)),
                                               plain.getpixel((400, 300)), strict=True)) < 12


def test_a_greyscale_jpeg_and_one_with_a_trailer_after_eoi_are_accepted(store: Path) -> None:
    grey = encode(detailed_photo((500, 400)).convert("L"), "JPEG", quality=85)
    intake_photo(grey, store, source_kind="gallery")
    # phones append data after the EOI (a motion photo's video, a maker's trailer)
    trailer = _photo((500, 400)) + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    intake_photo(trailer, store, source_kind="camera")


def test_every_corpus_photo_still_passes(corpus: Path, store: Path) -> None:
    for path in sorted(corpus.glob("*.jpg")):
        intake_photo(path, store, source_kind="camera", max_edge=320)


def test_a_flat_mid_grey_picture_that_is_complete_is_accepted(store: Path) -> None:
    """A camera JPEG is judged by its data, not by its colour."""
    flat = encode(Image.new("RGB", (320, 240), (128, 128, 128)), "JPEG", quality=90)
    stored = intake_photo(flat, store, source_kind="camera")
    assert stored.width == 320


def test_layout_of_a_camera_jpeg() -> None:
    data = _photo((320, 240))
    layout = read_layout(data)
    assert layout is not None and layout.sof == 0xC0 and layout.one_sequential_scan
    assert layout.eoi == len(data) - 2 and len(layout.frame_components) == 3
    stream, _ = strict_stream(data)
    assert stream.startswith(data[: layout.eoi]) and EOI not in stream[layout.eoi :]


def test_layout_of_a_progressive_jpeg_and_its_missing_scans() -> None:
    data = _photo((320, 240), progressive=True)
    layout = read_layout(data)
    assert layout is not None and layout.progressive and len(layout.scans) > 3
    assert not layout.coefficients_missing()
    assert strict_stream(data)[0] == data  # decoded as it is
    cut = read_layout(_cut_closed(data, 0.3))
    assert cut is not None and cut.coefficients_missing()


def test_layout_of_a_file_without_eoi_and_of_garbage() -> None:
    data = _photo((320, 240))
    layout = read_layout(data[: len(data) // 2])
    assert layout is not None and layout.eoi is None
    assert strict_stream(data[:100])[0] == data[:100]
    assert read_layout(b"not a jpeg") is None
    assert read_layout(b"\xff\xd8garbage") is None


def test_bottom_never_sent() -> None:
    im = detailed_photo((64, 48))
    assert not bottom_never_sent(im)
    im.paste((128, 128, 128), (0, 40, 64, 48))
    assert bottom_never_sent(im)
    assert bottom_never_sent(Image.new("L", (8, 8), 128))
    assert not bottom_never_sent(Image.new("RGBA", (8, 8), (128, 128, 128, 255)))
