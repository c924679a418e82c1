"""Find-the-point practice: scoring, questions, a Leitner scheduler and saved progress.

Pure logic with no widget or matplotlib imports, so a script or a test can run a whole
practice session. The widgets in :mod:`tutorial.widgets.quiz` are a thin view over
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

import math
import os
import random
import uuid
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..store.db import AnswerEvent, Store, get_store, off_fix
from ..store.files import user_data_dir
from . import i18n
from .i18n import _
from .loader import load_points, load_routine, load_techniques, read_data_toml
from .model import Acupoint, Routine, RoutineError

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
#: The ``format`` and ``version`` of a progress file (exported or imported, see
#: :func:`tutorial.store.db.export_progress`); anything else is a foreign file.
PROGRESS_FORMAT = "calf-cramp-tutorial/progress"
PROGRESS_VERSION = 1


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


@i18n.per_language
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
            _("expected 0 < right_cun < close_cun"), source="quiz.toml", field="verdicts"
        )
    if not settings.intervals or min(settings.intervals) < 1:
        raise RoutineError(
            _("expected a list of whole numbers >= 1"),
            source="quiz.toml",
            field="leitner.intervals",
        )
    if not set(settings.kinds) <= set(KINDS):
        raise RoutineError(
            _("kinds must be among {kinds}").format(kinds=KINDS), source="quiz.toml", field="kinds"
        )
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
    """The practice store in :func:`tutorial.store.files.user_data_dir` ($CALF_TUTORIAL_HOME).

    Quiz answers live in that SQLite file (see :mod:`tutorial.store.db`) since the store
    replaced ``progress.json``; an old ``progress.json`` is imported from there once.
    """
    from ..store.db import DB_NAME

    return user_data_dir() / DB_NAME


class Progress:
    """Leitner boxes and recent answers per point, derived from the answers in a store.

    Box ``n`` comes back ``intervals[n - 1]`` questions later (``quiz.toml``): a miss
    sends a point to box 1, a right answer moves it up a box, "close" keeps its box.
    At most ``max_attempts_per_point`` answers are kept in memory per point (for the
    per-point summary); the store keeps every answer.

    Answers are appended to the :class:`~tutorial.store.db.Store` as events as they are
    given, never merged: the boxes are the replay, in the store's one order, of every
    answer there (also those that other kernels add). ``Progress(None)`` keeps
    everything in memory.

    Parameters
    ----------
    path
        The store's database file, or None for memory only.
    store
        A :class:`~tutorial.store.db.Store` to use instead of ``path``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        blocked: str = "",
        store: Store | None = None,
    ):
        if store is None and path is not None:
            store = get_store(path)
        self.store = store
        self._blocked = blocked
        self.turn = 0
        self._cards: dict[str, _Card] = {}
        self._settings = load_quiz_settings()
        self._seen = 0  # the store's seq of the last answer replayed here
        self._epoch: str | None = None  # changes when the answers are erased
        self._local: set[str] = set()  # ids applied here before the store took them
        self.sync()

    @property
    def path(self) -> Path | None:
        """The database file, or None when progress is kept in memory only."""
        return self.store.path if self.store is not None else None

    @property
    def blocked(self) -> str:
        """Why answers are not kept (the store is off), or "" when they are."""
        if self._blocked:
            return self._blocked
        return self.store.problem if self.store is not None else ""

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Progress:
        """The progress kept in the store at ``path``.

        Raises
        ------
        RoutineError
            If the store cannot be used (for example its folder cannot be written); the
            message names the file and the fix. A corrupt or foreign file is not an error:
            it is moved aside under a dated name and a fresh store is started.
        """
        store = get_store(path)
        if not store.available:
            raise RoutineError(f"{store.problem} {off_fix()}", source=str(path), field="(store)")
        return cls(store=store)

    def sync(self) -> None:
        """Replay the answers other quizzes (other kernels) added since the last look."""
        if self.store is None or self.blocked:
            return
        epoch = self.store.answers_epoch()
        if epoch != self._epoch:
            if self._epoch is not None:  # the answers were erased: start over
                self._forget()
            self._epoch = epoch
            self._seen = 0
        for event in self.store.answers(self._seen):
            self._replay(event)

    def save(self) -> bool:
        """True when every answer so far is in the store (answers are written as given).

        Kept for the older API; there is nothing left to save by hand.
        """
        if self.store is None or self.blocked:
            return False
        return self.store.pending == 0

    def reset(self) -> Path | None:
        """Erase the saved quiz answers (not the timer sessions) and start from box 1."""
        if self.store is not None and not self.blocked:
            self.store.erase_answers()
        self._forget()
        self._epoch = None
        self.sync()
        return None

    def _forget(self) -> None:
        self.turn = 0
        self._cards.clear()
        self._local.clear()
        self._seen = 0

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

    def record(
        self, code: str, answer: Answer, *, view: str | None = None, side: str = "right"
    ) -> None:
        """Count one answer for ``code``, move it between boxes, and append it to the store."""
        if answer.kind not in KINDS or answer.verdict not in VERDICTS:
            raise ValueError(f"unknown kind or verdict in {answer!r}")
        if self.store is None or self.blocked:
            self._apply(code, answer)
            return
        self.sync()
        answer_id = str(uuid.uuid4())
        result = self.store.add_answer(
            id=answer_id,
            point=code,
            kind=answer.kind,
            verdict=answer.verdict,
            error_cun=answer.error_cun,
            side=side,
            view=view,
            after=self._seen,
        )
        if result is None:  # busy (retried with the next write) or off: count it here now
            self._local.add(answer_id)
            self._apply(code, answer)
            return
        earlier, seq = result
        for event in earlier:  # answers another kernel added just before this one
            self._replay(event)
        self._apply(code, answer)
        self._seen = seq

    def _replay(self, event: AnswerEvent) -> None:
        self._seen = event.seq
        if event.id in self._local:  # counted already, when the store was busy
            self._local.discard(event.id)
            return
        self._apply(event.point, Answer(event.kind, event.verdict, event.error_cun))

    def _apply(self, code: str, answer: Answer) -> None:
        """The Leitner rule (the static site runs the same rule in JavaScript)."""
        card = self._card(code)
        card.attempts.append(answer)
        top = len(self._settings.intervals)
        if answer.verdict == "right":
            card.box = min(card.box + 1, top)
        elif answer.verdict != "close":  # "missed" (or "wrong" from the site)
            card.box = 1
        card.due = self.turn + self._settings.intervals[card.box - 1]
        self.turn += 1

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
        Where answers are kept. ``"default"`` (the default): the practice store in the
        user data folder (``$CALF_TUTORIAL_HOME`` moves it, see :mod:`tutorial.store.db`); a
        path: a store database file of your own; ``None``: keep progress in memory only.
    side
        ``"right"`` or ``"left"`` leg.
    routine
        The routine whose steps "which step" questions ask about (default: the built-in one).
    on_bad_file
        ``"keep"`` (the default): when the store cannot be used (a folder that cannot be
        written), practise on with progress in memory; :attr:`load_error` says why.
        ``"raise"``: raise :class:`~tutorial.RoutineError` instead.

    Raises
    ------
    RoutineError
        With ``on_bad_file="raise"``, if the store cannot be used. A corrupt or foreign
        database is never an error: it is moved aside and a fresh store started.
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
        on_bad_file: str = "keep",
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
            store = get_store(None if path == "default" else path)
            if not store.available:
                if on_bad_file != "keep":
                    raise RoutineError(
                        f"{store.problem} {off_fix()}", source=str(store.path), field="(store)"
                    )
                self.load_error = store.problem
            self.progress = Progress(store=store)
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
        technique = self.routine.steps[index].technique
        name = load_techniques().get(technique, {}).get("name", technique)
        return _("Step {number} · {technique}").format(number=index + 1, technique=name)

    def next_question(self, kind: str | None = None, code: str | None = None) -> Question:
        """Choose, remember and return the next question (adaptive unless ``code`` given)."""
        last = self.question.code if self.question else None
        self.progress.sync()  # answers given meanwhile in other lessons count too
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

    def answer_measured(self, distance_cun: float) -> str:
        """Record the current locate question as answered on another picture (a photo of the
        learner's own leg, :mod:`tutorial.widgets.photo`), ``distance_cun`` from the point.

        Scored with the same bands as :meth:`answer_click`; returns the verdict.
        """
        question = self._current()
        if question.kind != "locate":
            raise RuntimeError(f"the current question is a {question.kind!r} question")
        verdict = verdict_for(distance_cun)
        self._record(question.code, Answer("locate", verdict, float(distance_cun)))
        return verdict

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
        view = self.question.view if self.question else None
        self.progress.record(code, answer, view=view, side=self.side)
        self.history.append((code, answer))

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
        """Erase the saved quiz answers and this session's (see :meth:`Progress.reset`)."""
        self.history.clear()
        self.load_error = ""
        return self.progress.reset()
