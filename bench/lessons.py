"""How long does each lesson take to run top to bottom, headless? (nbclient, like nbval)

Each lesson is executed in a fresh kernel ``--runs`` times (default 3) in a temporary
folder, with ``CALF_TUTORIAL_HOME`` pointed at a temporary folder so nothing is written to
your home. A baseline notebook holding only the lessons' first cell (``%matplotlib inline``
and ``import tutorial``) is timed the same way: the ratio shows what each lesson costs beyond
starting a kernel. Figures are medians. Goal: all lessons together under 30 s on 2 cores.

Usage: ``python bench/lessons.py [--runs N] [notebooks/05_timing_lab.ipynb ...]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
BASELINE_SOURCE = "%matplotlib inline\nimport tutorial"


def run_once(nb: nbformat.NotebookNode, workdir: Path) -> tuple[float, list[str]]:
    """Execute a copy of ``nb`` in ``workdir``; return seconds and any stderr/error texts."""
    copy = nbformat.from_dict(nb)
    client = NotebookClient(
        copy, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        return time.perf_counter() - start, [f"cell failed: {str(exc).splitlines()[-1]}"]
    seconds = time.perf_counter() - start
    problems = [
        output.get("text", "") or output.get("evalue", "")
        for cell in copy.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error" or output.get("name") == "stderr"
    ]
    return seconds, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    os.environ["MPLBACKEND"] = "Agg"  # as `make notebooks` runs them
    with tempfile.TemporaryDirectory(prefix="calf-bench-") as tmp:
        os.environ["CALF_TUTORIAL_HOME"] = str(Path(tmp) / "home")
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        baseline_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE_SOURCE)])
        run_once(baseline_nb, workdir)  # warm-up: fill the disk cache, compile bytecode
        baseline = statistics.median(run_once(baseline_nb, workdir)[0] for _ in range(args.runs))
        print(f"lessons: {len(paths)}; runs per lesson: {args.runs} (median)", end="")
        print(f"; cores: {os.cpu_count()}")
        print(f"{'lesson':34} {'median s':>9} {'min s':>7} {'x baseline':>11}")
        print(f"{'baseline (kernel + import)':34} {baseline:9.2f} {'':>7} {1.0:11.2f}")
        total = 0.0
        failures = 0
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            times, problems = [], []
            for _ in range(args.runs):
                seconds, found = run_once(nb, workdir)
                times.append(seconds)
                problems = found
            median = statistics.median(times)
            total += median
            print(f"{path.name:34} {median:9.2f} {min(times):7.2f} {median / baseline:11.2f}")
            for text in problems:
                failures += 1
                print(f"    stderr/error: {text.strip()[:300]}")
        label = f"total of {len(paths)} (sum of medians)"
        print(f"{label:34} {total:9.2f} {'':>7} {total / baseline:11.2f}")
        print(f"goal: < 30 s in total -> {'met' if total < 30 else 'NOT met'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
