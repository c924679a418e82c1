"""A printable A4 handout of the routine, made with one call: :func:`make_handout`.

In this order: the safety pages (A4 portrait: the first-aid stretch, every red flag with
its explanation and what to do, who needs extra care, how to sit and the posture caution,
pregnancy, the traditional notice; nothing shortened), the map (A4 landscape: the four
views of the leg at full size, drawn as vectors, with one line per point saying where to
find it), then the steps with their timings, hands, techniques, traditional effects and
cautions (as many pages as the routine needs).

Every text is at least :data:`MIN_FONT_SIZE` points on paper. Text is wrapped by its
measured width (:func:`wrap`): Latin words are kept whole (a word too long for a line is
broken), Chinese text breaks between characters with the usual rules (no line starts with
closing punctuation such as ，。：；）」, none ends with opening punctuation such as （「),
flows onto the next page when a page is full, and text from a routine file is shown inert:
bidirectional-override and other invisible control characters are replaced by a visible
``[U+202E]`` marker, with a note. The handout is in the course's current language
(:func:`tutorial.set_language`); hanzi come from the bundled CJK subset font, embedded in the
PDF. The PDF is written atomically (:func:`tutorial.store.files.atomic_write_bytes`).
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

from ..content.i18n import N_, _, ngettext, pgettext
from ..content.loader import load_points, load_routine, load_safety, load_techniques, technique_name
from ..content.model import Routine, Step
from ..store.files import atomic_write_bytes
from .charts import format_minutes

__all__ = [
    "A4_FIGSIZE",
    "A4_LANDSCAPE",
    "MIN_FONT_SIZE",
    "NO_LINE_END",
    "NO_LINE_START",
    "handout_figures",
    "make_handout",
    "wrap",
]

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
_INERT_NOTE = N_(
    "Note: this routine's text held invisible text-direction or control characters; "
    "they are shown as [U+...] markers and have no effect."
)
#: Characters no line may start with: closing punctuation (the usual CJK line-breaking rule,
#: also for the Latin marks that follow a word).
NO_LINE_START = frozenset("，。、：；！？）」』》〉】〕〗”’…‥·～,.:;!?)]}%")
#: Characters no line may end with: opening punctuation.
NO_LINE_END = frozenset("（「『《〈【〔〖“‘([{")


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

    family = list(CJK_FONT_FAMILY) if _is_cjk(char) else ["DejaVu Sans"]  # i18n: ignore
    prop = FontProperties(family=family, size=100, weight="bold" if bold else "normal")
    width = text_to_path.get_text_width_height_descent(char, prop, ismath=False)[0]
    return max(width, 0.0) / 100


def text_width_in(text: str, size: float, *, bold: bool = False) -> float:
    """Width of one line of text in inches at ``size`` points (with a little to spare)."""
    return sum(_char_em(c, bold) for c in text) * size / 72 * _SPARE


def _pieces(paragraph: str) -> list[tuple[str, str]]:
    """``(separator, text)`` pieces of a paragraph; a line may break before each piece.

    A Latin word (with the marks attached to it) is one piece; each CJK character is one.
    Closing punctuation is glued to the piece before it and opening punctuation to the
    piece after it, so that no line starts or ends with them. ``separator`` is the run of
    spaces before the piece (dropped where the line breaks).
    """
    raw: list[tuple[str, str]] = []
    spaces, word = "", ""
    for char in paragraph:
        if char == " ":
            if word:
                raw.append((spaces, word))
                spaces, word = "", ""
            spaces += char
        elif _is_cjk(char):
            if word:
                raw.append((spaces, word))
                spaces, word = "", ""
            raw.append((spaces, char))
            spaces = ""
        else:
            word += char
    if word:
        raw.append((spaces, word))
    pieces: list[tuple[str, str]] = []
    for sep, text in raw:
        if pieces and (text[0] in NO_LINE_START or pieces[-1][1][-1] in NO_LINE_END):
            before_sep, before = pieces[-1]
            pieces[-1] = (before_sep, before + sep + text)
        else:
            pieces.append((sep, text))
    return pieces


def _cut(line: str, char: str) -> int:
    """Where to end ``line`` when ``char`` does not fit after it: the next line must not
    start with closing punctuation, this one not end with opening punctuation (a break
    anywhere else only if there is no such place)."""
    cut, first = len(line), char
    while cut > 1 and (first in NO_LINE_START or line[cut - 1] in NO_LINE_END):
        cut -= 1
        first = line[cut]
    return cut


def wrap(text: str, width_in: float, size: float, *, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width_in`` inches at ``size`` points.

    Latin words are kept whole where they fit; a word wider than the line is broken between
    characters. Chinese text may break between any two characters, except that no line
    starts with closing punctuation (:data:`NO_LINE_START`: ，。、：；）」...) and none ends
    with opening punctuation (:data:`NO_LINE_END`: （「...). Line breaks in ``text`` start
    new lines. No character is dropped except the spaces at which lines break.

    Examples
    --------
    >>> wrap("按揉委中（BL40），每次1分钟。", 0.75, 10)
    ['按揉委中', '（BL40），', '每次1分钟。']
    """
    limit = width_in * 72 / size / _SPARE  # in em

    def em(word: str) -> float:
        return sum(_char_em(c, bold) for c in word)

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for sep, piece in _pieces(paragraph):
            width = em(piece)
            if line and used + em(sep) + width <= limit:
                line, used = line + sep + piece, used + em(sep) + width
                continue
            if width <= limit:
                if line:
                    lines.append(line)
                line, used = piece, width
                continue
            if line:
                lines.append(line)
            line, used = "", 0.0
            for char in piece:  # a piece too long for one line is broken where it must be
                char_em = _char_em(char, bold)
                if line and used + char_em > limit:
                    cut = _cut(line, char)
                    lines.append(line[:cut])
                    line = line[cut:]
                    used = em(line)
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
            heading = _("{heading} (continued)").format(heading=self.heading)
            self.write(heading, 10, bold=True, color=GREY, gap=0.06)

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
                # The CJK family only where hanzi are: Latin lines keep DejaVu's own glyphs.
                fontfamily=self.family if any(map(_is_cjk, line)) else None,
                parse_math=False,
                va="baseline",
                gid=gid,
            )
        self.y += gap


def _family() -> list[str]:
    from .legs import CJK_FONT_FAMILY

    return list(CJK_FONT_FAMILY)


def _sentences(first: str, second: str) -> str:
    """Two sentences one after the other: a space between them in English, none in Chinese."""
    if not (first and second):
        return first or second
    # Translators: two sentences one after the other; Chinese puts no space between them.
    return _("{first} {second}").format(first=first, second=second)


def _list(items: Iterable[str]) -> str:
    """Names one after the other: "a, b" in English, "a、b" in Chinese."""
    return pgettext("list separator", ", ").join(items)


def _safety_pages(family: list[str]) -> list[Figure]:
    """Safety first, complete: stretch, every red flag in full, extra care, posture."""
    safety = load_safety()
    page = _Writer(family, heading=safety.reminder["title"])
    page.write(safety.first_aid_title, 16, bold=True, gap=0.05)
    for number, text in enumerate(safety.first_aid_steps, start=1):
        page.write(f"{number}. {text}", 10.5, indent=0.15)
    page.y += 0.12
    page.write(_("Do not massage; get medical help if:"), 14, bold=True, color=RED, gap=0.04)
    for flag in safety.red_flags:
        colour = RED if flag.urgent else INK
        title = _("• {title}.").format(title=flag.title)
        page.write(title, 10.5, indent=0.15, bold=True, color=colour)
        page.write(_sentences(flag.detail, flag.action), 9.5, indent=0.3, gap=0.03)
    page.y += 0.1
    page.write(safety.reminder["care"], 14, bold=True, gap=0.04)
    bullet = _("• {title}: {text}")
    for caution in safety.cautions:
        text = bullet.format(title=caution.title, text=caution.action)
        page.write(text, 9.5, indent=0.15, gap=0.02)
    pregnancy = bullet.format(title=safety.reminder["pregnancy_title"], text=safety.pregnancy)
    page.write(pregnancy, 9.5, indent=0.15)
    page.y += 0.1
    posture = safety.posture
    hip = next(c for c in safety.cautions if c.id == posture["caution"])
    page.write(posture["title"], 14, bold=True, gap=0.04)
    page.write(posture["crossed"], 9.5, indent=0.15)
    page.write(posture["alternative"], 9.5, indent=0.15, bold=True)
    hip_text = _("{title}: {text}").format(title=hip.title, text=hip.action)
    page.write(hip_text, 9.5, indent=0.15, color=RED, gap=0.1)
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


def _point_lines(routine: Routine) -> list[tuple[str, str]]:
    """One ``(head, where)`` per point of the routine: which steps, and where to find it."""
    points = load_points()
    out = []
    for code in routine.point_codes:
        if code not in points:
            continue
        point = points[code]
        steps = [str(i) for i, step in enumerate(routine.steps, start=1) if code in step.points]
        head = ngettext(
            "{code} {pinyin} {hanzi} (step {steps}):",
            "{code} {pinyin} {hanzi} (steps {steps}):",
            len(steps),
        ).format(code=code, pinyin=point.pinyin, hanzi=point.hanzi, steps=_list(steps))
        out.append((head, point.location))
    return out


def _map_page(routine: Routine, title: str, family: list[str]) -> list[Figure]:
    """The four views at full size (A4 landscape), then one line per point."""
    from .legs import OVERVIEW_NOTE, OVERVIEW_TITLES, draw_routine_overview

    fig = Figure(figsize=A4_LANDSCAPE)
    width = A4_LANDSCAPE[0] - 2 * MARGIN
    heading = wrap(_(OVERVIEW_TITLES["right"]).format(title=title), width, 14, bold=True)
    y = _landscape_lines(fig, heading, MARGIN * 0.7, 14, family, fontweight="bold")
    y = _landscape_lines(fig, wrap(_(OVERVIEW_NOTE), width, 10), y, 10, family, color=GREY)
    lines = _point_lines(routine)
    rows = sum(len(wrap(_sentences(h, w), width, 9)) for h, w in lines)
    where_height = rows * 9 * _LINE / 72
    top = 1 - (y + 0.1) / A4_LANDSCAPE[1]
    bottom = (where_height + MARGIN + 0.3) / A4_LANDSCAPE[1]
    draw_routine_overview(
        routine, hanzi=True, fig=fig, key=False, title=False, band=(bottom, top - bottom)
    )
    y = A4_LANDSCAPE[1] - MARGIN - where_height
    for head, where in lines:
        y = _landscape_lines(
            fig, wrap(_sentences(head, where), width, 9), y, 9, family, gid="where"
        )
    return [fig]


def _landscape_lines(
    fig: Figure, lines: list[str], y: float, size: float, family: list[str], **style: object
) -> float:
    """Set ``lines`` at the left margin of the landscape page, one per line from ``y``
    inches below the top (the CJK family only where a line has CJK); the new ``y``."""
    for line in lines:
        y += size * _LINE / 72
        fig.text(
            MARGIN / A4_LANDSCAPE[0],
            1 - y / A4_LANDSCAPE[1],
            line,
            fontsize=size,
            fontfamily=family if any(map(_is_cjk, line)) else None,
            parse_math=False,
            va="baseline",
            **style,
        )
    return y


def _step_lines(number: int, step: Step, points) -> list[tuple[str, float, dict]]:
    timing = _("{shortest} to {longest} (planned {planned})").format(
        shortest=format_minutes(step.min_seconds),
        longest=format_minutes(step.max_seconds),
        planned=format_minutes(step.default_seconds),
    )
    title = _("{number}. {title}").format(number=number, title=step.title)
    lines: list[tuple[str, float, dict]] = [(f"{title}   ·   {timing}", 11, {"bold": True})]
    names = [f"{c} {points[c].pinyin} {points[c].hanzi}" for c in step.points if c in points]
    where = [_("Points: {points}").format(points=_list(names))] if names else []
    hand = [_("Hand: {hand}").format(hand=step.hand)] if step.hand else []
    technique = _("Technique: {technique}").format(technique=technique_name(step.technique))
    lines.append(("   ·   ".join([technique, *where, *hand]), 9, {}))
    lines.append((step.instructions, 9, {}))
    if step.effect:
        effect = _("Traditional effect: {effect}").format(effect=step.effect)
        lines.append((effect, 8.5, {"color": GREY}))
    if step.caution:
        caution = _("Caution: {caution}").format(caution=step.caution)
        lines.append((caution, 9, {"color": RED, "bold": True}))
    return lines


def _technique_lines(routine: Routine) -> list[str]:
    techniques = load_techniques()
    out = []
    for key in dict.fromkeys(step.technique for step in routine.steps):
        tech = techniques.get(key)
        name = technique_name(key)
        if tech and tech.get("how") and tech.get("picture") != "posture":
            if tech.get("chinese"):
                line = _("{name} ({chinese}): {how}").format(
                    name=name, chinese=tech["chinese"], how=tech["how"]
                )
            else:
                line = _("{title}: {text}").format(title=name, text=tech["how"])
            out.append(line)
    return out


def _steps_pages(routine: Routine, family: list[str], replaced: bool) -> list[Figure]:
    points = load_points()
    page = _Writer(family, heading=routine.title)
    lo, hi = format_minutes(routine.min_total_seconds), format_minutes(routine.max_total_seconds)
    page.write(routine.title, 16, bold=True)
    intro = _(
        "The steps, one leg: {shortest} to {longest} (as planned here: {planned}). Repeat on "
        "the other leg if both cramp: the same steps with the hands mirrored."
    ).format(shortest=lo, longest=hi, planned=format_minutes(routine.total_seconds))
    page.write(intro, 10, gap=0.02)
    if replaced:
        page.write(_(_INERT_NOTE), 9, color=RED, gap=0.04)
    for text in (routine.description, routine.notes):
        if text:
            page.write(text, 9.5, color=GREY)
    safety = load_safety()
    posture = _sentences(safety.posture["crossed"], safety.posture["alternative"])
    page.write(posture, 9.5, color=GREY, gap=0.1)
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
        page.write(_("The techniques"), 10, bold=True)
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
    family = _family()
    for number, fig in enumerate(figures, start=1):
        fig.text(
            0.5,
            0.16 / fig.get_size_inches()[1],
            _(
                "Stretch first in an acute cramp. A traditional practice, not medical advice. "
                "Page {number} of {total}"
            ).format(number=number, total=len(figures)),
            ha="center",
            fontsize=MIN_FONT_SIZE,
            color=GREY,
            fontfamily=family,
            parse_math=False,
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
        info["Title"] = _("{title}: handout").format(title=inert(routine.title)[0])
        info["Subject"] = _("Calf-cramp self-massage: safety, map of the points, steps")
        for fig in figures:
            pdf.savefig(fig)
    return atomic_write_bytes(path, buffer.getvalue())
