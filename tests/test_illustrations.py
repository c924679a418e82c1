"""Tests for tutorial.drawing.illustrations: the stretch diagrams and the side-by-side views."""

import pytest
from matplotlib.figure import Figure

from tutorial.drawing.illustrations import STRETCHES, draw_stretch, draw_views


@pytest.mark.parametrize("kind", sorted(STRETCHES))
def test_stretch_has_the_leg_the_arrow_and_the_cues(kind):
    ax = draw_stretch(kind, ax=Figure().add_subplot())
    gids = {a.get_gid() for a in ax.get_children()} | {p.get_gid() for p in ax.patches}
    assert {"cramping-leg", "cramping-foot", "stretch-arrow"} <= gids
    texts = " ".join(t.get_text() for t in ax.texts)
    assert ("Knee straight" if kind == "towel" else "Heel down") in texts
    assert ax.get_title() == STRETCHES[kind]


def test_towel_stretch_keeps_the_knee_straight():
    ax = draw_stretch("towel", ax=Figure().add_subplot())
    leg = next(a for a in ax.lines if a.get_gid() == "cramping-leg")
    assert len(set(leg.get_ydata())) == 1  # hip, knee and ankle on one line


def test_unknown_stretch():
    with pytest.raises(ValueError, match="towel"):
        draw_stretch("yoga", ax=Figure().add_subplot())


def test_views_default_to_those_showing_the_highlight():
    fig = draw_views(["KI3"])
    titles = [
        next(p.get_label() for p in ax.patches if p.get_gid() == "orientation:title")
        for ax in fig.axes
    ]
    assert [title.split("\n")[0] for title in titles] == [
        "Right leg · back view · knee at the top",
        "Right leg · inner side · knee at the top",
    ]
    assert len(draw_views().axes) == 4
