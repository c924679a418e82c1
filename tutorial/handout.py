"""A printable A4 handout of the routine, made with one call: :func:`make_handout`.

Page 1 carries the overview diagram of the routine and the safety box (stretch first, red
flags, pregnancy); page 2 (and more, for a long routine of your own) the steps with their
timings, hands, techniques, traditional effects and cautions. Text is wrapped to the page
width; point names with hanzi use the bundled CJK font.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import matplotlib.image
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .charts import format_minutes
from .content import load_points, load_routine, load_safety, load_techniques
from .model import Routine

__all__ = ["A4_FIGSIZE", "make_handout"]

A4_FIGSIZE = (8.27, 11.69)
OVERVIEW_DPI = 200  # the overview is placed as an image: sharp in print at this size
MARGIN = 0.55  # figure units (matplotlib measures figures in in.), all round
INK = "#111111"
RED = "#a4161a"
GREY = "#444444"

# Average glyph width as a fraction of the font size, for wrapping (DejaVu Sans is wide).
_CHAR_EM = 0.5
_LINE = 1.25  # line height as a multiple of the font size


@dataclass
class _Page:
    """A cursor that writes wrapped lines down an A4 figure, in figure units from the top."""

    fig: Figure
    family: list[str]
    y: float = MARGIN
    x: float = MARGIN
    texts: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return A4_FIGSIZE[0] - 2 * self.x

    def room(self) -> float:
        return A4_FIGSIZE[1] - MARGIN - self.y

    def lines(self, text: str, size: float, *, indent: float = 0.0, bold: bool = False):
        em = _CHAR_EM * (1.14 if bold else 1.0)  # bold glyphs are wider
        chars = max(20, int((self.width - indent) * 72 / (size * em)))
        return textwrap.wrap(text, chars) or [""]

    def height(self, text: str, size: float, *, indent: float = 0.0, **kw) -> float:
        bold = kw.get("weight") == "bold"
        return len(self.lines(text, size, indent=indent, bold=bold)) * size * _LINE / 72

    def write(self, text: str, size: float = 10, *, indent: float = 0.0, gap: float = 0.0, **kw):
        for line in self.lines(text, size, indent=indent, bold=kw.get("weight") == "bold"):
            self.y += size * _LINE / 72
            self.fig.text(
                (self.x + indent) / A4_FIGSIZE[0],
                1 - self.y / A4_FIGSIZE[1],
                line,
                fontsize=size,
                color=kw.get("color", INK),
                fontweight=kw.get("weight", "normal"),
                fontstyle=kw.get("style", "normal"),
                # The CJK family only where hanzi are: it has no bold face to fall back on.
                fontfamily=self.family if _has_cjk(line) else None,
                parse_math=False,
                va="baseline",
            )
            self.texts.append(line)
        self.y += gap


def _has_cjk(text: str) -> bool:
    return any(ord(char) >= 0x2E80 for char in text)


def _cjk_family() -> list[str]:
    from .drawing import CJK_FONT_FAMILY

    return list(CJK_FONT_FAMILY)


def _overview_image(routine: Routine) -> np.ndarray:
    """The overview diagram as an RGBA array (drawn on its own landscape Figure)."""
    from .drawing import draw_routine_overview

    fig = draw_routine_overview(routine, hanzi=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=OVERVIEW_DPI, facecolor="white")
    buffer.seek(0)
    return matplotlib.image.imread(buffer, format="png")


def _safety_page(fig: Figure, routine: Routine, family: list[str]) -> None:
    image = _overview_image(routine)
    width = A4_FIGSIZE[0] - 2 * MARGIN
    height = width * image.shape[0] / image.shape[1]
    top = MARGIN * 0.6
    ax = fig.add_axes(
        (
            MARGIN / A4_FIGSIZE[0],
            1 - (top + height) / A4_FIGSIZE[1],
            width / A4_FIGSIZE[0],
            height / A4_FIGSIZE[1],
        )
    )
    ax.imshow(image, interpolation="antialiased")
    ax.set_axis_off()
    box_top = top + height + 0.15
    box_height = A4_FIGSIZE[1] - box_top - MARGIN * 0.6
    fig.patches.append(
        FancyBboxPatch(
            (MARGIN / A4_FIGSIZE[0], MARGIN * 0.6 / A4_FIGSIZE[1]),
            width / A4_FIGSIZE[0],
            box_height / A4_FIGSIZE[1],
            boxstyle="round,pad=0,rounding_size=0.01",
            transform=fig.transFigure,
            facecolor="#fff4d6",
            edgecolor="#b26a00",
            linewidth=2.5,
            gid="safety-box",
        )
    )
    page = _Page(fig, family, x=MARGIN + 0.2, y=box_top + 0.05)
    safety = load_safety()
    page.write(safety.first_aid_title, 16, weight="bold", gap=0.04)
    for i, step in enumerate(safety.first_aid_steps, start=1):
        page.write(f"{i}. {step}", 11.5, indent=0.15)
    page.y += 0.14
    page.write("Do not massage; get medical help if:", 15, weight="bold", color=RED, gap=0.04)
    for flag in safety.red_flags:
        urgent = {"color": RED, "weight": "bold"} if flag.urgent else {}
        page.write(f"• {flag.title}. {flag.action}", 11.5, indent=0.15, **urgent)
    page.y += 0.14
    page.write(safety.pregnancy, 11.5)
    page.y += 0.12
    page.write(safety.traditional_notice, 10, style="italic", color=GREY)


def _steps_pages(pdf: PdfPages, routine: Routine, family: list[str]) -> int:
    points = load_points()
    fig = Figure(figsize=A4_FIGSIZE)
    page = _Page(fig, family)
    pages = 1
    lo, hi = format_minutes(routine.min_total_seconds), format_minutes(routine.max_total_seconds)
    page.write(routine.title, 16, weight="bold")
    page.write(
        f"The steps, one leg: {lo} to {hi} (as planned here: "
        f"{format_minutes(routine.total_seconds)}). Repeat on the other leg if both cramp.",
        10,
        gap=0.02,
    )
    if routine.notes:
        page.write(routine.notes, 9.5, color=GREY)
    page.write(
        "Posture for the massage steps: sit with the cramping leg crossed over the healthy "
        "one, the calf resting on the healthy knee.",
        9.5,
        color=GREY,
        gap=0.1,
    )
    for number, step in enumerate(routine.steps, start=1):
        block = _step_lines(number, step, points)
        needed = sum(page.height(t, size, indent=indent, **kw) for t, size, indent, kw in block)
        if needed + 0.15 > page.room():
            pdf.savefig(fig)
            fig = Figure(figsize=A4_FIGSIZE)
            page = _Page(fig, family)
            pages += 1
            page.write(f"{routine.title} (continued)", 12, weight="bold", gap=0.1)
        for text, size, indent, style in block:
            page.write(text, size, indent=indent, **style)
        page.y += 0.05
    glossary = _techniques_lines(routine)
    if glossary:
        needed = sum(page.height(text, 8.5) for text in glossary) + 0.2
        if needed > page.room():
            pdf.savefig(fig)
            fig = Figure(figsize=A4_FIGSIZE)
            page = _Page(fig, family)
            pages += 1
        page.write("The techniques", 10, weight="bold")
        for text in glossary:
            page.write(text, 8.5, color=GREY)
    footer = "Stretch first in an acute cramp. This is a traditional practice, not medical advice."
    fig.text(0.5, 0.025, footer, ha="center", fontsize=8, color=GREY, parse_math=False)
    pdf.savefig(fig)
    return pages


def _step_lines(number, step, points) -> list[tuple[str, float, float, dict]]:
    timing = (
        f"{format_minutes(step.min_seconds)} to {format_minutes(step.max_seconds)} "
        f"(planned {format_minutes(step.default_seconds)})"
    )
    lines: list[tuple[str, float, float, dict]] = [
        (f"{number}. {step.title}   ·   {timing}", 11, 0.0, {"weight": "bold"})
    ]
    names = [f"{c} {points[c].pinyin} {points[c].hanzi}" for c in step.points if c in points]
    where = [f"Points: {', '.join(names)}"] if names else []
    hand = [f"Hand: {step.hand}"] if step.hand else []
    if where or hand:
        lines.append(("   ·   ".join([f"Technique: {step.technique}", *where, *hand]), 9, 0.2, {}))
    lines.append((step.instructions, 9, 0.2, {}))
    if step.effect:
        lines.append(
            (f"Traditional effect: {step.effect}", 8.5, 0.2, {"style": "italic", "color": GREY})
        )
    if step.caution:
        lines.append((f"Caution: {step.caution}", 9, 0.2, {"color": RED, "weight": "bold"}))
    return lines


def _techniques_lines(routine: Routine) -> list[str]:
    techniques = load_techniques()
    used = dict.fromkeys(step.technique for step in routine.steps)
    out = []
    for name in used:
        tech = techniques.get(name)
        if tech and name != "Rest":
            chinese = f" ({tech['chinese']})" if tech.get("chinese") else ""
            out.append(f"{name}{chinese}: {tech['how']}")
    return out


def make_handout(path: str | Path, routine: Routine | None = None) -> Path:
    """Write a printable A4 PDF handout of a routine.

    Parameters
    ----------
    path
        Where to write the PDF (``.pdf``); its folder is created if needed.
    routine
        Default: the built-in routine.

    Returns
    -------
    Path
        ``path``, written. Page 1: the overview diagram and the safety box. Page 2 (and
        more for a long routine): every step with its timing, hand, technique, traditional
        effect and caution.
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"the handout is a PDF: give a .pdf file name, not {path.name!r}")
    routine = routine if routine is not None else load_routine()
    family = _cjk_family()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Type 42 (TrueType) fonts keep the text selectable and searchable in the PDF.
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        info = pdf.infodict()
        info["Title"] = f"{routine.title}: handout"
        info["Subject"] = "Calf-cramp self-massage: overview, safety and steps"
        cover = Figure(figsize=A4_FIGSIZE)
        _safety_page(cover, routine, family)
        pdf.savefig(cover)
        _steps_pages(pdf, routine, family)
    return path
