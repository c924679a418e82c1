"""The session plan and the deadline-driven timer state machine (no widgets, no browser)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutorial import load_routine
from tutorial.content.testing import seconds_routine as make_routine
from tutorial.content.timing import (
    OUTCOMES,
    STATUSES,
    TimerMachine,
    build_plan,
    load_timer_settings,
)


class FakeClock:
    def __init__(self, t: float = 100.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


# -- plan -----------------------------------------------------------------------------


def test_plan_one_leg_boundaries_follow_default_seconds():
    routine = load_routine()
    plan = build_plan(routine)
    assert len(plan) == len(routine)
    assert [seg.step_id for seg in plan] == [step.id for step in routine]
    assert {seg.leg for seg in plan} == {"right"}
    start = 0.0
    for seg, step in zip(plan, routine, strict=True):
        assert seg.kind == "step"
        assert seg.start_seconds == pytest.approx(start)
        assert seg.planned_seconds == step.default_seconds
        start += step.default_seconds
    assert plan.total_seconds == pytest.approx(routine.total_seconds)


def test_plan_both_legs_runs_first_leg_switch_then_mirrored_leg():
    routine = make_routine(10, 20, 30)
    plan = build_plan(routine, legs="both", first_leg="left", switch_seconds=7)
    assert [seg.kind for seg in plan] == ["step"] * 3 + ["switch"] + ["step"] * 3
    assert [seg.leg for seg in plan] == ["left"] * 3 + ["right"] * 4
    assert [seg.step_index for seg in plan] == [0, 1, 2, None, 0, 1, 2]
    assert plan[3].planned_seconds == 7
    assert plan[3].title == load_timer_settings()["switch"]["title"]
    assert plan[4].start_seconds == pytest.approx(10 + 20 + 30 + 7)
    assert plan.total_seconds == pytest.approx(2 * 60 + 7)
    assert [seg.index for seg in plan] == list(range(7))


def test_plan_switch_seconds_default_comes_from_timer_settings():
    plan = build_plan(make_routine(10), legs="both")
    assert plan[1].planned_seconds == load_timer_settings()["switch_seconds"]


def test_cues_heads_up_before_each_long_segment_and_kind_of_what_follows():
    plan = build_plan(make_routine(30, 3, 30), legs="both", heads_up_seconds=5, switch_seconds=15)
    kinds = {i: [(c.kind, c.offset_seconds) for c in plan.cues_of(i)] for i in range(len(plan))}
    assert kinds[0] == [("heads-up", 25), ("step", 30)]
    assert kinds[1] == [("step", 3)]  # 3 s step: too short for a heads-up
    assert kinds[2] == [("heads-up", 25), ("switch", 30)]
    assert kinds[3] == [("heads-up", 10), ("step", 15)]
    assert kinds[6] == [("heads-up", 25), ("end", 30)]
    for cue in plan.cues:
        assert cue.at_seconds == pytest.approx(plan[cue.segment].start_seconds + cue.offset_seconds)
    assert [c.kind for c in plan.cues].count("end") == 1


def test_plan_rejects_bad_arguments():
    with pytest.raises(ValueError, match="legs"):
        build_plan(make_routine(1), legs="three")
    with pytest.raises(ValueError, match="first_leg"):
        build_plan(make_routine(1), first_leg="middle")


# -- machine: examples ------------------------------------------------------------------


def test_segments_end_at_their_deadlines_however_late_the_tick():
    machine = TimerMachine(build_plan(make_routine(2, 2, 2)), clock=FakeClock())
    machine.start(0.0)
    changes = machine.tick(4.7)  # one late tick crosses two boundaries
    assert [c.index for c in changes] == [1, 2]
    assert [c.at for c in changes] == [2.0, 4.0]
    assert machine.index == 2
    assert machine.elapsed(4.7) == pytest.approx(0.7)
    assert [r.actual_seconds for r in machine.history] == [2.0, 2.0]
    assert [r.outcome for r in machine.history] == ["completed", "completed"]
    changes = machine.tick(60.0)
    assert changes[-1].index is None
    assert machine.status == "finished"
    assert machine.history[-1].ended_at == 6.0
    assert machine.remaining(60.0) == 0


def test_pause_stops_time_and_resume_continues_it():
    machine = TimerMachine(build_plan(make_routine(10, 10)))
    machine.start(0.0)
    machine.pause(3.0)
    assert machine.status == "paused"
    assert machine.elapsed(50.0) == 3.0
    assert machine.tick(50.0) == []
    machine.resume(50.0)
    assert machine.elapsed(52.0) == pytest.approx(5.0)
    machine.tick(57.0)
    assert machine.index == 1
    record = machine.history[0]
    assert record.actual_seconds == pytest.approx(10.0)
    assert record.paused_seconds == pytest.approx(47.0)
    assert record.ended_at == pytest.approx(57.0)


def test_next_back_jump_restart_reset_record_outcomes():
    machine = TimerMachine(build_plan(make_routine(10, 10, 10, 10)))
    machine.start(0.0)
    machine.next(1.0)
    machine.back(2.0)
    machine.jump(3, 3.0)
    machine.restart_step(4.5)
    assert machine.index == 3
    assert machine.elapsed(5.0) == pytest.approx(0.5)
    machine.reset(6.0)
    assert [r.outcome for r in machine.history] == [
        "skipped",
        "back",
        "jumped",
        "restarted",
        "reset",
    ]
    assert [r.segment for r in machine.history] == [0, 1, 0, 3, 3]
    assert machine.status == "ready"
    assert machine.index == 0
    assert machine.elapsed(100.0) == 0


def test_next_on_last_segment_finishes_and_start_starts_over():
    machine = TimerMachine(build_plan(make_routine(5, 5)))
    machine.start(0.0)
    machine.jump(1, 1.0)
    changes = machine.next(2.0)
    assert changes[-1].index is None
    assert machine.status == "finished"
    assert machine.next(3.0) == []
    machine.start(4.0)
    assert (machine.status, machine.index) == ("running", 0)


def test_back_from_finished_and_moves_while_paused_stay_paused():
    machine = TimerMachine(build_plan(make_routine(5, 5)))
    machine.start(0.0)
    machine.tick(20.0)
    machine.back(21.0)
    assert (machine.status, machine.index) == ("paused", 1)
    machine.back(22.0)
    assert (machine.status, machine.index, machine.elapsed(30.0)) == ("paused", 0, 0.0)


def test_moves_before_start_change_the_step_without_history():
    machine = TimerMachine(build_plan(make_routine(5, 5, 5)))
    machine.jump(2, 0.0)
    machine.back(0.0)
    assert (machine.status, machine.index, machine.history) == ("ready", 1, [])
    machine.start(1.0)
    machine.tick(6.5)
    assert machine.index == 2
    assert machine.history[0].segment == 1


def test_default_clock_is_injectable():
    clock = FakeClock(1000.0)
    machine = TimerMachine(build_plan(make_routine(3, 3)), clock=clock)
    machine.start()
    clock.t = 1002.0
    assert machine.elapsed() == pytest.approx(2.0)
    clock.t = 1003.5
    machine.tick()
    assert machine.index == 1
    assert machine.history[0].ended_at == 1003.0


def test_time_going_backwards_is_clamped():
    machine = TimerMachine(build_plan(make_routine(10)))
    machine.start(5.0)
    assert machine.elapsed(7.0) == 2.0
    assert machine.elapsed(6.0) == 2.0  # an earlier report cannot move time back


def test_complete_ends_segment_when_another_clock_saw_its_deadline():
    machine = TimerMachine(build_plan(make_routine(2, 2)))
    machine.start(0.0)
    changes = machine.complete(1.998)  # the browser's clock was 2 ms ahead
    assert [c.index for c in changes] == [1]
    assert machine.history[0].actual_seconds == pytest.approx(1.998)


def test_restore_follows_a_snapshot_without_history():
    machine = TimerMachine(build_plan(make_routine(10, 10)))
    machine.restore("running", 1, 4.0, now=100.0)
    assert machine.elapsed(101.0) == pytest.approx(5.0)
    assert machine.history == []
    machine.tick(106.0)
    assert machine.status == "finished"
    assert machine.history[0].started_at == pytest.approx(96.0)


# -- machine: properties ----------------------------------------------------------------

ACTIONS = ("start", "pause", "resume", "next", "back", "jump", "restart_step", "reset", "tick")
action_steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.floats(0, 5, allow_nan=False),  # time step before the action
        st.integers(0, 20),  # jump target (mod length)
    ),
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(
    durations=st.lists(st.floats(0.5, 6), min_size=1, max_size=5),
    legs=st.sampled_from(["one", "both"]),
    actions=action_steps,
)
def test_machine_invariants_under_random_actions(durations, legs, actions):
    plan = build_plan(make_routine(*durations), legs=legs, switch_seconds=2)
    machine = TimerMachine(plan)
    t = 0.0
    prev = None  # (index, elapsed) while running, to check monotonic elapsed
    wall_start = None
    for name, dt, target in actions:
        t += dt
        before_status = machine.status
        if name == "jump":
            changes = machine.jump(target % len(plan), t)
        else:
            changes = getattr(machine, name)(t)
        if wall_start is None and machine.status != "ready":
            wall_start = t
        assert machine.status in STATUSES
        assert 0 <= machine.index < len(plan)
        elapsed = machine.elapsed(t)
        assert elapsed >= 0
        assert machine.remaining(t) >= 0
        assert elapsed <= plan[machine.index].planned_seconds + 1e-9
        assert 0 <= machine.session_elapsed(t) <= plan.total_seconds + 1e-9
        moved = bool(changes) or name in ("reset", "restart_step")
        if before_status == "running" and machine.status == "running" and not moved and prev:
            assert prev[0] == machine.index
            assert elapsed >= prev[1] - 1e-9  # never decreases while running
        prev = (machine.index, elapsed) if machine.status == "running" else None
        for change in changes:
            assert change.at <= t + 1e-9

    for record in machine.history:
        seg = plan[record.segment]
        assert record.step_id == seg.step_id
        assert record.leg == seg.leg
        assert record.planned_seconds == seg.planned_seconds
        assert record.outcome in OUTCOMES
        assert record.started_at <= record.ended_at
        assert record.actual_seconds >= -1e-9
        assert record.paused_seconds >= 0
        assert record.actual_seconds <= record.ended_at - record.started_at + 1e-9
        assert math.isclose(
            record.actual_seconds + record.paused_seconds,
            record.ended_at - record.started_at,
            abs_tol=1e-9,
        )
        assert record.actual_seconds <= seg.planned_seconds + 1e-9
        if record.outcome == "completed":
            assert record.actual_seconds == pytest.approx(seg.planned_seconds)
    # records follow each other in time
    for a, b in zip(machine.history, machine.history[1:], strict=False):
        assert a.ended_at <= b.started_at + 1e-9
    if wall_start is not None:
        assert sum(r.actual_seconds for r in machine.history) <= t - wall_start + 1e-6


# -- every variant, and the cues still to come ------------------------------------------


def test_build_plans_holds_every_variant_and_legs():
    from tutorial.content.timing import VARIANTS, build_plans

    routine = make_routine(10, 20)
    plans = build_plans(routine, switch_seconds=3)
    assert set(plans) == {f"{v}/{legs}" for v in VARIANTS for legs in ("one", "both")}
    assert plans["default/one"].total_seconds == 30
    quick = routine.variant("quick").total_seconds
    assert plans["quick/both"].total_seconds == pytest.approx(2 * quick + 3)
    assert plans["full/one"].variant == "full"
    assert plans["full/one"].key == "full/one"


def test_upcoming_cues_lists_what_is_still_to_sound_by_segment_and_kind():
    plan = build_plan(make_routine(10, 3), heads_up_seconds=5)
    machine = TimerMachine(plan)
    assert machine.upcoming_cues(0) == []
    machine.start(100)
    assert machine.upcoming_cues(100) == [
        (0, "heads-up", 105.0),
        (0, "step", 110.0),
        (1, "end", 113.0),
    ]
    assert machine.upcoming_cues(106) == [(0, "step", 110.0), (1, "end", 113.0)]
    machine.pause(106)
    assert machine.upcoming_cues(200) == []
    machine.resume(200)  # 4 s of the first step left
    assert machine.upcoming_cues(200)[0] == (0, "step", 204.0)
    machine.tick(204)
    assert machine.upcoming_cues(204) == [(1, "end", 207.0)]
    assert machine.history[-1].variant == "default"
