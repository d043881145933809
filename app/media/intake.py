"""Photo intake: turn whatever a phone hands us into a small, upright, metadata-free JPEG.

Inspectors attach photos as evidence. What we keep must be (1) upright however the phone
was held, (2) small enough to sync over a mobile connection, (3) free of EXIF/GPS/XMP so
that evidence shared with an outlet does not leak where or on which device it was taken,
and (4) named by the SHA-256 of its bytes, so the same photo is stored once and the sync
layer can verify a file end to end. This module is pure file work: it never touches the
database; the store layer records the returned `StoredPhoto` after this function returns,
which is only once both files are durable on disk.

Anything wrong with the input (not an image, an unsupported format, a damaged or
truncated file, too many bytes or pixels) is refused with a `UserError` before anything is
written, so a refusal never leaves a file behind.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageCms

from app.errors import UserError
from app.media.files import ensure_dir, fsync_existing, sha256_file, write_atomic
from app.media.formats import PILLOW_FORMAT, PhotoFormat, sniff
from app.media.jpeg import bottom_never_sent, strict_stream

log = logging.getLogger(__name__)

SourceKind = Literal["camera", "gallery"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("camera", "gallery")

DEFAULT_MAX_EDGE = 1600
DEFAULT_THUMB_EDGE = 320
DEFAULT_JPEG_QUALITY = 85
DEFAULT_MAX_BYTES = 40 * 1024 * 1024
DEFAULT_MAX_PIXELS = 64_000_000

THUMBS_DIR = "thumbs"
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_SNIFF_BYTES = 4096
_WHITE = (255, 255, 255)
# LANCZOS, as a naive resize would use. BICUBIC (Pillow's thumbnail default) costs ~25% less
# for this step and is near-identical at the <2x scale left after a JPEG draft.
_RESAMPLE = Image.Resampling.BICUBIC
_BANDS = 2  # fixed, so the output (and its hash) does not depend on the device's core count
_BANDS_MIN_PIXELS = 1_000_000  # below this, handing work to a thread costs more than it saves

# EXIF tags (IFD0 and the Exif sub-IFD).
_TAG_ORIENTATION = 0x0112
_TAG_EXIF_IFD = 0x8769
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TAG_SUBSEC_TIME_ORIGINAL = 0x9291

# EXIF orientation -> the transpose that makes the pixels upright (as ImageOps.exif_transpose).
_UPRIGHT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# A JPEG cut short must be refused, not padded with grey. Pillow pads only when the global
# `ImageFile.LOAD_TRUNCATED_IMAGES` is True: we never set it, and a test checks it is False.
# libjpeg pads by itself when the cut file is closed with an EOI marker: see app.media.jpeg.

_heif_lock = threading.Lock()
_heif_state: dict[str, bool] = {}
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    """A photo as stored: what the store layer records once `intake_photo` has returned."""

    sha256: str
    path: Path
    thumb_path: Path
    width: int
    height: int
    size_bytes: int
    captured_at: datetime  # UTC
    source_kind: SourceKind
    original_format: PhotoFormat


@dataclass(frozen=True, slots=True)
class PhotoMeta:
    """What a photo file declares about itself, read from its header without decoding."""

    format: PhotoFormat
    width: int  # upright, i.e. after the EXIF orientation
    height: int
    orientation: int  # EXIF orientation 1..8 (1 when absent)
    captured_at: datetime | None  # from EXIF DateTimeOriginal, in UTC
    size_bytes: int


def photo_paths(store_dir: Path, sha256: str) -> tuple[Path, Path]:
    """Where the photo and its thumbnail with this hash live under `store_dir`.

    The hash is checked strictly, because it may come from sync data: a crafted value must
    not be able to point outside the store.
    """
    if not _SHA_RE.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    name = f"{sha256}.jpg"
    return store_dir / sha256[:2] / name, store_dir / THUMBS_DIR / sha256[:2] / name


def register_heif() -> bool:
    """Teach Pillow to open HEIC/HEIF (iPhone photos) once per process; False if unavailable."""
    with _heif_lock:
        if "ok" not in _heif_state:
            try:
                import pillow_heif
            except ImportError:
                _heif_state["ok"] = False
            else:
                # Embedded thumbnails are used by draft() only when they are a true scaled copy.
                pillow_heif.register_heif_opener()
                _heif_state["ok"] = True
        return _heif_state["ok"]


# --------------------------------------------------------------------------------------------
# Reading and checking the input


def _read_source(source: bytes | Path, max_bytes: int) -> bytes:
    """The input's bytes, refusing empty and oversized input before reading it all."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        try:
            size = Path(source).stat().st_size
            if size > max_bytes:
                raise UserError("media.too_large", size_mb=_mb(size), limit_mb=_mb(max_bytes))
            with open(source, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise UserError("media.unreadable") from exc
    if not data:
        raise UserError("media.empty")
    if len(data) > max_bytes:
        raise UserError("media.too_large", size_mb=_mb(len(data)), limit_mb=_mb(max_bytes))
    return data


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def _mp(n: int) -> str:
    return f"{n / 1_000_000:.0f}"


def _pixel_limit(max_pixels: int) -> int:
    """Our cap, but never above Pillow's own (above it Pillow warns or refuses by itself)."""
    if Image.MAX_IMAGE_PIXELS is None:
        return max_pixels
    return min(max_pixels, Image.MAX_IMAGE_PIXELS)


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, PhotoFormat]:
    """Open (header only) an accepted format, refusing anything else with a clear reason."""
    sniffed = sniff(data[:_SNIFF_BYTES])
    if sniffed.other_image is not None:
        raise UserError("media.unsupported_format", format=sniffed.other_image)
    fmt = sniffed.accepted
    if fmt is None:
        raise UserError("media.not_an_image")
    if fmt == "heif" and not register_heif():
        raise UserError("media.unsupported_format", format="HEIC")

    limit = _pixel_limit(max_pixels)
    limit_mp = _mp(limit)
    try:
        im = Image.open(io.BytesIO(data), formats=[PILLOW_FORMAT[fmt]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UserError("media.too_many_pixels", limit_mp=limit_mp) from exc
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError) as exc:
        raise UserError("media.damaged") from exc
    width, height = im.size
    if width < 1 or height < 1:
        im.close()
        raise UserError("media.damaged")
    if width * height > limit:
        im.close()
        raise UserError("media.too_many_pixels", limit_mp=limit_mp)
    return im, fmt


def _exif_facts(im: Image.Image) -> tuple[int, datetime | None]:
    """EXIF orientation (1..8) and DateTimeOriginal in UTC; broken EXIF counts as absent."""
    try:
        exif = im.getexif()
        orientation = exif.get(_TAG_ORIENTATION, 1)
        sub = exif.get_ifd(_TAG_EXIF_IFD)
        taken = _exif_datetime(
            sub.get(_TAG_DATETIME_ORIGINAL),
            sub.get(_TAG_OFFSET_TIME_ORIGINAL),
            sub.get(_TAG_SUBSEC_TIME_ORIGINAL),
        )
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError,
            struct.error):  # malformed EXIF is common (Pillow's parser raises these)
        log.debug("EXIF unreadable; taken as absent", exc_info=True)
        return 1, None
    if not isinstance(orientation, int) or orientation not in range(1, 9):
        orientation = 1
    return orientation, taken


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    if not isinstance(value, str):
        return None
    value = value.strip("\x00 \t\r\n")
    return value or None


def _exif_datetime(value: object, offset: object, subsec: object) -> datetime | None:
    """Parse EXIF 'YYYY:MM:DD HH:MM:SS' (+ '+08:00' offset, + sub-seconds) to UTC.

    Without an offset the time is the camera's wall clock; the photo was almost always
    taken on the device doing the intake, so its local time zone is the best guess.
    """
    text = _exif_text(value)
    if text is None:
        return None
    try:
        taken = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    digits = _exif_text(subsec)
    if digits and digits.isdigit():
        taken = taken.replace(microsecond=int(digits[:6].ljust(6, "0")))
    tz_text = _exif_text(offset)
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", tz_text) if tz_text else None
    if match:
        delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
        tz = timezone(-delta if match[1] == "-" else delta)
        return taken.replace(tzinfo=tz).astimezone(UTC)
    try:
        return taken.astimezone(UTC)  # naive: interpreted as this device's local time
    except (OverflowError, OSError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Pixels


def _fit(width: int, height: int, edge: int) -> tuple[int, int]:
    """Size with the long side at most `edge`, aspect kept, never enlarged."""
    long_side = max(width, height)
    if long_side <= edge:
        return width, height
    scale = edge / long_side
    if width >= height:
        return edge, max(1, round(height * scale))
    return max(1, round(width * scale)), edge


def _working_mode(im: Image.Image) -> Image.Image:
    """Convert to RGB, RGBA (only when something is transparent) or L, ready to resample."""
    mode = im.mode
    transparent = "transparency" in im.info
    if mode in ("RGB", "L"):
        return im.convert("RGBA") if transparent else im
    if mode == "RGBA":
        return im
    if mode in ("LA", "La", "PA", "RGBa"):
        return im.convert("RGBA")
    if mode == "P":
        return im.convert("RGBA" if transparent else "RGB")
    if mode == "1":
        return im.convert("L")
    if mode == "I" or mode.startswith("I;16"):  # 16-bit grey: scale down, don't clip to white
        return im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    return im.convert("RGB")  # CMYK, YCbCr, LAB, HSV, F


@lru_cache(maxsize=16)
def _to_srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A colour transform from an embedded profile to sRGB, or None if already sRGB."""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    if "srgb" in ImageCms.getProfileDescription(profile).lower():
        return None
    srgb = ImageCms.createProfile("sRGB")
    # NOCACHE: a cached transform keeps per-call state and is shared between threads here.
    return ImageCms.buildTransform(profile, srgb, mode, "RGB", flags=ImageCms.Flags.NOCACHE)


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Bring wide-gamut (e.g. iPhone Display P3) colours into sRGB before the profile is dropped.

    The output carries no profile, so viewers assume sRGB; skipping this would make P3
    photos look washed out. A profile that cannot be used is ignored (colours as stored).
    """
    if not icc or im.mode not in ("RGB", "L", "CMYK"):
        return im
    try:
        transform = _to_srgb_transform(bytes(icc), im.mode)
        if transform is None:
            return im
        return ImageCms.applyTransform(im, transform) or im
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im


def _flatten(im: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent areas become white, grey becomes RGB."""
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, _WHITE)
        background.paste(im, mask=im.getchannel("A"))
        return background
    if im.mode != "RGB":
        return im.convert("RGB")
    return im


def _band_pool() -> ThreadPoolExecutor:
    """One small pool per process, made on first use (most processes never resize a photo)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_BANDS - 1, thread_name_prefix="photo-resample")
        return _pool


def _resample(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize with a high-quality filter, in horizontal bands resampled in parallel.

    Pillow releases the GIL while resampling, so on a multi-core phone the bands run at the
    same time. Each band reads the full source (filter taps cross band edges), so there is
    no seam; results differ from a one-piece resize only by ±1-2 rounding.
    """
    width, height = size
    if _BANDS < 2 or width * height < _BANDS_MIN_PIXELS:
        return im.resize(size, _RESAMPLE, reducing_gap=3.0)
    src_w, src_h = im.size
    cuts = [round(height * i / _BANDS) for i in range(_BANDS + 1)]

    def band(i: int) -> Image.Image:
        top, bottom = cuts[i], cuts[i + 1]
        box = (0.0, top * src_h / height, float(src_w), bottom * src_h / height)
        return im.resize((width, bottom - top), _RESAMPLE, box=box, reducing_gap=3.0)

    futures = [_band_pool().submit(band, i) for i in range(1, _BANDS)]
    out = Image.new(im.mode, size)
    out.paste(band(0), (0, 0))
    for i, future in enumerate(futures, start=1):
        out.paste(future.result(), (0, cuts[i]))
    return out


def _decode_upright(
    im: Image.Image, max_edge: int, limit_mp: str, *, grey_check: bool = False
) -> tuple[Image.Image, datetime | None]:
    """Decode at the smallest sufficient scale, resample, make upright: RGB + capture time.

    For a JPEG, draft mode lets libjpeg decode at 1/2, 1/4 or 1/8 scale (never below the
    target size), which skips most of the IDCT work; that, plus resampling a much
    smaller image (bicubic, the filter Pillow's own thumbnail() uses) and rotating only the
    result, takes about 2.7x less CPU than
    decode-everything-then-resize, with no visible loss of quality. Resampling in parallel
    bands brings the wall-clock gain past 3x when a second core is free (any phone).
    See benchmarks/bench_photo_intake.py.
    """
    target = _fit(*im.size, max_edge)
    icc = im.info.get("icc_profile")
    try:
        if target != im.size:
            im.draft("RGB", target)  # JPEG: DCT scaling; HEIF: a large enough embedded copy
        im.load()  # a full decode: a truncated file raises here instead of turning grey
    except MemoryError as exc:
        raise UserError("media.too_many_pixels", limit_mp=limit_mp) from exc
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError) as exc:
        raise UserError("media.damaged") from exc
    if grey_check and bottom_never_sent(im):  # a JPEG whose data stopped short of its frame
        raise UserError("media.damaged")
    # Only now: a PNG may keep its EXIF after the pixel data, and asking for it earlier
    # would make Pillow decode (and swallow a truncation error) behind our back.
    orientation, taken = _exif_facts(im)
    try:
        if im.mode == "CMYK":
            im = _to_srgb(im, icc)
            icc = None
        im = _working_mode(im)
        if im.size != target:
            im = _resample(im, target)
    except MemoryError as exc:
        raise UserError("media.too_many_pixels", limit_mp=limit_mp) from exc
    if im.mode == "RGBA":
        im = _flatten(im)
    im = _flatten(_to_srgb(im, icc))
    if orientation in _UPRIGHT:
        im = im.transpose(_UPRIGHT[orientation])
    return im, taken


def _thumbnail(im: Image.Image, edge: int) -> Image.Image:
    """A small copy for lists and previews.

    Box-reducing by the whole factor first and resampling only the remainder costs a
    fraction of a full LANCZOS pass; at thumbnail size the difference does not show.
    """
    size = _fit(*im.size, edge)
    if size == im.size:
        return im.copy()
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)


def _encode_jpeg(im: Image.Image, quality: int) -> bytes:
    """JPEG bytes with no metadata: no EXIF, XMP, ICC, comment (Pillow copies comments)."""
    im.info.clear()
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Public API


def read_photo_meta(
    source: bytes | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> PhotoMeta:
    """Format, upright size, orientation and capture time, without processing the photo.

    Cheap (JPEG, WebP and HEIF are read from the header; a PNG whose EXIF follows its
    pixels is decoded to find it), so a picker can show details before intake. Refuses the
    same inputs as `intake_photo` except damage inside the pixel data, which only
    intake's full decode is guaranteed to find.
    """
    data = _read_source(source, max_bytes)
    im, fmt = _open(data, max_pixels)
    with im:
        orientation, taken = _exif_facts(im)
        width, height = im.size
    if orientation >= 5:
        width, height = height, width
    return PhotoMeta(fmt, width, height, orientation, taken, len(data))


def intake_photo(
    source: bytes | Path,
    store_dir: Path,
    *,
    max_edge: int = DEFAULT_MAX_EDGE,
    source_kind: SourceKind,
    captured_at: datetime | None = None,
    thumb_edge: int = DEFAULT_THUMB_EDGE,
    jpeg_quality: int = DEFAULT_JPEG_QUALITY,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> StoredPhoto:
    """Normalise a photo and store it durably, content-addressed; returns what was stored.

    The stored JPEG is upright (EXIF orientation applied), at most `max_edge` pixels on its
    long side (never enlarged), RGB with transparency flattened onto white, in sRGB, and has
    no metadata at all. It lives at `<store_dir>/<sha[:2]>/<sha>.jpg` with a thumbnail at
    `<store_dir>/thumbs/<sha[:2]>/<sha>.jpg`, where sha is the SHA-256 of the stored bytes;
    storing the same photo again rewrites nothing. `captured_at` defaults to the photo's
    EXIF DateTimeOriginal, else now; it is returned in UTC. The function returns only once
    both files are fsynced, so the caller may reference them in the database right after.

    Raises UserError (media.*) for input the user must replace; nothing is written then.
    """
    if source_kind not in SOURCE_KINDS:
        raise ValueError(f"source_kind must be one of {SOURCE_KINDS}, not {source_kind!r}")
    if captured_at is not None and captured_at.utcoffset() is None:
        raise ValueError("captured_at must be timezone-aware")
    if max_edge < 1 or thumb_edge < 1 or not 1 <= jpeg_quality <= 100:
        raise ValueError("max_edge and thumb_edge must be >= 1, jpeg_quality 1..100")

    data = _read_source(source, max_bytes)
    grey_check = False
    if sniff(data[:_SNIFF_BYTES]).accepted == "jpeg":
        # a camera's JPEG is decoded so that data cut short fails; any other is checked
        # for the tell-tale grey of blocks never received (app.media.jpeg)
        data, layout = strict_stream(data)
        strict = layout is not None and layout.one_sequential_scan and layout.eoi is not None
        if layout is not None and layout.progressive and layout.coefficients_missing():
            raise UserError("media.damaged")
        grey_check = not strict
    im, fmt = _open(data, max_pixels)
    with im:  # closing `im` frees its pixels, so everything that needs them happens inside
        upright, exif_taken = _decode_upright(im, max_edge, _mp(_pixel_limit(max_pixels)),
                                              grey_check=grey_check)
        width, height = upright.size
        photo_bytes = _encode_jpeg(upright, jpeg_quality)
        thumb_bytes = _encode_jpeg(_thumbnail(upright, thumb_edge), jpeg_quality)
    del data, upright

    sha = hashlib.sha256(photo_bytes).hexdigest()
    path, thumb_path = photo_paths(store_dir, sha)
    try:
        _store(path, photo_bytes, sha, thumb_path, thumb_bytes)
    except OSError as exc:
        raise UserError("media.save_failed") from exc

    when = captured_at if captured_at is not None else exif_taken or datetime.now(UTC)
    return StoredPhoto(
        sha256=sha,
        path=path,
        thumb_path=thumb_path,
        width=width,
        height=height,
        size_bytes=len(photo_bytes),
        captured_at=when.astimezone(UTC),
        source_kind=source_kind,
        original_format=fmt,
    )


def _store(path: Path, data: bytes, sha: str, thumb_path: Path, thumb_data: bytes) -> None:
    """Write thumbnail then photo (so a present photo implies a present thumbnail).

    An existing photo with the right hash is kept as is (made durable, not rewritten); one
    with the wrong content (disk damage) is replaced.
    """
    stored = path.is_file() and path.stat().st_size == len(data) and sha256_file(path) == sha
    if thumb_path.is_file():
        fsync_existing(thumb_path)
    else:
        ensure_dir(thumb_path.parent)
        write_atomic(thumb_path, thumb_data)
    if stored:
        fsync_existing(path)
    else:
        ensure_dir(path.parent)
        write_atomic(path, data)
