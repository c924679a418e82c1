"""Leg diagrams with matplotlib: one view of the lower leg, or the routine's four-view overview.

Seaborn-style: :func:`draw_leg` takes the view first, then keyword-only options and
``ax=None`` (falling back to ``plt.gca()``, the only pyplot call), and returns the Axes.
Images are made on a bare :class:`~matplotlib.figure.Figure` (:func:`leg_png`,
:func:`draw_routine_overview` without ``fig``), so no pyplot state changes. Nothing touches
``rcParams``. Every artist a test or widget may look for has a ``gid``:

- point markers: the point code (``"BL40"``);
- point labels: ``"label:<code>"``; overview step numbers: ``"number:<code>"``;
- landmarks: ``"landmark:<id>"`` (ids from landmarks.toml); other anatomy: ``"leg:<id>"``;
- the ruler: ``"cun-scale"``.

Hanzi are drawn with the bundled subset of Noto Sans CJK SC (SIL OFL 1.1, see
``tutorial/fonts/OFL.txt``), registered with matplotlib's font manager on first use.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from . import geometry
from .content import load_points, load_routine
from .model import VIEWS, Acupoint, Routine

__all__ = [
    "CJK_FONT_FAMILY",  # noqa: F822 - module __getattr__ registers the font on first use
    "LABEL_STYLE",
    "POINT_STYLES",
    "STYLES",
    "draw_leg",
    "draw_routine_overview",
    "leg_png",
    "register_fonts",
]

_FONT_FILE = "TutorialCJKSubset-Regular.ttf"
_CJK_FAMILY = "Tutorial CJK Subset"
_FAMILY = ["DejaVu Sans", _CJK_FAMILY]
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


def register_fonts() -> list[str]:
    """Register the bundled CJK subset font with matplotlib (once) and return the family list.

    Pass the list as ``fontfamily=`` to text that may contain hanzi: matplotlib takes Latin
    letters and pinyin from DejaVu Sans and falls back to the subset font for hanzi.
    """
    global _fonts_registered
    if not _fonts_registered:
        from matplotlib import font_manager

        font = resources.files("tutorial").joinpath("fonts", _FONT_FILE)
        font_manager.fontManager.addfont(str(font))
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
    for _ in range(50):
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
    """Rough width of a one-line label in points (hanzi are one em wide)."""
    return sum(fontsize * (1.0 if ord(c) >= 0x2E80 else 0.64) for c in text)


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


def _x_limits(
    ax: Axes, x_range: tuple[float, float], y_span: float, placed, ruler: bool
) -> tuple[float, float, float]:
    """x limits that fit the leg, the labels (estimated at the axes' scale) and the ruler.

    ``placed`` holds ``(x, direction, width_pt)`` per label; also returns the scale in
    points per cun.
    """
    box = ax.get_position()
    width_pt = box.width * ax.figure.get_figwidth() * 72
    height_pt = box.height * ax.figure.get_figheight() * 72
    scale = height_pt / y_span  # points per cun
    for _ in range(12):
        left, right = x_range[0] - 0.6, x_range[1] + 0.6
        for x_text, direction, text_pt in placed:
            end = x_text + direction * text_pt / scale
            left, right = min(left, end - 0.3), max(right, end + 0.3)
        if ruler:
            left -= 1.8
        scale = min(height_pt / y_span, width_pt / (right - left))
    return left, right, scale


def _draw_ruler(ax: Axes, x: float) -> None:
    segments = [[(x, 0.0), (x, -16.0)]]
    for tick in _RULER_TICKS:
        length = 0.45 if tick % 4 == 0 else 0.25
        segments.append([(x, -tick), (x + length, -tick)])
    ax.add_collection(
        LineCollection(segments, colors="#333333", linewidths=1.0, zorder=5, gid="cun-scale"),
        autolim=False,
    )
    for tick in range(0, 17, 4):
        ax.text(
            x - 0.2,
            -tick,
            str(tick),
            ha="right",
            va="center",
            fontsize=7,
            color="#333333",
            gid="cun-scale:label",
        )
    ax.text(x, 0.7, "B-cun", ha="center", va="bottom", fontsize=7, color="#333333")


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
            ax.text(
                x,
                y,
                numbers[code],
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                color="white" if state != "highlight" else "black",
                gid=f"number:{code}",
                zorder=7.5,
            )

    outline = geometry.outline(view, side=side)
    sole, top = geometry.leg_extent()
    x_range = (float(outline[:, 0].min()), float(outline[:, 0].max()))
    y_span = top - sole + 1.0
    anchors: list[tuple[str, float, float, int]] = []
    texts: dict[str, str] = {}
    if labels and marks:
        if numbers is not None:
            texts = {code: code for code in marks}
        else:
            texts = {code: _label_text(all_points[code], hanzi) for code in marks}
        fontsize = LABEL_STYLE["fontsize"] if numbers is None else _OVERVIEW_LABEL_FONTSIZE
        gap = _LABEL_GAP
        for _ in range(8):
            widths = {code: _text_width_pt(text, fontsize) for code, text in texts.items()}
            anchors = _layout_labels(view, side, marks, gap)
            placed = [(x, d, widths[code]) for code, x, _y, d in anchors]
            left, right, scale = _x_limits(ax, x_range, y_span, placed, cun_scale)
            box = ax.get_position()
            full_scale = box.height * ax.figure.get_figheight() * 72 / y_span
            if scale < 0.7 * full_scale and fontsize > _MIN_LABEL_FONTSIZE:
                fontsize = max(_MIN_LABEL_FONTSIZE, fontsize * 0.88)  # small picture
                continue
            needed = 1.5 * fontsize / scale  # labels need more cun apart when small
            if needed <= gap + 1e-9:
                break
            gap = needed
        _draw_labels(ax, anchors, marks, texts, family, fontsize)
    else:
        left, right, _scale = _x_limits(ax, x_range, y_span, [], cun_scale)
    if cun_scale:
        _draw_ruler(ax, left + 1.4)
    ax.set_xlim(left, right)
    ax.set_ylim(sole - 0.6, top + 0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        # An explicit y turns off matplotlib's title auto-positioning, which would build
        # tick artists for hidden axes on every draw.
        ax.set_title(f"{side.capitalize()} leg, {view} view", fontsize=10, y=1.0, pad=4)
    return ax


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
        ax.text(
            number_x,
            middle,
            str(step_index[area["step"]]),
            ha="center",
            va="center",
            fontsize=9,
            fontweight="bold",
            color="white",
            zorder=7.5,
            gid=f"area-number:{area['step']}",
        )
        left, right = ax.get_xlim()
        ax.set_xlim(min(left, number_x - 0.8), max(right, number_x + 0.8))


def _step_numbers(routine: Routine) -> dict[str, str]:
    numbers: dict[str, list[str]] = {}
    for index, step in enumerate(routine.steps, start=1):
        for code in step.points:
            numbers.setdefault(code, [])
            if str(index) not in numbers[code]:
                numbers[code].append(str(index))
    return {code: ",".join(values) for code, values in numbers.items()}


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
        fig.text(
            x,
            y,
            str(index + 1),
            ha="center",
            va="center",
            color="white",
            fontsize=9,
            fontweight="bold",
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

    Returns
    -------
    matplotlib.figure.Figure
        Four leg axes (in :data:`~tutorial.model.VIEWS` order) and a key axes. Markers carry
        ``gid`` = point code and numbers ``gid`` = ``"number:<code>"``.
    """
    routine = load_routine() if routine is None else routine
    family = register_fonts()
    if fig is None:
        fig = Figure(figsize=(11.69, 8.27), dpi=100)
    numbers = _step_numbers(routine)
    codes = list(numbers)
    bottom, height, gap = 0.235, 0.66, 0.012
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
    # One scale for all four views: widths in proportion to each view's x range.
    spans = [np.ptp(ax.get_xlim()) for ax in axes]
    y_span = np.ptp(axes[0].get_ylim())
    fig_w, fig_h = fig.get_size_inches()
    usable = 0.98 - gap * (len(axes) - 1)
    inch_per_cun = min(height * fig_h / y_span, usable * fig_w / sum(spans))
    widths = [span * inch_per_cun / fig_w for span in spans]
    x = (1.0 - sum(widths) - gap * (len(axes) - 1)) / 2
    for ax, w in zip(axes, widths, strict=True):
        ax.set_position((x, bottom, w, height))
        x += w + gap
    fig.suptitle(
        f"{routine.title}: where to press ({side} leg)",
        fontsize=15,
        fontweight="bold",
        y=0.985,
        parse_math=False,
    )
    fig.text(
        0.5,
        0.935,
        "Numbers are the routine's steps. B-cun: knee crease to outer ankle bone = 16.",
        ha="center",
        fontsize=9.5,
        color="#444444",
    )
    _draw_key(fig, routine, hanzi, family)
    return fig


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
