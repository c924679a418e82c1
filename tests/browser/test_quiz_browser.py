"""The locate-the-point quiz in a real JupyterLab: clicks computed from the data.

The true spot of the asked point is computed here from the data, as the kernel does:
``project()`` -> ``ax.transData`` -> fraction of the picture -> page coordinates through
the picture's bounding box. A click there must be "right" and a click 3 cun lower
"missed", with the picture shown at two different widths.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tutorial.content.geometry import project
from tutorial.content.practice import load_quiz_settings
from tutorial.widgets.quiz import _ViewPicture, data_to_fraction

pytestmark = pytest.mark.browser

SETTINGS = load_quiz_settings()
CELLS = [
    "import tutorial",
    # two quizzes, the second one's picture much wider than the figure's own 320 px
    'narrow = tutorial.LocatePointQuiz(["ST36", "BL57"], seed=1, path=None)\nnarrow',
    'wide = tutorial.LocatePointQuiz(["ST36", "BL57"], seed=2, path=None)\n'
    'wide.image.layout.width = "560px"\nwide',
]


def _fraction(view: str, code: str, dy: float = 0.0) -> tuple[float, float]:
    picture = _ViewPicture(view, side="right", figsize=SETTINGS.figsize, dpi=SETTINGS.dpi)
    picture.png()  # draw once, as the kernel does, so the axes have their final place
    x, y = project(code, view)
    return data_to_fraction(picture.ax, x, y + dy)


def _answer(quiz, dy: float, expected: str) -> float:
    """Click the asked point (moved ``dy`` cun) on the quiz; returns the picture width."""
    image = quiz.locator(".calf-quiz-image--enabled .calf-quiz-image__img")
    image.wait_for(state="visible")
    prompt = quiz.locator(".calf-quiz-prompt").inner_text()
    code = prompt.split("Where is ", 1)[1].split()[0]
    view = image.get_attribute("alt").split()[0]
    fx, fy = _fraction(view, code, dy)
    box = image.bounding_box()
    assert box is not None
    image.page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    expect(quiz.locator(".calf-quiz-verdict")).to_contain_text(SETTINGS.text[expected])
    return box["width"]


def test_clicks_on_the_true_spot_are_right_and_three_cun_off_missed_at_two_widths(
    lab_server, lab_page, open_notebook, run_all, make_notebook, console_errors
):
    make_notebook(lab_server.root, "quiz_clicks.ipynb", CELLS)
    open_notebook(lab_page, "quiz_clicks.ipynb")
    run_all(lab_page)
    quizzes = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .calf-point-quiz")
    quizzes.nth(1).wait_for(state="visible")
    widths = []
    for index in (0, 1):
        quiz = quizzes.nth(index)
        quiz.scroll_into_view_if_needed()
        widths.append(_answer(quiz, 0.0, "right"))
        artifacts = os.environ.get("TEST_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            quiz.screenshot(path=str(Path(artifacts) / f"quiz-right-{index}.png"))
        quiz.get_by_role("button", name="Next question").click()
        _answer(quiz, -SETTINGS.wrong_distance_cun, "missed")
        if artifacts:
            quiz.screenshot(path=str(Path(artifacts) / f"quiz-missed-{index}.png"))
    assert widths[1] > 1.5 * widths[0]
    assert console_errors(lab_page) == []


def test_quiz_answers_clicks_in_voila(voila_server, lab_page, make_notebook, tmp_path):
    notebook = make_notebook(tmp_path, "quiz_voila.ipynb", CELLS[:2])
    lab_page.set_viewport_size({"width": 700, "height": 900})
    lab_page.goto(voila_server(notebook))
    quiz = lab_page.locator(".calf-point-quiz")
    quiz.wait_for(state="visible", timeout=60_000)
    _answer(quiz, 0.0, "right")
    quiz.get_by_role("button", name="Next question").click()
    _answer(quiz, -SETTINGS.wrong_distance_cun, "missed")
