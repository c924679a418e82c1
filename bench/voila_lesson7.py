"""How long until Voila shows lesson 7's widgets? (the trainers' page, as a room opens it)

One Voila server (``make present``'s command line and ``voila.json``) serves, from a
temporary folder:

- ``07_for_trainers.ipynb`` of this checkout;
- a baseline: a page with only the room's timer and the overview picture (what lesson 7
  cannot do without), so the ratio shows what the rest of the page costs;
- Voila's floor: a page with one ipywidgets Button and nothing of this course, i.e. what
  Voila and its widget manager cost the browser before any lesson adds anything;
- with ``--before REV``, lesson 7 as it was at git revision ``REV`` (for example the commit
  before the handout was made on request), run against this checkout's package.

Each page is opened ``--runs`` times (default 5, alternating) in headless Chromium; a visit
is timed from navigation to the moment the page's last output (the overview picture) and the
timer are on screen, with every widget rendered. Each visit gets a fresh kernel, as a new
visitor does: every page has a pool of pre-heated kernels, as lesson 7 has in ``voila.json``,
refilled at once, and each visit waits for the pools to be full again, so each page is timed
as a trainer opens it. Two kinds of visit:

- cold: a new browser profile each time (nothing cached), as a visitor's first page;
- warm: the same browser profile, after one visit of the floor page, as a trainer who has
  opened any page of the course before (Voila's 5 MB of JavaScript is then in the HTTP cache;
  nothing of this lesson is).

The picture cache is warmed first, as ``make present`` does. Figures are medians: wall-clock
time to widgets (printed with the load average, since it depends on what else runs on the
machine) and CPU seconds of the server and the visit's kernel (which does not). Goal: lesson 7
under 3 s on 2 cores.

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
FLOOR_CELLS = ["import ipywidgets", "ipywidgets.Button(description='Start')"]
FLOOR_READY = "() => !!document.querySelector('.widget-button')"
BASELINE_CELLS = [
    "import tutorial",
    "tutorial.StepTimer(legs='one', layout='projector')",
    "tutorial.routine_overview()",
]
# Every code cell has run and every widget is drawn: the timer and the last output (the
# overview picture) are there, and no widget view is still a placeholder.
VIEWPORT = {"width": 1920, "height": 1080}
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


POOL = 2  # pre-heated kernels per page, as voila.json gives lesson 7


def _refilled(server_pid: int, timeout: float = 60) -> None:
    """Wait until the pools are full again: the server and its kernels idle (under 0.05 CPU
    seconds in each of three half-second windows) after the refill ran its notebook."""
    deadline, quiet = time.monotonic() + timeout, 0
    last = _tree_cpu(server_pid)
    while time.monotonic() < deadline and quiet < 3:
        time.sleep(0.5)
        now = _tree_cpu(server_pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now


def visit(opener, url: str, server_pid: int, ready: str = READY) -> tuple[float, float]:
    """Seconds from navigation to every widget of the page on screen (a pre-heated kernel),
    and the CPU seconds the server and its kernels used meanwhile, until 1 s after (which
    includes the pool starting a kernel to replace the one taken).

    ``opener`` is a browser (a new profile: cold) or a context (its cache: warm)."""
    page = opener.new_page(**({"viewport": VIEWPORT} if hasattr(opener, "contexts") else {}))
    try:
        cpu = _tree_cpu(server_pid)
        start = time.perf_counter()
        page.goto(url, timeout=120_000)
        page.wait_for_function(ready, timeout=120_000, polling=20)
        wall = time.perf_counter() - start
        time.sleep(1.0)  # the kernel's last messages (a picture the timer asked for)
        used = _tree_cpu(server_pid) - cpu
        _refilled(server_pid)
        return wall, used
    finally:
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="git revision whose lesson 7 to time as well")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    floor, base = "Voila floor (one Button)", "baseline (timer + overview)"
    with tempfile.TemporaryDirectory(prefix="calf-bench-voila-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        pages = {floor: "floor.ipynb", base: "baseline.ipynb", "lesson 7 now": LESSON}
        (folder / LESSON).write_bytes((ROOT / "notebooks" / LESSON).read_bytes())
        (folder / "floor.ipynb").write_text(json.dumps(_notebook(FLOOR_CELLS)))
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
        config = json.loads((ROOT / "voila.json").read_text())
        config["VoilaKernelManager"]["kernel_pools_config"] = {
            file: {"pool_size": POOL} for file in pages.values()
        }
        config["VoilaKernelManager"]["fill_delay"] = 0
        (Path(tmp) / "voila.json").write_text(json.dumps(config))
        port = 18870
        log = (Path(tmp) / "voila.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--strip_sources=True"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
        )  # fmt: skip
        kinds = ("cold", "warm")
        times = {(k, name): [] for k in kinds for name in pages}
        cpus = {(k, name): [] for k in kinds for name in pages}
        try:
            _wait(f"http://127.0.0.1:{port}/", proc)
            loads = [os.getloadavg()[0]]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)

                def url(file: str) -> str:
                    return f"http://127.0.0.1:{port}/voila/render/{file}"

                def ready(name: str) -> str:
                    return FLOOR_READY if name == floor else READY

                for name, file in pages.items():  # warm-up: imports and fonts in the OS cache
                    visit(browser, url(file), proc.pid, ready(name))
                for _ in range(args.runs):
                    for name, file in pages.items():
                        wall, cpu = visit(browser, url(file), proc.pid, ready(name))
                        times["cold", name].append(wall)
                        cpus["cold", name].append(cpu)
                        context = browser.new_context(viewport=VIEWPORT)
                        visit(context, url(pages[floor]), proc.pid, FLOOR_READY)  # any page before
                        wall, cpu = visit(context, url(file), proc.pid, ready(name))
                        context.close()
                        times["warm", name].append(wall)
                        cpus["warm", name].append(cpu)
                    loads.append(os.getloadavg()[0])
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(
        f"Voila, median of {args.runs} visits (1920x1080, fresh kernel each), load average "
        f"{min(loads):.1f}-{max(loads):.1f}: time to widgets (ratio to the baseline); "
        "CPU of server + kernel"
    )
    for kind in kinds:
        print(f"{kind}: {'new browser profile' if kind == 'cold' else 'browser cache warm'}")
        base_wall = statistics.median(times[kind, base])
        base_cpu = statistics.median(cpus[kind, base])
        for name in pages:
            median, cpu = statistics.median(times[kind, name]), statistics.median(cpus[kind, name])
            spread = ", ".join(f"{v:.2f}" for v in times[kind, name])
            print(
                f"  {name:30s} {median:5.2f} s  ratio {median / base_wall:4.2f}  ({spread});  "
                f"CPU {cpu:5.2f} s  ratio {cpu / base_cpu:4.2f}"
            )
    for kind in kinds:
        now = statistics.median(times[kind, "lesson 7 now"])
        over = now - statistics.median(times[kind, floor])
        print(
            f"goal: lesson 7 under 3 s, {kind}: {'met' if now < 3 else 'NOT met'} ({now:.2f} s; "
            f"{over:+.2f} s over Voila's own floor)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
