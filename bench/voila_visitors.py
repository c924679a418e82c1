"""Benchmark: many visitors open a lesson in Voila at once. Time to widgets and memory.

For each number of visitors (default 1, 5, 10, 20), that many Chromium pages (one browser
context each, like separate people) open the lesson together; each page's time from the
request to its step timer on screen is recorded. While they are open, the memory of every
kernel is read from /proc: RSS and PSS (shared pages divided among the processes that share
them, which is what each additional visitor really costs). Two servers are compared in
the same run, one after the other:

- ``plain``: ``voila --strip_sources=True`` as ``make present`` ran it before (no voila.json);
- ``present``: ``make present``'s server (``python -m tutorial.site.present`` with voila.json:
  private folders, pre-heated kernels, culling).

Goal: 20 visitors all see their widgets within 15 s, at most 80 MB per visitor.
The browser pages run on the same machine as the server, so they compete for its cores,
as they would not in a real room.

    python bench/voila_visitors.py [--visitors 1 5 10 20] [--lesson 04_guided_routine.ipynb]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import CHROMIUM_ARGS, ROOT, chromium_path, free_port

WIDGET = ".cct-timer"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(p) for p in (task / "children").read_text().split())
    return found


def memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return fields.get("Rss", 0.0), fields.get("Pss", 0.0)


class Server:
    def __init__(self, kind: str, root: Path, home: Path) -> None:
        self.kind, self.port = kind, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
            CALF_TUTORIAL_HOME=str(home / "data"),
        )
        common = ["--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1"]
        if kind == "plain":
            empty = home / "no-config"
            empty.mkdir(exist_ok=True)
            cmd = [sys.executable, "-m", "voila", str(root), *common, "--strip_sources=True"]
            cmd.append(f"--Voila.config_file_paths={empty}")
        else:
            cmd = [sys.executable, "-m", "tutorial.site.present", str(root), *common]
            cmd.append(f"--Voila.config_file_paths={ROOT}")
        self.log = home / f"{kind}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{kind} server did not start:\n{self.log.read_text()[-2000:]}")

    def wait_quiet(self, expected: int, timeout: float = 600) -> None:
        """Wait until the server has exactly ``expected`` kernels and they are idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            kids = children(self.process.pid)
            busy = sum(_cpu_busy(pid) for pid in kids)
            if len(kids) == expected and not busy:
                return
            time.sleep(1)
        print(f"  ({self.kind}: still {len(children(self.process.pid))} kernels)")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _cpu_busy(pid: int) -> bool:
    try:
        first = _cpu_ticks(pid)
        time.sleep(0.2)
        return _cpu_ticks(pid) - first > 2
    except OSError:
        return False


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


async def visit_all(browser, url: str, count: int, timeout: float = 300):
    contexts = [await browser.new_context() for _ in range(count)]
    pages = [await context.new_page() for context in contexts]

    async def one(page) -> float:
        start = time.perf_counter()
        await page.goto(url, timeout=timeout * 1000)
        await page.locator(WIDGET).first.wait_for(timeout=timeout * 1000)
        return time.perf_counter() - start

    times = await asyncio.gather(*(one(page) for page in pages), return_exceptions=True)
    return contexts, pages, times


async def run(args) -> None:
    from playwright.async_api import async_playwright

    home = Path(tempfile.mkdtemp(prefix="voila-bench-"))
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".*"))
    results: dict[tuple[str, int], tuple[list[float], list[tuple[float, float]]]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        for kind in args.servers:
            for count in args.visitors:
                # a fresh server per round: the plain one never releases its kernels
                server = Server(kind, root, home)
                try:
                    pool = _pool_size(kind)
                    server.wait_quiet(pool)
                    url = f"{server.url}voila/render/{args.lesson}"
                    contexts, _pages, times = await visit_all(browser, url, count)
                    kernels = children(server.process.pid)
                    memory = [memory_mb(pid) for pid in kernels]
                    failed = [t for t in times if isinstance(t, BaseException)]
                    ok = [t for t in times if not isinstance(t, BaseException)]
                    results[kind, count] = (ok, memory)
                    _print_row(kind, count, ok, failed, memory, len(kernels))
                    for context in contexts:
                        await context.close()
                finally:
                    server.stop()
        await browser.close()
    shutil.rmtree(home, ignore_errors=True)
    if len(args.servers) == 2:
        print("\nratio present / plain (time to widgets, max):")
        for count in args.visitors:
            a, b = results.get(("plain", count)), results.get(("present", count))
            if a and b and a[0] and b[0]:
                print(f"  {count:>2} visitors: {max(b[0]) / max(a[0]):.2f}")


def _pool_size(kind: str) -> int:
    if kind == "plain":
        return 0
    import json

    config = json.loads((ROOT / "voila.json").read_text())
    if not config.get("VoilaConfiguration", {}).get("preheat_kernel"):
        return 0
    pools = config.get("VoilaKernelManager", {}).get("kernel_pools_config", {})
    total = 0
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        entry = pools.get(notebook.name, pools.get("default", {}))
        total += int(
            entry.get("pool_size", config["VoilaConfiguration"].get("default_pool_size", 1))
        )
    return total


def _print_row(kind, count, ok, failed, memory, kernels) -> None:
    rss = statistics.median(m[0] for m in memory) if memory else float("nan")
    pss = statistics.median(m[1] for m in memory) if memory else float("nan")
    times = f"median {statistics.median(ok):5.1f} s, max {max(ok):5.1f} s" if ok else "none"
    print(
        f"{kind:8} {count:>2} visitors: widgets {times}"
        f"{f', {len(failed)} FAILED' if failed else ''}; {kernels} kernels, "
        f"per kernel RSS {rss:.0f} MB, PSS {pss:.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--lesson", default="04_guided_routine.ipynb")
    parser.add_argument("--servers", nargs="+", default=["plain", "present"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
