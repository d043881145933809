"""Benchmark: photo intake vs the naive Pillow way on a 12-megapixel phone-like JPEG.

Why: intake runs on the inspector's phone while they wait, once per photo. The target is
at least 3x faster than "decode everything, rotate, LANCZOS-resize, save" at the same
output size, without a visible quality loss (the mean grey difference is printed too).

Run: .venv/bin/python benchmarks/bench_photo_intake.py [--reps 15] [--max-edge 1600]

Both sides are timed interleaved (so background load hits them alike), from the JPEG file
on disk to the output JPEG on disk. Intake's figure includes everything it really does:
thumbnail, SHA-256, and the fsynced atomic writes of both files into a store in steady
state (its directories exist; the stored files are deleted between repetitions so the
"already stored" shortcut never applies).

Wall-clock time is the target. CPU time (all threads) is printed too, because intake
resamples in two parallel bands: the wall/CPU gap shows what the second core contributes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.media import intake_photo

WIDTH, HEIGHT = 4000, 3000
QUALITY = 85


def make_photo(path: Path) -> None:
    """A 4000x3000 JPEG with fractal detail, sensor-like noise and EXIF orientation 6.

    Noise matters: a flat synthetic image compresses to almost nothing and decodes far
    faster than a real photo; this one is about 2.3 MB at quality 92, like a phone's.
    """
    size = (WIDTH, HEIGHT)
    fractal = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 100)
    noise = Image.effect_noise(size, 40)
    red = Image.blend(fractal, noise, 0.35)
    green = Image.blend(
        Image.linear_gradient("L").resize(size),
        noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        0.3,
    )
    blue = Image.blend(
        Image.radial_gradient("L").resize(size), fractal.transpose(Image.Transpose.ROTATE_180), 0.5
    )
    photo = Image.merge("RGB", (red, green, blue)).filter(ImageFilter.GaussianBlur(0.8))
    exif = Image.Exif()
    exif[0x0112] = 6  # held upright: stored sideways, rotate 90° clockwise to view
    exif.get_ifd(0x8769)[0x9003] = "2025:05:17 10:42:07"
    photo.save(path, "JPEG", quality=92, exif=exif.tobytes())


def naive(src: Path, out: Path, size: tuple[int, int]) -> tuple[int, int]:
    """The obvious way: full decode, exif_transpose, LANCZOS resize, save."""
    with Image.open(src) as im:
        im.load()
        upright = ImageOps.exif_transpose(im)
        resized = upright.resize(size, Image.Resampling.LANCZOS)
        resized.save(out, "JPEG", quality=QUALITY)
        return resized.size


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds."""
    p90 = statistics.quantiles(samples, n=10, method="inclusive")[-1]
    return statistics.median(samples) * 1000, p90 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--max-edge", type=int, default=1600)
    args = parser.parse_args()
    if args.reps < 2:
        parser.error("--reps must be at least 2")

    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "photo_12mp.jpg"
        make_photo(src)

        first = intake_photo(src, tmp / "warmup", source_kind="camera", max_edge=args.max_edge)
        target = (first.width, first.height)
        naive_out = tmp / "naive.jpg"
        naive_size = naive(src, naive_out, target)

        store = tmp / "store"
        wall: dict[str, list[float]] = {"intake": [], "naive": []}
        cpu: dict[str, list[float]] = {"intake": [], "naive": []}
        for _ in range(args.reps):
            for name in ("intake", "naive"):
                start, start_cpu = time.perf_counter(), time.process_time()
                if name == "intake":
                    stored = intake_photo(src, store, source_kind="camera", max_edge=args.max_edge)
                else:
                    naive(src, naive_out, target)
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
            with Image.open(stored.path) as ours, Image.open(naive_out) as theirs:
                diff = ImageChops.difference(ours.convert("L"), theirs.convert("L"))
                grey_diff = ImageStat.Stat(diff).mean[0]
            stored.path.unlink()  # not timed: keep the next intake a real one
            stored.thumb_path.unlink()

        fast_med, fast_p90 = summary(wall["intake"])
        naive_med, naive_p90 = summary(wall["naive"])
        fast_cpu, naive_cpu = summary(cpu["intake"])[0], summary(cpu["naive"])[0]

        print(
            f"source: {WIDTH}x{HEIGHT} JPEG, {src.stat().st_size / 1e6:.2f} MB, EXIF orientation 6"
        )
        print(f"repetitions: {args.reps}, max_edge {args.max_edge}, JPEG quality {QUALITY}")
        print(
            f"intake_photo : median {fast_med:7.1f} ms   p90 {fast_p90:7.1f} ms   "
            f"output {stored.width}x{stored.height}, {stored.size_bytes / 1e3:.0f} kB "
            "(incl. thumbnail + fsynced writes)"
        )
        print(
            f"naive Pillow : median {naive_med:7.1f} ms   p90 {naive_p90:7.1f} ms   "
            f"output {naive_size[0]}x{naive_size[1]}, {naive_out.stat().st_size / 1e3:.0f} kB"
        )
        print(
            f"speed-up, wall clock: {naive_med / fast_med:.2f}x median, "
            f"{naive_p90 / fast_p90:.2f}x p90   (target: >= 3x)"
        )
        print(
            f"CPU time (all threads), median: intake {fast_cpu:.1f} ms, naive {naive_cpu:.1f} ms "
            f"-> {naive_cpu / fast_cpu:.2f}x"
        )
        print(f"sizes match: {target == naive_size}; mean abs grey difference {grey_diff:.2f}/255")


if __name__ == "__main__":
    main()
