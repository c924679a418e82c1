"""Benchmark: many visitors open a lesson in Voila at once. Time to widgets and memory.

For each number of visitors (default 1, 5, 10, 20), that many Chromium pages (one browser
context each, like separate people) open the lesson together; each page's time from the
request to its step timer on screen is recorded. While they are open, the memory of every
kernel is read from /proc: RSS and PSS (shared pages divided among the processes that share
them, which is what each additional visitor really costs). Two servers are compared in
the same run, one after the other:

- ``plain``: ``voila --strip_sources=True`` as ``make present`` ran it before (no voila.json);
- ``present``: ``make present``'s server (``python -m tutorial.site.present`` with voila.json:
  private folders, pre-heated kernels, culling, the picture cache warmed first);
- with ``--before REV``: ``make present``'s server as it was at git revision ``REV`` (its
  package, lessons and voila.json, exported with ``git archive``), for before/after figures.

Each round (a number of visitors on one server) runs ``--runs`` times (default 3); the
figures are medians over the runs: time to widgets (the slowest visitor and the median
one), CPU seconds used during the round by the server and its kernels and by Chromium
(CPU time does not depend on what else the machine is doing; wall-clock time does, so the
load average is printed with each round), and RSS and PSS per kernel. The ratios compare
``present`` (and ``before``) with ``plain`` in the same run.

Goal: 20 visitors all see their widgets within 15 s, at most 80 MB per visitor.
The browser pages run on the same machine as the server, so they compete for its cores,
as they would not in a real room.

    python bench/voila_visitors.py [--visitors 1 5 10 20] [--runs 3] [--before REV]
        [--servers plain present] [--lesson 04_guided_routine.ipynb]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
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
    def __init__(self, kind: str, root: Path, home: Path, source: Path = ROOT) -> None:
        self.kind, self.port, self.source = kind, free_port(), source
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
            CALF_TUTORIAL_HOME=str(home / "data"),
            CALF_TUTORIAL_CACHE=str(home / f"cache-{kind}"),
        )
        if source != ROOT:  # an exported revision: its package first on the path
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
        common = ["--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1"]
        if kind == "plain":
            if (source / "tutorial" / "site" / "warm.py").exists():  # the same pictures cached
                subprocess.run([sys.executable, "-m", "tutorial.site.warm"], env=env, check=True)
            empty = home / "no-config"
            empty.mkdir(exist_ok=True)
            cmd = [sys.executable, "-m", "voila", str(root), *common, "--strip_sources=True"]
            cmd.append(f"--Voila.config_file_paths={empty}")
        else:
            cmd = [sys.executable, "-m", "tutorial.site.present", str(root), *common]
            cmd.append(f"--Voila.config_file_paths={source}")
        self.log = home / f"{kind}.log"
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(source)
            )
        deadline = time.monotonic() + 300
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

    def cpu_seconds(self) -> float:
        """CPU time of the server and its kernels so far."""
        return _tree_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _tree_cpu(pid: int, exclude: int | None = None) -> float:
    """User + system CPU seconds of a process and its descendants (skipping ``exclude``)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    skip = set()
    if exclude is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            ex = psutil.Process(exclude)
            skip = {ex.pid, *(c.pid for c in ex.children(recursive=True))}
    for proc in procs:
        if proc.pid in skip:
            continue
        with contextlib.suppress(psutil.NoSuchProcess):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


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


async def _round(browser, server, url: str, count: int, pool: int) -> dict:
    """``count`` visitors at once; time, CPU and memory of that round."""
    server.wait_quiet(pool)
    load = os.getloadavg()[0]
    cpu_server, cpu_browser = server.cpu_seconds(), _tree_cpu(os.getpid(), server.process.pid)
    contexts, pages, times = await visit_all(browser, url, count)
    cpu_server = server.cpu_seconds() - cpu_server
    cpu_browser = _tree_cpu(os.getpid(), server.process.pid) - cpu_browser
    kernels = children(server.process.pid)
    memory = [memory_mb(pid) for pid in kernels]
    for page in pages:  # as a visitor closing the tab: the kernel is released at once
        with contextlib.suppress(Exception):
            await page.close(run_before_unload=True)
    for context in contexts:
        await context.close()
    ok = [t for t in times if not isinstance(t, BaseException)]
    return {
        "load": load,
        "failed": len(times) - len(ok),
        "max": max(ok) if ok else float("nan"),
        "median": statistics.median(ok) if ok else float("nan"),
        "cpu_server": cpu_server,
        "cpu_browser": cpu_browser,
        "kernels": len(kernels),
        "rss": statistics.median(m[0] for m in memory) if memory else float("nan"),
        "pss": statistics.median(m[1] for m in memory) if memory else float("nan"),
    }


async def run(args) -> None:
    from playwright.async_api import async_playwright

    home = Path(tempfile.mkdtemp(prefix="voila-bench-"))
    sources = {"plain": ROOT, "present": ROOT}
    if args.before:
        before = home / "before"
        before.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before, "tutorial", "notebooks", "voila.json"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        sources["before"] = before
    results: dict[tuple[str, int], dict] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        for kind in args.servers + (["before"] if args.before else []):
            source = sources[kind]
            root = home / f"notebooks-{kind}"
            shutil.copytree(source / "notebooks", root, ignore=shutil.ignore_patterns(".*"))
            url_path = f"voila/render/{args.lesson}"
            pool = _pool_size(kind, source)
            server = None
            try:
                for count in args.visitors:
                    rounds = []
                    for _ in range(args.runs):
                        # plain Voila never releases its kernels: a fresh server each round
                        if server is None or kind == "plain":
                            if server is not None:
                                server.stop()
                            server = Server(kind, root, home, source)
                        rounds.append(
                            await _round(browser, server, server.url + url_path, count, pool)
                        )
                    row = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
                    row["failed"] = sum(r["failed"] for r in rounds)
                    results[kind, count] = row
                    _print_row(kind, count, row, args.runs)
            finally:
                if server is not None:
                    server.stop()
        await browser.close()
    shutil.rmtree(home, ignore_errors=True)
    for kind in [k for k in ("present", "before") if k in args.servers or k == "before"]:
        if not args.before and kind == "before":
            continue
        print(f"\nratio {kind} / plain (same run): slowest visitor, CPU (server+kernels), PSS")
        for count in args.visitors:
            a, b = results.get(("plain", count)), results.get((kind, count))
            if a and b:
                print(
                    f"  {count:>2} visitors: time {b['max'] / a['max']:.2f}, "
                    f"CPU {b['cpu_server'] / a['cpu_server']:.2f}, PSS {b['pss'] / a['pss']:.2f}"
                )


def _pool_size(kind: str, source: Path = ROOT) -> int:
    if kind == "plain":
        return 0
    import json

    config = json.loads((source / "voila.json").read_text())
    if not config.get("VoilaConfiguration", {}).get("preheat_kernel"):
        return 0
    pools = config.get("VoilaKernelManager", {}).get("kernel_pools_config", {})
    total = 0
    for notebook in (source / "notebooks").glob("*.ipynb"):
        entry = pools.get(notebook.name, pools.get("default", {}))
        total += int(
            entry.get("pool_size", config["VoilaConfiguration"].get("default_pool_size", 1))
        )
    return total


def _print_row(kind: str, count: int, row: dict, runs: int) -> None:
    failed = f", {row['failed']} FAILED" if row["failed"] else ""
    print(
        f"{kind:8} {count:>2} visitors (median of {runs}): widgets slowest {row['max']:5.1f} s, "
        f"median {row['median']:5.1f} s (load avg {row['load']:.1f}){failed}; "
        f"CPU server+kernels {row['cpu_server']:5.1f} s, Chromium {row['cpu_browser']:5.1f} s; "
        f"{row['kernels']:.0f} kernels, per kernel RSS {row['rss']:.0f} MB, "
        f"PSS {row['pss']:.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--lesson", default="04_guided_routine.ipynb")
    parser.add_argument("--servers", nargs="+", default=["plain", "present"])
    parser.add_argument("--runs", type=int, default=3, help="rounds per number of visitors")
    parser.add_argument("--before", help="git revision whose `make present` to measure too")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
