"""StepTimer: a guided, timed routine a whole room can follow, by eye and by ear.

The plans (every length x one or both legs: steps, cue times) are computed here in Python
and synced to the browser once; the trainer picks one in the timer before Start and Python
follows (the ``variant`` and ``legs`` traits). The browser keeps the time from
``performance.now()`` deadlines, advances the steps itself (so the countdown keeps running
while the kernel is busy), schedules the tones ahead on the Web Audio clock, and reports
every user action and step change back as a custom message with its timestamp. Python
mirrors the session in a :class:`~tutorial.content.timing.TimerMachine` so that
:attr:`StepTimer.history`, the ``status`` / ``step_index`` / ``elapsed`` traits and
:meth:`StepTimer.on_step` work, also with no front end at all (scripts, nbval, tests). The
kernel also wakes at each deadline and nudges the page: a hidden tab's timers are
throttled, a kernel message is not.

Step pictures are drawn once per process, when a browser first asks for them, and sent
one by one as small binary PNGs (:meth:`StepTimer.embed_pictures` puts them in the state
instead, for a page with no Python behind it).

Only one timer lives per kernel: creating a :class:`StepTimer` closes the older ones, so
re-running the cell that made a timer leaves exactly one timer ticking and sounding.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import sys
import time
import traceback
import uuid
import weakref
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar, Literal

import anywidget
import traitlets

from ..content.i18n import _, format_list, get_language, using_language
from ..content.loader import load_points, load_routine, technique_name
from ..content.model import Routine, Step
from ..content.timing import (
    LEGS,
    STATUSES,
    VARIANTS,
    Plan,
    StepChange,
    StepRecord,
    TimerMachine,
    build_plans,
    load_timer_settings,
)
from ..store.pictures import cached_png
from .frontend import catalog_trait, esm

__all__ = ["StepTimer"]

_STATIC = Path(__file__).parent.parent / "static"
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
# The kernel nudges the page this long before each deadline (the page then waits out the
# rest itself), so a late wake-up of a busy kernel does not make a hidden tab late.
_NUDGE_LEAD_SECONDS = 0.025
# Step pictures: PNG reduced to this many colours (line drawings: about 4x smaller).
_PICTURE_COLOURS = 64


def _step_picture(step: Step, side: str) -> bytes:
    """The picture of ``step`` on the ``side`` leg, its target highlighted: PNG bytes.

    Drawn each time it is called: :func:`_picture_bytes` keeps the result.

    Raises ValueError if no one view shows all the step's points.
    """
    from ..drawing.legs import step_png  # heavy (matplotlib): only when a picture is needed

    dpi = float(load_timer_settings().get("picture_dpi", 100))
    return step_png(step, side, dpi=dpi)


def _picture_bytes(step: Step, side: str, language: str | None = None) -> bytes | None:
    """The picture sent to browsers: a small PNG, or None if no one view shows the step.

    ``language`` is the widget's (its words stay in the language it was built in).

    Drawn once and kept in the picture cache (:mod:`tutorial.store.pictures`: this
    process, then the disk cache shared by every kernel, per language), so a kernel whose
    pictures are on disk never imports matplotlib.
    """
    if step.points:
        from ..content.geometry import best_view

        try:
            best_view(step.points)
        except ValueError:  # no one view shows all these points: text only
            return None
    dpi = float(load_timer_settings().get("picture_dpi", 100))
    # What the drawing depends on (not the step's durations: quick, default and full
    # share one picture).
    key = (step.id, tuple(step.points), step.technique, side, dpi, _PICTURE_COLOURS)
    with using_language(language):
        return cached_png("step", key, lambda: _compact_png(_step_picture(step, side)))


def _compact_png(png: bytes) -> bytes:
    """Re-encode a PNG with a small palette (the leg drawings use few colours)."""
    from PIL import Image  # a matplotlib dependency

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(
            colors=_PICTURE_COLOURS, method=Image.Quantize.FASTOCTREE
        )
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def _picture_key(step: Step, side: str) -> str:
    return f"{step.id}@{side}"


def _alt_text(step: Step, side: str, labels: dict[str, str]) -> str:
    """What the picture of ``step`` shows, in words: the leg, the view, the points."""
    from ..content.geometry import areas, best_view

    settings = load_timer_settings()
    leg = settings["legs"][side]
    if not step.points:  # the same choice as drawing.draw_step
        area = next((a for a in areas() if a["step"] == step.id), None)
        if area is None:
            return _("{title}: the seated posture, side view").format(title=step.title)
        target = " ".join(area.get("label", "").split()) or step.title
        view = settings["views"].get(area["view"], "")
        return _("{leg}, {view}: {target} highlighted").format(leg=leg, view=view, target=target)
    try:
        view = settings["views"].get(best_view(step.points), "")
    except ValueError:
        return ""
    target = format_list(labels.get(code, code) for code in step.points)
    return _("{leg}, {view}: {target} highlighted").format(leg=leg, view=view, target=target)


class StepTimer(anywidget.AnyWidget):
    """A step-by-step timer for a routine, with pictures, a big countdown and sound cues.

    Parameters
    ----------
    routine
        A :class:`~tutorial.content.model.Routine`, the path of a routine file, or ``None`` for the
        built-in calf-cramp routine.
    legs
        ``"one"``: the routine once. ``"both"``: once per leg with a "switch legs" segment
        between; the second leg's pictures are mirrored. Kept in the ``legs`` trait.
    variant
        ``"default"`` (each step's default time), ``"quick"`` (every step at its minimum)
        or ``"full"`` (its maximum). Kept in the ``variant`` trait. The timer carries the
        plans of every variant and legs, and offers the choice on screen before Start.
    layout
        ``"auto"`` (the timer picks projector, laptop or phone sizes from its own width),
        ``"projector"`` (always the largest type that fits, for the back of a room) or
        ``"compact"``; kept in the ``presentation`` trait (change it to switch live).
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
        Show the leg picture of each step. Pictures are drawn once per process, when a
        browser first needs them, and sent one by one (see :meth:`embed_pictures`).
    clock
        A function returning seconds on a monotonic clock; :func:`time.monotonic` by default.
        Tests pass a fake one.

    Notes
    -----
    The traits ``status`` (``"ready"``, ``"running"``, ``"paused"``, ``"finished"``),
    ``step_index`` (index into :attr:`plan`) and ``elapsed`` (running seconds in the current
    step) are updated at every action and step change, and ``elapsed`` about once a second
    while running. Treat them as read-only; drive the timer with the methods. ``variant``
    and ``legs`` may be set while the status is ``"ready"``.

    Creating a timer closes every older :class:`StepTimer` of this kernel (their front ends
    stop, fall silent and release the screen wake lock), so that re-running a cell never
    leaves two timers talking at once.

    Examples
    --------
    >>> timer = StepTimer(legs="both", variant="quick")  # doctest: +SKIP
    >>> timer  # doctest: +SKIP
    >>> timer.on_step(lambda change: print(change.index, change.reason))  # doctest: +SKIP
    """

    _esm = esm("timer.js")
    _css = _STATIC / "timer.css"

    #: The words of the front end in the course's language (``i18n.js_catalog``), taken
    #: when the timer is made; the browser translates with them and speaks that language.
    i18n = catalog_trait("timer.js")

    #: The routine's steps as shown (texts, point labels, picture keys and alt texts).
    steps = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: Every plan, by ``"variant/legs"``: segments (timings only) and cues, in milliseconds.
    plans = traitlets.Dict().tag(sync=True)
    #: Pictures embedded in the state (picture key -> data URL); see :meth:`embed_pictures`.
    pictures = traitlets.Dict().tag(sync=True)
    session = traitlets.Dict().tag(sync=True)
    variant = traitlets.Enum(VARIANTS, default_value="default").tag(sync=True)
    legs = traitlets.Enum(("one", "both"), default_value="one").tag(sync=True)
    # Not `layout`: DOMWidget's `layout` trait holds the ipywidgets Layout.
    presentation = traitlets.Enum(("auto", "projector", "compact"), default_value="auto").tag(
        sync=True
    )
    sound = traitlets.Bool(True).tag(sync=True)
    speech = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Enum(STATUSES, default_value="ready").tag(sync=True)
    step_index = traitlets.Int(0).tag(sync=True)
    elapsed = traitlets.Float(0.0)
    #: A short plain-text message shown under the controls (for example "Session saved").
    notice = traitlets.Unicode("").tag(sync=True)
    #: Names this timer in the browser: every view of it shares one clock and one audio output.
    timer_id = traitlets.Unicode("").tag(sync=True)

    _live: ClassVar[weakref.WeakSet[StepTimer]] = weakref.WeakSet()

    def __init__(
        self,
        routine: Routine | str | Path | None = None,
        *,
        legs: Literal["one", "both"] = "one",
        variant: Literal["quick", "default", "full"] = "default",
        layout: Literal["auto", "projector", "compact"] = "auto",
        sound: bool = True,
        speech: bool = False,
        first_leg: Literal["right", "left"] = "right",
        switch_seconds: float | None = None,
        pictures: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not isinstance(routine, Routine):
            routine = load_routine(routine)
        if legs not in ("one", "both"):
            raise ValueError(f"legs must be 'one' or 'both', not {legs!r}")
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, not {variant!r}")
        self.routine = routine
        self._plans = build_plans(routine, first_leg=first_leg, switch_seconds=switch_seconds)
        self.plan: Plan = self._plans[f"{variant}/{legs}"]
        self._clock = clock or time.monotonic
        self._machine = TimerMachine(self.plan, clock=self._clock)
        self._callbacks: list[Callable[[StepChange], Any]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._nudge_handle: asyncio.TimerHandle | None = None
        self._offset: float | None = None  # python clock - browser clock, lowest seen
        self._seq = 0
        self._with_pictures = pictures
        self._language = get_language()  # pictures drawn later keep the widget's language
        self._picture_queue: list[str] = []
        self._picture_task: asyncio.Handle | None = None
        self._known_pictures: dict[str, tuple[Step, str]] = {}
        steps = self._describe_steps(pictures)
        for old in list(StepTimer._live):
            old.close()
        super().__init__(
            steps=steps,
            plans={key: self._describe_plan(plan) for key, plan in self._plans.items()},
            session=self._session_info(),
            variant=variant,
            legs=legs,
            presentation=layout,
            sound=sound,
            speech=speech,
            timer_id=uuid.uuid4().hex,
        )
        StepTimer._live.add(self)
        self.on_msg(self._on_front_end_msg)
        if pictures and routine.steps:
            # Draw the first picture as soon as the cell is done, while the page is still
            # setting up the widget, so that it is ready when the browser asks.
            with contextlib.suppress(RuntimeError):  # no event loop: drawn when asked
                first = routine.steps[0]
                asyncio.get_running_loop().call_soon(
                    _picture_bytes, first, first_leg, self._language
                )

    # -- plan for the front end ---------------------------------------------------------

    def _describe_steps(self, with_pictures: bool) -> list[dict[str, Any]]:
        points = load_points()
        labels = {code: point.label for code, point in points.items()}
        out = []
        for number, step in enumerate(self.routine.steps, start=1):
            out.append(
                {
                    "id": step.id,
                    "number": number,
                    "title": step.title,
                    "technique": technique_name(step.technique),
                    "instructions": step.instructions,
                    "hand": step.hand,
                    "caution": step.caution,
                    "points": [labels.get(c, c) for c in step.points],
                    "picture": {
                        side: _picture_key(step, side) if with_pictures else "" for side in LEGS
                    },
                    "alt": {side: _alt_text(step, side, labels) for side in LEGS},
                }
            )
        return out

    @staticmethod
    def _describe_plan(plan: Plan) -> dict[str, Any]:
        segments = []
        for seg in plan:
            segments.append(
                {
                    "step": -1 if seg.step_index is None else seg.step_index,
                    "kind": seg.kind,
                    "leg": seg.leg,
                    "planned_ms": seg.planned_seconds * 1000.0,
                    "start_ms": seg.start_seconds * 1000.0,
                    "cues": [
                        {"kind": cue.kind, "offset_ms": cue.offset_seconds * 1000.0}
                        for cue in plan.cues_of(seg.index)
                    ],
                }
            )
        return {"segments": segments, "total_ms": plan.total_seconds * 1000.0}

    def _session_info(self) -> dict[str, Any]:
        settings = load_timer_settings()
        return {
            "title": self.routine.title,
            "heads_up_ms": self.plan.heads_up_seconds * 1000.0,
            "flash_ms": float(settings["flash_ms"]),
            "finish": dict(settings["finish"]),
            "switch": dict(settings["switch"]),
            "leg_labels": dict(settings["legs"]),
            "choices": dict(settings["choices"]),
            "keys": [dict(k) for k in settings["keys"]],
            "tones": settings["tones"],
        }

    @property
    def segments(self) -> list[dict[str, Any]]:
        """The current plan as the front end shows it: one dict per segment (texts included)."""
        settings = load_timer_settings()
        steps = self.steps
        out = []
        for index, (seg, desc) in enumerate(
            zip(self.plan, self._describe_plan(self.plan)["segments"], strict=True)
        ):
            step = steps[0] if seg.step_index is None else steps[seg.step_index]
            texts = settings["switch"] if seg.kind == "switch" else step
            out.append(
                {
                    **desc,
                    "index": index,
                    "id": seg.step_id,
                    "number": 0 if seg.kind == "switch" else step["number"],
                    "title": seg.title,
                    "technique": texts["technique"],
                    "instructions": texts["instructions"],
                    "points": step["points"],
                    "picture": step["picture"][seg.leg],
                    "alt": step["alt"][seg.leg],
                    "leg_label": settings["legs"][seg.leg],
                }
            )
        return out

    def embed_pictures(self) -> dict[str, str]:
        """Put every step picture of every plan into the ``pictures`` trait as a data URL.

        Normally pictures travel one by one when a browser needs them; a page that runs
        the timer with no Python behind it (a static export of the widget state) needs
        them inside the state. Returns the ``pictures`` trait.
        """
        pictures = {}
        for step in self.routine.steps:
            for side in LEGS:
                data = _picture_bytes(step, side, self._language) if self._with_pictures else None
                url = "data:image/png;base64," + base64.b64encode(data).decode() if data else ""
                pictures[_picture_key(step, side)] = url
        self.pictures = pictures
        return pictures

    # -- public API ---------------------------------------------------------------------

    @property
    def history(self) -> list[StepRecord]:
        """What happened so far: one :class:`~tutorial.content.timing.StepRecord` per step visit.

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

        ``change`` is a :class:`~tutorial.content.timing.StepChange`: ``change.index`` is the new
        step index (``None`` when the session has finished), ``change.reason`` how the
        previous step ended, ``change.record`` its :class:`~tutorial.content.timing.StepRecord`.
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
        self._picture_queue = []
        task = getattr(self, "_picture_task", None)
        if task is not None:
            task.cancel()
        if getattr(self, "comm", None) is not None:
            with contextlib.suppress(Exception):  # the kernel may be shutting down
                self.send({"type": "stop"})
        StepTimer._live.discard(self)
        super().close()

    # -- variant and legs -----------------------------------------------------------------

    @traitlets.validate("variant", "legs")
    def _valid_choice(self, proposal: dict) -> str:
        machine = getattr(self, "_machine", None)
        if (
            machine is not None
            and machine.status != "ready"
            and proposal["value"] != getattr(self, proposal["trait"].name)
        ):
            raise traitlets.TraitError(  # for the programmer: i18n: ignore
                f"StepTimer.{proposal['trait'].name} can change only before Start "  # i18n: ignore
                f"(status is {machine.status!r}); call reset() first"
            )
        return proposal["value"]

    @traitlets.observe("variant", "legs")
    def _on_choice_change(self, change: dict) -> None:
        plans = getattr(self, "_plans", None)
        if plans is None:  # during __init__
            return
        plan = plans[f"{self.variant}/{self.legs}"]
        if plan is self.plan:
            return
        history = self._machine.history
        self.plan = plan
        self._machine = TimerMachine(plan, clock=self._clock)
        self._machine.history = history  # one session log across choices
        self._sync_traits()

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
        """Record the run that ended in the practice log (store.practicelog); never raise."""
        try:
            from ..store.practicelog import record_timer_run

            notice = record_timer_run(self)
        except Exception as err:  # the log must never break the timer (nor a shutdown)
            notice = _("Session not saved: {error}").format(error=err)
        if notice:
            with contextlib.suppress(Exception):
                self.notice = notice

    def _report_callback_error(self, callback: Callable[..., Any]) -> None:
        name = getattr(callback, "__qualname__", repr(callback))
        self.log.error("StepTimer on_step callback %s failed", name, exc_info=True)  # i18n: ignore
        print(f"StepTimer: the on_step callback {name} raised:", file=sys.stderr)  # i18n: ignore
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
        for name in ("_handle", "_nudge_handle"):
            handle = getattr(self, name, None)  # absent if __init__ failed early
            if handle is not None:
                handle.cancel()
            setattr(self, name, None)

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
        lead = deadline - self._clock() - _NUDGE_LEAD_SECONDS
        if lead <= _REFRESH_SECONDS:
            self._nudge_handle = loop.call_later(max(0.0, lead), self._nudge)

    def _nudge(self) -> None:
        """Tell the page a deadline is near (a hidden tab's own timers may be throttled)."""
        self._nudge_handle = None
        if getattr(self, "comm", None) is not None:
            self.send({"type": "nudge", "index": self._machine.index})

    def _wake(self) -> None:
        self._handle = None
        changes = self._machine.tick()
        self._after(changes)
        if changes and getattr(self, "comm", None) is not None:
            # A page timer in a hidden tab may be throttled for up to a minute, but a message
            # from the kernel reaches it within milliseconds: tell it a step changed.
            self.send({"type": "nudge", "index": self._machine.index})

    def _queue_pictures(self, keys: Any) -> None:
        """Draw (or take from the cache) the pictures a front end asks for, one per loop turn."""
        if not isinstance(keys, list) or not self._with_pictures:
            return
        known = {
            _picture_key(step, side): (step, side) for step in self.routine.steps for side in LEGS
        }
        for key in keys:
            if isinstance(key, str) and key in known and key not in self._picture_queue:
                self._picture_queue.append(key)
        self._known_pictures = known
        self._pump_pictures()

    def _pump_pictures(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): answer at once
            while self._picture_queue:
                self._send_next_picture()
            return
        if self._picture_task is None and self._picture_queue:
            self._picture_task = loop.call_soon(self._send_next_picture)

    def _send_next_picture(self) -> None:
        """Send one picture (drawing it first if no timer of this process has), then yield."""
        self._picture_task = None
        if not self._picture_queue or getattr(self, "comm", None) is None:
            self._picture_queue = []
            return
        key = self._picture_queue.pop(0)
        data = _picture_bytes(*self._known_pictures[key], self._language)
        if data is None:
            self.send({"type": "picture", "key": key, "mime": ""})
        else:
            self.send({"type": "picture", "key": key, "mime": "image/png"}, buffers=[data])
        if self._picture_queue:
            with contextlib.suppress(RuntimeError):  # no loop: _pump_pictures goes on
                loop = asyncio.get_running_loop()
                self._picture_task = loop.call_soon(self._send_next_picture)

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
        if kind == "hello":  # a front end (re)started: tell it where we are
            self._refresh()
            self._send_state()
            return
        if kind == "pictures":
            self._queue_pictures(content.get("keys"))
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

    def save_html(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write this timer as one self-contained HTML page, for a phone or a USB stick.

        The page runs this routine (with its quick, default and full timings, one leg or
        both) with no network, no server and no Python: ``timer.js``, its styles, the step
        pictures and the hanzi font are all inlined. Written atomically.

        Parameters
        ----------
        path
            Where to write the page, e.g. ``"timer.html"``.
        title
            The page's heading; default the routine's title.

        Returns
        -------
        Path
            The path written.
        """
        from ..site.single import save_timer_html  # the static site's code, loaded on use

        return save_timer_html(self, path, title=title)
