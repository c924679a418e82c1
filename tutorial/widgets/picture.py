"""Accessible small widgets: a picture with a text alternative, a labelled range input.

``ipywidgets.Image`` renders an ``<img>`` without ``alt`` (and breaks when given a tooltip),
so the tutorial's pictures use :class:`Picture`, a few lines of anywidget code.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["Picture", "RangeInput"]


class Picture(anywidget.AnyWidget):
    """PNG or SVG bytes shown as an ``<img>`` with ``alt`` text.

    Parameters
    ----------
    value
        The image's bytes.
    alt
        The text alternative: say what the picture shows (which view, which points).
    mime
        ``"image/png"`` or ``"image/svg+xml"``.
    width
        Display width in CSS pixels; 0 shows the picture at its own size (never wider than
        the space it has).
    """

    _esm = Path(__file__).parent.parent / "static" / "picture.js"

    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    mime = traitlets.Unicode("image/png").tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)


class RangeInput(anywidget.AnyWidget):
    """A labelled range input (native, keyboard- and screen-reader-friendly).

    ``value`` changes when the learner lets go of the handle (or presses an arrow key).
    """

    _esm = Path(__file__).parent.parent / "static" / "range.js"
    _css = Path(__file__).parent.parent / "static" / "range.css"

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("s").tag(sync=True)
