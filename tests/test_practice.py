"""Scoring, questions, the Leitner scheduler and saved progress of tutorial.content.practice."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial import VIEWS, RoutineError
from tutorial.content.geometry import project
from tutorial.content.practice import (
    Answer,
    PracticeSession,
    Progress,
    load_quiz_settings,
    point_stats,
    score_click,
    verdict_for,
)
from tutorial.store.db import get_store

SETTINGS = load_quiz_settings()


# -- scoring --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distance", "verdict"),
    [
        (0.0, "right"),
        (0.5, "right"),
        (0.51, "close"),
        (0.75, "close"),
        (0.76, "missed"),
        (1.5, "missed"),
        (9, "missed"),
    ],
)
def test_verdict_thresholds(distance, verdict):
    assert verdict_for(distance) == verdict


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_verdict_rejects_impossible_distances(bad):
    with pytest.raises(ValueError, match="distance"):
        verdict_for(bad)


def test_click_on_the_true_spot_is_right_and_three_cun_away_is_missed():
    x, y = project("ST36", "anterior")
    assert score_click("ST36", "anterior", x, y).distance_cun == 0
    assert score_click("ST36", "anterior", x, y).verdict == "right"
    far = score_click("ST36", "anterior", x, y - 3.0)
    assert far.distance_cun == pytest.approx(3.0)
    assert far.verdict == "missed"
    assert far.true == (x, y)


def test_click_depends_on_the_view_and_side():
    x, y = project("BL60", "lateral")
    assert score_click("BL60", "lateral", x, y).verdict == "right"
    # the same data position on the posterior view is somewhere else
    assert score_click("BL60", "posterior", x, y).distance_cun > 1
    xl, yl = project("BL60", "lateral", side="left")
    assert score_click("BL60", "lateral", xl, yl, side="left").distance_cun == 0


def test_point_not_shown_in_a_view_cannot_be_scored():
    with pytest.raises(ValueError, match="not shown"):
        score_click("BL40", "anterior", 0, 0)


@settings(max_examples=60, deadline=None)
@given(dx=st.floats(-6, 6), dy=st.floats(-6, 6))
def test_score_is_the_straight_line_distance(dx, dy):
    x, y = project("GB34", "lateral")
    score = score_click("GB34", "lateral", x + dx, y + dy)
    assert score.distance_cun == pytest.approx(math.hypot(dx, dy), abs=1e-9)
    assert score.verdict == verdict_for(math.hypot(dx, dy))


# -- questions ------------------------------------------------------------------------------


def _questions(seed, n=15, **kwargs):
    session = PracticeSession(seed=seed, path=None, **kwargs)
    out = []
    for _ in range(n):
        question = session.next_question()
        out.append(question)
        if question.kind == "locate":
            session.answer_click(*session.true_location())
        else:
            session.answer_choice(question.choices[0])
    return out


def test_same_seed_same_questions_other_seed_other_questions():
    assert _questions(3) == _questions(3)
    assert _questions(3) != _questions(4)


def test_locate_questions_use_a_view_that_shows_the_point():
    for question in _questions(1, n=30, kinds=("locate",)):
        assert question.kind == "locate"
        assert project(question.code, question.view) is not None
        assert question.code in question.prompt


def test_name_question_offers_the_answer_with_pinyin_and_hanzi():
    session = PracticeSession(seed=2, path=None, kinds=("name",))
    question = session.next_question(code="ST36")
    assert question.kind == "name"
    assert "ST36" in question.choices
    assert len(set(question.choices)) == SETTINGS.choices
    label = question.labels[question.choices.index("ST36")]
    assert "Zúsānlǐ" in label
    assert "足三里" in label
    assert session.answer_choice("ST36") == "right"


def test_step_question_accepts_the_step_that_works_on_the_point():
    session = PracticeSession(seed=2, path=None, kinds=("step",))
    question = session.next_question(code="KI3")
    assert question.answer == "kunlun-taixi"
    assert "kunlun-taixi" in question.choices
    wrong = next(c for c in question.choices if c != "kunlun-taixi")
    assert session.answer_choice(wrong) == "missed"
    assert session.progress.box("KI3") == 1


def test_step_question_for_a_point_without_a_step_falls_back_to_naming():
    session = PracticeSession(seed=2, path=None, kinds=("step", "name"))
    assert session.next_question(kind="step", code="ST35").kind == "name"


def test_answer_of_the_wrong_kind_is_refused():
    session = PracticeSession(seed=2, path=None)
    session.next_question(kind="locate", code="BL57")
    with pytest.raises(RuntimeError, match="click"):
        session.answer_choice("BL57")
    session.next_question(kind="name", code="BL57")
    with pytest.raises(RuntimeError, match="name"):
        session.answer_click(0, 0)


# -- scheduling -----------------------------------------------------------------------------


def test_missed_points_come_back_sooner_than_right_ones():
    codes = ["BL40", "ST36", "BL57", "GB34", "ST38"]
    session = PracticeSession(codes, kinds=("locate",), seed=5, path=None)
    asked = []
    for _ in range(60):
        question = session.next_question()
        asked.append(question.code)
        x, y = session.true_location()
        # BL57 is always missed (3 cun off); every other point is always right
        session.answer_click(x, y - (3.0 if question.code == "BL57" else 0.0))
    counts = Counter(asked)
    assert counts["BL57"] > 2 * max(n for code, n in counts.items() if code != "BL57")
    assert session.progress.box("BL57") == 1
    assert session.progress.box("ST36") == len(SETTINGS.intervals)


def test_a_miss_returns_after_the_first_interval():
    progress = Progress(None)
    progress.record("ST36", Answer("locate", "missed", 3.0))
    assert progress.box("ST36") == 1
    assert progress.due("ST36") == 0 + SETTINGS.intervals[0]
    progress.record("ST36", Answer("locate", "right", 0.1))
    assert progress.box("ST36") == 2
    assert progress.due("ST36") == 1 + SETTINGS.intervals[1]
    progress.record("ST36", Answer("locate", "close", 1.0))
    assert progress.box("ST36") == 2  # close keeps the box


def test_pick_prefers_due_points_in_low_boxes_and_never_repeats_needlessly():
    import random

    progress = Progress(None)
    for code in ("BL40", "ST36"):
        progress.record(code, Answer("name", "right"))
    # both answered right (box 2, not due yet); GB34 is new (box 1, due now)
    assert progress.pick(["BL40", "ST36", "GB34"], random.Random(0)) == "GB34"
    assert progress.pick(["GB34", "BL40"], random.Random(0), avoid="GB34") == "BL40"
    assert progress.pick(["GB34"], random.Random(0), avoid="GB34") == "GB34"


def test_point_stats_mean_error_and_trend():
    answers = [Answer("locate", "missed", e) for e in (3.0, 3.0, 3.0)]
    answers += [Answer("locate", "right", e) for e in (0.5, 0.5, 0.5)]
    answers.append(Answer("name", "right"))
    stats = point_stats("ST36", answers)
    assert stats.attempts == 7
    assert (stats.right, stats.missed) == (4, 3)
    assert stats.mean_error_cun == pytest.approx(1.75)
    assert stats.trend_cun == pytest.approx(-2.5)
    assert stats.trend == "better"
    assert point_stats("ST36", answers[:1]).trend == ""


def test_session_summary_counts_only_this_session(tmp_path):
    path = tmp_path / "progress.json"
    first = PracticeSession(["ST36", "BL57"], kinds=("name",), seed=1, path=path)
    for _ in range(4):
        first.answer_choice(first.next_question().answer)
    second = PracticeSession(["ST36", "BL57"], kinds=("name",), seed=1, path=path)
    assert sum(s.attempts for s in second.summary()) == 0
    assert sum(s.attempts for s in second.summary(session=False)) == 4


# -- persistence: answers are events in the store, boxes are their replay -----------------


def _played(path: Path, n: int = 6) -> PracticeSession:
    session = PracticeSession(seed=7, path=path, kinds=("locate",))
    for i in range(n):
        session.next_question()
        x, y = session.true_location()
        session.answer_click(x + i * 0.4, y)
    return session


def _state(progress: Progress, codes) -> list[tuple[int, int, int]]:
    return [(progress.box(c), progress.due(c), len(progress.answers(c))) for c in codes]


def test_answers_are_appended_to_the_store_as_events(tmp_path):
    path = tmp_path / "sub" / "practice.sqlite3"
    session = _played(path)
    events = get_store(path).answers()
    assert len(events) == 6
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    first = events[0]
    assert first.kind == "locate"
    assert first.side == "right"
    assert first.view in VIEWS
    assert first.error_cun == pytest.approx(0.0, abs=1e-6)
    assert first.verdict == "right"
    again = Progress.open(path)
    assert again.turn == 6
    assert _state(again, session.codes) == _state(session.progress, session.codes)


def test_boxes_are_a_replay_of_the_stored_answers_by_the_unchanged_rule(tmp_path):
    """The store changes where answers live, not the Leitner rule: an in-memory Progress
    fed the same answers in the same order ends in the same boxes and due turns."""
    path = tmp_path / "practice.sqlite3"
    session = PracticeSession(seed=3, path=path)
    memory = Progress(None)
    for i in range(60):
        question = session.next_question()
        if question.kind == "locate":
            x, y = session.true_location()
            score = session.answer_click(x + (i % 5) * 0.45, y)
            memory.record(question.code, Answer("locate", score.verdict, score.distance_cun))
        else:
            choice = question.answer if i % 3 else question.choices[0]
            verdict = session.answer_choice(choice)
            memory.record(question.code, Answer(question.kind, verdict))
    replayed = Progress.open(path)
    assert replayed.turn == memory.turn == 60
    assert _state(replayed, session.codes) == _state(memory, session.codes)


def test_default_store_follows_calf_tutorial_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    session = PracticeSession(seed=1)
    assert session.progress.path == tmp_path / "practice.sqlite3"
    question = session.next_question(kind="name")
    session.answer_choice(question.answer)
    assert Progress.open(tmp_path / "practice.sqlite3").turn == 1


def test_path_none_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    session = PracticeSession(seed=1, path=None)
    session.answer_choice(session.next_question(kind="name").answer)
    assert list(tmp_path.iterdir()) == []


def test_attempts_kept_in_memory_are_capped_but_the_store_keeps_every_answer(tmp_path):
    path = tmp_path / "practice.sqlite3"
    session = PracticeSession(["ST36"], kinds=("name",), seed=1, path=path)
    for _ in range(SETTINGS.max_attempts_per_point + 40):
        session.answer_choice(session.next_question().answer)
    assert len(session.progress.answers("ST36")) == SETTINGS.max_attempts_per_point
    assert len(Progress.open(path).answers("ST36")) == SETTINGS.max_attempts_per_point
    assert len(get_store(path).answers()) == SETTINGS.max_attempts_per_point + 40
    assert session.progress.turn == SETTINGS.max_attempts_per_point + 40


def test_two_quizzes_on_one_store_keep_each_others_answers(tmp_path):
    path = tmp_path / "practice.sqlite3"
    lesson3 = PracticeSession(["ST36"], kinds=("name",), seed=1, path=path)
    lesson6 = PracticeSession(["BL57"], kinds=("name",), seed=2, path=path)
    for _ in range(3):
        lesson3.answer_choice(lesson3.next_question().answer)
        lesson6.answer_choice(lesson6.next_question().answer)
    saved = Progress.open(path)
    assert saved.turn == 6
    assert len(saved.answers("ST36")) == len(saved.answers("BL57")) == 3
    # each quiz counts the other's answers too, in the store's one order
    assert lesson3.progress.turn == 5
    assert lesson6.progress.turn == 6
    lesson3.next_question()
    assert _state(lesson3.progress, ["ST36", "BL57"]) == _state(saved, ["ST36", "BL57"])


def test_reset_erases_the_answers_and_other_quizzes_follow(tmp_path):
    path = tmp_path / "practice.sqlite3"
    session = _played(path)
    other = PracticeSession(seed=8, path=path, kinds=("name",))
    assert other.progress.turn == 6
    assert session.reset() is None
    assert get_store(path).answers() == []
    assert session.summary() == PracticeSession(seed=7, path=None, kinds=("locate",)).summary()
    other.next_question()
    assert other.progress.turn == 0  # the erase reached the other quiz too


def test_unwritable_store_keeps_the_quiz_working_in_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    path = blocker / "sub" / "practice.sqlite3"
    session = PracticeSession(seed=1, path=path, kinds=("name",))
    assert "cannot be created" in session.load_error
    for _ in range(3):
        session.answer_choice(session.next_question().answer)
    assert session.progress.turn == 3
    assert session.progress.blocked
    with pytest.raises(RoutineError, match="cannot be created") as info:
        PracticeSession(seed=1, path=path, on_bad_file="raise")
    assert "CALF_TUTORIAL_HOME" in str(info.value)  # the fix


def test_locate_questions_pick_a_view_that_also_shows_the_landmark():
    from tutorial.content.geometry import features

    session = PracticeSession(seed=1, path=None, kinds=("locate",))
    for code in session.codes:
        landmark = session.points[code].landmark
        for _ in range(4):
            view = session.next_question(code=code).view
            assert any(f.landmark == landmark for f in features(view))
