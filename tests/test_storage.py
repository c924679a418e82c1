"""Atomic writes and the user data folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tutorial
from tutorial.storage import DATA_DIR_ENV, atomic_write_text, user_data_dir


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old")
    path.chmod(0o600)
    atomic_write_text(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "file.txt"
    path.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_mid_save_leaves_the_old_routine_whole(tmp_path):
    """A process killed while saving a routine leaves the previous file loadable."""
    path = tmp_path / "mine.toml"
    tutorial.save_routine(tutorial.load_routine(), path)
    before = path.read_bytes()
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import os, time, pathlib
        import tutorial, tutorial.storage as storage
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            pathlib.Path({str(ready)!r}).write_text("x")
            time.sleep(60)  # killed here: the new text is written but not yet moved in place
        os.fsync = slow_fsync
        routine = tutorial.load_routine().variant("quick")
        tutorial.save_routine(routine, {str(path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(300):
            if ready.exists() or proc.poll() is not None:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert ready.exists(), "the child never reached the middle of the save"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert path.read_bytes() == before
    assert tutorial.load_routine(path) == tutorial.load_routine()


def test_user_data_dir_honours_the_override(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "hub-user"))
    assert user_data_dir() == tmp_path / "hub-user"
    assert (tmp_path / "hub-user").is_dir()


def test_user_data_dir_defaults_under_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_data_dir() == Path(tmp_path) / "calf-cramp-tutorial"
