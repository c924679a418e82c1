"""Benchmark of the photo overlay, kernel side.

Prints medians of several runs:
- reading a 12-megapixel phone-sized JPEG (4000 x 3000) with ``read_photo`` (size checks,
  JPEG draft decoding, EXIF orientation, downscale to 2048 px), against a baseline in the
  same run: Pillow decoding the full picture and then downscaling it (no draft);
- one handle move in the kernel: the trait the browser sets, to the overlay, messages and
  point texts updated (``PhotoOverlay`` with all four landmarks placed), against a
  baseline of the bare fit (``tutorial.content.photofit.overlay``).

Run: ``python bench/photo.py``.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    os.environ["CALF_TUTORIAL_HOME"] = tempfile.mkdtemp(prefix="calf-photo-bench-")
    import numpy as np
    from PIL import Image

    from tutorial.content.photofit import overlay
    from tutorial.drawing.photoimage import demo_leg_photo, read_photo
    from tutorial.widgets.photo import PhotoOverlay

    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (3000 // 8, 4000 // 8, 3), dtype=np.uint8)
    big = Image.fromarray(noise).resize((4000, 3000), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    big.save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()

    def baseline_read() -> None:
        image = Image.open(io.BytesIO(data))
        image.load()
        image.thumbnail((2048, 2048), Image.Resampling.LANCZOS)

    read_ms = median_ms(lambda: read_photo(data, "big.jpg"), 7)
    full_ms = median_ms(baseline_read, 7)
    print(
        f"read_photo, 4000x3000 JPEG ({len(data) / 1e6:.1f} MB): median {read_ms:.0f} ms; "
        f"full decode + downscale: {full_ms:.0f} ms; ratio {read_ms / full_ms:.2f}"
    )

    demo = demo_leg_photo("lateral", rotate_deg=10, scale=0.9)
    widget = PhotoOverlay(reopen=False, practice_path=None)
    widget.load_bytes(demo.png, "demo.png")
    widget.set_landmarks(**demo.landmarks)
    knee = demo.landmarks["knee"]
    moves = iter(range(10_000))

    def move() -> None:
        dv = next(moves) % 7
        widget.canvas.landmarks = {**widget.canvas.landmarks, "knee": [knee[0], knee[1] + dv]}

    def bare() -> None:
        overlay("lateral", "right", demo.landmarks, demo.size)

    move_ms = median_ms(move, 50)
    bare_ms = median_ms(bare, 50)
    print(
        f"handle move in the kernel: median {move_ms:.2f} ms of 50; bare fit: "
        f"{bare_ms:.2f} ms; ratio {move_ms / bare_ms:.1f}"
    )


if __name__ == "__main__":
    main()
