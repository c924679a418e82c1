"""Tests for tutorial.widgets.workshop: lesson 7's plan and the room's timer agree (issue 11)."""

import itertools
import re

from tutorial import load_routine
from tutorial.content.timing import build_plan
from tutorial.widgets.workshop import load_workshop, workshop_plan, workshop_timer


def test_the_plan_is_thirty_minutes_and_the_session_fits_its_block():
    plan = load_workshop()
    assert plan.minutes == 30
    (block,) = [b for b in plan.blocks if b.session]
    assert plan.session_seconds() <= block.minutes * 60


def test_the_plan_states_what_the_timer_runs():
    plan = load_workshop()
    timer = workshop_timer()
    assert timer.plan.total_seconds == plan.session_seconds()
    assert timer.plan.total_seconds == build_plan(timer.routine, plan.legs).total_seconds
    expected = load_routine().variant(plan.variant)
    assert [s.default_seconds for s in timer.routine.steps] == [
        s.default_seconds for s in expected.steps
    ]
    html = workshop_plan().value
    assert plan.session_text() in html
    assert plan.session_text() == "one leg, quick variant, 4 min 30 s"


def test_the_plan_table_counts_minutes_from_the_data():
    html = workshop_plan().value
    spans = re.findall(r">(\d+)-(\d+)<", html)
    assert spans[0] == ("0", "5")
    assert spans[-1][1] == "30"
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
