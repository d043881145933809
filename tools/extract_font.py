"""One-off: take the Simplified Chinese face out of Debian's Noto Sans CJK collection.

The web UI runs with no CDN, so the browser has no fallback font for Chinese; the app ships
one in `assets/fonts/` and sets it as the theme font. Debian's `fonts-noto-cjk` package has
the fonts only as TrueType collections (`.ttc`, ten faces each), which Flutter cannot load,
so this script writes the "Noto Sans CJK SC" face as a single-face OpenType (.otf) file.

It keeps only what a Simplified-Chinese / English UI needs: Latin, digits, punctuation,
symbols and full-width forms, the 6,763 hanzi of GB 2312 (which cover everyday Chinese),
and every other Chinese character found in the project's own texts (checklists.yaml, the
message catalogues, demo data). Measured with flet 1.0.5's web client (CanvasKit): the whole
SC face (13 MB, ~30k glyphs) leaves the page blank for more than 20 s, while this subset
(~3.5 MB) paints in about as long as the page takes anyway. A character outside the subset
(a rare one in an outlet's name) shows as a box; add the text that contains it to
`--extra-text` (or the project texts) and run the script again.

Bold is not shipped: Flutter synthesises bold from the regular face, measured to look fine.

Usage (fontTools is needed only here, not at run time):

    .venv/bin/pip install fonttools
    .venv/bin/python tools/extract_font.py        # writes assets/fonts/NotoSansSC-Regular.otf

Licence: the Noto CJK fonts are under the SIL Open Font License 1.1, see
assets/fonts/LICENSE-NotoSansCJK.txt (shipped next to the font files).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
FACE = "Noto Sans CJK SC"

# What a Simplified-Chinese / English inspection UI shows: Latin and punctuation, general
# punctuation and symbols, CJK symbols, every CJK ideograph block, full-width forms.
KEEP_RANGES: list[tuple[int, int]] = [
    (0x0020, 0x024F),  # Basic Latin .. Latin Extended-B
    (0x02B0, 0x02FF),  # spacing modifiers
    (0x0370, 0x03FF),  # Greek (units, symbols)
    (0x0400, 0x04FF),  # Cyrillic (cheap, keeps names readable)
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # super/subscripts
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x218F),  # letterlike, number forms
    (0x2190, 0x23FF),  # arrows, math, technical
    (0x2460, 0x24FF),  # enclosed alphanumerics (①②③)
    (0x2500, 0x27BF),  # box drawing, shapes, dingbats
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x33FF),  # enclosed CJK, compatibility (㎡, ㎝)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PROJECT_TEXTS = (
    "checklists.yaml",
    "app/**/*.py",
    "app/**/*.yaml",
    "app/**/*.csv",
    "tests/**/*.yaml",
)


def gb2312_hanzi() -> set[str]:
    out = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([hi, lo]).decode("gb2312"))
    return out


def project_hanzi(extra_text: str = "") -> set[str]:
    found = set(HAN.findall(extra_text))
    for pattern in PROJECT_TEXTS:
        for path in ROOT.glob(pattern):
            try:
                found.update(HAN.findall(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return found


def extract(weight: str, out_dir: Path, extra_text: str = "") -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    src = SOURCE_DIR / f"NotoSansCJK-{weight}.ttc"
    if not src.exists():
        sys.exit(f"{src} not found: apt-get install fonts-noto-cjk")
    collection = TTCollection(str(src), lazy=False)
    font = next(
        f for f in collection.fonts if f["name"].getDebugName(4) in (FACE, f"{FACE} {weight}")
    )
    # fontTools' default options: the default layout features only (all of them pull in
    # ~7k Japanese/vertical alternates, and the web client then never paints)
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    unicodes = {cp for lo, hi in KEEP_RANGES for cp in range(lo, hi + 1)}
    unicodes |= {ord(c) for c in gb2312_hanzi() | project_hanzi(extra_text)}
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"NotoSansSC-{weight}.otf"
    font.save(str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "fonts")
    parser.add_argument("--weights", nargs="+", default=["Regular"])
    parser.add_argument("--extra-text", default="", help="more characters to keep")
    args = parser.parse_args(argv)
    for weight in args.weights:
        path = extract(weight, args.out, args.extra_text)
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
