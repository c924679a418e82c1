"""How long until Voila shows lesson 7's widgets? (the trainers' page, as a room opens it)

One Voila server (``make present``'s command line) serves, from a temporary folder:

- ``07_for_trainers.ipynb`` of this checkout;
- a baseline: a page with only the room's timer and the overview picture (what lesson 7
  cannot do without), so the ratio shows what the rest of the page costs;
- with ``--before REV``, lesson 7 as it was at git revision ``REV`` (for example the commit
  before the handout was made on request), run against this checkout's package.

Each page is opened ``--runs`` times (default 5, alternating) in headless Chromium; a visit
is timed from navigation to the moment the page's last output (the overview picture) and the
timer are on screen, with every widget rendered. Each visit gets a fresh kernel, as a new
visitor does. The picture cache is warmed first, as ``make present`` does. Figures are
medians: wall-clock time to widgets (printed with the load average, since it depends on
what else runs on the machine) and CPU seconds of the server and the visit's kernel (which
does not). Goal: lesson 7 under 3 s on 2 cores.

Usage: ``python bench/voila_lesson7.py [--runs N] [--before REV]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from ensure_browser import CHROMIUM_ARGS, find_chromium  # noqa: E402

LESSON = "07_for_trainers.ipynb"
BASELINE_CELLS = [
    "import tutorial",
    "tutorial.StepTimer(legs='one', layout='projector')",
    "tutorial.routine_overview()",
]
# Every code cell has run and every widget is drawn: the timer and the last output (the
# overview picture) are there, and no widget view is still a placeholder.
READY = """() => {
    const timer = document.querySelector('.cct-timer');
    const picture = document.querySelector('.jp-RenderedImage img');
    return !!(timer && timer.offsetParent && picture && picture.complete
              && picture.naturalWidth > 0);
}"""


def _notebook(cells: list[str]) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("voila exited early")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("voila did not start")


def _tree_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (the server and kernels)."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def visit(browser, url: str, server_pid: int) -> tuple[float, float]:
    """Seconds from navigation to every widget of the page on screen (fresh kernel), and
    the CPU seconds the server and its kernels used meanwhile (until they are idle)."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        cpu = _tree_cpu(server_pid)
        start = time.perf_counter()
        page.goto(url, timeout=120_000)
        page.wait_for_function(READY, timeout=120_000, polling=20)
        wall = time.perf_counter() - start
        time.sleep(1.0)  # the kernel's last messages (a picture the timer asked for)
        return wall, _tree_cpu(server_pid) - cpu
    finally:
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="git revision whose lesson 7 to time as well")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="calf-bench-voila-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = {"baseline (timer + overview)": "baseline.ipynb", "lesson 7 now": LESSON}
        (folder / LESSON).write_bytes((ROOT / "notebooks" / LESSON).read_bytes())
        (folder / "baseline.ipynb").write_text(json.dumps(_notebook(BASELINE_CELLS)))
        if args.before:
            old = subprocess.run(
                ["git", "show", f"{args.before}:notebooks/{LESSON}"],
                cwd=ROOT,
                check=True,
                capture_output=True,
            ).stdout
            (folder / "before.ipynb").write_bytes(old)
            pages[f"lesson 7 at {args.before}"] = "before.ipynb"
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        env["CALF_TUTORIAL_HOME"] = str(Path(tmp) / "home")
        env["CALF_TUTORIAL_CACHE"] = str(Path(tmp) / "cache")
        subprocess.run([sys.executable, "-m", "tutorial.site.warm"], env=env, check=True)
        port = 18870
        log = (Path(tmp) / "voila.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--strip_sources=True"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait(f"http://127.0.0.1:{port}/", proc)
            times: dict[str, list[float]] = {name: [] for name in pages}
            cpus: dict[str, list[float]] = {name: [] for name in pages}
            loads = [os.getloadavg()[0]]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
                for file in pages.values():  # warm-up: imports and fonts in the OS cache
                    visit(browser, f"http://127.0.0.1:{port}/voila/render/{file}", proc.pid)
                for _ in range(args.runs):
                    for name, file in pages.items():
                        url = f"http://127.0.0.1:{port}/voila/render/{file}"
                        wall, cpu = visit(browser, url, proc.pid)
                        times[name].append(wall)
                        cpus[name].append(cpu)
                    loads.append(os.getloadavg()[0])
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    base = statistics.median(times["baseline (timer + overview)"])
    base_cpu = statistics.median(cpus["baseline (timer + overview)"])
    print(
        f"Voila, median of {args.runs} visits (1920x1080, fresh kernel each), load average "
        f"{min(loads):.1f}-{max(loads):.1f}: time to widgets; CPU of server + kernel"
    )
    for name, values in times.items():
        median, cpu = statistics.median(values), statistics.median(cpus[name])
        spread = ", ".join(f"{v:.2f}" for v in values)
        print(
            f"  {name:32s} {median:5.2f} s  ratio {median / base:4.2f}  ({spread});  "
            f"CPU {cpu:5.2f} s  ratio {cpu / base_cpu:4.2f}"
        )
    now = statistics.median(times["lesson 7 now"])
    print(f"goal: lesson 7 under 3 s: {'met' if now < 3 else 'NOT met'} ({now:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
