"""User text goes through PlainText (textContent), never a Label (TeX) or HTML (markup)."""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets

import tutorial
from tutorial.widgets.text import PlainText
from tutorial.widgets.timinglab import TimingLab

HOSTILE = r"$\rule{200px}{200px}$ <img src=x onerror=alert(1)>"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_plain_text_keeps_the_value_exactly():
    text = PlainText(HOSTILE)
    assert text.value == HOSTILE
    assert text.get_state()["value"] == HOSTILE  # sent as is; the front end uses textContent


def test_the_timing_lab_shows_titles_and_files_as_plain_text(tmp_path):
    base = tutorial.load_routine()
    steps = (dataclasses.replace(base.steps[0], title=HOSTILE), *base.steps[1:])
    routine = dataclasses.replace(base, title=HOSTILE, steps=steps)
    lab = TimingLab(routine, folder=tmp_path)
    lab._file.value = "Calf plan.toml"
    lab.save()
    shown = list(_walk(lab))
    from tutorial.widgets.picture import RangeInput

    # Step titles label their sliders (range.js writes the label with textContent).
    assert any(isinstance(w, RangeInput) and w.label.endswith(HOSTILE) for w in shown)
    assert isinstance(lab._status, PlainText)
    assert "Calf plan.toml" in lab._status.value
    for widget in shown:
        if isinstance(widget, (widgets.Label, widgets.HTML, widgets.HTMLMath)):
            assert "rule" not in widget.value
        assert "$" not in getattr(widget, "description", "")


def test_the_quiz_status_line_is_plain_text(tmp_path):
    quiz = tutorial.PointQuiz(seed=1, path=tmp_path / "progress.json")
    try:
        assert isinstance(quiz._status, PlainText)
    finally:
        quiz.close()
