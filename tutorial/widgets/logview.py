"""Your practice, drawn: a calendar of days practised, planned against actual time per step,
and the :class:`PracticeReport` widget of lesson 8 (schedule, privacy, delete).

Axes-level functions in the seaborn manner, like :mod:`tutorial.drawing.charts`: the log first,
keyword-only options, ``ax=None`` (falling back to ``plt.gca()``), the Axes returned.
Artists carry a ``gid`` (``day-2026-03-01``, ``planned-<step>``, ``actual-<step>``).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any

import ipywidgets as widgets
import matplotlib
import traitlets
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..content.i18n import _, babel_locale, ngettext
from ..drawing.legs import SCREEN_PNG
from ..store.db import Store, get_store
from ..store.practicelog import (
    SCHEDULES,
    PracticeLog,
    date_and_time,
    load_log_settings,
    practice_log,
    privacy_text,
)
from .picture import Picture
from .style import hanzi_fonts

__all__ = ["PracticeReport", "draw_practice_calendar", "draw_step_times"]

_log = logging.getLogger(__name__)
_PLANNED = "#BBBBBB"  # the same greys and blue as charts.draw_planned_vs_actual
_ACTUAL = "#0072B2"
#: Weekday rows of the calendar that carry a name (Monday = 0), the others stay blank.
_NAMED_WEEKDAYS = (0, 2, 4, 6)


def _weekday_names() -> list[str]:
    """Short names of Monday, ..., Sunday in the course's language (Babel, CLDR); blank
    for the rows left unnamed."""
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=babel_locale())
    return [names[day] if day in _NAMED_WEEKDAYS else "" for day in range(7)]


def _month_name(day: dt.date) -> str:
    from babel.dates import format_date

    return format_date(day, "LLL", locale=babel_locale())


def _sessions(n: int) -> str:
    return ngettext("{n} session", "{n} sessions", n).format(n=n)


def _gca(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


@hanzi_fonts()
def draw_practice_calendar(
    log: PracticeLog,
    *,
    today: dt.date | None = None,
    weeks: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A calendar of the last ``weeks`` weeks: one square per day, filled on days practised.

    Parameters
    ----------
    log
        From :func:`tutorial.practice_log`.
    today
        The last day shown (default: today); its square has a dark outline.
    weeks
        Columns, one per week, Monday at the top (default 12, from ``practicelog.toml``).
    ax
        Axes to draw on; default ``plt.gca()``.

    Returns
    -------
    Axes
        Each day's square has ``gid="day-YYYY-MM-DD"``.
    """
    ax = _gca(ax)
    settings = load_log_settings()["calendar"]
    weeks = int(weeks or settings["weeks"])
    today = today or dt.date.today()
    counts = log.days()
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    shown = 0
    for week in range(weeks):
        for weekday in range(7):
            day = monday + dt.timedelta(days=7 * week + weekday)
            if day > today:
                continue
            n = counts.get(day, 0)
            shown += n > 0
            colour = settings["empty_colour"] if not n else settings["one_colour"]
            if n > 1:
                colour = settings["more_colour"]
            ax.add_patch(
                Rectangle(
                    (week + 0.07, weekday + 0.07),
                    0.86,
                    0.86,
                    facecolor=colour,
                    edgecolor=settings["today_colour"] if day == today else "none",
                    linewidth=1.6 if day == today else 0,
                    gid=f"day-{day.isoformat()}",
                )
            )
        first = monday + dt.timedelta(weeks=week)
        if week == 0 or first.day <= 7:  # a month starts in this column
            ax.text(
                week + 0.07,
                -0.35,
                _month_name(first),
                fontsize=8,
                color="#333333",
                va="bottom",
                parse_math=False,
            )
    for row, name in enumerate(_weekday_names()):
        ax.text(-0.15, row + 0.5, name, fontsize=8, ha="right", va="center", color="#333333")
    ax.set_xlim(-1.3, weeks + 0.1)
    ax.set_ylim(7.15, -1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(
        ngettext(
            "Days practised in the last {weeks} week: {days}",
            "Days practised in the last {weeks} weeks: {days}",
            weeks,
        ).format(weeks=weeks, days=shown),
        fontsize=10,
        loc="left",
        parse_math=False,
        fontfamily=matplotlib.rcParams["font.family"],  # the hanzi font (hanzi_fonts)
    )
    ax.legend(
        handles=[
            Patch(facecolor=settings["empty_colour"], label=_("no session")),
            Patch(facecolor=settings["one_colour"], label=_sessions(1)),
            Patch(facecolor=settings["more_colour"], label=_("{n} or more").format(n=2)),
            Patch(facecolor="white", edgecolor=settings["today_colour"], label=_("today")),
        ],
        loc="upper center",  # i18n: ignore
        bbox_to_anchor=(0.5, 0.0),
        ncols=4,
        fontsize=8,
        frameon=False,
        handlelength=1.0,
        handleheight=1.0,
        columnspacing=1.0,
    )
    return ax


@hanzi_fonts()
def draw_step_times(log: PracticeLog, *, ax: Axes | None = None) -> Axes:
    """Planned against actual time per routine step, over every session of ``log``.

    A grey bar is the median planned time, a blue bar the median actual time (pauses
    excluded); the thin line spans the middle half of your actual times.

    Returns
    -------
    Axes
        Bars have ``gid="planned-<step id>"`` and ``gid="actual-<step id>"``, the spread
        lines ``gid="spread-<step id>"``.
    """
    ax = _gca(ax)
    summaries = log.step_summaries()
    if not summaries:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            load_log_settings()["text"]["no_steps"],
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            wrap=True,
            parse_math=False,
        )
        return ax
    for y, s in enumerate(summaries):
        ax.barh(y - 0.2, s.planned_median, height=0.38, color=_PLANNED, gid=f"planned-{s.id}")
        ax.barh(y + 0.2, s.actual_median, height=0.38, color=_ACTUAL, gid=f"actual-{s.id}")
        if s.count > 1:
            ax.plot(
                [s.actual_q1, s.actual_q3],
                [y + 0.2, y + 0.2],
                color="#1d1d1d",
                linewidth=1.4,
                solid_capstyle="butt",
                gid=f"spread-{s.id}",
            )
    ax.set_yticks(
        range(len(summaries)),
        [s.title for s in summaries],
        fontsize=9,
        parse_math=False,
        fontfamily=matplotlib.rcParams["font.family"],
    )
    ax.invert_yaxis()
    n = len(log)
    ax.set_xlabel(
        ngettext("seconds, median over {n} session", "seconds, median over {n} sessions", n).format(
            n=n
        ),
        fontsize=9,
        fontfamily=matplotlib.rcParams["font.family"],
    )
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    ax.legend(
        handles=[
            Patch(facecolor=_PLANNED, label=_("planned")),
            Patch(facecolor=_ACTUAL, label=_("actual")),
            ax.plot([], [], color="#1d1d1d", linewidth=1.4, label=_("middle half of your times"))[
                0
            ],
        ],
        loc="lower left",  # i18n: ignore
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        fontsize=8,
        frameon=False,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


@hanzi_fonts()
def _png(
    draw: Callable[[Axes], Any],
    figsize: tuple[float, float],
    rect: tuple[float, float, float, float],
    dpi: int = 100,
) -> bytes:
    # fixed axes (no constrained layout: it measures every text twice) and fast zlib
    fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    draw(fig.add_axes(rect))
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, **SCREEN_PNG)
    fig.clear()
    return buffer.getvalue()


def _p(text: str, *, colour: str = "", small: bool = False, bold: bool = False) -> str:
    style = ["line-height:1.45", "margin:2px 0"]
    if colour:
        style.append(f"color:{colour}")
    if small:
        style.append("font-size:0.92em")
    if bold:
        style.append("font-weight:600")
    return f'<div style="{";".join(style)}">{html.escape(text)}</div>'  # i18n: ignore


def _shows_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Show an exception raised by a widget callback in the widget instead of losing it."""

    @wraps(method)
    def wrapper(self: PracticeReport, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as err:
            self.errors.append(traceback.format_exc())
            _log.exception("practice report callback failed")
            self._status.value = _p(
                _("Something went wrong: {error}").format(error=err), colour="#A33A00"
            )
            return None

    return wrapper


class PracticeReport(widgets.VBox):
    """Your practice: days practised, adherence to your schedule, planned against actual time.

    Parameters
    ----------
    store
        The store to read (default: this learner's, in the user data folder).
    today
        The day the report is made for (default: today); tests pass a fixed day.

    Notes
    -----
    ``schedule`` (``"daily"`` or ``"every-other-day"``) is saved in the store, so the
    choice is remembered. :meth:`refresh` reads the log again (after a session in another
    lesson). :meth:`delete_data` is what the "Delete my practice data" button does once
    confirmed.
    """

    schedule = traitlets.Enum(tuple(SCHEDULES), default_value="daily")

    def __init__(self, *, store: Store | None = None, today: dt.date | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("calf-practice-report")
        self.store = store or get_store()
        self.today = today
        self.errors: list[str] = []
        self.practice: PracticeLog = PracticeLog(())
        text = load_log_settings()["text"]
        self._notice = widgets.HTML("", layout={"display": "none"})
        self._notice.add_class("calf-log-notice")
        self.schedule_buttons = widgets.ToggleButtons(
            options=[
                (text["schedule_daily"], "daily"),
                (text["schedule_every_other_day"], "every-other-day"),
            ],
            style={"button_width": "auto"},
        )
        self._summary = widgets.HTML("")
        self._summary.add_class("calf-log-summary")
        # shown at the PNG's own size (never stretched, so never blurred), narrower on phones
        # Picture: an <img> with a text alternative (ipywidgets.Image has none)
        self.calendar = Picture(width=560)
        self.calendar.add_class("calf-log-calendar")
        self.steps = Picture(width=720)
        self.steps.add_class("calf-log-steps")
        # Buttons size to their label: the default width cuts "Delete my practice data"
        # ("Delete my practi...") and the confirmation.
        fit = {"width": "auto"}  # i18n: ignore
        self.refresh_button = widgets.Button(description=_("Refresh"), icon="refresh", layout=fit)
        self.refresh_button.on_click(self._on_refresh_click)
        self.csv_button = widgets.Button(
            description=_("Download as CSV"), icon="download", layout=fit
        )
        self.csv_button.on_click(self._on_csv_click)
        self._csv_link = widgets.HTML("")
        self._privacy = widgets.HTML("")
        self._privacy.add_class("calf-log-privacy")
        self.delete_button = widgets.Button(
            description=text["delete_button"], icon="trash", button_style="warning", layout=fit
        )
        self.delete_button.on_click(self._on_delete_click)
        self.confirm_button = widgets.Button(
            description=text["delete_confirm"],
            button_style="danger",
            layout={**fit, "display": "none"},
        )
        self.confirm_button.on_click(self._on_confirm_click)
        self.cancel_button = widgets.Button(
            description=text["delete_cancel"], layout={**fit, "display": "none"}
        )
        self.cancel_button.on_click(self._on_cancel_click)
        self._status = widgets.HTML("")
        self._status.add_class("calf-log-status")
        row = {"flex_flow": "row wrap", "align_items": "center", "margin": "6px 0"}  # i18n: ignore
        self.children = [
            self._notice,
            widgets.HBox(
                [widgets.Label(_("My schedule:")), self.schedule_buttons],
                layout=row,
            ),
            widgets.HTML(_p(text["schedule_note"], small=True, colour="#444444")),
            self._summary,
            self.calendar,
            self.steps,
            widgets.HBox([self.refresh_button, self.csv_button, self._csv_link], layout=row),
            self._privacy,
            widgets.HBox([self.delete_button, self.confirm_button, self.cancel_button], layout=row),
            self._status,
        ]
        saved = self.store.setting("schedule", "daily")
        self.schedule = saved if saved in SCHEDULES else "daily"
        self.schedule_buttons.value = self.schedule
        self.schedule_buttons.observe(self._on_buttons_change, "value")
        self.refresh()

    # -- public API

    def refresh(self) -> None:
        """Read the log again and redraw."""
        self.practice = practice_log(store=self.store)
        notice = self.store.take_notice()
        self._notice.value = _p(notice, colour="#A33A00") if notice else ""
        self._notice.layout.display = "" if notice else "none"
        self._privacy.value = "".join(
            _p(line, small=True) for line in privacy_text(store=self.store, say_off=False)
        )
        self._csv_link.value = ""
        self._draw()

    def delete_data(self) -> None:
        """Delete every answer, session and setting kept (what the confirmed button does)."""
        self.store.delete_everything()
        self.refresh()
        self._status.value = _p(load_log_settings()["text"]["deleted"], colour="#1B6E3A")

    # -- handlers

    @traitlets.observe("schedule")
    def _on_schedule_change(self, change: dict[str, Any]) -> None:
        self.schedule_buttons.value = change["new"]
        if self.store.setting("schedule") != change["new"]:
            self.store.set_setting("schedule", change["new"])
        self._write_summary()

    @_shows_errors
    def _on_buttons_change(self, change: dict[str, Any]) -> None:
        self.schedule = change["new"]

    @_shows_errors
    def _on_refresh_click(self, _button: widgets.Button) -> None:
        self._status.value = ""
        self.refresh()

    @_shows_errors
    def _on_csv_click(self, _button: widgets.Button) -> None:
        data = base64.b64encode(("\ufeff" + self.practice.to_csv()).encode("utf-8")).decode("ascii")
        n = len(self.practice)
        what = ngettext(
            "({n} session, one row per step)", "({n} sessions, one row per step)", n
        ).format(n=n)
        self._csv_link.value = (  # i18n: ignore
            '<a download="practice-log.csv" href="data:text/csv;charset=utf-8;base64,'
            f'{data}" style="text-decoration:underline">practice-log.csv</a> '
            f"{html.escape(what)}"
        )

    @_shows_errors
    def _on_delete_click(self, _button: widgets.Button) -> None:
        self.confirm_button.layout.display = ""
        self.cancel_button.layout.display = ""
        self._status.value = _p(load_log_settings()["text"]["delete_question"], colour="#A33A00")

    @_shows_errors
    def _on_cancel_click(self, _button: widgets.Button) -> None:
        self.confirm_button.layout.display = "none"
        self.cancel_button.layout.display = "none"
        self._status.value = ""

    @_shows_errors
    def _on_confirm_click(self, _button: widgets.Button) -> None:
        self.confirm_button.layout.display = "none"
        self.cancel_button.layout.display = "none"
        self.delete_data()

    # -- helpers

    def _draw(self) -> None:
        today = self.today or dt.date.today()
        self.calendar.value = _png(
            lambda ax: draw_practice_calendar(self.practice, today=today, ax=ax),
            (5.6, 3.0),
            (0.02, 0.16, 0.96, 0.74),
        )
        rows = len(self.practice.step_summaries())
        sessions = len(self.practice)
        weeks = int(load_log_settings()["calendar"]["weeks"])
        self.calendar.alt = ngettext(
            "Calendar of the last {weeks} week, one square per day, filled on days you "
            "practised ({sessions} recorded)",
            "Calendar of the last {weeks} weeks, one square per day, filled on days you "
            "practised ({sessions} recorded)",
            weeks,
        ).format(weeks=weeks, sessions=_sessions(sessions))
        self.steps.alt = (
            _("Planned against actual time for each of {steps}, across {sessions}").format(
                steps=ngettext("{n} step", "{n} steps", rows).format(n=rows),
                sessions=_sessions(sessions),
            )
            if rows
            else _("No step times yet: finish a timer session to see them here")
        )
        height = 1.1 + 0.42 * max(rows, 1)
        self.steps.value = _png(
            lambda ax: draw_step_times(self.practice, ax=ax),
            (7.2, height),
            (0.46, 0.62 / height, 0.51, 1 - 0.95 / height) if rows else (0, 0, 1, 1),
        )
        self._write_summary()

    def _write_summary(self) -> None:
        text = load_log_settings()["text"]
        if not len(self.practice):
            self._summary.value = _p(text["no_sessions"], bold=True)
            return
        adherence = self.practice.adherence(self.schedule, today=self.today)
        name = {value: label for label, value in self.schedule_buttons.options}
        weeks = load_log_settings()["calendar"]["weeks"]
        from babel.numbers import format_percent

        locale = babel_locale()
        n = len(self.practice)
        schedule = name[self.schedule].lower()
        if adherence.percent is not None:
            on_schedule = ngettext(
                "On schedule ({schedule}): {percent} of days ({on} of {counted}) since your "
                "first session in the last {weeks} week.",
                "On schedule ({schedule}): {percent} of days ({on} of {counted}) since your "
                "first session in the last {weeks} weeks.",
                weeks,
            ).format(
                schedule=schedule,
                percent=format_percent(adherence.percent / 100, locale=locale),
                on=adherence.days_on_schedule,
                counted=adherence.days_counted,
                weeks=weeks,
            )
        else:
            on_schedule = ngettext(
                "On schedule ({schedule}): no sessions in the last {weeks} week.",
                "On schedule ({schedule}): no sessions in the last {weeks} weeks.",
                weeks,
            ).format(schedule=schedule, weeks=weeks)
        streak = adherence.streak_days
        date, time_ = date_and_time(self.practice[-1].started_at)
        lines = [
            ngettext(
                "{n} session kept; the latest on {date} at {time}.",
                "{n} sessions kept; the latest on {date} at {time}.",
                n,
            ).format(n=n, date=date, time=time_),
            on_schedule,
            ngettext(
                "Current streak: {n} day on schedule.",
                "Current streak: {n} days on schedule.",
                streak,
            ).format(n=streak),
        ]
        self._summary.value = "".join(_p(line) for line in lines)
