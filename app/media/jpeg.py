"""Tell a complete JPEG from one cut short and closed with an end-of-image marker.

libjpeg treats a marker met in the middle of the compressed data as the end of the data: it
warns (which Pillow does not pass on) and fills every block it did not get with zeros, i.e.
flat grey. A file cut short and closed with an EOI marker, or whose header claims far more
pixels than its data holds, therefore decodes "fine" into a mostly grey photo. Only a file
that simply ends makes the decoder ask for more data, which Pillow reports as truncated.

So we read the marker layout ourselves (cheap: one regex pass over the compressed data) and:

* for a sequential Huffman JPEG with one scan of every component (what phone cameras
  write), decode the stream with its EOI replaced by a few zero bytes: a complete scan
  still decodes (the zeros are the look-ahead libjpeg wants after the last block, then
  ignored), but a short one runs out of data and Pillow raises, like a plain truncation;
* for a progressive JPEG, require every component's coefficients 0..63 to be sent down to
  their last bit (Al = 0) by the scans in the file (a cut drops the later scans; every
  encoder we know of finishes this way), and refuse a decoded image whose whole bottom row
  is the exact grey of never-sent blocks (a cut in the first, DC, scan).

What is left undetected: a progressive file cut inside one of its final refinement scans,
which decodes to a nearly complete photo (only the lowest bit of some blocks is missing).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from PIL import Image

_SOI = b"\xff\xd8"
_EOI = 0xD9
_SOS = 0xDA
# SOFn markers: C0..CF except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_HUFFMAN_SEQUENTIAL = frozenset({0xC0, 0xC1})
_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA})
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # RSTn, TEM: no length field
# In compressed data a real marker is 0xFF followed by anything but 00 (a stuffed FF),
# D0..D7 (a restart marker, part of the data) or FF (fill before a marker).
_MARKER_IN_DATA = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# Look-ahead libjpeg-turbo reads past the last block (its bit buffer is 64 bits).
_LOOKAHEAD = b"\x00" * 16
_NEVER_SENT = 128  # the sample value of a block whose coefficients are all zero


@dataclass(slots=True)
class JpegLayout:
    """The markers of a JPEG's primary image, up to its EOI."""

    sof: int | None = None
    frame_components: tuple[int, ...] = ()
    # per scan: (component ids, first coefficient Ss, last coefficient Se, low bit Al)
    scans: list[tuple[tuple[int, ...], int, int, int]] = field(default_factory=list)
    eoi: int | None = None  # offset of the EOI marker; None: the data ends without one

    @property
    def one_sequential_scan(self) -> bool:
        """Sequential Huffman, every component in its single scan (a camera's JPEG)."""
        return (self.sof in _HUFFMAN_SEQUENTIAL and len(self.scans) == 1
                and set(self.scans[0][0]) == set(self.frame_components))

    @property
    def progressive(self) -> bool:
        return self.sof in _PROGRESSIVE

    def coefficients_missing(self) -> bool:
        """A progressive image whose scans leave some component's coefficients (or their
        last bit) unsent."""
        complete: dict[int, set[int]] = {c: set() for c in self.frame_components}
        for components, first, last, low_bit in self.scans:
            if low_bit == 0:
                for c in components:
                    complete.setdefault(c, set()).update(range(first, last + 1))
        return any(len(coefs) < 64 for coefs in complete.values())


def read_layout(data: bytes) -> JpegLayout | None:
    """The primary image's markers, or None when they cannot be walked (left to Pillow)."""
    if not data.startswith(_SOI):
        return None
    out = JpegLayout()
    pos, size = 2, len(data)
    try:
        while pos < size:
            if data[pos] != 0xFF:
                return None  # garbage between segments: let the decoder judge the file
            while pos < size and data[pos] == 0xFF:  # fill bytes before a marker
                pos += 1
            if pos >= size:
                return out
            marker = data[pos]
            pos += 1
            if marker == _EOI:
                out.eoi = pos - 2
                return out
            if marker in _STANDALONE:
                continue
            (length,) = struct.unpack_from(">H", data, pos)
            if length < 2 or pos + length > size:
                return out  # cut inside a header: Pillow reports it
            segment = data[pos + 2 : pos + length]
            if marker in _SOF:
                out.sof = marker
                count = segment[5]
                out.frame_components = tuple(segment[6 + 3 * i] for i in range(count))
            if marker == _SOS:
                count = segment[0]
                components = tuple(segment[1 + 2 * i] for i in range(count))
                first, last = segment[1 + 2 * count], segment[2 + 2 * count]
                low_bit = segment[3 + 2 * count] & 0x0F
                out.scans.append((components, first, last, low_bit))
                found = _MARKER_IN_DATA.search(data, pos + length)
                if found is None:
                    return out  # the compressed data runs to the end of the file
                pos = found.start()
            else:
                pos += length
    except (IndexError, struct.error):
        return out
    return out


def strict_stream(data: bytes) -> tuple[bytes, JpegLayout | None]:
    """The bytes to decode so that a scan cut short fails instead of turning grey.

    For a one-scan sequential JPEG, the EOI (and whatever follows it: a phone's trailer, a
    motion photo's video) is replaced by zero look-ahead bytes; the pixels of a complete
    file are the same. Any other JPEG is returned as it is.
    """
    layout = read_layout(data)
    if layout is None or layout.eoi is None or not layout.one_sequential_scan:
        return data, layout
    return data[: layout.eoi] + _LOOKAHEAD, layout


def bottom_never_sent(im: Image.Image) -> bool:
    """The decoded image's whole bottom row is the exact grey of blocks never received."""
    if im.mode not in ("RGB", "L"):
        return False
    row = im.crop((0, im.height - 1, im.width, im.height))
    extrema = row.getextrema()  # (low, high), or one such pair per band
    flat = [extrema] if im.mode == "L" else list(extrema)
    return all(pair == (_NEVER_SENT, _NEVER_SENT) for pair in flat)
