"""What intake refuses: a clear UserError in both languages, and nothing left on disk."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from app.errors import UserError
from app.i18n import t
from app.i18n.catalog.media import MESSAGES
from app.media import intake_photo, read_photo_meta
from app.media.formats import sniff

from .imaging import all_files, detailed_photo, encode, png_declaring, two_tone


def _truncated_jpeg(corpus: Path) -> bytes:
    data = (corpus / "Landscape_1.jpg").read_bytes()
    return data[: len(data) // 2]


def _truncated_png(_corpus: Path) -> bytes:
    data = encode(detailed_photo((300, 200)), "PNG")
    return data[: len(data) // 2]


def _bomb_png(_corpus: Path) -> bytes:
    """20000 x 20000 = 400 MP declared in a PNG of under 100 bytes."""
    data = png_declaring(20000, 20000)
    assert len(data) < 100
    return data


def _jpeg_header_then_garbage(_corpus: Path) -> bytes:
    return b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
TEXT = "巡检记录：门店整洁。\nnot a photo\n".encode()

CASES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "empty": (lambda _c: b"", "media.empty"),
    "text": (lambda _c: TEXT, "media.not_an_image"),
    "pdf": (lambda _c: PDF, "media.not_an_image"),
    "mp4 video": (lambda _c: MP4, "media.not_an_image"),
    "truncated jpeg": (_truncated_jpeg, "media.damaged"),
    "truncated png": (_truncated_png, "media.damaged"),
    "jpeg header, garbage body": (_jpeg_header_then_garbage, "media.damaged"),
    "decompression bomb": (_bomb_png, "media.too_many_pixels"),
    "gif": (lambda _c: encode(two_tone(), "GIF"), "media.unsupported_format"),
    "bmp": (lambda _c: encode(two_tone(), "BMP"), "media.unsupported_format"),
    "tiff": (lambda _c: encode(two_tone(), "TIFF"), "media.unsupported_format"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_a_user_error_and_nothing_written(
    case: str, corpus: Path, tmp_path: Path
) -> None:
    make, key = CASES[case]
    data = make(corpus)
    source = tmp_path / "upload.bin"
    source.write_bytes(data)
    store = tmp_path / "store"
    existing = tmp_path / "existing-store"
    existing.mkdir()

    for given in (data, source):
        for target in (store, existing):
            with pytest.raises(UserError) as caught:
                intake_photo(given, target, source_kind="gallery")
            assert caught.value.key == key
    assert not store.exists()  # not even a directory
    assert all_files(existing) == [] and list(existing.iterdir()) == []

    for lang in ("zh", "en"):
        text = caught.value.message(lang)
        assert text != key and "{" not in text
    assert caught.value.message("zh") != caught.value.message("en")


def test_truncated_jpeg_is_refused_not_padded(corpus: Path, store: Path) -> None:
    """Pillow would happily return a half-grey photo if truncation were tolerated."""
    data = _truncated_jpeg(corpus)
    with Image.open(io.BytesIO(data)) as im:  # the header alone looks perfectly fine
        assert im.size == (1200, 1800) or im.size == (1800, 1200)
    with pytest.raises(UserError, match="damaged or incomplete"):
        intake_photo(data, store, source_kind="camera")


def test_unsupported_format_names_the_format(store: Path) -> None:
    with pytest.raises(UserError) as caught:
        intake_photo(encode(two_tone(), "GIF"), store, source_kind="gallery")
    assert caught.value.params == {"format": "GIF"}
    assert "GIF" in caught.value.message("en") and "GIF" in caught.value.message("zh")


def test_our_pixel_cap_is_a_parameter(store: Path) -> None:
    data = encode(two_tone((300, 200)), "PNG")
    with pytest.raises(UserError) as caught:
        intake_photo(data, store, source_kind="gallery", max_pixels=50_000)
    assert caught.value.key == "media.too_many_pixels"
    assert caught.value.params == {"limit_mp": "0"}
    assert intake_photo(data, store, source_kind="gallery", max_pixels=60_000).width == 300


def test_pixel_cap_below_pillows_own_limit(store: Path) -> None:
    """72 MP: under Pillow's bomb threshold (89 MP), over our default 64 MP."""
    data = png_declaring(9000, 8000)
    with pytest.raises(UserError) as caught:
        intake_photo(data, store, source_kind="gallery")
    assert caught.value.key == "media.too_many_pixels"
    assert caught.value.params == {"limit_mp": "64"}
    assert not store.exists()


def test_byte_cap_refuses_before_reading(tmp_path: Path, store: Path) -> None:
    big = tmp_path / "huge.jpg"
    with open(big, "wb") as fh:  # sparse: 41 MB on paper, nothing on disk
        fh.truncate(41 * 1024 * 1024)
    with pytest.raises(UserError) as caught:
        intake_photo(big, store, source_kind="gallery")
    assert caught.value.key == "media.too_large"
    assert caught.value.params == {"size_mb": "41.0", "limit_mb": "40.0"}

    with pytest.raises(UserError) as caught:
        intake_photo(encode(two_tone(), "JPEG"), store, source_kind="gallery", max_bytes=100)
    assert caught.value.key == "media.too_large"
    assert not store.exists()


@pytest.mark.parametrize("name", ["missing.jpg", "."])
def test_unreadable_path(tmp_path: Path, store: Path, name: str) -> None:
    with pytest.raises(UserError) as caught:
        intake_photo(tmp_path / name, store, source_kind="gallery")
    assert caught.value.key == "media.unreadable"


def test_read_photo_meta_refuses_the_same_way(store: Path) -> None:
    with pytest.raises(UserError) as caught:
        read_photo_meta(b"%PDF-1.4\n")
    assert caught.value.key == "media.not_an_image"
    with pytest.raises(UserError) as caught:
        read_photo_meta(b"")
    assert caught.value.key == "media.empty"


@pytest.mark.parametrize(
    ("head", "accepted", "other"),
    [
        (b"\xff\xd8\xff\xe1....Exif", "jpeg", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png", None),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp", None),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif", None),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf", "heif", None),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", None, "AVIF"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf", None, "AVIF"),
        (b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom", None, "CR3 (RAW)"),
        (b"GIF89a\x01\x00", None, "GIF"),
        (b"II*\x00\x08\x00\x00\x00", None, "TIFF / RAW"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', None, "SVG"),
        (b"%PDF-1.7", None, None),
        (b"PK\x03\x04", None, None),
        (b"", None, None),
    ],
)
def test_sniffing(head: bytes, accepted: str | None, other: str | None) -> None:
    found = sniff(head)
    assert (found.accepted, found.other_image) == (accepted, other)


def test_catalogue_keys_and_languages() -> None:
    assert MESSAGES, "media messages exist"
    for key, (zh, en) in MESSAGES.items():
        assert key.startswith("media.")
        assert t(key, "zh") == zh != key and t(key, "en") == en != key
        assert zh != en


def test_pillows_bomb_warning_zone_is_refused_even_when_warnings_are_errors(store: Path) -> None:
    """100 MP: Pillow only warns (89-179 MP); we refuse, whatever the warning filters say."""
    data = png_declaring(10000, 10000)
    for as_error in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("error" if as_error else "ignore", Image.DecompressionBombWarning)
            with pytest.raises(UserError) as caught:
                intake_photo(data, store, source_kind="gallery")
        assert caught.value.key == "media.too_many_pixels"
    assert not store.exists()
