"""Tests for tutorial.widgets.explorer: the point explorer's views, card and caching."""

import pytest
import traitlets

from tutorial.content.geometry import visible_views
from tutorial.widgets import explorer
from tutorial.widgets.explorer import PointExplorer


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
    explorer._leg_png_in.cache_clear()
    ex = PointExplorer()
    ex.code = "KI3"
    misses = explorer._leg_png_in.cache_info().misses
    ex.code = "BL40"
    ex.code = "KI3"
    assert explorer._leg_png_in.cache_info().misses == misses


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


@pytest.mark.parametrize("view", ["anterior", "lateral", "posterior", "medial"])
def test_projector_pictures_are_600_px_wide_with_18_px_labels(view):
    """Issue 11 item 7: on a projector every label is at least 18 px, pictures >= 600 px."""
    import io

    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from PIL import Image

    from tutorial.drawing.legs import draw_leg
    from tutorial.widgets.explorer import PICTURE_SIZES, _leg_png

    size = PICTURE_SIZES[True]
    fig = Figure(figsize=size["figsize"], dpi=size["dpi"])
    draw_leg(view, highlight=("ST36",), hanzi=True, ax=fig.add_axes((0.02, 0.02, 0.96, 0.92)))
    texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
    assert texts
    assert min(t.get_fontsize() for t in texts) * size["dpi"] / 72 >= 18
    width, _ = Image.open(io.BytesIO(_leg_png("ST36", view, True, True))).size
    assert width >= 600


def test_projector_switch_reaches_the_explorer():
    from tutorial.widgets.style import set_projector

    set_projector(True)
    try:
        ex = PointExplorer("ST36")
    finally:
        set_projector(None)
    assert ex.projector
    assert not PointExplorer("ST36", projector=False).projector


def test_pictures_say_which_view_and_which_points():
    ex = PointExplorer("BL40")
    alt = ex._images["posterior"].alt
    assert alt.startswith("Back (posterior) view of the right lower leg")
    assert "BL40 Wěizhōng highlighted" in alt
    assert "BL57" in alt
