"""The presenting server's kernel manager: one private data folder per kernel."""

from __future__ import annotations

import asyncio
import os

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


def test_a_visitor_never_waits_for_a_pre_heated_kernel_that_has_not_started():
    """Voila counts refills that wait ``fill_delay`` (20 s) as available: the 6th visitor of
    a pool of 5 waited for one. Only started kernels count; the oldest started is taken."""
    import types
    from datetime import datetime, timezone

    from tutorial.site.present import _ready_pool_size, _take_ready_kernel

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        waiting, started, broken = loop.create_future(), loop.create_future(), loop.create_future()
        started.set_result({"kernel_id": "k-started"})
        broken.set_exception(RuntimeError("kernel died"))
        manager = _FakePoolManager([waiting, broken, started])
        since = datetime(2020, 1, 1, tzinfo=timezone.utc)  # pre-heated long ago
        manager.kernels = {"k-started": types.SimpleNamespace(last_activity=since)}
        assert manager.get_pool_size("04_guided_routine.ipynb") == 3  # Voila's own count
        manager.get_pool_size = types.MethodType(_ready_pool_size, manager)
        manager.get_rendered_notebook = types.MethodType(_take_ready_kernel, manager)
        assert manager.get_pool_size("04_guided_routine.ipynb") == 1
        assert manager.get_pool_size("07_for_trainers.ipynb") == 0
        result = await asyncio.wait_for(
            manager.get_rendered_notebook("04_guided_routine.ipynb"), timeout=5
        )
        assert result[2] == "k-started"
        # its idle clock starts now, not when it was pre-heated: not culled before the
        # visitor's page connects
        assert manager.kernels["k-started"].last_activity > since
        assert manager.get_pool_size("04_guided_routine.ipynb") == 0  # a new kernel, at once
        waiting.cancel()

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
