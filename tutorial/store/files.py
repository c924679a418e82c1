"""Where user data lives, how it is read without trusting it, and how it is written
without ever leaving half a file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ..content.i18n import _, format_decimal
from ..content.model import RoutineError

__all__ = [
    "DATA_DIR_ENV",
    "FILE_NAME_PATTERN",
    "FONT_URL_ENV",
    "STALE_TEMP_SECONDS",
    "VISITOR_ENV",
    "atomic_write_bytes",
    "atomic_write_text",
    "read_limited_bytes",
    "user_data_dir",
    "user_file",
    "visitor_kernel",
]

#: Environment variable that moves every file the tutorial saves (routines, progress, logs).
DATA_DIR_ENV = "CALF_TUTORIAL_HOME"
#: Set (to "1") by the presenting server for a visitor's kernel, whose data folder is private
#: to that visit and deleted with it (``tutorial.site.present.VisitorKernelManager``).
VISITOR_ENV = "CALF_TUTORIAL_VISITOR"
#: Set by the presenting server for each kernel it starts: the URL (a path on that server) of
#: the bundled CJK font, which pages then fetch once and cache instead of receiving it inside
#: every page's widget state (``tutorial.widgets.style``).
FONT_URL_ENV = "CALF_TUTORIAL_FONT_URL"

#: A file name typed into a file box: letters, digits, ``.``, ``_``, ``-`` and spaces,
#: 1-80 characters, not starting with a dot or a space. No folders, no ``..``.
FILE_NAME_PATTERN = r"[A-Za-z0-9_-][A-Za-z0-9_. -]{0,79}"  # i18n: ignore
_FILE_NAME = re.compile(FILE_NAME_PATTERN)

#: Where file locks are missing (Windows), a temporary file of a save older than this
#: counts as left by a killed process (a live save takes milliseconds).
STALE_TEMP_SECONDS = 600.0
_LOCKED_GRACE_SECONDS = 2.0


def visitor_kernel() -> bool:
    """True in a visitor's kernel on the presenting server (``make present``): the data
    folder then belongs to this visit only and goes when it ends."""
    return os.environ.get(VISITOR_ENV) == "1"


def user_data_dir() -> Path:
    """The folder for this user's saved files.

    ``$CALF_TUTORIAL_HOME`` when set (a JupyterHub deployment points it at each user's
    persistent volume; ``make present`` gives every Voila visitor a private one);
    otherwise ``~/.local/share/calf-cramp-tutorial`` (or
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


def user_file(name: str, *, folder: str | os.PathLike[str] | None = None) -> Path:
    """The path of a file a person named in a file box, inside their data folder.

    Only a bare file name is accepted (see :data:`FILE_NAME_PATTERN`): no folders, no
    absolute paths, no ``..``. A name that is a symbolic link leading out of the folder
    is refused too, so that a visitor of a shared server can read and write only their
    own files.

    Parameters
    ----------
    name
        What was typed, e.g. ``"my-routine.toml"``.
    folder
        The folder to resolve in; default :func:`user_data_dir`.

    Raises
    ------
    RoutineError
        Naming the problem and the fix.
    """
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise RoutineError(
            _("no file name given; type a name such as my-routine.toml"), field="file"
        )
    base = Path(folder) if folder is not None else user_data_dir()
    if "/" in text or "\\" in text or text.startswith("~"):
        raise RoutineError(
            _(
                "{name} is a path; type only a file name such as my-routine.toml "
                "(files are kept in your own folder, {folder})"
            ).format(name=f"{text!r:.60}", folder=base.name),
            field="file",
        )
    if not _FILE_NAME.fullmatch(text):
        raise RoutineError(
            _(
                "{name} is not a usable file name; use letters, digits, spaces, '-', '_' "
                "and '.' (not first), 1-80 characters, such as my-routine.toml"
            ).format(name=f"{text!r:.60}"),
            field="file",
        )
    target = base / text
    real_base = base.resolve()
    if target.is_symlink() or target.resolve().parent != real_base:
        raise RoutineError(
            _("{name} leads outside your folder; choose another file name").format(
                name=f"{text!r:.60}"
            ),
            field="file",
        )
    return target


def read_limited_bytes(path: str | os.PathLike[str], *, limit: int, source: str = "") -> bytes:
    """Read a regular file of at most ``limit`` bytes, refusing anything else at once.

    A FIFO, a device (``/dev/zero``), a socket or a folder is refused without reading
    (the file is opened non-blocking, so a FIFO cannot hang the caller), and at most
    ``limit + 1`` bytes are read, so a file that grows while it is read cannot exhaust
    memory.

    Raises
    ------
    RoutineError
        Naming ``source`` (default the path) and the fix.
    """
    source = source or str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise RoutineError(
            _("no such file; check the name, or save a routine there first"), source=source
        ) from None
    except IsADirectoryError:
        raise RoutineError(_("this is a folder; give the name of a file"), source=source) from None
    except OSError as exc:
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "error")
        raise RoutineError(
            _("cannot read the file ({reason})").format(reason=reason), source=source
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise RoutineError(_("this is a folder; give the name of a file"), source=source)
        if not stat.S_ISREG(info.st_mode):
            raise RoutineError(
                _("not a regular file (a pipe, device or socket); give the name of a saved file"),
                source=source,
            )
        if info.st_size > limit:
            raise RoutineError(
                _("the file is {size} bytes; it must be under {limit} bytes").format(
                    size=format_decimal(info.st_size, 0), limit=format_decimal(limit, 0)
                ),
                source=source,
            )
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            except OSError as exc:
                raise RoutineError(
                    _("cannot read the file ({reason})").format(reason=exc.strerror),
                    source=source,
                ) from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise RoutineError(
                _("the file grew past {limit} bytes while read").format(
                    limit=format_decimal(limit, 0)
                ),
                source=source,
            )
        return b"".join(chunks)
    finally:
        os.close(fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one.

    The text goes to a temporary file in the same folder, is flushed to disk, and then
    replaces the target in one ``os.replace`` (atomic on POSIX and Windows). See
    :func:`atomic_write_bytes` for links, modes and leftovers.
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    - A symbolic link is followed: the file it points to is replaced, the link stays.
    - An existing file keeps its permission bits; a new one gets what the user's umask
      allows (``0o666 & ~umask``: 0600 under umask 077).
    - Temporary files left by earlier saves that were killed mid-way are removed. A save
      holds a lock on its temporary file while it runs, so the temporary file of a save
      still running in another process is never taken for a leftover.

    Returns the path given (the link, when it was one).
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        _lock(fd, blocking=True)  # released when fd closes, or when this process dies
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    return given


def _lock(fd: int, *, blocking: bool) -> bool:
    """Take an exclusive advisory lock on ``fd``; False if another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows: the age rule alone decides
        return not blocking
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read from /proc when possible: setting it is process-wide)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:  # no /proc: set and restore at once, under a lock
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def _remove_stale_temporaries(target: Path) -> None:
    """Delete ``.<name>.*.tmp`` leftovers of killed saves of ``target``.

    A leftover is a temporary file that no live save holds locked and that is older
    than a few seconds (a save creates its file and locks it in the same breath); where
    locks are not available, older than :data:`STALE_TEMP_SECONDS`.
    """
    prefix = f".{target.name}."
    now = time.time()
    min_age = _LOCKED_GRACE_SECONDS if fcntl is not None else STALE_TEMP_SECONDS
    leftovers: list[str] = []
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        leftovers = [
            entry.path
            for entry in entries
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp")
        ]
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            info = os.lstat(leftover)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < min_age:
                continue
            fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                if _lock(fd, blocking=False):
                    os.unlink(leftover)
            finally:
                os.close(fd)
