"""Charts of a routine's timing: its timeline, its variants, and planned against actual times.

Axes-level functions in the seaborn manner: data first, keyword-only options, ``ax=None``
(falling back to ``plt.gca()``), and the Axes returned. Bars carry a ``gid`` so tests and
:class:`Timeline` can find them; :class:`Timeline` keeps one figure and moves its bars when
the durations change, instead of drawing a new figure each time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ..content.i18n import N_, _
from ..content.loader import load_routine
from ..content.model import Routine
from ..content.timing import Plan, build_plan, format_minutes

__all__ = [
    "STEP_COLORS",
    "Timeline",
    "draw_planned_vs_actual",
    "draw_timeline",
    "draw_variants",
    "format_minutes",
]

#: Okabe-Ito colours (safe for colour-blind viewers), one per step, repeating.
STEP_COLORS = (
    "#999999",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
SWITCH_COLOR = "#444444"

Legs = Literal["one", "both"]


#: The legs as the charts name them (timer records say ``"right"`` or ``"left"``).
LEG_NAMES = {"right": N_("right leg"), "left": N_("left leg")}


def _family() -> list[str]:
    from .legs import register_fonts  # DejaVu Sans with the bundled CJK font for hanzi

    return register_fonts()


def _style_axes(ax: Axes) -> None:
    """Tick labels in the course's fonts (numbers in DejaVu Sans, hanzi in the CJK subset)."""
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(_family())
    ax.xaxis.label.set_fontfamily(_family())


def _gca(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def _color(plan: Plan, index: int) -> str:
    seg = plan[index]
    return SWITCH_COLOR if seg.step_index is None else STEP_COLORS[seg.step_index % 8]


def _rows(routine: Routine, legs: Legs) -> list[str]:
    rows = [
        _("{number}. {title}").format(number=i, title=step.title)
        for i, step in enumerate(routine.steps, start=1)
    ]
    return [*rows, _("Switch legs")] if legs == "both" else rows


def _row_of(plan: Plan, index: int, n_steps: int) -> int:
    seg = plan[index]
    return n_steps if seg.step_index is None else seg.step_index


def draw_timeline(
    routine: Routine | None = None,
    *,
    legs: Legs = "one",
    ranges: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Draw a routine as a timeline: one row per step, a bar for each time it runs.

    Parameters
    ----------
    routine
        Default: the built-in routine. Each step lasts its ``default_seconds``.
    legs
        ``"one"``, or ``"both"`` (the steps twice, with a "switch legs" pause between).
    ranges
        Draw a thin line from each step's shortest to its longest allowed end.
    ax
        Axes to draw on; default ``plt.gca()``.

    Returns
    -------
    Axes
        Bars have ``gid="segment-<i>"``, range lines (with end ticks) ``gid="range-<i>"``
        (``i`` = segment index in :func:`tutorial.content.timing.build_plan`), the total line
        ``gid="total"``.
    """
    routine = routine if routine is not None else load_routine()
    ax = _gca(ax)
    plan = build_plan(routine, legs)
    rows = _rows(routine, legs)
    n = len(routine.steps)
    # Plain patches and lines, not barh()/plot(): those cost ~20 ms a call, and a routine of
    # 50 steps on both legs has 101 segments (bench/fifty_steps.py).
    for i, seg in enumerate(plan):
        row = _row_of(plan, i, n)
        ax.add_patch(
            Rectangle(
                (seg.start_seconds / 60, row - 0.31),
                seg.planned_seconds / 60,
                0.62,
                facecolor=_color(plan, i),
                edgecolor="#222222",
                linewidth=0.8,
                gid=f"segment-{i}",
            )
        )
        if ranges and seg.step_index is not None:
            step = routine.steps[seg.step_index]
            xs = [
                (seg.start_seconds + step.min_seconds) / 60,
                (seg.start_seconds + step.max_seconds) / 60,
            ]
            ax.add_line(
                Line2D(
                    xs,
                    [row, row],
                    color="#222222",
                    linewidth=1.6,
                    marker="|",
                    markersize=10,
                    gid=f"range-{i}",
                )
            )
    total = plan.total_seconds / 60
    ax.axvline(total, color="#B3001B", linewidth=2, linestyle="--", gid="total")
    ax.text(
        total,
        -0.85,
        " " + _total_label(plan.total_seconds),
        color="#B3001B",
        fontsize=11,
        fontweight="bold",
        va="center",
        fontfamily=_family(),
        parse_math=False,
        gid="total-label",
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=10, parse_math=False)
    ax.tick_params(axis="y", left=False)  # the bars mark the rows; fewer lines to draw
    ax.set_ylim(len(rows) - 0.4, -1.3)
    ax.set_xlabel(_("minutes from the start"))
    ax.set_xlim(0, max(total, routine.max_total_seconds * (2 if legs == "both" else 1) / 60) * 1.08)
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _style_axes(ax)
    return ax


def _total_label(seconds: float) -> str:
    return _("total {duration}").format(duration=format_minutes(seconds))


class Timeline:
    """A timeline figure that is drawn once and then updated in place.

    Parameters
    ----------
    routine
        The routine to show; later calls to :meth:`update` may change its durations (the
        steps must stay the same).
    legs
        ``"one"`` or ``"both"``.
    figsize, dpi
        Size of the figure and of :meth:`png`; the default height grows with the number of
        steps beyond about a dozen.
    """

    def __init__(
        self,
        routine: Routine | None = None,
        *,
        legs: Legs = "one",
        figsize: tuple[float, float] | None = None,
        dpi: int = 90,
    ) -> None:
        self.routine = routine if routine is not None else load_routine()
        self.legs = legs
        self.dpi = dpi
        if figsize is None:  # 9 x 4.2 inches, taller for long routines: rows stay legible
            rows = len(_rows(self.routine, legs))
            figsize = (9.0, max(4.2, 0.24 * rows + 1.3))
        self.figure = Figure(figsize=figsize, layout="constrained")
        self.ax = self.figure.add_subplot()
        draw_timeline(self.routine, legs=legs, ax=self.ax)
        self._artists = {a.get_gid(): a for a in self.ax.get_children() if a.get_gid()}
        self._initial_xmax = self.ax.get_xlim()[1]

    def update(self, routine: Routine) -> None:
        """Move the bars to ``routine``'s durations (same steps, new ``default_seconds``)."""
        if [s.id for s in routine.steps] != [s.id for s in self.routine.steps]:
            raise ValueError("Timeline.update() needs a routine with the same steps")
        self.routine = routine
        plan = build_plan(routine, self.legs)
        for i, seg in enumerate(plan):
            bar = self._artists[f"segment-{i}"]
            bar.set_x(seg.start_seconds / 60)
            bar.set_width(seg.planned_seconds / 60)
            if seg.step_index is not None:
                step = routine.steps[seg.step_index]
                xs = [(seg.start_seconds + s) / 60 for s in (step.min_seconds, step.max_seconds)]
                self._artists[f"range-{i}"].set_xdata(xs)
        total = plan.total_seconds / 60
        self._artists["total"].set_xdata([total, total])
        label = self._artists["total-label"]
        label.set_x(total)
        label.set_text(" " + _total_label(plan.total_seconds))
        self.ax.set_xlim(0, max(self._initial_xmax, total * 1.08))
        if self.figure.canvas is not None:
            self.figure.canvas.draw_idle()

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        return buffer.getvalue()


def draw_variants(
    routine: Routine | None = None,
    *,
    custom: Routine | None = None,
    legs: Legs = "one",
    ax: Axes | None = None,
) -> Axes:
    """Compare the total time of the quick, default and full variants (and a custom one).

    Each bar is stacked from the steps, in the timeline's colours, with its total written
    at the end.

    Parameters
    ----------
    routine
        Default: the built-in routine.
    custom
        A routine of your own (e.g. from the timing lab) to add as a fourth bar.
    legs
        ``"one"`` or ``"both"`` legs (both: the steps twice plus the switch).
    ax
        Axes to draw on; default ``plt.gca()``.

    Returns
    -------
    Axes
        The stacked pieces have ``gid="<variant>-<i>"``, the totals ``gid="<variant>-total"``.
    """
    routine = routine if routine is not None else load_routine()
    ax = _gca(ax)
    variants = [
        ("quick", _("Quick: every step at its shortest"), routine.variant("quick")),
        ("default", _("Default: the middle of each range"), routine.variant("default")),
        ("full", _("Full: every step at its longest"), routine.variant("full")),
    ]
    if custom is not None:
        variants.append(("custom", _("Custom: {title}").format(title=custom.title), custom))
    for row, (key, _label, variant) in enumerate(variants):
        plan = build_plan(variant, legs)
        for i, seg in enumerate(plan):
            ax.barh(
                row,
                seg.planned_seconds / 60,
                left=seg.start_seconds / 60,
                height=0.6,
                color=_color(plan, i),
                edgecolor="white",
                linewidth=0.8,
                gid=f"{key}-{i}",
            )
        ax.text(
            plan.total_seconds / 60,
            row,
            "  " + format_minutes(plan.total_seconds),
            va="center",
            fontsize=12,
            fontweight="bold",
            fontfamily=_family(),
            parse_math=False,
            gid=f"{key}-total",
        )
    ax.set_yticks(
        range(len(variants)),
        [label for _key, label, _routine in variants],
        fontsize=10,
        parse_math=False,
    )
    ax.invert_yaxis()
    longest = max(build_plan(v, legs).total_seconds for *_rest, v in variants) / 60
    ax.set_xlim(0, longest * 1.25)
    ax.set_xlabel(_("minutes (both legs)") if legs == "both" else _("minutes (one leg)"))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _style_axes(ax)
    return ax


def _field(record: Any, name: str) -> Any:
    return record[name] if isinstance(record, Mapping) else getattr(record, name)


def draw_planned_vs_actual(
    history: Iterable[Any],
    routine: Routine | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Planned against actual seconds for each step of a timer session.

    Parameters
    ----------
    history
        ``StepTimer.history``: records (objects or mappings) with ``segment``, ``step_id``,
        ``leg``, ``planned_seconds`` and ``actual_seconds``. Visits to the same segment
        (after going back or restarting a step) are added up.
    routine
        Used for the step titles; default the built-in routine.
    ax
        Axes to draw on; default ``plt.gca()``.

    Returns
    -------
    Axes
        Planned bars have ``gid="planned-<segment>"``, actual bars ``gid="actual-<segment>"``.
    """
    routine = routine if routine is not None else load_routine()
    ax = _gca(ax)
    titles = {
        step.id: _("{number}. {title}").format(number=i, title=step.title)
        for i, step in enumerate(routine.steps, start=1)
    }
    rows: dict[int, dict[str, Any]] = {}
    for record in history:
        seg = int(_field(record, "segment"))
        row = rows.setdefault(
            seg,
            {
                "label": titles.get(_field(record, "step_id"), str(_field(record, "step_id"))),
                "leg": _field(record, "leg"),
                "planned": float(_field(record, "planned_seconds")),
                "actual": 0.0,
            },
        )
        row["actual"] += float(_field(record, "actual_seconds"))
    legs = {row["leg"] for row in rows.values()}
    for y, (seg, row) in enumerate(sorted(rows.items())):
        ax.barh(y - 0.2, row["planned"], height=0.38, color="#BBBBBB", gid=f"planned-{seg}")
        ax.barh(y + 0.2, row["actual"], height=0.38, color="#0072B2", gid=f"actual-{seg}")
    labels = [
        _("{step} ({leg})").format(step=row["label"], leg=_leg_name(row["leg"]))
        if len(legs) > 1
        else row["label"]
        for _seg, row in sorted(rows.items())
    ]
    ax.set_yticks(range(len(labels)), labels, fontsize=10, parse_math=False)
    ax.invert_yaxis()
    ax.set_xlabel(_("seconds"))
    if rows:
        ax.legend(
            handles=[ax.patches[0], ax.patches[1]],
            labels=[_("planned"), _("actual")],
            loc="lower right",  # i18n: ignore
            prop={"family": _family()},
        )
    else:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            _("No steps timed yet."),  # "run this cell again" is in the lesson (JupyterLab only)
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=13,
            fontfamily=_family(),
        )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _style_axes(ax)
    return ax


def _leg_name(leg: Any) -> str:
    return _(LEG_NAMES[leg]) if leg in LEG_NAMES else str(leg)
