"""Tests for tutorial.content.photofit: landmark clicks on a photo -> leg frame -> points in cun.

The "photos" are the course's own drawing (tutorial.drawing.photoimage.demo_leg_photo) turned,
scaled, stretched and mirrored by known amounts, so where each point is drawn is known
exactly; the overlay must put every point within 0.3 cun of it, with clicks a little off.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from PIL import Image

from tutorial import RoutineError
from tutorial.content.geometry import features
from tutorial.content.loader import read_data_toml
from tutorial.content.model import VIEWS
from tutorial.content.photofit import (
    fit_frame,
    load_photo_settings,
    orientation_words,
    overlay,
    photo_template,
    place_points,
    ruler,
    score_photo_click,
)
from tutorial.drawing.legs import POINT_STYLES
from tutorial.drawing.photoimage import demo_leg_photo

TOLERANCE_CUN = 0.3
TRANSFORMS = [  # (rotate_deg, scale, width_factor)
    (0.0, 1.0, 1.0),
    (23.0, 0.7, 1.0),
    (-65.0, 1.25, 1.3),
    (90.0, 0.9, 0.8),
]


def _jitter(landmarks: dict, px: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        k: (u + rng.uniform(-px, px), v + rng.uniform(-px, px)) for k, (u, v) in landmarks.items()
    }


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("rotate", "scale", "width"), TRANSFORMS)
def test_every_point_lands_within_0_3_cun_of_the_drawing(view, side, rotate, scale, width):
    demo = demo_leg_photo(view, side=side, rotate_deg=rotate, scale=scale, width_factor=width)
    template = photo_template(view, side)
    # clicks off by up to 2 px (about 0.1 cun at this size), as a careful learner's are
    clicks = _jitter(demo.landmarks, 2.0, seed=hash((view, side, rotate)) % 1000)
    frame = fit_frame(template, clicks, demo.size)
    assert frame is not None
    assert frame.width_fitted
    assert frame.k == pytest.approx(width, rel=0.06)
    assert frame.cun_px == pytest.approx(demo.cun_px, rel=0.03)
    placed = {p.code: (p.u, p.v) for p in place_points(frame, template)}
    assert set(placed) == set(demo.points)
    assert placed
    for code, where in placed.items():
        error = math.dist(where, demo.points[code]) / demo.cun_px
        assert error < TOLERANCE_CUN, (code, error)


@pytest.mark.parametrize("view", VIEWS)
def test_the_demo_truth_is_where_the_drawing_has_its_markers(view):
    """The stand-in photo's point places are on the drawn markers (course blue)."""
    demo = demo_leg_photo(view, rotate_deg=30.0, scale=0.9)
    pixels = np.asarray(Image.open(io.BytesIO(demo.png)).convert("RGB")).astype(int)
    blue = np.array(
        [int(POINT_STYLES["normal"]["markerfacecolor"][i : i + 2], 16) for i in (1, 3, 5)]
    )
    for code, (u, v) in demo.points.items():
        patch = pixels[int(v) - 2 : int(v) + 3, int(u) - 2 : int(u) + 3].reshape(-1, 3)
        assert np.abs(patch - blue).sum(axis=1).min() < 60, code


def test_the_inner_ankle_bone_level_comes_from_the_data():
    leg = read_data_toml("leg.toml")
    medial = next(f for f in leg["features"] if f["id"] == "medial-malleolus")
    lateral = next(f for f in leg["features"] if f["id"] == "lateral-malleolus")
    assert photo_template("medial").ankle[1] == pytest.approx(medial["y"])
    assert photo_template("lateral").ankle[1] == pytest.approx(lateral["y"])
    assert medial["y"] > lateral["y"]  # the inner one sits higher
    # the click is the drawn bone's centre, seen from that side
    centre = next(f.center for f in features("medial") if f.landmark == "medial-malleolus")
    assert photo_template("medial").ankle == pytest.approx(centre)


def test_the_knee_spot_of_the_front_view_is_st35():
    from tutorial.content.geometry import project

    assert photo_template("anterior").knee == pytest.approx(project("ST35", "anterior"))
    assert photo_template("posterior", "left").knee == pytest.approx(
        project("BL40", "posterior", side="left")
    )


def test_the_left_leg_template_is_the_mirror_of_the_right():
    right, left = photo_template("lateral", "right"), photo_template("lateral", "left")
    assert left.knee == pytest.approx((-right.knee[0], right.knee[1]))
    assert left.edge_a_sign == -right.edge_a_sign
    assert [c for c, _x, _y in right.points] == [c for c, _x, _y in left.points]
    mirrored = [(-x, y) for _c, x, y in right.points]
    assert np.allclose(mirrored, [(x, y) for _c, x, y in left.points])


def test_knee_and_ankle_alone_give_marks_with_the_drawn_width():
    demo = demo_leg_photo("lateral")
    clicks = {k: demo.landmarks[k] for k in ("knee", "ankle")}
    frame = fit_frame(photo_template("lateral"), clicks, demo.size)
    assert frame is not None
    assert not frame.width_fitted
    assert frame.k == 1.0
    result = overlay("lateral", "right", clicks, demo.size)
    assert result["status"] == "pending"
    assert len(result["points"]) == len(demo.points)
    assert overlay("lateral", "right", {"knee": clicks["knee"]}, demo.size)["points"] == []


def test_ruler_runs_from_the_knee_line_to_16_cun():
    demo = demo_leg_photo("posterior", rotate_deg=10)
    template = photo_template("posterior")
    frame = fit_frame(template, demo.landmarks, demo.size)
    ticks = ruler(frame, template)
    assert [n for n, _u, _v in ticks] == list(range(17))
    length = math.dist(ticks[0][1:], ticks[-1][1:])
    assert length / frame.cun_px == pytest.approx(16.0)


@pytest.mark.parametrize(("rotate", "words"), [(0, "top"), (90, "left"), (-90, "right")])
def test_orientation_words_say_where_the_knee_is(rotate, words):
    demo = demo_leg_photo("lateral", rotate_deg=rotate, scale=0.7)
    frame = fit_frame(photo_template("lateral"), demo.landmarks, demo.size)
    assert orientation_words(frame) == words


def test_a_practice_click_is_scored_in_cun_of_this_leg():
    demo = demo_leg_photo("anterior", scale=1.1)
    template = photo_template("anterior")
    frame = fit_frame(template, demo.landmarks, demo.size)
    u, v = demo.points["ST36"]
    distance, true = score_photo_click(frame, template, "ST36", u, v + 2 * demo.cun_px)
    assert distance == pytest.approx(2.0, abs=0.02)
    assert true == pytest.approx(demo.points["ST36"], abs=0.5)
    with pytest.raises(ValueError, match="BL57"):
        score_photo_click(frame, template, "BL57", u, v)


# -- clicks that make no sense ------------------------------------------------------------


def _refused(view: str, clicks: dict, size=(900, 1400)) -> RoutineError:
    with pytest.raises(RoutineError) as info:
        fit_frame(photo_template(view), clicks, size)
    assert info.value.reason in str(info.value)
    assert "your photo" in str(info.value)
    return info.value


@pytest.fixture(scope="module")
def lateral():
    return demo_leg_photo("lateral").landmarks


def test_knee_and_ankle_on_one_spot_are_refused(lateral):
    error = _refused("lateral", {"knee": lateral["knee"], "ankle": lateral["knee"]})
    assert error.key == "axis_short"
    assert "0 pixels apart" in error.reason


def test_an_ankle_above_the_knee_is_refused(lateral):
    ku, kv = lateral["knee"]
    error = _refused("lateral", {"knee": (ku, kv), "ankle": (ku + 400, kv - 200)})
    assert error.key == "ankle_above"
    assert "above the knee" in error.reason


def test_swapped_knee_and_ankle_are_refused(lateral):
    error = _refused("lateral", {"knee": lateral["ankle"], "ankle": lateral["knee"]})
    assert error.key == "swapped"
    assert "Swap knee and ankle" in error.reason


def test_edges_on_one_spot_or_one_side_are_refused(lateral):
    base = {"knee": lateral["knee"], "ankle": lateral["ankle"]}
    assert (
        _refused("lateral", {**base, "edge_a": lateral["edge_a"], "edge_b": lateral["edge_a"]}).key
        == "edges_same"
    )
    u, v = lateral["edge_a"]
    assert (
        _refused("lateral", {**base, "edge_a": (u, v), "edge_b": (u + 30, v + 5)}).key
        == "edges_one_side"
    )


def test_edges_swapped_or_a_mirrored_photo_are_refused(lateral):
    clicks = {**lateral, "edge_a": lateral["edge_b"], "edge_b": lateral["edge_a"]}
    error = _refused("lateral", clicks)
    assert error.key == "edges_wrong_side"
    assert "mirrored" in error.reason
    assert error.reason.startswith(
        "For a right leg seen from the outer side, the front edge of the leg (the shin side) "
        "should be on the other side."
    )
    # the same clicks are right for the left leg seen from the outer side
    assert fit_frame(photo_template("lateral", "left"), clicks, (900, 1400)) is not None


def test_the_wrong_side_message_names_the_leg_and_edge_in_the_readers_language(lateral, chinese):
    """Every word of the message is Chinese: the leg (右/左), the view and the edge's name
    without where to click it (the text before the full-width comma)."""
    clicks = {**lateral, "edge_a": lateral["edge_b"], "edge_b": lateral["edge_a"]}
    with pytest.raises(RoutineError) as info:
        fit_frame(photo_template("lateral"), clicks, (900, 1400))
    error = info.value
    assert "你的照片" in str(error)
    assert error.reason.startswith("对于从外侧看到的右腿，小腿前缘（胫骨一侧）应该在另一侧。")
    assert not re.search("[A-Za-z]", error.reason.split("（自拍")[0])


def test_edges_above_the_knee_or_below_the_ankle_are_refused(lateral):
    du = np.subtract(lateral["ankle"], lateral["knee"])
    up = {k: tuple(np.subtract(lateral[k], du * 0.5)) for k in ("edge_a", "edge_b")}
    error = _refused("lateral", {**lateral, **up})
    assert error.key == "edges_above"
    assert "above the knee crease" in error.reason
    down = {k: tuple(np.add(lateral[k], du * 1.0)) for k in ("edge_a", "edge_b")}
    assert "below the ankle" in _refused("lateral", {**lateral, **down}).reason


def test_an_impossible_width_is_refused(lateral):
    ea, eb = np.array(lateral["edge_a"]), np.array(lateral["edge_b"])
    middle = (ea + eb) / 2
    wide = {
        "edge_a": tuple(middle + (ea - middle) * 3),
        "edge_b": tuple(middle + (eb - middle) * 3),
    }
    error = _refused("lateral", {**lateral, **wide}, size=(2000, 2000))
    assert error.key == "width"
    assert "times as wide" in error.reason


def test_non_numbers_are_refused(lateral):
    with pytest.raises(RoutineError, match="finite"):
        fit_frame(photo_template("lateral"), {**lateral, "knee": (math.nan, 3)}, (900, 1400))


def test_overlay_reports_a_refusal_as_data(lateral):
    result = overlay(
        "lateral", "right", {"knee": lateral["ankle"], "ankle": lateral["knee"]}, (900, 1400)
    )
    assert result["status"] == "error"
    assert result["key"] == "swapped"
    assert result["field"] == "ankle"
    assert result["points"] == []


def test_every_message_and_view_text_is_in_the_data():
    settings = load_photo_settings()
    assert set(settings["views"]) == set(VIEWS)
    for view in VIEWS:
        for name in ("knee_text", "ankle_text", "edge_a_text", "edge_b_text", "name"):
            assert settings["views"][view][name]
    for key in ("privacy", "framing", "formats"):
        assert settings["text"][key]
    assert "never to a website" in settings["text"]["privacy"]
    assert "by touch" in settings["text"]["framing"]


def test_the_geometry_imports_neither_matplotlib_nor_pillow_nor_widgets():
    import subprocess
    import sys

    code = (
        "import sys, tutorial.content.photofit as p; p.photo_template('medial', 'left'); "
        "print(sorted(m for m in ('matplotlib', 'PIL', 'ipywidgets') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
