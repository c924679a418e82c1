"""The safety self-check of lesson 6: which situations mean "stop, no massage"?

Each question is a situation with one right choice; every answer, right or wrong, is
answered with the reason. Questions live in ``tutorial/data/lessons_selfcheck.toml``.
Nothing is saved: the check is short and meant to be taken again.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import traitlets

from ..content.i18n import _, per_language
from ..content.loader import read_data_toml

__all__ = ["SafetyCheck", "SafetyQuestion", "load_safety_questions"]


@dataclass(frozen=True)
class SafetyQuestion:
    """A situation, the key of its right choice, and why that choice is right."""

    id: str
    situation: str
    answer: str
    why: str


@per_language
def load_safety_questions() -> tuple[Mapping[str, str], tuple[SafetyQuestion, ...]]:
    """The shared choices (key -> text) and the questions of the safety self-check."""
    data = read_data_toml("lessons_selfcheck.toml")
    choices = {k: v for k, v in data["choices"].items() if isinstance(v, str)}
    fields = ("id", "situation", "answer", "why")
    questions = tuple(SafetyQuestion(**{k: q[k] for k in fields}) for q in data["questions"])
    for q in questions:
        if q.answer not in choices:
            raise ValueError(f"lessons_selfcheck.toml: question {q.id!r} has unknown answer")
    return choices, questions


def feedback_html(question: SafetyQuestion, choice: str) -> str:
    """Escaped HTML: right or not, the right choice, and the reason."""
    choices = load_safety_questions()[0]
    right = choice == question.answer
    colour, mark = ("#1b6e3a", _("✓ Right.")) if right else ("#a4161a", _("✗ Not quite."))
    background = "#e8f4ec" if right else "#fde8e8"
    told = (
        ""
        if right
        else " " + _("The safe choice: {choice}.").format(choice=choices[question.answer])
    )
    return (  # i18n: ignore
        f"<div style='background:{background};color:#1b1b1b;border-left:5px solid {colour};"
        f"padding:6px 10px;margin:2px 0 10px;max-width:760px'><b style='color:{colour}'>"
        f"{escape(mark)}</b>{escape(told)} {escape(question.why)}</div>"
    )


class SafetyCheck(widgets.VBox):
    """Situations to judge: massage, massage gently, see a doctor, or call an ambulance.

    ``answers`` maps question id to the chosen key; ``score`` counts the right ones.
    """

    answers = traitlets.Dict()
    score = traitlets.Int(0)

    def __init__(self, **kwargs) -> None:
        choices, self.questions = load_safety_questions()
        options = [(text, key) for key, text in choices.items()]
        self._radios: dict[str, widgets.RadioButtons] = {}
        self._feedback: dict[str, widgets.HTML] = {}
        rows = []
        for number, q in enumerate(self.questions, start=1):
            radio = widgets.RadioButtons(
                options=options, value=None, layout=widgets.Layout(width="auto")
            )
            radio.observe(lambda change, qid=q.id: self._picked(qid, change["new"]), "value")
            self._radios[q.id] = radio
            self._feedback[q.id] = widgets.HTML()
            situation = widgets.HTML(  # i18n: ignore
                f"<div style='font-size:16px;margin-top:6px'><b>{number}.</b> "
                f"{escape(q.situation)}</div>"
            )
            rows += [situation, radio, self._feedback[q.id]]
        self._score = widgets.Label()
        self._errors = widgets.Output()
        super().__init__(children=[*rows, self._score, self._errors], **kwargs)
        self._show_score()

    def answer(self, question_id: str, choice: str) -> bool:
        """Answer a question as if its radio button were clicked; True if right."""
        self._radios[question_id].value = choice
        return self.answers.get(question_id) == self._question(question_id).answer

    def _question(self, question_id: str) -> SafetyQuestion:
        return next(q for q in self.questions if q.id == question_id)

    def _picked(self, question_id: str, choice: str | None) -> None:
        try:
            if choice is None:
                return
            self.answers = {**self.answers, question_id: choice}
            self._feedback[question_id].value = feedback_html(self._question(question_id), choice)
        except Exception:  # a widget callback must report, not vanish
            with self._errors:
                traceback.print_exc()

    @traitlets.observe("answers")
    def _on_answers_change(self, change: dict) -> None:
        self.score = sum(self._question(q).answer == c for q, c in self.answers.items())
        self._show_score()

    def _show_score(self) -> None:
        total = len(self.questions)
        self._score.value = _("{right} of {total} right ({answered} of {total} answered)").format(
            right=self.score, answered=len(self.answers), total=total
        )
