"""Pictures people can orient by (issue 9, item 5): every leg picture, in every size the
course draws it, names the leg, the sides at its edges and where the knee is; multi-view
figures share one scale; every step's picture highlights its target."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tutorial import load_routine
from tutorial.content.model import VIEWS
from tutorial.drawing import illustrations
from tutorial.drawing import legs as drawing

EDGES = {  # (left edge, right edge) of a RIGHT leg's picture
    "anterior": ("outer side", "inner side"),
    "lateral": ("back (calf)", "front (shin)"),
    "posterior": ("inner side", "outer side"),
    "medial": ("front (shin)", "back (calf)"),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def orientation_artists(ax):
    """The orientation words: drawn as glyph outlines whose label is the text."""
    return [a for a in ax.patches if (a.get_gid() or "").startswith("orientation:")]


def words(ax) -> dict[str, str]:
    return {a.get_gid().split(":", 1)[1]: a.get_label() for a in orientation_artists(ax)}


def check_oriented(ax, view: str, side: str) -> None:
    found = words(ax)
    assert set(found) == {"title", "left", "right"}, found
    title = found["title"]
    assert title.startswith(f"{side.capitalize()} leg")
    assert "knee at the top" in title
    if view == "anterior":
        assert "as someone facing you sees your shin" in title
    left, right = EDGES[view] if side == "right" else EDGES[view][::-1]
    assert left in found["left"]
    assert found["left"].startswith("←")
    assert right in found["right"]
    assert found["right"].endswith("→")
    for artist in orientation_artists(ax):
        assert drawing.path_text_size(artist) >= 8


def leg_axes(fig):
    return [ax for ax in fig.axes if words(ax)]


def view_of(ax) -> str:
    title = words(ax)["title"]
    return next(v for v, name in NAMES.items() if f"· {name} ·" in title)


NAMES = {"anterior": "front view", "lateral": "outer side", "posterior": "back view"}
NAMES["medial"] = "inner side"


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("view", VIEWS)
def test_every_single_view_is_oriented(view, side):
    for size in ((3.2, 6.0), (6.0, 10.0)):  # explorer, quiz and timer size; a big one
        fig = Figure(figsize=size)
        ax = drawing.draw_leg(view, side=side, labels=False, ax=fig.add_axes((0, 0, 1, 1)))
        check_oriented(ax, view, side)
        FigureCanvasAgg(fig).draw()
        box = fig.bbox.padded(1)
        for artist in [*ax.texts, *orientation_artists(ax)]:  # the words are in the picture
            extent = artist.get_window_extent()
            assert box.x0 <= extent.x0
            assert extent.x1 <= box.x1
            assert box.y0 <= extent.y0
            assert extent.y1 <= box.y1


def test_the_front_view_draws_the_foot():
    ax = drawing.draw_leg("anterior", ax=Figure().add_subplot())
    assert any(line.get_gid() == "leg:toes" for line in ax.lines)
    outline = drawing.geometry.outline("anterior")
    below_ankle = outline[outline[:, 1] < -17.0]
    assert np.ptp(below_ankle[:, 0]) > np.ptp(drawing.geometry.edges("anterior", -14.0))


def _cun_lengths(ax) -> tuple[float, float]:
    """Pixels per cun along x and y, read from the artists' transform."""
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, -16.0)])
    return abs(x1 - x0), abs(y1 - y0) / 16


def _one_scale(fig) -> None:
    FigureCanvasAgg(fig).draw()
    axes = leg_axes(fig)
    assert len(axes) >= 2
    lengths = [_cun_lengths(ax) for ax in axes]
    for x_len, y_len in lengths:
        assert x_len == pytest.approx(y_len, rel=1e-3)  # equal aspect
        assert x_len == pytest.approx(lengths[0][0], rel=1e-3)  # the same cun in every panel


def test_draw_views_shares_one_scale_and_is_oriented():
    fig = illustrations.draw_views(cun_scale=True)
    _one_scale(fig)
    for ax in leg_axes(fig):
        check_oriented(ax, view_of(ax), "right")
    _one_scale(illustrations.draw_views(["KI3"]))


@pytest.mark.parametrize("side", ["right", "left"])
def test_overview_shares_one_scale_and_is_oriented(side):
    fig = drawing.draw_routine_overview(side=side)
    _one_scale(fig)
    axes = leg_axes(fig)
    assert [view_of(ax) for ax in axes] == list(VIEWS)
    for ax in axes:
        check_oriented(ax, view_of(ax), side)


def test_the_quiz_and_the_explorer_pictures_are_oriented():
    from tutorial.widgets.quiz import _ViewPicture

    picture = _ViewPicture("lateral", side="left", figsize=(3.2, 6.0), dpi=100)
    check_oriented(picture.ax, "lateral", "left")
    # The explorer shows leg_png, which draws with draw_leg on a bare figure.
    assert drawing.leg_png("anterior", highlight=["ST36"]).startswith(b"\x89PNG")


@pytest.mark.parametrize("side", ["right", "left"])
def test_every_step_picture_highlights_its_target(side):
    routine = load_routine()
    for step in routine.steps:
        fig = Figure(figsize=(3.2, 6.0))
        ax = drawing.draw_step(step, side=side, ax=fig.add_axes((0, 0, 1, 1)))
        gids = {a.get_gid() for a in [*ax.lines, *ax.patches, *ax.artists, *ax.texts]}
        if step.points:
            check_oriented(ax, view_of(ax), side)
            big = drawing.POINT_STYLES["highlight"]["markersize"]
            for code in step.points:
                (marker,) = [line for line in ax.lines if line.get_gid() == code]
                assert marker.get_markersize() == big
        elif step.id == "grasp-calf":
            check_oriented(ax, "posterior", side)
            assert f"area-highlight:{step.id}" in gids
            assert f"area-label:{step.id}" in gids
        else:
            assert step.id == "prepare"
            assert "posture" in gids


def test_the_timer_shows_a_different_picture_for_steps_1_and_2():
    from tutorial import StepTimer

    timer = StepTimer(legs="both", first_leg="left")
    try:
        embedded = timer.embed_pictures()
        steps = [s for s in timer.segments if s["kind"] == "step"]
        pictures = [s["picture"] for s in steps]
        assert all(embedded[p] for p in pictures)
        assert len({embedded[p] for p in pictures[:3]}) == 3
        first_leg = steps[:8]
        assert all(s["leg"] == "left" for s in first_leg)
    finally:
        timer.close()


def test_lesson_4_says_how_to_do_the_left_leg():
    cells = json.loads(
        (Path(__file__).parents[1] / "notebooks" / "04_guided_routine.ipynb").read_text("utf-8")
    )["cells"]
    text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "left leg" in text.lower()
    assert 'first_leg="left"' in text
    assert "mirror" in text.lower()


def test_the_readme_figure_is_the_oriented_overview():
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert "docs/overview.png" in readme
    assert "make_figures.py" in readme
