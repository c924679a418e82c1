"""Tests for tutorial.widgets.calculator: the personal cun and the widget that shows it."""

import html

import pytest
import traitlets
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial import RoutineError, load_cun, load_points
from tutorial.widgets.calculator import (
    DEFAULT_LENGTH_CM,
    MAX_LENGTH_CM,
    MIN_LENGTH_CM,
    CunCalculator,
    cun_cm,
    personal_distances,
    validate_length,
)


def test_one_cun_is_a_sixteenth_of_knee_to_ankle():
    assert cun_cm(40) == pytest.approx(2.5)
    assert cun_cm(32.0) == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [10, 100, -3, float("nan"), True, "40"])
def test_impossible_lengths_are_refused_with_a_hint(bad):
    with pytest.raises(RoutineError, match="cm"):
        cun_cm(bad)


def test_distances_on_a_32_cm_leg():
    by_code = {d.code: d for d in personal_distances(32)}
    assert by_code["ST36"].below_knee_cm == pytest.approx(6.0)
    assert by_code["ST38"].below_knee_cm == pytest.approx(16.0)
    assert by_code["ST38"].above_ankle_cm == pytest.approx(16.0)
    assert by_code["BL60"].above_ankle_cm == pytest.approx(0.0)
    assert by_code["BL40"].below_knee_cm == 0
    assert [d.code for d in personal_distances(32)] == list(load_points())
    assert {d.code for d in personal_distances(32) if d.derived} == {
        code for code, p in load_points().items() if p.y_derived
    }


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=MIN_LENGTH_CM, max_value=MAX_LENGTH_CM))
def test_below_knee_plus_above_ankle_is_the_whole_length(length):
    for d in personal_distances(length):
        assert d.below_knee_cm + d.above_ankle_cm == pytest.approx(length)
        assert d.below_knee_cm == pytest.approx(d.below_knee_cun * length / 16)


def test_widget_follows_the_length():
    calc = CunCalculator(length_cm=40)
    assert calc._input.value == "40"
    assert "Your cun: 2.50 cm" in calc._table.value
    calc._input.value = "48"  # as if typed
    assert calc.length_cm == 48
    assert "Your cun: 3.00 cm" in calc._table.value
    assert "ST36 Zúsānlǐ 足三里" in calc._table.value
    calc.length_cm = 32  # from code: the text box follows
    assert calc._input.value == "32"


@pytest.mark.parametrize("typed", ["0", "-5", "abc", "1000", "", "14.9", "70.5"])
def test_widget_explains_bad_input_and_hides_the_table(typed):
    """Issue 11 item 4: no silent clamping; a message says what is accepted and why."""
    calc = CunCalculator(length_cm=40)
    calc._input.value = typed
    expected = validate_length(typed)[1]
    assert expected
    assert calc.message == expected
    assert not calc.valid
    assert calc._table.layout.display == "none"
    assert calc._message.layout.display != "none"
    assert html.escape(expected, quote=False) in calc._message.value
    assert calc.length_cm == 40  # the last usable length is kept, not clamped
    calc._input.value = "44"
    assert calc.valid
    assert calc.message == ""
    assert calc._table.layout.display != "none"
    assert calc._message.layout.display == "none"
    assert "Your cun: 2.75 cm" in calc._table.value


def test_widget_shows_the_message_as_text_not_markup():
    calc = CunCalculator()
    calc._input.value = "<img src=x onerror=alert(1)>"
    assert "<img" not in calc._message.value
    assert "&lt;img" in calc._message.value


def test_widget_says_how_to_measure():
    calc = CunCalculator()
    how = load_cun()["calculator"]["how_to_measure"]
    assert html.escape(how, quote=False) in calc._help.value


def test_widget_refuses_impossible_lengths_from_code():
    calc = CunCalculator()
    with pytest.raises(traitlets.TraitError, match="15 to 70 cm"):
        calc.length_cm = 500
    assert calc.length_cm == DEFAULT_LENGTH_CM


def test_widget_marks_derived_depths():
    html = CunCalculator(length_cm=40)._table.value
    assert "2 *" in html  # GB34, derived
    assert "rather than a WHO figure" in html


def test_validate_length_matches_the_shared_cases() -> None:
    """The shared case file (also run by the site's JavaScript) agrees with the Python rule."""
    import json
    from pathlib import Path

    from tutorial.widgets.calculator import validate_length

    cases = json.loads((Path(__file__).parent / "cases" / "calculator.json").read_text())
    assert len(cases["cases"]) >= 10
    for case in cases["cases"]:
        assert validate_length(case["input"]) == (case["length_cm"], case["message"]), case
    assert validate_length("0")[0] is None
    assert "15 to 70 cm" in validate_length("1000")[1]
    assert "not a number" in validate_length("abc")[1]
