"""Benchmark: many visitors open a lesson in Voila at once. Time to widgets, CPU, memory.

Two ways to play the visitors, in the same run (``--modes``):

- ``chromium``: that many headless Chromium pages (one browser context each, like separate
  people with cold caches) open the lesson together; each page's time from the request to
  its step timer on screen is recorded. This is a real page load, end to end, but the
  browsers run on the same 2 cores as the server: 20 Chromium pages each parse about 5 MB
  of Voila and widget JavaScript and lay the lesson out, which costs them far more CPU
  than the server spends. So this mode measures "20 browsers and the server on one
  2-core machine", not a room, where every visitor's own device renders their page.
- ``protocol``: that many clients (asyncio, in this process) do over HTTP and WebSocket
  what the Voila page does, request for request: fetch the page (streamed, to its end),
  then every same-origin asset a real Chromium page fetched in this run (scripts, styles,
  extension chunks), then ``GET /api/kernels/<id>``; open the kernel channels (WebSocket,
  protocol ``v1.kernel.websocket.jupyter.org`` as Chromium negotiates it), send
  ``kernel_info_request``, open the ``jupyter.widget.control`` comm and send
  ``request_states``, wait for ``update_states`` (the state of every widget model of the
  page, with its binary buffers), close that comm, then send the same comm messages the
  real page's widgets sent once drawn (the step timer asks for its first pictures), each
  model found again by its class and rank, and wait for the kernel to finish each. The time
  is request to the last reply. It measures what the server and kernels deliver to a
  room; it does not measure the visitor's browser parsing JavaScript and drawing (that
  is the render cost below). Each client closes its page like Chromium does
  (``POST /voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie).

Before the rounds on a server, one Chromium page alone on the quiet server gives the
**render cost on a visitor's device**: wall time from the page's HTML fully received
(``responseEnd``) to the step timer on screen, and Chromium's CPU seconds for the whole
page. It also records the requests and comm messages that the protocol clients replay.
So the result reads: the server delivers N visitors within X s (protocol), and each
visitor's device then needs Y s (render cost) -- its own, not the server's, cores.

Servers, one after the other in the same run (``--servers``, ``--before``):

- ``plain``: ``voila --strip_sources=True`` as ``make present`` ran it before (no voila.json),
  a fresh server for every round (plain Voila never releases kernels);
- ``present``: ``make present``'s server (``python -m tutorial.site.present`` with voila.json:
  private folders, pre-heated kernels, culling, the picture cache warmed first);
- ``before`` (with ``--before REV``): ``make present``'s server as it was at git revision
  ``REV`` (its package, lessons and voila.json, exported with ``git archive``).

Each round (a number of visitors, one mode, one server) starts once the server has its
pre-heated kernels back and idle, and runs ``--runs`` times (default 3); printed are medians
over the runs: time to widgets of the median and the slowest visitor, CPU seconds used
during the round by the server and all its kernels (the visitors' and any pool refill;
CPU time does not depend on what else the machine does, wall-clock time does, so the
load average at the start of the round is printed with it), the clients' own CPU (Chromium,
or the protocol clients), and RSS and PSS (shared pages divided among the processes that
share them: what one more visitor costs) per kernel, read from /proc while the pages are
open. Ratios: each round against one visitor alone on the same server and mode (the
baseline of the same run), and ``present``/``before`` against ``plain``.

Goal (issue 13): 20 visitors all see their widgets within 15 s on 2 cores, at most 80 MB
per visitor.

With ``--spread S`` a round's visitors arrive evenly over S seconds instead of all at once
(a room where people open the link one after another); each visitor's time still runs
from their own request.

    python bench/voila_visitors.py [--visitors 1 5 10 20] [--runs 3] [--before REV]
        [--servers plain present] [--modes protocol chromium] [--spread 0]
        [--lesson 04_guided_routine.ipynb]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from common import CHROMIUM_ARGS, ROOT, chromium_path, free_port

WIDGET = ".cct-timer"
WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def children(pid: int) -> list[int]:
    """The direct children of a process (the server's kernels)."""
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


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

    def wait_quiet(self, expected: int, timeout: float = 900, steady: float = 3) -> None:
        """Wait until the server has exactly ``expected`` kernels (its pre-heated pool) and
        they have been idle for ``steady`` seconds (refills start one by one)."""
        deadline = time.monotonic() + timeout
        since = None
        while time.monotonic() < deadline:
            kids = children(self.process.pid)
            if len(kids) == expected and not _any_busy(kids):
                since = since or time.monotonic()
                if time.monotonic() - since >= steady:
                    return
            else:
                since = None
            time.sleep(0.5)
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


def _any_busy(pids: list[int]) -> bool:
    """Whether any of the processes used CPU in the next 0.3 s."""
    try:
        first = [_cpu_ticks(pid) for pid in pids]
        time.sleep(0.3)
        return any(_cpu_ticks(pid) - t > 2 for pid, t in zip(pids, first, strict=True))
    except OSError:
        return True


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# -- what one real page does: recorded once per server from a single Chromium visit -------


@dataclass
class Recording:
    """The requests and widget messages of one real Voila page (same server, same run)."""

    assets: list[str] = field(default_factory=list)  # same-origin GETs after the page
    comm_messages: list[tuple[tuple[str, str, int], dict]] = field(default_factory=list)
    render_wall: float = float("nan")  # page HTML received -> widgets drawn, seconds
    render_cpu: float = float("nan")  # Chromium CPU seconds for the whole page
    page_wall: float = float("nan")  # request -> widgets drawn, seconds
    models: int = 0  # widget models of the page (from the first protocol visit)
    state_bytes: int = 0  # their binary buffers in ``update_states``


def _ws_decode(frame: bytes) -> dict | None:
    """A kernel message from a v1 WebSocket frame (None when it is not one)."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    try:
        channel, parts = deserialize_msg_from_ws_v1(frame)
        header, parent, _metadata, content = (json.loads(p) for p in parts[:4])
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    return {
        "channel": channel,
        "header": header,
        "parent_header": parent,
        "content": content,
        "buffers": parts[4:],
    }


def _model_keys(states: dict) -> dict[str, tuple[str, str, int]]:
    """Each widget model id -> (module, class, rank among models of that class)."""
    seen: Counter = Counter()
    keys = {}
    for model_id, state in states.items():
        kind = (state.get("model_module", ""), state.get("model_name", ""))
        keys[model_id] = (*kind, seen[kind])
        seen[kind] += 1
    return keys


async def record_page(browser, url: str, server_pid: int) -> Recording:
    """One Chromium page alone: its render cost, and what the protocol clients replay."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    recording = Recording()
    requests: list[str] = []
    frames: list[tuple[str, bytes]] = []
    context = await browser.new_context()
    page = await context.new_page()
    page.on(  # what the page fetched and got (not the CDN an offline page cannot reach)
        "response",
        lambda r: requests.append(r.url) if r.request.method == "GET" and r.ok else None,
    )

    def on_ws(ws) -> None:
        ws.on("framesent", lambda f: frames.append(("sent", f)))
        ws.on("framereceived", lambda f: frames.append(("recv", f)))

    page.on("websocket", on_ws)
    cpu = _tree_cpu(os.getpid(), server_pid)
    start = time.perf_counter()
    await page.goto(url, timeout=300_000)
    await page.locator(WIDGET).first.wait_for(timeout=300_000)
    recording.page_wall = time.perf_counter() - start
    recording.render_wall = (
        await page.evaluate(
            "performance.now() - performance.getEntriesByType('navigation')[0].responseEnd"
        )
        / 1000
    )
    await page.wait_for_timeout(1500)  # the widgets' own first messages
    recording.render_cpu = _tree_cpu(os.getpid(), server_pid) - cpu
    await page.close(run_before_unload=True)
    await context.close()
    for address in requests:
        if address.startswith(origin) and address != url and "/api/kernels/" not in address:
            recording.assets.append(address[len(origin) :])
    states: dict = {}
    for direction, frame in frames:
        if isinstance(frame, str):
            frame = frame.encode()
        msg = _ws_decode(frame)
        if msg is None:
            continue
        content = msg["content"]
        data = content.get("data", {}) if isinstance(content, dict) else {}
        if direction == "recv" and data.get("method") == "update_states":
            states = data["states"]
        elif direction == "sent" and states and msg["header"]["msg_type"] == "comm_msg":
            key = _model_keys(states).get(content.get("comm_id"))
            if key is not None:
                recording.comm_messages.append((key, data))
    return recording


# -- the protocol clients -----------------------------------------------------------------


class _Kernel:
    """One page's kernel connection: send a shell message, collect replies by parent."""

    def __init__(self, ws, session: str) -> None:
        self.ws, self.session = ws, session
        self.idle: dict[str, asyncio.Future] = {}
        self.replies: dict[str, list[dict]] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                for waiter in self.idle.values():
                    if not waiter.done():
                        waiter.set_exception(ConnectionError("kernel channels closed"))
                return
            msg = _ws_decode(frame if isinstance(frame, bytes) else frame.encode())
            if msg is None:
                continue
            parent = msg["parent_header"].get("msg_id")
            if parent in self.replies:
                self.replies[parent].append(msg)
            kind = msg["header"]["msg_type"]
            if kind == "status" and msg["content"].get("execution_state") == "idle":
                waiter = self.idle.get(parent)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

    async def request(self, msg_type: str, content: dict, metadata: dict | None = None):
        """Send on the shell channel; wait until the kernel is idle after it; its replies."""
        from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.session,
            "username": "",
            "version": "5.2",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        parts = [json.dumps(x).encode() for x in (header, {}, metadata or {}, content)]
        self.idle[msg_id] = asyncio.get_running_loop().create_future()
        self.replies[msg_id] = []
        await self.ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
        await self.idle[msg_id]
        return self.replies.pop(msg_id)

    def close(self) -> None:
        self.reader.cancel()
        self.ws.close()


async def protocol_visit(url: str, recording: Recording, timeout: float = 300) -> dict:
    """What one Voila page does over HTTP and WebSocket, timed from request to last reply."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    # a browser opens at most 6 connections to one server
    # (timeouts also for the time a request waits for one of those)
    limits = {"connect_timeout": timeout, "request_timeout": timeout}
    http = AsyncHTTPClient(force_instance=True, max_clients=6, defaults=limits)
    start = time.perf_counter()
    kernel = None
    try:
        page = await http.fetch(url)
        jar: SimpleCookie = SimpleCookie()
        for header in page.headers.get_list("Set-Cookie"):
            jar.load(header)
        cookies = {name: morsel.value for name, morsel in jar.items()}
        body = page.body.decode()
        kernel_id = json.loads(body.split('"kernelId":', 1)[1].split(",", 1)[0])
        assets = await asyncio.gather(
            *(http.fetch(origin + path, raise_error=False) for path in recording.assets)
        )
        failed = sorted({r.code for r in assets if r.code >= 400})
        if failed:
            raise RuntimeError(f"assets answered HTTP {failed}")
        await http.fetch(f"{origin}/api/kernels/{kernel_id}")
        session = str(uuid.uuid4())
        ws_url = origin.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
        ws = await websocket_connect(
            HTTPRequest(f"{ws_url}?session_id={session}", request_timeout=timeout),
            subprotocols=[WS_PROTOCOL],
            max_message_size=256 * 1024 * 1024,
        )
        kernel = _Kernel(ws, session)
        await kernel.request("kernel_info_request", {})
        control = str(uuid.uuid4())
        open_control = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        await kernel.request("comm_open", open_control, {"version": "1.0.0"})
        replies = await kernel.request(
            "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}
        )
        states = next(
            m["content"]["data"]["states"]
            for m in replies
            if m["header"]["msg_type"] == "comm_msg"
            and m["content"]["data"].get("method") == "update_states"
        )
        state_bytes = sum(len(b) for m in replies for b in m["buffers"])
        state_bytes += sum(len(json.dumps(m["content"])) for m in replies)
        await kernel.request("comm_close", {"comm_id": control, "data": {}})
        ids = {key: model_id for model_id, key in _model_keys(states).items()}
        for key, data in recording.comm_messages:
            if key in ids:
                await kernel.request("comm_msg", {"comm_id": ids[key], "data": data})
        elapsed = time.perf_counter() - start
    finally:
        if kernel is not None:
            kernel.close()
    return {
        "time": elapsed,
        "models": len(states),
        "state_bytes": state_bytes,
        "kernel_id": kernel_id,
        "cookies": cookies,
        "http": http,
        "origin": origin,
    }


async def protocol_close(visit: dict) -> int:
    """The page closes: Voila's front end sends a beacon to release the kernel (the
    ``_xsrf`` cookie's value as a form field). Returns the HTTP status."""
    from tornado.httpclient import HTTPRequest

    xsrf = visit["cookies"].get("_xsrf", "")
    cookie = "; ".join(f"{name}={value}" for name, value in visit["cookies"].items())
    request = HTTPRequest(
        f"{visit['origin']}/voila/api/shutdown/{visit['kernel_id']}",
        method="POST",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"_xsrf": xsrf}),
    )
    try:
        response = await visit["http"].fetch(request, raise_error=False)
        return response.code
    finally:
        visit["http"].close()


# -- rounds -------------------------------------------------------------------------------


async def chromium_visits(browser, url: str, count: int, spread: float, timeout: float = 300):
    contexts = [await browser.new_context() for _ in range(count)]
    pages = [await context.new_page() for context in contexts]

    async def one(index: int, page) -> float:
        await asyncio.sleep(_arrival(index, count, spread))
        start = time.perf_counter()
        await page.goto(url, timeout=timeout * 1000)
        await page.locator(WIDGET).first.wait_for(timeout=timeout * 1000)
        return time.perf_counter() - start

    times = await asyncio.gather(
        *(one(i, page) for i, page in enumerate(pages)), return_exceptions=True
    )

    async def close() -> None:
        for page in pages:  # as a visitor closing the tab: the kernel is released at once
            with contextlib.suppress(Exception):
                await page.close(run_before_unload=True)
        for context in contexts:
            await context.close()

    return times, close


def _arrival(index: int, count: int, spread: float) -> float:
    """When visitor ``index`` of ``count`` arrives: evenly over ``spread`` seconds."""
    return spread * index / max(count - 1, 1)


async def protocol_visits(url: str, count: int, spread: float, recording: Recording):
    async def one(index: int) -> dict:
        await asyncio.sleep(_arrival(index, count, spread))
        return await protocol_visit(url, recording)

    visits = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
    times = [v if isinstance(v, BaseException) else v["time"] for v in visits]
    done = [v for v in visits if not isinstance(v, BaseException)]
    if done and not recording.models:
        recording.models = done[0]["models"]
        recording.state_bytes = done[0]["state_bytes"]

    async def close() -> None:
        codes = await asyncio.gather(
            *(protocol_close(v) for v in visits if not isinstance(v, BaseException))
        )
        refused = [code for code in codes if code >= 400]
        if refused:
            print(f"  {len(refused)} kernels not released (HTTP {sorted(set(refused))})")

    for visit in visits:
        if isinstance(visit, BaseException):
            print(f"  a protocol visitor failed: {visit!r}")
    return times, close


async def _round(
    mode: str, browser, server, url: str, count: int, pool: int, recording, spread: float
) -> dict:
    """``count`` visitors at once; time, CPU and memory of that round."""
    server.wait_quiet(pool)
    load = os.getloadavg()[0]
    cpu_server, cpu_client = server.cpu_seconds(), _tree_cpu(os.getpid(), server.process.pid)
    if mode == "chromium":
        times, close = await chromium_visits(browser, url, count, spread)
    else:
        times, close = await protocol_visits(url, count, spread, recording)
    cpu_server = server.cpu_seconds() - cpu_server
    cpu_client = _tree_cpu(os.getpid(), server.process.pid) - cpu_client
    kernels = children(server.process.pid)
    memory = []
    for pid in kernels:
        with contextlib.suppress(OSError):  # a kernel that ended meanwhile
            memory.append(memory_mb(pid))
    await close()
    ok = [t for t in times if not isinstance(t, BaseException)]
    return {
        "load": load,
        "failed": len(times) - len(ok),
        "max": max(ok) if ok else float("nan"),
        "median": statistics.median(ok) if ok else float("nan"),
        "cpu_server": cpu_server,
        "cpu_client": cpu_client,
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
    results: dict[tuple[str, str, int], dict] = {}
    renders: dict[str, Recording] = {}
    kinds = args.servers + (["before"] if args.before else [])
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        for kind in kinds:
            await _rounds_on(kind, sources[kind], home, browser, args, results, renders)
        await browser.close()
    shutil.rmtree(home, ignore_errors=True)
    _print_summary(args, kinds, results, renders)


async def _rounds_on(kind, source, home, browser, args, results, renders) -> None:
    """Every mode and number of visitors on one server; rows printed as they come."""
    root = home / f"notebooks-{kind}"
    shutil.copytree(source / "notebooks", root, ignore=shutil.ignore_patterns(".*"))
    url_path = f"voila/render/{args.lesson}"
    pool = _pool_size(kind, source)
    server = None

    def fresh() -> Server:
        if server is not None:
            server.stop()
        return Server(kind, root, home, source)

    try:
        server = fresh()
        server.wait_quiet(pool)
        renders[kind] = await record_page(browser, server.url + url_path, server.process.pid)
        _print_render(kind, renders[kind])
        for mode in args.modes:
            for count in args.visitors:
                rounds = []
                for _ in range(args.runs):
                    if kind == "plain":  # plain Voila never releases kernels: a fresh server
                        server = fresh()
                    url = server.url + url_path
                    rounds.append(
                        await _round(
                            mode, browser, server, url, count, pool, renders[kind], args.spread
                        )
                    )
                row = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
                row["failed"] = sum(r["failed"] for r in rounds)
                base = results.get((kind, mode, args.visitors[0]), row)
                results[kind, mode, count] = row
                _print_row(kind, mode, count, row, args.runs, base)
    finally:
        if server is not None:
            server.stop()


def _print_render(kind: str, rec: Recording) -> None:
    print(
        f"{kind:8} one Chromium page alone: request to widgets {rec.page_wall:.1f} s; "
        f"render cost on the visitor's device: HTML received to widgets drawn "
        f"{rec.render_wall:.1f} s, Chromium CPU {rec.render_cpu:.1f} s "
        f"({len(rec.assets)} assets, {len(rec.comm_messages)} widget messages replayed); "
        f"load avg {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def _print_row(kind: str, mode: str, count: int, row: dict, runs: int, base: dict) -> None:
    failed = f", {row['failed']} FAILED" if row["failed"] else ""
    client = "Chromium" if mode == "chromium" else "clients"
    print(
        f"{kind:8} {mode:8} {count:>2} visitors (median of {runs}, load avg {row['load']:.1f}): "
        f"widgets median {row['median']:5.1f} s, slowest {row['max']:5.1f} s "
        f"(x{row['max'] / base['max']:.1f} one visitor){failed}; "
        f"CPU server+kernels {row['cpu_server']:5.1f} s "
        f"(x{row['cpu_server'] / base['cpu_server']:.1f}), {client} {row['cpu_client']:5.1f} s; "
        f"{row['kernels']:.0f} kernels, per kernel RSS {row['rss']:.0f} MB, "
        f"PSS {row['pss']:.0f} MB",
        flush=True,
    )


def _print_summary(args, kinds: list[str], results: dict, renders: dict) -> None:
    for kind in [k for k in kinds if k != "plain"]:
        for mode in args.modes:
            rows = [
                (c, results.get(("plain", mode, c)), results.get((kind, mode, c)))
                for c in args.visitors
            ]
            if not any(a and b for _, a, b in rows):
                continue
            print(f"\nratio {kind} / plain, {mode} (same run): slowest visitor, CPU, PSS")
            for count, a, b in rows:
                if a and b:
                    print(
                        f"  {count:>2} visitors: time {b['max'] / a['max']:.2f}, "
                        f"CPU {b['cpu_server'] / a['cpu_server']:.2f}, "
                        f"PSS {b['pss'] / a['pss']:.2f}"
                    )
    most = max(args.visitors)
    for kind in kinds:
        row, rec = results.get((kind, "protocol", most)), renders.get(kind)
        if row and rec:
            print(
                f"\n{kind}: the server delivers {most} visitors' widgets within "
                f"{row['max']:.1f} s (protocol, PSS {row['pss']:.0f} MB per kernel); each "
                f"visitor's device then needs {rec.render_wall:.1f} s to draw them "
                f"({rec.render_cpu:.1f} CPU s of Chromium); a page has {rec.models} widget "
                f"models, {rec.state_bytes / 1e3:.0f} kB of widget state"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 5, 10, 20])
    parser.add_argument("--lesson", default="04_guided_routine.ipynb")
    parser.add_argument("--servers", nargs="*", default=["plain", "present"])
    parser.add_argument(
        "--modes", nargs="+", default=["protocol", "chromium"], choices=["protocol", "chromium"]
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds per number of visitors")
    parser.add_argument(
        "--spread",
        type=float,
        default=0,
        help="seconds over which a round's visitors arrive, evenly (default 0: all at once)",
    )
    parser.add_argument("--before", help="git revision whose `make present` to measure too")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
