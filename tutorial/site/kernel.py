"""Run inside a lesson's kernel at the end of a site build: describe every live widget.

The site build executes the lessons unchanged, then runs :func:`print_widgets` in the same
kernel. It prints one JSON object, model id -> description, that says what each displayed
widget is (its class) and the state the page needs to show it without a kernel: the value
of a plain ``HTML`` widget, the routine and options of a :class:`~tutorial.StepTimer`,
the question kinds of a quiz, and so on.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

__all__ = ["MARKER", "describe", "print_widgets"]

#: Starts the line that carries the JSON, so other output of the cell cannot be mistaken.
MARKER = "CALF-SITE-WIDGETS "


def _loaded(module: str, name: str) -> type | None:
    mod = sys.modules.get(f"tutorial.{module}")
    return getattr(mod, name, None) if mod is not None else None


def describe(widget: Any) -> dict[str, Any]:
    """What the site needs to know about ``widget`` (plain JSON data)."""
    import ipywidgets as widgets

    cls = type(widget)
    out: dict[str, Any] = {"class": cls.__name__, "module": cls.__module__}
    timer = _loaded("widgets.timer", "StepTimer")
    quiz = _loaded("widgets.quiz", "PointQuiz")
    explorer = _loaded("widgets.explorer", "PointExplorer")
    calculator = _loaded("widgets.calculator", "CunCalculator")
    photo = _loaded("widgets.photo", "PhotoOverlay")
    if timer is not None and isinstance(widget, timer):
        from tutorial.content.loader import routine_to_dict

        switch = [seg.planned_seconds for seg in widget.plan if seg.kind == "switch"]
        out.update(
            kind="timer",
            routine=routine_to_dict(widget.routine),
            legs=widget.plan.legs,
            first_leg=widget.plan[0].leg,
            presentation=widget.presentation,
            sound=bool(widget.sound),
            speech=bool(widget.speech),
            switch_seconds=switch[0] if switch else None,
            pictures=bool(widget._with_pictures),
            variant=widget.variant,
        )
    elif quiz is not None and isinstance(widget, quiz):
        session = widget.session
        out.update(
            kind="practice",
            kinds=list(session.kinds),
            codes=list(session.codes),
            side=session.side,
            title_html=widget._title.value,
        )
    elif explorer is not None and isinstance(widget, explorer):
        out.update(kind="explorer", codes=list(widget.codes), code=widget.code)
    elif calculator is not None and isinstance(widget, calculator):
        out.update(kind="calculator", length_cm=float(widget.length_cm))
    elif photo is not None and isinstance(widget, photo):
        # a VBox: described before the boxes, so the page mounts the browser's own overlay
        out.update(kind="photo", view=widget.view, side=widget.side)
    elif isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
        out.update(kind="text", value=widget.value)
    elif isinstance(widget, widgets.Image):
        value = widget.value if isinstance(widget.value, bytes) else b""
        out.update(
            kind="image",
            format=widget.format,
            data=base64.b64encode(value).decode("ascii"),
            width=widget.layout.width,
        )
    elif isinstance(widget, widgets.Box):
        out.update(
            kind="box",
            children=[child.model_id for child in widget.children],
            direction="row" if isinstance(widget, widgets.HBox) else "column",
        )
    return out


def print_widgets() -> None:
    """Print :data:`MARKER` and a JSON object describing every live widget of this kernel."""
    import ipywidgets as widgets
    from ipywidgets.widgets.widget import _instances

    found = {
        model_id: describe(w)
        for model_id, w in list(_instances.items())
        if isinstance(w, widgets.DOMWidget)
    }
    print(MARKER + json.dumps(found, ensure_ascii=False))
