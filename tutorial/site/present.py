"""Presenting to a room with Voila: one private data folder per visitor, kernels released.

``make present`` runs ``python -m tutorial.site.present notebooks`` (Voila, see
:class:`PresentingVoila`)
with ``voila.json`` from the repository root, which names :class:`VisitorKernelManager` as
Voila's kernel manager and sets idle culling. Each kernel (that is, each visitor's
page) gets its own ``$CALF_TUTORIAL_HOME``: a fresh folder for saved routines and quiz
progress, removed when the kernel ends. So visitors never see or change each other's files,
and nothing a visitor saved outlives their visit.

This module is imported by the Voila server only (it needs ``jupyter_server``); the lessons
never import it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import html
import inspect
import os
import shutil
import subprocess
import sys
import tempfile
import types
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Int, Unicode, default
from voila.app import Voila
from voila.handler import VoilaHandler

from ..content.i18n import html_lang
from ..content.loader import read_data_toml
from ..store.files import DATA_DIR_ENV, VISITOR_ENV

__all__ = ["PresentingVoila", "VisitorKernelManager", "main", "room_full_page"]

_ROOM_FULL_HTML = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em;
             line-height: 1.5; font-size: 1.25rem">
<h1>{title}</h1>
<p>{text}</p>
<p>{meanwhile}</p>
</body></html>
"""


def room_full_page(limit: int) -> str:
    """The page a visitor beyond :attr:`VisitorKernelManager.max_visitors` gets (HTTP 503),
    in the server's language (``data/present.toml``)."""
    texts = read_data_toml("present.toml")["room_full"]  # in the current language
    return _ROOM_FULL_HTML.format(
        lang=html_lang(),
        title=html.escape(texts["title"]),
        text=html.escape(texts["text"].format(limit=limit)),
        meanwhile=html.escape(texts["meanwhile"]),
    )


class VisitorKernelManager(AsyncMappingKernelManager):
    """A kernel manager that gives every kernel a private, temporary data folder.

    The folders live under :attr:`visitor_root` (mode 0700, created per server), are
    passed to the kernel as ``$CALF_TUTORIAL_HOME``, and are deleted when the kernel shuts
    down: closed page, idle culling, or the server stopping. Kernels that Voila keeps
    pre-heated for the next visitors are never culled while they wait.
    """

    visitor_root = Unicode(
        config=True,
        help="Folder for the visitors' private data folders (default: a new temporary folder).",
    )

    max_visitors = Int(
        30,
        config=True,
        help=(
            "Most visitors' pages (kernels) at once; 0 means no limit. Each page costs a kernel "
            "(about 120 MB and a share of the CPU), so one more visitor beyond this gets the "
            "page 'The room is full, try again in a minute' (HTTP 503) instead of a kernel."
        ),
    )

    @default("visitor_root")
    def _default_visitor_root(self) -> str:
        root = tempfile.mkdtemp(prefix="calf-visitors-")
        atexit.register(shutil.rmtree, root, True)
        return root

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._visitor_dirs: dict[str, str] = {}
        self._starting = 0

    def visitors(self) -> int:
        """Kernels that serve a visitor or are starting for one (pre-heated kernels still
        waiting in Voila's pool do not count)."""
        return self._starting + len(set(self.list_kernel_ids()) - self._waiting_in_pool())

    def room_full(self) -> bool:
        """True when a new visitor would go beyond :attr:`max_visitors`."""
        return self.max_visitors > 0 and self.visitors() >= self.max_visitors

    async def start_kernel(self, *args: Any, env: dict[str, str] | None = None, **kwargs: Any):
        """Start a kernel whose ``$CALF_TUTORIAL_HOME`` is a new private folder."""
        root = Path(self.visitor_root)
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = tempfile.mkdtemp(prefix="visitor-", dir=root)  # mode 0700
        env = dict(os.environ if env is None else env)
        env[DATA_DIR_ENV] = folder
        env[VISITOR_ENV] = "1"
        self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, env=env, **kwargs)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            self._starting -= 1
        self._visitor_dirs[kernel_id] = folder
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        """Shut the kernel down and delete its visitor's folder."""
        try:
            await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            folder = self._visitor_dirs.pop(kernel_id, None)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
        """Shut every kernel down; no visitor folder is left behind."""
        try:
            await super().shutdown_all(*args, **kwargs)
        finally:
            for folder in self._visitor_dirs.values():
                shutil.rmtree(folder, ignore_errors=True)
            self._visitor_dirs.clear()

    def visitor_dir(self, kernel_id: str) -> str | None:
        """The data folder of the kernel ``kernel_id`` (None once it has ended)."""
        return self._visitor_dirs.get(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Cull as usual, except kernels Voila pre-heated that no visitor has taken yet."""
        if kernel_id in self._waiting_in_pool():
            return
        await super().cull_kernel_if_idle(kernel_id)

    def _waiting_in_pool(self) -> set[str]:
        waiting = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                with contextlib.suppress(Exception):
                    if task.done():
                        waiting.add(task.result().get("kernel_id"))
        return waiting


class _SetsXsrfCookie:
    """Page handler mixin: set the ``_xsrf`` cookie with the page.

    When a page closes, Voila's front end sends ``POST /voila/api/shutdown/<kernel>`` with
    the ``_xsrf`` value read from the page's cookies. Voila's page handler never sets that
    cookie, so the request is refused (403, voila#1458) and the kernel lives on. Reading
    ``xsrf_token`` sets the cookie; XSRF protection stays on for every request.
    """

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        result = super().prepare(*args, **kwargs)  # type: ignore[misc]
        if inspect.isawaitable(result):
            await result
        self.xsrf_token  # noqa: B018 - the property sets the cookie


class _LimitsVisitors:
    """Page handler mixin: beyond ``max_visitors`` kernels, answer 503 with
    :func:`room_full_page` instead of starting one more kernel."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        manager = self.kernel_manager  # type: ignore[attr-defined]
        room_full = getattr(manager, "room_full", None)
        if room_full is not None and room_full():
            self.set_status(503)  # type: ignore[attr-defined]
            self.set_header("Retry-After", "60")  # type: ignore[attr-defined]
            self.set_header("Content-Type", "text/html; charset=utf-8")  # type: ignore[attr-defined]
            self.set_header("Cache-Control", "no-store")  # type: ignore[attr-defined]
            self.finish(room_full_page(manager.max_visitors))  # type: ignore[attr-defined]
            return
        await super().get(*args, **kwargs)  # type: ignore[misc]


def _ready(task: asyncio.Future) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


def _ready_pool_size(self: Any, notebook_name: str) -> int:
    """Pre-heated kernels of ``notebook_name`` that have started (not those still waiting)."""
    return sum(_ready(task) for task in self._pools.get(notebook_name, ()))


async def _take_ready_kernel(self: Any, notebook_name: str, *args: Any, **kwargs: Any):
    """Voila's ``get_rendered_notebook``, handing out a started kernel before a waiting one.

    The kernel's idle clock starts when a visitor takes it: a kernel that waited in the
    pool longer than ``cull_idle_timeout`` was otherwise culled at the next check, before
    the visitor's page had connected to it.
    """
    pool = self._pools.get(notebook_name)
    if pool:
        pool.sort(key=lambda task: not _ready(task))  # stable: oldest ready kernel first
    result = await type(self).get_rendered_notebook(self, notebook_name, *args, **kwargs)
    kernel_id = result[2] if isinstance(result, tuple) and len(result) > 2 else None
    with contextlib.suppress(Exception):
        self.get_kernel(kernel_id).last_activity = datetime.now(timezone.utc)
    return result


class PresentingVoila(Voila):
    """Voila for a room: pages release their kernel when closed (:class:`_SetsXsrfCookie`),
    visitors beyond ``max_visitors`` kernels are turned away (:class:`_LimitsVisitors`), and
    a visitor never waits for a pre-heated kernel that has not started yet.

    Voila refills its pool of pre-heated kernels ``fill_delay`` seconds after a visitor
    takes one, but counts the refills as available at once: with 5 kernels in the pool the
    6th visitor of a room used to wait for a refill (20 s, then the kernel's start). Here
    only kernels that have started count; a visitor who finds none gets a new kernel at
    once, as without pre-heating.
    """

    name = "voila"

    def init_settings(self) -> dict:
        settings = super().init_settings()
        manager = self.kernel_manager
        if hasattr(manager, "_pools"):  # pre-heating on
            manager.get_pool_size = types.MethodType(_ready_pool_size, manager)
            manager.get_rendered_notebook = types.MethodType(_take_ready_kernel, manager)
        return settings

    def init_handlers(self) -> list:
        handlers = []
        for handler in super().init_handlers():
            cls = handler[1] if len(handler) > 1 else None
            if isinstance(cls, type) and issubclass(cls, VoilaHandler):
                mixins = (_LimitsVisitors, _SetsXsrfCookie, cls)
                patched = type(f"Presenting{cls.__name__}", mixins, {})
                handler = (handler[0], patched, *handler[2:])
            handlers.append(handler)
        return handlers


def warm_pictures() -> None:
    """Draw the lessons' pictures into the shared cache in a separate process (once).

    The pre-heated kernels then read PNG files instead of each importing matplotlib and
    drawing the same pictures at the same moment (see :mod:`tutorial.site.warm`). A failure
    here only costs speed: the kernels draw what is missing.
    """
    with contextlib.suppress(OSError):
        subprocess.run([sys.executable, "-m", "tutorial.site.warm"], check=False, timeout=300)


def main() -> None:
    """``python -m tutorial.site.present [voila options] notebooks``: present the lessons."""
    if "--help" not in sys.argv and "--help-all" not in sys.argv:
        warm_pictures()
    PresentingVoila.launch_instance()


if __name__ == "__main__":
    main()
