"""Tests for tutorial.calculator: the personal cun and the widget that shows it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial import RoutineError, load_points
from tutorial.calculator import (
    MAX_LENGTH_CM,
    MIN_LENGTH_CM,
    CunCalculator,
    cun_cm,
    personal_distances,
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
    assert "Your cun: 2.50 cm" in calc._table.value
    calc._input.value = 48  # as if typed
    assert calc.length_cm == 48
    assert "Your cun: 3.00 cm" in calc._table.value
    assert "ST36 Zúsānlǐ 足三里" in calc._table.value


def test_widget_clamps_out_of_range_lengths():
    calc = CunCalculator()
    calc.length_cm = 500
    assert calc.length_cm == MAX_LENGTH_CM
    assert calc._input.value == MAX_LENGTH_CM
    assert "70 cm" in calc._table.value


def test_widget_marks_derived_depths():
    html = CunCalculator(length_cm=40)._table.value
    assert "2 *" in html  # GB34, derived
    assert "rather than a WHO figure" in html


def test_validate_length_matches_the_shared_cases() -> None:
    """The shared case file (also run by the site's JavaScript) agrees with the Python rule."""
    import json
    from pathlib import Path

    from tutorial.calculator import validate_length

    cases = json.loads((Path(__file__).parent / "cases" / "calculator.json").read_text())
    assert len(cases["cases"]) >= 10
    for case in cases["cases"]:
        assert validate_length(case["input"]) == (case["length_cm"], case["message"]), case
    assert validate_length("0")[0] is None
    assert "15 to 70 cm" in validate_length("1000")[1]
    assert "not a number" in validate_length("abc")[1]
