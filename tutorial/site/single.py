"""One self-contained HTML file for a step timer: ``StepTimer(...).save_html("timer.html")``.

The file holds everything inline (``timer.js`` unchanged, its CSS, the site's runtime, the
step pictures as data URLs and the bundled hanzi font), so a trainer can put it on a phone
or a USB stick and open it with no network, no server and no Python.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.i18n import _, html_lang
from ..content.loader import routine_to_dict
from ..store.files import atomic_write_text
from . import export

if TYPE_CHECKING:
    from ..widgets.timer import StepTimer

__all__ = ["save_timer_html", "timer_html"]

_STATIC = Path(__file__).parent / "static"
_PACKAGE_STATIC = Path(__file__).parent.parent / "static"


def _script(text: str) -> str:
    return "<script>\n" + text.replace("</script", "<\\/script") + "\n</script>"


def _description(timer: StepTimer) -> dict[str, Any]:
    switch = [seg.planned_seconds for seg in timer.plan if seg.kind == "switch"]
    return {
        "routine": routine_to_dict(timer.routine),
        "legs": timer.plan.legs,
        "first_leg": timer.plan[0].leg,
        "presentation": timer.presentation,
        "sound": bool(timer.sound),
        "speech": bool(timer.speech),
        "switch_seconds": switch[0] if switch else None,
        "pictures": bool(timer._with_pictures),
        "variant": timer.variant,
    }


def timer_html(timer: StepTimer, *, title: str | None = None) -> str:
    """The one-file page of ``timer``: its routine, legs and options, every variant inline."""
    from .build import i18n_js, site_css, timer_module_js

    config = {"kind": "timer", **export.timer_configs(_description(timer), None)}
    page_title = title or timer.routine.title
    data = json.dumps(config, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    css = (_PACKAGE_STATIC / "timer.css").read_text(encoding="utf-8") + "\n" + site_css()
    scripts = "\n".join(
        _script(text)
        for text in (
            "window.CCT_DATA = {};",
            i18n_js(),
            (_STATIC / "rules.js").read_text(encoding="utf-8"),
            (_STATIC / "store.js").read_text(encoding="utf-8"),
            timer_module_js(),
            (_STATIC / "site.js").read_text(encoding="utf-8"),
        )
    )
    e = html.escape
    heading = e(page_title)
    tab_title = e(_("{title} · step timer").format(title=page_title))
    safety_label = e(_("Safety first"))
    safety_first = e(_("Safety first:"))
    safety = e(
        _(
            "in a cramp, stretch first (knee straight, toes towards the shin). No massage on a "
            "swollen, warm, red or tender calf; get help at once for breathlessness or chest "
            "pain."
        )
    )
    note = e(
        _(
            "Press Start (or the space bar). The timer keeps time in this page, with no "
            "network; finished sessions are kept in this browser."
        )
    )
    return f"""<!doctype html>
<html lang="{html_lang()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{tab_title}</title>
<style>
{css}
</style>
</head>
<body class="single-timer">
<main id="main">
<h1>{heading}</h1>
<aside class="safety-strip" aria-label="{safety_label}"><p><strong>{safety_first}</strong>
{safety}</p></aside>
<div class="cs-widget cs-widget-timer" data-widget="timer" data-config="cs-config-1"></div>
<p class="note">{note}</p>
</main>
<script type="application/json" id="cs-config-1">{data}</script>
{scripts}
</body>
</html>
"""  # i18n: ignore


def save_timer_html(timer: StepTimer, path: str | Path, *, title: str | None = None) -> Path:
    """Write :func:`timer_html` to ``path`` atomically; returns the path."""
    return atomic_write_text(path, timer_html(timer, title=title))
