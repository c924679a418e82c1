"""Where user data lives, and how it is written without ever leaving half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "atomic_write_bytes", "atomic_write_text", "user_data_dir"]

#: Environment variable that moves every file the tutorial saves (routines, progress, logs).
DATA_DIR_ENV = "CALF_TUTORIAL_HOME"


def user_data_dir() -> Path:
    """The folder for this user's saved files.

    ``$CALF_TUTORIAL_HOME`` when set (a JupyterHub deployment points it at each user's
    persistent volume); otherwise ``~/.local/share/calf-cramp-tutorial`` (or
    ``$XDG_DATA_HOME/calf-cramp-tutorial``). The folder is created on first use.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        base = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        root = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
        base = root / "calf-cramp-tutorial"
    base.mkdir(parents=True, exist_ok=True)
    return base


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one.

    The text goes to a temporary file in the same folder, is flushed to disk, and then
    replaces the target in one ``os.replace`` (atomic on POSIX and Windows).
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write_text`)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target
