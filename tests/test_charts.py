"""Tests for tutorial.drawing.charts: bars where the plan puts them, totals, planned vs actual."""

import pytest
from matplotlib.figure import Figure

from tutorial import load_routine
from tutorial.content.timing import StepRecord, build_plan
from tutorial.drawing.charts import (
    Timeline,
    draw_planned_vs_actual,
    draw_timeline,
    draw_variants,
    format_minutes,
)


def _ax():
    return Figure().add_subplot()


def _by_gid(ax):
    return {a.get_gid(): a for a in ax.get_children() if a.get_gid()}


@pytest.mark.parametrize(
    ("seconds", "text"), [(270, "4 min 30 s"), (540, "9 min"), (45, "45 s"), (405.4, "6 min 45 s")]
)
def test_format_minutes(seconds, text):
    assert format_minutes(seconds) == text


@pytest.mark.parametrize("legs", ["one", "both"])
def test_timeline_bars_follow_the_plan(legs):
    routine = load_routine()
    ax = draw_timeline(routine, legs=legs, ax=_ax())
    plan = build_plan(routine, legs)
    artists = _by_gid(ax)
    for i, seg in enumerate(plan):
        bar = artists[f"segment-{i}"]
        assert bar.get_x() == pytest.approx(seg.start_seconds / 60)
        assert bar.get_width() == pytest.approx(seg.planned_seconds / 60)
    assert f"segment-{len(plan)}" not in artists
    assert artists["total"].get_xdata()[0] == pytest.approx(plan.total_seconds / 60)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1. Preparation"
    assert ("Switch legs" in labels) == (legs == "both")


def test_timeline_range_lines_span_min_to_max():
    routine = load_routine()
    artists = _by_gid(draw_timeline(routine, ax=_ax()))
    lo, hi = artists["range-0"].get_xdata()
    assert (lo, hi) == pytest.approx((1.0, 2.0))  # preparation: 1-2 min from t = 0


def test_timeline_updates_in_place():
    routine = load_routine()
    timeline = Timeline(routine)
    bars_before = {gid: id(a) for gid, a in timeline._artists.items()}
    full = routine.variant("full")
    timeline.update(full)
    artists = _by_gid(timeline.ax)
    assert {gid: id(a) for gid, a in artists.items()} == bars_before  # same artists, moved
    assert artists["segment-7"].get_x() == pytest.approx((540 - 60) / 60)
    assert artists["total-label"].get_text().strip() == "total 9 min"
    assert timeline.png().startswith(b"\x89PNG")


def test_timeline_update_refuses_other_steps():
    routine = load_routine()
    timeline = Timeline(routine)
    shorter = routine.__class__(title="x", steps=routine.steps[:3])
    with pytest.raises(ValueError, match="same steps"):
        timeline.update(shorter)


def test_step_titles_are_not_parsed_as_math():
    routine = load_routine()
    from dataclasses import replace

    steps = list(routine.steps)
    steps[0] = replace(steps[0], title="$x^2$ dollars")
    ax = draw_timeline(replace(routine, steps=tuple(steps)), ax=_ax())
    label = ax.get_yticklabels()[0]
    assert label.get_text() == "1. $x^2$ dollars"
    ax.figure.canvas.draw()  # would fail or render math if parsed; must not raise
    assert not label._parse_math


def test_variants_totals():
    routine = load_routine()
    ax = draw_variants(routine, ax=_ax())
    artists = _by_gid(ax)
    assert artists["quick-total"].get_text().strip() == "4 min 30 s"
    assert artists["default-total"].get_text().strip() == "6 min 45 s"
    assert artists["full-total"].get_text().strip() == "9 min"
    assert "custom-total" not in artists


def test_variants_with_a_custom_routine_and_both_legs():
    routine = load_routine()
    custom = routine.with_durations({"prepare": 60})
    artists = _by_gid(draw_variants(routine, custom=custom, legs="both", ax=_ax()))
    switch = build_plan(routine, "both").total_seconds - 2 * routine.total_seconds
    assert artists["quick-total"].get_text().strip() == format_minutes(2 * 270 + switch)
    assert artists["custom-total"].get_text().strip() == format_minutes(
        2 * custom.total_seconds + switch
    )


def _record(segment, step_id, planned, actual, leg="right"):
    return StepRecord(segment, step_id, leg, planned, actual, 0.0, "completed", 0.0, actual)


def test_planned_vs_actual_adds_up_repeat_visits():
    history = [
        _record(0, "prepare", 90, 30),
        _record(0, "prepare", 90, 50),  # went back and did it again
        {"segment": 1, "step_id": "grasp-calf", "leg": "right", "planned_seconds": 45,
         "actual_seconds": 44},
    ]  # fmt: skip
    artists = _by_gid(draw_planned_vs_actual(history, ax=_ax()))
    assert artists["planned-0"].get_width() == 90
    assert artists["actual-0"].get_width() == 80
    assert artists["actual-1"].get_width() == 44


def test_planned_vs_actual_without_history_says_so():
    ax = draw_planned_vs_actual([], ax=_ax())
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "No steps timed yet" in texts
    # the picture shows in Voila too, where there is no cell to run again
    assert "cell" not in texts.lower()
