"""Your practice log: the timer sessions you kept, and what they show.

Pure Python (no drawing, no widgets): the records, a CSV export, the days practised,
adherence to a schedule and the current streak. :mod:`tutorial.widgets.logview` draws them.

::

    log = tutorial.practice_log()  # every kept session, oldest first
    log[-1].steps[0].actual_s  # seconds actually spent on the first step
    log.adherence("every-other-day")  # Adherence(percent=..., streak_days=..., ...)
    log.to_csv("my-practice.csv")  # one row per step, for a spreadsheet

Sessions are recorded by the :class:`~tutorial.widgets.timer.StepTimer` itself when a run ends
(finished, or stopped after at least one step): see :func:`record_timer_run`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from ..content import i18n
from ..content.i18n import _, ngettext
from ..content.loader import load_routine, read_data_toml
from ..content.model import Routine
from ..content.timing import SWITCH_ID
from .db import Store, get_store, parse_time
from .files import atomic_write_text, visitor_kernel

__all__ = [
    "SCHEDULES",
    "Adherence",
    "PracticeLog",
    "SessionRecord",
    "StepSummary",
    "StepTime",
    "date_and_time",
    "load_log_settings",
    "practice_log",
    "privacy_note",
    "privacy_text",
    "record_timer_run",
    "routine_snapshot",
    "session_from_history",
]

#: Schedules a learner can pick: the most days allowed from one practice to the next.
SCHEDULES: dict[str, int] = {"daily": 1, "every-other-day": 2}
CSV_COLUMNS = (
    "session_id",
    "date",
    "start_time",
    "routine",
    "variant",
    "legs",
    "step_number",
    "step_id",
    "step_title",
    "leg",
    "planned_s",
    "actual_s",
    "paused_s",
    "skipped",
)


@i18n.per_language
def load_log_settings() -> Mapping[str, Any]:
    """Texts and numbers of the practice log (``tutorial/data/practicelog.toml``)."""
    return read_data_toml("practicelog.toml")


def date_and_time(moment: dt.datetime) -> tuple[str, str]:
    """``moment`` in local time as the practice log shows it, in the learner's language:
    a date with its weekday (``"Sun, Nov 29, 2026"``) and a short time (``"6:14 PM"``)."""
    from babel.dates import format_skeleton, format_time

    local, locale = moment.astimezone(), i18n.babel_locale()
    return format_skeleton("yMMMEd", local, locale=locale), format_time(
        local, "short", locale=locale
    )


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a duration in seconds."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# -- records ---------------------------------------------------------------------------------


class StepTime(NamedTuple):
    """One step of one session: planned against actual seconds, pauses, skipped or not.

    (A named tuple: a heavy log holds tens of thousands of them.)
    """

    id: str
    title: str
    leg: str | None
    planned_s: float
    actual_s: float
    paused_s: float
    skipped: bool


@dataclass(frozen=True)
class SessionRecord:
    """One timer session: when, which routine (a snapshot of its steps), and each step."""

    id: str
    started_at: dt.datetime
    ended_at: dt.datetime
    routine_title: str
    variant: str
    legs: str
    steps: tuple[StepTime, ...]
    routine: Mapping[str, Any]

    @property
    def day(self) -> dt.date:
        """The local calendar day the session started on."""
        return self.started_at.astimezone().date()

    @property
    def planned_s(self) -> float:
        """Planned seconds of the steps done (the switch between legs left out)."""
        return sum(s.planned_s for s in self.steps if s.id != SWITCH_ID)

    @property
    def actual_s(self) -> float:
        """Seconds actually spent on the steps (pauses excluded)."""
        return sum(s.actual_s for s in self.steps if s.id != SWITCH_ID)

    @classmethod
    def from_stored(cls, raw: Mapping[str, Any]) -> SessionRecord:
        """From :meth:`tutorial.store.db.Store.sessions` (the export format's object)."""
        titles = {s["id"]: s["title"] for s in raw["routine"]["steps"]}
        titles.setdefault(SWITCH_ID, "Switch legs")
        steps = tuple(
            StepTime(
                id=s["id"],
                title=titles.get(s["id"], s["id"]),
                leg=s["leg"],
                planned_s=float(s["planned_s"]),
                actual_s=float(s["actual_s"]),
                paused_s=float(s["paused_s"]),
                skipped=bool(s["skipped"]),
            )
            for s in raw["steps"]
        )
        return cls(
            id=raw["id"],
            started_at=parse_time(raw["started_at"]),
            ended_at=parse_time(raw["ended_at"]),
            routine_title=raw["routine"]["title"],
            variant=raw["variant"],
            legs=raw["legs"],
            steps=steps,
            routine=raw["routine"],
        )


@dataclass(frozen=True)
class Adherence:
    """How well the practice kept to a schedule.

    A day is *on schedule* when there was a session that day or, for ``"every-other-day"``,
    the day before. ``percent`` is the share of days on schedule from the first session
    (at most ``weeks`` ago) to today (to yesterday while today is still open).
    ``streak_days`` counts the days on schedule up to now without a break.
    """

    schedule: str
    percent: float | None
    days_on_schedule: int
    days_counted: int
    streak_days: int
    days_practised: int


@dataclass(frozen=True)
class StepSummary:
    """One step across sessions: how often, planned and actual seconds (median, quartiles)."""

    id: str
    title: str
    count: int
    planned_median: float
    actual_median: float
    actual_q1: float
    actual_q3: float
    skipped: int


class PracticeLog(Sequence[SessionRecord]):
    """The kept sessions, oldest first, with what they show. Indexes like a tuple."""

    def __init__(self, sessions: Iterable[SessionRecord], *, problem: str = "") -> None:
        self.sessions = tuple(sorted(sessions, key=lambda s: s.started_at))
        #: why nothing could be read ("" when the store works)
        self.problem = problem
        self._summaries: list[StepSummary] | None = None

    @overload
    def __getitem__(self, index: int) -> SessionRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SessionRecord]: ...
    def __getitem__(self, index):
        return self.sessions[index]

    def __len__(self) -> int:
        return len(self.sessions)

    def __iter__(self) -> Iterator[SessionRecord]:
        return iter(self.sessions)

    def __repr__(self) -> str:
        return f"<PracticeLog: {len(self)} sessions on {len(self.days())} days>"  # i18n: ignore

    #: How many of the latest sessions the notebook view lists (the CSV has them all).
    SHOWN = 10

    def _repr_html_(self) -> str:
        """The latest sessions as a table, for a notebook cell (every value escaped)."""
        import html

        def cell(text: str, tag: str = "td", align: str = "left") -> str:
            return (
                f'<{tag} style="text-align:{align};padding:2px 10px 2px 0">'  # i18n: ignore
                f"{html.escape(text)}</{tag}>"
            )

        def paragraph(text: str) -> str:
            return f'<p style="margin:4px 0">{html.escape(text)}</p>'  # i18n: ignore

        if self.problem:
            body = paragraph(self.problem)
        elif not self.sessions:
            body = paragraph(load_log_settings()["text"]["no_sessions"])
        else:
            n, days = len(self), len(self.days())
            heading = ngettext(
                "{n} session kept, on {days}.", "{n} sessions kept, on {days}.", n
            ).format(n=n, days=ngettext("{n} day", "{n} days", days).format(n=days))
            shown = self.sessions[::-1][: self.SHOWN]
            if n > len(shown):
                heading += " " + _(
                    "The latest {shown} are listed; Download as CSV gives every step of every "
                    "session."
                ).format(shown=len(shown))
            header = "".join(
                cell(text, "th", align)
                for text, align in (
                    (_("When"), "left"),
                    (_("Routine"), "left"),
                    (_("Steps done"), "right"),
                    (_("Planned"), "right"),
                    (_("Actual"), "right"),
                )
            )
            rows = []
            for session in shown:
                date, time_ = date_and_time(session.started_at)
                steps = [s for s in session.steps if s.id != SWITCH_ID]
                skipped = sum(s.skipped for s in steps)
                done = _("{done} of {total}").format(done=len(steps) - skipped, total=len(steps))
                rows.append(
                    "<tr>"
                    + cell(_("{date} at {time}").format(date=date, time=time_))
                    + cell(session.routine_title)
                    + cell(done, align="right")
                    + cell(_clock(session.planned_s), align="right")
                    + cell(_clock(session.actual_s), align="right")
                    + "</tr>"
                )
            body = (
                paragraph(heading)
                + '<table class="calf-practice-log" style="border-collapse:collapse">'
                + f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        return f'<div class="calf-practice-log-view">{body}</div>'  # i18n: ignore

    # -- what the practice shows ---------------------------------------------------------

    def days(self) -> Counter[dt.date]:
        """Sessions per local calendar day."""
        return Counter(session.day for session in self.sessions)

    def adherence(
        self, schedule: str = "daily", *, today: dt.date | None = None, weeks: int = 12
    ) -> Adherence:
        """Adherence to ``schedule`` (``"daily"`` or ``"every-other-day"``) and the streak."""
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(SCHEDULES)}, not {schedule!r}")
        gap = SCHEDULES[schedule]
        today = today or dt.date.today()
        practised = {day for day in self.days() if day <= today}
        if not practised:
            return Adherence(schedule, None, 0, 0, 0, 0)

        def on_schedule(day: dt.date) -> bool:
            return any(day - dt.timedelta(days=k) in practised for k in range(gap))

        end = today if on_schedule(today) else today - dt.timedelta(days=1)
        start = max(min(practised), today - dt.timedelta(days=weeks * 7 - 1))
        counted = (end - start).days + 1
        kept = sum(on_schedule(start + dt.timedelta(days=i)) for i in range(max(counted, 0)))
        streak, day, first = 0, end, min(practised)
        while day >= first and on_schedule(day):
            streak += 1
            day -= dt.timedelta(days=1)
        window = {d for d in practised if d >= start}
        percent = 100.0 * kept / counted if counted > 0 else 100.0
        return Adherence(schedule, percent, kept, max(counted, 0), streak, len(window))

    def step_summaries(self) -> list[StepSummary]:
        """Planned against actual seconds per routine step, over every session.

        Steps come in the order of the built-in routine, then any others in order of first
        appearance; the switch between legs is left out.
        """
        if self._summaries is None:
            self._summaries = self._summarise()
        return list(self._summaries)

    def _summarise(self) -> list[StepSummary]:
        actual: dict[str, list[float]] = {}
        planned: dict[str, list[float]] = {}
        skipped: Counter[str] = Counter()
        titles: dict[str, str] = {}
        for session in self.sessions:
            for step in session.steps:
                if step.id == SWITCH_ID:
                    continue
                actual.setdefault(step.id, []).append(step.actual_s)
                planned.setdefault(step.id, []).append(step.planned_s)
                skipped[step.id] += step.skipped
                titles.setdefault(step.id, step.title)
        order = [s.id for s in load_routine().steps]
        ids = [i for i in order if i in actual] + [i for i in actual if i not in order]
        summaries = []
        for step_id in ids:
            values = sorted(actual[step_id])
            q1, _median, q3 = (
                statistics.quantiles(values, n=4, method="inclusive")
                if len(values) > 1
                else (values[0],) * 3
            )
            summaries.append(
                StepSummary(
                    id=step_id,
                    title=titles[step_id],
                    count=len(values),
                    planned_median=statistics.median(planned[step_id]),
                    actual_median=statistics.median(values),
                    actual_q1=q1,
                    actual_q3=q3,
                    skipped=skipped[step_id],
                )
            )
        return summaries

    # -- records and CSV -----------------------------------------------------------------

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per step of every session (the CSV's rows), oldest first."""
        rows = []
        for session in self.sessions:
            local = session.started_at.astimezone()
            number = 0
            for step in session.steps:
                number += step.id != SWITCH_ID
                rows.append(
                    {
                        "session_id": session.id,
                        "date": local.date().isoformat(),
                        "start_time": local.strftime("%H:%M"),
                        "routine": session.routine_title,
                        "variant": session.variant,
                        "legs": session.legs,
                        "step_number": number if step.id != SWITCH_ID else "",
                        "step_id": step.id,
                        "step_title": step.title,
                        "leg": step.leg or "",
                        "planned_s": round(step.planned_s, 1),
                        "actual_s": round(step.actual_s, 1),
                        "paused_s": round(step.paused_s, 1),
                        "skipped": "yes" if step.skipped else "no",
                    }
                )
        return rows

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The log as CSV text (UTF-8, header row); also written to ``path`` if given."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(self.to_records())
        text = buffer.getvalue()
        if path is not None:
            # a byte-order mark lets spreadsheet programs see UTF-8 (pinyin tone marks)
            atomic_write_text(path, "\ufeff" + text)
        return text


def practice_log(*, store: Store | None = None) -> PracticeLog:
    """Your kept timer sessions, oldest first (empty when progress is off).

    Returns
    -------
    PracticeLog
        A sequence of :class:`SessionRecord`; ``.to_records()`` and ``.to_csv(path)`` give
        one row per step, ``.adherence(schedule)`` the share of days on schedule.
    """
    store = store or get_store()
    sessions, routines, steps = store.session_rows()
    titles = {
        rid: {**{s["id"]: s["title"] for s in body["steps"]}, SWITCH_ID: _("Switch legs")}
        for rid, body in routines.items()
    }
    by_session: dict[str, list[tuple]] = {}
    for row in steps:
        by_session.setdefault(row[0], []).append(row)
    records = []
    for sid, started, ended, rid, variant, legs in sessions:
        names = titles[rid]
        records.append(
            SessionRecord(
                id=sid,
                started_at=parse_time(started),
                ended_at=parse_time(ended),
                routine_title=routines[rid]["title"],
                variant=variant,
                legs=legs,
                steps=tuple(
                    StepTime(step, names.get(step, step), leg, planned, actual, paused, bool(skip))
                    for _, step, leg, planned, actual, paused, skip in by_session.get(sid, ())
                ),
                routine=routines[rid],
            )
        )
    return PracticeLog(records, problem=store.problem)


# -- recording a timer run -------------------------------------------------------------------


def routine_snapshot(routine: Routine) -> dict[str, Any]:
    """What a session keeps of its routine: the title and each step's id, title and
    seconds (shortest, longest, default). The store, the site's pages and the report all
    read this shape."""
    return {
        "title": routine.title,
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "min_seconds": s.min_seconds,
                "max_seconds": s.max_seconds,
                "default_seconds": s.default_seconds,
            }
            for s in routine.steps
        ],
    }


def _variant(routine: Routine) -> str:
    builtin = load_routine()
    if [s.id for s in routine.steps] != [s.id for s in builtin.steps]:
        return "custom"
    seconds = [s.default_seconds for s in routine.steps]
    for name in ("default", "quick", "full"):
        if seconds == [s.default_seconds for s in builtin.variant(name).steps]:
            return name
    return "custom"


def session_from_history(
    records: Sequence[Any],
    routine: Routine,
    *,
    legs: str,
    wall_of: Any = None,
) -> dict[str, Any] | None:
    """A session (the export format's object) from one run's :class:`StepRecord` s.

    ``wall_of(t)`` maps the timer's clock to epoch seconds. Visits to the same segment
    (after Back or Restart step) are added up; a step is *skipped* unless one of its
    visits ran to the end. None when no step was completed or skipped.
    """
    if not any(r.outcome in ("completed", "skipped") for r in records):
        return None
    wall_of = wall_of or (lambda t: t)
    by_segment: dict[int, dict[str, Any]] = {}
    for r in records:
        entry = by_segment.setdefault(
            r.segment,
            {
                "id": r.step_id,
                "leg": None if r.step_id == SWITCH_ID else r.leg,
                "planned_s": round(float(r.planned_seconds), 3),
                "actual_s": 0.0,
                "paused_s": 0.0,
                "completed": False,
            },
        )
        entry["actual_s"] += float(r.actual_seconds)
        entry["paused_s"] += float(r.paused_seconds)
        entry["completed"] |= r.outcome == "completed"
    steps = [
        {
            "id": e["id"],
            "leg": e["leg"],
            "planned_s": e["planned_s"],
            "actual_s": round(e["actual_s"], 3),
            "paused_s": round(e["paused_s"], 3),
            "skipped": not e["completed"],
        }
        for _, e in sorted(by_segment.items())
    ]
    started = dt.datetime.fromtimestamp(wall_of(records[0].started_at), dt.timezone.utc)
    ended = dt.datetime.fromtimestamp(wall_of(records[-1].ended_at), dt.timezone.utc)
    from .db import iso

    return {
        "id": str(uuid.uuid4()),
        "started_at": iso(started),
        "ended_at": iso(max(ended, started)),
        "routine": routine_snapshot(routine),
        "variant": _variant(routine),
        "legs": legs,
        "steps": steps,
        # the routine file it came from, once routines carry one (the snapshot is what counts)
        "routine_file": getattr(routine, "source", None) or None,
    }


def record_timer_run(timer: Any, *, store: Store | None = None) -> str:
    """Record the run of ``timer`` (a :class:`~tutorial.widgets.timer.StepTimer`) that just ended.

    Called by the timer itself when a run finishes, is reset, or the timer is closed or
    replaced. Records only what happened since the last call, and only if at least one
    step was completed or skipped. Returns the notice to show under the timer ("" when
    there was nothing to record).
    """
    machine = getattr(timer, "_machine", None)
    if machine is None:  # a timer whose construction failed: nothing ran
        return ""
    machine.tick()  # a timer closed while running: count the steps that ended
    history = machine.history
    start = getattr(timer, "_logged_upto", 0)
    records = history[start:]
    timer._logged_upto = len(history)
    clock_now = timer._clock()
    wall_now = time.time()
    # the plan the learner chose in the timer (quick/default/full), not only its base routine
    chosen = getattr(timer, "variant", "default")
    played = timer.routine if chosen == "default" else timer.routine.variant(chosen)
    session = session_from_history(
        records,
        played,
        legs=timer.plan.legs,
        wall_of=lambda t: wall_now - max(0.0, clock_now - t),
    )
    if session is None:
        return ""
    texts = load_log_settings()["text"]
    store = store or get_store()
    if store.available and store.add_session(session):
        return texts["session_saved"]
    if store.pending:
        return texts["session_busy"]
    # the store's one message (why progress is off) if not shown yet, else the short reason
    return texts["session_off"].format(reason=store.take_notice() or store.problem)


# -- what is kept, where, and how to delete it -----------------------------------------------


def privacy_text(*, store: Store | None = None, say_off: bool = True) -> list[str]:
    """The privacy note as plain-text paragraphs: what is kept, where, how to delete it.

    The one source of this wording: lesson 0, lesson 8 and the log widget all show it.
    """
    store = store or get_store()
    texts = load_log_settings()["privacy"]
    available = store.available
    if visitor_kernel():  # a server path means nothing to a visitor, and is not theirs to see
        where_line = texts["where_visitor"]
    else:
        where = str(store.path) if store.path is not None else store._where()
        where_line = texts["where"].format(path=where)
    lines = [texts["what"], where_line, texts["delete"]]
    if not available and say_off:
        lines.append(texts["off"].format(reason=store.problem))
    return lines


class PrivacyNote:
    """What the course keeps, where, how to delete it; shows as text or as HTML (escaped)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(lines)

    def __str__(self) -> str:
        return "\n\n".join(self.lines)

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        import html

        paragraphs = "".join(
            f'<p style="margin:4px 0;line-height:1.45">{html.escape(line)}</p>'
            for line in self.lines
        )
        return (
            '<div class="calf-privacy-note" style="border-left:4px solid #0072B2;'
            f'padding:4px 10px;background:#F2F7FB">{paragraphs}</div>'
        )


def privacy_note(*, store: Store | None = None) -> PrivacyNote:
    """What this course keeps about you, where, and how to delete it (for a lesson cell)."""
    return PrivacyNote(privacy_text(store=store))
