"""The domain model: acupoints, landmarks, routine steps and routines.

Pure data with no drawing or widget imports, so that scripts, tests and every front end
share one definition. Instances are immutable; build changed copies with
:func:`dataclasses.replace` or the helpers on :class:`Routine`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

__all__ = [
    "VIEWS",
    "Acupoint",
    "Caution",
    "FingerCun",
    "Landmark",
    "RedFlag",
    "Routine",
    "RoutineError",
    "Safety",
    "Step",
]


def N_(message: str) -> str:  # noqa: N802 - the gettext marker (i18n imports this module)
    return message


#: Titles of a routine's variants (:meth:`Routine.variant`), translated on use.
_VARIANT_TITLES = {
    "quick": N_("{title} (quick)"),
    "full": N_("{title} (full)"),
    "default": N_("{title} (default)"),
}

#: The four views of the lower leg, in the order they are drawn side by side.
VIEWS: tuple[str, ...] = ("anterior", "lateral", "posterior", "medial")


class RoutineError(ValueError):
    """A routine (or other content file) is malformed.

    The message names the file, the field path (``steps[3].max_seconds``) and what is
    expected, so that the person who wrote the file can fix it.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        from .i18n import _  # the catalogs import this module

        self.source = source
        self.field = field
        self.reason = message
        if source and field:
            text = _("file {source}, field {field}: {message}")
        elif source:
            text = _("file {source}: {message}")
        elif field:
            text = _("field {field}: {message}")
        else:
            text = "{message}"
        super().__init__(text.format(source=source, field=field, message=message))


@dataclass(frozen=True)
class Acupoint:
    """One acupoint, located in the leg frame.

    ``y_cun`` is the distance below the knee line (the popliteal crease, level with ST35)
    in proportional cun (B-cun); ``around_deg`` is the position around the leg, seen from
    above: 0 at the front midline, +90 on the outer (lateral) side, 180 at the back,
    -90 on the inner (medial) side. ``y_derived`` marks a level that is a convention rather
    than a WHO figure, which the tutorial prints with a caveat.
    """

    code: str
    pinyin: str
    hanzi: str
    english: str
    meridian: str
    location: str
    how_to_find: str
    landmark: str
    views: tuple[str, ...]
    y_cun: float
    around_deg: float
    y_derived: bool = False
    offset_note: str = ""
    cautions: tuple[str, ...] = ()
    is_landmark_point: bool = False

    @property
    def label(self) -> str:
        """``"BL40 Wěizhōng"``: the code and the pinyin, as diagrams label a point."""
        return f"{self.code} {self.pinyin}"


@dataclass(frozen=True)
class Landmark:
    """An anatomical landmark drawn on the diagrams and used to find points."""

    id: str
    name: str
    description: str
    views: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One step of a routine, with its duration range in seconds."""

    id: str
    title: str
    technique: str
    instructions: str
    min_seconds: float
    max_seconds: float
    default_seconds: float
    points: tuple[str, ...] = ()
    hand: str = ""
    effect: str = ""
    caution: str = ""

    def with_seconds(self, seconds: float) -> Step:
        """A copy whose default duration is ``seconds`` (checked against the range)."""
        if not self.min_seconds <= seconds <= self.max_seconds:
            from .i18n import _

            raise RoutineError(
                _("{seconds} s is outside this step's range; expected {lo}-{hi} s").format(
                    seconds=f"{seconds:g}", lo=f"{self.min_seconds:g}", hi=f"{self.max_seconds:g}"
                ),
                field=f"steps[{self.id}].default_seconds",
            )
        return replace(self, default_seconds=float(seconds))


@dataclass(frozen=True)
class Routine:
    """An ordered list of steps, for one leg.

    ``StepTimer`` repeats it for the second leg when asked for both legs.
    """

    title: str
    steps: tuple[Step, ...]
    description: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        if not self.steps:
            from .i18n import _

            raise RoutineError(_("a routine needs at least one step"), field="steps")

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, index: int) -> Step:
        return self.steps[index]

    @property
    def total_seconds(self) -> float:
        """Planned length of the routine for one leg, from each step's default."""
        return sum(step.default_seconds for step in self.steps)

    @property
    def min_total_seconds(self) -> float:
        """Shortest length the step ranges allow, for one leg."""
        return sum(step.min_seconds for step in self.steps)

    @property
    def max_total_seconds(self) -> float:
        """Longest length the step ranges allow, for one leg."""
        return sum(step.max_seconds for step in self.steps)

    @property
    def point_codes(self) -> tuple[str, ...]:
        """Every point the routine uses, in order of first use, without repeats."""
        return tuple(dict.fromkeys(code for step in self.steps for code in step.points))

    def step(self, step_id: str) -> Step:
        """The step with id ``step_id``."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def with_durations(self, seconds: Mapping[str, float] | Sequence[float]) -> Routine:
        """A copy with new default durations, by step id or in step order."""
        from .i18n import _, ngettext

        if isinstance(seconds, Mapping):
            unknown = set(seconds) - {step.id for step in self.steps}
            if unknown:
                raise RoutineError(
                    _("no step with id {ids}").format(ids=repr(sorted(unknown))), field="steps"
                )
            steps = tuple(
                step.with_seconds(seconds[step.id]) if step.id in seconds else step
                for step in self.steps
            )
        else:
            if len(seconds) != len(self.steps):
                raise RoutineError(
                    ngettext(
                        "got {n} durations for {steps} step",
                        "got {n} durations for {steps} steps",
                        len(self.steps),
                    ).format(n=len(seconds), steps=len(self.steps)),
                    field="steps",
                )
            steps = tuple(step.with_seconds(s) for step, s in zip(self.steps, seconds, strict=True))
        return replace(self, steps=steps)

    def variant(self, kind: str, *, title: str | None = None) -> Routine:
        """The ``"quick"`` (every step at its minimum) or ``"full"`` (maximum) variant."""
        from .i18n import _

        picks = {"quick": "min_seconds", "full": "max_seconds", "default": "default_seconds"}
        if kind not in picks:
            raise ValueError(f"kind must be one of {sorted(picks)}, not {kind!r}")
        steps = tuple(replace(s, default_seconds=getattr(s, picks[kind])) for s in self.steps)
        title = title or _(_VARIANT_TITLES[kind]).format(title=self.title)
        return replace(self, steps=steps, title=title)


@dataclass(frozen=True)
class RedFlag:
    """A sign that means: do not massage, get medical help."""

    id: str
    title: str
    detail: str
    action: str
    urgent: bool = False


@dataclass(frozen=True)
class Caution:
    """A situation in which the massage may be done only with care, and what to do."""

    id: str
    title: str
    action: str


@dataclass(frozen=True)
class FingerCun:
    """A finger measure and how many cun it stands for (for checking only)."""

    name: str
    cun: float
    how: str


@dataclass(frozen=True)
class Safety:
    """The safety content every lesson and widget carries."""

    first_aid_title: str
    first_aid_steps: tuple[str, ...]
    red_flags: tuple[RedFlag, ...]
    point_cautions: Mapping[str, str]
    pregnancy: str
    evidence: tuple[str, ...]
    traditional_notice: str
    #: Take-care situations (blood thinners, varicose veins, numb feet, ...).
    cautions: tuple[Caution, ...] = ()
    #: How to sit for the massage: ``title``, ``crossed``, ``alternative`` and ``caution``
    #: (the id of the caution shown beside the posture).
    posture: Mapping[str, str] = field(default_factory=dict)
    #: The short reminder lessons open with: ``title``, ``text``, ``care``, ``link``, ...
    reminder: Mapping[str, str] = field(default_factory=dict)
