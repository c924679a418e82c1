"""The timing lab of lesson 5: set each step's duration, watch the timeline, save and load.

:class:`TimingLab` holds the routine being edited in its ``routine`` trait. One slider per
step keeps each duration inside the step's range; presets set every step to its shortest,
middle or longest; a :class:`~tutorial.drawing.charts.Timeline` is moved in place and re-rendered
as a PNG when the durations settle (sliders report on release, not on every pixel). The
routine can be saved to and loaded from a TOML or JSON file, and handed to a step timer.

A learner's saved routine is never overwritten behind their back: the lab starts from
``my-routine.toml`` when it exists, and saving over an existing file asks first.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import replace
from pathlib import Path

import ipywidgets as widgets
import traitlets

from ..content.i18n import N_, _, format_decimal, format_list, ngettext
from ..content.loader import load_routine, save_routine
from ..content.model import Routine, RoutineError
from ..drawing.charts import Timeline, format_minutes
from ..store.files import user_data_dir, user_file
from .picture import Picture, RangeInput
from .style import hanzi_fonts
from .text import PlainText

__all__ = ["PRESETS", "TimingLab", "preset_seconds"]

DEFAULT_FILE = "my-routine.toml"
_SLIDER_STEP = 5  # seconds

#: The preset buttons: kind -> (button text, tooltip), English (translated when shown).
PRESETS = {
    "quick": (N_("Quick (shortest)"), N_("Set every step to the shortest time of its range")),
    "default": (N_("Default"), N_("Set every step to the middle of its range")),
    "full": (N_("Full"), N_("Set every step to the longest time of its range")),
}
_LEGS = {"one": N_("one leg"), "both": N_("both legs (with the switch)")}


def preset_seconds(routine: Routine, kind: str) -> list[float]:
    """Every step's seconds under a preset: shortest, middle (on the 5 s grid) or longest.

    Computed from each step's range alone, never from the durations it has now, so any
    preset after any other gives the same result.
    """
    if kind not in PRESETS:
        raise ValueError(f"kind must be one of {sorted(PRESETS)}, not {kind!r}")
    seconds = []
    for step in routine.steps:
        low, high = step.min_seconds, step.max_seconds
        if kind == "quick":
            seconds.append(low)
        elif kind == "full":
            seconds.append(high)
        else:
            middle = low + round((high - low) / 2 / _SLIDER_STEP) * _SLIDER_STEP
            seconds.append(min(max(middle, low), high))
    return seconds


class TimingLab(widgets.VBox):
    """Sliders for each step's duration, a timeline chart, presets, save/load and a timer.

    Parameters
    ----------
    routine
        The routine to start from; default the built-in one.
    legs
        ``"one"`` or ``"both"``: the timeline and the timer cover one leg or both.
    folder
        Where relative file names are saved and loaded; default the tutorial's data folder
        (``$CALF_TUTORIAL_HOME`` or ``~/.local/share/calf-cramp-tutorial``), looked up only
        when a file is saved or loaded.
    load_saved
        With no ``routine`` given, start from the learner's saved ``my-routine.toml`` when
        it exists (the built-in routine otherwise), so running the lesson again never
        replaces their work with the built-in routine.
    """

    routine = traitlets.Instance(Routine)
    legs = traitlets.Enum(("one", "both"), default_value="one")

    def __init__(
        self,
        routine: Routine | None = None,
        *,
        legs: str = "one",
        folder: str | Path | None = None,
        load_saved: bool = True,
        **kwargs,
    ) -> None:
        from .style import use_page_style

        use_page_style()
        self._folder = Path(folder) if folder is not None else None
        status = ""
        if routine is None:
            routine, status = self._saved_or_built_in() if load_saved else (load_routine(), "")
        self._batch = False
        self._ready = False  # the legs handler waits for the first routine
        self._timelines: dict[str, Timeline] = {}
        self._sliders: list[RangeInput] = []
        self._slider_box = widgets.VBox()
        self._total = widgets.Label(style={"font_size": "18px", "font_weight": "bold"})
        self._image = Picture(layout=widgets.Layout(max_width="900px"))
        self._legs = widgets.ToggleButtons(
            options=[(_("One leg"), "one"), (_("Both legs"), "both")], value=legs
        )
        presets = []
        for kind, (text, tip) in PRESETS.items():
            button = widgets.Button(description=_(text), tooltip=_(tip))
            button.on_click(lambda _b, kind=kind: self._guard(self.apply_variant, kind))
            presets.append(button)
        self._title = widgets.Text(description=_("Title"), value=routine.title)
        self._file = widgets.Text(description=_("File"), value=DEFAULT_FILE)
        save, load, run = (
            widgets.Button(description=_("Save"), icon="save"),
            widgets.Button(description=_("Load"), icon="folder-open"),
            widgets.Button(description=_("Show the timer"), button_style="primary", icon="clock"),
        )
        save.on_click(lambda _b: self._guard(self._on_save_click))
        load.on_click(lambda _b: self._guard(self.load))
        run.on_click(lambda _b: self._guard(self.show_timer))
        replace_button = widgets.Button(
            description=_("Replace it"),
            button_style="warning",
            tooltip=_("Overwrite the saved file"),
        )
        keep_button = widgets.Button(description=_("Keep the saved file"), tooltip=_("Do not save"))
        replace_button.on_click(lambda _b: self._guard(self._on_replace_click))
        keep_button.on_click(lambda _b: self._guard(self._on_keep_click))
        self._confirm = widgets.HBox(
            [replace_button, keep_button], layout=widgets.Layout(display="none")
        )
        # Status and errors wrap (a Label would cut a long message off) and stay plain text
        # (PlainText: never HTML, never typeset as TeX).
        self._status = PlainText()
        self._status_text = ""
        self._status.add_class("calf-lab-status")
        self._errors = widgets.Output()
        self._timer_box = widgets.VBox()
        self.timer = None
        super().__init__(
            children=[
                widgets.HBox([self._legs, *presets]),
                self._slider_box,
                self._total,
                self._image,
                widgets.HBox(
                    [self._title, self._file, save, load],
                    layout=widgets.Layout(flex_flow="row wrap"),  # i18n: ignore
                ),
                self._status,
                self._confirm,
                self._errors,
                run,
                self._timer_box,
            ],
            **kwargs,
        )
        self.add_class("calf-widget")
        self.add_class("calf-timing-lab")
        self.legs = legs
        widgets.link((self._legs, "value"), (self, "legs"))
        self.routine = routine  # builds the sliders and the chart
        self._ready = True
        self.status = status

    # -- public API ---------------------------------------------------------------------

    @property
    def default_path(self) -> Path:
        """Where :meth:`save` writes when the file box holds the default name."""
        return self._resolve(DEFAULT_FILE)

    @property
    def status(self) -> str:
        """The line under the buttons: what the last action did, or why it could not."""
        return self._status_text

    @status.setter
    def status(self, text: str) -> None:
        self._status_text = text
        self._status.value = text

    def apply_variant(self, kind: str) -> None:
        """Set every step to its shortest (``"quick"``), middle (``"default"``) or longest
        (``"full"``) time, whatever the durations were before."""
        self.routine = self.routine.with_durations(preset_seconds(self.routine, kind))

    # -- saving and loading (file names are resolved in _resolve only) ---------------------

    def save(self, path: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Save the routine (with the title box's title) to ``path`` or the file box's name.

        An existing file is replaced only with ``overwrite=True`` (the Save button asks
        the learner first); otherwise :class:`FileExistsError` is raised.
        """
        name = path if path is not None else self._file.value
        target = self._resolve(path) if path is not None else self._box_file()
        if target.exists() and not overwrite:
            raise FileExistsError(
                _("{name} already exists; pass overwrite=True to replace it").format(
                    name=Path(name).name
                )
            )
        routine = replace(self.routine, title=self._title.value.strip() or self.routine.title)
        written = save_routine(routine, target)
        self.routine = routine
        n = len(routine.steps)
        self.status = ngettext(
            "Saved {n} step to {file} in your tutorial folder.",
            "Saved {n} steps to {file} in your tutorial folder.",
            n,
        ).format(n=n, file=written.name)
        return written

    def load(self, path: str | Path | None = None) -> Routine:
        """Load a routine from ``path`` or the file box's name and edit it."""
        routine = load_routine(self._resolve(path) if path is not None else self._box_file())
        self.routine = routine
        self._title.value = routine.title
        n = len(routine.steps)
        self.status = ngettext("Loaded {n} step: {title}", "Loaded {n} steps: {title}", n).format(
            n=n, title=routine.title
        )
        return routine

    def show_timer(self):
        """Put a step timer for the current routine below the lab (not started)."""
        from .timer import StepTimer

        self.timer = StepTimer(self.routine, legs=self.legs)
        self._timer_box.children = (self.timer,)
        return self.timer

    # -- handlers -----------------------------------------------------------------------

    def _on_save_click(self) -> None:
        target = self._box_file()  # a bare name in this learner's folder, nothing else
        if target.exists():
            self.status = _(
                "{name} already exists in your tutorial folder. Replace it with the "
                "routine above, or keep the saved file?"
            ).format(name=target.name)
            self._confirm.layout.display = ""
            return
        self.save()

    def _on_replace_click(self) -> None:
        self._confirm.layout.display = "none"
        self.save(overwrite=True)

    def _on_keep_click(self) -> None:
        self._confirm.layout.display = "none"
        self.status = _("Not saved: the saved file is unchanged.")

    @traitlets.observe("routine")
    def _on_routine_change(self, change: dict) -> None:
        old = change["old"]
        if not isinstance(old, Routine) or [s.id for s in old.steps] != [
            s.id for s in change["new"].steps
        ]:
            self._timelines.clear()
            self._build_sliders()
        self._sync_sliders()
        self._refresh()

    @traitlets.observe("legs")
    def _on_legs_change(self, change: dict) -> None:
        if self._ready:
            self._refresh()

    def _on_slider_change(self, change: dict) -> None:
        if self._batch:
            return
        self._guard(self._read_sliders)

    # -- internals ----------------------------------------------------------------------

    def _read_sliders(self) -> None:
        self.routine = self.routine.with_durations([s.value for s in self._sliders])

    def _build_sliders(self) -> None:
        rows, self._sliders = [], []
        # One widget per row (a labelled native range input): a routine of 50 steps stays
        # light (bench/fifty_steps.py).
        for i, step in enumerate(self.routine.steps, start=1):
            # A native, labelled range input: screen readers name each slider by its step.
            slider = RangeInput(
                value=step.default_seconds,
                min=step.min_seconds,
                max=step.max_seconds,
                step=_SLIDER_STEP,
                label=_("{number}. {title}").format(number=i, title=step.title),
                unit=_("s"),
            )
            slider.observe(self._on_slider_change, names="value")
            self._sliders.append(slider)
            rows.append(slider)
        header = widgets.Label(_("Seconds per step (each slider stays inside its step's range)"))
        self._slider_box.children = [header, *rows]

    def _sync_sliders(self) -> None:
        self._batch = True
        try:
            for slider, step in zip(self._sliders, self.routine.steps, strict=True):
                if slider.value != step.default_seconds:
                    slider.value = step.default_seconds
        finally:
            self._batch = False

    def _refresh(self) -> None:
        with hanzi_fonts():  # step titles may be Chinese
            timeline = self._timelines.get(self.legs)
            if timeline is None:
                timeline = self._timelines[self.legs] = Timeline(self.routine, legs=self.legs)
            else:
                timeline.update(self.routine)
            self._image.value = timeline.png()
        self._image.alt = timeline_alt(self.routine, self.legs)
        total = timeline_total(self.routine, self.legs)
        self._total.value = _("Total: {length} for {legs}").format(
            length=format_minutes(total), legs=_(_LEGS[self.legs])
        )

    def _box_file(self) -> Path:
        """The file box's name: a bare file name in the data folder, nothing else."""
        return user_file(self._file.value, folder=self._folder)

    def _saved_or_built_in(self) -> tuple[Routine, str]:
        """The learner's saved routine when there is one, else the built-in routine."""
        target = self._resolve(DEFAULT_FILE)
        if not target.exists():
            return load_routine(), ""
        try:
            routine = load_routine(target)
        except RoutineError as exc:
            return load_routine(), _(
                "Your saved {file} could not be read, so the lab starts from the "
                "built-in routine (the file is left as it is): {error}"
            ).format(file=DEFAULT_FILE, error=self._shown(exc))
        return routine, _("Started from your saved routine ({file}): {title}").format(
            file=DEFAULT_FILE, title=routine.title
        )

    def _shown(self, exc: Exception) -> str:
        """An error message without the server's folder in it (only the file name)."""
        folder = self._folder if self._folder is not None else user_data_dir()
        return str(exc).replace(f"{folder}{os.sep}", "")

    def _resolve(self, path: str | Path) -> Path:
        path = Path(path).expanduser()
        if path.is_absolute():
            return path
        return (self._folder if self._folder is not None else user_data_dir()) / path

    def _guard(self, action, *args) -> None:
        """Run a button or slider action; show what went wrong instead of dropping it."""
        try:
            action(*args)
        except (RoutineError, OSError) as exc:
            self.status = _("Could not do that: {error}").format(error=self._shown(exc))
        except Exception:  # a widget callback must report, not vanish
            self.status = _("Something went wrong; details below.")
            with self._errors:
                traceback.print_exc()


def timeline_alt(routine: Routine, legs: str = "one") -> str:
    """The timeline picture's text alternative: each step's seconds and the total."""
    steps = format_list(
        _("{number}. {title}: {seconds} s").format(
            number=i, title=s.title, seconds=format_decimal(s.default_seconds)
        )
        for i, s in enumerate(routine, 1)
    )
    total = format_minutes(timeline_total(routine, legs))
    return _("Timeline of the routine for {legs}, {length} in total: {steps}.").format(
        legs=_(_LEGS[legs]), length=total, steps=steps
    )


def timeline_total(routine: Routine, legs: str = "one") -> float:
    """Seconds of a session of ``routine`` on one leg or both (with the switch)."""
    from ..content.timing import build_plan

    return build_plan(routine, legs).total_seconds
