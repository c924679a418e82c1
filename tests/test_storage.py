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
from tutorial.store.files import (
    DATA_DIR_ENV,
    atomic_write_text,
    read_limited_bytes,
    user_data_dir,
    user_file,
)


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
        import tutorial, tutorial.store.files as storage
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


# -- links, modes and leftovers of killed saves ---------------------------------------------


def test_save_through_a_symlink_writes_the_target(tmp_path):
    real = tmp_path / "real" / "routine.toml"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert atomic_write_text(link, "new") == link
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["routine.toml"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_new_files_get_the_mode_the_umask_allows(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = atomic_write_text(tmp_path / "new.txt", "x")
        tutorial.save_routine(tutorial.load_routine(), tmp_path / "mine.toml")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode
    assert (tmp_path / "mine.toml").stat().st_mode & 0o777 == mode


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _age(folder: Path, seconds: float) -> None:
    for name in _temporaries(folder):
        stamp = (folder / name).stat().st_mtime - seconds
        os.utime(folder / name, (stamp, stamp))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_temporaries_of_killed_saves_are_cleaned_up(tmp_path):
    """Saves killed mid-way in a loop leave temporaries; the next save removes them."""
    path = tmp_path / "mine.toml"
    tutorial.save_routine(tutorial.load_routine(), path)
    script = textwrap.dedent(
        f"""
        import os, tutorial
        real_fsync = os.fsync
        def stop(fd):
            real_fsync(fd)
            os.kill(os.getpid(), 9)  # killed between writing and moving into place
        os.fsync = stop
        tutorial.save_routine(tutorial.load_routine().variant("quick"), {str(path)!r})
        """
    )
    for _ in range(5):
        assert subprocess.run([sys.executable, "-c", script]).returncode == -signal.SIGKILL
    assert _temporaries(tmp_path)  # (a killed save may already have removed older ones)
    _age(tmp_path, 10)  # leftovers are a few seconds old by the time anyone saves again
    tutorial.save_routine(tutorial.load_routine().variant("full"), path)
    assert _temporaries(tmp_path) == []
    assert tutorial.load_routine(path) == tutorial.load_routine().variant("full")


@pytest.mark.skipif(sys.platform == "win32", reason="file locks via fcntl")
def test_a_live_save_in_another_process_keeps_its_temporary(tmp_path):
    path = tmp_path / "mine.toml"
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import os, time, pathlib
        from tutorial.store import files as storage
        real_fsync = os.fsync
        def slow(fd):
            real_fsync(fd)
            pathlib.Path({str(ready)!r}).write_text("x")
            time.sleep(60)  # a slow disk: still saving
        os.fsync = slow
        storage.atomic_write_text({str(path)!r}, "from the slow writer")
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(300):
            if ready.exists():
                break
            subprocess.run(["sleep", "0.05"], check=True)
        _age(tmp_path, 3600)  # even an old-looking temporary is kept while it is locked
        live = _temporaries(tmp_path)
        assert len(live) == 1
        atomic_write_text(path, "from the fast writer")
        assert _temporaries(tmp_path) == live
    finally:
        proc.kill()
        proc.wait(timeout=10)


# -- file names from a file box -------------------------------------------------------------


def test_user_file_accepts_a_bare_name_in_the_folder(tmp_path):
    assert user_file("my-routine.toml", folder=tmp_path) == tmp_path / "my-routine.toml"
    assert user_file("  Calf routine 2.json ", folder=tmp_path) == tmp_path / "Calf routine 2.json"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd.json", "is a path"),
        ("../other/routine.toml", "is a path"),
        ("..", "not a usable file name"),
        ("sub/routine.toml", "is a path"),
        ("..\\routine.toml", "is a path"),
        ("~/routine.toml", "is a path"),
        (".hidden.toml", "not a usable file name"),
        ("", "no file name"),
        ("a\x00b.toml", "not a usable file name"),
        ("x" * 100 + ".toml", "not a usable file name"),
    ],
)
def test_user_file_refuses_paths(tmp_path, name, message):
    with pytest.raises(tutorial.RoutineError, match=message) as info:
        user_file(name, folder=tmp_path)
    assert info.value.field == "file"
    assert "\x00" not in str(info.value)


def test_user_file_refuses_links_leading_out(tmp_path):
    mine, other = tmp_path / "mine", tmp_path / "other"
    mine.mkdir()
    other.mkdir()
    (other / "secret.toml").write_text("x")
    (mine / "peek.toml").symlink_to(other / "secret.toml")
    with pytest.raises(tutorial.RoutineError, match="outside your folder"):
        user_file("peek.toml", folder=mine)


def test_read_limited_bytes_refuses_big_files_and_folders(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 101)
    with pytest.raises(tutorial.RoutineError, match="under 100 bytes"):
        read_limited_bytes(big, limit=100)
    assert read_limited_bytes(big, limit=101) == b"x" * 101
    with pytest.raises(tutorial.RoutineError, match="folder"):
        read_limited_bytes(tmp_path, limit=100)
