"""Tests for tutorial.drawing.legs: assert on artists (gids, positions, colours), not pixels."""

from __future__ import annotations

import itertools
import subprocess
import sys
import warnings
from importlib import resources

import matplotlib
import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from tutorial import load_landmarks, load_points, load_routine
from tutorial.content import geometry
from tutorial.content.model import VIEWS
from tutorial.drawing import legs as drawing

POINTS = load_points()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def new_ax(figsize=(4, 7)):
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig.add_axes((0.05, 0.05, 0.9, 0.88))


def markers(ax) -> dict[str, Line2D]:
    return {line.get_gid(): line for line in ax.lines if line.get_gid() in POINTS}


def texts(ax, prefix: str) -> dict[str, Text]:
    return {
        t.get_gid().split(":", 1)[1]: t
        for t in ax.texts
        if t.get_gid() and t.get_gid().startswith(prefix)
    }


def title(ax) -> str:
    """The orientation title a leg picture carries (which leg, which view, knee at top)."""
    (text,) = [p.get_label() for p in ax.patches if p.get_gid() == "orientation:title"]
    return text


def gids(ax) -> set[str]:
    artists = itertools.chain(ax.lines, ax.patches, ax.collections, ax.texts)
    return {a.get_gid() for a in artists if a.get_gid()}


@pytest.mark.parametrize("view", VIEWS)
def test_every_point_is_drawn_in_exactly_its_views(view):
    ax = drawing.draw_leg(view, ax=new_ax())
    expected = {code for code, p in POINTS.items() if view in p.views}
    assert set(markers(ax)) == expected
    assert set(texts(ax, "label:")) == expected


@pytest.mark.parametrize("view", VIEWS)
def test_markers_sit_at_the_data_positions(view):
    ax = drawing.draw_leg(view, ax=new_ax())
    for code, line in markers(ax).items():
        (x, y), *_ = line.get_xydata()
        assert y == pytest.approx(-POINTS[code].y_cun, abs=0.05)
        assert (x, y) == pytest.approx(geometry.project(code, view))


@pytest.mark.parametrize("view", VIEWS)
def test_left_leg_mirrors_the_right(view):
    right = markers(drawing.draw_leg(view, ax=new_ax()))
    left_ax = drawing.draw_leg(view, side="left", ax=new_ax())
    left = markers(left_ax)
    assert set(left) == set(right)
    for code in right:
        (xr, yr), (xl, yl) = right[code].get_xydata()[0], left[code].get_xydata()[0]
        assert xl == pytest.approx(-xr)
        assert yl == yr
    assert title(left_ax) == drawing.orientation_words(view, side="left")["title"]
    assert title(left_ax).startswith("Left leg")


def test_highlight_changes_colour_size_and_edge():
    ax = drawing.draw_leg("posterior", highlight=["BL60"], ax=new_ax())
    lines = markers(ax)
    hot, cold = lines["BL60"], lines["BL57"]
    assert to_rgba(hot.get_markerfacecolor()) != to_rgba(cold.get_markerfacecolor())
    assert hot.get_markersize() > cold.get_markersize()
    assert hot.get_markeredgewidth() > cold.get_markeredgewidth()
    assert to_rgba(hot.get_markeredgecolor()) != to_rgba(cold.get_markeredgecolor())
    # Without a highlight every point has the normal look, and a string works as one code.
    plain = markers(drawing.draw_leg("posterior", ax=new_ax()))
    assert len({to_rgba(line.get_markerfacecolor()) for line in plain.values()}) == 1
    single = markers(drawing.draw_leg("posterior", highlight="BL60", ax=new_ax()))
    assert single["BL60"].get_markersize() == hot.get_markersize()


def test_unknown_highlight_code_is_an_error():
    with pytest.raises(KeyError, match="XX9"):
        drawing.draw_leg("posterior", highlight=["XX9"], ax=new_ax())


def test_labels_show_code_and_pinyin_and_optionally_hanzi():
    ax = drawing.draw_leg("lateral", ax=new_ax())
    for code, text in texts(ax, "label:").items():
        assert text.get_text() == f"{code} {POINTS[code].pinyin}"
    ax = drawing.draw_leg("lateral", hanzi=True, ax=new_ax())
    for code, text in texts(ax, "label:").items():
        assert text.get_text() == f"{code} {POINTS[code].pinyin} {POINTS[code].hanzi}"
        assert POINTS[code].hanzi in text.get_text()


def test_labels_false_draws_no_labels():
    ax = drawing.draw_leg("anterior", labels=False, ax=new_ax())
    assert not texts(ax, "label:")
    assert "leaders" not in gids(ax)
    assert markers(ax)


@pytest.mark.parametrize("view", VIEWS)
def test_labels_do_not_overlap_and_stay_inside_the_axes(view):
    ax = drawing.draw_leg(view, hanzi=True, cun_scale=True, ax=new_ax((3.2, 6.0)))
    renderer = ax.figure.canvas.get_renderer()
    ax.figure.draw(renderer)
    boxes = [t.get_window_extent(renderer) for t in texts(ax, "label:").values()]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    inside = ax.get_window_extent(renderer).padded(1)
    for box in boxes:
        assert inside.x0 <= box.x0
        assert box.x1 <= inside.x1


def test_points_argument_limits_the_markers():
    ax = drawing.draw_leg("posterior", points=["BL40", "ST36"], ax=new_ax())
    assert set(markers(ax)) == {"BL40"}  # ST36 is not seen from behind


def test_kwargs_go_to_the_markers():
    ax = drawing.draw_leg("posterior", marker="s", markersize=3, ax=new_ax())
    for line in markers(ax).values():
        assert line.get_marker() == "s"
        assert line.get_markersize() == 3


def test_cun_scale_ruler_spans_zero_to_minus_sixteen():
    assert "cun-scale" not in gids(drawing.draw_leg("lateral", ax=new_ax()))
    ax = drawing.draw_leg("lateral", cun_scale=True, ax=new_ax())
    (ruler,) = [c for c in ax.collections if c.get_gid() == "cun-scale"]
    assert isinstance(ruler, LineCollection)
    ys = sorted({round(float(y), 6) for seg in ruler.get_segments() for y in seg[:, 1]})
    assert ys == [float(-tick) for tick in range(16, -1, -1)]
    left, right = ax.get_xlim()
    assert all(left <= x <= right for seg in ruler.get_segments() for x in seg[:, 0])


@pytest.mark.parametrize("view", VIEWS)
def test_landmarks_carry_gids_in_their_views(view):
    ax = drawing.draw_leg(view, ax=new_ax())
    drawn = {g.split(":", 1)[1] for g in gids(ax) if g.startswith("landmark:")}
    assert drawn == {lid for lid, m in load_landmarks().items() if view in m.views}
    assert "leg:outline" in gids(ax)
    bare = drawing.draw_leg(view, landmarks=False, ax=new_ax())
    assert not any(g.startswith("landmark:") for g in gids(bare))


def test_axes_are_in_cun_with_equal_aspect_and_a_title():
    ax = drawing.draw_leg("posterior", ax=new_ax())
    assert ax.get_aspect() == 1.0
    bottom, top = ax.get_ylim()
    assert bottom < -18
    assert top > 0
    assert title(ax).startswith("Right leg · back view · knee at the top")


def test_ax_none_falls_back_to_gca():
    fig = plt.figure()
    ax = drawing.draw_leg("medial")
    assert ax is plt.gca()
    assert ax.figure is fig


def test_bad_view_is_an_error():
    with pytest.raises(ValueError, match="unknown view"):
        drawing.draw_leg("top", ax=new_ax())


def test_leg_png_returns_png_and_leaves_pyplot_alone():
    before = plt.get_fignums()
    data = drawing.leg_png("posterior", highlight=["BL40"], hanzi=True, cun_scale=True)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert plt.get_fignums() == before


def test_overview_numbers_every_routine_point_by_step():
    before = plt.get_fignums()
    routine = load_routine()
    fig = drawing.draw_routine_overview(routine)
    assert plt.get_fignums() == before
    leg_axes = [ax for ax in fig.axes if markers(ax)]
    assert len(leg_axes) == 4
    assert [title(ax) for ax in leg_axes] == [drawing.orientation_words(v)["title"] for v in VIEWS]
    step_of = {}
    for index, step in enumerate(routine.steps, start=1):
        for code in step.points:
            step_of[code] = str(index)
    assert step_of["BL60"] == step_of["KI3"] == "8"
    for ax, view in zip(leg_axes, VIEWS, strict=True):
        expected = {code for code in step_of if view in POINTS[code].views}
        assert set(markers(ax)) == expected
        numbers = {
            p.get_gid().split(":", 1)[1]: p.get_label()
            for p in ax.patches
            if (p.get_gid() or "").startswith("number:")
        }
        assert {code: text for code, text in numbers.items()} == {
            code: step_of[code] for code in expected
        }
    key = "\n".join(t.get_text() for t in fig.texts)
    for step in routine.steps:
        assert step.title in key
    for code in step_of:
        assert f"{code} {POINTS[code].pinyin} {POINTS[code].hanzi}" in key


def test_overview_marks_area_steps_with_a_numbered_bracket():
    fig = drawing.draw_routine_overview()
    posterior = [ax for ax in fig.axes if markers(ax)][2]
    assert "area:grasp-calf" in gids(posterior)
    (number,) = [p for p in posterior.patches if p.get_gid() == "area-number:grasp-calf"]
    assert number.get_label() == "2"
    FigureCanvasAgg(fig).draw()
    assert posterior.bbox.x0 < number.get_window_extent().x0
    assert number.get_window_extent().x1 < posterior.bbox.x1


def test_overview_draws_into_a_given_figure_and_mirrors():
    fig = Figure()
    assert drawing.draw_routine_overview(side="left", fig=fig) is fig
    leg_axes = [ax for ax in fig.axes if markers(ax)]
    assert title(leg_axes[2]).startswith("Left leg · back view")
    (x, _), *_ = markers(leg_axes[2])["BL60"].get_xydata()
    assert x < 0


def test_hanzi_render_without_missing_glyph_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for view in VIEWS:
            ax = drawing.draw_leg(view, hanzi=True, ax=new_ax())
            ax.figure.canvas.draw()
        fig = drawing.draw_routine_overview(hanzi=True)
        FigureCanvasAgg(fig).draw()


def test_every_hanzi_in_the_data_is_in_the_bundled_font():
    font_dir = resources.files("tutorial").joinpath("fonts")
    font_files = sorted(f.name for f in font_dir.iterdir() if f.name.endswith(".ttf"))
    assert font_files == ["TutorialCJKSubset-Bold.ttf", "TutorialCJKSubset-Regular.ttf"]
    cmaps = [set(TTFont(str(font_dir.joinpath(name))).getBestCmap()) for name in font_files]
    cmap = set.intersection(*cmaps)  # every hanzi in both faces
    data_dir = resources.files("tutorial").joinpath("data")
    chars = {
        c
        for f in data_dir.iterdir()
        if f.name.endswith(".toml")
        for c in f.read_text(encoding="utf-8")
        if ord(c) >= 0x2E80
    }
    assert chars, "expected some hanzi in the data"
    missing = sorted(c for c in chars if ord(c) not in cmap)
    assert not missing, f"run scripts/make_font_subset.py; missing {''.join(missing)}"
    license_text = font_dir.joinpath("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in license_text


def test_no_rcparams_or_pyplot_changes_and_lazy_font_registration():
    code = """
import sys
import matplotlib
from matplotlib import font_manager

def settings():  # reading rcParams["backend"] would import pyplot, so leave it out
    return {k: v for k, v in matplotlib.rcParams.copy().items() if k != "backend"}

before = settings()
import tutorial.drawing.legs as d
names = {f.name for f in font_manager.fontManager.ttflist}
assert "Tutorial CJK Subset" not in names, "font registered at import"
d.leg_png("posterior", hanzi=True, cun_scale=True)
d.draw_routine_overview()
assert "matplotlib.pyplot" not in sys.modules
assert settings() == before
assert "Tutorial CJK Subset" in {f.name for f in font_manager.fontManager.ttflist}
assert d.CJK_FONT_FAMILY[-1] == "Tutorial CJK Subset"
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    assert matplotlib.get_backend()  # the parent process is untouched


def test_markers_can_be_picked_by_a_click():
    ax = drawing.draw_leg("posterior", ax=new_ax())
    fig = ax.figure
    fig.canvas.draw()
    picked = []
    fig.canvas.mpl_connect("pick_event", lambda event: picked.append(event.artist.get_gid()))
    x, y = ax.transData.transform(geometry.project("BL57", "posterior"))
    fig.pick(MouseEvent("button_press_event", fig.canvas, x, y, button=1))
    assert picked == ["BL57"]
