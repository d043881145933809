"""Helpers for photo-intake tests: comparing images, making inputs, crafting EXIF."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

# CI checks out shared/ beside the project; the corpus is read there, never copied in.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "exif-orientation"


def all_files(root: Path) -> list[Path]:
    """Every file under root (temp files included), for "nothing was left behind" checks."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def grey_diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute grey-level difference (0-255) between two same-sized images."""
    assert a.size == b.size, (a.size, b.size)
    return ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean[0]


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def exif_bytes(
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    subsec: str | None = None,
    gps: bool = False,
) -> bytes:
    """EXIF as a phone writes it: orientation, capture time, camera make, optionally GPS."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone X"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    sub = exif.get_ifd(0x8769)
    if taken is not None:
        sub[0x9003] = taken
    if offset is not None:
        sub[0x9011] = offset
    if subsec is not None:
        sub[0x9291] = subsec
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = (39.0, 54.0, 15.0)
        gps_ifd[3] = "E"
        gps_ifd[4] = (116.0, 23.0, 29.0)
    return exif.tobytes()


def two_tone(size: tuple[int, int] = (240, 160)) -> Image.Image:
    """Blue left half, red right half: orientation mistakes are obvious in its pixels."""
    im = Image.new("RGB", size, (200, 30, 30))
    im.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    return im


def detailed_photo(size: tuple[int, int]) -> Image.Image:
    """A photo-like RGB image (fractal detail plus noise): compresses and resamples like one."""
    small = (max(1, size[0] // 3), max(1, size[1] // 3))  # the fractal is slow to compute
    fractal = Image.effect_mandelbrot(small, (-2.2, -1.2, 1.0, 1.2), 60).resize(size)
    noise = Image.effect_noise(size, 30)
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge(
        "RGB",
        (
            Image.blend(fractal, noise, 0.3),
            Image.blend(gradient, noise, 0.2),
            fractal.transpose(Image.Transpose.ROTATE_180),
        ),
    )


def jpeg_markers(data: bytes) -> list[int]:
    """The marker codes of a JPEG's header segments, up to the start of the image data."""
    assert data[:2] == b"\xff\xd8"
    markers: list[int] = []
    pos = 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"bad marker at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        pos += 2 + length
    return markers


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking 1-bit grey PNG whose header declares width x height pixels.

    Nothing needs to be decoded to refuse it, so the IDAT holds just one compressed row.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + bytes((width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )
