"""User text stays text in JupyterLab: no TeX typesetting, no markup, in any widget."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

HOSTILE = r"$\rule{200px}{200px}$ <img src=x onerror=window.__pwned=1> end"

_CELLS = [
    "import dataclasses, tutorial\n"
    "from tutorial.widgets.timinglab import TimingLab\n"
    f"HOSTILE = {HOSTILE!r}\n"
    "base = tutorial.load_routine()\n"
    "steps = (dataclasses.replace(base.steps[0], title=HOSTILE), *base.steps[1:])\n"
    "routine = dataclasses.replace(base, title=HOSTILE, steps=steps)\n"
    "lab = TimingLab(folder=tutorial.store.files.user_data_dir())\n"
    "lab._file.value = 'hostile.toml'\n"
    "tutorial.save_routine(routine, lab._box_file())\n",
    "lab.load()\nlab",
]


@pytest.fixture
def hostile_notebook(lab_server, make_notebook):
    make_notebook(lab_server.root, "hostile_text.ipynb", _CELLS)
    return "hostile_text.ipynb"


def test_routine_and_step_titles_show_literally(
    lab_page, open_notebook, run_all, notebook_errors, hostile_notebook
):
    panel = open_notebook(lab_page, hostile_notebook)
    run_all(lab_page)
    assert notebook_errors(lab_page) == []
    texts = panel.locator(".calf-plain-text")
    step = texts.filter(has_text=r"\rule{200px}{200px}").first
    step.wait_for(timeout=30_000)
    status = panel.locator(".calf-plain-text", has_text="Loaded 8 steps")
    status.wait_for(timeout=30_000)
    for node in (step, status):
        assert HOSTILE in node.inner_text()
    output = panel.locator(".jp-OutputArea").last
    assert output.locator("mjx-container, .MathJax, .MathJax_Display").count() == 0
    assert output.locator("img[src='x']").count() == 0
    assert lab_page.evaluate("() => window.__pwned") is None
    # the picture is not covered by a 200 px box: the step row stays one line high
    assert step.bounding_box()["height"] < 60
