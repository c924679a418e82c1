"""The photo overlay in a real JupyterLab and in Voila: upload, click, drag, save, practise.

The "photo" is the course's own drawing turned and scaled by a known amount
(``demo_leg_photo``), so where each landmark and point is in it is known exactly. The test
clicks the landmarks on the page and checks that each point's mark appears on the page
within 0.3 cun of where the drawing has it.
"""

from __future__ import annotations

import base64
import json
import math
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tutorial.content.photofit import LANDMARK_ORDER, load_photo_settings
from tutorial.content.practice import load_quiz_settings
from tutorial.drawing.photoimage import demo_leg_photo
from tutorial.widgets.photo import browser_state

pytestmark = pytest.mark.browser

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
STATIC = Path(__file__).resolve().parents[2] / "tutorial" / "static"
MESSAGES = load_photo_settings()["messages"]


def _page_xy(svg, size, uv):
    box = svg.bounding_box()
    assert box is not None
    return box["x"] + uv[0] / size[0] * box["width"], box["y"] + uv[1] / size[1] * box["height"]


def _cun_on_page(svg, demo) -> float:
    box = svg.bounding_box()
    return demo.cun_px * box["width"] / demo.size[0]


def _settled_box(locator) -> dict:
    """The element's box once it is on screen: the marks are redrawn when Python's fit
    arrives after the browser's own, so one lookup can land between the two drawings."""
    for _ in range(100):
        locator.wait_for(state="visible")
        box = locator.bounding_box()
        if box is not None:
            return box
        locator.page.wait_for_timeout(50)
    raise AssertionError(f"{locator} never settled on screen")


def _check_points(page, widget, demo) -> None:
    svg = widget.locator(".calf-photo__svg")
    marks = widget.locator("circle.calf-photo__point")
    expect(marks).to_have_count(len(demo.points))
    cun = _cun_on_page(svg, demo)
    for code, uv in demo.points.items():
        box = _settled_box(widget.locator(f"circle.calf-photo__point[data-code='{code}']"))
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        error = math.dist(centre, _page_xy(svg, demo.size, uv)) / cun
        assert error < 0.3, (code, error)


def _click_landmarks(page, widget, demo) -> None:
    svg = widget.locator(".calf-photo__svg")
    for name in LANDMARK_ORDER:
        page.mouse.click(*_page_xy(svg, demo.size, demo.landmarks[name]))
        expect(widget.locator(f"[data-handle='{name}']")).to_have_count(1)


def _shot(widget, name: str) -> None:
    artifacts = os.environ.get("TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(Path(artifacts) / name))


def test_upload_click_drag_save_and_practise_in_jupyterlab(
    lab_server, lab_page, open_notebook, run_all, make_notebook, console_errors, tmp_path
):
    demo = demo_leg_photo("lateral", rotate_deg=12.0, scale=0.9, width_factor=1.1)
    photo = tmp_path / "my leg.png"
    photo.write_bytes(demo.png)
    make_notebook(
        lab_server.root,
        "photo_overlay.ipynb",
        [
            "import tutorial",
            "w = tutorial.PhotoOverlay(reopen=False, practice_path=None, seed=2)\nw",
        ],
    )
    page = lab_page
    open_notebook(page, "photo_overlay.ipynb")
    # on a busy machine JupyterLab may still ask which kernel to use: take the default
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        dialog.get_by_role("button", name="Select").click()
    run_all(page)
    widget = page.locator(f"{PANEL} .calf-photo-overlay")
    widget.wait_for(state="visible")
    # ipywidgets' FileUpload keeps its <input type=file> out of the page: use the chooser
    with page.expect_file_chooser() as chooser:
        widget.locator(".jupyter-widgets.widget-upload").click()
    chooser.value.set_files(str(photo))
    image = widget.locator(".calf-photo__img")
    expect(widget.locator(".calf-photo__stage")).to_be_visible()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    widget.locator(".calf-photo__svg").scroll_into_view_if_needed()
    _click_landmarks(page, widget, demo)
    _check_points(page, widget, demo)
    expect(widget.locator("text[data-label='ST36']")).to_have_text("ST36 Zúsānlǐ")
    expect(widget.locator(".calf-photo__ruler text")).to_have_count(6)  # 0, 4, ..., 16, cun
    _shot(widget, "photo-overlay-lab.png")

    # drag the ankle handle above the knee: a plain message and no marks; back: marks again
    svg = widget.locator(".calf-photo__svg")
    ankle = _page_xy(svg, demo.size, demo.landmarks["ankle"])
    knee = _page_xy(svg, demo.size, demo.landmarks["knee"])
    page.mouse.move(*ankle)
    page.mouse.down()
    page.mouse.move(knee[0] + 3, knee[1] - 150, steps=6)
    page.mouse.up()
    expect(widget.locator(".calf-photo-message")).to_contain_text("swapped")
    expect(widget.locator("circle.calf-photo__point")).to_have_count(0)
    # (the page may have moved: find the handle again)
    handle = widget.locator("[data-handle='ankle'] circle").first.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(*_page_xy(svg, demo.size, demo.landmarks["ankle"]), steps=6)
    page.mouse.up()
    expect(widget.locator(".calf-photo-message")).to_have_text("")
    _check_points(page, widget, demo)

    # save: the picture comes back as a download made in the browser (a blob: link)
    widget.get_by_role("button", name="Save").click()
    link = widget.locator("a.calf-photo__download")
    expect(link).to_be_visible(timeout=30_000)  # the kernel draws the PNG first
    assert link.get_attribute("href").startswith("blob:")
    with page.expect_download() as info:
        link.click()
    saved = Path(info.value.path()).read_bytes()
    assert saved.startswith(b"\x89PNG")
    assert info.value.suggested_filename == "my-right-leg-lateral-points.png"

    # practise: click on the asked point on the photo
    widget.get_by_role("button", name="Practise on my photo").click()
    prompt = widget.locator(".calf-photo-instruction")
    expect(prompt).to_contain_text("Click where")
    code = prompt.inner_text().split("Click where ", 1)[1].split()[0]
    expect(widget.locator("circle.calf-photo__point")).to_have_count(0)  # no answers shown
    page.mouse.click(*_page_xy(svg, demo.size, demo.points[code]))
    expect(widget.locator(".calf-photo-verdict")).to_contain_text(
        load_quiz_settings().text["right"], timeout=20_000
    )
    expect(widget.locator(".calf-photo__true")).to_have_count(1)
    _shot(widget, "photo-practice-lab.png")
    assert console_errors(page) == []


def test_the_course_drawing_takes_clicks_in_voila(voila_server, lab_page, make_notebook, tmp_path):
    make_notebook(
        tmp_path,
        "photo_voila.ipynb",
        ["import tutorial\ntutorial.PhotoOverlay(reopen=False, practice_path=None)"],
    )
    page = lab_page
    page.goto(voila_server(tmp_path / "photo_voila.ipynb"))
    widget = page.locator(".calf-photo-overlay")
    widget.wait_for(state="visible", timeout=60_000)
    widget.get_by_role("button", name="Try the course's drawing").click()
    image = widget.locator(".calf-photo__img")
    expect(widget.locator(".calf-photo__stage")).to_be_visible()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    # the widget's stand-in: the same call the button makes
    demo = demo_leg_photo("lateral", side="right", rotate_deg=8.0, size=(700, 1100))
    _click_landmarks(page, widget, demo)
    _check_points(page, widget, demo)
    expect(widget.locator(".calf-photo-instruction")).to_contain_text("All landmarks placed")


def test_the_front_end_runs_without_a_kernel(browser):
    """What the in-browser site mounts: photo.js with a local model, no Python at all."""
    demo = demo_leg_photo("medial", side="left", rotate_deg=-20.0, scale=0.8, width_factor=0.9)
    state = {
        **browser_state("medial", "left"),
        "image_size": list(demo.size),
        "standalone": True,
    }
    photo = base64.b64encode(demo.png).decode("ascii")
    context = browser.new_context(viewport={"width": 1000, "height": 1500})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_content("<!doctype html><html><body><div id='host'></div></body></html>")
    page.add_style_tag(content=(STATIC / "photo.css").read_text(encoding="utf-8"))
    mount = f"""
const state = {json.dumps(state)};
const photo = Uint8Array.from(atob("{photo}"), (c) => c.charCodeAt(0));
window.photoModel = createLocalModel({{ ...state, photo }});
render({{ model: window.photoModel, el: document.getElementById("host") }});
"""
    page.add_script_tag(
        content=(STATIC / "photo.js").read_text(encoding="utf-8") + mount, type="module"
    )
    widget = page.locator("#host")
    image = widget.locator(".calf-photo__img")
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    status = widget.locator(".calf-photo__status")
    spec = load_photo_settings()["views"]["medial"]
    expect(status).to_contain_text(spec["knee_text"])
    _click_landmarks(page, widget, demo)
    _check_points(page, widget, demo)
    expect(status).to_have_text(load_photo_settings()["text"]["done"])
    # the keyboard moves a focused handle, and the focus stays on it
    before = page.evaluate("() => window.photoModel.get('landmarks').knee[1]")
    widget.locator("[data-handle='knee']").focus()
    for _ in range(3):
        page.keyboard.press("Shift+ArrowDown")
    after = page.evaluate("() => window.photoModel.get('landmarks').knee[1]")
    assert after > before + 20
    focused = page.evaluate("() => document.activeElement.getAttribute('data-handle')")
    assert focused == "knee"
    # a wrong click gets the same plain message as in the kernel
    page.evaluate(
        "() => { const m = window.photoModel; const l = m.get('landmarks');"
        " m.set('landmarks', { ...l, knee: l.ankle, ankle: l.knee }); }"
    )
    expect(status).to_have_text(MESSAGES["swapped"])
    expect(widget.locator("circle.calf-photo__point")).to_have_count(0)
    assert errors == []
    context.close()
