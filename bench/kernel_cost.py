"""Benchmark: what one visitor's kernel costs, cell by cell: CPU seconds and memory.

Each run executes a lesson in a fresh kernel (nbclient, as Voila does for a new visitor)
and reads the kernel's CPU time (``/proc/<pid>/stat``) and its RSS and PSS
(``/proc/<pid>/smaps_rollup``) after its start and after every code cell. CPU time and
memory do not depend on what else the machine is doing, so these are the figures to trust
on a shared machine. The picture cache is warmed first (``python -m tutorial.site.warm``,
as ``make present`` does) and lives in a temporary folder.

``--before REV`` runs the same lesson as it was at git revision ``REV`` (its package and
lesson, exported with ``git archive``) in the same run, and prints the ratios. Medians of
``--runs`` runs (default 3). Goal (issue 13): at most 80 MB per visitor.

    python bench/kernel_cost.py [--lesson 04_guided_routine.ipynb] [--runs 3] [--before REV]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _memory(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return fields.get("Rss", 0.0), fields.get("Pss", 0.0)


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(notebook: Path, env: dict[str, str]) -> list[tuple[str, float, float, float]]:
    """[(what, CPU s, RSS MB, PSS MB)] after the kernel's start and after each code cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={})
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits this environment
    try:
        rows = []
        with client.setup_kernel():
            pid = client.km.provisioner.process.pid
            rows.append(("kernel started", _cpu(pid), *_memory(pid)))
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                last = [line for line in cell.source.splitlines() if line.strip()][-1]
                rows.append((last[:44], _cpu(pid), *_memory(pid)))
        return rows
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure(label: str, source: Path, lesson: str, runs: int, tmp: Path) -> list[tuple]:
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(
        CALF_TUTORIAL_HOME=str(tmp / f"home-{label}"),
        CALF_TUTORIAL_CACHE=str(tmp / f"cache-{label}"),
    )
    if source != ROOT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    if (source / "tutorial" / "site" / "warm.py").exists():
        subprocess.run([sys.executable, "-m", "tutorial.site.warm"], env=env, check=True)
    results = [one_run(source / "notebooks" / lesson, env) for _ in range(runs)]
    rows = []
    for i, (what, *_rest) in enumerate(results[0]):
        rows.append(
            (what, *(statistics.median(run[i][k] for run in results) for k in (1, 2, 3)))
        )  # fmt: skip
    print(f"\n{label}: {lesson}, median of {runs} fresh kernels")
    print(f"  {'after':46s} {'CPU s':>6s} {'RSS MB':>7s} {'PSS MB':>7s}")
    for what, cpu, rss, pss in rows:
        print(f"  {what:46s} {cpu:6.2f} {rss:7.1f} {pss:7.1f}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="04_guided_routine.ipynb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="git revision to measure too, in the same run")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} (CPU time and memory do not depend on it)")
    with tempfile.TemporaryDirectory(prefix="calf-bench-kernel-") as folder:
        tmp = Path(folder)
        now = measure("now", ROOT, args.lesson, args.runs, tmp)
        if args.before:
            before_root = tmp / "before"
            before_root.mkdir()
            archive = subprocess.run(
                ["git", "archive", args.before, "tutorial", "notebooks"],
                cwd=ROOT, check=True, capture_output=True,
            ).stdout  # fmt: skip
            subprocess.run(["tar", "-x", "-C", str(before_root)], input=archive, check=True)
            before = measure(f"before ({args.before})", before_root, args.lesson, args.runs, tmp)
            (_, cpu_a, rss_a, pss_a), (_, cpu_b, rss_b, pss_b) = now[-1], before[-1]
            (_, start_a, *_), (_, start_b, *_) = now[0], before[0]
            print(
                f"\nwhole lesson, now / before: CPU {cpu_a:.2f} / {cpu_b:.2f} s = "
                f"{cpu_a / cpu_b:.2f} (cells only: {cpu_a - start_a:.2f} / {cpu_b - start_b:.2f} s"
                f" = {(cpu_a - start_a) / (cpu_b - start_b):.2f}); RSS {rss_a:.0f} / {rss_b:.0f} MB"
                f" = {rss_a / rss_b:.2f}; PSS {pss_a:.0f} / {pss_b:.0f} MB = {pss_a / pss_b:.2f}"
            )
        rss, pss = now[-1][2], now[-1][3]
        print(f"goal: at most 80 MB per visitor: {'met' if max(rss, pss) <= 80 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
