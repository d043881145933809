"""Recognise what a file is from its first bytes, before any decoder sees it.

Sniffing ourselves (instead of letting Pillow try every plugin it has) means only the four
accepted decoders ever parse untrusted bytes, and a refusal can tell the user *why*: "this is
not a photo at all" reads differently from "GIF is not supported, choose a JPEG".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PhotoFormat = Literal["jpeg", "png", "webp", "heif"]

#: Pillow's format id for each accepted format (the `formats=` argument of `Image.open`).
PILLOW_FORMAT: dict[PhotoFormat, str] = {
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "heif": "HEIF",
}

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the first bytes say: an accepted photo format, another image format, or neither."""

    accepted: PhotoFormat | None = None
    other_image: str | None = None  # display name of a recognised but unsupported format


def _ftyp_brands(head: bytes) -> tuple[bytes, set[bytes]] | None:
    """Major and compatible brands of an ISO-BMFF `ftyp` box (HEIF, AVIF, MP4, CR3...)."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[0:4], "big")
    end = min(max(size, 16), len(head))
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    return head[8:12], compatible


def sniff(head: bytes) -> Sniffed:
    """Classify a file by its magic bytes (pass at least the first 4 KiB)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(accepted="jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(accepted="png")
    if head[0:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(accepted="webp")

    brands = _ftyp_brands(head)
    if brands is not None:
        major, compatible = brands
        if major in _AVIF_BRANDS or (major in (b"mif1", b"msf1") and compatible & _AVIF_BRANDS):
            return Sniffed(other_image="AVIF")
        if major in _HEIF_BRANDS:
            return Sniffed(accepted="heif")
        if major == b"crx ":
            return Sniffed(other_image="CR3 (RAW)")
        return Sniffed()  # MP4 / MOV / 3GP: a video, not a photo

    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed(other_image="GIF")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return Sniffed(other_image="TIFF / RAW")
    if head.startswith(b"BM") and len(head) >= 26:
        return Sniffed(other_image="BMP")
    if head.startswith(b"8BPS"):
        return Sniffed(other_image="PSD")
    if head.startswith(b"\x00\x00\x01\x00"):
        return Sniffed(other_image="ICO")
    if head.startswith((b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")):
        return Sniffed(other_image="JPEG 2000")
    if head.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")):
        return Sniffed(other_image="JPEG XL")
    if b"<svg" in head[:4096].lower():
        return Sniffed(other_image="SVG")
    return Sniffed()
