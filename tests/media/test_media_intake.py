"""Photo intake: orientation, size, metadata stripping, formats, capture time, dedupe."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile, ImageOps, JpegImagePlugin

import app.media.intake as intake_module
from app.media import StoredPhoto, intake_photo, read_photo_meta, sha256_file

from .imaging import (
    all_files,
    detailed_photo,
    encode,
    exif_bytes,
    grey_diff,
    jpeg_markers,
    two_tone,
)

KINDS = ("Landscape", "Portrait")
# max_edge -> expected upright size of (Landscape, Portrait): 2000 keeps the corpus' 1800 px.
SIZES = {
    2000: {"Landscape": (1800, 1200), "Portrait": (1200, 1800)},
    1600: {"Landscape": (1600, 1067), "Portrait": (1067, 1600)},
}
# JPEG markers allowed in our output: SOI-adjacent JFIF APP0, tables, frame, scan. No APP1
# (EXIF/XMP), APP2 (ICC), APP13 (IPTC) or COM.
ALLOWED_MARKERS = {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD, 0xDA}


def _open(path: Path) -> Image.Image:
    im = Image.open(path)
    im.load()
    return im


@pytest.fixture(scope="module")
def references(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, int], Image.Image]:
    """Each kind's `_0` photo (no orientation tag) processed by intake at each max_edge."""
    out: dict[tuple[str, int], Image.Image] = {}
    for kind in KINDS:
        for edge in SIZES:
            store = tmp_path_factory.mktemp(f"ref-{kind}-{edge}")
            stored = intake_photo(
                corpus / f"{kind}_0.jpg", store, max_edge=edge, source_kind="gallery"
            )
            out[kind, edge] = _open(stored.path)
    return out


# ---------------------------------------------------------------------------------------------
# Orientation and size, on real phone photos


def _pillow_upright(path: Path, size: tuple[int, int]) -> Image.Image:
    """The corpus photo as Pillow itself orients it (lossless up to here), at `size`."""
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im)
        return upright if upright.size == size else upright.resize(size, Image.Resampling.LANCZOS)


@pytest.mark.parametrize("edge", sorted(SIZES))
@pytest.mark.parametrize("n", range(9))
@pytest.mark.parametrize("kind", KINDS)
def test_real_photos_come_out_upright_and_sized(
    corpus: Path, store: Path, references: dict, kind: str, n: int, edge: int
) -> None:
    stored = intake_photo(corpus / f"{kind}_{n}.jpg", store, max_edge=edge, source_kind="camera")

    expected = SIZES[edge][kind]
    assert (stored.width, stored.height) == expected
    out = _open(stored.path)
    assert out.size == expected and out.mode == "RGB" and out.format == "JPEG"
    # The corpus README's bound (< 4) is for the decoded originals, whose twins already
    # differ by up to 3.95 (each was JPEG-compressed in its own orientation); re-encoding
    # both sides at quality 85 adds up to ~0.75. So: below 4.5, and at most 1.0 worse than
    # the same pair as Pillow itself reads them. (Ignoring orientation gives 40-85 or the
    # wrong shape: see the next test.)
    inherent = grey_diff(
        _pillow_upright(corpus / f"{kind}_{n}.jpg", expected),
        _pillow_upright(corpus / f"{kind}_0.jpg", expected),
    )
    diff = grey_diff(out, references[kind, edge])
    assert diff < 4.5
    assert diff < inherent + 1.0


@pytest.mark.parametrize("n", range(2, 9))
@pytest.mark.parametrize("kind", KINDS)
def test_orientation_check_fails_when_orientation_is_ignored(
    corpus: Path,
    store: Path,
    references: dict,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    n: int,
) -> None:
    """Proof the test above can fail: skip the transpose and the photos no longer match."""
    monkeypatch.setattr(intake_module, "_UPRIGHT", {})
    stored = intake_photo(corpus / f"{kind}_{n}.jpg", store, source_kind="camera")

    out = _open(stored.path)
    reference = references[kind, 1600]
    assert out.size != reference.size or grey_diff(out, reference) > 20


def test_corpus_behaves_as_its_readme_says(corpus: Path) -> None:
    """Pillow's own reading of the corpus: tag N on each file, sizes after exif_transpose."""
    for kind in KINDS:
        for n in range(9):
            with Image.open(corpus / f"{kind}_{n}.jpg") as im:
                assert im.getexif().get(0x0112, 0) == n
                assert ImageOps.exif_transpose(im).size == SIZES[2000][kind]


def test_never_enlarges_and_makes_a_thumbnail(store: Path) -> None:
    small = intake_photo(encode(two_tone((300, 200)), "JPEG"), store, source_kind="camera")
    assert (small.width, small.height) == (300, 200)
    assert _open(small.thumb_path).size == (300, 200)  # smaller than thumb_edge: kept

    big = intake_photo(
        encode(two_tone((1000, 400)), "PNG"), store, source_kind="gallery", thumb_edge=100
    )
    assert (big.width, big.height) == (1000, 400)
    assert _open(big.thumb_path).size == (100, 40)
    assert big.thumb_path == store / "thumbs" / big.sha256[:2] / f"{big.sha256}.jpg"
    assert big.path == store / big.sha256[:2] / f"{big.sha256}.jpg"


# ---------------------------------------------------------------------------------------------
# Large JPEGs: the fast path must match the naive one


def test_large_jpeg_is_decoded_in_draft_mode_and_matches_the_naive_way(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = encode(detailed_photo((3300, 2200)), "JPEG", quality=90, exif=exif_bytes(orientation=6))
    drafts: list[tuple[str | None, tuple[int, int] | None, tuple[int, int]]] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def recording_draft(
        self: JpegImagePlugin.JpegImageFile,
        mode: str | None,
        size: tuple[int, int] | None,
    ) -> tuple[str, tuple[int, int, float, float]] | None:
        result = original(self, mode, size)
        drafts.append((mode, size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", recording_draft)
    stored = intake_photo(data, store, source_kind="camera")

    # Asked for exactly the target (in stored orientation) and got 1/2 scale: never below it.
    assert drafts == [("RGB", (1600, 1067), (1650, 1100))]
    with Image.open(io.BytesIO(data)) as im:
        naive = ImageOps.exif_transpose(im).resize((1067, 1600), Image.Resampling.LANCZOS)
    assert (stored.width, stored.height) == (1067, 1600)
    # Against the naive pixels, ours may differ only by what any quality-85 encode costs.
    encode_noise = grey_diff(Image.open(io.BytesIO(encode(naive, "JPEG", quality=85))), naive)
    assert grey_diff(_open(stored.path), naive) < encode_noise + 0.5


def test_banded_resample_matches_one_piece_resample(monkeypatch: pytest.MonkeyPatch) -> None:
    photo = detailed_photo((2000, 1500))
    banded = intake_module._resample(photo, (1600, 1200))
    monkeypatch.setattr(intake_module, "_BANDS", 1)
    whole = intake_module._resample(photo, (1600, 1200))
    assert banded.size == whole.size == (1600, 1200)
    assert grey_diff(banded, whole) < 0.5
    # no seam where the bands meet
    seam = grey_diff(banded.crop((0, 595, 1600, 605)), whole.crop((0, 595, 1600, 605)))
    assert seam < 0.5


def test_banded_resample_with_a_box_reduce_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big PNG shrunk 7.5x: Pillow box-reduces each band before LANCZOS; still seamless."""
    photo = detailed_photo((3000, 2000))
    monkeypatch.setattr(intake_module, "_BANDS_MIN_PIXELS", 0)
    banded = intake_module._resample(photo, (400, 267))
    monkeypatch.setattr(intake_module, "_BANDS", 1)
    whole = intake_module._resample(photo, (400, 267))
    assert banded.size == whole.size == (400, 267)
    assert grey_diff(banded, whole) < 0.5


# ---------------------------------------------------------------------------------------------
# No metadata leaves the device


def test_all_metadata_is_stripped(store: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        two_tone((400, 300)),
        "JPEG",
        exif=exif_bytes(orientation=6, taken="2024:03:05 14:30:15", gps=True),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
        comment=b"inspector phone 138-0000-0000",
        icc_profile=srgb,
        dpi=(300, 300),
    )
    with Image.open(io.BytesIO(data)) as src:  # the input really carries all of it
        assert {"exif", "xmp", "comment", "icc_profile"} <= set(src.info)

    stored = intake_photo(data, store, source_kind="camera")

    for path in (stored.path, stored.thumb_path):
        raw = path.read_bytes()
        assert set(jpeg_markers(raw)) <= ALLOWED_MARKERS, [hex(m) for m in jpeg_markers(raw)]
        for needle in (b"Exif\x00\x00", b"PhoneMaker", b"adobe:ns:meta", b"138-0000", b"ICC_"):
            assert needle not in raw
        with Image.open(path) as out:
            assert len(out.getexif()) == 0
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(out.info)


def test_real_phone_photo_exif_is_stripped(corpus: Path, store: Path) -> None:
    with Image.open(corpus / "Portrait_6.jpg") as src:
        assert "exif" in src.info
    stored = intake_photo(corpus / "Portrait_6.jpg", store, source_kind="gallery")
    with Image.open(stored.path) as out:
        assert len(out.getexif()) == 0 and "exif" not in out.info


# ---------------------------------------------------------------------------------------------
# Formats


def test_png_with_alpha_is_flattened_on_white(store: Path) -> None:
    im = Image.new("RGBA", (400, 300), (0, 0, 0, 0))  # transparent black
    im.paste((200, 0, 0, 255), (200, 0, 400, 300))  # right half opaque red
    stored = intake_photo(encode(im, "PNG"), store, source_kind="gallery")

    assert stored.original_format == "png"
    out = _open(stored.path)
    assert out.mode == "RGB"
    assert all(c >= 250 for c in out.getpixel((50, 150)))  # white, not black
    r, g, b = out.getpixel((350, 150))
    assert r > 180 and g < 30 and b < 30


def test_paletted_png_with_transparency_is_flattened_on_white(store: Path) -> None:
    im = Image.new("P", (64, 64), 0)
    im.putpalette([0, 0, 0, 0, 160, 0] + [0] * 762)
    im.paste(1, (32, 0, 64, 64))
    stored = intake_photo(encode(im, "PNG", transparency=0), store, source_kind="gallery")
    out = _open(stored.path)
    assert all(c >= 250 for c in out.getpixel((8, 32)))
    assert out.getpixel((56, 32))[1] > 130


def test_16_bit_grey_png_keeps_its_grey_levels(store: Path) -> None:
    im = Image.new("I;16", (64, 64), 32768)  # mid grey in 16 bits
    stored = intake_photo(encode(im, "PNG"), store, source_kind="gallery")
    level = _open(stored.path).convert("L").getpixel((32, 32))
    assert 120 <= level <= 136  # not clipped to white


def test_webp_is_accepted_and_its_orientation_applied(store: Path) -> None:
    data = encode(two_tone(), "WEBP", quality=90, exif=exif_bytes(orientation=6))
    stored = intake_photo(data, store, source_kind="gallery")
    assert stored.original_format == "webp"
    out = _open(stored.path)
    assert out.size == (160, 240)
    # orientation 6 = rotate 90° clockwise: the blue left half ends up on top
    assert out.getpixel((80, 40))[2] > 150 and out.getpixel((80, 200))[0] > 150


def test_heic_made_with_pillow_heif_is_accepted(store: Path) -> None:
    import pillow_heif  # a runtime dependency: HEIC is what iPhones take
    pillow_heif.register_heif_opener()
    exif = exif_bytes(orientation=6, taken="2024:03:05 14:30:15", offset="+08:00", gps=True)
    data = encode(two_tone(), "HEIF", quality=90, exif=exif)
    assert data[4:12] == b"ftypheic"

    stored = intake_photo(data, store, source_kind="camera")

    assert stored.original_format == "heif"
    assert stored.captured_at == datetime(2024, 3, 5, 6, 30, 15, tzinfo=UTC)
    out = _open(stored.path)
    assert out.format == "JPEG" and out.size == (160, 240)  # rotated exactly once
    assert out.getpixel((80, 40))[2] > 150 and out.getpixel((80, 200))[0] > 150
    assert len(out.getexif()) == 0


def test_cmyk_and_grey_jpegs_become_rgb(store: Path) -> None:
    cmyk = intake_photo(encode(two_tone().convert("CMYK"), "JPEG"), store, source_kind="camera")
    grey = intake_photo(encode(two_tone().convert("L"), "JPEG"), store, source_kind="camera")
    for stored in (cmyk, grey):
        assert _open(stored.path).mode == "RGB"
    red, _green, blue = _open(cmyk.path).getpixel((200, 80))
    assert red > 150 and blue < 90


def test_an_unusable_colour_profile_is_ignored(store: Path) -> None:
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # not an RGB profile
    stored = intake_photo(encode(two_tone(), "JPEG", icc_profile=lab), store, source_kind="camera")
    out = _open(stored.path)
    assert "icc_profile" not in out.info
    assert out.getpixel((200, 80))[0] > 150


# ---------------------------------------------------------------------------------------------
# Capture time


def test_captured_at_comes_from_exif_with_offset(store: Path) -> None:
    exif = exif_bytes(taken="2024:03:05 14:30:15", offset="+08:00", subsec="25")
    stored = intake_photo(encode(two_tone(), "JPEG", exif=exif), store, source_kind="camera")
    assert stored.captured_at == datetime(2024, 3, 5, 6, 30, 15, 250000, tzinfo=UTC)

    exif = exif_bytes(taken="2024:03:05 14:30:15", offset="-03:30")
    stored = intake_photo(encode(two_tone(), "JPEG", exif=exif), store, source_kind="camera")
    assert stored.captured_at == datetime(2024, 3, 5, 18, 0, 15, tzinfo=UTC)


def test_captured_at_without_offset_is_device_local_time(store: Path) -> None:
    exif = exif_bytes(taken="2024:03:05 14:30:15")
    stored = intake_photo(encode(two_tone(), "JPEG", exif=exif), store, source_kind="camera")
    assert stored.captured_at == datetime(2024, 3, 5, 14, 30, 15).astimezone(UTC)
    assert stored.captured_at.tzinfo is UTC


def test_captured_at_given_wins_and_is_returned_in_utc(store: Path) -> None:
    exif = exif_bytes(taken="2024:03:05 14:30:15", offset="+08:00")
    given = datetime(2025, 1, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    stored = intake_photo(
        encode(two_tone(), "JPEG", exif=exif), store, source_kind="camera", captured_at=given
    )
    assert stored.captured_at == datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
    assert stored.captured_at.tzinfo is UTC


@pytest.mark.parametrize("taken", [None, "0000:00:00 00:00:00", "    ", "garbage"])
def test_captured_at_falls_back_to_now(store: Path, taken: str | None) -> None:
    before = datetime.now(UTC)
    exif = exif_bytes(taken=taken)
    stored = intake_photo(encode(two_tone(), "JPEG", exif=exif), store, source_kind="camera")
    assert before <= stored.captured_at <= datetime.now(UTC)


def test_programming_errors_are_not_user_errors(store: Path) -> None:
    data = encode(two_tone(), "JPEG")
    with pytest.raises(ValueError, match="timezone-aware"):
        intake_photo(data, store, source_kind="camera", captured_at=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="source_kind"):
        intake_photo(data, store, source_kind="scanner")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        intake_photo(data, store, source_kind="camera", max_edge=0)
    assert all_files(store) == []


# ---------------------------------------------------------------------------------------------
# Content addressing


def test_same_photo_twice_is_stored_once_without_rewriting(
    corpus: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    first = intake_photo(corpus / "Landscape_3.jpg", store, source_kind="camera", captured_at=when)
    stats = {p: os.stat(p) for p in (first.path, first.thumb_path)}

    def no_writes(*_args: object) -> None:
        raise AssertionError("an already stored photo must not be rewritten")

    monkeypatch.setattr(intake_module, "write_atomic", no_writes)
    again = intake_photo(
        (corpus / "Landscape_3.jpg").read_bytes(), store, source_kind="camera", captured_at=when
    )

    assert again == first
    assert isinstance(again, StoredPhoto)
    for path, st in stats.items():
        now = os.stat(path)
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    assert all_files(store) == sorted([first.path, first.thumb_path])


def test_a_damaged_stored_copy_is_replaced(corpus: Path, store: Path) -> None:
    first = intake_photo(corpus / "Landscape_1.jpg", store, source_kind="camera")
    first.path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)  # bit rot / a bad sector
    first.thumb_path.unlink()

    again = intake_photo(corpus / "Landscape_1.jpg", store, source_kind="camera")

    assert again.sha256 == first.sha256
    assert sha256_file(again.path) == again.sha256
    assert again.thumb_path.is_file()


def test_returned_facts_match_the_file_on_disk(corpus: Path, store: Path) -> None:
    stored = intake_photo(corpus / "Portrait_8.jpg", store, source_kind="gallery")
    assert stored.path.is_file() and stored.thumb_path.is_file()
    assert stored.size_bytes == stored.path.stat().st_size
    assert stored.sha256 == sha256_file(stored.path)
    assert stored.source_kind == "gallery" and stored.original_format == "jpeg"


def test_truncated_images_stay_refused_globally() -> None:
    """Pillow pads truncated images with grey when this is True; nobody may turn it on."""
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# ---------------------------------------------------------------------------------------------
# read_photo_meta


def test_read_photo_meta_reports_upright_size_and_capture_time(corpus: Path) -> None:
    meta = read_photo_meta(corpus / "Portrait_6.jpg")
    assert (meta.format, meta.width, meta.height, meta.orientation) == ("jpeg", 1200, 1800, 6)
    assert meta.captured_at is None
    assert meta.size_bytes == (corpus / "Portrait_6.jpg").stat().st_size

    exif = exif_bytes(orientation=8, taken="2024:03:05 14:30:15", offset="+08:00")
    meta = read_photo_meta(encode(two_tone(), "PNG", exif=exif))
    assert (meta.format, meta.width, meta.height, meta.orientation) == ("png", 160, 240, 8)
    assert meta.captured_at == datetime(2024, 3, 5, 6, 30, 15, tzinfo=UTC)
