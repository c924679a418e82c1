"""The page style every tutorial widget shares, and the projector switch.

:class:`PageStyle` is an invisible anywidget whose CSS the browser loads once per page:
the bundled CJK font served as ``@font-face`` (so hanzi render without a CJK system font),
the tutorial widgets' font stacks, the rule that hides JupyterLab-only instructions in
Voila, and, in projector mode, larger text. Tutorial widgets call :func:`use_page_style`
when they are made; lessons show :func:`page_style` in their first cell.

Projector mode is read in one place, :func:`projector`: ``set_projector(True)``, else the
environment variable ``CALF_TUTORIAL_PROJECTOR`` (``make present`` sets it to 1).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import anywidget
import traitlets

from ..content.loader import font_data_url
from ..store.files import FONT_URL_ENV

__all__ = [
    "CJK_FONT_FAMILY_CSS",
    "PROJECTOR_ENV",
    "PageStyle",
    "font_face_css",
    "hanzi_fonts",
    "page_style",
    "projector",
    "set_projector",
    "use_page_style",
]

#: Environment variable that turns projector mode on (``1``, ``true``, ``yes``, ``on``).
PROJECTOR_ENV = "CALF_TUTORIAL_PROJECTOR"
#: The CSS family name of the bundled CJK subset font.
CJK_FONT_FAMILY_CSS = "Tutorial CJK"

_STATIC = Path(__file__).parent.parent / "static"
_projector: bool | None = None  # set_projector's choice; None: the environment decides


def projector() -> bool:
    """Whether widgets are sized for a projector (1920x1080 seen from the back of a room)."""
    if _projector is not None:
        return _projector
    return os.environ.get(PROJECTOR_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def set_projector(on: bool | None = True) -> None:
    """Size widgets made from now on for a projector (``None``: follow the environment).

    The page's CSS follows at once; widgets already shown keep their picture sizes.
    """
    global _projector
    _projector = None if on is None else bool(on)
    style = _STYLE.get("widget")
    if style is not None:
        style.projector = projector()


# What a font URL from the presenting server may hold: a path and a query, nothing that
# could end the CSS string it goes into.
_SAFE_URL = re.compile(r"/[A-Za-z0-9/._~%=&+-]*(\?[A-Za-z0-9._~%=&+-]*)?")


def _font_url() -> str:
    """Where the page gets the bundled font: the presenting server's copy when it says so
    (``$CALF_TUTORIAL_FONT_URL``; 258 kB fetched once, and only by pages that show hanzi),
    else the font itself as a data URL (JupyterLab, plain Voila)."""
    served = os.environ.get(FONT_URL_ENV, "")
    if _SAFE_URL.fullmatch(served):
        return served
    return font_data_url()


def font_face_css(url: str) -> str:
    """The ``@font-face`` rule of the bundled font at ``url`` (``static/font-face.css``): the
    one rule the lessons' page style and the static site both use."""
    return (_STATIC / "font-face.css").read_text(encoding="utf-8").replace("__FONT_URL__", url)


@cache
def _font_css() -> str:
    return font_face_css(_font_url()) + (_STATIC / "page.css").read_text(encoding="utf-8")


def _css(on: bool) -> str:
    return _font_css() + ((_STATIC / "projector.css").read_text() if on else "")


class PageStyle(anywidget.AnyWidget):
    """Invisible; its CSS (fonts, JupyterLab-only text, projector sizes) styles the page."""

    _esm = "export default { render({ el }) { el.hidden = true; } };"
    projector = traitlets.Bool(False)

    def __init__(self, **kwargs) -> None:
        on = kwargs.pop("projector", projector())
        self._css = _css(on)  # anywidget makes the synced trait from this attribute
        super().__init__(projector=on, **kwargs)
        self.layout.display = "none"

    @traitlets.observe("projector")
    def _on_projector_change(self, change: dict) -> None:
        self._css = _css(change["new"])


_STYLE: dict[str, PageStyle] = {}


def use_page_style() -> PageStyle:
    """The kernel's one :class:`PageStyle`, made (and so sent to the page) on first use."""
    style = _STYLE.get("widget")
    if style is None or getattr(style, "comm", None) is None:
        style = _STYLE["widget"] = PageStyle()
    return style


def page_style() -> PageStyle:
    """Show this first in a lesson: it loads the tutorial's fonts and styles in the page."""
    return use_page_style()


@contextlib.contextmanager
def hanzi_fonts() -> Iterator[None]:
    """matplotlib text made inside (or by a function decorated with it) uses the course's
    font stack: Latin letters and pinyin from DejaVu Sans, hanzi from the bundled font.

    The widgets' charts carry words from the catalogs, which are Chinese in Chinese.
    """
    import matplotlib

    from ..drawing.legs import register_fonts

    with matplotlib.rc_context({"font.family": register_fonts()}):
        yield
