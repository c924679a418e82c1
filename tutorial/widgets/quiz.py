"""Find-the-point practice widgets: locate a point, name a point, which step uses it.

::

    import tutorial

    tutorial.PointQuiz(seed=1)  # mixed, adaptive practice with a summary
    tutorial.LocatePointQuiz(seed=1)  # only "click where the point is"
    tutorial.NamePointQuiz(seed=1)  # name the marked point / which step uses it
    tutorial.PointQuiz(seed=1, path=None)  # keep progress in memory, write no file

The picture is a PNG made from a :class:`matplotlib.figure.Figure` of known size and dpi
(no ``bbox_inches="tight"``). The browser reports a click as fractions of the displayed
image box; :func:`fraction_to_data` maps them to figure pixels and then to diagram
coordinates (cun) with ``ax.transData``, so scoring is exact at any widget width, figure
size or browser zoom. Each view's leg is drawn once; feedback only moves a few overlay
artists and re-renders the PNG.
"""

from __future__ import annotations

import html
import io
import logging
import math
import traceback
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import matplotlib
import numpy as np
import traitlets
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..content.i18n import N_, _, format_decimal, format_list, ngettext, pgettext
from ..content.loader import load_landmarks
from ..content.practice import (
    KINDS,
    PointStats,
    PracticeSession,
    Question,
    Score,
    load_quiz_settings,
)
from .picture import Picture
from .style import hanzi_fonts
from .text import PlainText

__all__ = [
    "ClickImage",
    "LocatePointQuiz",
    "NamePointQuiz",
    "PointQuiz",
    "data_to_fraction",
    "draw_quiz_summary",
    "fraction_to_data",
    "landmark_guide",
]

_log = logging.getLogger(__name__)
_STATIC = Path(__file__).parent.parent / "static"
#: A view's name in the picture's text alternative ("anterior view of the leg").
_VIEW_WORDS = {
    "anterior": N_("anterior"),
    "lateral": N_("lateral"),
    "posterior": N_("posterior"),
    "medial": N_("medial"),
}
_TRENDS = {"better": N_("↓ better"), "worse": N_("↑ worse"), "steady": N_("→ steady")}
_BADGE = {
    "right": ("✓", "#E8F4EC", "#1B6E3A"),
    "close": ("≈", "#FFF4DC", "#8A5A00"),
    "missed": ("✗", "#FBE9E1", "#A33A00"),
}


# -- click mapping --------------------------------------------------------------------------


def fraction_to_data(ax: Axes, fx: float, fy: float) -> tuple[float, float]:
    """Map a click at fractions ``(fx, fy)`` of the rendered image (0,0 top left) to data.

    The figure must have been drawn (its PNG rendered) at its own dpi, without cropping:
    image pixels are then figure pixels, and ``ax.transData`` is the one that was used.
    """
    width, height = ax.figure.canvas.get_width_height()
    x, y = ax.transData.inverted().transform((fx * width, (1.0 - fy) * height))
    return float(x), float(y)


def data_to_fraction(ax: Axes, x: float, y: float) -> tuple[float, float]:
    """The inverse of :func:`fraction_to_data`: where data ``(x, y)`` is in the image."""
    width, height = ax.figure.canvas.get_width_height()
    px, py = ax.transData.transform((x, y))
    return float(px / width), float(1.0 - py / height)


# -- the clickable picture ------------------------------------------------------------------


class ClickImage(anywidget.AnyWidget):
    """A PNG that reports clicks as fractions of its displayed box.

    ``click`` becomes ``{"fx": ..., "fy": ..., "n": ...}`` on each click while
    ``enabled``; ``n`` differs between clicks so that two clicks on one spot are two changes.
    """

    _esm = _STATIC / "quiz.js"
    _css = _STATIC / "quiz.css"

    png = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    enabled = traitlets.Bool(True).tag(sync=True)
    click = traitlets.Dict({}).tag(sync=True)


class _ViewPicture:
    """One view of the leg, drawn once, with overlay artists that feedback moves."""

    @hanzi_fonts()
    def __init__(self, view: str, *, side: str, figsize: Sequence[float], dpi: int):
        from ..drawing.legs import draw_leg  # imported on use: drawing registers fonts

        settings = load_quiz_settings()
        colours = settings.colours
        self.view = view
        self.side = side
        self.fig = Figure(figsize=tuple(figsize), dpi=dpi, facecolor="white")
        FigureCanvasAgg(self.fig)
        # room above for draw_leg's title and below for the key of the feedback marks
        ax = self.fig.add_axes((0.02, 0.125, 0.96, 0.82))
        self.ax = draw_leg(view, side=side, labels=False, points=(), landmarks=True, ax=ax)
        self.ax.set_autoscale_on(False)
        # markers: filled X for the click, open ring for the true spot (shape + colour)
        common = {"zorder": 20, "clip_on": False}
        (self.link,) = ax.plot([], [], ls="--", lw=1.5, color=colours["click"], **common)
        (self.landmark,) = ax.plot([], [], lw=3, alpha=0.9, color=colours["landmark"], **common)
        (self.true,) = ax.plot(
            [], [], ls="", marker="o", ms=18, mfc="none", mew=3, color=colours["true"], **common
        )
        (self.click,) = ax.plot(
            [], [], ls="", marker="X", ms=13, color=colours["click"], mec="white", mew=1, **common
        )
        text = {"zorder": 21, "parse_math": False, "clip_on": False}
        box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85}
        self.true_text = ax.text(
            0, 0, "", color=colours["true"], bbox=box, weight="bold", fontsize=10, **text
        )
        # a key under the leg says what each mark is, in words as well as colours
        self.keys = {
            name: ax.text(
                0.03,
                0.1 - 0.033 * row,
                "",
                transform=self.fig.transFigure,
                color=colours[name],
                fontsize=8.5,
                va="top",
                bbox=box,
                **text,
            )
            for row, name in enumerate(("true", "click", "landmark"))
        }
        self.overlays = (
            self.link,
            self.landmark,
            self.true,
            self.click,
            self.true_text,
            *self.keys.values(),
        )

    def clear(self) -> None:
        for artist in self.overlays:
            artist.set_visible(False)

    def _key(self, name: str, text: str) -> None:
        self.keys[name].set_text(text)
        self.keys[name].set_visible(True)

    def mark_true(self, xy: tuple[float, float], label: str, key: str = "") -> None:
        self.true.set_data([xy[0]], [xy[1]])
        self.true.set_visible(True)
        # the label sits on the side of the ring that faces the middle of the picture
        x0, x1 = self.ax.get_xlim()
        left = xy[0] > (x0 + x1) / 2
        self.true_text.set_position((xy[0] + (-0.75 if left else 0.75), xy[1]))
        self.true_text.set_text(label)
        self.true_text.set_ha("right" if left else "left")
        self.true_text.set_va("center")
        self.true_text.set_visible(bool(label))
        if key:
            self._key("true", key)

    def mark_click(self, click: tuple[float, float], true: tuple[float, float], dist: float):
        self.click.set_data([click[0]], [click[1]])
        self.link.set_data([click[0], true[0]], [click[1], true[1]])
        self.click.set_visible(True)
        self.link.set_visible(dist > 0.3)
        self._key(
            "click",
            _("cross: your click, {distance} cun away").format(distance=format_decimal(dist, 1)),
        )

    def mark_landmark(self, landmark_id: str, near: tuple[float, float], name: str) -> None:
        guide = landmark_guide(landmark_id, self.view, near, side=self.side)
        if guide is None:
            return
        paths, _start = guide
        # one Line2D for all pieces: NaN rows split them
        gap = np.full((1, 2), np.nan)
        joined = np.vstack([part for path in paths for part in (path, gap)])
        self.landmark.set_data(joined[:, 0], joined[:, 1])
        self.landmark.set_visible(True)
        self._key("landmark", _("green: {landmark}, start from here").format(landmark=name))

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # print_png draws at the figure's own dpi and never crops (unlike savefig with
        # a user's savefig.bbox = "tight"), so image pixels are figure pixels
        self.fig.canvas.print_png(buffer)
        return buffer.getvalue()


def landmark_guide(
    landmark_id: str, view: str, near: tuple[float, float], *, side: str = "right"
) -> tuple[list[np.ndarray], tuple[float, float]] | None:
    """The outlines of landmark ``landmark_id`` in ``view`` and the spot on them nearest to
    ``near`` (where to start from), or None when the view does not show that landmark."""
    from ..content.geometry import features

    paths = [f.path for f in features(view, side=side) if f.landmark == landmark_id]
    if not paths:
        return None
    every = np.vstack(paths)
    nearest = every[np.argmin(np.hypot(every[:, 0] - near[0], every[:, 1] - near[1]))]
    return paths, (float(nearest[0]), float(nearest[1]))


# -- the summary chart ----------------------------------------------------------------------


@hanzi_fonts()
def draw_quiz_summary(stats: Sequence[PointStats], *, ax: Axes | None = None) -> Axes:
    """Bar chart of the mean click error (cun) per point, with attempts and trend.

    Parameters
    ----------
    stats
        From :meth:`tutorial.content.practice.PracticeSession.summary`.
    ax
        Axes to draw on; default: the current pyplot Axes.

    Returns
    -------
    Axes
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    settings = load_quiz_settings()
    codes = [s.code for s in stats]
    ys = range(len(stats))
    errors = [s.mean_error_cun if s.mean_error_cun is not None else 0.0 for s in stats]
    colours = [
        "#BBBBBB"
        if s.mean_error_cun is None
        else "#009E73"
        if s.mean_error_cun <= settings.right_cun
        else "#E69F00"
        if s.mean_error_cun <= settings.close_cun
        else "#D55E00"
        for s in stats
    ]
    for bar in ax.barh(list(ys), errors, color=colours, height=0.6):
        bar.set_gid("quiz-summary-bar")
    top = max([settings.close_cun * 1.6, *errors]) * 1.15
    # The two limits' names sit above the bars on either side of their lines, so they
    # never run into each other however close the limits are.
    for limit, name, align in (
        (settings.right_cun, pgettext("answer", "right") + " ", "right"),
        (settings.close_cun, " " + pgettext("answer", "close"), "left"),
    ):
        ax.axvline(limit, color="#555555", lw=0.8, ls=":")
        ax.text(limit, -0.9, name, fontsize=9, ha=align, color="#333333", parse_math=False)
    # Each point's figures go in a column right of the plot, never over a bar or a line.
    for y, s, err in zip(ys, stats, errors, strict=True):
        if s.attempts == 0:
            note = _("not asked yet")
        else:
            note = _tries(s)
            if s.mean_error_cun is not None:
                note = _("{error} cun · {tries}").format(error=_cun(err), tries=note)
                if s.trend in _TRENDS:
                    note += " " + _(_TRENDS[s.trend])
        ax.text(
            1.03,
            y,
            note,
            va="center",
            fontsize=9,
            color="#1b1b1b",
            transform=ax.get_yaxis_transform(),
            clip_on=False,
            gid="quiz-summary-note",
            parse_math=False,
        )
    ax.set_yticks(list(ys), codes)
    ax.invert_yaxis()
    ax.set_xlim(0, top)
    ax.set_ylim(len(stats) - 0.4, -1.3)
    ax.set_xlabel(
        _("mean distance of your clicks from the point (cun)"),
        fontsize=9,
        fontfamily=matplotlib.rcParams["font.family"],  # the hanzi font (hanzi_fonts)
    )
    ax.tick_params(labelsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _cun(value: float) -> str:
    """A distance in cun with one decimal, in the language's number format."""
    from babel.numbers import format_decimal as babel_format

    from ..content.i18n import babel_locale

    return babel_format(value, format="0.0", locale=babel_locale())


def _tries(stats: PointStats) -> str:
    """``"3 tries, 2 right"``."""
    return ngettext("{n} try, {right} right", "{n} tries, {right} right", stats.attempts).format(
        n=stats.attempts, right=stats.right
    )


@hanzi_fonts()
def _summary_figure(stats: Sequence[PointStats]) -> Figure:
    fig = Figure(figsize=(7.0, 0.34 * len(stats) + 1.1), layout="constrained")
    FigureCanvasAgg(fig)
    draw_quiz_summary(stats, ax=fig.add_subplot())
    return fig


def _summary_svg(stats: Sequence[PointStats]) -> bytes:
    """The progress chart as SVG: vector, so it is sharp at any size on any screen."""
    fig = _summary_figure(stats)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})  # i18n: ignore
    fig.clear()
    return buffer.getvalue()


def _summary_alt(stats: Sequence[PointStats]) -> str:
    """The chart's text alternative: one clause per point."""
    parts = []
    for s in stats:
        if s.attempts == 0:
            parts.append(_("{code} not asked yet").format(code=s.code))
        elif s.mean_error_cun is None:
            parts.append(_("{code}: {tries}").format(code=s.code, tries=_tries(s)))
        else:
            parts.append(
                _("{code}: {error} cun off on average, {right} right").format(
                    code=s.code, error=_cun(s.mean_error_cun), right=s.right
                )
            )
    separator = pgettext("separator between clauses", "; ")
    return _("Chart of how far your clicks were from each point: {points}.").format(
        points=separator.join(parts)
    )


# -- the widget -----------------------------------------------------------------------------


def _shows_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Show an exception raised by a widget callback in the widget instead of losing it."""

    @wraps(method)
    def wrapper(self: PointQuiz, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as err:
            self.errors.append(traceback.format_exc())
            _log.exception("quiz callback failed")
            self._error.value = _p(
                _("Something went wrong: {error}").format(error=err), colour="#A33A00"
            )
            self._error.layout.display = ""
            return None

    return wrapper


def _p(text: str, *, colour: str = "", bold: bool = False, small: bool = False) -> str:
    style = []
    if colour:
        style.append(f"color:{colour}")
    if bold:
        style.append("font-weight:600")
    if small:
        style.append("font-size:0.9em")
    return (
        f'<div style="{";".join(style)};line-height:1.4">{html.escape(text)}</div>'  # i18n: ignore
    )


def _badge(verdict: str, text: str) -> str:
    symbol, background, colour = _BADGE[verdict]
    return (  # i18n: ignore
        f'<div style="background:{background};color:{colour};border-left:4px solid {colour};'
        f'padding:4px 8px;font-weight:600;font-size:1.1em">'
        f"{html.escape(symbol + ' ' + text)}</div>"
    )


class PointQuiz(widgets.VBox):
    """Adaptive find-the-point practice: locate, name, and which step uses each point.

    Points you miss come back sooner (Leitner boxes). Each answer is kept in the practice
    store as it is given (:mod:`tutorial.store.db`).

    Parameters
    ----------
    codes
        Points to practise (default: all the tutorial's points).
    kinds
        Question kinds to mix: ``"locate"``, ``"name"``, ``"step"``.
    seed
        Seed for the question order, so lessons and tests are reproducible.
    path
        Where answers are kept: ``"default"`` = the practice store in the tutorial's data
        folder (``$CALF_TUTORIAL_HOME`` moves it); a database path; or ``None`` to write
        nothing.
    side
        ``"right"`` or ``"left"`` leg.
    figsize, dpi
        Size of the leg picture in inches and its resolution (default from ``quiz.toml``).
    title
        Heading shown above the quiz.
    """

    #: verdict of the last answer ("" before the first answer of a question)
    verdict = traitlets.Unicode("")
    #: distance of the last click from the true spot, in cun (nan for choice questions)
    distance_cun = traitlets.Float(math.nan)
    #: number of questions answered in this session
    answered = traitlets.Int(0)

    def __init__(
        self,
        codes: Iterable[str] | None = None,
        *,
        kinds: Iterable[str] = KINDS,
        seed: int | None = None,
        path: str | Path | None = "default",
        side: str = "right",
        figsize: Sequence[float] | None = None,
        dpi: int | None = None,
        title: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.add_class("calf-point-quiz")
        settings = load_quiz_settings()
        self.session = PracticeSession(
            codes, kinds=kinds, seed=seed, path=path, side=side, on_bad_file="keep"
        )
        self.errors: list[str] = []
        self._figsize = tuple(figsize or settings.figsize)
        self._dpi = int(dpi or settings.dpi)
        self._pictures: dict[str, _ViewPicture] = {}
        self._landmarks = load_landmarks()
        self.score: Score | None = None

        title = title if title is not None else _("Find the point")
        self._title = widgets.HTML(_p(title, bold=True), layout={"margin": "0 0 4px 0"})
        self._prompt = widgets.HTML("")
        self.image = ClickImage(
            layout=widgets.Layout(width=f"{self._figsize[0] * 100:.0f}px", max_width="100%")
        )
        self.image.observe(self._on_click_change, "click")
        self._prompt.add_class("calf-quiz-prompt")
        self._verdict = widgets.HTML("")
        self._verdict.add_class("calf-quiz-verdict")
        self._detail = widgets.HTML("")
        self._buttons = [self._choice_button() for _i in range(settings.choices)]
        self._choices = widgets.VBox(self._buttons, layout={"margin": "6px 0"})
        self.next_button = widgets.Button(
            description=_("Next question"), icon="arrow-right", button_style="primary"
        )
        self.next_button.on_click(self._on_next_click)
        self._panel = widgets.VBox(
            [self._prompt, self._choices, self._verdict, self._detail, self.next_button],
            layout={"flex": "1 1 260px", "min_width": "220px", "padding": "0 0 0 12px"},
        )
        self._status = PlainText("")
        self.summary_button = widgets.ToggleButton(
            description=_("My progress"), icon="bar-chart", value=False
        )
        self.summary_button.observe(self._on_summary_change, "value")
        self.reset_button = widgets.Button(description=_("Reset progress"), icon="trash")
        self.reset_button.on_click(self._on_reset_click)
        self._confirm = widgets.Button(
            description=_("Yes, erase it"), button_style="danger", layout={"display": "none"}
        )
        self._confirm.on_click(self._on_confirm_click)
        self._summary_image = Picture(mime="image/svg+xml", layout={"display": "none"})
        self.summary_scope = widgets.ToggleButtons(
            options=[(_("This session"), "session"), (_("All saved answers"), "saved")],
            value="session",
            layout={"display": "none"},
            style={"button_width": "auto"},
        )
        self.summary_scope.observe(self._on_summary_change, "value")
        self._summary_text = widgets.HTML("")
        self._error = widgets.HTML("", layout={"display": "none"})
        self.children = [
            self._title,
            self._error,
            widgets.HBox(
                [self.image, self._panel], layout={"flex_flow": "row wrap"}
            ),  # i18n: ignore
            widgets.HBox(
                [self.summary_button, self.reset_button, self._confirm, self._status],
                layout={
                    "flex_flow": "row wrap",
                    "align_items": "center",
                    "margin": "8px 0",
                },  # i18n: ignore
            ),
            self.summary_scope,
            self._summary_text,
            self._summary_image,
        ]
        self._show_store_notice()
        self.next_question()

    # -- public API

    @property
    def question(self) -> Question:
        """The question on screen."""
        assert self.session.question is not None
        return self.session.question

    def next_question(self, kind: str | None = None, code: str | None = None) -> Question:
        """Show the next question (adaptive; ``kind``/``code`` force one, for lessons)."""
        question = self.session.next_question(kind, code)
        self.verdict = ""
        self.distance_cun = math.nan
        self.score = None
        picture = self._picture(question.view)
        picture.clear()
        self._verdict.value = ""
        self._detail.value = ""
        self.next_button.disabled = True
        self._prompt.value = _p(question.prompt, bold=True)
        for button in self._buttons:
            button.layout.display = "none"
        if question.kind == "locate":
            self.image.alt = _("{view} view of the leg: click where the point is").format(
                view=_(_VIEW_WORDS[question.view])
            )
            self.image.enabled = True
        else:
            point = self.session.points[question.code]
            if question.kind == "name":
                picture.mark_true(self.session.true_location(), "?")
            else:  # which step: show the point it asks about
                picture.mark_true(
                    self.session.true_location(),
                    point.code,
                    _("ring: {point}").format(point=point.label),
                )
            # the same buttons are reused for every question: no widgets pile up
            for button, choice, label in zip(
                self._buttons, question.choices, question.labels, strict=False
            ):
                button._choice = choice
                button.description = label
                button.button_style = ""
                button.disabled = False
                button.layout.display = ""
            self.image.alt = _("{view} view of the leg").format(view=_(_VIEW_WORDS[question.view]))
            self.image.enabled = False
        self.image.png = picture.png()
        return question

    def answer_fraction(self, fx: float, fy: float) -> Score:
        """Answer the locate question with a click at fractions of the picture (0,0 top left).

        This is what a click in the browser does.
        """
        picture = self._picture(self.question.view)
        x, y = fraction_to_data(picture.ax, fx, fy)
        return self.answer_data(x, y)

    def answer_data(self, x: float, y: float) -> Score:
        """Answer the locate question with a click at diagram coordinates (cun)."""
        question = self.question
        if self.verdict:
            raise RuntimeError("this question is answered; call next_question()")
        score = self.session.answer_click(x, y)
        self.score = score
        point = self.session.points[question.code]
        picture = self._picture(question.view)
        landmark = self._landmarks.get(point.landmark)
        name = landmark.name if landmark else point.landmark
        picture.mark_landmark(point.landmark, score.true, name)
        picture.mark_true(
            score.true, point.code, _("ring: {point}, where it is").format(point=point.code)
        )
        picture.mark_click(score.click, score.true, score.distance_cun)
        self.image.enabled = False
        self.image.png = picture.png()
        words = load_quiz_settings().text[score.verdict]
        self._verdict.value = _badge(
            score.verdict,
            _("{verdict}: {distance} cun from {point}").format(
                verdict=words, distance=_cun(score.distance_cun), point=point.label
            ),
        )
        self._show_point_details(point.code, landmark_name=name, tip=f"{score.verdict}_tip")
        self._answered(score.verdict, score.distance_cun)
        return score

    def choose(self, choice: str) -> str:
        """Answer a name or which-step question with a choice (a code or a step id)."""
        question = self.question
        if self.verdict:
            raise RuntimeError("this question is answered; call next_question()")
        verdict = self.session.answer_choice(choice)
        point = self.session.points[question.code]
        good = set(self.session.correct_choices())
        for button in self._buttons:
            button.disabled = True
            if button._choice in good:
                button.button_style = "success"
                button.description = "✓ " + button.description
            elif button._choice == choice:
                button.button_style = "danger"
                button.description = "✗ " + button.description
        if question.kind == "name":
            picture = self._picture(question.view)
            picture.mark_true(
                self.session.true_location(),
                point.code,
                _("ring: {point}").format(point=point.label),
            )
            self.image.png = picture.png()
            text = f"{point.label} {point.hanzi}"
            words = (
                _("Right: this is {point}")
                if verdict == "right"
                else _("Not quite: this is {point}")
            )
            self._verdict.value = _badge(verdict, words.format(point=text))
            self._show_point_details(point.code)
        else:
            steps = [s for s in self.session.routine.steps if point.code in s.points]
            names = format_list(
                _("step {number}: {title}").format(
                    number=self.session.routine.steps.index(s) + 1, title=s.title
                )
                for s in steps
            )
            words = _("Right: {steps}") if verdict == "right" else _("Not quite: {steps}")
            self._verdict.value = _badge(verdict, words.format(steps=names))
            self._detail.value = _p(steps[0].instructions, small=True) if steps else ""
        self._answered(verdict, math.nan)
        return verdict

    def reset_progress(self) -> None:
        """Erase the saved quiz answers (timer sessions stay; lesson 8 deletes everything)."""
        self.session.reset()
        self._error.layout.display = "none"
        self._error.value = ""
        self.answered = 0
        self._status.value = _("Progress reset.")
        self._refresh_summary()

    def close(self) -> None:
        """Close the widget and discard its figures."""
        # the figures are not pyplot figures: dropping them frees them
        self._pictures.clear()

        def close_tree(widget: widgets.Widget) -> None:
            for child in getattr(widget, "children", ()):
                close_tree(child)
            widget.close()

        for child in self.children:
            close_tree(child)
        super().close()

    # -- handlers

    @_shows_errors
    def _on_click_change(self, change: dict[str, Any]) -> None:
        click = change["new"]
        if not click or self.question.kind != "locate" or self.verdict:
            return
        self.answer_fraction(float(click["fx"]), float(click["fy"]))

    @_shows_errors
    def _on_next_click(self, _button: widgets.Button) -> None:
        self.next_question()

    @_shows_errors
    def _on_choice_click(self, button: widgets.Button) -> None:
        if not self.verdict:
            self.choose(button._choice)

    @_shows_errors
    def _on_summary_change(self, change: dict[str, Any]) -> None:
        shown = "" if self.summary_button.value else "none"
        self._summary_image.layout.display = shown
        self.summary_scope.layout.display = shown
        self._refresh_summary()

    @_shows_errors
    def _on_reset_click(self, _button: widgets.Button) -> None:
        # a second press of "Reset progress" cancels the question
        asking = self._confirm.layout.display == "none"
        self._confirm.layout.display = "" if asking else "none"
        self._status.value = _("Erase all saved progress? This cannot be undone.") if asking else ""

    @_shows_errors
    def _on_confirm_click(self, _button: widgets.Button) -> None:
        self._confirm.layout.display = "none"
        self.reset_progress()

    # -- helpers

    def _picture(self, view: str) -> _ViewPicture:
        picture = self._pictures.get(view)
        if picture is None:
            picture = _ViewPicture(
                view, side=self.session.side, figsize=self._figsize, dpi=self._dpi
            )
            picture.ax.set_gid(view)
            self._pictures[view] = picture
        return picture

    def _choice_button(self) -> widgets.Button:
        button = widgets.Button(
            layout={"width": "auto", "min_width": "220px", "margin": "2px 0", "display": "none"}
        )
        button._choice = ""
        button.on_click(self._on_choice_click)
        return button

    def _show_point_details(self, code: str, *, landmark_name: str = "", tip: str = "") -> None:
        point = self.session.points[code]
        settings = load_quiz_settings()
        bands = {"right_cun": settings.right_cun, "close_cun": settings.close_cun}
        parts = [_p(settings.text[tip].format(**bands), small=True)] if tip else []
        parts.append(_p(f"{point.label} {point.hanzi} · {point.meridian}", bold=True))
        if landmark_name:
            parts.append(
                _p(_("Start from: {landmark}").format(landmark=landmark_name), colour="#00704F")
            )
        parts.append(_p(_("How to find it: {text}").format(text=point.how_to_find), small=True))
        if point.y_derived:
            parts.append(
                _p(
                    _(
                        "The level drawn ({cun} cun below the knee crease) is a "
                        "convention, not a WHO figure."
                    ).format(cun=format_decimal(point.y_cun, 2)),
                    small=True,
                    colour="#555555",
                )
            )
        parts.extend(
            _p(_("Caution: {text}").format(text=c), small=True, colour="#A33A00")
            for c in point.cautions
        )
        self._detail.value = "".join(parts)

    def _answered(self, verdict: str, distance: float) -> None:
        self.distance_cun = distance
        self.verdict = verdict
        self.answered += 1
        self.next_button.disabled = False
        counts = {v: 0 for v in ("right", "close", "missed")}
        for _code, answer in self.session.history:
            counts[answer.verdict] += 1
        saved = ""
        progress = self.session.progress
        if progress.store is None:
            saved = " · " + _("progress not saved (path=None)")
        elif progress.blocked:
            saved = " · " + _("progress is off")
        self._show_store_notice()
        self._status.value = (
            _(
                "This session: {answered} answered · {right} right · {close} close · "
                "{missed} missed"
            ).format(answered=self.answered, **counts)
            + saved
        )
        if self.summary_button.value:
            self._refresh_summary()

    def _refresh_summary(self) -> None:
        if not self.summary_button.value:
            self._summary_text.value = ""
            return
        this_session = self.summary_scope.value == "session"
        stats = self.session.summary(session=this_session)
        self._summary_image.value = _summary_svg(stats)
        self._summary_image.alt = _summary_alt(stats)
        asked = [s for s in stats if s.attempts]
        weakest = sorted(
            (s for s in asked if s.mean_error_cun is not None),
            key=lambda s: s.mean_error_cun,
            reverse=True,
        )
        kept = load_quiz_settings().max_attempts_per_point
        note = (
            _("Your answers this session, per point.")
            if this_session
            else ngettext(
                "All your saved answers, per point (the latest {n} per point is kept).",
                "All your saved answers, per point (the latest {n} per point are kept).",
                kept,
            ).format(n=kept)
        )
        if weakest:
            note += " " + _("Furthest off so far: {code}, {error} cun.").format(
                code=weakest[0].code, error=_cun(weakest[0].mean_error_cun)
            )
        self._summary_text.value = _p(note, small=True)

    def _show_store_notice(self) -> None:
        """Show the store's message (progress off, or a file moved aside) once, as text."""
        store = self.session.progress.store
        notice = store.take_notice() if store is not None else ""
        if notice:
            self._error.value = _p(notice, colour="#A33A00", small=True)
            self._error.layout.display = ""


class LocatePointQuiz(PointQuiz):
    """Click where a named point is on a leg view without labels (see :class:`PointQuiz`)."""

    def __init__(self, codes: Iterable[str] | None = None, **kwargs: Any):
        kwargs.setdefault("title", _("Find the point: click where it is"))
        super().__init__(codes, kinds=("locate",), **kwargs)


class NamePointQuiz(PointQuiz):
    """Name the marked point, and say which step of the routine uses it (see :class:`PointQuiz`)."""

    def __init__(self, codes: Iterable[str] | None = None, **kwargs: Any):
        kwargs.setdefault("title", _("Name the point"))
        super().__init__(codes, kinds=("name", "step"), **kwargs)
