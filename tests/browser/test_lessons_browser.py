"""Every lesson runs top to bottom in JupyterLab without an error.

One test per lesson opens it in a real JupyterLab, runs all cells and checks that no cell
shows an error or stderr output, that axe-core finds no serious or critical violation in
its widgets and that the page logs no console error. A few lessons also get one interaction
that proves their main widget is alive (the kernel answers). Each lesson is opened once in
Voila too, in ``test_room_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import axe_violations

pytestmark = pytest.mark.browser

LESSONS = sorted(p.name for p in (Path(__file__).parents[2] / "notebooks").glob("0*.ipynb"))
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
WIDGET_OUTPUTS = f"{PANEL} .jp-OutputArea-output:has(.jupyter-widgets, .widget-html-content)"


def _explorer_answers(page) -> None:
    panel = page.locator(PANEL)
    panel.get_by_role("button", name="KI3 Tàixī 太溪").first.click()
    panel.locator(".calf-point", has_text="Great Ravine").first.wait_for(timeout=10_000)


def _timing_lab_answers(page) -> None:
    panel = page.locator(PANEL)
    panel.get_by_role("button", name="Quick (shortest)").click()
    panel.get_by_text("Total: 4 min 30 s for one leg").wait_for(timeout=10_000)


def _safety_check_answers(page) -> None:
    panel = page.locator(PANEL)
    panel.get_by_role("radio", name="Emergency: call an ambulance").nth(1).check()
    panel.get_by_text("✓ Right.").first.wait_for(timeout=10_000)


def _practice_log_deletes(page) -> None:
    """Lesson 8: the log section renders (calendar, privacy note) and the delete button
    asks first, then deletes and says so."""
    panel = page.locator(PANEL)
    report = panel.locator(".calf-practice-report").first
    report.locator(".calf-log-calendar").wait_for(timeout=10_000)
    assert "No sessions yet" in report.locator(".calf-log-summary").inner_text()
    assert "practice.sqlite3" in report.locator(".calf-log-privacy").inner_text()
    report.get_by_role("button", name="Delete my practice data").click()
    report.get_by_text("This cannot be undone").wait_for(timeout=10_000)
    report.get_by_role("button", name="Yes, delete everything").click()
    report.get_by_text("Deleted. Nothing about your practice is kept now").wait_for(timeout=10_000)


def _lab_only_text_shows(page) -> None:
    rendered = page.locator(f"{PANEL} .jp-RenderedMarkdown .calf-lab-only")
    rendered.get_by_text("Shift + Enter").wait_for(timeout=10_000)  # shown in JupyterLab


def _downloads_reach_the_browser(page) -> None:
    panel = page.locator(PANEL)
    with page.expect_download(timeout=90_000) as handout:
        panel.get_by_role("button", name="Make the handout (PDF)").click()
    assert handout.value.suggested_filename == "calf-cramp-handout.pdf"
    assert Path(handout.value.path()).read_bytes().startswith(b"%PDF")


INTERACTIONS = {
    "00_start_here.ipynb": _lab_only_text_shows,
    "07_for_trainers.ipynb": _downloads_reach_the_browser,
    "03_the_seven_points.ipynb": _explorer_answers,
    "05_timing_lab.ipynb": _timing_lab_answers,
    "06_check_yourself.ipynb": _safety_check_answers,
    "08_your_practice.ipynb": _practice_log_deletes,
}


_SHUT_DOWN_KERNELS = """async () => {
    const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
    const headers = {"X-XSRFToken": decodeURIComponent(xsrf)};
    const kernels = await (await fetch("/api/kernels", {headers})).json();
    for (const k of kernels) {
        await fetch(`/api/kernels/${k.id}`, {method: "DELETE", headers});
    }
    return kernels.length;
}"""


@pytest.fixture
def shut_down_kernels(lab_page):
    """Stop the lesson's kernel afterwards, so eight lessons do not pile up on two cores."""
    yield
    if lab_page.url.startswith("http"):
        lab_page.evaluate(_SHUT_DOWN_KERNELS)


def test_there_are_nine_lessons():
    assert len(LESSONS) == 9
    assert LESSONS[0] == "00_start_here.ipynb"


@pytest.mark.parametrize("lesson", LESSONS)
@pytest.mark.usefixtures("shut_down_kernels")
def test_lesson_runs_clean_in_jupyterlab(
    lesson, lab_page, open_notebook, run_all, notebook_errors, console_errors
):
    open_notebook(lab_page, lesson)
    run_all(lab_page)
    assert notebook_errors(lab_page) == []
    # axe-core on the lesson's widgets (JupyterLab's own chrome is out of scope).
    violations = axe_violations(lab_page, WIDGET_OUTPUTS)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    if lesson in INTERACTIONS:
        INTERACTIONS[lesson](lab_page)
        assert notebook_errors(lab_page) == []
    assert console_errors(lab_page) == []
