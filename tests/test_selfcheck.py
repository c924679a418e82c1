"""Tests for tutorial.widgets.selfcheck: the safety questions and their feedback."""

from tutorial.widgets.selfcheck import (
    SafetyCheck,
    SafetyQuestion,
    feedback_html,
    load_safety_questions,
)


def test_every_question_has_a_known_answer_and_a_reason():
    choices, questions = load_safety_questions()
    assert len(questions) >= 5
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.answer in choices
        assert q.why.strip()


def test_the_dangerous_situations_mean_stop():
    _, questions = load_safety_questions()
    answers = {q.id: q.answer for q in questions}
    assert answers["flight"] == "doctor"  # possible DVT
    assert answers["breathless"] == "emergency"  # possible pulmonary embolism
    assert answers["pregnant"] == "gentle"
    assert answers["night-cramp"] == "massage"


def test_right_and_wrong_answers_both_get_feedback():
    check = SafetyCheck()
    assert check.answer("flight", "doctor") is True
    assert "Right" in check._feedback["flight"].value
    assert check.answer("breathless", "massage") is False
    wrong = check._feedback["breathless"].value
    assert "Not quite" in wrong
    assert "Emergency: call an ambulance" in wrong
    assert check.score == 1
    assert "1 of" in check._score.value
    assert "2 of" in check._score.value  # answered


def test_changing_an_answer_updates_the_score():
    check = SafetyCheck()
    check.answer("pop", "massage")
    assert check.score == 0
    check.answer("pop", "doctor")
    assert check.score == 1


def test_feedback_is_escaped():
    question = SafetyQuestion("x", "<img src=x onerror=alert(1)>", "doctor", "<b>why</b>")
    html = feedback_html(question, "massage")
    assert "<img" not in html
    assert "<b>why</b>" not in html
    assert "&lt;b&gt;why&lt;/b&gt;" in html
