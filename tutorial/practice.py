"""Find-the-point practice: scoring, questions, a Leitner scheduler and saved progress.

Pure logic with no widget or matplotlib imports, so a script or a test can run a whole
practice session. The widgets in :mod:`tutorial.quiz` are a thin view over
:class:`PracticeSession`::

    session = PracticeSession(seed=1, path=None)  # path=None: keep progress in memory only
    question = session.next_question()
    if question.kind == "locate":
        x, y = session.true_location()  # where the point is drawn, in cun
        score = session.answer_click(x + 0.3, y)  # Score(distance_cun=0.3, verdict="right")
    else:
        session.answer_choice(question.answer)

Settings (verdict thresholds, box intervals, caps) live in ``tutorial/data/quiz.toml``.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .content import load_points, load_routine, read_data_toml
from .model import Acupoint, Routine, RoutineError
from .storage import atomic_write_text, user_data_dir

__all__ = [
    "KINDS",
    "PROGRESS_FORMAT",
    "PROGRESS_VERSION",
    "VERDICTS",
    "Answer",
    "PointStats",
    "PracticeSession",
    "Progress",
    "QuizSettings",
    "Score",
    "default_progress_path",
    "load_quiz_settings",
    "point_stats",
    "score_click",
    "verdict_for",
]

#: Question kinds: click the point, name a marked point, say which routine step uses it.
KINDS: tuple[str, ...] = ("locate", "name", "step")
#: Verdicts, best first.
VERDICTS: tuple[str, ...] = ("right", "close", "missed")
#: The ``format`` field of a progress file; anything else is a foreign file.
PROGRESS_FORMAT = "calf-cramp-tutorial/progress"
PROGRESS_VERSION = 1

_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{1,3}$")
_MAX_PROGRESS_BYTES = 2_000_000
_MAX_ERROR_CUN = 1000.0
_RESET_HINT = (
    "Fix: move or delete the file, point the tutorial at another file (path=... or "
    "$CALF_TUTORIAL_HOME), or press 'Reset progress' / call reset(), which keeps the "
    "unreadable file next to it as '{name}.unreadable'."
)


# -- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSettings:
    """The numbers of ``tutorial/data/quiz.toml`` (see the comments there)."""

    right_cun: float
    close_cun: float
    intervals: tuple[int, ...]
    file_name: str
    max_attempts_per_point: int
    trend_window: int
    choices: int
    kinds: tuple[str, ...]
    wrong_distance_cun: float
    figsize: tuple[float, float]
    dpi: int
    colours: Mapping[str, str]
    text: Mapping[str, str]


@cache
def load_quiz_settings() -> QuizSettings:
    """The practice settings from ``tutorial/data/quiz.toml``."""
    raw = read_data_toml("quiz.toml")
    pic = raw["picture"]
    settings = QuizSettings(
        right_cun=float(raw["verdicts"]["right_cun"]),
        close_cun=float(raw["verdicts"]["close_cun"]),
        intervals=tuple(int(n) for n in raw["leitner"]["intervals"]),
        file_name=str(raw["progress"]["file_name"]),
        max_attempts_per_point=int(raw["progress"]["max_attempts_per_point"]),
        trend_window=int(raw["progress"]["trend_window"]),
        choices=int(raw["questions"]["choices"]),
        kinds=tuple(raw["questions"]["kinds"]),
        wrong_distance_cun=float(raw["questions"]["wrong_distance_cun"]),
        figsize=(float(pic["figsize"][0]), float(pic["figsize"][1])),
        dpi=int(pic["dpi"]),
        colours={
            "click": pic["click_colour"],
            "true": pic["true_colour"],
            "landmark": pic["landmark_colour"],
        },
        text=dict(raw["text"]),
    )
    if not 0 < settings.right_cun < settings.close_cun:
        raise RoutineError(
            "expected 0 < right_cun < close_cun", source="quiz.toml", field="verdicts"
        )
    if not settings.intervals or min(settings.intervals) < 1:
        raise RoutineError(
            "expected a list of whole numbers >= 1", source="quiz.toml", field="leitner.intervals"
        )
    if not set(settings.kinds) <= set(KINDS):
        raise RoutineError(f"kinds must be among {KINDS}", source="quiz.toml", field="kinds")
    return settings


# -- scoring --------------------------------------------------------------------------------


def verdict_for(distance_cun: float) -> str:
    """``"right"`` within 0.5 cun, ``"close"`` within 1.5 cun, else ``"missed"``.

    The thresholds come from ``quiz.toml`` (``[verdicts]``).
    """
    settings = load_quiz_settings()
    if not math.isfinite(distance_cun) or distance_cun < 0:
        raise ValueError(f"distance must be a finite number >= 0, not {distance_cun!r}")
    if distance_cun <= settings.right_cun:
        return "right"
    if distance_cun <= settings.close_cun:
        return "close"
    return "missed"


@dataclass(frozen=True)
class Score:
    """How far a click landed from a point, in cun (the diagram's data units)."""

    code: str
    view: str
    click: tuple[float, float]
    true: tuple[float, float]
    distance_cun: float
    verdict: str


def _project(code: str, view: str, side: str) -> tuple[float, float] | None:
    from .geometry import project  # the geometry module is pure too; imported on use

    return project(code, view, side=side)


def score_click(code: str, view: str, x: float, y: float, *, side: str = "right") -> Score:
    """Score a click at data coordinates ``(x, y)`` against where ``code`` is drawn.

    Parameters
    ----------
    code
        The point asked for, e.g. ``"ST36"``.
    view
        The view the learner clicked on (``"anterior"``, ``"lateral"``, ...).
    x, y
        The click in the diagram's data units (cun).
    side
        ``"right"`` or ``"left"`` leg, as drawn.

    Returns
    -------
    Score
        The straight-line distance in cun and its verdict.

    Raises
    ------
    ValueError
        If the point is not shown in that view, or the click is not a finite number.
    """
    true = _project(code, view, side)
    if true is None:
        raise ValueError(f"{code} is not shown in the {view} view")
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"click must be finite numbers, not ({x!r}, {y!r})")
    distance = math.hypot(x - true[0], y - true[1])
    return Score(
        code=code,
        view=view,
        click=(float(x), float(y)),
        true=(float(true[0]), float(true[1])),
        distance_cun=distance,
        verdict=verdict_for(distance),
    )


# -- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer: the kind of question, its verdict, and the error in cun (locate only)."""

    kind: str
    verdict: str
    error_cun: float | None = None


@dataclass
class _Card:
    box: int = 1
    due: int = 0
    attempts: deque[Answer] = field(default_factory=deque)


@dataclass(frozen=True)
class PointStats:
    """Per-point summary: attempts, verdict counts, mean error and trend (in cun).

    ``trend_cun`` is the mean error of the latest attempts minus that of the attempts
    before them (negative: getting better); ``None`` with fewer than two located clicks.
    """

    code: str
    attempts: int
    right: int
    close: int
    missed: int
    mean_error_cun: float | None
    trend_cun: float | None
    box: int

    @property
    def trend(self) -> str:
        """``"better"``, ``"worse"``, ``"steady"`` or ``""`` (not enough data)."""
        if self.trend_cun is None:
            return ""
        if self.trend_cun < -0.1:
            return "better"
        if self.trend_cun > 0.1:
            return "worse"
        return "steady"


def point_stats(code: str, answers: Iterable[Answer], *, box: int = 1) -> PointStats:
    """Summarise ``answers`` for one point (see :class:`PointStats`)."""
    answers = list(answers)
    errors = [a.error_cun for a in answers if a.error_cun is not None]
    window = load_quiz_settings().trend_window
    k = min(window, len(errors) // 2)
    trend = None
    if k:
        trend = sum(errors[-k:]) / k - sum(errors[-2 * k : -k]) / k
    return PointStats(
        code=code,
        attempts=len(answers),
        right=sum(a.verdict == "right" for a in answers),
        close=sum(a.verdict == "close" for a in answers),
        missed=sum(a.verdict == "missed" for a in answers),
        mean_error_cun=sum(errors) / len(errors) if errors else None,
        trend_cun=trend,
        box=box,
    )


def default_progress_path() -> Path:
    """``progress.json`` in :func:`tutorial.storage.user_data_dir` (honours $CALF_TUTORIAL_HOME)."""
    return user_data_dir() / load_quiz_settings().file_name


class Progress:
    """Leitner boxes and recent answers per point, optionally kept in a JSON file.

    Box ``n`` comes back ``intervals[n - 1]`` questions later (``quiz.toml``): a miss
    sends a point to box 1, a right answer moves it up a box, "close" keeps its box.
    At most ``max_attempts_per_point`` answers are kept per point.

    Use :meth:`open` to read a file. A file that cannot be read is never overwritten:
    :meth:`open` raises :class:`~tutorial.RoutineError`, and a ``Progress`` made with
    ``blocked=`` keeps answers in memory only until :meth:`reset` moves the bad file aside.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, blocked: str = ""):
        self.path = Path(path) if path is not None else None
        #: why saving is refused (the load error), or "" when saving is allowed
        self.blocked = blocked
        self.turn = 0
        self._cards: dict[str, _Card] = {}
        self._settings = load_quiz_settings()
        # answers not yet written, and the file as last read or written (inode, mtime, size):
        # if another quiz (another notebook) wrote the file since, save() merges
        self._pending: list[tuple[str, Answer]] = []
        self._stamp: tuple[int, int, int] | None = None

    # reading and writing

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Progress:
        """Read the progress file at ``path``; a missing file gives empty progress.

        Raises
        ------
        RoutineError
            If the file is not a progress file of this tutorial, is corrupt, or comes from
            a newer version. The message names the file, the field and the fix.
        """
        progress = cls(path)
        target = progress.path
        assert target is not None
        if not target.exists():
            return progress
        progress._stamp = _stamp(target)
        hint = _RESET_HINT.format(name=target.name)

        def fail(reason: str, where: str) -> RoutineError:
            return RoutineError(f"{reason}. {hint}", source=str(target), field=where)

        try:
            size = target.stat().st_size
            if size > _MAX_PROGRESS_BYTES:
                raise fail(f"the file is {size} bytes, too big for a progress file", "(file)")
            raw = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise fail(f"cannot read it as JSON ({err})", "(file)") from err
        if not isinstance(raw, dict) or raw.get("format") != PROGRESS_FORMAT:
            raise fail(
                f"this is not a progress file (expected format {PROGRESS_FORMAT!r})", "format"
            )
        version = raw.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise fail("expected a whole number >= 1", "version")
        if version > PROGRESS_VERSION:
            raise fail(
                f"written by a newer version of the tutorial (version {version}, this one "
                f"reads {PROGRESS_VERSION}); update the tutorial",
                "version",
            )
        progress.turn = _whole(raw.get("turn"), "turn", fail)
        points = raw.get("points")
        if not isinstance(points, dict):
            raise fail("expected an object of point code -> progress", "points")
        top_box = len(progress._settings.intervals)
        cap = progress._settings.max_attempts_per_point
        for code, entry in points.items():
            where = f"points.{code}"
            if not isinstance(code, str) or not _CODE.match(code):
                raise fail("expected a point code such as 'ST36'", where)
            if not isinstance(entry, dict):
                raise fail("expected an object with box, due and attempts", where)
            box = _whole(entry.get("box"), f"{where}.box", fail)
            due = _whole(entry.get("due"), f"{where}.due", fail)
            attempts = entry.get("attempts")
            if not isinstance(attempts, list):
                raise fail("expected a list", f"{where}.attempts")
            answers: deque[Answer] = deque(maxlen=cap)
            for i, item in enumerate(attempts):
                answers.append(_answer_from_json(item, f"{where}.attempts[{i}]", fail))
            # a box beyond today's intervals (settings changed) counts as the top box
            progress._cards[code] = _Card(box=min(max(box, 1), top_box), due=due, attempts=answers)
        return progress

    def to_json(self) -> dict[str, Any]:
        """The progress as the JSON object saved to disk."""
        return {
            "format": PROGRESS_FORMAT,
            "version": PROGRESS_VERSION,
            "turn": self.turn,
            "points": {
                code: {
                    "box": card.box,
                    "due": card.due,
                    "attempts": [
                        {"kind": a.kind, "verdict": a.verdict, "error_cun": a.error_cun}
                        for a in card.attempts
                    ],
                }
                for code, card in sorted(self._cards.items())
            },
        }

    def save(self) -> bool:
        """Write the file atomically; returns False (and writes nothing) when there is no
        path or saving is :attr:`blocked` by an unreadable file.

        If the file changed since it was read (another quiz saved to it), it is read
        again and the answers given here since then are added to it, so neither quiz's
        answers are lost. If it has become unreadable, saving is blocked instead.
        """
        if self.path is None or self.blocked:
            return False
        if self.path.exists() and _stamp(self.path) != self._stamp:
            try:
                fresh = Progress.open(self.path)
            except RoutineError as err:
                self.blocked = str(err)
                return False
            for code, answer in self._pending:
                fresh.record(code, answer)
            self.turn, self._cards = fresh.turn, fresh._cards
        atomic_write_text(self.path, json.dumps(self.to_json(), ensure_ascii=False, indent=1))
        self._stamp = _stamp(self.path)
        self._pending.clear()
        return True

    def reset(self) -> Path | None:
        """Forget all progress and save the empty state.

        An unreadable file (see :attr:`blocked`) is first renamed to
        ``<name>.unreadable`` (or ``<name>.unreadable-2``, ...), never deleted; the new
        name is returned, else None.
        """
        kept = None
        if self.blocked and self.path is not None and self.path.exists():
            kept = self.path.with_name(self.path.name + ".unreadable")
            n = 1
            while kept.exists():
                n += 1
                kept = self.path.with_name(f"{self.path.name}.unreadable-{n}")
            os.replace(self.path, kept)
        self.blocked = ""
        self.turn = 0
        self._cards.clear()
        self._pending.clear()
        if self.path is not None and self.path.exists():
            self._stamp = _stamp(self.path)  # reset means: overwrite whatever is there
        self.save()
        return kept

    # answers and scheduling

    def _card(self, code: str) -> _Card:
        card = self._cards.get(code)
        if card is None:
            card = _Card(attempts=deque(maxlen=self._settings.max_attempts_per_point))
            self._cards[code] = card
        return card

    def box(self, code: str) -> int:
        """The Leitner box of ``code`` (1 = needs the most practice)."""
        card = self._cards.get(code)
        return card.box if card else 1

    def due(self, code: str) -> int:
        """The question number from which ``code`` may be asked again."""
        card = self._cards.get(code)
        return card.due if card else 0

    def record(self, code: str, answer: Answer) -> None:
        """Count one answer for ``code`` and move it between boxes."""
        if answer.kind not in KINDS or answer.verdict not in VERDICTS:
            raise ValueError(f"unknown kind or verdict in {answer!r}")
        card = self._card(code)
        card.attempts.append(answer)
        top = len(self._settings.intervals)
        if answer.verdict == "missed":
            card.box = 1
        elif answer.verdict == "right":
            card.box = min(card.box + 1, top)
        card.due = self.turn + self._settings.intervals[card.box - 1]
        self.turn += 1
        if self.path is not None and not self.blocked:
            self._pending.append((code, answer))

    def answers(self, code: str) -> tuple[Answer, ...]:
        """The kept answers for ``code``, oldest first."""
        card = self._cards.get(code)
        return tuple(card.attempts) if card else ()

    def stats(self, code: str) -> PointStats:
        """All-time summary for ``code`` (over the kept answers)."""
        return point_stats(code, self.answers(code), box=self.box(code))

    def pick(self, codes: Sequence[str], rng: random.Random, *, avoid: str | None = None) -> str:
        """The next point to ask among ``codes``.

        Points that are due (their interval has passed) come first, the lowest box first;
        if none is due, the one due soonest. ``avoid`` (the last point asked) is skipped
        when there is any other choice. Ties are broken by ``rng``.
        """
        if not codes:
            raise ValueError("no points to practise")
        pool = [c for c in codes if c != avoid] or list(codes)
        due = [c for c in pool if self.due(c) <= self.turn]
        if due:
            low = min(self.box(c) for c in due)
            best = [c for c in due if self.box(c) == low]
        else:
            soonest = min(self.due(c) for c in pool)
            best = [c for c in pool if self.due(c) == soonest]
        return rng.choice(sorted(best))


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _whole(value: Any, where: str, fail) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise fail("expected a whole number >= 0", where)
    return value


def _answer_from_json(item: Any, where: str, fail) -> Answer:
    if not isinstance(item, dict):
        raise fail("expected an object with kind, verdict and error_cun", where)
    kind, verdict, error = item.get("kind"), item.get("verdict"), item.get("error_cun")
    if kind not in KINDS:
        raise fail(f"kind must be one of {list(KINDS)}", f"{where}.kind")
    if verdict not in VERDICTS:
        raise fail(f"verdict must be one of {list(VERDICTS)}", f"{where}.verdict")
    if error is not None:
        if (
            not isinstance(error, (int, float))
            or isinstance(error, bool)
            or not 0 <= error < _MAX_ERROR_CUN
        ):
            raise fail(
                f"expected null or a distance 0-{_MAX_ERROR_CUN:g} cun", f"{where}.error_cun"
            )
        error = float(error)
    return Answer(kind=kind, verdict=verdict, error_cun=error)


# -- questions and the session --------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question.

    ``kind`` is ``"locate"`` (click on ``view``), ``"name"`` (pick the code of the point
    marked on ``view`` among ``choices``) or ``"step"`` (pick the routine step, by id,
    that works on ``code``). ``labels`` are the button texts for ``choices``.
    """

    kind: str
    code: str
    view: str
    prompt: str
    choices: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    answer: str = ""


class PracticeSession:
    """An adaptive practice session over a set of points.

    Parameters
    ----------
    codes
        The points to practise; default: every point of the tutorial (the routine's points
        and ST35, the landmark point they are measured from).
    kinds
        Question kinds to mix, among ``"locate"``, ``"name"`` and ``"step"``.
    seed
        Seed for the random choices (points, views, answer order): the same seed and the
        same answers give the same questions.
    path
        The progress file. ``"default"`` (the default): ``progress.json`` in the user data
        folder (``$CALF_TUTORIAL_HOME`` moves it); ``None``: keep progress in memory only.
    side
        ``"right"`` or ``"left"`` leg.
    routine
        The routine whose steps "which step" questions ask about (default: the built-in one).

    Raises
    ------
    RoutineError
        If the progress file exists but cannot be read (see :meth:`Progress.open`); pass
        ``on_bad_file="keep"`` to continue in memory with saving blocked instead.
    """

    def __init__(
        self,
        codes: Iterable[str] | None = None,
        *,
        kinds: Iterable[str] = KINDS,
        seed: int | None = None,
        path: str | os.PathLike[str] | None = "default",
        side: str = "right",
        routine: Routine | None = None,
        on_bad_file: str = "raise",
    ):
        self.settings = load_quiz_settings()
        self.points: Mapping[str, Acupoint] = load_points()
        self.codes: tuple[str, ...] = tuple(codes) if codes is not None else tuple(self.points)
        unknown = [c for c in self.codes if c not in self.points]
        if unknown or not self.codes:
            raise ValueError(f"unknown point codes {unknown}; known: {list(self.points)}")
        self.kinds = tuple(kinds)
        if not self.kinds or not set(self.kinds) <= set(KINDS):
            raise ValueError(f"kinds must be among {KINDS}, not {self.kinds!r}")
        self.side = side
        self.routine = routine if routine is not None else load_routine()
        self.rng = random.Random(seed)
        self.load_error = ""
        if path is None:
            self.progress = Progress(None)
        else:
            target = default_progress_path() if path == "default" else Path(path)
            try:
                self.progress = Progress.open(target)
            except RoutineError as err:
                if on_bad_file != "keep":
                    raise
                self.load_error = str(err)
                self.progress = Progress(target, blocked=str(err))
        #: this session's answers as (code, Answer), newest last (bounded)
        self.history: deque[tuple[str, Answer]] = deque(maxlen=2000)
        self.question: Question | None = None

    # questions

    def _visible_views(self, code: str, *, with_landmark: bool = False) -> tuple[str, ...]:
        """Views that show the point (and its landmark too, if asked and any view does)."""
        from .geometry import features, visible_views

        views = tuple(visible_views(code))
        if not with_landmark:
            return views
        landmark = self.points[code].landmark
        both = tuple(
            view
            for view in views
            if any(f.landmark == landmark for f in features(view, side=self.side))
        )
        return both or views

    def _steps_for(self, code: str) -> list[int]:
        return [i for i, step in enumerate(self.routine.steps) if code in step.points]

    def _step_label(self, index: int) -> str:
        return f"Step {index + 1} · {self.routine.steps[index].technique}"

    def next_question(self, kind: str | None = None, code: str | None = None) -> Question:
        """Choose, remember and return the next question (adaptive unless ``code`` given)."""
        last = self.question.code if self.question else None
        code = code or self.progress.pick(self.codes, self.rng, avoid=last)
        kind = kind or self.rng.choice(self.kinds)
        if kind == "step" and not self._steps_for(code):
            kind = "name" if "name" in self.kinds else "locate"
        point = self.points[code]
        # a locate question's feedback traces the landmark, so pick a view that shows it
        views = self._visible_views(code, with_landmark=kind == "locate")
        view = self.rng.choice(views) if views else "anterior"
        text = self.settings.text
        n = self.settings.choices
        if kind == "locate":
            prompt = text["locate_prompt"].format(label=point.label, hanzi=point.hanzi)
            question = Question(kind, code, view, prompt, answer=code)
        elif kind == "name":
            others = [c for c in self.points if c != code]
            choices = [code, *self.rng.sample(others, min(n - 1, len(others)))]
            self.rng.shuffle(choices)
            labels = tuple(f"{c} · {self.points[c].pinyin} {self.points[c].hanzi}" for c in choices)
            question = Question(
                kind, code, view, text["name_prompt"], tuple(choices), labels, answer=code
            )
        elif kind == "step":
            right = self._steps_for(code)
            others = [
                i for i, step in enumerate(self.routine.steps) if step.points and i not in right
            ]
            picked = [right[0], *self.rng.sample(others, min(n - 1, len(others)))]
            self.rng.shuffle(picked)
            prompt = text["step_prompt"].format(label=point.label, hanzi=point.hanzi)
            question = Question(
                kind,
                code,
                view,
                prompt,
                tuple(self.routine.steps[i].id for i in picked),
                tuple(self._step_label(i) for i in picked),
                answer=self.routine.steps[right[0]].id,
            )
        else:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.question = question
        return question

    def true_location(self) -> tuple[float, float]:
        """Where the current question's point is drawn in its view, in cun."""
        question = self._current()
        true = _project(question.code, question.view, self.side)
        if true is None:
            raise ValueError(f"{question.code} is not shown in the {question.view} view")
        return true

    def _current(self) -> Question:
        if self.question is None:
            raise RuntimeError("no question yet: call next_question() first")
        return self.question

    # answers

    def answer_click(self, x: float, y: float) -> Score:
        """Score a click (data coordinates, cun) on the current locate question and record it."""
        question = self._current()
        if question.kind != "locate":
            raise RuntimeError(f"the current question is a {question.kind!r} question")
        score = score_click(question.code, question.view, x, y, side=self.side)
        self._record(question.code, Answer("locate", score.verdict, score.distance_cun))
        return score

    def answer_choice(self, choice: str) -> str:
        """Check a multiple-choice answer (a code or a step id); returns its verdict."""
        question = self._current()
        if question.kind == "locate":
            raise RuntimeError("the current question is answered by a click")
        if choice not in question.choices:
            raise ValueError(f"{choice!r} is not one of {question.choices}")
        verdict = "right" if choice in self.correct_choices() else "missed"
        self._record(question.code, Answer(question.kind, verdict))
        return verdict

    def correct_choices(self) -> tuple[str, ...]:
        """The choices that count as right for the current question."""
        question = self._current()
        if question.kind == "step":
            # every step that works on the point counts
            return tuple(self.routine.steps[i].id for i in self._steps_for(question.code))
        return (question.answer,)

    def _record(self, code: str, answer: Answer) -> None:
        self.progress.record(code, answer)
        self.history.append((code, answer))
        self.progress.save()

    # summaries

    def summary(self, *, session: bool = True) -> list[PointStats]:
        """Per-point stats, in point order: this session's answers (default) or all kept."""
        if not session:
            return [self.progress.stats(code) for code in self.codes]
        by_code: dict[str, list[Answer]] = {code: [] for code in self.codes}
        for code, answer in self.history:
            by_code.setdefault(code, []).append(answer)
        return [
            point_stats(code, answers, box=self.progress.box(code))
            for code, answers in by_code.items()
        ]

    def reset(self) -> Path | None:
        """Forget all saved progress and this session's answers (see :meth:`Progress.reset`)."""
        self.history.clear()
        self.load_error = ""
        return self.progress.reset()
