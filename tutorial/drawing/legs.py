"""Leg diagrams with matplotlib: one view of the lower leg, or the routine's four-view overview.

Seaborn-style: :func:`draw_leg` takes the view first, then keyword-only options and
``ax=None`` (falling back to ``plt.gca()``, the only pyplot call), and returns the Axes.
Images are made on a bare :class:`~matplotlib.figure.Figure` (:func:`leg_png`,
:func:`draw_routine_overview` without ``fig``), so no pyplot state changes. Nothing touches
``rcParams``. Every artist a test or widget may look for has a ``gid``:

- point markers: the point code (``"BL40"``);
- point labels: ``"label:<code>"``; overview step numbers: ``"number:<code>"`` (drawn as
  glyph outlines, :class:`~matplotlib.patches.PathPatch` whose label is the number);
- landmarks: ``"landmark:<id>"`` (ids from landmarks.toml); other anatomy: ``"leg:<id>"``;
- the ruler: ``"cun-scale"``;
- the words a reader orients by (from leg.toml ``[orientation]``): the title, which names
  the leg, the view and where the knee is, and says from where the view is seen
  (``"orientation:title"``), and the side at each edge of the picture
  (``"orientation:left"``, ``"orientation:right"``).

Pictures with several views (:func:`draw_routine_overview`, :func:`share_scale`) draw every
view at one scale: one cun is the same length in every panel.

Hanzi are drawn with the bundled subset of Noto Sans CJK SC (SIL OFL 1.1, see
``tutorial/fonts/OFL.txt``), registered with matplotlib's font manager on first use.
"""

from __future__ import annotations

import io
import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, ScaledTranslation

from ..content import geometry
from ..content.i18n import N_, _
from ..content.loader import FONT_FILES, font_path, load_points, load_routine, load_techniques
from ..content.model import VIEWS, Acupoint, Routine, Step

__all__ = [
    "CJK_FONT_FAMILY",  # noqa: F822 - module __getattr__ registers the font on first use
    "LABEL_STYLE",
    "POINT_STYLES",
    "STYLES",
    "draw_leg",
    "draw_routine_overview",
    "draw_step",
    "leg_png",
    "orientation_words",
    "register_fonts",
    "share_scale",
    "step_png",
]

_CJK_FAMILY = "Tutorial CJK Subset"  # i18n: ignore (a font name)
_FAMILY = ["DejaVu Sans", _CJK_FAMILY]  # i18n: ignore
_fonts_registered = False

#: Looks of the anatomy, by the ``style`` names used in leg.toml.
STYLES: dict[str, dict[str, Any]] = {
    "outline": {"facecolor": "#f7e6d7", "edgecolor": "#4d3b31", "linewidth": 1.6},
    "muscle": {"facecolor": "#eec0ad", "edgecolor": "#b06f58", "linewidth": 1.0},
    "tendon": {"facecolor": "#faf4e4", "edgecolor": "#9a8a5e", "linewidth": 1.0},
    "tendon-line": {"color": "#9a8a5e", "linewidth": 1.3},
    "bone": {"facecolor": "#fffdf6", "edgecolor": "#6b6152", "linewidth": 1.1},
    "bone-line": {"color": "#6b6152", "linewidth": 1.8},
    "bone-deep": {"color": "#8f8676", "linewidth": 1.1, "linestyle": (0, (3, 2))},
    "crease": {"color": "#4d3b31", "linewidth": 1.4},
}
_ZORDER = {"outline": 1, "muscle": 2, "tendon": 3, "tendon-line": 3, "bone": 4}

#: Point markers: Okabe-Ito colours (colour-blind safe); highlighted ones also grow and get
#: a thick black edge, so they stand out without colour; the others are muted.
POINT_STYLES: dict[str, dict[str, Any]] = {
    "normal": {
        "marker": "o",
        "markersize": 8,
        "markerfacecolor": "#0072B2",
        "markeredgecolor": "white",
        "markeredgewidth": 1.2,
    },
    "highlight": {
        "marker": "o",
        "markersize": 13,
        "markerfacecolor": "#E69F00",
        "markeredgecolor": "black",
        "markeredgewidth": 2.0,
    },
    "muted": {
        "marker": "o",
        "markersize": 6,
        "markerfacecolor": "#8fb3cc",
        "markeredgecolor": "white",
        "markeredgewidth": 1.0,
    },
}
#: Point labels.
LABEL_STYLE: dict[str, Any] = {"fontsize": 8.5, "color": "#1d1d1d"}
_LABEL_GAP = 1.2  # cun between stacked labels
_MIN_LABEL_FONTSIZE = 6.5
_RULER_TICKS = range(0, 17)
_NUMBER_MARKER = {"marker": "o", "markersize": 17, "markeredgewidth": 1.5}
_OVERVIEW_LABEL_FONTSIZE = 10.0
#: Orientation words: title and edge words. Never below 8 pt, so that they read on paper.
ORIENTATION_STYLE: dict[str, Any] = {"title_size": 10.0, "edge_size": 8.5, "min_size": 8.0}
_EDGE_COLOUR = "#6b2c00"
_RULER_FONTSIZE = 8.0
_MAX_NUMBERS = 3  # step numbers shown on one point's marker
#: The line under the overview's title that says what the numbers and the ruler mean
#: (English source text: translate with ``_()`` where it is shown).
OVERVIEW_NOTE = N_("Numbers are the routine's steps. B-cun: knee crease to outer ankle bone = 16.")
#: The overview's title, per leg (English source text).
OVERVIEW_TITLES = {
    "right": N_("{title}: where to press (right leg)"),
    "left": N_("{title}: where to press (left leg)"),
}


def register_fonts() -> list[str]:
    """Register the bundled CJK subset font with matplotlib (once) and return the family list.

    Pass the list as ``fontfamily=`` to text that may contain hanzi: matplotlib takes Latin
    letters and pinyin from DejaVu Sans and falls back to the subset font for hanzi.
    """
    global _fonts_registered
    if not _fonts_registered:
        from matplotlib import font_manager

        for name in FONT_FILES:
            font_manager.fontManager.addfont(str(font_path(name)))
        _fonts_registered = True
    return list(_FAMILY)


def __getattr__(name: str) -> Any:
    # CJK_FONT_FAMILY is computed on first access so that the font is registered lazily.
    if name == "CJK_FONT_FAMILY":
        return register_fonts()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _label_text(point: Acupoint, hanzi: bool) -> str:
    return f"{point.code} {point.pinyin}" + (f" {point.hanzi}" if hanzi else "")


def _path_patch(xy: np.ndarray, *, closed: bool, style: str, gid: str) -> PathPatch:
    codes = None
    if closed:
        xy = np.vstack([xy, xy[:1]])
        codes = np.full(len(xy), Path.LINETO, dtype=Path.code_type)
        codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
    return PathPatch(Path(xy, codes), zorder=_ZORDER.get(style, 4), gid=gid, **STYLES[style])


def _draw_anatomy(ax: Axes, view: str, side: str, landmarks: bool) -> None:
    # add_artist, not add_patch/add_line: the limits are set from the geometry, and
    # skipping matplotlib's data-limit updates halves the time to build a view.
    outline = geometry.outline(view, side=side)
    # An open path: matplotlib fills it as if closed but strokes no line across the thigh.
    ax.add_artist(PathPatch(Path(outline), zorder=1, gid="leg:outline", **STYLES["outline"]))
    for feature in geometry.features(view, side=side):
        if not landmarks and feature.landmark:
            continue
        gid = f"landmark:{feature.landmark}" if feature.landmark else f"leg:{feature.id}"
        if feature.kind == "line":
            xy = feature.path
            ax.add_artist(Line2D(xy[:, 0], xy[:, 1], zorder=4.5, gid=gid, **STYLES[feature.style]))
        else:
            ax.add_artist(_path_patch(feature.path, closed=True, style=feature.style, gid=gid))


def _spread(wanted: list[float], gap: float) -> list[float]:
    """Label heights near ``wanted`` (sorted high to low) at least ``gap`` apart."""
    placed = list(wanted)
    for _round in range(50):
        moved = False
        for i in range(1, len(placed)):
            overlap = gap - (placed[i - 1] - placed[i])
            if overlap > 1e-9:
                placed[i - 1] += overlap / 2
                placed[i] -= overlap / 2
                moved = True
        if not moved:
            break
    return placed


def _text_width_pt(text: str, fontsize: float) -> float:
    """Width of a one-line text in points, in DejaVu Sans (hanzi: one em), with 3 % to spare."""
    return _em_width(text) * fontsize * 1.03


@cache
def _em_width(text: str) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    latin = "".join(c for c in text if ord(c) < 0x2E80)
    width = len(text) - len(latin)  # hanzi are one em wide
    if latin:
        prop = FontProperties(family="DejaVu Sans", size=100)
        width += text_to_path.get_text_width_height_descent(latin, prop, ismath=False)[0] / 100
    return width


def _layout_labels(
    view: str, side: str, marks: dict[str, tuple[float, float]], gap: float
) -> list[tuple[str, float, float, int]]:
    """Label anchors ``(code, x, y, direction)`` in two columns beside the leg."""
    columns: dict[int, list[str]] = {-1: [], 1: []}
    for code, (x, _y) in marks.items():
        if abs(x) >= 1e-6:
            columns[1 if x > 0 else -1].append(code)
    for code, (x, _y) in marks.items():  # points on the centre line go to the emptier side
        if abs(x) < 1e-6:
            columns[-1 if len(columns[-1]) < len(columns[1]) else 1].append(code)
    sole, top = geometry.leg_extent()
    anchors = []
    for direction, codes in columns.items():
        codes.sort(key=lambda c: -marks[c][1])
        heights = _spread([marks[c][1] for c in codes], gap)
        for code, y_text in zip(codes, heights, strict=True):
            x0, y0 = marks[code]
            near = [
                geometry.edges(view, y, side=side)
                for y in (y_text, y0, y_text + 0.4, y_text - 0.4)
                if sole < y < top
            ]
            if direction > 0:
                x_text = max([x0, *(e[1] for e in near)]) + 0.9
            else:
                x_text = min([x0, *(e[0] for e in near)]) - 0.9
            anchors.append((code, x_text, y_text, direction))
    return anchors


def _draw_labels(
    ax: Axes,
    anchors: list[tuple[str, float, float, int]],
    marks: dict[str, tuple[float, float]],
    texts: dict[str, str],
    fontfamily: list[str] | None,
    fontsize: float,
) -> None:
    leaders = []
    for code, x_text, y_text, direction in anchors:
        leaders.append([marks[code], (x_text - direction * 0.15, y_text)])
        ax.text(
            x_text,
            y_text,
            texts[code],
            ha="left" if direction > 0 else "right",
            va="center",
            gid=f"label:{code}",
            parse_math=False,
            fontfamily=fontfamily,
            zorder=8,
            **{**LABEL_STYLE, "fontsize": fontsize},
        )
    if leaders:
        ax.add_collection(
            LineCollection(leaders, colors="#555555", linewidths=0.7, zorder=6, gid="leaders"),
            autolim=False,
        )


@dataclass
class _Layout:
    """How one leg picture fills its axes; kept so that multi-view figures can re-fit it."""

    x_range: tuple[float, float]
    placed: list[tuple[float, int, float]]  # per label: (x, direction, width in points)
    ruler: bool
    edge_pt: float  # width the two edge words need side by side, in points
    title_pt: float  # width of the longest title line at the smallest allowed size
    title_lines: int
    header_pt: float  # height of the words above the leg, in points
    left: float = 0.0
    right: float = 0.0
    scale: float = 1.0  # points per cun
    texts: dict[str, Any] = field(default_factory=dict)
    ruler_artists: list[Any] = field(default_factory=list)
    reach: tuple[float, float] = (math.inf, -math.inf)  # x that must stay inside (brackets)


_LAYOUTS: weakref.WeakKeyDictionary[Axes, _Layout] = weakref.WeakKeyDictionary()


def _leg_span() -> float:
    sole, top = geometry.leg_extent()
    return top - sole + 1.0


def _fit_x(layout: _Layout, scale: float, words_cap: float = math.inf) -> tuple[float, float]:
    """x limits (cun) that fit the leg, its labels, the ruler and the words at ``scale``."""
    left, right = layout.x_range[0] - 0.6, layout.x_range[1] + 0.6
    for x_text, direction, text_pt in layout.placed:
        end = x_text + direction * text_pt / scale
        left, right = min(left, end - 0.3), max(right, end + 0.3)
    if layout.ruler:
        left -= 1.8
    left, right = min(left, layout.reach[0]), max(right, layout.reach[1])
    words_pt = min(max(layout.edge_pt, layout.title_pt), words_cap)
    missing = words_pt / scale - (right - left)
    if missing > 0:
        left, right = left - missing / 2, right + missing / 2
    return left, right


def _box_pt(ax: Axes) -> tuple[float, float]:
    box = ax.get_position(original=True)  # not the box shrunk to the aspect of a drawn leg
    return box.width * ax.figure.get_figwidth() * 72, box.height * ax.figure.get_figheight() * 72


def _largest_scale(layouts: Sequence[_Layout], width_pt: float, height_pt: float) -> float:
    """The largest scale (points per cun) at which the pictures fit side by side.

    The width they need, ``sum(span(scale)) * scale``, grows with the scale (labels and
    words have a fixed size in points), so the answer is found by bisection.
    """
    tallest = max(layout.header_pt for layout in layouts)
    high = max((height_pt - tallest) / _leg_span(), 1e-3)

    # If the words of all panels cannot fit side by side at any scale, each panel's words
    # get an equal share of the width (the titles then shrink to their smallest size).
    cap = width_pt / len(layouts)

    def needed(scale: float) -> float:
        return sum(float(np.subtract(*_fit_x(lay, scale, cap)[::-1])) for lay in layouts) * scale

    if needed(high) <= width_pt:
        return high
    low = 1e-3
    for _round in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if needed(middle) <= width_pt else (low, middle)
    return low


def _x_limits(ax: Axes, layout: _Layout) -> tuple[float, float, float]:
    """x limits and the scale (points per cun) at which the picture fills its axes."""
    width_pt, height_pt = _box_pt(ax)
    scale = _largest_scale([layout], width_pt, height_pt)
    left, right = _fit_x(layout, scale)
    return left, right, scale


def _place(ax: Axes, layout: _Layout) -> None:
    """Set the limits and put the orientation words at the top of the picture."""
    sole, top = geometry.leg_extent()
    left, right, scale = layout.left, layout.right, layout.scale
    header = layout.header_pt / scale
    ax.set_xlim(left, right)
    ax.set_ylim(sole - 0.6, top + 0.4 + header)
    if layout.ruler_artists:
        _move_ruler(layout.ruler_artists, left + 1.4)
    texts = layout.texts
    if not texts:
        return
    edge_size = path_text_size(texts["left"])
    y_edge = top + 0.3
    inset = 3.0 / scale
    _move_path_text(texts["left"], left + inset, y_edge)
    _move_path_text(texts["right"], right - inset, y_edge)
    # The title shrinks to the width of its panel, never below the smallest readable size.
    width_pt = (right - left) * scale
    size = ORIENTATION_STYLE["title_size"]
    longest = max(_text_width_pt(line, size) for line in texts["title"].get_label().split("\n"))
    size = max(ORIENTATION_STYLE["min_size"], min(size, size * width_pt / longest))
    _move_path_text(texts["title"], (left + right) / 2, y_edge + 1.65 * edge_size / scale, size)


def _ruler_segments(x: float) -> list[list[tuple[float, float]]]:
    segments = [[(x, 0.0), (x, -16.0)]]
    for tick in _RULER_TICKS:
        length = 0.45 if tick % 4 == 0 else 0.25
        segments.append([(x, -tick), (x + length, -tick)])
    return segments


_Extent = tuple[float, float, float, float]


@cache
def _glyph_path(text: str, size: float, bold: bool) -> tuple[Path, _Extent]:
    """The outline of a fixed text in points, lines centred, and its extents (cached)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    # DejaVu Sans for Latin letters and digits, the bundled CJK subset for hanzi (fallback).
    prop = FontProperties(family=register_fonts(), weight="bold" if bold else "normal")
    # Curves flattened to polygons (at 20x, so they stay smooth): the extents of a straight
    # path are quick to find, and tight-cropped PNGs ask for them on every save.
    fine, coarse = Affine2D().scale(20), Affine2D().scale(1 / 20)
    lines = []
    for line in text.split("\n"):
        polygons = TextPath((0, 0), line, size=size, prop=prop).transformed(fine).to_polygons()
        polygons = [Path(p, closed=True) for p in polygons] or [Path(np.zeros((1, 2)))]
        lines.append(Path.make_compound_path(*polygons).transformed(coarse))
    widths = [line.get_extents().width for line in lines]
    step = 1.2 * size
    path = Path.make_compound_path(
        *(
            line.transformed(Affine2D().translate((max(widths) - width) / 2, -i * step))
            for i, (line, width) in enumerate(zip(lines, widths, strict=True))
        )
    )
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    return path, (x0, y0, x1, y1)


def _path_text_transform(fig: Figure, xy, coords, text, size, bold, ha, va):
    _path, (x0, y0, x1, y1) = _glyph_path(text, size, bold)
    dx = {"center": -(x0 + x1) / 2, "left": -x0, "right": -x1}[ha]
    dy = {"center": -(y0 + y1) / 2, "bottom": -y0, "top": -y1}[va]
    return (
        Affine2D().translate(dx, dy).scale(1 / 72)
        + fig.dpi_scale_trans
        + ScaledTranslation(xy[0], xy[1], coords)
    )


def _path_text(
    where: Axes | Figure,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    color: str,
    gid: str,
    bold: bool = False,
    ha: str = "center",
    va: str = "center",
    zorder: float = 7.5,
) -> PathPatch:
    """A short fixed text (a number) drawn as its glyph outlines: a path costs a fraction
    of a Text to draw. The text is the patch's label; ``x, y`` are data coordinates on an
    Axes, figure fractions on a Figure."""
    fig = where if isinstance(where, Figure) else where.figure
    coords = fig.transFigure if isinstance(where, Figure) else where.transData
    path, _extent = _glyph_path(text, size, bold)
    patch = PathPatch(
        path,
        transform=_path_text_transform(fig, (x, y), coords, text, size, bold, ha, va),
        facecolor=color,
        edgecolor="none",
        gid=gid,
        label=text,
        zorder=zorder,
        clip_on=False,
    )
    _PATH_TEXTS[patch] = (text, size, bold, ha, va, coords)
    _ANCHORS[patch] = (x, y)
    where.add_artist(patch)
    return patch


def _move_path_text(patch: PathPatch, x: float, y: float, size: float | None = None) -> None:
    text, old_size, bold, ha, va, coords = _PATH_TEXTS[patch]
    size = old_size if size is None else size
    if size != old_size:
        patch.set_path(_glyph_path(text, size, bold)[0])
        _PATH_TEXTS[patch] = (text, size, bold, ha, va, coords)
    patch.set_transform(
        _path_text_transform(patch.figure, (x, y), coords, text, size, bold, ha, va)
    )
    _ANCHORS[patch] = (x, y)


def path_text_size(patch: PathPatch) -> float:
    """The font size, in points, of a text drawn as glyph outlines by this module."""
    return _PATH_TEXTS[patch][1]


_ANCHORS: weakref.WeakKeyDictionary[PathPatch, tuple[float, float]] = weakref.WeakKeyDictionary()
_PATH_TEXTS: weakref.WeakKeyDictionary[PathPatch, tuple] = weakref.WeakKeyDictionary()


def _draw_ruler(ax: Axes, x: float) -> list[Any]:
    artists: list[Any] = [
        ax.add_collection(
            LineCollection(
                _ruler_segments(x), colors="#333333", linewidths=1.0, zorder=5, gid="cun-scale"
            ),
            autolim=False,
        )
    ]
    style = {"size": _RULER_FONTSIZE, "color": "#333333", "zorder": 5}
    for tick in range(0, 17, 4):
        artists.append(
            _path_text(ax, x, -tick, str(tick), ha="right", gid="cun-scale:label", **style)
        )
    # Translators: the unit of the ruler beside the leg, proportional (bone) cun.
    unit = _("B-cun")
    artists.append(_path_text(ax, x, 0.7, unit, va="bottom", gid="cun-scale:unit", **style))
    _move_ruler(artists, x)
    return artists


def _move_ruler(artists: list[Any], x: float) -> None:
    collection, *labels, unit = artists
    collection.set_segments(_ruler_segments(x))
    for tick, label in zip(range(0, 17, 4), labels, strict=True):
        _move_path_text(label, x - 0.2, -tick)
    _move_path_text(unit, x, 0.7)


def _draw_leg(
    view: str,
    *,
    side: str,
    highlight: Iterable[str],
    labels: bool,
    hanzi: bool,
    cun_scale: bool,
    landmarks: bool,
    ax: Axes,
    points: Iterable[str] | None,
    numbers: dict[str, str] | None = None,
    title: bool = True,
    label_size: float | None = None,
    **kwargs: Any,
) -> Axes:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    if side not in ("right", "left"):
        raise ValueError(f"unknown side {side!r}; expected 'right' or 'left'")
    family = register_fonts()
    all_points = load_points()
    highlight = {highlight} if isinstance(highlight, str) else set(highlight or ())
    unknown = highlight - set(all_points)
    if unknown:
        raise KeyError(f"unknown point code(s) {sorted(unknown)}")
    codes = list(all_points) if points is None else list(points)
    _draw_anatomy(ax, view, side, landmarks)

    marks: dict[str, tuple[float, float]] = {}
    for code in codes:
        xy = geometry.project(code, view, side=side)
        if xy is not None:
            marks[code] = xy
    for code, (x, y) in marks.items():
        state = "highlight" if code in highlight else "muted" if highlight else "normal"
        style = {**POINT_STYLES[state], **kwargs}
        if numbers is not None:
            style = {**style, **_NUMBER_MARKER}
        # picker: a widget or quiz can find the clicked point through a pick_event.
        style.setdefault("picker", True)
        style.setdefault("pickradius", 6)
        ax.add_artist(Line2D([x], [y], linestyle="none", gid=code, zorder=7, **style))
        if numbers is not None and code in numbers:
            _path_text(
                ax,
                x,
                y,
                numbers[code],
                size=9,
                bold=True,
                color="white" if state != "highlight" else "black",
                gid=f"number:{code}",
            )

    outline = geometry.outline(view, side=side)
    x_range = (float(outline[:, 0].min()), float(outline[:, 0].max()))
    words = orientation_words(view, side=side) if title else {}
    layout = _orientation_layout(words, x_range, cun_scale)
    anchors: list[tuple[str, float, float, int]] = []
    texts: dict[str, str] = {}
    if labels and marks:
        if numbers is not None:
            texts = {code: code for code in marks}
        else:
            texts = {code: _label_text(all_points[code], hanzi) for code in marks}
        fontsize = LABEL_STYLE["fontsize"] if numbers is None else _OVERVIEW_LABEL_FONTSIZE
        fontsize = label_size or fontsize
        gap = _LABEL_GAP
        _width_pt, height_pt = _box_pt(ax)
        full_scale = (height_pt - layout.header_pt) / _leg_span()
        for _round in range(8):
            widths = {code: _text_width_pt(text, fontsize) for code, text in texts.items()}
            anchors = _layout_labels(view, side, marks, gap)
            layout.placed = [(x, d, widths[code]) for code, x, _y, d in anchors]
            left, right, scale = _x_limits(ax, layout)
            if not label_size and scale < 0.7 * full_scale and fontsize > _MIN_LABEL_FONTSIZE:
                fontsize = max(_MIN_LABEL_FONTSIZE, fontsize * 0.88)  # small picture
                continue
            needed = 1.5 * fontsize / scale  # labels need more cun apart when small
            if needed <= gap + 1e-9:
                break
            gap = needed
        _draw_labels(ax, anchors, marks, texts, family, fontsize)
    left, right, scale = _x_limits(ax, layout)
    layout.left, layout.right, layout.scale = left, right, scale
    if cun_scale:
        layout.ruler_artists = _draw_ruler(ax, left + 1.4)
    if words:
        _draw_orientation(ax, words, layout)
    _LAYOUTS[ax] = layout
    _place(ax, layout)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def orientation_words(view: str, *, side: str = "right") -> dict[str, str]:
    """The words a reader orients a picture of ``view`` by, from leg.toml ``[orientation]``.

    Returns
    -------
    dict
        ``title`` (which leg, which view, where the knee is, and from where it is seen, on
        two lines), ``left`` and ``right`` (the side of the leg at each edge of the picture,
        with an arrow). For a left leg the edge words swap: it is the mirror image.

    Examples
    --------
    >>> orientation_words("anterior")["left"]
    '← outer side'
    """
    data = geometry.orientation()
    if view not in data["views"]:
        raise ValueError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    if side not in ("right", "left"):
        raise ValueError(f"unknown side {side!r}; expected 'right' or 'left'")
    words = data["views"][view]
    left, right = (words["left"], words["right"])[:: 1 if side == "right" else -1]
    title = data["title"].format(leg=data["legs"][side], view=words["name"], seen=words["seen"])
    return {
        "title": title,
        "left": data["left_edge"].format(side=left),
        "right": data["right_edge"].format(side=right),
    }


def _orientation_layout(
    words: dict[str, str], x_range: tuple[float, float], ruler: bool
) -> _Layout:
    if not words:
        return _Layout(x_range, [], ruler, 0.0, 0.0, 0, 0.0)
    style = ORIENTATION_STYLE
    edge_pt = sum(_text_width_pt(words[k], style["edge_size"]) for k in ("left", "right")) + 12
    lines = words["title"].split("\n")
    title_pt = max(_text_width_pt(line, style["min_size"]) for line in lines) + 6
    header_pt = 2.0 * style["edge_size"] + len(lines) * 1.3 * style["title_size"] + 2
    return _Layout(x_range, [], ruler, edge_pt, title_pt, len(lines), header_pt)


def _draw_orientation(ax: Axes, words: dict[str, str], layout: _Layout) -> None:
    # Glyph outlines, not Text: these words are fixed, so their paths are cached, and they
    # draw in a fraction of the time of text (the overview draws 12 of them).
    edge = {"size": ORIENTATION_STYLE["edge_size"], "color": _EDGE_COLOUR, "bold": True}
    layout.texts = {
        side: _path_text(
            ax, 0, 0, words[side], ha=side, va="bottom", gid=f"orientation:{side}", zorder=9, **edge
        )
        for side in ("left", "right")
    }
    layout.texts["title"] = _path_text(
        ax,
        0,
        0,
        words["title"],
        size=ORIENTATION_STYLE["title_size"],
        color="#1d1d1d",
        va="bottom",
        gid="orientation:title",
        zorder=9,
    )


def share_scale(
    fig: Figure,
    axes: Sequence[Axes],
    *,
    bottom: float,
    height: float,
    gap: float = 0.012,
    left: float = 0.01,
    right: float = 0.99,
) -> float:
    """Lay leg axes out side by side so that one cun has the same length in every panel.

    Each panel gets a width in proportion to what it shows (leg, labels, words), all at the
    largest scale that fits the band ``left``-``right`` x ``bottom``-``bottom + height``
    (figure fractions); the words are re-fitted at that scale.

    Returns
    -------
    float
        The shared scale, in inches per cun.
    """
    fig_w, fig_h = fig.get_size_inches()
    layouts = [_LAYOUTS[ax] for ax in axes]
    usable = (right - left) - gap * (len(axes) - 1)
    scale = _largest_scale(layouts, usable * fig_w * 72, height * fig_h * 72)
    spans = []
    for layout in layouts:
        layout.scale = scale
        layout.left, layout.right = _fit_x(layout, scale)
        spans.append(layout.right - layout.left)
    inch_per_cun = scale / 72
    widths = [span * inch_per_cun / fig_w for span in spans]
    x = left + (usable - sum(widths)) / 2
    for ax, layout, w in zip(axes, layouts, widths, strict=True):
        _place(ax, layout)
        ax.set_position((x, bottom, w, height))
        x += w + gap
    titles = [layout.texts["title"] for layout in layouts if layout.texts]
    if titles:  # one title size across the panels
        size = min(path_text_size(title) for title in titles)
        for title in titles:
            _move_path_text(title, *_ANCHORS[title], size)
    return inch_per_cun


def draw_leg(
    view: str,
    *,
    side: str = "right",
    highlight: Iterable[str] = (),
    labels: bool = True,
    hanzi: bool = False,
    cun_scale: bool = False,
    landmarks: bool = True,
    ax: Axes | None = None,
    points: Iterable[str] | None = None,
    label_size: float | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw one view of the lower leg with its acupoints.

    Parameters
    ----------
    view : {"anterior", "lateral", "posterior", "medial"}
        Which side of the leg faces the viewer.
    side : {"right", "left"}
        Which leg. The left leg is drawn as the mirror image of the right.
    highlight : iterable of str
        Point codes to make stand out (orange, larger, black edge); the other points are
        muted. A single code may be given as a string.
    labels : bool
        Label the points ``"code pinyin"`` beside the leg, with leader lines. ``False`` for
        quizzes.
    hanzi : bool
        Add the Chinese name to each label.
    cun_scale : bool
        Draw a ruler of the 16 B-cun from the knee line to the lateral malleolus.
    landmarks : bool
        Draw the landmarks (kneecap, tibial crest, malleoli, ...). The outline is always drawn.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default ``plt.gca()``.
    points : iterable of str, optional
        The point codes to draw (those the view cannot show are skipped). Default: every
        point seen in this view.
    label_size : float, optional
        Label font size in points, kept as given (pictures side by side use one size);
        default :data:`LABEL_STYLE`, made smaller when the picture is small.
    **kwargs
        Passed to every point marker (:class:`~matplotlib.lines.Line2D` properties such as
        ``markersize`` or ``marker``), overriding :data:`POINT_STYLES`.

    Returns
    -------
    matplotlib.axes.Axes
        Data units are B-cun with equal aspect: y = 0 at the knee line, y = -16 at the
        lateral malleolus. Markers carry ``gid`` = point code.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return _draw_leg(
        view,
        side=side,
        highlight=highlight,
        labels=labels,
        hanzi=hanzi,
        cun_scale=cun_scale,
        landmarks=landmarks,
        ax=ax,
        points=points,
        label_size=label_size,
        **kwargs,
    )


def _draw_areas(ax: Axes, view: str, side: str, routine: Routine) -> None:
    """Numbered brackets for steps that work on an area (leg.toml ``[[areas]]``)."""
    step_index = {step.id: index for index, step in enumerate(routine.steps, start=1)}
    for area in geometry.areas():
        if area["view"] != view or area["step"] not in step_index:
            continue
        top, bottom = area["y_top"], area["y_bottom"]
        direction = 1 if (area["side"] == "right") == (side == "right") else -1
        # Keep off the side where a point label sits within the bracket's height.
        blocked = {
            1 if t.get_position()[0] > 0 else -1
            for t in ax.texts
            if (t.get_gid() or "").startswith("label:")
            and bottom - 0.3 < t.get_position()[1] < top + 0.3
        }
        if direction in blocked and -direction not in blocked:
            direction = -direction
        ys = np.linspace(bottom, top, 12)
        edge = [geometry.edges(view, y, side=side)[0 if direction < 0 else 1] for y in ys]
        x = (max(edge) if direction > 0 else min(edge)) + direction * 0.45
        tick = -direction * 0.3
        ax.add_artist(
            Line2D(
                [x + tick, x, x, x + tick],
                [top, top, bottom, bottom],
                color="#0072B2",
                linewidth=2.0,
                gid=f"area:{area['step']}",
                zorder=6,
            )
        )
        number_x, middle = x + direction * 0.75, (top + bottom) / 2
        ax.add_artist(
            Line2D(
                [number_x],
                [middle],
                linestyle="none",
                gid=f"area-marker:{area['step']}",
                zorder=7,
                markerfacecolor="#0072B2",
                markeredgecolor="white",
                **{k: v for k, v in _NUMBER_MARKER.items() if k != "markeredgecolor"},
            )
        )
        _path_text(
            ax,
            number_x,
            middle,
            str(step_index[area["step"]]),
            size=9,
            bold=True,
            color="white",
            gid=f"area-number:{area['step']}",
        )
        layout = _LAYOUTS[ax]
        layout.reach = (min(layout.reach[0], number_x - 0.8), max(layout.reach[1], number_x + 0.8))
        layout.left, layout.right = _fit_x(layout, layout.scale)
        _place(ax, layout)


def _step_numbers(routine: Routine) -> dict[str, str]:
    numbers: dict[str, list[str]] = {}
    for index, step in enumerate(routine.steps, start=1):
        for code in step.points:
            numbers.setdefault(code, [])
            if str(index) not in numbers[code]:
                numbers[code].append(str(index))
    # A point used by many steps (a long routine of your own) shows its first steps only.
    return {
        code: ",".join(values[:_MAX_NUMBERS]) + ("…" if len(values) > _MAX_NUMBERS else "")
        for code, values in numbers.items()
    }


def _draw_key(fig: Figure, routine: Routine, hanzi: bool, family: list[str]) -> None:
    """The key below the legs: numbered steps with their points, straight on the figure."""
    points = load_points()
    rows = (len(routine.steps) + 1) // 2
    top, row_height = 0.2, 0.19 / rows
    xs, ys = [], []
    for index, step in enumerate(routine.steps):
        col, row = divmod(index, rows)
        x, y = 0.04 + col * 0.48, top - row * row_height
        xs.append(x)
        ys.append(y)
        _path_text(
            fig,
            x,
            y,
            str(index + 1),
            size=9,
            bold=True,
            color="white",
            zorder=3,
            gid=f"key:number:{index + 1}",
        )
        names = "   ".join(
            f"{code} {points[code].pinyin}" + (f" {points[code].hanzi}" if hanzi else "")
            for code in step.points
            if code in points
        )
        text = f"{step.title}\n{names}" if names else step.title
        fig.text(
            x + 0.022,
            y + 0.009,
            text,
            va="top",
            fontsize=10,
            linespacing=1.35,
            fontfamily=family,
            parse_math=False,
            gid=f"key:step:{index + 1}",
        )
    fig.add_artist(
        Line2D(
            xs,
            ys,
            linestyle="none",
            marker="o",
            markersize=15,
            markerfacecolor="#0072B2",
            markeredgecolor="white",
            transform=fig.transFigure,
            gid="key:numbers",
            zorder=2,
        )
    )


def draw_routine_overview(
    routine: Routine | None = None,
    *,
    side: str = "right",
    hanzi: bool = True,
    fig: Figure | None = None,
    key: bool = True,
    title: bool = True,
    band: tuple[float, float] = (0.235, 0.66),
) -> Figure:
    """All four views side by side, each routine point numbered by its step, with a key.

    Sized for an A4-landscape handout or a projector slide.

    Parameters
    ----------
    routine : Routine, optional
        Default: the built-in routine (:func:`tutorial.load_routine`).
    side : {"right", "left"}
        Which leg.
    hanzi : bool
        Show the Chinese names in the key.
    fig : matplotlib.figure.Figure, optional
        Figure to draw into; default a new bare ``Figure`` (not managed by pyplot).
    key : bool
        Draw the key of the steps below the legs (the handout lists them itself).
    title : bool
        Draw the routine's title and the line that explains the numbers above the legs.
    band : (float, float)
        Where the legs go: bottom and height, as fractions of the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Four leg axes (in :data:`~tutorial.content.model.VIEWS` order) and a key axes. Markers carry
        ``gid`` = point code and numbers ``gid`` = ``"number:<code>"``.
    """
    routine = load_routine() if routine is None else routine
    family = register_fonts()
    if fig is None:
        fig = Figure(figsize=(11.69, 8.27), dpi=100)
    numbers = _step_numbers(routine)
    codes = list(numbers)
    (bottom, height), gap = band, 0.012
    axes = []
    for i, view in enumerate(VIEWS):
        ax = fig.add_axes((0.01 + i * 0.245, bottom, 0.235, height))
        _draw_leg(
            view,
            side=side,
            highlight=(),
            labels=True,
            hanzi=False,
            cun_scale=i == 0,
            landmarks=True,
            ax=ax,
            points=codes,
            numbers=numbers,
        )
        _draw_areas(ax, view, side, routine)
        axes.append(ax)
    # One scale for all four views: one cun is the same length in every panel.
    share_scale(fig, axes, bottom=bottom, height=height, gap=gap)
    if key:
        _draw_key(fig, routine, hanzi, family)
    if not title:
        return fig
    fig.suptitle(
        _(OVERVIEW_TITLES[side]).format(title=routine.title),
        fontsize=15,
        fontweight="bold",
        y=0.985,
        fontfamily=family,
        parse_math=False,
    )
    fig.text(
        0.5,
        0.935,
        _(OVERVIEW_NOTE),
        ha="center",
        fontsize=9.5,
        color="#444444",
        fontfamily=family,
        parse_math=False,
    )
    return fig


def _draw_area_highlight(ax: Axes, area: dict[str, Any], side: str) -> None:
    """Shade the area a step works on, inside the leg, and name it beside the leg."""
    view, top, bottom = area["view"], area["y_top"], area["y_bottom"]
    ys = np.linspace(top, bottom, 40)
    sides = np.array([geometry.edges(view, y, side=side) for y in ys])
    inset = 0.15
    xy = np.vstack(
        [
            np.column_stack([sides[:, 0] + inset, ys]),
            np.column_stack([sides[::-1, 1] - inset, ys[::-1]]),
        ]
    )
    ax.add_artist(
        PathPatch(
            Path(np.vstack([xy, xy[:1]]), closed=True),
            facecolor=POINT_STYLES["highlight"]["markerfacecolor"],
            alpha=0.45,
            edgecolor="black",
            linewidth=2.0,
            hatch="//",
            zorder=6,
            gid=f"area-highlight:{area['step']}",
        )
    )
    x = float(sides[:, 1].max()) + 0.5
    ax.annotate(
        area.get("label", ""),
        xy=(float(sides[len(ys) // 2, 1]) - 0.4, (top + bottom) / 2),
        xytext=(x, (top + bottom) / 2),
        fontsize=LABEL_STYLE["fontsize"],
        fontweight="bold",
        va="center",
        ha="left",
        fontfamily=register_fonts(),
        parse_math=False,
        gid=f"area-label:{area['step']}",
        arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.8},
        zorder=8,
    )


def draw_step(step: Step, *, side: str = "right", ax: Axes | None = None) -> Axes:
    """The picture of one routine step, with its target highlighted.

    - a step with points: the view that shows them all (:func:`geometry.best_view`), the
      points highlighted and labelled;
    - a step that works on an area (leg.toml ``[[areas]]``, e.g. kneading the calf): that
      view with the area shaded and named;
    - a step whose technique is pictured by the posture (techniques.toml ``picture``, e.g.
      the preparation): the seated posture, highlighted
      (:func:`tutorial.drawing.illustrations.draw_seated`);
    - any other step: the back of the leg.

    Every leg picture carries the orientation words (which leg, which side, knee at the top).

    Parameters
    ----------
    step : Step
    side : {"right", "left"}
        Which leg; the left leg is the mirror image.
    ax : matplotlib.axes.Axes, optional
        Default ``plt.gca()``.

    Raises
    ------
    ValueError
        If no single view shows all the step's points.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    if step.points:
        view = geometry.best_view(step.points)
        return draw_leg(view, side=side, highlight=step.points, points=None, ax=ax)
    area = next((a for a in geometry.areas() if a["step"] == step.id), None)
    if area is not None:
        draw_leg(area["view"], side=side, labels=False, points=(), ax=ax)
        _draw_area_highlight(ax, area, side)
        layout = _LAYOUTS[ax]
        label_lines = area.get("label", "").split("\n")
        words = max(_text_width_pt(line, LABEL_STYLE["fontsize"]) for line in label_lines)
        edges = [
            geometry.edges(area["view"], y, side=side)[1] for y in (area["y_top"], area["y_bottom"])
        ]
        layout.placed = [(max(edges) + 0.5, 1, words)]
        layout.left, layout.right, layout.scale = _x_limits(ax, layout)
        _place(ax, layout)
        return ax
    technique = load_techniques().get(step.technique, {})
    if technique.get("picture") == "posture":
        from .illustrations import draw_seated

        return draw_seated(ax=ax)
    return draw_leg("posterior", side=side, labels=False, points=(), ax=ax)


def step_png(
    step: Step,
    side: str = "right",
    *,
    dpi: float = 100,
    figsize: Sequence[float] = (3.2, 6.0),
) -> bytes:
    """PNG bytes of :func:`draw_step` on a bare Figure, cropped to what is drawn.

    Parameters
    ----------
    step : Step
    side : {"right", "left"}
    dpi : float
    figsize : (float, float)
        Inches.

    Raises
    ------
    ValueError
        If no single view shows all the step's points.
    """
    fig = Figure(figsize=tuple(figsize), dpi=dpi)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    draw_step(step, side=side, ax=ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, bbox_inches="tight", pad_inches=0.06, **SCREEN_PNG)
    return buffer.getvalue()


#: ``savefig`` options for PNGs made to be shown on screen (widgets, the timer): zlib level 1
#: encodes about 4x faster than the default 6 for files about 5% larger.
SCREEN_PNG: dict[str, Any] = {"format": "png", "pil_kwargs": {"compress_level": 1}}


def leg_png(
    view: str,
    *,
    side: str = "right",
    highlight: Iterable[str] = (),
    labels: bool = True,
    hanzi: bool = False,
    figsize: Sequence[float] = (3.2, 6.0),
    dpi: float = 100,
    **kwargs: Any,
) -> bytes:
    """PNG bytes of :func:`draw_leg` on a bare Figure, which is then discarded.

    Parameters
    ----------
    view, side, highlight, labels, hanzi
        As for :func:`draw_leg`.
    figsize : (float, float)
        Inches.
    dpi : float
        Dots per inch.
    **kwargs
        Passed to :func:`draw_leg` (``cun_scale=True``, ``points=[...]``, marker properties).

    Returns
    -------
    bytes
        A PNG image.
    """
    fig = Figure(figsize=tuple(figsize), dpi=dpi)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.92))
    draw_leg(view, side=side, highlight=highlight, labels=labels, hanzi=hanzi, ax=ax, **kwargs)
    buffer = io.BytesIO()
    # Cropped to what is drawn: the picture is shown scaled to fit, so margins would only
    # shrink the leg (for exact pixel-to-data mapping, draw on your own Figure instead).
    fig.savefig(buffer, dpi=dpi, bbox_inches="tight", pad_inches=0.06, **SCREEN_PNG)
    return buffer.getvalue()
