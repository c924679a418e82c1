"""The course as a static site: lessons executed at build time, widgets running in the page.

``make site`` (``python -m tutorial.site``) writes ``site/``: a folder of HTML, CSS, JS and
pictures that opens from any static web host or straight from disk, with no network and no
kernel. :func:`build_site` builds it; :func:`timer_html` makes the one-file timer page behind
:meth:`tutorial.StepTimer.save_html`.
"""

from __future__ import annotations

from .build import BuildReport, build_site
from .single import timer_html

__all__ = ["BuildReport", "build_site", "timer_html"]
