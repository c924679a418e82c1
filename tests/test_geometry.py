"""Tests for tutorial.content.geometry: where each point and landmark shows in each view."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial import load_landmarks, load_points
from tutorial.content import geometry
from tutorial.content.model import VIEWS

POINTS = load_points()


@pytest.mark.parametrize("code", list(POINTS))
def test_visible_views_match_the_data(code):
    assert set(geometry.visible_views(code)) == set(POINTS[code].views)
    assert geometry.visible_views(POINTS[code]) == geometry.visible_views(code)


@pytest.mark.parametrize("code", list(POINTS))
def test_project_is_none_exactly_outside_the_points_views(code):
    for view in VIEWS:
        xy = geometry.project(code, view)
        assert (xy is not None) == (view in POINTS[code].views), view


@pytest.mark.parametrize("code", list(POINTS))
def test_projected_y_is_minus_y_cun_and_inside_the_outline(code):
    point = POINTS[code]
    for view in point.views:
        x, y = geometry.project(code, view)
        assert y == -point.y_cun
        left, right = geometry.edges(view, y)
        assert left <= x <= right


@pytest.mark.parametrize("code", list(POINTS))
def test_left_leg_is_the_mirror_image(code):
    for view in POINTS[code].views:
        x_right, y_right = geometry.project(code, view, side="right")
        x_left, y_left = geometry.project(code, view, side="left")
        assert x_left == pytest.approx(-x_right)
        assert y_left == y_right
    outline_right = geometry.outline("lateral")
    outline_left = geometry.outline("lateral", side="left")
    np.testing.assert_allclose(outline_left[:, 0], -outline_right[:, 0])


def test_anatomical_orientation_of_views():
    # Anterior view of a right leg: the lateral side (ST36) is on the viewer's left.
    assert geometry.project("ST36", "anterior")[0] < 0
    # Lateral view: the front (ST36) is on the right, the back (BL60) on the left.
    assert geometry.project("ST36", "lateral")[0] > 0
    assert geometry.project("BL60", "lateral")[0] < 0
    # Posterior view: lateral (BL60) right of the midline (BL40, BL57), medial (KI3) left.
    assert geometry.project("BL40", "posterior")[0] == pytest.approx(0.0)
    assert geometry.project("BL57", "posterior")[0] == pytest.approx(0.0)
    assert geometry.project("BL60", "posterior")[0] > 0 > geometry.project("KI3", "posterior")[0]
    # Medial view: the back (KI3) is on the right.
    assert geometry.project("KI3", "medial")[0] > 0


def test_st36_and_st38_are_about_one_cun_lateral_of_the_tibial_crest():
    crest = next(f for f in geometry.features("anterior") if f.id == "tibial-crest")
    for code in ("ST36", "ST38"):
        x, y = geometry.project(code, "anterior")
        crest_x = np.interp(y, crest.path[::-1, 1], crest.path[::-1, 0])
        assert 0.6 < crest_x - x < 1.6, code


def test_ankle_points_lie_between_malleolus_and_achilles_tendon():
    for code, view, malleolus in (
        ("BL60", "lateral", "lateral-malleolus"),
        ("KI3", "medial", "medial-malleolus"),
    ):
        x, _ = geometry.project(code, view)
        bone = next(f for f in geometry.features(view) if f.id == malleolus)
        tendon = next(f for f in geometry.features(view) if f.landmark == "achilles-tendon")
        tendon_x = tendon.path[:, 0].mean()
        bone_x = bone.center[0]
        assert min(bone_x, tendon_x) < x < max(bone_x, tendon_x), code


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["BL60", "KI3"], "posterior"),
        ([], "posterior"),
        (["BL40"], "posterior"),
        (["BL57"], "posterior"),
        ("ST36", "anterior"),
        (["ST35", "ST36", "ST38"], "anterior"),
        (["GB34"], "lateral"),
        (["BL60"], "lateral"),
        (["KI3"], "medial"),
    ],
)
def test_best_view(codes, expected):
    assert geometry.best_view(codes) == expected
    codes = [codes] if isinstance(codes, str) else codes
    for code in codes:
        assert geometry.project(code, expected) is not None


def test_best_view_raises_when_no_view_shows_all():
    with pytest.raises(ValueError, match="no single view"):
        geometry.best_view(["BL40", "ST36"])


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown view"):
        geometry.project("BL40", "top")
    with pytest.raises(ValueError, match="unknown side"):
        geometry.project("BL40", "posterior", side="middle")
    with pytest.raises(KeyError, match="XX1"):
        geometry.project("XX1", "posterior")


@settings(max_examples=60, deadline=None)
@given(
    around=st.floats(-180, 180),
    y=st.floats(-16, 0),
    view=st.sampled_from(VIEWS),
)
def test_project_skin_follows_the_visibility_rule(around, y, view):
    phi = geometry.VIEW_ANGLES[view]
    delta = (around - phi + 180) % 360 - 180
    x = geometry.project_skin(y, around, view)
    if abs(delta) >= 80 or math.isclose(abs(delta), 80):
        assert x is None or math.isclose(abs(delta), 80, abs_tol=1e-9)
        return
    left, right = geometry.edges(view, y)
    assert left - 1e-9 <= x <= right + 1e-9
    assert geometry.project_skin(y, around, view, side="left") == pytest.approx(-x)


def test_every_landmark_is_drawn_in_exactly_its_views():
    landmarks = load_landmarks()
    for view in VIEWS:
        drawn = {f.landmark for f in geometry.features(view) if f.landmark}
        expected = {lid for lid, mark in landmarks.items() if view in mark.views}
        assert drawn == expected, view


def test_leg_spans_knee_to_sole():
    sole, top = geometry.leg_extent()
    assert sole <= -18.0 < -16.0 < 0.0 < top
    for view in VIEWS:
        ys = geometry.outline(view)[:, 1]
        assert sole - 1e-9 <= ys.min() <= -17.9  # the sole; the toes seen from the front
        assert ys.max() == pytest.approx(top)


def test_geometry_is_pure():
    code = "import sys, tutorial.content.geometry; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
