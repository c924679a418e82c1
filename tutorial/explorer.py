"""The point explorer of lesson 3: pick a point, see it in every view that shows it, read its card.

The state is the ``code`` trait. Leg pictures are PNGs from :func:`tutorial.drawing.leg_png`,
rendered once per (point, view, hanzi) and cached, so going back to a point costs nothing
and no figure is rebuilt while the learner clicks around.
"""

from __future__ import annotations

import traceback
from functools import lru_cache

import ipywidgets as widgets
import traitlets

from .cards import point_card_html
from .content import load_points, load_routine
from .model import VIEWS

__all__ = ["VIEW_TITLES", "PointExplorer"]

#: How each view is captioned under its picture.
VIEW_TITLES = {
    "anterior": "Front (anterior)",
    "lateral": "Outer side (lateral)",
    "posterior": "Back (posterior)",
    "medial": "Inner side (medial)",
}


@lru_cache(maxsize=96)
def _leg_png(code: str, view: str, hanzi: bool) -> bytes:
    from .drawing import leg_png

    return leg_png(view, highlight=(code,), labels=True, hanzi=hanzi)


def _views_of(code: str) -> tuple[str, ...]:
    from .geometry import visible_views

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
    """

    code = traitlets.Unicode()
    hanzi = traitlets.Bool(False)

    def __init__(
        self,
        code: str | None = None,
        *,
        codes: tuple[str, ...] | None = None,
        hanzi: bool = False,
        **kwargs,
    ) -> None:
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
        self._hanzi_box = widgets.Checkbox(value=hanzi, description="Hanzi on the pictures")
        self._images: dict[str, widgets.Image] = {}
        self._panes: dict[str, widgets.VBox] = {}
        for view in VIEWS:
            image = widgets.Image(format="png", layout=widgets.Layout(width="230px"))
            self._images[view] = image
            self._panes[view] = widgets.VBox(
                [image, widgets.Label(VIEW_TITLES[view])],
                layout=widgets.Layout(align_items="center", margin="0 6px"),
            )
        self._card = widgets.HTML()
        self._errors = widgets.Output()
        super().__init__(
            children=[
                self._picker,
                self._hanzi_box,
                widgets.HBox(list(self._panes.values())),
                self._card,
                self._errors,
            ],
            **kwargs,
        )
        widgets.link((self._picker, "value"), (self, "code"))
        widgets.link((self._hanzi_box, "value"), (self, "hanzi"))  # the link renders

    @property
    def shown_views(self) -> tuple[str, ...]:
        """The views whose pictures are showing now."""
        return tuple(v for v, pane in self._panes.items() if pane.layout.display != "none")

    @traitlets.validate("code")
    def _valid_code(self, proposal: dict) -> str:
        if proposal["value"] not in self.codes:
            raise traitlets.TraitError(f"pick one of {', '.join(self.codes)}")
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
                    self._images[view].value = _leg_png(self.code, view, self.hanzi)
                    pane.layout.display = ""
                else:
                    pane.layout.display = "none"
            self._card.value = point_card_html(self.code)
        except Exception:  # a widget callback must report, not vanish
            with self._errors:
                traceback.print_exc()
