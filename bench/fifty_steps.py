"""Benchmark: a routine of 50 steps (the cap) loads, draws its timeline and builds the
timing lab in under a second each.

Each figure is the median of several runs, beside the same work for the built-in 8-step
routine measured in the same run, and their ratio. Goal: every 50-step figure under 1 s.

    python bench/fifty_steps.py [--runs 5] [--steps 50]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from common import long_routine, median_seconds

import tutorial
from tutorial.content.loader import routine_to_dict
from tutorial.widgets.timinglab import TimingLab


def timed(action, runs: int) -> tuple[float, float]:
    return median_seconds(action, runs, warm_up=False)


def timeline_png(routine: tutorial.Routine) -> None:
    ax = tutorial.draw_timeline(routine, legs="both")
    ax.figure.savefig(io.BytesIO(), format="png")
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    rows = []
    for label, routine in (("8 steps", tutorial.load_routine()), (f"{args.steps} steps", None)):
        routine = routine or long_routine(args.steps)
        path = folder / f"{len(routine.steps)}.json"
        path.write_text(json.dumps(routine_to_dict(routine)), encoding="utf-8")
        timeline_png(routine)  # warm up fonts and caches once
        rows.append(
            (
                label,
                timed(lambda path=path: tutorial.load_routine(path), args.runs),
                timed(lambda routine=routine: timeline_png(routine), args.runs),
                timed(lambda routine=routine: TimingLab(routine, folder=folder), args.runs),
            )
        )
    print(f"median of {args.runs} runs, seconds: wall-clock (CPU)")
    print(f"{'':10} {'load':>15} {'timeline':>15} {'timing lab':>15}")
    for label, *figures in rows:
        print(f"{label:10} " + " ".join(f"{w:>7.3f} ({c:.3f})" for w, c in figures))
    ratios = [b[1] / a[1] for a, b in zip(rows[0][1:], rows[1][1:], strict=True)]
    print(f"{'CPU ratio':10} " + " ".join(f"{r:>14.1f}x" for r in ratios))
    worst = max(max(figure) for figure in rows[1][1:])
    print(f"goal: each {args.steps}-step figure under 1 s: {'met' if worst < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
