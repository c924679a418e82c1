"""Fixtures for the browser tests: a real JupyterLab (and Voila) driven by Playwright.

One JupyterLab server serves the whole session from a temporary copy of ``notebooks/``;
every test gets a fresh browser context. Facts behind the choices (flags, ``?reset``,
scoping selectors to the visible panel) are in the project's e2e notes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from ensure_browser import CHROMIUM_ARGS, find_chromium  # noqa: E402
from servers import jupyterlab_command, start_notebook_kernel  # noqa: E402

VISIBLE_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# Console noise that is not ours: Voila asks a CDN for icon fonts, which fails offline.
IGNORED_CONSOLE = ("Failed to load resource", "net::ERR_", "fontawesome", "favicon")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Seconds a server may take to answer: about 3 s on an idle 2-core machine, over a minute on
#: one shared by several test runs.
SERVER_START_SECONDS = 180


def _wait_http(
    url: str, ok: Callable[[int], bool], proc: subprocess.Popen, log: Path, method: str = "GET"
) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    request = urllib.request.Request(url, method=method)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            # generous: a server that has just started answers slowly on a loaded machine
            with urllib.request.urlopen(request, timeout=30) as response:
                if ok(response.status):
                    return
        except urllib.error.HTTPError as exc:
            if ok(exc.code):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"server at {url} not ready after {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}"
    )


def _stop(*procs: subprocess.Popen) -> None:
    """Stop servers: all are asked at once, so their shutdowns (kernels) overlap."""
    running = [proc for proc in procs if proc.poll() is None]
    for proc in running:
        proc.terminate()
    deadline = time.monotonic() + 10
    for proc in running:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _server_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # lessons choose their own backend (%matplotlib inline)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "CALF_TUTORIAL_HOME": str(home / "tutorial-data"),
            "CALF_TUTORIAL_CACHE": str(home / "picture-cache"),  # never the real ~/.cache
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@dataclass
class Server:
    url: str
    root: Path
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private Jupyter home (config, runtime, settings, data) for the servers.

    Every server started in the session is stopped when this fixture ends (after all the
    servers' fixtures), all at once: a Jupyter or Voila server can take seconds to stop.
    """
    home = tmp_path_factory.mktemp("jupyter-home")
    _SERVER_LOGS.append(home)
    yield home
    _stop(*_SERVERS)
    _SERVERS.clear()
    _SERVER_LOGS.remove(home)


#: Where the session's servers log (``server_home``): a failing test's report shows what
#: they logged while it ran.
_SERVER_LOGS: list[Path] = []
#: Lines of each server log shown with a failing browser test.
LOG_LINES = 40


#: Server processes of the session, stopped together at its end (``server_home``).
_SERVERS: list[subprocess.Popen] = []


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory, server_home: Path) -> Server:
    """JupyterLab on 127.0.0.1, serving a temporary copy of ``notebooks/``."""
    root = tmp_path_factory.mktemp("lab-root")
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    port = _free_port()
    log = server_home / "jupyterlab.log"
    cmd = jupyterlab_command(port, root)
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, env=_server_env(server_home), stdout=out, stderr=subprocess.STDOUT, cwd=root
        )
    _SERVERS.append(proc)
    url = f"http://127.0.0.1:{port}/"
    _wait_http(f"{url}api/status", lambda code: code == 200, proc, log)
    return Server(url=url, root=root, process=proc, log=log)


@pytest.fixture(scope="session")
def voila_server(
    tmp_path_factory: pytest.TempPathFactory, server_home: Path
) -> Callable[[str | Path], str]:
    """Factory: ``voila_server(notebook) -> url`` serving that notebook in Voila.

    ``notebook`` is a path, or a name in ``notebooks/``. Servers stop at session end.
    """

    def start(notebook: str | Path) -> str:
        path = Path(notebook)
        if not path.is_absolute():
            path = REPO / "notebooks" / path
        port = _free_port()
        log = server_home / f"voila-{port}.log"
        cmd = [
            sys.executable,
            "-m",
            "voila",
            str(path),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ]
        with log.open("w") as out:
            proc = subprocess.Popen(
                cmd,
                env=_server_env(server_home),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=path.parent,
            )
        _SERVERS.append(proc)
        url = f"http://127.0.0.1:{port}/"
        # Up once the page's handler answers. HEAD, which it refuses (405): a GET would start
        # a kernel and run the whole notebook for nobody (/api/status only redirects).
        _wait_http(url, lambda code: code in (200, 405), proc, log, method="HEAD")
        return url

    return start


@dataclass
class PresentServer(Server):
    visitor_root: Path

    def visitor_dirs(self) -> list[Path]:
        """The visitors' data folders: one per kernel still running."""
        return sorted(p for p in self.visitor_root.iterdir() if p.is_dir())

    def kernel_processes(self) -> list[int]:
        """PIDs of the server's child processes (its kernels)."""
        children: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children.extend(int(pid) for pid in text)
        return children


@pytest.fixture(scope="session")
def present_server(
    tmp_path_factory: pytest.TempPathFactory, server_home: Path
) -> Callable[..., PresentServer]:
    """Factory: ``present_server(root, *options)`` runs ``make present``'s server (the
    repository's ``voila.json`` through ``python -m tutorial.site.present``) on ``root``."""

    def start(root: Path, *options: str) -> PresentServer:
        port = _free_port()
        log = server_home / f"present-{port}.log"
        visitor_root = tmp_path_factory.mktemp("visitors")
        cmd = [
            sys.executable,
            "-m",
            "tutorial.site.present",
            str(root),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            f"--Voila.config_file_paths={REPO}",
            f"--VisitorKernelManager.visitor_root={visitor_root}",
            *options,
        ]
        with log.open("w") as out:
            proc = subprocess.Popen(
                cmd, env=_server_env(server_home), stdout=out, stderr=subprocess.STDOUT, cwd=REPO
            )
        url = f"http://127.0.0.1:{port}/"
        server = PresentServer(url, root, proc, log, visitor_root)
        _SERVERS.append(proc)
        _wait_http(url, lambda code: code == 200, proc, log)
        return server

    return start


@dataclass
class SiteBuild:
    """The static site (``make site``), building in the background; ``path()`` waits for it."""

    out: Path
    process: subprocess.Popen
    log: Path

    def path(self) -> Path:
        try:
            code = self.process.wait(timeout=1800)
        except subprocess.TimeoutExpired:
            self.process.kill()
            log = self.log.read_text()
            raise RuntimeError(f"site build still running after 30 min:\n{log}") from None
        if code != 0:
            raise RuntimeError(f"site build failed ({code}):\n{self.log.read_text()[-3000:]}")
        return self.out


def _lower_priority() -> None:
    os.nice(10)


@pytest.fixture(scope="session", autouse=True)
def site_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteBuild | None]:
    """The static site, built once per session, started with the session's first test.

    It runs as ``python -m tutorial.site`` (the code of ``make site``) in a process of lower
    priority, so it uses the CPU the browser tests leave idle (pages loading, timers
    running, kernels being culled) and is ready when ``test_site_browser.py`` needs it.
    None when the session has no test of the site.
    """
    if not any(item.path.name == "test_site_browser.py" for item in request.session.items):
        yield None
        return
    folder = tmp_path_factory.mktemp("static")
    log = folder / "build.log"
    cmd = [
        sys.executable,
        "-m",
        "tutorial.site",
        "--out",
        str(folder / "site"),
        "--notebooks",
        str(REPO / "notebooks"),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, cwd=folder, preexec_fn=_lower_priority
        )
    yield SiteBuild(folder / "site", proc, log)
    _stop(proc)


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[object]:
    """The session's Playwright (one per thread: every browser below is launched from it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _chromium() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.fail("no Chromium found: run `python scripts/ensure_browser.py` (make test does)")
    return executable


@pytest.fixture(scope="session")
def browser(playwright_session) -> Iterator[object]:
    """One headless Chromium for the session (Debian's, or Playwright's own)."""
    instance = playwright_session.chromium.launch(
        executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


#: Fonts a Chromium may see when a test needs a machine without any CJK font: DejaVu only.
_NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>{cache}</cachedir>
  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
  <alias><family>serif</family><prefer><family>DejaVu Serif</family></prefer></alias>
  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
</fontconfig>
"""


@pytest.fixture(scope="session")
def browser_without_cjk(playwright_session, tmp_path_factory) -> Iterator[object]:
    """A Chromium whose fontconfig knows only DejaVu: no system font has hanzi."""
    folder = tmp_path_factory.mktemp("fontconfig")
    config = folder / "fonts.conf"
    config.write_text(_NO_CJK_FONTS.format(cache=folder / "cache"))
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    instance = playwright_session.chromium.launch(
        executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS, env=env
    )
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def voila_tree(tmp_path_factory: pytest.TempPathFactory, server_home: Path) -> Callable[[str], str]:
    """``voila_tree(name) -> url``: one Voila serving every lesson (as ``make present`` does).

    Lessons are rendered from a temporary copy of ``notebooks/``, the Chinese lessons in
    ``zh/`` (``voila_tree("zh/04_guided_routine.ipynb")``); ``make present``'s projector
    switch is left off so the pictures keep their laptop size.
    """
    root = tmp_path_factory.mktemp("voila-root")
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    (root / "zh").mkdir()
    for notebook in (REPO / "notebooks" / "zh").glob("*.ipynb"):
        shutil.copy(notebook, root / "zh" / notebook.name)
    port = _free_port()
    log = server_home / f"voila-tree-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(root),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--strip_sources=True",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, env=_server_env(server_home), stdout=out, stderr=subprocess.STDOUT, cwd=root
        )
    _SERVERS.append(proc)
    url = f"http://127.0.0.1:{port}/"
    _wait_http(url, lambda code: code == 200, proc, log)
    return lambda name: f"{url}voila/render/{name}"


_GLYPHS = """([family, chars, missingChar, weight]) => {
    // Pixels of one character drawn in a font stack: tells a glyph from the missing-glyph box.
    function draw(text, stack) {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 64;
        const ctx = canvas.getContext("2d");
        ctx.font = `${weight} 48px ${stack}`;
        ctx.fillText(text, 4, 52);
        return {pixels: Array.from(ctx.getImageData(0, 0, 64, 64).data).join(","),
                width: ctx.measureText(text).width};
    }
    const withFont = family;
    const withoutFont = family.split(",").filter(f => !f.includes("Tutorial CJK")).join(",");
    const missing = draw(missingChar, withFont);  // not in the subset: the missing-glyph box
    return [...chars].map(ch => {
        const glyph = draw(ch, withFont), plain = draw(ch, withoutFont);
        return {ch, width: glyph.width, differs: glyph.pixels !== missing.pixels,
                plainIsBox: plain.pixels === draw(missingChar, withoutFont).pixels};
    });
}"""


def missing_hanzi() -> str:
    """A common hanzi the bundled subset font does not have (its glyph is the missing box)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(REPO / "tutorial" / "fonts" / "TutorialCJKSubset-Regular.ttf").getBestCmap()
    return next(c for c in "丁乒乓乞亥亨伞佣侥侨俘" if ord(c) not in cmap)


def hanzi_glyphs(page, family: str, chars: str, weight: str = "normal") -> list[dict]:
    """How each of ``chars`` draws in the CSS font stack ``family`` (and ``weight``) on ``page``.

    Per character: ``width`` (non-zero when something is drawn), ``differs`` (not the
    missing-glyph box of this stack) and ``plainIsBox`` (without the bundled "Tutorial CJK"
    it would be the box: no system font has it, so the bundled font is what draws it).
    """
    return page.evaluate(_GLYPHS, [family, chars, missing_hanzi(), weight])


_AXE_JS = None


def axe_violations(page, include: str, *, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of ``impacts`` inside the elements matching ``include``.

    axe-core comes from the axe-playwright-python wheel (installed with the test extras);
    it is injected by the test, never fetched by the page. The check is scoped to the
    project's own output (``include``), not JupyterLab's or Voila's chrome.
    """
    global _AXE_JS
    if _AXE_JS is None:
        import axe_playwright_python

        _AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    if page.locator(include).count() == 0:
        return []
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_AXE_JS)
    result = page.evaluate(
        """async (include) => {
            const r = await axe.run({include: [include]}, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                          summary: n.failureSummary,
                                          html: n.html.slice(0, 200)}))}));
        }""",
        include,
    )
    return [v for v in result if v["impact"] in impacts]


_CONSOLE: dict[int, list[str]] = {}


@pytest.fixture
def lab_page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A Playwright Page in a fresh context, 1280x900, console errors collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    _CONSOLE[id(page)] = errors

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    # JupyterLab's kernel prompt may cover the page before any click (see _KERNEL_PROMPT)
    page.add_locator_handler(_kernel_prompt(page), _accept_kernel_prompt)
    yield page
    artifacts = os.environ.get("TEST_ARTIFACTS")
    if artifacts and getattr(request.node, "rep_call_failed", False):
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(artifacts) / f"{request.node.name}.png"))
    _CONSOLE.pop(id(page), None)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    if report.failed and "/browser/" in str(item.path).replace(os.sep, "/"):
        # the servers' side of the failure: the end of every log written during the test
        for home in _SERVER_LOGS:
            for log in sorted(home.glob("*.log")):
                if log.stat().st_mtime >= call.start:
                    tail = log.read_text(errors="replace").splitlines()[-LOG_LINES:]
                    report.sections.append((f"server log {log.name}", "\n".join(tail)))
    return report


@pytest.fixture
def console_errors() -> Callable[[object], list[str]]:
    """``console_errors(page)``: console errors seen on ``page``, known offline noise removed."""

    def errors(page) -> list[str]:
        return [
            text
            for text in _CONSOLE.get(id(page), [])
            if not any(noise in text for noise in IGNORED_CONSOLE)
        ]

    return errors


#: JupyterLab's "Select Kernel" prompt. On a busy machine it sometimes asks, although the
#: notebook names its kernel: when the kernel specs arrive after the notebook opens, or when
#: starting the kernel takes too long. ``open_notebook`` starts the kernel first, so that
#: JupyterLab connects to it and has nothing to choose; should the prompt come anyway, a
#: person presses Select and goes on.
_KERNEL_PROMPT = re.compile("select kernel", re.IGNORECASE)


def _kernel_prompt(page):
    return page.locator(".jp-Dialog").filter(has_text=_KERNEL_PROMPT)


def _accept_kernel_prompt(dialog) -> None:
    """Press Select on each prompt showing: JupyterLab can queue a second one behind the
    first, and Playwright runs a locator handler again only once its overlay has gone."""
    from playwright.sync_api import Error as PlaywrightError

    prompts = _kernel_prompt(dialog.page)
    for _ in range(5):
        if not prompts.count():
            return
        # closed meanwhile, or covered by the next one: look again
        with contextlib.suppress(PlaywrightError):
            prompts.first.locator(".jp-mod-accept").click(timeout=5_000)
        dialog.page.wait_for_timeout(300)


def wait_kernel_idle(page, timeout: float = 60_000) -> None:
    """Wait until the visible notebook's kernel is connected and idle (accepting the kernel
    JupyterLab offers if it asks which one to start)."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        state = page.wait_for_function(
            """() => {
                const asked = [...document.querySelectorAll('.jp-Dialog')]
                    .some(d => /select kernel/i.test(d.textContent));
                if (asked) return 'asked';
                const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                if (!panel) return false;
                const busy = panel.querySelector('.jp-Notebook-ExecutionIndicator');
                const status = busy ? busy.getAttribute('data-status') : null;
                const running = [...panel.querySelectorAll('.jp-InputArea-prompt')]
                    .some(p => p.textContent.includes('[*]'));
                return status === 'idle' && !running ? 'idle' : false;
            }""",
            timeout=max(1_000, (deadline - time.monotonic()) * 1000),
        ).json_value()
        if state == "idle":
            return
        _accept_kernel_prompt(_kernel_prompt(page))


@pytest.fixture
def open_notebook(lab_server: Server) -> Callable[[object, str], object]:
    """``open_notebook(page, name)``: open a notebook of the lab root; returns its panel."""

    def open_(page, name: str):
        start_notebook_kernel(lab_server.url, lab_server.root, name)
        page.goto(f"{lab_server.url}lab/tree/{name}?reset")
        panel = page.locator(VISIBLE_PANEL)
        panel.wait_for(state="visible", timeout=60_000)
        wait_kernel_idle(page)
        return panel

    return open_


_ALL_CELLS_RAN = """() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    if (!panel) return false;
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def _click_run_all(page) -> None:
    page.locator(VISIBLE_PANEL).click(position={"x": 5, "y": 5})
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


@pytest.fixture
def run_all() -> Callable[[object], None]:
    """``run_all(page)``: Run > Run All Cells; returns when every code cell has run.

    A click that lands while JupyterLab is still settling can be lost, so the menu is
    used again if no cell has started after a few seconds.
    """

    def run(page, timeout: float = 120_000) -> None:
        _click_run_all(page)
        started = """() => [...document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
            .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
        try:
            page.wait_for_function(started, timeout=8_000)
        except Exception:
            _click_run_all(page)
        page.wait_for_function(_ALL_CELLS_RAN, timeout=timeout)
        wait_kernel_idle(page, timeout)

    return run


@pytest.fixture(scope="session")
def make_notebook() -> Callable[[Path, str, list[str]], Path]:
    """``make_notebook(root, name, cells)``: write a notebook of code cells; returns its path."""

    def make(root: Path, name: str, cells: list[str]) -> Path:
        notebook = {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"cell-{i}",
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
                for i, source in enumerate(cells)
            ],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        path = Path(root) / name
        path.write_text(json.dumps(notebook, indent=1))
        return path

    return make


def error_outputs(page) -> list[str]:
    """Texts of error and stderr outputs in the visible notebook."""
    return page.locator(
        f"{VISIBLE_PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        f"{VISIBLE_PANEL} .jp-OutputArea-output.jp-mod-error"
    ).all_inner_texts()


@pytest.fixture
def notebook_errors() -> Callable[[object], list[str]]:
    """``notebook_errors(page)``: error and stderr outputs of the visible notebook."""
    return error_outputs
