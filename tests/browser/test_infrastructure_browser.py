"""The browser harness itself: JupyterLab starts, notebooks run, widgets render."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_notebook_runs_and_widget_text_stays_text(
    lab_server, lab_page, make_notebook, open_notebook, run_all, notebook_errors, console_errors
):
    make_notebook(
        lab_server.root,
        "harness.ipynb",
        [
            "import ipywidgets as w\nimport tutorial",
            "w.Label(value='<img src=x onerror=\"window.__pwned=1\">')",
            "print(len(tutorial.load_routine()))",
        ],
    )
    open_notebook(lab_page, "harness.ipynb")
    run_all(lab_page)

    label = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-label").first
    label.wait_for()
    assert label.inner_text() == '<img src=x onerror="window.__pwned=1">'
    assert lab_page.evaluate("window.__pwned") is None
    outputs = lab_page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
    assert "8" in [text.strip() for text in outputs.all_inner_texts()]
    assert notebook_errors(lab_page) == []
    assert console_errors(lab_page) == []


def test_voila_renders_widgets_without_code(
    tmp_path, voila_server, lab_page, make_notebook, console_errors
):
    notebook = make_notebook(
        tmp_path,
        "present.ipynb",
        ["import ipywidgets as w", "w.Label(value='<b>plain</b>')"],
    )
    lab_page.goto(voila_server(notebook))
    label = lab_page.locator(".widget-label").first
    label.wait_for(timeout=30_000)
    assert label.inner_text() == "<b>plain</b>"
    assert lab_page.locator(".jp-InputArea").count() == 0  # code is not shown
    assert console_errors(lab_page) == []
