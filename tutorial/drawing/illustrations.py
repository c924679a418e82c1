"""Diagrams for the lessons: the first-aid stretches, and the leg views side by side.

:func:`draw_stretch` draws, seen from the side, either the seated towel stretch (knee
straight, toes pulled towards the shin with a towel) or the standing wall stretch (cramping
leg back, heel down, lean forwards). Shapes are simple strokes so that the diagram reads at a
distance on a projector and in black-and-white print.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Polygon

from ..content.i18n import N_, _
from ..content.model import VIEWS

__all__ = ["SEATED_CUES", "STRETCHES", "draw_seated", "draw_stretch", "draw_views"]

#: The stretches :func:`draw_stretch` knows, with their titles (English source text; the
#: pictures show them with ``_()`` in the current language).
STRETCHES = {
    "towel": N_("Seated: knee straight, towel pulls the toes towards the shin"),
    "wall": N_("Standing: cramping leg back, heel down, lean into the wall"),
}

COLORS = {
    "body": "#5b5b5b",
    "leg": "#1f4e9c",  # the cramping leg: blue, stands out in colour and in grey print
    "other": "#b5b5b5",
    "towel": "#e07b00",
    "arrow": "#b3001b",
    "ground": "#333333",
    "text": "#111111",
}

_LIMB = {"solid_capstyle": "round", "solid_joinstyle": "round"}


def draw_stretch(
    kind: str = "towel", *, labels: bool = True, title: bool = True, ax: Axes | None = None
) -> Axes:
    """Draw a first-aid stretch for a calf cramp, seen from the side.

    Parameters
    ----------
    kind
        ``"towel"``: sitting, knee straight, a towel around the ball of the foot pulls the
        foot and toes towards the shin. ``"wall"``: standing facing a wall, the cramping leg
        stepped back with the heel down and the knee straight, leaning forwards.
    labels
        Write the cues ("knee straight", "heel down", ...) beside the figure.
    title
        Put the stretch's one-line description above the drawing.
    ax
        Axes to draw on; default ``plt.gca()`` (the one pyplot call of this module).

    Returns
    -------
    Axes
        With equal aspect and no ticks. The cramping leg has ``gid="cramping-leg"``, the
        arrow showing the pull ``gid="stretch-arrow"``.
    """
    if kind not in STRETCHES:
        raise ValueError(f"kind must be one of {sorted(STRETCHES)}, not {kind!r}")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    (_draw_towel if kind == "towel" else _draw_wall)(ax, labels)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(
            _(STRETCHES[kind]), fontsize=12, color=COLORS["text"], wrap=True, fontfamily=_family()
        )
    return ax


def _family() -> list[str]:
    from .legs import register_fonts  # DejaVu Sans with the bundled CJK font for hanzi

    return register_fonts()


def _line(ax: Axes, xs: list[float], ys: list[float], color: str, width: float, **kw: Any):
    (line,) = ax.plot(xs, ys, color=color, linewidth=width, **_LIMB, **kw)
    return line


def _label(ax: Axes, xy: tuple[float, float], text_xy: tuple[float, float], text: str) -> None:
    ax.annotate(
        text,
        xy=xy,
        xytext=text_xy,
        fontsize=12,
        fontweight="bold",
        color=COLORS["text"],
        ha="center",
        va="center",
        fontfamily=_family(),
        parse_math=False,
        arrowprops={"arrowstyle": "-", "color": "#444444", "linewidth": 1.2, "shrinkB": 6},
    )


def _draw_towel(ax: Axes, labels: bool) -> None:
    ground = -0.05
    ax.plot([-0.5, 11.5], [ground, ground], color=COLORS["ground"], linewidth=2)
    hip, knee, ankle = (2.2, 0.75), (6.2, 0.75), (8.9, 0.75)
    # The other leg, bent, in the background.
    _line(ax, [hip[0], 3.9, 4.5], [hip[1], 3.0, 0.25], COLORS["other"], 13, zorder=1)
    _line(ax, [4.5, 5.2], [0.2, 0.2], COLORS["other"], 10, zorder=1)
    # Trunk, head and the seat.
    shoulder = (3.1, 4.9)
    _line(ax, [hip[0], shoulder[0]], [hip[1], shoulder[1]], COLORS["body"], 22, zorder=2)
    ax.add_patch(Circle((3.45, 5.95), 0.72, color=COLORS["body"], zorder=2))
    # The cramping leg: straight, heel on the floor; the foot pulled back towards the shin.
    leg = _line(ax, [hip[0], knee[0], ankle[0]], [hip[1], knee[1], ankle[1]], COLORS["leg"], 16)
    leg.set_gid("cramping-leg")
    leg.set_zorder(3)
    ax.add_patch(
        Polygon(
            [(8.4, 1.2), (8.75, 0.25), (9.55, 0.25), (9.6, 2.3), (9.2, 3.1), (8.7, 2.9)],
            closed=True,
            color=COLORS["leg"],
            zorder=3,
            gid="cramping-foot",
        )
    )
    # Arms reach forward to the towel; the towel loops behind the ball of the foot.
    hands = (6.3, 3.0)
    _line(ax, [shoulder[0], 4.8, hands[0]], [shoulder[1] - 0.2, 3.8, hands[1]], COLORS["body"], 9)
    towel = _line(
        ax,
        [hands[0], 9.85, 9.85, hands[0]],
        [hands[1] + 0.15, 2.75, 1.75, hands[1] - 0.15],
        COLORS["towel"],
        6,
        zorder=4,
    )
    towel.set_gid("towel")
    ax.add_patch(Circle(hands, 0.32, color=COLORS["body"], zorder=5))
    # The pull: toes rotate back towards the shin.
    ax.add_patch(
        FancyArrowPatch(
            (10.6, 1.5),
            (9.3, 3.75),
            connectionstyle="arc3,rad=0.5",
            arrowstyle="-|>,head_length=9,head_width=6",
            color=COLORS["arrow"],
            linewidth=3,
            zorder=6,
            gid="stretch-arrow",
        )
    )
    if labels:
        _label(ax, knee, (6.2, -1.3), _("Knee straight"))
        _label(ax, (10.55, 2.9), (12.0, 4.6), _("Toes pulled\ntowards\nthe shin"))
        _label(ax, (7.9, 2.75), (7.0, 6.2), _("Towel round the\nball of the foot"))
    ax.set_xlim(-0.6, 13.4)
    ax.set_ylim(-1.9, 7.0)


def _draw_wall(ax: Axes, labels: bool) -> None:
    ax.plot([-0.5, 10.6], [0, 0], color=COLORS["ground"], linewidth=2)
    ax.plot([10.6, 10.6], [0, 9.8], color=COLORS["ground"], linewidth=5)
    ax.fill_between([10.6, 11.2], 0, 9.8, color="#d9d9d9")
    hip, shoulder, head = (5.2, 4.3), (7.5, 7.0), (8.1, 7.85)
    # The front leg, bent at the knee.
    _line(ax, [hip[0], 7.3, 7.1], [hip[1], 2.4, 0.35], COLORS["other"], 14, zorder=1)
    _line(ax, [6.9, 8.1], [0.15, 0.15], COLORS["other"], 10, zorder=1)
    # The cramping leg: stepped back, knee straight, heel down.
    ankle = (2.1, 0.55)
    leg = _line(ax, [hip[0], ankle[0]], [hip[1], ankle[1]], COLORS["leg"], 16, zorder=3)
    leg.set_gid("cramping-leg")
    ax.add_patch(
        Polygon(
            [(1.65, 0.75), (1.55, 0.05), (3.4, 0.05), (3.1, 0.45)],
            closed=True,
            color=COLORS["leg"],
            zorder=3,
            gid="cramping-foot",
        )
    )
    # Trunk in line with the back leg, head, arms to the wall.
    _line(ax, [hip[0], shoulder[0]], [hip[1], shoulder[1]], COLORS["body"], 22, zorder=2)
    ax.add_patch(Circle(head, 0.72, color=COLORS["body"], zorder=2))
    _line(ax, [shoulder[0], 9.0, 10.35], [shoulder[1] - 0.1, 6.2, 6.9], COLORS["body"], 9)
    ax.add_patch(
        FancyArrowPatch(
            (6.0, 8.6),
            (8.6, 9.6),
            arrowstyle="-|>,head_length=8,head_width=5",
            color=COLORS["arrow"],
            linewidth=2.8,
            zorder=6,
            gid="stretch-arrow",
        )
    )
    if labels:
        _label(ax, (1.9, 0.2), (1.4, -1.4), _("Heel down"))
        _label(ax, (3.6, 2.4), (1.4, 3.6), _("Back knee\nstraight"))
        ax.text(
            4.4,
            9.1,
            _("Lean forwards"),
            fontsize=12,
            fontweight="bold",
            ha="center",
            color=COLORS["text"],
            fontfamily=_family(),
            parse_math=False,
        )
    ax.set_xlim(-0.6, 11.4)
    ax.set_ylim(-2.0, 10.2)


def draw_views(
    highlight: Iterable[str] = (),
    *,
    views: Iterable[str] | None = None,
    cun_scale: bool = False,
    hanzi: bool = False,
    fig: Figure | None = None,
) -> Figure:
    """Leg views side by side, with the ``highlight`` points standing out.

    Parameters
    ----------
    highlight
        Point codes to highlight (``["BL40"]``).
    views
        Which views to draw, in :data:`~tutorial.content.model.VIEWS` order. Default: every view
        that shows one of the highlighted points, or all four when nothing is highlighted.
    cun_scale
        Draw the B-cun ruler beside each leg.
    hanzi
        Add the Chinese characters to the point labels.
    fig
        Figure to draw into; default a new :class:`~matplotlib.figure.Figure` (not pyplot),
        with a 3.2 x 6 figsize per view.

    Returns
    -------
    Figure
        One axes per view, each with the words to orient it by (which leg, which side,
        knee at the top), all at one scale: one cun is the same length in every panel.
    """
    from ..content.geometry import visible_views
    from .legs import LABEL_STYLE, draw_leg, share_scale

    highlight = tuple(highlight)
    if views is None:
        shown = {v for code in highlight for v in visible_views(code)}
        views = [v for v in VIEWS if v in shown] if shown else list(VIEWS)
    views = [v for v in VIEWS if v in set(views)]
    if not views:
        raise ValueError(f"views must name some of {list(VIEWS)}")
    if fig is None:
        fig = Figure(figsize=(3.2 * len(views), 6.0))
    n = len(views)
    axes = []
    for i, view in enumerate(views):
        ax = fig.add_axes(((i + 0.02) / n, 0.02, 0.96 / n, 0.96))
        axes.append(
            draw_leg(
                view,
                highlight=highlight,
                cun_scale=cun_scale,
                hanzi=hanzi,
                ax=ax,
                label_size=LABEL_STYLE["fontsize"],  # one size in every panel
            )
        )
    # One scale for every panel: one cun is the same length in each view.
    share_scale(fig, axes, bottom=0.02, height=0.96)
    return fig


#: The words of :func:`draw_seated`: what the preparation step asks for, pointed at
#: (English source text, shown with ``_()``).
SEATED_CUES = {
    "title": N_("Step 1 posture, seen from the side"),
    "back": N_("Sit upright"),
    "hands": N_("Hands on the\nlower belly"),
    "feet": N_("Feet flat on the floor,\nshoulder-width apart"),
    "eyes": N_("Eyes gently closed"),
}
#: The colour that marks a step's target in every step picture (as the highlighted points).
TARGET = "#E69F00"


def draw_seated(*, labels: bool = True, ax: Axes | None = None) -> Axes:
    """The preparation posture (step 1), seen from the side, the whole posture highlighted.

    Sitting upright on a chair, feet flat on the floor, hands resting on the lower belly,
    eyes gently closed. The body has ``gid="posture"``.

    Returns
    -------
    Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    ground = 0.0
    ax.plot([-0.5, 8.5], [ground, ground], color=COLORS["ground"], linewidth=2)
    # The chair: seat, back and legs, in grey.
    chair = {"color": "#9a9a9a", "linewidth": 4, **_LIMB}
    ax.plot([1.2, 4.2], [3.6, 3.6], **chair)
    ax.plot([1.2, 1.0], [3.6, 8.0], **chair)
    ax.plot([1.4, 1.4], [3.6, 0.0], **chair)
    ax.plot([4.0, 4.0], [3.6, 0.0], **chair)
    hip, knee, ankle = (2.0, 4.1), (5.3, 4.1), (5.3, 0.45)
    shoulder, head = (2.2, 8.0), (2.45, 9.25)
    body = {"color": TARGET, "zorder": 3}
    _line(ax, [hip[0], knee[0], ankle[0]], [hip[1], knee[1], ankle[1]], TARGET, 15, zorder=3)
    _line(ax, [ankle[0] - 0.2, ankle[0] + 1.3], [0.2, 0.2], TARGET, 10, zorder=3)
    trunk = _line(ax, [hip[0], shoulder[0]], [hip[1], shoulder[1]], TARGET, 22, zorder=3)
    trunk.set_gid("posture")
    ax.add_patch(Circle(head, 0.75, **body))
    _line(ax, [2.7, 2.95], [9.35, 9.3], "#5b3200", 2, zorder=4)  # a closed eye
    belly = (3.05, 4.9)
    _line(ax, [shoulder[0], 3.2, belly[0]], [shoulder[1] - 0.3, 6.3, belly[1]], "#b36b00", 8)
    ax.add_patch(Circle(belly, 0.33, color="#b36b00", zorder=5))
    if labels:
        _label(ax, (2.0, 6.5), (-0.2, 6.9), _(SEATED_CUES["back"]))
        _label(ax, belly, (6.9, 6.3), _(SEATED_CUES["hands"]))
        _label(ax, (6.2, 0.25), (7.0, -1.4), _(SEATED_CUES["feet"]))
        _label(ax, (2.95, 9.45), (6.4, 10.6), _(SEATED_CUES["eyes"]))
    ax.set_title(_(SEATED_CUES["title"]), fontsize=11, color=COLORS["text"], fontfamily=_family())
    ax.set_xlim(-1.6, 9.4)
    ax.set_ylim(-2.4, 11.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
