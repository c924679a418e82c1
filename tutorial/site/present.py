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
import hashlib
import html
import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado.web import StaticFileHandler
from traitlets import Bool, Float, Int, Unicode, default
from voila import app as voila_app
from voila.app import Voila
from voila.handler import VoilaHandler

from ..content.i18n import html_lang
from ..content.loader import PAGE_FONT, font_path, read_data_toml
from ..store.files import DATA_DIR_ENV, FONT_URL_ENV, VISITOR_ENV

__all__ = ["PresentingVoila", "VisitorKernelManager", "font_url", "main", "room_full_page"]

#: Where under its base URL the presenting server serves the pages' font (``PAGE_FONT``).
FONT_ROUTE = "calf-tutorial/fonts/"


def font_url(base_url: str) -> str:
    """The URL (a path) of the bundled font on a presenting server whose base URL is
    ``base_url``, versioned by the font's content: browsers keep it for years (the static file
    handler's cache time) and fetch it again only when the font changes."""
    return url_path_join(base_url or "/", FONT_ROUTE, PAGE_FONT) + f"?v={_font_version()}"


@cache
def _font_version() -> str:
    """The font's content hash, read once per server (not at every kernel start)."""
    return hashlib.sha256(font_path().read_bytes()).hexdigest()[:16]


class _FontHandler(StaticFileHandler):
    """The bundled font, and nothing else from its folder (the route names the file)."""

    def get_content_type(self) -> str:
        return "font/ttf"


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

    Pre-heated kernels are started in turns (:meth:`_wait_refill_turn`): before the first
    visitor, as many at once as the machine has cores; once visitors come, one at a time,
    and only after :attr:`refill_quiet` seconds without a new visitor and once every
    visitor's page has connected to its kernel. So a room that arrives together is served
    by the kernels already waiting, and refilling the pool never takes the CPU from the
    visitors who are still loading their pages.
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

    loading_limit = Float(
        120.0,
        config=True,
        help=(
            "Seconds a visitor's page may take to connect to its kernel; until then (or "
            "until it connects) the page counts as still loading and pool refills wait."
        ),
    )

    refill_quiet = Float(
        10.0,
        config=True,
        help=(
            "Seconds without a new visitor before pre-heated kernels are started again, one "
            "at a time: while a room is still arriving, refills would compete with the "
            "visitors' pages for the CPU."
        ),
    )

    font_route = Bool(
        False,
        config=True,
        help=(
            "Whether the server serves the bundled font at FONT_ROUTE (PresentingVoila does): "
            "kernels then link pages to it instead of sending 258 kB of font in every page."
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
        self._starting = 0  # kernels starting, for a visitor or for the pool
        self._pool_starting = 0  # ... of which for the pool
        self._preparing: set[str] = set()  # pool kernels running their notebook
        self._filling = 0  # pool kernels in their turn (starting or preparing)
        self._last_arrival: float | None = None  # time.monotonic() of the latest visitor
        self._handed_out: dict[str, float] = {}  # visitor's kernel -> when, until it connects
        self._closing = False

    def visitors(self) -> int:
        """Kernels that serve a visitor or are starting for one (pre-heated kernels, ready
        or still being prepared for Voila's pool, do not count)."""
        starting = self._starting - self._pool_starting
        return starting + len(set(self.list_kernel_ids()) - self._waiting_in_pool())

    @staticmethod
    def _now() -> float:
        return time.monotonic()

    def visitor_arrived(self) -> None:
        """A visitor's page was asked for: pool refills wait for :attr:`refill_quiet`."""
        self._last_arrival = self._now()

    def refill_may_start(self) -> bool:
        """Whether one more pre-heated kernel may start now: before any visitor, up to one
        per core at once; after, one at a time and only once the room has been quiet for
        :attr:`refill_quiet` seconds."""
        if self._last_arrival is None:
            return self._filling < max(1, os.cpu_count() or 1)
        quiet = self._now() - self._last_arrival >= self.refill_quiet
        return quiet and self._filling < 1 and not self.pages_loading()

    def handed_out(self, kernel_id: str) -> None:
        """``kernel_id`` now serves a visitor whose page has yet to connect to it."""
        self.pages_loading()  # forgets pages that connected or left: the record stays small
        self._handed_out[kernel_id] = self._now()

    def pages_loading(self) -> int:
        """Visitors' pages that have their kernel but have not connected to it yet (for
        at most :attr:`loading_limit` seconds): on a slow device the JavaScript takes a
        while, and refills would compete with it."""
        connections = getattr(self, "_kernel_connections", {})
        for kernel_id, since in list(self._handed_out.items()):
            expired = self._now() - since >= self.loading_limit
            if connections.get(kernel_id, 0) > 0 or expired or kernel_id not in connections:
                del self._handed_out[kernel_id]
        return len(self._handed_out)

    async def _wait_refill_turn(self) -> None:
        """Wait until :meth:`refill_may_start`, then take the turn (give it back with
        ``_filling -= 1``). Raises RuntimeError once the server is stopping."""
        while not self.refill_may_start():
            if self._closing:
                raise RuntimeError("the server is stopping: no more pre-heated kernels")
            await asyncio.sleep(0.25)
        self._filling += 1

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
        if self.font_route:  # Voila names its base URL in the kernel's environment
            env[FONT_URL_ENV] = font_url(env.get("VOILA_BASE_URL", "/"))
        self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, env=env, **kwargs)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            self._starting -= 1
        self._visitor_dirs[kernel_id] = folder
        self.handed_out(kernel_id)  # a pool kernel is taken off again (_PoolForARoom)
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
        self._closing = True  # pool kernels waiting for their turn give up
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
        waiting = set(self._preparing)
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
        arrived = getattr(manager, "visitor_arrived", None)
        if arrived is not None:
            arrived()
        if room_full is not None and room_full():
            self.set_status(503)  # type: ignore[attr-defined]
            self.set_header("Retry-After", "60")  # type: ignore[attr-defined]
            self.set_header("Content-Type", "text/html; charset=utf-8")  # type: ignore[attr-defined]
            self.set_header("Cache-Control", "no-store")  # type: ignore[attr-defined]
            self.finish(room_full_page(manager.max_visitors))  # type: ignore[attr-defined]
            return
        await super().get(*args, **kwargs)  # type: ignore[misc]


#: What Voila's lab template asks a CDN for on every page: Font Awesome, which Voila's own
#: bundle already carries (the widgets' icons draw from it without the CDN).
_CDN_STYLESHEET = re.compile(
    r'<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/npm/@fortawesome/[^"]*"'
    r"[^>]*>\s*"
)


class _KeepsRequestsOnTheServer:
    """Page handler mixin: leave out the template's CDN stylesheets, so that a visitor's page
    asks nothing of any server but this one. A room without internet (or behind a filter
    that drops such requests) would otherwise hold the page's first paint until the
    stylesheet request gives up, and the course says nothing about visitors is sent
    anywhere."""

    def write(self, chunk: Any) -> None:
        if isinstance(chunk, bytes) and b"cdn.jsdelivr.net" in chunk:
            text = chunk.decode("utf-8", "surrogateescape")
            chunk = _CDN_STYLESHEET.sub("", text).encode("utf-8", "surrogateescape")
        elif isinstance(chunk, str) and "cdn.jsdelivr.net" in chunk:
            chunk = _CDN_STYLESHEET.sub("", chunk)
        super().write(chunk)  # type: ignore[misc]


def _ready(task: asyncio.Future) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None


class _PoolForARoom:
    """Mixin over Voila's pre-heating kernel manager (``VoilaKernelManager``).

    - Only pre-heated kernels that are ready count (:meth:`get_pool_size`), and a visitor
      takes the oldest ready one (:meth:`get_rendered_notebook`). Voila refills its pool
      ``fill_delay`` seconds after a visitor takes a kernel but counts the refills as
      available at once: with 5 kernels in the pool the 6th visitor of a room used to wait
      for a refill (20 s, then the kernel's start). A visitor who finds no ready kernel gets
      a new one at once, as without pre-heating.
    - Pool kernels start in turns (:meth:`_initialize`, with
      :meth:`VisitorKernelManager._wait_refill_turn`), and one counts as ready once its
      notebook has run to the end: a visitor who takes it gets the whole page at once.
    """

    def get_pool_size(self, notebook_name: str) -> int:
        """Pre-heated kernels of ``notebook_name`` that are ready (not those still waiting
        or starting)."""
        return sum(_ready(task) for task in self._pools.get(notebook_name, ()))

    async def get_rendered_notebook(self, notebook_name: str, *args: Any, **kwargs: Any):
        """Voila's, handing out a ready kernel before a waiting one.

        The kernel's idle clock starts when a visitor takes it: a kernel that waited in the
        pool longer than ``cull_idle_timeout`` was otherwise culled at the next check,
        before the visitor's page had connected to it.
        """
        pool = self._pools.get(notebook_name)
        if pool:
            pool.sort(key=lambda task: not _ready(task))  # stable: oldest ready kernel first
        result = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
        kernel_id = result[2] if isinstance(result, tuple) and len(result) > 2 else None
        with contextlib.suppress(Exception):
            self.get_kernel(kernel_id).last_activity = datetime.now(timezone.utc)
        if hasattr(self, "handed_out"):
            self.handed_out(kernel_id)
        return result

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        """Voila's, after dropping pool kernels that failed to start.

        Voila looks for ``kernel_id`` in the pools and calls ``result()`` on every finished
        pool task: one failed refill (its kernel did not start, the lesson was renamed while
        presenting) made every closing page's shutdown raise, so the visitor's kernel and
        folder stayed until the culler dropped the failed task. Voila refills the pool to
        its size when the next visitor takes a kernel.
        """
        for pool in self._pools.values():
            pool[:] = [task for task in pool if not task.done() or _ready(task)]
        await super().shutdown_kernel(kernel_id, *args, **kwargs)

    async def _initialize(
        self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any
    ) -> dict:
        """Voila's (start a kernel for the pool, run the notebook in it), in turns; done
        once the notebook has run to the end."""
        if kernel_id is not None or not hasattr(self, "_wait_refill_turn"):
            return await super()._initialize(notebook_path, kernel_id, **kwargs)
        await self._wait_refill_turn()
        try:
            self._pool_starting += 1
            try:
                content = await super()._initialize(notebook_path, None, **kwargs)
            finally:
                self._pool_starting -= 1
            self._preparing.add(content["kernel_id"])
            self._handed_out.pop(content["kernel_id"], None)  # no visitor's page
            try:
                with contextlib.suppress(Exception):
                    await asyncio.shield(content["task"])
            finally:
                self._preparing.discard(content["kernel_id"])
            return content
        finally:
            self._filling -= 1


def _for_a_room(factory: Callable[..., type]) -> Callable[..., type]:
    """Voila's ``voila_kernel_manager_factory``, its pre-heating class with
    :class:`_PoolForARoom` over it."""

    def make(*args: Any, **kwargs: Any) -> type:
        cls = factory(*args, **kwargs)
        if not hasattr(cls, "fill_if_needed"):  # pre-heating off
            return cls
        return type(f"Presenting{cls.__name__}", (_PoolForARoom, cls), {})

    return make


class PresentingVoila(Voila):
    """Voila for a room: pages release their kernel when closed (:class:`_SetsXsrfCookie`),
    ask nothing of any other server (:class:`_KeepsRequestsOnTheServer`), browsers fetch
    the bundled font once (:func:`font_url`) instead of with every page,
    visitors beyond ``max_visitors`` kernels are turned away (:class:`_LimitsVisitors`), a
    visitor never waits for a pre-heated kernel that is not ready, and the pool refills
    without competing with a room that is still arriving (:class:`_PoolForARoom`).
    """

    name = "voila"

    def init_settings(self) -> dict:
        self.config.VisitorKernelManager.font_route = True  # served below (init_handlers)
        factory = voila_app.voila_kernel_manager_factory
        voila_app.voila_kernel_manager_factory = _for_a_room(factory)
        try:  # the kernel manager is made (and starts filling its pool) in there
            return super().init_settings()
        finally:
            voila_app.voila_kernel_manager_factory = factory

    def init_handlers(self) -> list:
        font = url_path_join(self.server_url, FONT_ROUTE, f"({re.escape(PAGE_FONT)})")
        handlers = [(font, _FontHandler, {"path": str(font_path().parent)})]
        for handler in super().init_handlers():
            cls = handler[1] if len(handler) > 1 else None
            if isinstance(cls, type) and issubclass(cls, VoilaHandler):
                mixins = (_LimitsVisitors, _SetsXsrfCookie, _KeepsRequestsOnTheServer, cls)
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
