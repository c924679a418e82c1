"""Tests for tutorial.explorer: the point explorer's views, card and caching."""

import pytest
import traitlets

from tutorial import explorer
from tutorial.explorer import PointExplorer
from tutorial.geometry import visible_views


def test_starts_on_the_first_routine_point_in_its_views():
    ex = PointExplorer()
    assert ex.code == "BL40"
    assert set(ex.shown_views) == set(visible_views("BL40"))
    assert "委中" in ex._card.value


@pytest.mark.parametrize("code", ["GB34", "KI3", "BL60", "ST38"])
def test_picking_a_point_shows_it_in_every_view_that_shows_it(code):
    ex = PointExplorer()
    ex._picker.value = code  # as if clicked
    assert ex.code == code
    assert set(ex.shown_views) == set(visible_views(code))
    for view in ex.shown_views:
        assert bytes(ex._images[view].value).startswith(b"\x89PNG")
    assert code in ex._card.value


def test_pictures_are_cached(monkeypatch):
    explorer._leg_png.cache_clear()
    ex = PointExplorer()
    ex.code = "KI3"
    misses = explorer._leg_png.cache_info().misses
    ex.code = "BL40"
    ex.code = "KI3"
    assert explorer._leg_png.cache_info().misses == misses


def test_hanzi_switch_changes_the_pictures():
    ex = PointExplorer("ST36")
    plain = ex._images["anterior"].value
    ex._hanzi_box.value = True
    assert ex.hanzi is True
    assert ex._images["anterior"].value != plain


def test_only_offered_points_can_be_picked():
    ex = PointExplorer(codes=("BL40", "BL57"))
    with pytest.raises(traitlets.TraitError):
        ex.code = "ST36"
    with pytest.raises(KeyError):
        PointExplorer(codes=("XX9",))
