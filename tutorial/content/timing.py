"""Schedule maths for the step timer: the plan of a session and a clock-driven state machine.

Pure Python (no widgets, no drawing), so the same rules serve the widget, scripts and tests.

* :func:`build_plan` turns a :class:`~tutorial.content.model.Routine` into a :class:`Plan`: the
  ordered :class:`Segment` s of a session (one leg, or both legs with a "switch legs"
  segment between them) with their start offsets and the :class:`Cue` s that sound.
* :class:`TimerMachine` runs a plan. It never counts ticks: every method takes the current
  time ``now`` (or reads the injectable ``clock``), elapsed time is computed from anchors,
  and a segment ends when its accumulated running time reaches the planned seconds, at
  exactly that deadline however late :meth:`TimerMachine.tick` is called. The browser
  side of :class:`~tutorial.widgets.timer.StepTimer` follows the same rules with
  ``performance.now()``.

Legs are named ``"right"`` and ``"left"``, the side the drawing module mirrors to. With
``legs="one"`` the plan uses ``first_leg`` (default ``"right"``); say ``first_leg="left"``
when the left calf is the cramping one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from . import i18n
from .i18n import _
from .loader import read_data_toml
from .model import Routine

__all__ = [
    "LEGS",
    "OUTCOMES",
    "STATUSES",
    "VARIANTS",
    "Cue",
    "Plan",
    "Segment",
    "StepChange",
    "StepRecord",
    "TimerMachine",
    "build_plan",
    "build_plans",
    "format_minutes",
    "load_timer_settings",
]

#: The two sides, in the order the drawing module knows them.
LEGS: tuple[str, ...] = ("right", "left")
#: States of a :class:`TimerMachine`.
STATUSES: tuple[str, ...] = ("ready", "running", "paused", "finished")
#: Lengths of a session: every step at its minimum, its default, or its maximum.
VARIANTS: tuple[str, ...] = ("quick", "default", "full")
#: How a segment ended, as recorded in :class:`StepRecord`.
OUTCOMES: tuple[str, ...] = ("completed", "skipped", "back", "jumped", "restarted", "reset")

SWITCH_ID = "switch-legs"


def format_minutes(seconds: float) -> str:
    """``"4 min 30 s"``, ``"9 min"``, ``"45 s"``: a duration for people.

    Examples
    --------
    >>> format_minutes(270)
    '4 min 30 s'
    """
    seconds = round(seconds)
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        # Translators: a duration under a minute; 秒 in Chinese.
        return _("{seconds} s").format(seconds=rest)
    if not rest:
        return _("{minutes} min").format(minutes=minutes)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)


@i18n.per_language
def load_timer_settings() -> Mapping[str, Any]:
    """The timer's settings from ``tutorial/data/timer.toml`` (cue times, tones, texts)."""
    return read_data_toml("timer.toml")


@dataclass(frozen=True)
class Segment:
    """One timed stretch of a session: a routine step on one leg, or the switch between legs.

    ``start_seconds`` is the planned offset from the start of the session.
    ``step_index`` is the index in the routine (``None`` for the switch segment).
    """

    index: int
    kind: Literal["step", "switch"]
    step_index: int | None
    step_id: str
    title: str
    leg: str
    planned_seconds: float
    start_seconds: float

    @property
    def end_seconds(self) -> float:
        """Planned offset of the end of this segment from the start of the session."""
        return self.start_seconds + self.planned_seconds


@dataclass(frozen=True)
class Cue:
    """A sound (and flash) of the session: ``kind`` is ``"heads-up"``, ``"step"``, ``"switch"``
    (the next segment is a step, or the switch) or ``"end"``; ``offset_seconds`` counts from
    the start of ``segment``, ``at_seconds`` from the start of the session."""

    segment: int
    kind: str
    offset_seconds: float
    at_seconds: float


@dataclass(frozen=True)
class Plan:
    """The ordered segments of a session and their cues. Iterates and indexes like a tuple."""

    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]
    legs: str
    heads_up_seconds: float
    variant: str = "default"

    def __len__(self) -> int:
        return len(self.segments)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    def __getitem__(self, index: int) -> Segment:
        return self.segments[index]

    @property
    def total_seconds(self) -> float:
        """Planned length of the whole session."""
        return self.segments[-1].end_seconds

    def cues_of(self, index: int) -> tuple[Cue, ...]:
        """The cues of segment ``index``, in time order."""
        return tuple(cue for cue in self.cues if cue.segment == index)

    @property
    def key(self) -> str:
        """``"variant/legs"``, for example ``"quick/both"``: the name of this plan."""
        return f"{self.variant}/{self.legs}"


def build_plan(
    routine: Routine,
    legs: Literal["one", "both"] = "one",
    *,
    first_leg: Literal["right", "left"] = "right",
    switch_seconds: float | None = None,
    heads_up_seconds: float | None = None,
) -> Plan:
    """Plan a session of ``routine``: its steps for one leg, or for both with a switch between.

    Parameters
    ----------
    routine
        The routine; each step lasts its ``default_seconds``.
    legs
        ``"one"``: the steps once, on ``first_leg``. ``"both"``: the steps on ``first_leg``,
        a "switch legs" segment, then the same steps on the other leg (its pictures mirrored).
    first_leg
        ``"right"`` or ``"left"``.
    switch_seconds, heads_up_seconds
        Override ``switch_seconds`` and ``heads_up_seconds`` of ``tutorial/data/timer.toml``.

    Returns
    -------
    Plan
        Segments with start offsets, and cues: a heads-up ``heads_up_seconds`` before the end
        of every segment longer than that, and at every segment end a ``"step"`` cue (a step
        follows), a ``"switch"`` cue (the switch follows) or the ``"end"`` cue (last segment).
    """
    if legs not in ("one", "both"):
        raise ValueError(f"legs must be 'one' or 'both', not {legs!r}")
    if first_leg not in LEGS:
        raise ValueError(f"first_leg must be 'right' or 'left', not {first_leg!r}")
    settings = load_timer_settings()
    switch = float(settings["switch_seconds"] if switch_seconds is None else switch_seconds)
    heads_up = float(settings["heads_up_seconds"] if heads_up_seconds is None else heads_up_seconds)
    if switch <= 0 or heads_up < 0:
        raise ValueError("switch_seconds must be > 0 and heads_up_seconds >= 0")
    sides = [first_leg] if legs == "one" else [first_leg, LEGS[1 - LEGS.index(first_leg)]]

    parts: list[tuple[str, int | None, str, str, str, float]] = []
    for n, side in enumerate(sides):
        if n:
            parts.append(("switch", None, SWITCH_ID, settings["switch"]["title"], side, switch))
        for i, step in enumerate(routine.steps):
            parts.append(("step", i, step.id, step.title, side, float(step.default_seconds)))

    segments: list[Segment] = []
    start = 0.0
    for index, (kind, step_index, step_id, title, side, seconds) in enumerate(parts):
        segments.append(Segment(index, kind, step_index, step_id, title, side, seconds, start))
        start += seconds

    cues: list[Cue] = []
    for seg in segments:
        if heads_up and seg.planned_seconds > heads_up:
            offset = seg.planned_seconds - heads_up
            cues.append(Cue(seg.index, "heads-up", offset, seg.start_seconds + offset))
        kind = "end" if seg.index == len(segments) - 1 else segments[seg.index + 1].kind
        cues.append(Cue(seg.index, kind, seg.planned_seconds, seg.end_seconds))
    return Plan(tuple(segments), tuple(cues), legs, heads_up)


def build_plans(
    routine: Routine,
    *,
    first_leg: Literal["right", "left"] = "right",
    switch_seconds: float | None = None,
    heads_up_seconds: float | None = None,
) -> dict[str, Plan]:
    """Every plan a trainer can pick before starting: each of :data:`VARIANTS` x one/both legs.

    ``"default"`` is ``routine`` as given; ``"quick"`` and ``"full"`` are
    :meth:`Routine.variant` (every step at its minimum or maximum). Keys are
    :attr:`Plan.key` (``"quick/one"``, ..., ``"full/both"``).
    """
    plans: dict[str, Plan] = {}
    for variant in VARIANTS:
        varied = routine if variant == "default" else routine.variant(variant)
        for legs in ("one", "both"):
            plan = build_plan(
                varied,
                legs,  # type: ignore[arg-type]
                first_leg=first_leg,
                switch_seconds=switch_seconds,
                heads_up_seconds=heads_up_seconds,
            )
            plan = replace(plan, variant=variant)
            plans[plan.key] = plan
    return plans


@dataclass(frozen=True)
class StepRecord:
    """What happened in one visit to a segment (times in the machine's clock, seconds).

    ``actual_seconds`` is the running time (pauses excluded), ``paused_seconds`` the paused
    time; ``actual_seconds + paused_seconds == ended_at - started_at``.
    """

    segment: int
    step_id: str
    leg: str
    planned_seconds: float
    actual_seconds: float
    paused_seconds: float
    outcome: str
    started_at: float
    ended_at: float
    #: The plan's length (``"quick"``, ``"default"``, ``"full"``); added after the others.
    variant: str = "default"


@dataclass(frozen=True)
class StepChange:
    """The machine moved to segment ``index`` (``None`` when the session finished).

    ``reason`` is the outcome of the segment left (``"completed"``, ``"skipped"``, ...) or
    ``"start"``; ``record`` is the :class:`StepRecord` of the segment left, if it had started;
    ``at`` is the machine time of the change (the deadline, for a completed segment).
    """

    index: int | None
    reason: str
    record: StepRecord | None
    at: float


class TimerMachine:
    """Runs a :class:`Plan` from deadlines: start, pause, resume, next, back, jump, reset.

    Every method takes ``now`` (seconds on any monotonic clock); when omitted, ``clock()``
    is read. Times passed in that go backwards are treated as the latest time seen, so the
    machine's time never decreases. Methods return the list of :class:`StepChange` they
    caused (usually empty or one; :meth:`tick` may cross several short segments at once).

    Parameters
    ----------
    plan
        The session to run.
    clock
        A function returning the current time in seconds; :func:`time.monotonic` by default.
    """

    def __init__(self, plan: Plan, *, clock: Callable[[], float] = time.monotonic):
        if not len(plan):
            raise ValueError("the plan has no segments")
        self.plan = plan
        self.clock = clock
        self.history: list[StepRecord] = []
        self._last = float("-inf")
        self._reset_state()

    def _reset_state(self) -> None:
        self.status = "ready"
        self.index = 0
        self._banked = 0.0  # running seconds of this segment before the current run span
        self._anchor: float | None = None  # when the current run span began (running only)
        self._entered: float | None = None  # when this segment was entered (None: not started)

    # -- reading ------------------------------------------------------------------------

    def _now(self, now: float | None) -> float:
        t = self.clock() if now is None else float(now)
        self._last = max(self._last, t)
        return self._last

    @property
    def segment(self) -> Segment:
        """The current segment."""
        return self.plan[self.index]

    def elapsed(self, now: float | None = None) -> float:
        """Running seconds spent in the current segment (pauses excluded), at ``now``."""
        if self.status == "running":
            running = self._banked + (self._now(now) - self._anchor)
            return min(running, self.segment.planned_seconds)  # until tick() moves on
        return self._banked

    def remaining(self, now: float | None = None) -> float:
        """Seconds left in the current segment (never negative)."""
        if self.status == "finished":
            return 0.0
        return max(0.0, self.segment.planned_seconds - self.elapsed(now))

    def session_elapsed(self, now: float | None = None) -> float:
        """Planned seconds behind us: the current segment's start offset plus its elapsed time."""
        if self.status == "finished":
            return self.plan.total_seconds
        seg = self.segment
        return seg.start_seconds + min(seg.planned_seconds, self.elapsed(now))

    def deadline(self) -> float | None:
        """Machine time at which the current segment ends, if running; else ``None``."""
        if self.status != "running":
            return None
        return self._anchor + (self.segment.planned_seconds - self._banked)

    def upcoming_cues(self, now: float | None = None) -> list[tuple[int, str, float]]:
        """The cues still to sound if nothing changes: ``(segment, kind, at)`` in time order.

        ``at`` is machine time. Empty unless running. A cue is identified by its segment and
        kind (the browser cancels and keeps scheduled tones by that identity, never by how
        close in time they are); cues of the current segment whose moment has passed are
        not listed (they have sounded).
        """
        now = self._now(now)
        if self.status != "running":
            return []
        start = now - self.elapsed(now)  # when the current segment (virtually) began
        cues: list[tuple[int, str, float]] = []
        for seg in self.plan.segments[self.index :]:
            for cue in self.plan.cues_of(seg.index):
                at = start + cue.offset_seconds
                if at >= now:
                    cues.append((seg.index, cue.kind, at))
            start += seg.planned_seconds
        return cues

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        """``{"status", "index", "elapsed"}`` at ``now``: what a front end needs to re-anchor."""
        now = self._now(now)
        return {"status": self.status, "index": self.index, "elapsed": self.elapsed(now)}

    # -- internal moves -----------------------------------------------------------------

    def _close(self, outcome: str, at: float) -> StepRecord | None:
        if self._entered is None:
            return None
        actual = self._banked + (at - self._anchor if self.status == "running" else 0.0)
        seg = self.segment
        record = StepRecord(
            segment=seg.index,
            step_id=seg.step_id,
            leg=seg.leg,
            planned_seconds=seg.planned_seconds,
            actual_seconds=actual,
            paused_seconds=max(0.0, (at - self._entered) - actual),
            outcome=outcome,
            started_at=self._entered,
            ended_at=at,
            variant=self.plan.variant,
        )
        self.history.append(record)
        return record

    def _enter(self, index: int, at: float, status: str) -> None:
        self.index = index
        self.status = status
        self._banked = 0.0
        self._anchor = at if status == "running" else None
        self._entered = None if status == "ready" else at

    def _move(self, index: int, outcome: str, now: float) -> list[StepChange]:
        record = self._close(outcome, now)
        status = self.status
        if status == "finished":
            status = "paused"
        self._enter(index, now, status)
        return [StepChange(index, outcome, record, now)]

    # -- actions ------------------------------------------------------------------------

    def start(self, now: float | None = None) -> list[StepChange]:
        """Start (from ready), resume (from paused), or start over (when finished)."""
        now = self._now(now)
        changes = self.tick(now)  # a session whose last deadline passed has finished
        if self.status == "paused":
            return changes + self.resume(now)
        if self.status == "running":
            return changes
        if self.status == "finished":
            self._reset_state()
        self.status = "running"
        self._anchor = now
        self._entered = now
        return [*changes, StepChange(self.index, "start", None, now)]

    def pause(self, now: float | None = None) -> list[StepChange]:
        """Pause a running timer (no-op otherwise). Time stops counting at ``now``."""
        now = self._now(now)
        changes = self.tick(now)
        if self.status == "running":
            self._banked += now - self._anchor
            self._anchor = None
            self.status = "paused"
        return changes

    def resume(self, now: float | None = None) -> list[StepChange]:
        """Resume a paused timer (no-op otherwise)."""
        now = self._now(now)
        changes = self.tick(now)
        if self.status == "paused":
            self.status = "running"
            self._anchor = now
            if self._entered is None:
                self._entered = now
        return changes

    def tick(self, now: float | None = None) -> list[StepChange]:
        """Advance past every segment whose deadline is at or before ``now``.

        A completed segment ends at its deadline, not at ``now``: a late tick causes no drift.
        """
        now = self._now(now)
        changes: list[StepChange] = []
        while self.status == "running":
            end = self.deadline()
            if end > now:
                break
            changes.extend(self._complete(end))
        return changes

    def _complete(self, at: float) -> list[StepChange]:
        record = self._close("completed", at)
        if self.index + 1 < len(self.plan):
            self._enter(self.index + 1, at, "running")
            return [StepChange(self.index, "completed", record, at)]
        self._banked = self.segment.planned_seconds
        self._anchor = None
        self._entered = None  # the visit is over: nothing more to record
        self.status = "finished"
        return [StepChange(None, "completed", record, at)]

    def complete(self, now: float | None = None) -> list[StepChange]:
        """End the running segment as completed at ``now`` (a front end saw its deadline pass).

        Used when another clock (the browser's) reports the end; ``now`` is that report's
        time mapped onto this machine's clock.
        """
        changes = self.tick(now)
        if changes or self.status != "running":
            return changes
        return self._complete(self._last)

    def next(self, now: float | None = None) -> list[StepChange]:
        """Skip to the next segment (outcome ``"skipped"``); after the last one, finish."""
        now = self._now(now)
        changes = self.tick(now)
        if self.status == "finished":
            return changes
        if self.index + 1 < len(self.plan):
            return changes + self._move(self.index + 1, "skipped", now)
        record = self._close("skipped", now)
        self._banked = self.segment.planned_seconds
        self._anchor = None
        self._entered = None  # the visit is over: nothing more to record
        self.status = "finished"
        return [*changes, StepChange(None, "skipped", record, now)]

    def back(self, now: float | None = None) -> list[StepChange]:
        """Go to the previous segment (the first one restarts); outcome ``"back"``."""
        now = self._now(now)
        changes = self.tick(now)
        if self.status == "finished":
            return changes + self._move(len(self.plan) - 1, "back", now)
        return changes + self._move(max(0, self.index - 1), "back", now)

    def jump(self, index: int, now: float | None = None) -> list[StepChange]:
        """Go to segment ``index`` (outcome ``"jumped"``), keeping running or paused."""
        if not 0 <= index < len(self.plan):
            raise IndexError(f"segment index {index} out of range 0..{len(self.plan) - 1}")
        now = self._now(now)
        changes = self.tick(now)
        return changes + self._move(index, "jumped", now)

    def restart_step(self, now: float | None = None) -> list[StepChange]:
        """Restart the current segment from its full time (outcome ``"restarted"``)."""
        now = self._now(now)
        changes = self.tick(now)
        if self.status == "finished":
            return changes
        return changes + self._move(self.index, "restarted", now)

    def reset(self, now: float | None = None) -> list[StepChange]:
        """Back to ready at the first segment (outcome ``"reset"``). History is kept."""
        now = self._now(now)
        changes = self.tick(now)
        record = None if self.status == "finished" else self._close("reset", now)
        self._reset_state()
        return [*changes, StepChange(0, "reset", record, now)]

    def restore(self, status: str, index: int, elapsed: float, now: float | None = None) -> None:
        """Set the state directly (no history entry): to follow another clock's snapshot."""
        if status not in STATUSES or not 0 <= index < len(self.plan):
            raise ValueError(f"bad state {status!r} / {index!r}")
        now = self._now(now)
        self._enter(index, now, status)
        elapsed = max(0.0, min(float(elapsed), self.segment.planned_seconds))
        self._banked = elapsed
        if status != "ready":
            self._entered = now - elapsed
            if status == "running":
                self._anchor = now
