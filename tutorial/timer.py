"""StepTimer: a guided, timed routine a whole room can follow, by eye and by ear.

The plan (steps, pictures, cue times) is computed here in Python and synced to the browser;
the browser keeps the time from ``performance.now()`` deadlines, advances the steps itself
(so the countdown keeps running while the kernel is busy), schedules the tones ahead on the
Web Audio clock, and reports every user action and step change back as a custom message
with its timestamp. Python mirrors the session in a :class:`~tutorial.timing.TimerMachine`
so that :attr:`StepTimer.history`, the ``status`` / ``step_index`` / ``elapsed`` traits and
:meth:`StepTimer.on_step` work, also with no front end at all (scripts, nbval, tests).

Only one timer lives per kernel: creating a :class:`StepTimer` closes the older ones, so
re-running the cell that made a timer leaves exactly one timer ticking and sounding.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import sys
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import anywidget
import traitlets

from .content import load_points, load_routine
from .model import Routine, Step
from .timing import (
    STATUSES,
    Plan,
    StepChange,
    StepRecord,
    TimerMachine,
    build_plan,
    load_timer_settings,
)

__all__ = ["StepTimer"]

_STATIC = Path(__file__).parent / "static"
# Browser actions the kernel mirrors, mapped to TimerMachine methods.
_ACTIONS = {
    "start": "start",
    "pause": "pause",
    "resume": "resume",
    "next": "next",
    "back": "back",
    "restart": "restart_step",
    "reset": "reset",
}
# Longest the kernel waits between refreshes of the `elapsed` trait while running.
_REFRESH_SECONDS = 1.0


@lru_cache(maxsize=64)
def _step_picture(step: Step, side: str) -> str:
    """A PNG data URL of the step's picture, its target highlighted (made once, cached)."""
    from .drawing import step_png  # heavy (matplotlib): only when a timer is made

    dpi = float(load_timer_settings().get("picture_dpi", 100))
    png = step_png(step, side, dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class StepTimer(anywidget.AnyWidget):
    """A step-by-step timer for a routine, with pictures, a big countdown and sound cues.

    Parameters
    ----------
    routine
        A :class:`~tutorial.model.Routine`, the path of a routine file, or ``None`` for the
        built-in calf-cramp routine.
    legs
        ``"one"``: the routine once. ``"both"``: once per leg with a "switch legs" segment
        between; the second leg's pictures are mirrored.
    layout
        ``"projector"`` (huge countdown, readable from the back of a room) or ``"compact"``;
        kept in the ``presentation`` trait (change it to switch live).
    sound
        Tones: a heads-up before a step ends, a tone at every step change, a long one at the
        end. The browser only plays sound after a click, so press Start in the widget.
    speech
        Speak each step's title with the browser's speech synthesis.
    first_leg
        ``"right"`` or ``"left"``: the leg done first (the cramping one).
    switch_seconds
        Length of the "switch legs" pause; default from ``tutorial/data/timer.toml``.
    pictures
        Show the leg picture of each step (made once per step and side).
    clock
        A function returning seconds on a monotonic clock; :func:`time.monotonic` by default.
        Tests pass a fake one.

    Notes
    -----
    The traits ``status`` (``"ready"``, ``"running"``, ``"paused"``, ``"finished"``),
    ``step_index`` (index into :attr:`plan`) and ``elapsed`` (running seconds in the current
    step) are updated at every action and step change, and ``elapsed`` about once a second
    while running. Treat them as read-only; drive the timer with the methods.

    Creating a timer closes every older :class:`StepTimer` of this kernel (their front ends
    stop, fall silent and release the screen wake lock), so that re-running a cell never
    leaves two timers talking at once.

    Examples
    --------
    >>> timer = StepTimer(legs="both")  # doctest: +SKIP
    >>> timer  # doctest: +SKIP
    >>> timer.on_step(lambda change: print(change.index, change.reason))  # doctest: +SKIP
    """

    _esm = _STATIC / "timer.js"
    _css = _STATIC / "timer.css"

    segments = traitlets.List(traitlets.Dict()).tag(sync=True)
    pictures = traitlets.Dict().tag(sync=True)
    session = traitlets.Dict().tag(sync=True)
    # Not `layout`: DOMWidget's `layout` trait holds the ipywidgets Layout.
    presentation = traitlets.Enum(("projector", "compact"), default_value="projector").tag(
        sync=True
    )
    sound = traitlets.Bool(True).tag(sync=True)
    speech = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Enum(STATUSES, default_value="ready").tag(sync=True)
    step_index = traitlets.Int(0).tag(sync=True)
    elapsed = traitlets.Float(0.0)
    #: A short plain-text message shown under the controls (for example "Session saved").
    notice = traitlets.Unicode("").tag(sync=True)

    _live: ClassVar[weakref.WeakSet[StepTimer]] = weakref.WeakSet()

    def __init__(
        self,
        routine: Routine | str | Path | None = None,
        *,
        legs: Literal["one", "both"] = "one",
        layout: Literal["projector", "compact"] = "projector",
        sound: bool = True,
        speech: bool = False,
        first_leg: Literal["right", "left"] = "right",
        switch_seconds: float | None = None,
        pictures: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not isinstance(routine, Routine):
            routine = load_routine(routine)
        self.routine = routine
        self.plan: Plan = build_plan(
            routine, legs, first_leg=first_leg, switch_seconds=switch_seconds
        )
        self._clock = clock or time.monotonic
        self._machine = TimerMachine(self.plan, clock=self._clock)
        self._callbacks: list[Callable[[StepChange], Any]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._offset: float | None = None  # python clock - browser clock, lowest seen
        self._seq = 0
        segments, pics = self._describe(pictures)
        for old in list(StepTimer._live):
            old.close()
        super().__init__(
            segments=segments,
            pictures=pics,
            session=self._session_info(),
            presentation=layout,
            sound=sound,
            speech=speech,
        )
        StepTimer._live.add(self)
        self.on_msg(self._on_front_end_msg)

    # -- plan for the front end ---------------------------------------------------------

    def _describe(self, with_pictures: bool) -> tuple[list[dict[str, Any]], dict[str, str]]:
        settings = load_timer_settings()
        points = load_points()
        steps = self.routine.steps
        segments: list[dict[str, Any]] = []
        pics: dict[str, str] = {}
        for seg in self.plan:
            if seg.kind == "step":
                step = steps[seg.step_index]
                texts = {
                    "technique": step.technique,
                    "instructions": step.instructions,
                    "hand": step.hand,
                    "caution": step.caution,
                }
                codes = step.points
                number = seg.step_index + 1
            else:  # the switch shows the first step of the new leg
                texts = {
                    "technique": settings["switch"]["technique"],
                    "instructions": settings["switch"]["instructions"],
                    "hand": "",
                    "caution": "",
                }
                codes = steps[0].points
                number = 0
            pictured = step if seg.kind == "step" else steps[0]
            key = f"{seg.leg}:{'+'.join(codes) or pictured.id}"
            if with_pictures and key not in pics:
                try:
                    pics[key] = _step_picture(pictured, seg.leg)
                except ValueError:  # no one view shows all these points: text only
                    pics[key] = ""
            segments.append(
                {
                    "index": seg.index,
                    "kind": seg.kind,
                    "id": seg.step_id,
                    "number": number,
                    "count": len(steps),
                    "title": seg.title,
                    **texts,
                    "points": [points[c].label if c in points else c for c in codes],
                    "leg": seg.leg,
                    "leg_label": settings["legs"][seg.leg],
                    "planned_ms": seg.planned_seconds * 1000.0,
                    "start_ms": seg.start_seconds * 1000.0,
                    "cues": [
                        {"kind": cue.kind, "offset_ms": cue.offset_seconds * 1000.0}
                        for cue in self.plan.cues_of(seg.index)
                    ],
                    "picture": key if with_pictures else "",
                }
            )
        return segments, pics

    def _session_info(self) -> dict[str, Any]:
        settings = load_timer_settings()
        return {
            "title": self.routine.title,
            "legs": self.plan.legs,
            "total_ms": self.plan.total_seconds * 1000.0,
            "heads_up_ms": self.plan.heads_up_seconds * 1000.0,
            "flash_ms": float(settings["flash_ms"]),
            "finish": dict(settings["finish"]),
            "tones": settings["tones"],
        }

    # -- public API ---------------------------------------------------------------------

    @property
    def history(self) -> list[StepRecord]:
        """What happened so far: one :class:`~tutorial.timing.StepRecord` per step visit.

        Each has the planned and the actual (running) seconds, the paused seconds and the
        outcome (``"completed"``, ``"skipped"``, ``"back"``, ``"jumped"``, ``"restarted"``,
        ``"reset"``).
        """
        self._refresh()
        return list(self._machine.history)

    def history_table(self) -> list[dict[str, Any]]:
        """:attr:`history` as a list of plain dicts (for printing or a DataFrame)."""
        return [asdict(record) for record in self.history]

    @property
    def remaining(self) -> float:
        """Seconds left in the current step, now."""
        self._refresh()
        return self._machine.remaining()

    def on_step(self, callback: Callable[[StepChange], Any], *, remove: bool = False) -> None:
        """Call ``callback(change)`` at every step change (``remove=True`` to unregister).

        ``change`` is a :class:`~tutorial.timing.StepChange`: ``change.index`` is the new
        step index (``None`` when the session has finished), ``change.reason`` how the
        previous step ended, ``change.record`` its :class:`~tutorial.timing.StepRecord`.
        An exception in a callback is printed (to the cell output) and logged, not raised.
        """
        if remove:
            self._callbacks.remove(callback)
        else:
            self._callbacks.append(callback)

    def start(self) -> None:
        """Start (or resume, or start over when finished)."""
        self._act("start")

    def pause(self) -> None:
        """Pause the countdown."""
        self._act("pause")

    def resume(self) -> None:
        """Resume after a pause."""
        self._act("resume")

    def next(self) -> None:
        """Skip to the next step."""
        self._act("next")

    def back(self) -> None:
        """Go back to the previous step."""
        self._act("back")

    def restart_step(self) -> None:
        """Restart the current step from its full time."""
        self._act("restart")

    def reset(self) -> None:
        """Stop and go back to the first step (the history is kept)."""
        self._act("reset")

    def jump(self, index: int) -> None:
        """Go to step ``index`` of :attr:`plan` (0-based), keeping running or paused."""
        changes = self._machine.jump(index)
        self._after(changes, tell_front_end=True)

    def close(self) -> None:
        """Stop the timer: cancel kernel-side callbacks, silence and remove the front ends."""
        self._log_session()
        self._cancel()
        if getattr(self, "comm", None) is not None:
            with contextlib.suppress(Exception):  # the kernel may be shutting down
                self.send({"type": "stop"})
        StepTimer._live.discard(self)
        super().close()

    # -- internals ----------------------------------------------------------------------

    def _act(self, name: str) -> None:
        changes = getattr(self._machine, _ACTIONS[name])()
        self._after(changes, tell_front_end=True)

    def _after(self, changes: list[StepChange], *, tell_front_end: bool = False) -> None:
        self._sync_traits()
        self._schedule()
        if tell_front_end:
            self._send_state()
        for change in changes:
            for callback in list(self._callbacks):
                try:
                    callback(change)
                except Exception:
                    self._report_callback_error(callback)
        if any(change.index is None or change.reason == "reset" for change in changes):
            self._log_session()  # a run ended: finished, or stopped

    def _log_session(self) -> None:
        """Record the run that ended in the practice log (tutorial.practicelog); never raise."""
        try:
            from .practicelog import record_timer_run

            notice = record_timer_run(self)
        except Exception as err:  # the log must never break the timer (nor a shutdown)
            notice = f"Session not saved: {err}"
        if notice:
            with contextlib.suppress(Exception):
                self.notice = notice

    def _report_callback_error(self, callback: Callable[..., Any]) -> None:
        name = getattr(callback, "__qualname__", repr(callback))
        self.log.error("StepTimer on_step callback %s failed", name, exc_info=True)
        print(f"StepTimer: the on_step callback {name} raised:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)

    def _sync_traits(self) -> None:
        machine = self._machine
        self.status = machine.status
        self.step_index = machine.index
        self.elapsed = machine.elapsed()

    def _refresh(self) -> None:
        changes = self._machine.tick()
        if changes:
            self._after(changes)
        else:
            self.elapsed = self._machine.elapsed()

    def _send_state(self) -> None:
        if getattr(self, "comm", None) is None:
            return
        self._seq += 1
        snap = self._machine.snapshot()
        self.send(
            {
                "type": "state",
                "status": snap["status"],
                "index": snap["index"],
                "elapsed_ms": snap["elapsed"] * 1000.0,
                "seq": self._seq,
            }
        )

    def _cancel(self) -> None:
        handle = getattr(self, "_handle", None)  # absent if __init__ failed early
        if handle is not None:
            handle.cancel()
        self._handle = None

    def _schedule(self) -> None:
        """Wake up at the next deadline (or within a second, to refresh ``elapsed``)."""
        self._cancel()
        deadline = self._machine.deadline()
        if deadline is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a plain script: the machine advances when read
            return
        delay = max(0.0, min(deadline - self._clock(), _REFRESH_SECONDS))
        self._handle = loop.call_later(delay, self._wake)

    def _wake(self) -> None:
        self._handle = None
        changes = self._machine.tick()
        self._after(changes)

    def _browser_time(self, t: Any) -> float:
        """Map a browser timestamp (epoch ms) onto the kernel clock.

        Messages take a positive, varying time to arrive, so the smallest ``kernel_now -
        browser_t`` seen so far is the best estimate of the offset between the clocks.
        """
        now = self._clock()
        if not isinstance(t, (int, float)) or isinstance(t, bool):
            return now
        browser = float(t) / 1000.0
        delta = now - browser
        if self._offset is None or delta < self._offset:
            self._offset = delta
        return min(now, browser + self._offset)

    def _on_front_end_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        when = self._browser_time(content.get("t"))
        machine = self._machine
        if kind == "hello":  # a view (re)rendered: tell it where we are
            self._refresh()
            self._send_state()
            return
        if kind == "action":
            name = content.get("action")
            if name == "jump":
                index = content.get("index")
                if not isinstance(index, int) or not 0 <= index < len(self.plan):
                    return
                changes = machine.jump(index, when)
            elif name in _ACTIONS:
                changes = getattr(machine, _ACTIONS[name])(when)
            else:
                return
        elif kind == "step":  # the browser saw a deadline pass
            if machine.status == "running" and machine.index == content.get("from"):
                changes = machine.complete(when)
            else:
                changes = machine.tick(when)
        else:
            return
        self._after(changes)
