"""Build the static site: every lesson executed, rendered without code, widgets in-browser.

``build_site(out, notebooks)`` executes each lesson notebook unchanged (nbclient), asks the
kernel what each displayed widget is (:mod:`tutorial.site.kernel`), and writes one page per
lesson: the Markdown cells as HTML, pictures as PNG files, the package's HTML widgets as
their markup, and a placeholder for each interactive widget that the page's JavaScript mounts
without a kernel (the StepTimer runs the same ``timer.js`` as in JupyterLab). Files a lesson
writes and shows (the A4 handout, a routine file) are copied into the site and linked.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..content.i18n import (
    LANGUAGE_ENV,
    LANGUAGE_FOLDERS,
    LANGUAGES,
    N_,
    _,
    get_language,
    html_lang,
    localize_data,
    per_language,
    using_language,
)
from ..content.loader import font_data_url, load_routine, routine_to_dict
from ..content.model import RoutineError
from . import export
from .kernel import MARKER

__all__ = ["BuildReport", "build_site", "build_sites", "lesson_info", "render_markdown"]

_HERE = Path(__file__).parent
_STATIC = _HERE / "static"
_PACKAGE_STATIC = _HERE.parent / "static"
#: The page that says how to run the full course (JupyterLab, Python).
FULL_COURSE = "full-course.html"
_NEEDS_PYTHON = {
    "PracticeReport": N_(
        "Your practice report (calendar, schedule, step times) reads the practice kept by the "
        "full course in Python. In these pages your answers and timer sessions are on "
        '"Your progress" (link at the bottom of every page): export them there as a file, '
        "and import the file in the full course to see this report."
    ),
    "TimingLab": N_(
        "The timing lab (sliders, saving and loading routine files) needs Python. "
        "Run the full course in JupyterLab to use it; the timer below works here, with the "
        "quick, default and full timings."
    ),
}
# Cells whose output depends on what the learner did with a widget in the live notebook:
# the page says where the same information is shown instead ({progress}: a link to the
# progress page).
_SESSION_ONLY = {
    "practice_log(": N_(
        "In these pages your kept sessions are listed on {progress}, where you can also "
        "export them as a file."
    ),
    "planned_vs_actual(": N_(  # draw_planned_vs_actual() and planned_vs_actual()
        "In these pages the timer shows planned against actual time itself when a session "
        "ends, and keeps every finished session on {progress}."
    ),
}


def _link(href: str, text: str, extra: str = "") -> str:
    """``<a href=...>text</a>`` with the (translated) text escaped."""
    return f'<a href="{html.escape(href)}"{extra}>{html.escape(text)}</a>'


def _html(message: str, **links: str) -> str:
    """A translated sentence as HTML: its text escaped, then the links put in."""
    return html.escape(message, quote=False).format(**links)


def _progress_link() -> str:
    return _link("progress.html", _("Your progress"))


_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_PATH_REPR = re.compile(r"^(?:Posix|Windows)Path\('(?P<path>[^']+)'\)$")


@dataclass
class BuildReport:
    """What a build wrote and how long each part took (seconds)."""

    out: Path
    pages: list[str] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@per_language
def lesson_info() -> Mapping[str, Any]:
    """The home page's data: ``tutorial/site/lessons.toml``, in the course's language."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    text = resources.files(__package__).joinpath("lessons.toml").read_text(encoding="utf-8")
    return localize_data(tomllib.loads(text), "lessons.toml")


# -- files --------------------------------------------------------------------------------


class _Site:
    """Writes files into the site folder; pictures are stored once by content."""

    def __init__(self, out: Path):
        self.out = out
        self.written: dict[str, str] = {}

    def image(self, data: bytes, stem: str, suffix: str = ".png") -> str:
        digest = hashlib.sha256(data).hexdigest()[:10]
        if digest in self.written:
            return self.written[digest]
        name = f"img/{_slug(stem)}-{digest}{suffix}"
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[digest] = name
        return name

    def copy(self, source: Path) -> str:
        name = f"files/{source.name}"
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return name

    def text(self, name: str, text: str) -> None:
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "file"


def _json_script(element_id: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'  # i18n: ignore


# -- executing the lessons --------------------------------------------------------------------


async def _execute_one(path: Path, home: Path, limit: asyncio.Semaphore) -> dict[str, Any]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    run = copy.deepcopy(nb)
    probe = "from tutorial.site.kernel import print_widgets\nprint_widgets()"  # i18n: ignore
    run.cells.append(nbformat.v4.new_code_cell(probe))
    async with limit:
        client = NotebookClient(
            run,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            extra_arguments=["--IPKernelApp.log_level=40"],  # no start-up chatter in the log
        )
        started = time.perf_counter()
        await client.async_execute(env=_kernel_env(home))
        seconds = time.perf_counter() - started
    last = run.cells.pop()
    widgets: dict[str, Any] = {}
    for output in last.get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(MARKER):
                widgets = json.loads(line[len(MARKER) :])
    return {"path": path, "nb": run, "widgets": widgets, "seconds": seconds}


def _kernel_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CALF_TUTORIAL_HOME"] = str(home)
    env["MPLBACKEND"] = "Agg"  # i18n: ignore
    env[LANGUAGE_ENV] = get_language()  # the lessons run in the language of the build
    env.pop("JUPYTER_PLATFORM_DIRS", None)
    return env


def _execute_all(paths: list[Path], home: Path, jobs: int) -> list[dict[str, Any]]:
    async def main() -> list[dict[str, Any]]:
        limit = asyncio.Semaphore(max(1, jobs))
        return await asyncio.gather(*(_execute_one(p, home, limit) for p in paths))

    # in a thread of its own: the caller may be running an event loop (Jupyter, Playwright)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


# -- rendering ------------------------------------------------------------------------------


def render_markdown(source: str) -> str:
    """Markdown to HTML (nbconvert's mistune renderer); links to lessons point to pages."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    text = markdown2html_mistune(source)
    text = re.sub(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', text)
    # A lesson this site has no page for (the other language's, zh/...): the words stay, the
    # link goes, so no page links to a file that is not there.
    return re.sub(r'<a href="[^"]*\.ipynb(?:#[^"]*)?"[^>]*>(.*?)</a>', r"\1", text, flags=re.S)


def _title_of(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return _("Lesson")


class _Page:
    """Renders one executed lesson."""

    def __init__(self, site: _Site, stem: str, nb: Any, widgets: Mapping[str, Any]):
        self.site = site
        self.stem = stem
        self.nb = nb
        self.widgets = widgets
        self.configs: list[str] = []
        self.uses: set[str] = set()
        self.heading = ""
        self.count = 0

    def body(self) -> str:
        parts = []
        for cell in self.nb.cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("#"):
                        self.heading = line.lstrip("#").strip()
                parts.append(f'<section class="md">{render_markdown(cell.source)}</section>')
            elif cell.cell_type == "code":
                live = next((n for c, n in _SESSION_ONLY.items() if c in cell.source), None)
                if live:
                    live_html = _html(_(live), progress=_progress_link())
                    parts.append(f'<p class="note live-only">{live_html}</p>')
                    continue
                shown = [self.output(o) for o in cell.get("outputs", [])]
                shown = [s for s in shown if s]
                if shown:
                    parts.append(f'<div class="out">{"".join(shown)}</div>')
        return "\n".join(parts)

    def output(self, output: Mapping[str, Any]) -> str:
        kind = output.get("output_type")
        if kind == "error":
            raise RoutineError(
                _("the lesson raised {name}: {value}").format(
                    name=output.get("ename"), value=output.get("evalue")
                ),
                source=f"{self.stem}.ipynb",
                field="outputs",
            )
        if kind == "stream":
            if output.get("name") == "stdout" and output.get("text", "").strip():
                return f'<pre class="stream">{html.escape(output["text"])}</pre>'
            return ""  # warnings on stderr are for the build log, not the reader
        data = output.get("data", {})
        if _WIDGET_VIEW in data:
            model_id = data[_WIDGET_VIEW].get("model_id", "")
            return self.widget(model_id)
        if "image/png" in data:
            name = self.site.image(base64.b64decode(data["image/png"]), f"{self.stem}-figure")
            alt = (
                _("Diagram: {heading}").format(heading=self.heading)
                if self.heading
                else _("Diagram")
            )
            words = _text(data.get("text/plain", "")).strip()
            if words and not words.startswith("<"):  # a picture's own words, not a repr
                alt = words
            img = f'<img src="{name}" alt="{html.escape(alt)}">'  # i18n: ignore
            return f'<figure class="fig">{img}</figure>'
        if "text/html" in data:
            return f'<div class="html">{_text(data["text/html"])}</div>'
        if "text/markdown" in data:
            return render_markdown(_text(data["text/markdown"]))
        plain = _text(data.get("text/plain", ""))
        match = _PATH_REPR.match(plain.strip())
        if match:
            return self.file_link(Path(match["path"]))
        if plain.strip():
            return f'<pre class="stream">{html.escape(plain)}</pre>'
        return ""

    def file_link(self, path: Path) -> str:
        if not path.is_file():
            return ""
        name = self.site.copy(path)
        what = (
            _("the A4 handout (PDF)")
            if path.suffix == ".pdf"
            else _("the file {name}").format(name=path.name)
        )
        download = _link(name, _("Download {what}").format(what=what), " download")
        note = _html(
            _(
                "(made when this site was built; to make one for your own routine you need "
                "Python: see {full_course})"
            ),
            full_course=_link(FULL_COURSE, _("the full course")),
        )
        return f'<p class="file">{download} <span class="note">{note}</span></p>'  # i18n: ignore

    def widget(self, model_id: str) -> str:
        described = self.widgets.get(model_id)
        if described is None:
            return ""
        kind = described.get("kind")
        if kind in ("timer", "practice", "explorer", "calculator", "photo"):
            return self.mount(kind, described)
        name = described.get("class", "")
        if name == "SafetyCheck":
            return self.mount("safety-check", described)
        if name in _NEEDS_PYTHON:
            text = html.escape(_(_NEEDS_PYTHON[name]))
            link = _link(FULL_COURSE, _("How to run the full course"))
            return (  # i18n: ignore
                f'<aside class="needs-python" role="note"><strong>{html.escape(_("Needs Python."))}'
                f"</strong> {text} {link}</aside>"
            )
        return self.static(described)

    def static(self, described: Mapping[str, Any]) -> str:
        kind = described.get("kind")
        if kind == "text":
            if described.get("class") == "Label":
                return f"<p>{html.escape(described.get('value', ''))}</p>"
            return f'<div class="html">{described.get("value", "")}</div>'
        if kind == "image" and described.get("data"):
            name = self.site.image(base64.b64decode(described["data"]), f"{self.stem}-image")
            alt = self.heading or _("Picture")
            return f'<img src="{name}" alt="{html.escape(alt)}">'  # i18n: ignore
        if kind == "box":
            inner = "".join(
                self.static(self.widgets.get(c, {})) for c in described.get("children", [])
            )
            direction = described.get("direction", "column")
            return f'<div class="box box-{direction}">{inner}</div>'  # i18n: ignore
        return ""

    def mount(self, kind: str, described: Mapping[str, Any]) -> str:
        self.count += 1
        config_id = f"cs-config-{self.count}"
        config: dict[str, Any] = {"kind": kind}
        if kind == "timer":
            config.update(export.timer_configs(described, self.site.image))
        elif kind == "practice":
            config.update(
                kinds=described["kinds"],
                codes=described["codes"],
                side=described.get("side", "right"),
                title_html=described.get("title_html", ""),
            )
            self.uses.add("practice")
        elif kind == "explorer":
            config.update(codes=described["codes"], code=described.get("code"))
            self.uses.add("explorer")
        elif kind == "calculator":
            config.update(length_cm=described.get("length_cm"))
            self.uses.add("calculator")
        elif kind == "photo":
            config.update(
                view=described.get("view", "lateral"), side=described.get("side", "right")
            )
            self.uses.add("photo")
        elif kind == "safety-check":
            self.uses.add("safety")
        self.configs.append(_json_script(config_id, config))
        needs = html.escape(_("This part of the lesson needs JavaScript."))
        return (  # i18n: ignore
            f'<div class="cs-widget cs-widget-{kind}" data-widget="{kind}" '
            f'data-config="{config_id}"><noscript>{needs}</noscript></div>'
        )


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# -- page template --------------------------------------------------------------------------


def _page(
    *,
    title: str,
    body: str,
    nav: str,
    pager: str,
    scripts: Iterable[str],
    safety: str,
    extra: str = "",
    home: bool = False,
    name: str = "",
    alternates: Mapping[str, str] | None = None,
) -> str:
    info = lesson_info()
    head_links, switch = _language_links(name, alternates or {})
    script_tags = "\n".join(f'<script src="{s}"></script>' for s in scripts)
    strip = "" if home else safety
    footer = _html(
        _(
            "Works offline: every page, picture and script is in this folder. Progress and "
            "timer sessions stay in this browser (see {progress}). These pages were made by "
            "running the lessons; where a lesson says to run a cell, that was done for you. "
            "{full_course}."
        ),
        progress=_progress_link(),
        full_course=_link(FULL_COURSE, _("The full course, with Python")),
    )
    skip = html.escape(_("Skip to the content"))
    return f"""<!doctype html>
<html lang="{html_lang()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="assets/timer.css">
<link rel="stylesheet" href="assets/photo.css">
<link rel="stylesheet" href="assets/site.css">
{head_links}</head>
<body>
<a class="skip" href="#main">{skip}</a>
<header class="site-header">
<a class="brand" href="index.html">{html.escape(info["site_title"])}</a>
{switch}{nav}
</header>
{strip}
<main id="main">
{body}
</main>
{pager}
<footer class="site-footer"><p>{footer}</p>
</footer>
{extra}
{script_tags}
</body>
</html>
"""  # i18n: ignore


def language_name(language: str) -> str:
    """A language's name in that language, as a reader of it looks for it (English, 中文)."""
    from ..content.i18n import babel_locale

    return babel_locale(language).language_name.capitalize()


def _language_links(name: str, alternates: Mapping[str, str]) -> tuple[str, str]:
    """The ``<link rel="alternate">`` lines of a page and the header's link to the same page
    in each other language (``alternates``: language -> the folder of its pages, relative to
    this page's folder, e.g. ``{"zh-Hans": "zh/"}``)."""
    if not name or not alternates:
        return "", ""
    head, links = [], []
    for language, folder in alternates.items():
        href = html.escape(f"{folder}{name}", quote=True)
        lang = html.escape(language, quote=True)
        head.append(f'<link rel="alternate" hreflang="{lang}" href="{href}">\n')  # i18n: ignore
        links.append(
            f'<a href="{href}" hreflang="{lang}" lang="{lang}">'
            f"{html.escape(language_name(language))}</a>"
        )
    label = html.escape(_("This page in another language"), quote=True)
    return "".join(head), (  # i18n: ignore
        f'<nav class="languages" aria-label="{label}">{" ".join(links)}</nav>\n'
    )


def _nav(lessons: list[tuple[str, str]], current: str) -> str:
    items = []
    for stem, title in lessons:
        mark = ' aria-current="page"' if stem == current else ""
        items.append(f'<li><a href="{stem}.html"{mark}>{html.escape(title)}</a></li>')
    lessons_word = html.escape(_("Lessons"))
    return (  # i18n: ignore
        f'<nav class="lessons-nav" aria-label="{lessons_word}"><details>'
        f"<summary>{lessons_word}</summary>"
        f"<ol>{''.join(items)}<li>{_progress_link()}</li></ol>"
        "</details></nav>"
    )


def _pager(lessons: list[tuple[str, str]], index: int) -> str:
    links = []
    if index > 0:
        stem, title = lessons[index - 1]
        links.append(f'<a rel="prev" href="{stem}.html">← {html.escape(title)}</a>')  # i18n: ignore
    else:
        links.append(f'<a rel="prev" href="index.html">← {html.escape(_("Home"))}</a>')
    if index + 1 < len(lessons):
        stem, title = lessons[index + 1]
        links.append(f'<a rel="next" href="{stem}.html">{html.escape(title)} →</a>')  # i18n: ignore
    label = html.escape(_("Previous and next lesson"))
    return f'<nav class="pager" aria-label="{label}">{"".join(links)}</nav>'  # i18n: ignore


def _home_pager() -> str:
    home = html.escape(_("Home"))
    link = f'<a href="index.html">← {home}</a>'  # i18n: ignore
    return f'<nav class="pager" aria-label="{home}">{link}</nav>'  # i18n: ignore


def _safety_strip() -> str:
    from ..widgets.cards import safety_box

    box = safety_box(compact=True).value
    label = html.escape(_("Safety first"))
    first = html.escape(_("Safety first:"))
    text = html.escape(
        _(
            "in a cramp, stretch first (knee straight, toes towards the shin). No massage on "
            "a swollen, warm, red or tender calf."
        )
    )
    more = html.escape(_("Show the warning signs"))
    full = _link("01_calf_cramps.html", _("The full list in lesson 1"))
    return (  # i18n: ignore
        f'<aside class="safety-strip" aria-label="{label}"><details>'
        f"<summary><strong>{first}</strong> {text} "
        f"<span class='more'>{more}</span></summary>"
        f'<div class="html">{box}</div>'
        f"<p>{full}</p></details></aside>"
    )


def _home(lessons: list[tuple[str, str]]) -> str:
    from ..widgets.cards import safety_box

    info = lesson_info()
    by_stem = {entry["notebook"]: entry for entry in info["lessons"]}
    rows = []
    for stem, title in lessons:
        entry = by_stem.get(stem, {})
        rows.append(  # i18n: ignore
            f'<li class="lesson-card"><a href="{stem}.html"><span class="lesson-title">'
            f"{html.escape(title)}</span></a>"
            f'<p class="who"><strong>{html.escape(_("For:"))}</strong> '
            f"{html.escape(entry.get('for', ''))}</p>"
            f'<p class="gives">{html.escape(entry.get("gives", ""))}</p></li>'
        )
    works = _html(
        _(
            "Everything you read and see, the step timer (sound, voice, flash, screen kept "
            "awake), the cun calculator, the point explorer, find-the-point practice, the "
            "points on a photo of your own leg (the photo stays in this browser) and the "
            "safety check work in this browser with nothing installed, also offline. Your "
            "practice answers and timer sessions stay in this browser: {progress}. Saving "
            "routine files (the timing lab) and making a handout for your own routine need "
            "Python: see {full_course}. The printable {handout} is here."
        ),
        progress=_link("progress.html", _("export, import or forget them")),
        full_course=_link(FULL_COURSE, _("the full course")),
        handout=_link("files/calf-cramp-handout.pdf", _("A4 handout (PDF)"), " download"),
    )
    return (  # i18n: ignore
        f"<h1>{html.escape(info['site_title'])}</h1>"
        f'<p class="intro">{html.escape(info["intro"])}</p>'
        '<section class="safety-first" aria-labelledby="safety-h">'
        f'<h2 id="safety-h">{html.escape(_("Safety first"))}</h2>'
        f'<div class="html">{safety_box(compact=True).value}</div></section>'
        '<section aria-labelledby="lessons-h">'
        f'<h2 id="lessons-h">{html.escape(_("The lessons"))}</h2>'
        f'<ol class="lesson-list">{"".join(rows)}</ol></section>'
        '<section aria-labelledby="works-h">'
        f'<h2 id="works-h">{html.escape(_("What works here"))}</h2>'
        f"<p>{works}</p></section>"
    )


def _page_title(title: str) -> str:
    return _("{title} · Calf cramps course").format(title=title)


def _progress_page() -> str:
    text = _(
        "Your practice answers and timer sessions are kept in this browser only "
        "(nothing is sent anywhere). Export them to a file to keep them or to move them to "
        "another browser; import a file exported before; or forget everything."
    )
    return (  # i18n: ignore
        f"<h1>{html.escape(_('Your progress'))}</h1><p>{html.escape(text)}</p>"
        '<div class="cs-widget cs-widget-progress" data-widget="progress" '
        'data-config=""></div>'
    )


def _readme_section(readme: Path, heading: str) -> str:
    """The Markdown of one ``## heading`` section of the README ("" if there is none)."""
    if not readme.is_file():
        return ""
    text = readme.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return found.group(1) if found else ""


def _readme(notebooks: Path) -> Path:
    """The course's README: beside the lessons' folder, or above it (``notebooks/zh``)."""
    for folder in notebooks.resolve().parents[:2]:
        if (folder / "README.md").is_file():
            return folder / "README.md"
    return notebooks.resolve().parent / "README.md"


#: The README's quick start, one section per language (the README carries both).
QUICK_START_HEADINGS: dict[str, str] = {
    "en": "Quick start",  # i18n: ignore (the README's heading)
    "zh-Hans": "快速开始",  # i18n: ignore (the README's heading)
}


def _full_course_page(readme: Path) -> str:
    """How to run the full course: the README's own quick start in the page's language."""
    heading = QUICK_START_HEADINGS[get_language()]
    quick = _readme_section(readme, heading)
    see = html.escape(_("See the README of the course's source."))
    body = render_markdown(quick) if quick else f"<p>{see}</p>"
    text = _(
        "These pages were made by running the lessons once; the code is hidden and, where "
        "a lesson says to run a cell, that was done for you. Everything that needs Python "
        "(the timing lab's sliders and routine files, a handout for your own routine, "
        "driving the timer from code) works in the full course in JupyterLab. From a copy "
        "of the course's source:"
    )
    return (  # i18n: ignore
        f"<h1>{html.escape(_('The full course, with Python'))}</h1><p>{html.escape(text)}</p>"
        f'<section class="md">{body}</section>'
    )


def _font_css() -> str:
    """The lessons' ``@font-face`` rule with the font inlined, so that pages opened from disk
    (``file://``) can use it: browsers refuse font files from disk."""
    from ..widgets.style import font_face_css

    return font_face_css(font_data_url())


def site_css() -> str:
    """The site's stylesheet with the bundled font."""
    return _font_css() + (_STATIC / "site.css").read_text(encoding="utf-8")


def timer_module_js() -> str:
    """``timer.js`` as anywidget gets it, as a string a page imports (file:// forbids module
    files): the widget's own code, with the shared translator inlined."""
    from ..widgets.frontend import esm

    head = (  # i18n: ignore
        "// tutorial/static/timer.js (with i18n.js), imported from a Blob by site.js.\n"
    )
    return f"{head}window.CCT_TIMER_ESM = {json.dumps(esm('timer.js'))};\n"


#: The front-end files of the site whose words are in ``assets/i18n.js``.
SITE_SCRIPTS = ("site.js", "rules.js", "store.js", "photo-site.js")


def i18n_js() -> str:
    """``assets/i18n.js``: the translator and the catalog of the site's own scripts, in the
    language of the build (``CALF_TUTORIAL_LANG`` or ``python -m tutorial.site --lang``)."""
    from ..widgets.frontend import catalog, classic_i18n_js

    return classic_i18n_js(catalog(*SITE_SCRIPTS))


def photo_module_js() -> str:
    """``photo.js``, unchanged, as a string a page imports (as :func:`timer_module_js`)."""
    source = (_PACKAGE_STATIC / "photo.js").read_text(encoding="utf-8")
    return (
        "// tutorial/static/photo.js, unchanged, imported by photo-site.js.\n"  # i18n: ignore
        f"window.CCT_PHOTO_ESM = {json.dumps(source)};\n"
    )


def _data_js(uses: set[str], site: _Site) -> str:
    data: dict[str, Any] = {}
    routine = load_routine()
    if "practice" in uses:
        data["practice"] = export.practice_data(site.image)
    if "explorer" in uses:
        data["explorer"] = export.explorer_data(routine.point_codes, site.image)
    if "calculator" in uses:
        data["calculator"] = export.calculator_data()
    if "safety" in uses:
        data["safety"] = export.safety_check_data()
    if "photo" in uses:
        data["photo"] = export.photo_data()
    data["routine"] = routine_to_dict(routine)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    head = "// Made by tutorial.site at build time from the package's data.\n"  # i18n: ignore
    return f"{head}window.CCT_DATA = {text};\n"


_SCRIPTS = (
    "assets/data.js",
    "assets/i18n.js",
    "assets/rules.js",
    "assets/store.js",
    "assets/timer-module.js",
    "assets/photo-module.js",
    "assets/photo-site.js",
    "assets/site.js",
)


def build_site(
    out: str | os.PathLike[str] = "site",
    notebooks: str | os.PathLike[str] = "notebooks",
    *,
    jobs: int | None = None,
    alternates: Mapping[str, str] | None = None,
) -> BuildReport:
    """Build the static site into ``out`` (replaced) from the lessons in ``notebooks``.

    Parameters
    ----------
    out
        The site folder to write; an existing one is replaced when the build succeeds.
    notebooks
        The folder of lesson notebooks (``NN_name.ipynb``).
    jobs
        Lessons executed at once (default: the number of CPUs).
    alternates
        The same site in other languages: language -> its folder relative to ``out``
        (``{"zh-Hans": "zh/"}``); every page links to its counterpart there. See
        :func:`build_sites`.

    Returns
    -------
    BuildReport

    Raises
    ------
    RoutineError
        If a lesson raises while it runs (the message names the notebook).
    """
    started = time.perf_counter()
    out = Path(out)
    source = Path(notebooks)
    paths = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise RoutineError(
            _("no lesson notebooks (NN_name.ipynb) found; pass the notebooks folder"),
            source=str(source),
        )
    report = BuildReport(out=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="calf-site-home-") as home:
            executed = _execute_all(paths, Path(home), jobs or os.cpu_count() or 1)
            report.seconds["execute"] = time.perf_counter() - started
            rendering = time.perf_counter()
            site = _Site(staging)
            titles = {e["notebook"]: e.get("title") for e in lesson_info()["lessons"]}
            lessons = [
                (r["path"].stem, titles.get(r["path"].stem) or _title_of(r["nb"])) for r in executed
            ]
            uses: set[str] = set()
            safety = _safety_strip()
            for index, result in enumerate(executed):
                stem = result["path"].stem
                page = _Page(site, stem, result["nb"], result["widgets"])
                body = page.body()
                uses |= page.uses
                site.text(
                    f"{stem}.html",
                    _page(
                        title=_page_title(lessons[index][1]),
                        body=body,
                        nav=_nav(lessons, stem),
                        pager=_pager(lessons, index),
                        scripts=_SCRIPTS,
                        safety=safety,
                        extra="\n".join(page.configs),
                        name=f"{stem}.html",
                        alternates=alternates,
                    ),
                )
                report.pages.append(f"{stem}.html")
        site.text(
            "index.html",
            _page(
                title=_("Calf cramps course"),
                body=_home(lessons),
                nav=_nav(lessons, ""),
                pager="",
                scripts=_SCRIPTS,
                safety=safety,
                home=True,
                name="index.html",
                alternates=alternates,
            ),
        )
        site.text(
            "progress.html",
            _page(
                title=_page_title(_("Your progress")),
                body=_progress_page(),
                nav=_nav(lessons, ""),
                pager=_home_pager(),
                scripts=_SCRIPTS,
                safety=safety,
                name="progress.html",
                alternates=alternates,
            ),
        )
        site.text(
            FULL_COURSE,
            _page(
                title=_page_title(_("The full course")),
                body=_full_course_page(_readme(source)),
                nav=_nav(lessons, ""),
                pager=_home_pager(),
                scripts=_SCRIPTS,
                safety=safety,
                name=FULL_COURSE,
                alternates=alternates,
            ),
        )
        report.pages[:0] = ["index.html"]
        report.pages += ["progress.html", FULL_COURSE]
        site.text("assets/data.js", _data_js(uses, site))
        site.text("assets/site.css", site_css())
        site.text("assets/timer-module.js", timer_module_js())
        site.text("assets/photo-module.js", photo_module_js())
        if "photo" in uses:
            site.text("assets/photo-demo.js", export.photo_demo_js())
        site.text("assets/i18n.js", i18n_js())
        for name in ("site.js", "rules.js", "store.js", "photo-site.js"):
            shutil.copyfile(_STATIC / name, staging / "assets" / name)
        for name in ("timer.css", "photo.css"):
            shutil.copyfile(_PACKAGE_STATIC / name, staging / "assets" / name)
        shutil.copyfile(_HERE.parent / "fonts" / "OFL.txt", staging / "assets" / "OFL.txt")
        if not (staging / "files" / "calf-cramp-handout.pdf").exists():
            from ..drawing.handout import make_handout

            (staging / "files").mkdir(exist_ok=True)
            make_handout(staging / "files" / "calf-cramp-handout.pdf")
        report.seconds["render"] = time.perf_counter() - rendering
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    report.files = len(files)
    report.bytes = sum(p.stat().st_size for p in files)
    report.seconds["total"] = time.perf_counter() - started
    return report


def build_sites(
    out: str | os.PathLike[str] = "site",
    notebooks: str | os.PathLike[str] = "notebooks",
    *,
    languages: Iterable[str] = LANGUAGES,
    jobs: int | None = None,
) -> list[BuildReport]:
    """The site in every language: the first language's pages in ``out`` from ``notebooks``,
    each other language's in its folder (:data:`~tutorial.content.i18n.LANGUAGE_FOLDERS`,
    ``zh-Hans``: ``out/zh`` from ``notebooks/zh``), every page linked to the same page in the
    other languages.

    Raises
    ------
    RoutineError
        As :func:`build_site`; the languages built before stay built.
    """
    languages = list(languages)
    folders = {lang: LANGUAGE_FOLDERS[lang] if i else "" for i, lang in enumerate(languages)}
    reports = []
    for language in languages:
        here = folders[language]
        alternates = {
            other: posixpath.relpath(folders[other] or ".", here or ".").rstrip("/") + "/"
            for other in languages
            if other != language
        }
        with using_language(language):
            reports.append(
                build_site(
                    Path(out) / here,
                    Path(notebooks) / here,
                    jobs=jobs,
                    alternates=alternates,
                )
            )
    return reports
