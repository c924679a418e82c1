"""Benchmark: draw the four-view routine overview and save it as PNG.

Prints the median time of the overview beside a bare matplotlib figure of the same size
with the same number of artists of the same kinds (lines, patches, collections, texts) per
axes, and the ratio. Goal: overview under 150 ms, ratio under 1.5.

It also times the overview as lessons 4 and 7 show it, ``tutorial.routine_overview()``:
drawn once, then read from the picture cache (from this process's memory, and from the
disk cache as a new kernel does), in a temporary cache folder.

    python bench/render.py [--runs 9]
"""

from __future__ import annotations

import argparse
import io

import numpy as np
from common import median_seconds
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from tutorial.drawing.legs import SCREEN_PNG, draw_routine_overview


def overview_png() -> Figure:
    fig = draw_routine_overview()
    fig.savefig(io.BytesIO(), **SCREEN_PNG)
    return fig


def artist_counts(fig: Figure) -> list[tuple[tuple[float, ...], dict[str, int]]]:
    """Per axes: its position and how many lines, patches, collections and texts it holds."""
    counts = []
    for ax in fig.axes:
        counts.append(
            (
                tuple(ax.get_position().bounds),
                {
                    "lines": len(ax.lines),
                    "patches": len(ax.patches),
                    "collections": len(ax.collections),
                    "texts": len(ax.texts) + bool(ax.get_title()),
                },
            )
        )
    return counts


def bare_png(counts, fig_texts: int, fig_lines: int, figsize) -> None:
    """The same numbers of plain artists on a plain figure, saved the same way."""
    rng = np.random.default_rng(0)
    fig = Figure(figsize=figsize, dpi=100)
    for bounds, n in counts:
        ax = fig.add_axes(bounds)
        ax.set_axis_off()
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        for _ in range(n["lines"]):
            ax.add_line(Line2D(*rng.uniform(0, 10, (2, 20)), linewidth=1.0))
        for _ in range(n["patches"]):
            ax.add_patch(Circle(tuple(rng.uniform(1, 9, 2)), 0.5, facecolor="wheat"))
        for _ in range(n["collections"]):
            ax.add_collection(LineCollection(rng.uniform(0, 10, (8, 2, 2))))
        for i in range(n["texts"]):
            ax.text(*rng.uniform(0, 9, 2), f"ST{i} label", fontsize=9)
    for i in range(fig_texts):
        fig.text(0.1, 0.9 - 0.05 * i, f"figure text {i}")
    for _ in range(fig_lines):
        fig.add_artist(Line2D(*rng.uniform(0, 1, (2, 8)), transform=fig.transFigure))
    fig.savefig(io.BytesIO(), **SCREEN_PNG)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs (median is printed)")
    args = parser.parse_args()
    runs = max(args.runs, 7)

    fig = overview_png()
    counts = artist_counts(fig)
    fig_texts = len(fig.texts) + (fig._suptitle is not None)
    fig_lines = len(fig.artists)
    total = sum(sum(n.values()) for _, n in counts) + fig_texts + fig_lines
    figsize = tuple(fig.get_size_inches())

    overview, overview_cpu = median_seconds(overview_png, runs)
    bare, bare_cpu = median_seconds(lambda: bare_png(counts, fig_texts, fig_lines, figsize), runs)
    size = f"{figsize[0]:g}x{figsize[1]:g} in at {fig.dpi:g} dpi"
    print(f"artists in the overview: {total} on {len(counts)} axes, {size}")
    print(f"median of {runs} runs          wall ms    CPU ms")
    print(
        f"overview draw + PNG       {overview * 1e3:8.1f}  {overview_cpu * 1e3:8.1f}  (goal < 150)"
    )
    print(f"bare figure, same artists {bare * 1e3:8.1f}  {bare_cpu * 1e3:8.1f}")
    ratios = f"{overview / bare:8.2f}  {overview_cpu / bare_cpu:8.2f}"
    print(f"ratio overview / bare     {ratios}  (goal < 1.5)")
    cached_rows(runs, overview, overview_cpu)


def cached_rows(runs: int, overview: float, overview_cpu: float) -> None:
    """The overview as the lessons show it: from the picture cache (memory, then disk)."""
    import os
    import tempfile

    from tutorial.store import pictures
    from tutorial.widgets.picture import routine_overview

    with tempfile.TemporaryDirectory() as folder:
        os.environ[pictures.CACHE_ENV] = folder
        routine_overview()  # drawn once, written to the disk cache

        def from_disk() -> None:
            pictures.clear_memory()  # as a new kernel: only the disk cache is shared
            routine_overview()

        memory, memory_cpu = median_seconds(routine_overview, runs)
        disk, disk_cpu = median_seconds(from_disk, runs)
    for name, wall, cpu in (("lessons: cached, memory", memory, memory_cpu),
                            ("lessons: cached, disk", disk, disk_cpu)):  # fmt: skip
        print(
            f"{name:25s} {wall * 1e3:8.1f}  {cpu * 1e3:8.1f}  "
            f"(ratio to drawing: {wall / overview:.3f} wall, {cpu / overview_cpu:.3f} CPU)"
        )


if __name__ == "__main__":
    main()
