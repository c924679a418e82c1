"""The static site in real Chromium, with every request outside the site blocked.

The site is built once per session (``python -m tutorial.site`` into a temporary folder, the
code of ``make site``, started in the background with the session: ``site_build`` in
``conftest.py``) and opened both from disk (file://) and from a local static server
(``http.server`` on 127.0.0.1). A one-file timer page of a 3-step routine with 1-2 s steps
(``StepTimer.save_html``) is added to the folder for the timer run.
"""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutorial.content.testing import seconds_routine
from tutorial.widgets.calculator import validate_length

PAGES = [
    "index.html",
    "00_start_here.html",
    "01_calf_cramps.html",
    "02_landmarks_and_cun.html",
    "03_the_seven_points.html",
    "04_guided_routine.html",
    "05_timing_lab.html",
    "06_check_yourself.html",
    "07_for_trainers.html",
    "08_your_practice.html",
    "progress.html",
    "full-course.html",
    "test-timer.html",
]
# axe-core is slow (seconds a page on a busy machine): every kind of page and widget once
AXE_PAGES = {
    "index.html",
    "02_landmarks_and_cun.html",
    "03_the_seven_points.html",
    "04_guided_routine.html",
    "06_check_yourself.html",
    "progress.html",
}
VIEWPORTS = {"projector": (1920, 1080), "laptop": (1440, 900), "phone": (390, 844)}
MOUNTED = """() => [...document.querySelectorAll('.cs-widget[data-widget]')]
    .every(n => n.dataset.mounted && (n.dataset.widget !== 'timer' || n.dataset.ready))"""


@pytest.fixture(scope="session")
def site(site_build) -> Path:
    """The built site (``site_build``: built in the background from the session's start),
    plus test-timer.html: a 3-step routine of 1-2 s steps."""
    from tutorial.widgets.timer import StepTimer

    out = site_build.path()
    routine = seconds_routine(
        1,
        2,
        1,
        title="Short test routine",
        instructions="Press gently.",
        min_seconds=1,
        max_seconds=2,
        points=[("BL40",), ("GB34",), ("ST36",)],
    )
    timer = StepTimer(routine, sound=True)
    timer.save_html(out / "test-timer.html")
    timer.close()
    return out


@pytest.fixture(scope="session")
def site_server(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site folder served by ``python -m http.server`` on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("http") / "http.log"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=site, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "index.html", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"no static server: {log.read_text()[-2000:]}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Offline:
    """A browser context whose requests may only reach ``base`` (the site)."""

    def __init__(self, browser, base: str, size: tuple[int, int]):
        self.base = base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, accept_downloads=True
        )
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def page(self):
        page = self.context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        return page

    def open(self, page, name: str) -> None:
        page.goto(self.base + name)
        page.wait_for_function(MOUNTED)

    def check(self) -> None:
        assert self.blocked == [], f"requests outside the site: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline(browser, site: Path, site_server: str):
    """``offline(where, size)`` -> :class:`Offline` for "file" or "http"."""
    made: list[Offline] = []

    def make(where: str = "file", size: tuple[int, int] = VIEWPORTS["laptop"]) -> Offline:
        base = site.as_uri() + "/" if where == "file" else site_server
        made.append(Offline(browser, base, size))
        return made[-1]

    yield make
    for context in made:
        context.close()


def _axe(page) -> list[dict]:
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.add_script_tag(content=source)  # inline: no request
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _assets_loaded(page) -> None:
    # every picture with a source (the photo overlay's <img> has none until a photo is chosen)
    pictures = "[...document.images].filter(i => i.getAttribute('src'))"
    page.wait_for_function(f"() => {pictures}.every(i => i.complete)")
    broken = page.evaluate(
        f"() => {pictures}.filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.getAttribute('src').slice(0, 80))"
    )
    assert broken == []


@pytest.mark.parametrize("where", ["file", "http"])
def test_every_page_opens_offline_with_working_widgets(offline, where):
    """Every page, from disk and from a static server: no console error, no request out,
    every picture loaded, every widget mounted, hanzi in the bundled font; axe finds no
    serious or critical violation (over http, on every kind of page and widget)."""
    ctx = offline(where)
    page = ctx.page()
    for name in PAGES:
        ctx.open(page, name)
        _assets_loaded(page)
        if where == "http" and name in AXE_PAGES:  # axe reads stylesheets: not from file://
            assert _axe(page) == [], name
    ctx.open(page, "03_the_seven_points.html")
    loaded = page.evaluate(
        """async () => { await document.fonts.ready;
            return document.fonts.check('20px "Tutorial CJK"', '委中阳陵泉足三里');}"""
    )
    assert loaded
    assert page.locator("main").get_by_text("委中").first.is_visible()
    ctx.check()


@pytest.mark.parametrize("viewport", ["projector", "phone"])
def test_pages_fit_the_projector_and_the_phone(offline, viewport):
    """No sideways scrolling of the page at 1920x1080 or 390x844; the timer and the
    practice picture are on screen."""
    ctx = offline("http", VIEWPORTS[viewport])
    page = ctx.page()
    for name in ["index.html", "04_guided_routine.html", "06_check_yourself.html"]:
        ctx.open(page, name)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport][0] + 1, f"{name} is {width}px wide"
    timer = page.goto(ctx.base + "04_guided_routine.html")
    page.wait_for_function(MOUNTED)
    timer = page.locator("[data-testid=step-timer]")
    timer.scroll_into_view_if_needed()
    box = timer.bounding_box()
    assert box["width"] <= VIEWPORTS[viewport][0]
    ctx.check()


def test_timer_runs_a_short_routine_and_keeps_the_session(offline):
    """The one-file timer page: start, watch the steps change by themselves, jump back,
    finish; the planned-against-actual summary appears and the session is kept."""
    ctx = offline("file")
    page = ctx.page()
    ctx.open(page, "test-timer.html")
    page.evaluate(
        """() => { window.steps = [];
            document.addEventListener('cct-step', e => window.steps.push(e.detail)); }"""
    )
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function("() => window.steps.some(s => s.index === 1)", timeout=5_000)
    assert page.get_by_test_id("step-title").inner_text() == "Step 2"
    page.get_by_role("button", name="Back", exact=True).click()  # step 1 again, by hand
    page.wait_for_function(
        "() => document.querySelector('[data-testid=step-timer]').dataset.status === 'finished'",
        timeout=15_000,
    )
    steps = page.evaluate("() => window.steps")
    reasons = [(s["index"], s["reason"]) for s in steps]
    assert reasons[:3] == [(0, "start"), (1, "completed"), (0, "back")]
    assert reasons[-3:] == [(1, "completed"), (2, "completed"), (None, "completed")]
    # the timer's own summary (no second one from the page); the page says it kept the run
    timer = page.get_by_test_id("step-timer")
    summary = timer.get_by_test_id("timer-summary")
    summary.wait_for(state="visible")
    assert summary.locator("tr").count() == 6  # the header; steps 1, 2 (left early: back), 1, 2, 3
    assert "back" in summary.inner_text()
    assert page.get_by_text("Planned against actual time").count() == 0
    assert "Kept in this browser" in timer.inner_text()
    stored = page.evaluate(
        "() => JSON.parse(localStorage.getItem('calf-cramp-tutorial:progress:v1'))"
    )
    session = stored["sessions"][-1]
    assert session["variant"] == "custom"  # named as tutorial.store.practicelog names it
    assert session["legs"] == "one"
    assert [s["id"] for s in session["steps"]] == ["s0", "s1", "s0", "s1", "s2"]
    assert session["steps"][-1]["planned_s"] == 1
    assert session["steps"][-1]["actual_s"] == pytest.approx(1, abs=0.05)
    # the timer's own switch (no page-level one): the quick plan, every step at its
    # minimum (1 s); the page records that plan's run
    assert page.locator(".cs-timer-options").count() == 0
    timer.get_by_role("button", name="Reset", exact=True).click()
    timer.get_by_text("Quick", exact=False).click()
    assert timer.get_by_test_id("countdown").inner_text() == "0:01"
    timer.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=step-timer]').dataset.status === 'finished'",
        timeout=15_000,
    )
    summary.wait_for(state="visible")
    assert summary.locator("tr").count() == 4  # the header and three 1-s steps
    stored = page.evaluate(
        "() => JSON.parse(localStorage.getItem('calf-cramp-tutorial:progress:v1'))"
    )
    quick = stored["sessions"][-1]
    assert [s["planned_s"] for s in quick["steps"]] == [1, 1, 1]
    assert [s["default_seconds"] for s in quick["routine"]["steps"]] == [1, 1, 1]
    ctx.check()


def _answer_right(page) -> str:
    """Answer the practice question on screen correctly (the truth from the page's data)."""
    widget = page.locator(".cs-widget-practice").first
    kind = widget.get_attribute("data-kind")
    code = widget.get_attribute("data-code")
    if kind == "locate":
        view = widget.get_attribute("data-view")
        fx, fy = page.evaluate(
            """([code, view]) => { const v = CCT_DATA.practice.views['right:' + view];
                return CCTRules.dataToFraction(v, v.truth[code][0], v.truth[code][1]); }""",
            [code, view],
        )
        img = widget.locator(".cs-practice-img")
        img.scroll_into_view_if_needed()
        box = img.bounding_box()
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    else:
        good = page.evaluate(
            """([kind, code]) => { const P = CCT_DATA.practice;
                if (kind === 'name') return [code];
                return P.points[code].steps.map(i => P.steps[i].id); }""",
            [kind, code],
        )
        widget.locator(f"[data-choice='{good[0]}']").click()
    verdict = widget.get_by_test_id("verdict")
    verdict.wait_for(state="visible")
    return verdict.get_attribute("data-verdict")


def test_practice_is_scored_and_progress_is_kept_exported_and_forgotten(offline, tmp_path):
    ctx = offline("http")
    page = ctx.page()
    ctx.open(page, "06_check_yourself.html")
    widget = page.locator(".cs-widget-practice").first
    verdicts = []
    for _ in range(3):
        verdicts.append(_answer_right(page))
        widget.get_by_test_id("next-question").click()
    assert verdicts == ["right", "right", "right"]
    page.reload()
    page.wait_for_function(MOUNTED)
    assert "3 answers kept" in widget.get_by_test_id("practice-status").inner_text()
    # a miss on a locate question (choice questions on the way are answered right)
    for _ in range(20):
        if widget.get_attribute("data-kind") == "locate":
            break
        _answer_right(page)
        widget.get_by_test_id("next-question").click()
    # without a mouse: focus the picture, arrow keys to the bottom left corner, Enter
    widget.locator(".cs-practice-figure").focus()
    for _ in range(26):
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert widget.get_by_test_id("verdict").get_attribute("data-verdict") == "missed"
    assert "cun from" in widget.get_by_test_id("verdict").inner_text()

    ctx.open(page, "progress.html")
    assert page.get_by_test_id("answers-table").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export to a file").click()
    exported = tmp_path / "progress.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert data["format"] == "calf-cramp-tutorial/progress"
    assert data["version"] == 1
    kept = len(data["answers"])
    assert kept >= 4
    assert {"right", "missed"} <= {a["verdict"] for a in data["answers"]}
    assert any(a["kind"] == "locate" and a["error_cun"] > 1 for a in data["answers"])
    # the Python store (tutorial.store.db) imports what the page exported
    from tutorial.store.db import Store, import_progress

    home = tmp_path / "python-store"  # its own folder: a store adopts a progress.json beside it
    home.mkdir()
    result = import_progress(exported, store=Store(home / "practice.sqlite3"))
    assert result.answers_added == kept

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "answers": [{**data["answers"][0], "verdict": "x"}]}))
    page.set_input_files("input[type=file]", str(bad))
    message = page.get_by_test_id("progress-message")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progress-message]').textContent"
        ".includes('Could not import')"
    )
    assert "answers[0].verdict" in message.inner_text()
    assert "Nothing was changed" in message.inner_text()

    page.get_by_test_id("forget").click()
    page.get_by_test_id("forget-confirm").click()
    assert "No practice answers yet" in page.locator("main").inner_text()
    page.set_input_files("input[type=file]", str(exported))
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progress-message]').textContent"
        ".includes('Imported')"
    )
    assert f"{kept} new entries" in message.inner_text()
    ctx.check()


def test_calculator_explorer_and_safety_check_work_without_a_kernel(offline):
    ctx = offline("file", VIEWPORTS["phone"])
    page = ctx.page()
    ctx.open(page, "02_landmarks_and_cun.html")
    field = page.get_by_label("Knee crease to outer ankle bone (cm)")
    field.fill("abc")
    assert page.get_by_test_id("calc-message").inner_text() == validate_length("abc")[1]
    field.fill("1000")
    assert page.get_by_test_id("calc-message").inner_text() == validate_length("1000")[1]
    field.fill("40")
    assert page.get_by_test_id("calc-message").inner_text() == ""
    assert "Your cun: 2.50 cm" in page.get_by_test_id("calculator").inner_text()

    ctx.open(page, "03_the_seven_points.html")
    explorer = page.get_by_test_id("explorer")
    from tutorial.content.geometry import visible_views

    for code in ("BL60", "KI3", "ST36"):
        explorer.get_by_text(code, exact=False).first.click()
        views = explorer.locator(".cs-explorer-view")
        assert views.count() == len(visible_views(code)), code
        assert code in explorer.locator(".cs-explorer-card").inner_text()
    explorer.get_by_label("Hanzi on the pictures").check()
    assert "-zh-" in explorer.locator(".cs-explorer-view img").first.get_attribute("src")

    ctx.open(page, "06_check_yourself.html")
    check = page.get_by_test_id("safety-check")
    check.locator("fieldset").first.get_by_label("No massage: see a doctor").check()
    assert "Right" in check.locator(".cs-feedback").first.inner_text()
    assert "1 of" in check.locator(".cs-score").inner_text()
    ctx.check()


# -- the photo overlay without a kernel (issue 14 item 7) ------------------------------------


def _photo_xy(svg, size, uv):
    box = svg.bounding_box()
    return box["x"] + uv[0] / size[0] * box["width"], box["y"] + uv[1] / size[1] * box["height"]


def _turned_camera_jpeg(demo, path: Path) -> None:
    """The demo photo stored as a camera held sideways stores it: pixels turned a quarter,
    EXIF orientation 6 saying how to show them upright."""
    import io

    from PIL import Image

    upright = Image.open(io.BytesIO(demo.png)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # show rotated 90 degrees clockwise
    upright.transpose(Image.Transpose.ROTATE_90).save(path, "JPEG", quality=90, exif=exif.tobytes())


def test_photo_overlay_on_the_site_from_disk(offline, tmp_path):
    """Lesson 3 from disk, no kernel: a non-image gets photo.toml's message; a big photo
    taken sideways (EXIF) is turned upright and shrunk as Python does; the clicked landmarks
    put every point where the drawing has it (within 0.3 cun); Save keeps it in this browser
    and downloads the annotated PNG; a reload reopens it; practice on it is scored and kept;
    Forget deletes it."""
    import io

    from PIL import Image
    from playwright.sync_api import expect

    from tutorial.content.photofit import LANDMARK_ORDER, load_photo_settings
    from tutorial.drawing.legs import POINT_STYLES
    from tutorial.drawing.photoimage import demo_leg_photo, read_photo

    settings = load_photo_settings()
    ctx = offline("file", VIEWPORTS["phone"])  # a phone: the tightest fit, texts wrap most
    page = ctx.page()
    ctx.open(page, "03_the_seven_points.html")
    widget = page.locator(".cs-widget-photo")
    expect(widget).to_have_attribute("data-ready", "true")
    expect(widget.get_by_test_id("photo-privacy")).to_have_text(settings["site"]["privacy"])
    message = widget.get_by_test_id("photo-message")
    file_input = widget.get_by_test_id("photo-file")

    notes = tmp_path / "notes.txt"
    notes.write_text("Not a photo.\n")
    file_input.set_input_files(notes)
    expect(message).to_have_text(settings["messages"]["not_image"].format(name="notes.txt"))

    demo = demo_leg_photo("lateral", rotate_deg=8.0, scale=2.4, size=(1500, 2600))
    photo = tmp_path / "my leg.jpg"
    _turned_camera_jpeg(demo, photo)
    python = read_photo(photo.read_bytes(), "my leg.jpg")
    assert python.size == (1182, 2048)  # upright, at most 2048 px
    file_input.set_input_files(photo)
    root = widget.get_by_test_id("photo")
    expect(root).to_have_attribute("data-size", "1182x2048")  # the page's own is Python's
    expect(message).to_have_text("")
    svg = widget.locator(".calf-photo__svg")
    svg.scroll_into_view_if_needed()
    for name in LANDMARK_ORDER:
        page.mouse.click(*_photo_xy(svg, demo.size, demo.landmarks[name]))
        expect(widget.locator(f"[data-handle='{name}']")).to_have_count(1)
    expect(root).to_have_attribute("data-status", "ok")
    cun = demo.cun_px * svg.bounding_box()["width"] / demo.size[0]
    expect(widget.locator("circle.calf-photo__point")).to_have_count(len(demo.points))
    for code, uv in demo.points.items():
        box = widget.locator(f"circle.calf-photo__point[data-code='{code}']").bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        error = math.dist(centre, _photo_xy(svg, demo.size, uv)) / cun
        assert error < 0.3, (code, error)
    assert "How to find it by touch" in widget.get_by_test_id("photo-points").inner_text()

    widget.get_by_test_id("photo-save").click()
    expect(message).to_have_text(settings["site"]["saved"])
    link = widget.locator("a.calf-photo__download")
    with page.expect_download() as download:
        link.click()
    png = Image.open(io.BytesIO(Path(download.value.path()).read_bytes())).convert("RGB")
    assert png.size[0] == 1182
    assert png.size[1] > 2048  # the photo, and the words below it
    colour = POINT_STYLES["normal"]["markerfacecolor"].lstrip("#")
    want = tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
    scale = 1182 / demo.size[0]
    for code, (u, v) in demo.points.items():
        # the picture's mark, wider than the dot the drawing itself has there
        for du, dv in ((0, 0), (9, 0), (-9, 0), (0, 9), (0, -9)):
            got = png.getpixel((round(u * scale) + du, round(v * scale) + dv))
            assert max(abs(a - b) for a, b in zip(got, want, strict=True)) < 40, (code, got)

    page.reload()
    page.wait_for_function(MOUNTED)
    expect(widget).to_have_attribute("data-ready", "true")
    expect(root).to_have_attribute("data-size", "1182x2048")
    expect(message).to_have_text(settings["text"]["reopened"])
    expect(widget.locator("[data-handle]")).to_have_count(4)

    widget.get_by_test_id("photo-practise").click()
    code = root.get_attribute("data-code")
    assert code in demo.points
    svg.scroll_into_view_if_needed()
    page.mouse.click(*_photo_xy(svg, demo.size, demo.points[code]))
    verdict = widget.get_by_test_id("photo-verdict")
    expect(verdict).to_have_attribute("data-verdict", "right")
    stored = page.evaluate(
        "() => JSON.parse(localStorage.getItem('calf-cramp-tutorial:progress:v1'))"
    )
    answer = stored["answers"][-1]
    assert (answer["kind"], answer["point"], answer["view"]) == ("locate", code, "lateral")
    assert answer["error_cun"] < 0.3

    widget.get_by_test_id("photo-forget").click()
    expect(message).to_have_text(settings["site"]["forgotten"])
    page.reload()
    page.wait_for_function(MOUNTED)
    expect(widget).to_have_attribute("data-ready", "true")
    expect(root).to_have_attribute("data-status", "empty")
    assert root.get_attribute("data-size") is None
    # no photo at hand: the course's drawing, loaded on demand from the site's own folder
    widget.get_by_test_id("photo-demo").click()
    expect(root).to_have_attribute("data-size", "700x1100")
    expect(root).to_have_attribute("data-status", "pending")
    ctx.check()
