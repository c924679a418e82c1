"""Benchmark: build the A4 handout PDF for the built-in routine and for a 50-step routine.

Prints the median wall-clock and CPU time of :func:`tutorial.make_handout` beside a bare
baseline measured in the same run: the same strings, as plain matplotlib texts on blank
A4 pages, saved to a PDF the same way. Goal: a 50-step handout in under 10 s.

    python bench/handout.py [--runs 3] [--steps 50]
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

import matplotlib
from common import long_routine, median_seconds
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from tutorial import load_routine
from tutorial.drawing.handout import handout_figures, make_handout
from tutorial.drawing.legs import register_fonts


def texts_of(routine) -> list[list[tuple[str, float]]]:
    """Per page, the strings and sizes the handout draws (for the bare baseline)."""
    pages = []
    for fig in handout_figures(routine):
        found = [(t.get_text(), t.get_fontsize()) for t in fig.texts]
        found += [(t.get_text(), t.get_fontsize()) for ax in fig.axes for t in ax.texts]
        pages.append(found)
    return pages


def bare_pdf(pages) -> None:
    family = register_fonts()  # hanzi need the bundled CJK font, as in the handout
    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        for texts in pages:
            fig = Figure(figsize=(8.27, 11.69))
            for i, (text, size) in enumerate(texts):
                cjk = any(ord(c) >= 0x2E80 for c in text)
                fig.text(
                    0.05,
                    0.95 - (i % 60) * 0.015,
                    text,
                    fontsize=size,
                    parse_math=False,
                    fontfamily=family if cjk else None,
                )
            pdf.savefig(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median is printed)")
    parser.add_argument("--steps", type=int, default=50, help="steps of the long routine")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp()) / "handout.pdf"
    make_handout(out)  # warm up: imports, fonts, data
    print(f"median of {args.runs} runs              wall s    CPU s")
    for name, routine in (
        ("built-in (8 steps)", load_routine()),
        (
            f"{args.steps} steps",
            long_routine(args.steps),
        ),
    ):
        wall, cpu = median_seconds(lambda r=routine: make_handout(out, r), args.runs, warm_up=False)
        pages = texts_of(routine)
        bare_wall, bare_cpu = median_seconds(lambda p=pages: bare_pdf(p), args.runs, warm_up=False)
        n = sum(len(p) for p in pages)
        print(f"handout, {name:<18} {wall:8.2f}  {cpu:8.2f}  ({len(pages)} pages, {n} texts)")
        print(f"bare texts, same strings    {bare_wall:8.2f}  {bare_cpu:8.2f}")
        print(f"ratio handout / bare        {wall / bare_wall:8.2f}  {cpu / bare_cpu:8.2f}")
    print("goal: 50 steps < 10 s")


if __name__ == "__main__":
    main()
