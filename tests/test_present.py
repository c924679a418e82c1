"""The presenting server's kernel manager: one private data folder per kernel."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

pytest.importorskip("voila")

from tutorial.site.present import VisitorKernelManager


def test_each_kernel_gets_its_own_folder_removed_at_shutdown(tmp_path):
    async def scenario() -> None:
        manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
        first = await manager.start_kernel(kernel_name="python3")
        second = await manager.start_kernel(kernel_name="python3", env={"KEEP": "1"})
        try:
            folders = [manager.visitor_dir(first), manager.visitor_dir(second)]
            assert folders[0] != folders[1]
            for folder in folders:
                assert os.path.dirname(folder) == str(tmp_path)
                assert os.stat(folder).st_mode & 0o777 == 0o700
            assert manager.get_kernel(second).provisioner.process.pid  # it runs
            await manager.shutdown_kernel(first)
            assert not os.path.exists(folders[0])
            assert os.path.exists(folders[1])
        finally:
            await manager.shutdown_all()
        assert list(tmp_path.iterdir()) == []

    asyncio.run(scenario())


def test_the_kernel_sees_its_folder_as_calf_tutorial_home(tmp_path):
    async def scenario() -> str:
        manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
        kernel_id = await manager.start_kernel(kernel_name="python3")
        try:
            client = manager.get_kernel(kernel_id).client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive(
                "import tutorial.store.files as s; print(s.user_data_dir())",
                timeout=60,
                output_hook=lambda msg: seen.append(msg["content"].get("text", "")),
            )
            assert reply["content"]["status"] == "ok"
            client.stop_channels()
            return manager.visitor_dir(kernel_id)
        finally:
            await manager.shutdown_all()

    seen: list[str] = []
    folder = asyncio.run(scenario())
    assert "".join(seen).strip() == folder


def test_kernels_of_the_presenting_server_link_pages_to_its_copy_of_the_font(tmp_path, monkeypatch):
    """With ``font_route`` (``PresentingVoila`` sets it), each kernel is told the font's URL
    under the base URL Voila gives it; the URL changes when the font does."""
    from tutorial.site.present import font_url
    from tutorial.store.files import FONT_URL_ENV

    seen: list[dict] = []

    async def fake_start(self, *args, env=None, **kwargs):
        seen.append(dict(env))
        return f"k{len(seen)}"

    monkeypatch.setattr(
        "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager.start_kernel",
        fake_start,
    )
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    asyncio.run(manager.start_kernel(kernel_name="python3", env={"VOILA_BASE_URL": "/room/"}))
    assert FONT_URL_ENV not in seen[-1]  # a server that does not serve the font
    manager.font_route = True
    asyncio.run(manager.start_kernel(kernel_name="python3", env={"VOILA_BASE_URL": "/room/"}))
    asyncio.run(manager.start_kernel(kernel_name="python3", env={}))
    assert seen[1][FONT_URL_ENV] == font_url("/room/")
    assert seen[2][FONT_URL_ENV] == font_url("/")
    path, version = font_url("/room/").split("?v=")
    assert path == "/room/calf-tutorial/fonts/TutorialCJKSubset-Regular.ttf"
    assert len(version) == 16
    from tutorial.content import loader
    from tutorial.site.present import _font_version

    monkeypatch.setattr(loader, "font_path", lambda name=None: tmp_path / "other.ttf")
    monkeypatch.setattr("tutorial.site.present.font_path", loader.font_path)
    (tmp_path / "other.ttf").write_bytes(b"another font")
    _font_version.cache_clear()  # read once per server: a new font means a new server
    try:
        assert font_url("/room/").split("?v=")[1] != version
    finally:
        _font_version.cache_clear()


# -- a cap on visitors: "the room is full" beyond max_visitors kernels -----------------------


def test_room_is_full_at_max_visitors_and_pool_kernels_do_not_count(tmp_path, monkeypatch):
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    assert manager.max_visitors == 30  # the documented default (voila.json sets it too)
    manager.max_visitors = 2
    running = ["a"]
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: list(running))
    monkeypatch.setattr(manager, "_waiting_in_pool", lambda: {"pooled"})
    assert not manager.room_full()
    running.append("pooled")  # a pre-heated kernel nobody has taken yet: a free seat
    assert manager.visitors() == 1
    assert not manager.room_full()
    manager._starting = 1  # a kernel on its way for a visitor already takes a seat
    assert manager.visitors() == 2
    assert manager.room_full()
    manager._starting = 0
    running.append("b")
    assert manager.room_full()
    manager.max_visitors = 0  # no limit
    assert not manager.room_full()


def test_the_visitor_kernel_is_marked_for_the_lessons(tmp_path, monkeypatch):
    """The kernel's environment says it serves a visitor (the privacy note uses it)."""
    from tutorial.store.files import VISITOR_ENV

    seen = {}

    async def fake_start(self, *args, env=None, **kwargs):
        seen.update(env)
        return "k1"

    monkeypatch.setattr(
        "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager.start_kernel",
        fake_start,
    )
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    assert asyncio.run(manager.start_kernel(kernel_name="python3")) == "k1"
    assert seen[VISITOR_ENV] == "1"
    assert manager.visitors() == 0  # nothing is starting any more (the fake kept no kernel)


def test_a_visitor_beyond_the_cap_gets_a_clear_503_page(tmp_path):
    """The page handler answers 503 "The room is full" instead of starting a kernel."""
    import urllib.error
    import urllib.request

    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop
    from tornado.netutil import bind_sockets
    from tornado.web import Application, RequestHandler

    from tutorial.site.present import _LimitsVisitors

    class Lesson(RequestHandler):
        @property
        def kernel_manager(self):
            return self.settings["kernel_manager"]

        async def get(self, path=None):
            self.settings["kernel_manager"].started += 1
            self.write("the lesson")

    class Manager:
        max_visitors = 3
        started = 0
        full = False

        def room_full(self):
            return self.full

    manager = Manager()
    handler = type("PresentingLesson", (_LimitsVisitors, Lesson), {})

    async def scenario():
        app = Application([(r"/(.*)", handler)], kernel_manager=manager)
        server = HTTPServer(app)
        sockets = bind_sockets(0, "127.0.0.1")
        server.add_sockets(sockets)
        url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/lesson.ipynb"
        loop = IOLoop.current()

        def fetch():
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    return response.status, dict(response.headers), response.read().decode()
            except urllib.error.HTTPError as err:
                return err.code, dict(err.headers), err.read().decode()

        first = await loop.run_in_executor(None, fetch)
        manager.full = True
        second = await loop.run_in_executor(None, fetch)
        server.stop()
        return first, second

    first, second = asyncio.run(scenario())
    assert first[0] == 200
    assert first[2] == "the lesson"
    status, headers, page = second
    assert status == 503
    assert headers["Retry-After"] == "60"
    assert "The room is full" in page
    assert "3 visitors at once" in page
    assert "Try again in a minute" in page
    assert manager.started == 1  # the second visitor started nothing


def test_room_full_page_is_translated(monkeypatch):
    from tutorial.content import i18n
    from tutorial.site.present import room_full_page

    before = i18n.get_language()
    try:
        i18n.set_language("zh-Hans")
        page = room_full_page(5)
        assert 'lang="zh-Hans"' in page
        assert "房间已满" in page
        assert "5 位访客" in page
    finally:
        i18n.set_language(before)


NB = "04_guided_routine.ipynb"


class _FakePoolManager:
    """The part of Voila's pre-heating kernel manager the presenting server relies on."""

    def __init__(self, pool: list) -> None:
        self._pools = {"04_guided_routine.ipynb": pool}
        self.taken = []

    def get_pool_size(self, notebook_name: str) -> int:  # Voila's: every task, ready or not
        return len(self._pools.get(notebook_name, []))

    async def get_rendered_notebook(self, notebook_name: str, **kwargs):
        task = self._pools[notebook_name].pop(0)
        self.taken.append(task)
        content = await task
        return "render-task", [], content["kernel_id"]

    def get_kernel(self, kernel_id: str):
        return self.kernels[kernel_id]


def _room_pool(pool: list):
    """The fake pool manager with the presenting server's mixin over it."""
    from tutorial.site.present import _PoolForARoom

    return type("RoomPool", (_PoolForARoom, _FakePoolManager), {})(pool)


def test_a_visitor_never_waits_for_a_pre_heated_kernel_that_has_not_started():
    """Voila counts refills that wait ``fill_delay`` (20 s) as available: the 6th visitor of
    a pool of 5 waited for one. Only ready kernels count; the oldest ready one is taken."""
    import types
    from datetime import datetime, timezone

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        waiting, started, broken = loop.create_future(), loop.create_future(), loop.create_future()
        started.set_result({"kernel_id": "k-started"})
        broken.set_exception(RuntimeError("kernel died"))
        assert _FakePoolManager([waiting, broken, started]).get_pool_size(NB) == 3  # Voila's
        manager = _room_pool([waiting, broken, started])
        since = datetime(2020, 1, 1, tzinfo=timezone.utc)  # pre-heated long ago
        manager.kernels = {"k-started": types.SimpleNamespace(last_activity=since)}
        assert manager.get_pool_size(NB) == 1
        assert manager.get_pool_size("07_for_trainers.ipynb") == 0
        result = await asyncio.wait_for(manager.get_rendered_notebook(NB), timeout=5)
        assert result[2] == "k-started"
        # its idle clock starts now, not when it was pre-heated: not culled before the
        # visitor's page connects
        assert manager.kernels["k-started"].last_activity > since
        assert manager.get_pool_size(NB) == 0  # a new kernel, at once
        waiting.cancel()

    asyncio.run(scenario())


# -- the pool refills without competing with a room that is still arriving ---------------


def test_refills_wait_until_the_room_is_quiet_and_start_one_at_a_time(tmp_path, monkeypatch):
    """Before any visitor the pool fills one kernel per core at once; once visitors come,
    a refill starts only ``refill_quiet`` seconds after the latest one, and one at a time."""
    from tutorial.site import present

    now = [1000.0]
    monkeypatch.setattr(present.os, "cpu_count", lambda: 2)
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    manager._now = lambda: now[0]
    assert manager.refill_quiet == 10.0  # the documented default
    assert manager.refill_may_start()
    manager._filling = 1
    assert manager.refill_may_start()  # a second core is free, nobody is here yet
    manager._filling = 2
    assert not manager.refill_may_start()
    manager._filling = 0
    manager.visitor_arrived()
    assert not manager.refill_may_start()  # a room is arriving
    now[0] += 9.9
    assert not manager.refill_may_start()
    manager.visitor_arrived()  # one more: the quiet time starts again
    now[0] += 9.9
    assert not manager.refill_may_start()
    now[0] += 0.2
    assert manager.refill_may_start()
    manager._filling = 1  # one refill at a time once visitors have come
    assert not manager.refill_may_start()


def test_refills_wait_for_visitors_pages_that_have_not_connected_yet(tmp_path):
    """A page on a slow device connects to its kernel long after it was asked for: until
    it connects (or ``loading_limit`` passes) refills wait, however quiet the room is."""
    now = [1000.0]
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    manager._now = lambda: now[0]
    assert manager.loading_limit == 120.0  # the documented default
    manager._kernel_connections.update({"k-slow": 0, "k-fast": 0})
    manager.visitor_arrived()
    manager.handed_out("k-slow")
    manager.handed_out("k-fast")
    manager._kernel_connections["k-fast"] = 1  # this page has connected
    now[0] += manager.refill_quiet + 1
    assert manager.pages_loading() == 1
    assert not manager.refill_may_start()  # quiet, but a page is still loading
    manager._kernel_connections["k-slow"] = 1
    assert manager.pages_loading() == 0
    assert manager.refill_may_start()
    manager.handed_out("k-gone")  # a page that never connects (closed tab, crashed phone)
    manager._kernel_connections["k-gone"] = 0
    assert not manager.refill_may_start()
    now[0] += manager.loading_limit
    assert manager.refill_may_start()


def test_the_record_of_loading_pages_stays_as_small_as_the_room(tmp_path):
    """A server without a pool never asks whether pages are loading; the kernels it hands
    out are still forgotten once their page has connected or their kernel has gone."""
    manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
    for visit in range(100):
        kernel_id = f"k-{visit}"
        manager._kernel_connections[kernel_id] = 0
        manager.handed_out(kernel_id)
        manager._kernel_connections[kernel_id] = 1  # the page connects ...
        if visit % 2:
            del manager._kernel_connections[kernel_id]  # ... or its kernel is gone
    assert len(manager._handed_out) <= 1


def test_a_pool_kernel_waits_for_its_turn_and_is_ready_once_its_notebook_has_run(
    tmp_path, monkeypatch
):
    """Voila's ``_initialize`` starts the kernel and returns while the notebook still runs;
    in turns, the pool task waits for a quiet room, then for the notebook, and only then
    is the kernel ready for a visitor. Kernels being prepared take no visitor's seat."""
    from tutorial.site import present

    now = [1000.0]
    events: list[str] = []

    class VoilaLike(VisitorKernelManager):
        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            events.append(f"start {notebook_path}")
            self.notebook_done = asyncio.get_running_loop().create_future()
            return {"kernel_id": "k-pool", "task": self.notebook_done}

    manager = type("Room", (present._PoolForARoom, VoilaLike), {})(
        visitor_root=str(tmp_path), root_dir=str(tmp_path)
    )
    manager._now = lambda: now[0]
    monkeypatch.setattr(manager, "list_kernel_ids", lambda: ["k-pool"])

    async def scenario() -> None:
        manager.visitor_arrived()  # the room is arriving
        task = asyncio.ensure_future(manager._initialize(NB))
        await asyncio.sleep(0.6)
        assert events == []  # no refill while visitors arrive
        now[0] += manager.refill_quiet
        for _ in range(20):
            await asyncio.sleep(0.1)
            if events:
                break
        assert events == [f"start {NB}"]
        await asyncio.sleep(0.1)
        assert not task.done()  # the notebook is still running: not ready
        assert manager.visitors() == 0  # being prepared: no visitor's seat
        assert not manager.refill_may_start()  # and the next refill waits for it
        manager.notebook_done.set_result(([], None))
        content = await asyncio.wait_for(task, timeout=5)
        assert content["kernel_id"] == "k-pool"
        assert manager._filling == 0
        assert manager.visitors() == 1  # no longer in the pool (the fake keeps no pool)

    asyncio.run(scenario())


def test_a_stopping_server_starts_no_more_pool_kernels(tmp_path):
    """Pool kernels still waiting for their turn give up when the server stops (Voila
    awaits every pool task on the way out)."""

    async def scenario() -> None:
        manager = VisitorKernelManager(visitor_root=str(tmp_path), root_dir=str(tmp_path))
        manager.visitor_arrived()
        waiting = asyncio.ensure_future(manager._wait_refill_turn())
        await asyncio.sleep(0.3)
        await manager.shutdown_all()
        with pytest.raises(RuntimeError, match="stopping"):
            await asyncio.wait_for(waiting, timeout=5)

    asyncio.run(scenario())


def test_the_presenting_server_puts_the_room_pool_over_voilas_kernel_manager():
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from tutorial.site.present import _for_a_room, _PoolForARoom

    factory = _for_a_room(voila_kernel_manager_factory)
    pooled = factory(VisitorKernelManager, True, 0)
    assert pooled.__mro__[1] is _PoolForARoom
    assert issubclass(pooled, VisitorKernelManager)
    plain = factory(VisitorKernelManager, False, 0)  # pre-heating off: Voila's, untouched
    assert not issubclass(plain, _PoolForARoom)


def test_a_page_request_counts_as_an_arrival():
    from tutorial.site.present import _LimitsVisitors

    class Manager:
        max_visitors = 3
        arrivals = 0

        def room_full(self):
            return False

        def visitor_arrived(self):
            self.arrivals += 1

    class Page:
        kernel_manager = Manager()

        async def get(self, *args):
            return "the lesson"

    page = type("Presenting", (_LimitsVisitors, Page), {})()
    asyncio.run(page.get())
    assert page.kernel_manager.arrivals == 1


def test_pages_leave_out_the_templates_cdn_stylesheets_and_nothing_else():
    """Voila's own lab template, as installed, links Font Awesome from a CDN; the page the
    presenting server writes does not, and everything else it writes is unchanged."""
    from jupyter_core.paths import jupyter_path

    from tutorial.site.present import _KeepsRequestsOnTheServer

    found = [
        Path(folder, "lab", "index.html.j2")
        for folder in jupyter_path("voila", "templates")
        if Path(folder, "lab", "index.html.j2").exists()
    ]
    source = found[0].read_text() if found else ""
    cdn_lines = [line for line in source.splitlines() if "cdn.jsdelivr.net" in line]
    assert len(cdn_lines) == 2, "Voila's lab template changed: see _CDN_STYLESHEET"
    head = "<style>a {}</style>\n" + "\n".join(cdn_lines) + "\n<script>x()</script>"

    class Page:
        def __init__(self):
            self.written = []

        def write(self, chunk):
            self.written.append(chunk)

    page = type("Presenting", (_KeepsRequestsOnTheServer, Page), {})()
    for chunk in (head, head.encode("utf-8"), "<p>委中</p>", b"\x00", {"json": 1}):
        page.write(chunk)
    text, data, *others = page.written
    assert "cdn" not in text
    assert text.replace(" ", "").replace("\n", "") == "<style>a{}</style><script>x()</script>"
    assert data == text.encode("utf-8")
    assert others == ["<p>委中</p>", b"\x00", {"json": 1}]


def test_a_closed_page_releases_its_kernel_even_after_a_refill_failed(tmp_path):
    """Voila's ``shutdown_kernel`` looks for the kernel in the pools and calls ``result()``
    on every finished pool task: one refill that failed (its kernel did not start, the
    lesson was renamed while presenting) made every closing page's shutdown raise, so the
    visitor's kernel and folder stayed until the culler happened to drop the failed task.
    Failed refills are dropped; the closing page's kernel and folder go at once, and the
    kernels still waiting in the pool stay."""
    from traitlets.config import Configurable
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from tutorial.site.present import _for_a_room

    class Server(Configurable):  # what Voila's kernel manager reads from its parent
        root_dir = str(tmp_path / "lessons")
        notebook_path = None

    (tmp_path / "lessons").mkdir()
    cls = _for_a_room(voila_kernel_manager_factory)(VisitorKernelManager, True, 0)

    async def scenario() -> None:
        manager = cls(parent=Server(), visitor_root=str(tmp_path / "visitors"))
        loop = asyncio.get_running_loop()
        failed, cancelled, ready, starting = (loop.create_future() for _ in range(4))
        failed.set_exception(RuntimeError("the refill's kernel did not start"))
        cancelled.cancel()
        ready.set_result({"kernel_id": "k-pool"})
        manager._pools = {NB: [failed, cancelled, ready, starting]}
        visitor = await manager.start_kernel(kernel_name="python3")
        folder = manager.visitor_dir(visitor)
        try:
            await asyncio.wait_for(manager.shutdown_kernel(visitor), timeout=60)
            assert not os.path.exists(folder)
            assert visitor not in manager.list_kernel_ids()
            assert manager._pools[NB] == [ready, starting]  # the pool keeps its kernels
        finally:
            starting.cancel()
            manager._pools = {}
            await manager.shutdown_all()

    asyncio.run(scenario())


def test_the_presenting_server_pre_heats_for_a_room_of_20_on_lesson_4():
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).parent.parent / "voila.json").read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    assert pools["04_guided_routine.ipynb"]["pool_size"] >= 20


def test_make_present_warms_the_picture_cache_before_voila_starts(monkeypatch):
    from tutorial.site import present

    calls = []
    monkeypatch.setattr(present.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.setattr(present.PresentingVoila, "launch_instance", lambda: calls.append("voila"))
    monkeypatch.setattr(present.sys, "argv", ["present", "notebooks"])
    present.main()
    assert calls[0][-2:] == ["-m", "tutorial.site.warm"]
    assert calls[1] == "voila"
