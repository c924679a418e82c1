"""Text from files and people, shown exactly as given: never markup, never TeX.

ipywidgets' ``Label`` (and every ``description``) is typeset as TeX in JupyterLab, so a
step called ``$\\rule{200px}{200px}$`` draws a black box over the lesson, and ``HTML``
widgets run markup. :class:`PlainText` puts its value into the page with ``textContent``
only; use it wherever a routine title, a step name, a file name or an error message about
a file is shown.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["PlainText"]

_STATIC = Path(__file__).parent.parent / "static"


class PlainText(anywidget.AnyWidget):
    """A line of text shown literally (``textContent``), styled like an ipywidgets Label.

    Parameters
    ----------
    value
        The text. Newlines are kept; nothing is interpreted.
    """

    _esm = _STATIC / "text.js"
    _css = _STATIC / "text.css"

    value = traitlets.Unicode("").tag(sync=True)

    def __init__(self, value: str = "", **kwargs) -> None:
        super().__init__(value=value, **kwargs)
