"""Pictures drawn once and kept: in this process, and on disk for every other process.

Drawing a picture needs matplotlib (about 45 MB and 0.6 s of CPU to import in a kernel) and
then hundreds of milliseconds per picture. Most pictures the lessons show never change:
the routine overview, the timer's step pictures, the empty "planned against actual" chart.
:func:`cached_png` gives their PNG bytes from, in this order:

1. this process's memory (a small LRU);
2. the disk cache shared by every kernel of this user (``$CALF_TUTORIAL_CACHE``, else
   ``$XDG_CACHE_HOME/calf-tutorial``, else ``~/.cache/calf-tutorial``), under a folder named
   by :func:`content_hash` (the package version and every source, data, font and catalog
   file of the package, and the matplotlib and Pillow versions), then the language
   (:func:`tutorial.content.i18n.get_language`), then a digest of the picture's name and
   arguments;
3. the ``render`` function given, whose bytes are then written to the disk cache atomically
   (:func:`tutorial.store.files.atomic_write_bytes`: concurrent kernels never see half a file).

A file that is not a complete, intact PNG (every chunk's CRC is checked) is removed and drawn
again. When a process first writes to the disk cache, the folders of other package states
that nothing has written to for :data:`STALE_DAYS` days are removed (:func:`prune`): an
upgrade leaves one folder behind, not one per version forever. A cache folder that cannot be
written (read-only home) only costs the drawing: the picture is still kept in memory.
``CALF_TUTORIAL_CACHE=off`` turns the disk cache off.

This module is plain Python: it never imports matplotlib; ``render`` does, on a miss only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path

from ..content.i18n import get_language
from .files import atomic_write_bytes

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "cached_png",
    "clear_memory",
    "content_hash",
    "is_complete_png",
    "picture_path",
    "prune",
]

#: Environment variable naming the folder of the disk cache (``off``: no disk cache).
CACHE_ENV = "CALF_TUTORIAL_CACHE"
#: Pictures kept in memory per process (the timer's 50-step cap on two legs fits).
MEMORY_ENTRIES = 160
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SUFFIXES = {".py", ".toml", ".ttf", ".otf", ".po", ".mo", ".json"}
_memory: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
#: A cache folder of another package state is removed once nothing was written to it for
#: this many days (another checkout in use keeps its folder: it writes when it draws).
STALE_DAYS = 14
_STATE_FOLDER = re.compile(r"[0-9a-f]{16}")  # a content_hash() name: nothing else is touched
_pruned = False


def cache_dir() -> Path | None:
    """The folder of the disk cache, or None when it is turned off."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "calf-tutorial"


@cache
def content_hash() -> str:
    """A digest of everything a picture depends on: change any of it and pictures are redrawn.

    The package version, the path and bytes of every ``.py``, ``.toml``, font and catalog
    file of the package, and the versions of matplotlib and Pillow (read from their
    metadata, without importing them). About 10 ms, once per process.
    """
    from .. import __version__

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"tutorial {__version__}\n".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix not in _SUFFIXES or "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    for dist in ("matplotlib", "pillow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{dist} {metadata.version(dist)}\n".encode())
    return digest.hexdigest()[:16]


def _key_digest(name: str, key: object) -> str:
    return hashlib.sha256(repr((name, key)).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def picture_path(name: str, key: object = (), *, language: str | None = None) -> Path | None:
    """Where the disk cache keeps the picture ``name`` with ``key`` (None: no disk cache)."""
    folder = cache_dir()
    if folder is None:
        return None
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", name)[:40]  # i18n: ignore
    language = language or get_language()
    return folder / content_hash() / language / f"{safe}-{_key_digest(name, key)}.png"


def is_complete_png(data: bytes) -> bool:
    """True if ``data`` is a whole PNG: the signature, intact chunks (CRC) and the end chunk."""
    if not data.startswith(_PNG_SIGNATURE):
        return False
    at, size = len(_PNG_SIGNATURE), len(data)
    while at + 12 <= size:
        (length,) = struct.unpack(">I", data[at : at + 4])
        end = at + 12 + length
        if end > size:
            return False
        kind = data[at + 4 : at + 8]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[at + 4 : end - 4]) != crc:
            return False
        if kind == b"IEND":
            return end == size
        at = end
    return False


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if is_complete_png(data):
        return data
    with contextlib.suppress(OSError):  # corrupt or cut short: drawn again and rewritten
        path.unlink()
    return None


def cached_png(name: str, key: object, render: Callable[[], bytes]) -> bytes:
    """The PNG bytes of picture ``name`` for ``key`` in the current language.

    Parameters
    ----------
    name : str
        What the picture is (``"overview"``, ``"step"``): part of the file name.
    key : object
        Everything else the picture depends on (a routine, a step, a side, a size...); its
        ``repr`` must be the same in every process (tuples, strings, numbers, dataclasses).
    render : callable
        Draws the picture and returns PNG bytes; called only on a miss.
    """
    language = get_language()
    memory_key = (language, name, _key_digest(name, key))
    data = _memory.get(memory_key)
    if data is not None:
        _memory.move_to_end(memory_key)
        return data
    path = picture_path(name, key, language=language)
    data = _read(path) if path is not None else None
    if data is None:
        data = render()
        if not is_complete_png(data):
            raise ValueError(f"the picture {name!r} was not drawn as a PNG")
        if path is not None:
            with contextlib.suppress(OSError):  # read-only or full disk: memory only
                atomic_write_bytes(path, data)
                _prune_once()
    _memory[memory_key] = data
    while len(_memory) > MEMORY_ENTRIES:
        _memory.popitem(last=False)
    return data


def _newest_write(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            newest = max(newest, path.stat().st_mtime)
    return newest


def prune(now: float | None = None) -> list[Path]:
    """Remove the cache folders of other package states not written to for
    :data:`STALE_DAYS` days; return them. Only folders named like :func:`content_hash`
    are looked at, so a cache folder shared with anything else loses nothing else."""
    import shutil
    import time

    root = cache_dir()
    if root is None or not root.is_dir():
        return []
    limit = (time.time() if now is None else now) - STALE_DAYS * 86400
    removed = []
    for folder in root.iterdir():
        if (
            folder.name == content_hash()
            or not _STATE_FOLDER.fullmatch(folder.name)
            or folder.is_symlink()
            or not folder.is_dir()
        ):
            continue
        with contextlib.suppress(OSError):
            if _newest_write(folder) < limit:
                shutil.rmtree(folder)
                removed.append(folder)
    return removed


def _prune_once() -> None:
    global _pruned
    if not _pruned:
        _pruned = True
        prune()


def clear_memory() -> None:
    """Forget the pictures kept in this process (the disk cache stays)."""
    _memory.clear()
