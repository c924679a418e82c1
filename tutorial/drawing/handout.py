"""A printable A4 handout of the routine, made with one call: :func:`make_handout`.

In this order: the safety pages (A4 portrait: the first-aid stretch, every red flag with
its explanation and what to do, who needs extra care, how to sit and the posture caution,
pregnancy, the traditional notice; nothing shortened), the map (A4 landscape: the four
views of the leg at full size, drawn as vectors, with one line per point saying where to
find it), then the steps with their timings, hands, techniques, traditional effects and
cautions (as many pages as the routine needs).

Every text is at least :data:`MIN_FONT_SIZE` points on paper. Text from a routine file
is wrapped by its measured width (a word too long for a line is broken), flows onto the
next page when a page is full, and is shown inert: bidirectional-override and other
invisible control characters are replaced by a visible ``[U+202E]`` marker, with a note.
The PDF is written atomically (:func:`tutorial.store.files.atomic_write_bytes`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch
from matplotlib.textpath import text_to_path

from ..content.loader import load_points, load_routine, load_safety, load_techniques
from ..content.model import Routine, Step
from ..store.files import atomic_write_bytes
from .charts import format_minutes

__all__ = ["A4_FIGSIZE", "A4_LANDSCAPE", "MIN_FONT_SIZE", "handout_figures", "make_handout"]

A4_FIGSIZE = (8.27, 11.69)
A4_LANDSCAPE = (11.69, 8.27)
MIN_FONT_SIZE = 8.0  # points: the smallest text on the handout, readable on paper
MARGIN = 0.55  # inches (matplotlib measures figures in inches), all round
INK = "#111111"
RED = "#a4161a"
GREY = "#444444"
_LINE = 1.25  # line height as a multiple of the font size
_SPARE = 1.02  # measured widths plus 2 %: kerning and rounding never push text off the line

# Invisible characters that change how text is shown (bidirectional overrides, isolates and
# marks) and other control characters: shown as a visible, inert marker instead.
_INVISIBLE = re.compile(
    "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f\u007f-\u009f]"
)
_INERT_NOTE = (
    "Note: this routine's text held invisible text-direction or control characters; "
    "they are shown as [U+...] markers and have no effect."
)


def inert(text: str) -> tuple[str, bool]:
    """``text`` with invisible direction and control characters made visible and inert.

    Returns the cleaned text and whether anything was replaced. Tabs become spaces;
    line breaks are kept.

    Examples
    --------
    >>> inert("abc\u202edef")
    ('abc[U+202E]def', True)
    """
    text = unicodedata.normalize("NFC", text.replace("\t", " "))
    cleaned = _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return cleaned, cleaned != text


# -- measuring and wrapping -----------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


@cache
def _char_em(char: str, bold: bool) -> float:
    """Advance width of one character as a fraction of the font size."""
    from .legs import CJK_FONT_FAMILY

    family = list(CJK_FONT_FAMILY) if _is_cjk(char) else ["DejaVu Sans"]
    prop = FontProperties(family=family, size=100, weight="bold" if bold else "normal")
    width = text_to_path.get_text_width_height_descent(char, prop, ismath=False)[0]
    return max(width, 0.0) / 100


def text_width_in(text: str, size: float, *, bold: bool = False) -> float:
    """Width of one line of text in inches at ``size`` points (with a little to spare)."""
    return sum(_char_em(c, bold) for c in text) * size / 72 * _SPARE


def wrap(text: str, width_in: float, size: float, *, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width_in`` inches at ``size`` points.

    Words are kept whole where they fit; a word wider than the line is broken between
    characters. Line breaks in ``text`` start new lines. No character is dropped except
    the spaces at which lines break.
    """
    limit = width_in * 72 / size / _SPARE  # in em

    def em(word: str) -> float:
        return sum(_char_em(c, bold) for c in word)

    space = _char_em(" ", bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            width = em(word)
            if not line and used == 0.0 and width <= limit:
                line, used = word, width
                continue
            if line and used + space + width <= limit:
                line, used = f"{line} {word}", used + space + width
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            for char in word:  # a word too long for one line is broken where it must be
                char_em = _char_em(char, bold)
                if line and used + char_em > limit:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + char_em
        lines.append(line)
    return lines


# -- pages ----------------------------------------------------------------------------------


class _Writer:
    """Writes wrapped lines down A4 portrait pages, starting a new page when one is full."""

    def __init__(self, family: list[str], heading: str = ""):
        self.family = family
        self.heading = heading
        self.figures: list[Figure] = []
        self.y = 0.0
        self._new_page()

    @property
    def width(self) -> float:
        return A4_FIGSIZE[0] - 2 * MARGIN

    def _new_page(self) -> None:
        self.fig = Figure(figsize=A4_FIGSIZE)
        self.figures.append(self.fig)
        self.y = MARGIN
        if self.heading and len(self.figures) > 1:
            self.write(f"{self.heading} (continued)", 10, bold=True, color=GREY, gap=0.06)

    def room(self) -> float:
        return A4_FIGSIZE[1] - MARGIN - self.y

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` inches still fit on this one."""
        if height > self.room() and self.y > MARGIN + 0.3:
            self._new_page()

    def lines(self, text: str, size: float, *, indent: float = 0.0, bold: bool = False):
        return wrap(text, self.width - indent, size, bold=bold)

    def height(self, text: str, size: float, *, indent: float = 0.0, bold: bool = False):
        return len(self.lines(text, size, indent=indent, bold=bold)) * size * _LINE / 72

    def write(
        self,
        text: str,
        size: float = 10.0,
        *,
        indent: float = 0.0,
        bold: bool = False,
        color: str = INK,
        gap: float = 0.0,
        gid: str | None = None,
    ) -> None:
        size = max(size, MIN_FONT_SIZE)
        step = size * _LINE / 72
        lines = self.lines(text, size, indent=indent, bold=bold)
        if len(lines) * step <= A4_FIGSIZE[1] - 2 * MARGIN:
            self.need(len(lines) * step)  # keep a short paragraph on one page
        for line in lines:
            if step > self.room():
                self._new_page()
            self.y += step
            self.fig.text(
                (MARGIN + indent) / A4_FIGSIZE[0],
                1 - self.y / A4_FIGSIZE[1],
                line,
                fontsize=size,
                color=color,
                fontweight="bold" if bold else "normal",
                # The CJK family only where hanzi are: it has no bold face to fall back on.
                fontfamily=self.family if any(map(_is_cjk, line)) else None,
                parse_math=False,
                va="baseline",
                gid=gid,
            )
        self.y += gap


def _family() -> list[str]:
    from .legs import CJK_FONT_FAMILY

    return list(CJK_FONT_FAMILY)


def _safety_pages(family: list[str]) -> list[Figure]:
    """Safety first, complete: stretch, every red flag in full, extra care, posture."""
    safety = load_safety()
    page = _Writer(family, heading=safety.reminder["title"])
    page.write(safety.first_aid_title, 16, bold=True, gap=0.05)
    for number, text in enumerate(safety.first_aid_steps, start=1):
        page.write(f"{number}. {text}", 10.5, indent=0.15)
    page.y += 0.12
    page.write("Do not massage; get medical help if:", 14, bold=True, color=RED, gap=0.04)
    for flag in safety.red_flags:
        colour = RED if flag.urgent else INK
        page.write(f"• {flag.title}.", 10.5, indent=0.15, bold=True, color=colour)
        page.write(f"{flag.detail} {flag.action}", 9.5, indent=0.3, gap=0.03)
    page.y += 0.1
    page.write(safety.reminder["care"], 14, bold=True, gap=0.04)
    for caution in safety.cautions:
        page.write(f"• {caution.title}: {caution.action}", 9.5, indent=0.15, gap=0.02)
    page.write(f"• {safety.reminder['pregnancy_title']}: {safety.pregnancy}", 9.5, indent=0.15)
    page.y += 0.1
    posture = safety.posture
    hip = next(c for c in safety.cautions if c.id == posture["caution"])
    page.write(posture["title"], 14, bold=True, gap=0.04)
    page.write(posture["crossed"], 9.5, indent=0.15)
    page.write(posture["alternative"], 9.5, indent=0.15, bold=True)
    page.write(f"{hip.title}: {hip.action}", 9.5, indent=0.15, color=RED, gap=0.1)
    page.write(safety.traditional_notice, 9, color=GREY)
    for fig in page.figures:
        fig.patches.append(
            FancyBboxPatch(
                (MARGIN * 0.6 / A4_FIGSIZE[0], MARGIN * 0.6 / A4_FIGSIZE[1]),
                1 - 1.2 * MARGIN / A4_FIGSIZE[0],
                1 - 1.2 * MARGIN / A4_FIGSIZE[1],
                boxstyle="round,pad=0,rounding_size=0.01",
                transform=fig.transFigure,
                facecolor="#fff4d6",
                edgecolor="#b26a00",
                linewidth=2.5,
                zorder=-1,
                gid="safety-box",
            )
        )
    return page.figures


def _point_lines(routine: Routine, title: str) -> list[tuple[str, str]]:
    """One ``(head, where)`` per point of the routine: which steps, and where to find it."""
    points = load_points()
    out = []
    for code in routine.point_codes:
        if code not in points:
            continue
        point = points[code]
        steps = [str(i) for i, step in enumerate(routine.steps, start=1) if code in step.points]
        head = f"{code} {point.pinyin} {point.hanzi} ({title} {', '.join(steps)}):"
        out.append((head, point.location))
    return out


def _map_page(routine: Routine, title: str, family: list[str]) -> list[Figure]:
    """The four views at full size (A4 landscape), then one line per point."""
    from .legs import OVERVIEW_NOTE, draw_routine_overview

    fig = Figure(figsize=A4_LANDSCAPE)
    width = A4_LANDSCAPE[0] - 2 * MARGIN
    heading = wrap(f"{title}: where to press (right leg)", width, 14, bold=True)
    y = MARGIN * 0.7
    for line in heading:
        y += 14 * _LINE / 72
        fig.text(
            MARGIN / A4_LANDSCAPE[0],
            1 - y / A4_LANDSCAPE[1],
            line,
            fontsize=14,
            fontweight="bold",
            fontfamily=family if any(map(_is_cjk, line)) else None,
            parse_math=False,
            va="baseline",
        )
    y += 10 * _LINE / 72
    fig.text(
        MARGIN / A4_LANDSCAPE[0], 1 - y / A4_LANDSCAPE[1], OVERVIEW_NOTE, fontsize=10, color=GREY
    )
    lines = _point_lines(routine, "step")
    rows = sum(len(wrap(f"{h} {w}", width, 9)) for h, w in lines)
    where_height = rows * 9 * _LINE / 72
    top = 1 - (y + 0.1) / A4_LANDSCAPE[1]
    bottom = (where_height + MARGIN + 0.3) / A4_LANDSCAPE[1]
    draw_routine_overview(
        routine, hanzi=True, fig=fig, key=False, title=False, band=(bottom, top - bottom)
    )
    y = A4_LANDSCAPE[1] - MARGIN - where_height
    for head, where in lines:
        text = f"{head} {where}"
        for line in wrap(text, width, 9):
            y += 9 * _LINE / 72
            fig.text(
                MARGIN / A4_LANDSCAPE[0],
                1 - y / A4_LANDSCAPE[1],
                line,
                fontsize=9,
                fontfamily=family if any(map(_is_cjk, line)) else None,
                parse_math=False,
                va="baseline",
                gid="where",
            )
    return [fig]


def _step_lines(number: int, step: Step, points) -> list[tuple[str, float, dict]]:
    timing = (
        f"{format_minutes(step.min_seconds)} to {format_minutes(step.max_seconds)} "
        f"(planned {format_minutes(step.default_seconds)})"
    )
    lines: list[tuple[str, float, dict]] = [
        (f"{number}. {step.title}   ·   {timing}", 11, {"bold": True})
    ]
    names = [f"{c} {points[c].pinyin} {points[c].hanzi}" for c in step.points if c in points]
    where = [f"Points: {', '.join(names)}"] if names else []
    hand = [f"Hand: {step.hand}"] if step.hand else []
    lines.append(("   ·   ".join([f"Technique: {step.technique}", *where, *hand]), 9, {}))
    lines.append((step.instructions, 9, {}))
    if step.effect:
        lines.append((f"Traditional effect: {step.effect}", 8.5, {"color": GREY}))
    if step.caution:
        lines.append((f"Caution: {step.caution}", 9, {"color": RED, "bold": True}))
    return lines


def _technique_lines(routine: Routine) -> list[str]:
    techniques = load_techniques()
    out = []
    for name in dict.fromkeys(step.technique for step in routine.steps):
        tech = techniques.get(name)
        if tech and tech.get("how") and tech.get("picture") != "posture":
            chinese = f" ({tech['chinese']})" if tech.get("chinese") else ""
            out.append(f"{name}{chinese}: {tech['how']}")
    return out


def _steps_pages(routine: Routine, family: list[str], replaced: bool) -> list[Figure]:
    points = load_points()
    page = _Writer(family, heading=routine.title)
    lo, hi = format_minutes(routine.min_total_seconds), format_minutes(routine.max_total_seconds)
    page.write(routine.title, 16, bold=True)
    page.write(
        f"The steps, one leg: {lo} to {hi} (as planned here: "
        f"{format_minutes(routine.total_seconds)}). Repeat on the other leg if both cramp: "
        "the same steps with the hands mirrored.",
        10,
        gap=0.02,
    )
    if replaced:
        page.write(_INERT_NOTE, 9, color=RED, gap=0.04)
    for text in (routine.description, routine.notes):
        if text:
            page.write(text, 9.5, color=GREY)
    safety = load_safety()
    page.write(
        f"{safety.posture['crossed']} {safety.posture['alternative']}", 9.5, color=GREY, gap=0.1
    )
    for number, step in enumerate(routine.steps, start=1):
        block = _step_lines(number, step, points)
        needed = sum(
            page.height(t, size, indent=0.2, bold=kw.get("bold", False)) for t, size, kw in block
        )
        if needed <= A4_FIGSIZE[1] - 2 * MARGIN:
            page.need(needed + 0.05)  # keep a step on one page when it fits on one
        for i, (text, size, style) in enumerate(block):
            page.write(text, size, indent=0.0 if i == 0 else 0.2, **style)
        page.y += 0.06
    glossary = _technique_lines(routine)
    if glossary:
        page.need(0.6)
        page.write("The techniques", 10, bold=True)
        for text in glossary:
            page.write(text, 8.5, color=GREY)
    return page.figures


def _inert_routine(routine: Routine) -> tuple[Routine, bool]:
    """The routine with every user text made inert (see :func:`inert`)."""
    from dataclasses import replace

    replaced = False

    def clean(text: str) -> str:
        nonlocal replaced
        text, changed = inert(text)
        replaced |= changed
        return text

    fields = ("title", "technique", "instructions", "hand", "effect", "caution")
    steps = tuple(
        replace(step, **{name: clean(getattr(step, name)) for name in fields})
        for step in routine.steps
    )
    routine = replace(
        routine,
        title=clean(routine.title),
        description=clean(routine.description),
        notes=clean(routine.notes),
        steps=steps,
    )
    return routine, replaced


def handout_figures(routine: Routine | None = None) -> list[Figure]:
    """The handout's pages as matplotlib Figures, in order (what :func:`make_handout` saves).

    Safety pages (A4 portrait), the map (A4 landscape), the steps (A4 portrait).
    """
    routine = routine if routine is not None else load_routine()
    routine, replaced = _inert_routine(routine)
    family = _family()
    return [
        *_safety_pages(family),
        *_map_page(routine, routine.title, family),
        *_steps_pages(routine, family, replaced),
    ]


def _footer(figures: Iterable[Figure]) -> None:
    figures = list(figures)
    for number, fig in enumerate(figures, start=1):
        fig.text(
            0.5,
            0.16 / fig.get_size_inches()[1],
            f"Stretch first in an acute cramp. A traditional practice, not medical advice. "
            f"Page {number} of {len(figures)}",
            ha="center",
            fontsize=MIN_FONT_SIZE,
            color=GREY,
        )


def make_handout(path: str | Path, routine: Routine | None = None) -> Path:
    """Write a printable A4 PDF handout of a routine, atomically.

    Parameters
    ----------
    path
        Where to write the PDF (``.pdf``); its folder is created if needed. A crash while
        writing leaves the old file whole.
    routine
        Default: the built-in routine.

    Returns
    -------
    Path
        ``path``, written: the safety pages first (complete), then the map with one line
        per point, then every step with its timing, hand, technique, traditional effect
        and caution.
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"the handout is a PDF: give a .pdf file name, not {path.name!r}")
    routine = routine if routine is not None else load_routine()
    figures = handout_figures(routine)
    _footer(figures)
    buffer = io.BytesIO()
    # Type 42 (TrueType) fonts keep the text selectable and searchable in the PDF.
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        info = pdf.infodict()
        info["Title"] = f"{inert(routine.title)[0]}: handout"
        info["Subject"] = "Calf-cramp self-massage: safety, map of the points, steps"
        for fig in figures:
            pdf.savefig(fig)
    return atomic_write_bytes(path, buffer.getvalue())
