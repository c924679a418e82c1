"""Accessible small widgets and pictures drawn once: a picture with a text alternative, a
labelled range input, and the lessons' fixed figures as cached PNGs.

``ipywidgets.Image`` renders an ``<img>`` without ``alt`` (and breaks when given a tooltip),
so the tutorial's pictures use :class:`Picture`, a few lines of anywidget code.

:func:`routine_overview` and :func:`planned_vs_actual` show the same pictures as
``draw_routine_overview()`` and ``draw_planned_vs_actual()`` in a cell (a PNG output, as
matplotlib's inline backend gives), but drawn once and kept in the shared picture cache
(:mod:`tutorial.store.pictures`): a kernel that only shows them never imports matplotlib.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..content.i18n import _
from ..content.loader import load_routine
from ..content.model import Routine
from ..store.pictures import cached_png
from .frontend import catalog_trait, esm

__all__ = ["Picture", "PngOutput", "RangeInput", "planned_vs_actual", "routine_overview"]


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

    _esm = esm("range.js")
    _css = Path(__file__).parent.parent / "static" / "range.css"
    #: The readout's number format and word order in the course's language.
    i18n = catalog_trait("range.js")

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("s").tag(sync=True)


class PngOutput:
    """A PNG shown as a cell's output (``image/png``), with its words as the text form.

    The notebook shows the picture exactly as a matplotlib figure's inline output (same
    MIME type, same size); ``text/plain`` says what it shows, for anything that cannot
    show pictures. ``png`` holds the bytes.
    """

    def __init__(self, png: bytes, alt: str) -> None:
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.alt


def _inline_png(fig: Any) -> bytes:
    """A figure as matplotlib's inline backend shows it (tight box, its own dpi)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        bbox_inches="tight",
        facecolor=fig.get_facecolor(),
        edgecolor=fig.get_edgecolor(),
        dpi=fig.dpi,
    )
    return buffer.getvalue()


def routine_overview(
    routine: Routine | None = None, *, side: str = "right", hanzi: bool = False
) -> PngOutput:
    """The routine's four-view overview as a cell shows it, drawn once and cached.

    The picture of :func:`tutorial.draw_routine_overview` (same arguments), kept in the
    picture cache by routine, side, hanzi and language: the first call draws it (with
    matplotlib), later calls in any kernel read the PNG.
    """
    routine = routine if routine is not None else load_routine()

    def render() -> bytes:
        from ..drawing.legs import draw_routine_overview

        return _inline_png(draw_routine_overview(routine, side=side, hanzi=hanzi))

    png = cached_png("overview", (routine, side, bool(hanzi)), render)
    views = _("front, outer side, back, inner side")
    leg = _("right lower leg") if side == "right" else _("left lower leg")
    alt = _("The routine's points in four views of the {leg}: {views}").format(leg=leg, views=views)
    return PngOutput(png, alt)


_HISTORY_FIELDS = ("segment", "step_id", "leg", "planned_seconds", "actual_seconds")


def _history_rows(history: Iterable[Any]) -> tuple[tuple[Any, ...], ...]:
    """The fields the chart uses of each record (objects or mappings), as plain tuples."""
    return tuple(
        tuple(r[f] if isinstance(r, Mapping) else getattr(r, f) for f in _HISTORY_FIELDS)
        for r in history
    )


def planned_vs_actual(history: Iterable[Any], routine: Routine | None = None) -> PngOutput:
    """Planned against actual seconds per step, as a cell shows it, drawn once per history.

    The picture of :func:`tutorial.draw_planned_vs_actual` on a figure of pyplot's default
    size (what lesson 4 showed), cached by the history, the routine and the language: the
    empty chart before a session is read from the cache, never drawn in a new kernel.
    """
    routine = routine if routine is not None else load_routine()
    rows = _history_rows(history)

    def render() -> bytes:
        from matplotlib.figure import Figure

        from ..drawing.charts import draw_planned_vs_actual

        fig = Figure(figsize=(6.4, 4.8), dpi=100)  # pyplot's default figure
        records = [dict(zip(_HISTORY_FIELDS, row, strict=True)) for row in rows]
        draw_planned_vs_actual(records, routine, ax=fig.add_subplot())
        return _inline_png(fig)

    png = cached_png("planned-vs-actual", (routine, rows), render)
    if rows:
        alt = _("Planned against actual seconds for each step of the last session")
    else:
        alt = _("No steps timed yet.")
    return PngOutput(png, alt)
