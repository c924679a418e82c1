"""The timing lab of lesson 5: set each step's duration, watch the timeline, save and load.

:class:`TimingLab` holds the routine being edited in its ``routine`` trait. One slider per
step keeps each duration inside the step's range; presets set every step to its shortest,
middle or longest; a :class:`~tutorial.charts.Timeline` is moved in place and re-rendered
as a PNG when the durations settle (sliders report on release, not on every pixel). The
routine can be saved to and loaded from a TOML or JSON file, and handed to a step timer.
"""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path

import ipywidgets as widgets
import traitlets

from .charts import Timeline, format_minutes
from .content import load_routine, save_routine
from .model import Routine, RoutineError
from .storage import user_data_dir, user_file
from .text import PlainText

__all__ = ["TimingLab"]

DEFAULT_FILE = "my-routine.toml"


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
    """

    routine = traitlets.Instance(Routine)
    legs = traitlets.Enum(("one", "both"), default_value="one")

    def __init__(
        self,
        routine: Routine | None = None,
        *,
        legs: str = "one",
        folder: str | Path | None = None,
        **kwargs,
    ) -> None:
        routine = routine if routine is not None else load_routine()
        self._folder = Path(folder) if folder is not None else None
        self._batch = False
        self._ready = False  # the legs handler waits for the first routine
        self._timelines: dict[str, Timeline] = {}
        self._sliders: list[widgets.FloatSlider] = []
        self._slider_box = widgets.VBox()
        self._total = widgets.Label(style={"font_size": "18px", "font_weight": "bold"})
        self._image = widgets.Image(format="png", layout=widgets.Layout(max_width="900px"))
        self._legs = widgets.ToggleButtons(
            options=[("One leg", "one"), ("Both legs", "both")], value=legs
        )
        presets = []
        for kind, text in (("quick", "Quick (shortest)"), ("default", "Default"), ("full", "Full")):
            button = widgets.Button(description=text, tooltip=f"Set every step to its {kind} time")
            button.on_click(lambda _b, kind=kind: self._guard(self.apply_variant, kind))
            presets.append(button)
        self._title = widgets.Text(description="Title", value=routine.title)
        self._file = widgets.Text(description="File", value=DEFAULT_FILE)
        save, load, run = (
            widgets.Button(description="Save", icon="save"),
            widgets.Button(description="Load", icon="folder-open"),
            widgets.Button(description="Show the timer", button_style="primary", icon="clock"),
        )
        save.on_click(lambda _b: self._guard(self.save))
        load.on_click(lambda _b: self._guard(self.load))
        run.on_click(lambda _b: self._guard(self.show_timer))
        self._status = PlainText()
        self._errors = widgets.Output()
        self._timer_box = widgets.VBox()
        self.timer = None
        super().__init__(
            children=[
                widgets.HBox([self._legs, *presets]),
                self._slider_box,
                self._total,
                self._image,
                widgets.HBox([self._title, self._file, save, load]),
                self._status,
                self._errors,
                run,
                self._timer_box,
            ],
            **kwargs,
        )
        self.legs = legs
        widgets.link((self._legs, "value"), (self, "legs"))
        self.routine = routine  # builds the sliders and the chart
        self._ready = True

    # -- public API ---------------------------------------------------------------------

    @property
    def default_path(self) -> Path:
        """Where :meth:`save` writes when the file box holds the default name."""
        return self._resolve(DEFAULT_FILE)

    def apply_variant(self, kind: str) -> None:
        """Set every step to its ``"quick"`` (shortest), ``"default"`` or ``"full"`` time."""
        self.routine = replace(self.routine.variant(kind), title=self.routine.title)

    def save(self, path: str | Path | None = None) -> Path:
        """Save the routine (with the title box's title) to ``path`` or the file box's name."""
        target = self._resolve(path) if path is not None else self._box_file()
        routine = replace(self.routine, title=self._title.value.strip() or self.routine.title)
        written = save_routine(routine, target)
        self.routine = routine
        self._status.value = f"Saved {len(routine.steps)} steps to {written}"
        return written

    def load(self, path: str | Path | None = None) -> Routine:
        """Load a routine from ``path`` or the file box's name and edit it."""
        routine = load_routine(self._resolve(path) if path is not None else self._box_file())
        self.routine = routine
        self._title.value = routine.title
        self._status.value = f"Loaded {len(routine.steps)} steps: {routine.title}"
        return routine

    def show_timer(self):
        """Put a step timer for the current routine below the lab (not started)."""
        from .timer import StepTimer

        self.timer = StepTimer(self.routine, legs=self.legs)
        self._timer_box.children = (self.timer,)
        return self.timer

    # -- handlers -----------------------------------------------------------------------

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
        # One layout and style shared by all rows: a routine of 50 steps would otherwise
        # open 200 more widgets (bench/fifty_steps.py).
        style = widgets.SliderStyle(description_width="24px")
        slider_layout, row_layout = widgets.Layout(width="380px"), widgets.Layout()
        for i, step in enumerate(self.routine.steps, start=1):
            slider = widgets.FloatSlider(
                value=step.default_seconds,
                min=step.min_seconds,
                max=step.max_seconds,
                step=5,
                readout_format=".0f",
                continuous_update=False,
                description=f"{i}.",
                style=style,
                layout=slider_layout,
            )
            slider.observe(self._on_slider_change, names="value")
            self._sliders.append(slider)
            rows.append(widgets.HBox([slider, PlainText(step.title)], layout=row_layout))
        header = widgets.Label("Seconds per step (each slider stays inside its step's range)")
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
        timeline = self._timelines.get(self.legs)
        if timeline is None:
            timeline = self._timelines[self.legs] = Timeline(self.routine, legs=self.legs)
        else:
            timeline.update(self.routine)
        self._image.value = timeline.png()
        legs = "both legs (with the switch)" if self.legs == "both" else "one leg"
        total = timeline_total(self.routine, self.legs)
        self._total.value = f"Total: {format_minutes(total)} for {legs}"

    def _box_file(self) -> Path:
        """The file box's name: a bare file name in the data folder, nothing else."""
        return user_file(self._file.value, folder=self._folder)

    def _resolve(self, path: str | Path) -> Path:
        path = Path(path).expanduser()
        if path.is_absolute():
            return path
        return (self._folder if self._folder is not None else user_data_dir()) / path

    def _guard(self, action, *args) -> None:
        """Run a button or slider action; show what went wrong instead of dropping it."""
        try:
            action(*args)
        except RoutineError as exc:
            self._status.value = f"Could not do that: {exc}"
        except Exception:  # a widget callback must report, not vanish
            self._status.value = "Something went wrong; details below."
            with self._errors:
                traceback.print_exc()


def timeline_total(routine: Routine, legs: str = "one") -> float:
    """Seconds of a session of ``routine`` on one leg or both (with the switch)."""
    from .timing import build_plan

    return build_plan(routine, legs).total_seconds
