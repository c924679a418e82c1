"""What the benchmarks share: timing a call, a free port, and a Chromium whose tabs can
really be hidden.

The scripts in ``bench/`` import it as ``common`` (``python bench/x.py`` puts ``bench/`` on
the path first).
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from ensure_browser import CHROMIUM_ARGS, find_chromium  # noqa: E402

__all__ = [
    "CHROMIUM_ARGS",
    "chromium_path",
    "free_port",
    "hideable_chromium",
    "long_routine",
    "median_seconds",
]


def median_seconds(
    func: Callable[[], Any], runs: int, *, warm_up: bool = True
) -> tuple[float, float]:
    """Median wall-clock and CPU (process) seconds of ``func()`` over ``runs`` calls.

    With ``warm_up`` one untimed call comes first (imports, font cache, data loading).
    CPU time is what counts on a shared machine; wall-clock is what a user waits.
    """
    if warm_up:
        func()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def long_routine(steps: int) -> Any:
    """The built-in routine's steps repeated up to ``steps`` (ids ``s0``, ``s1``... and
    numbered titles, so every step is its own), as a routine of that many steps."""
    from dataclasses import replace

    from tutorial import load_routine

    routine = load_routine()
    base = routine.steps
    made = tuple(
        replace(base[i % len(base)], id=f"s{i}", title=f"{base[i % len(base)].title} {i + 1}")
        for i in range(steps)
    )
    return replace(routine, steps=made, title=f"{routine.title} ({steps} steps)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str:
    """Debian's Chromium or Playwright's own; exits with what to run when there is none."""
    path = find_chromium()
    if path is None:
        sys.exit("no Chromium found: run `python scripts/ensure_browser.py` and retry")
    return path


@contextmanager
def hideable_chromium() -> Iterator[Any]:
    """A headless Chromium without Playwright's anti-throttling flags, attached over CDP.

    Yields its default browser context: ``context.new_page().bring_to_front()`` really hides
    the other tabs (``visibilitychange`` fires and page timers are throttled), as in a
    user's browser. Playwright's own launch emulates focus and never hides a tab.
    """
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = tempfile.mkdtemp(prefix="cct-chromium-")
    chromium = subprocess.Popen(
        [
            chromium_path(),
            "--headless",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            *CHROMIUM_ARGS,
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_playwright() as p:
            for _ in range(100):
                try:
                    browser = p.chromium.connect_over_cdp(
                        f"http://127.0.0.1:{port}", no_defaults=True
                    )
                    break
                except Exception:
                    time.sleep(0.2)
            else:
                sys.exit("could not connect to Chromium over CDP")
            try:
                yield browser.contexts[0]
            finally:
                browser.close()
    finally:
        chromium.terminate()
        chromium.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)
