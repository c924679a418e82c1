"""The point explorer of lesson 3: pick a point, see it in every view that shows it, read its card.

The state is the ``code`` trait. Leg pictures are PNGs from :func:`tutorial.drawing.legs.leg_png`,
rendered once per (point, view, hanzi, size) and cached, so going back to a point costs
nothing and no figure is rebuilt while the learner clicks around. Pictures are shown at
their own pixel size (never scaled down), and in projector mode
(:func:`tutorial.widgets.style.projector`) they are drawn at least 600 px wide with every label at
least 18 px high. Each picture carries a text alternative naming its view and its points.
"""

from __future__ import annotations

import traceback
from functools import lru_cache

import ipywidgets as widgets
import traitlets

from ..content.i18n import N_, _, format_list, get_language
from ..content.loader import load_points, load_routine
from ..content.model import VIEWS
from .cards import point_card_html
from .picture import Picture
from .style import projector as projector_mode
from .style import use_page_style

__all__ = ["PICTURE_SIZES", "VIEW_TITLES", "PointExplorer", "picture_alt"]

#: How each view is captioned under its picture (English; shown through ``_()``).
VIEW_TITLES = {
    "anterior": N_("Front (anterior)"),
    "lateral": N_("Outer side (lateral)"),
    "posterior": N_("Back (posterior)"),
    "medial": N_("Inner side (medial)"),
}


#: Picture sizes (figure inches and dpi): on a laptop, and on a projector, where the
#: smallest label is 18 px and every picture at least 600 px wide (1920x1080 screen).
PICTURE_SIZES = {
    False: {"figsize": (3.2, 6.0), "dpi": 100},
    True: {"figsize": (3.2, 5.0), "dpi": 215},
}


def _leg_png(code: str, view: str, hanzi: bool, projector: bool = False) -> bytes:
    """The explorer's picture of ``code`` in ``view``, drawn once per language."""
    return _leg_png_in(code, view, hanzi, projector, get_language())


@lru_cache(maxsize=192)
def _leg_png_in(code: str, view: str, hanzi: bool, projector: bool, language: str) -> bytes:
    from ..drawing.legs import leg_png

    return leg_png(view, highlight=(code,), labels=True, hanzi=hanzi, **PICTURE_SIZES[projector])


def picture_alt(code: str, view: str) -> str:
    """The text alternative of an explorer picture: which view, which point, which others."""
    from ..content.geometry import visible_views

    points = load_points()
    others = [c for c in points if c != code and view in visible_views(c)]
    point = points[code]
    values = {"view": _(VIEW_TITLES[view]), "point": f"{code} {point.pinyin}"}
    if not others:
        return _(
            "{view} view of the right lower leg, knee at the top: {point} highlighted."
        ).format(**values)
    return _(
        "{view} view of the right lower leg, knee at the top: {point} highlighted; "
        "also marked: {others}."
    ).format(**values, others=format_list(f"{c} {points[c].pinyin}" for c in others))


def _views_of(code: str) -> tuple[str, ...]:
    from ..content.geometry import visible_views

    return tuple(v for v in VIEWS if v in visible_views(code))


class PointExplorer(widgets.VBox):
    """Pick a point; it is highlighted in every view of the leg that shows it, with its card.

    Parameters
    ----------
    code
        The point shown first; default the first point of the routine (BL40).
    codes
        The points to choose from; default the seven points of the built-in routine,
        in routine order.
    hanzi
        Label the pictures with Chinese characters too.
    projector
        Size pictures and text for a projector; default :func:`tutorial.widgets.style.projector`
        (``tutorial.set_projector(True)`` or ``make present``).
    """

    code = traitlets.Unicode()
    hanzi = traitlets.Bool(False)

    def __init__(
        self,
        code: str | None = None,
        *,
        codes: tuple[str, ...] | None = None,
        hanzi: bool = False,
        projector: bool | None = None,
        **kwargs,
    ) -> None:
        use_page_style()
        self.projector = projector_mode() if projector is None else bool(projector)
        points = load_points()
        self.codes = tuple(codes) if codes is not None else load_routine().point_codes
        unknown = [c for c in self.codes if c not in points]
        if unknown:
            raise KeyError(f"unknown point codes {unknown}; expected some of {', '.join(points)}")
        code = code if code is not None else self.codes[0]
        self._picker = widgets.ToggleButtons(
            options=[(f"{c} {points[c].pinyin} {points[c].hanzi}", c) for c in self.codes],
            value=code,
            style={"button_width": "auto"},
        )
        self._hanzi_box = widgets.Checkbox(value=hanzi, description=_("Hanzi on the pictures"))
        self._images: dict[str, Picture] = {}
        self._panes: dict[str, widgets.VBox] = {}
        for view in VIEWS:
            image = Picture()  # at its own size, with a text alternative
            self._images[view] = image
            title = widgets.Label(_(VIEW_TITLES[view]))
            title.add_class("calf-view-title")
            self._panes[view] = widgets.VBox(
                [image, title],
                layout=widgets.Layout(align_items="center", margin="0 6px 8px"),
            )
        self._card = widgets.HTML()
        self._errors = widgets.Output()
        super().__init__(
            children=[
                self._picker,
                self._hanzi_box,
                widgets.HBox(
                    list(self._panes.values()),
                    layout=widgets.Layout(flex_flow="row wrap"),  # i18n: ignore
                ),
                self._card,
                self._errors,
            ],
            **kwargs,
        )
        self.add_class("calf-widget")
        self.add_class("calf-explorer")
        widgets.link((self._picker, "value"), (self, "code"))
        widgets.link((self._hanzi_box, "value"), (self, "hanzi"))  # the link renders

    @property
    def shown_views(self) -> tuple[str, ...]:
        """The views whose pictures are showing now."""
        return tuple(v for v, pane in self._panes.items() if pane.layout.display != "none")

    @traitlets.validate("code")
    def _valid_code(self, proposal: dict) -> str:
        if proposal["value"] not in self.codes:
            raise traitlets.TraitError(
                _("pick one of {codes}").format(codes=format_list(self.codes, style="or"))
            )
        return proposal["value"]

    @traitlets.observe("code")
    def _on_code_change(self, change: dict) -> None:
        self._render()

    @traitlets.observe("hanzi")
    def _on_hanzi_change(self, change: dict) -> None:
        self._render()

    def _render(self) -> None:
        if not hasattr(self, "_card"):  # traits set before the view exists
            return
        try:
            views = _views_of(self.code)
            for view, pane in self._panes.items():
                if view in views:
                    image = self._images[view]
                    image.value = _leg_png(self.code, view, self.hanzi, self.projector)
                    image.alt = picture_alt(self.code, view)
                    pane.layout.display = ""
                else:
                    pane.layout.display = "none"
            self._card.value = point_card_html(self.code)
        except Exception:  # a widget callback must report, not vanish
            with self._errors:
                traceback.print_exc()
