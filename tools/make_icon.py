"""One-off: draw the app icon (assets/icon.png, 1024 px): a teal tile with a white
clipboard and a tick. Pillow only; run again after changing the design.

    .venv/bin/python tools/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SIZE = 1024
TEAL = (0, 121, 107, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = SIZE) -> Image.Image:
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, size - 1, size - 1), radius=int(220 * s), fill=TEAL)
    # clipboard
    d.rounded_rectangle((int(262 * s), int(200 * s), int(762 * s), int(850 * s)),
                        radius=int(60 * s), fill=WHITE)
    d.rounded_rectangle((int(392 * s), int(150 * s), int(632 * s), int(270 * s)),
                        radius=int(40 * s), fill=TEAL)
    d.rounded_rectangle((int(417 * s), int(175 * s), int(607 * s), int(245 * s)),
                        radius=int(28 * s), fill=WHITE)
    # tick
    d.line([(int(362 * s), int(540 * s)), (int(472 * s), int(650 * s)),
            (int(672 * s), int(420 * s))], fill=TEAL, width=int(70 * s), joint="curve")
    return img


def main() -> int:
    out = ROOT / "assets" / "icon.png"
    draw().save(out, optimize=True)
    print(f"{out}: {out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
