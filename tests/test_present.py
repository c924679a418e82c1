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
