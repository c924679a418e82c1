"""StepTimer's Python side, without a browser: traits, methods, history, on_step, messages."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
import traitlets

from tutorial import load_routine, save_routine
from tutorial.content.model import Routine, Step
from tutorial.content.timing import VARIANTS, build_plan
from tutorial.widgets.timer import StepTimer

XSS = '<img src=x onerror="window.__pwned=1">'


def make_routine(*seconds: float, title: str = "Step") -> Routine:
    steps = tuple(
        Step(
            id=f"s{i}",
            title=f"{title} {i}",
            technique="Press",
            instructions=f"Do thing {i} & <b>not</b> that",
            min_seconds=min(s, 1),
            max_seconds=3600,
            default_seconds=s,
            points=("BL40",) if i == 0 else (),
        )
        for i, s in enumerate(seconds)
    )
    return Routine(title="Short", steps=steps)


class FakeClock:
    def __init__(self, t: float = 50.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _close_timers():
    yield
    for timer in list(StepTimer._live):
        timer.close()


def front_end(timer: StepTimer, content: object) -> None:
    """Deliver a custom message as if it came from the browser."""
    timer._handle_custom_msg(content, [])


def capture_sent(timer: StepTimer, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    sent: list[dict] = []
    monkeypatch.setattr(timer, "send", lambda content, buffers=None: sent.append(content))
    return sent


def test_builtin_timer_syncs_the_plan_and_one_picture_key_per_step_and_side():
    timer = StepTimer(legs="both")
    routine = load_routine()
    plan = build_plan(routine, "both")
    assert [s["title"] for s in timer.segments] == [seg.title for seg in plan]
    assert [s["planned_ms"] for s in timer.segments] == [seg.planned_seconds * 1000 for seg in plan]
    assert timer.plans["default/both"]["total_ms"] == pytest.approx(plan.total_seconds * 1000)
    assert timer.segments[len(routine)]["kind"] == "switch"
    first, second = timer.segments[2], timer.segments[len(routine) + 3]
    assert first["id"] == second["id"] == "weizhong"
    assert (first["leg"], second["leg"]) == ("right", "left")
    assert first["picture"] != second["picture"]  # the second leg's picture is mirrored
    assert first["points"] == ["BL40 Wěizhōng"]
    assert first["cues"][-1] == {"kind": "step", "offset_ms": first["planned_ms"]}
    # the switch shows the new leg's first step
    assert timer.segments[len(routine)]["picture"] == timer.segments[len(routine) + 1]["picture"]


def test_display_sends_no_pictures_and_the_front_end_gets_them_on_demand(monkeypatch):
    """Issue 11.12: building a timer drew 14 PNGs and sent ~1 MB of base64 with its state."""
    import json

    timer = StepTimer(legs="both")
    state = json.dumps(timer.get_state())
    assert "base64" not in state
    assert len(state.encode()) < 100_000  # today's way: about 1 MB
    sent = []
    monkeypatch.setattr(timer, "send", lambda c, buffers=None: sent.append((c, buffers)))
    first, second = timer.segments[2], timer.segments[len(timer.routine) + 3]
    keys = [first["picture"], second["picture"], "not-a-key", 7]
    front_end(timer, {"type": "pictures", "keys": keys})
    assert [c["key"] for c, _ in sent] == keys[:2]
    pngs = [b[0] for _, b in sent]
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert pngs[0] != pngs[1]  # mirrored
    assert all(len(png) < 40_000 for png in pngs)  # a small palette PNG, not 50-60 KB


def test_each_picture_is_drawn_once_per_process(monkeypatch, tmp_path):
    from tutorial.store import pictures
    from tutorial.widgets import timer as timer_module

    monkeypatch.setenv(pictures.CACHE_ENV, str(tmp_path))  # an empty disk cache
    pictures.clear_memory()
    calls = []
    real = timer_module._step_picture
    monkeypatch.setattr(
        timer_module, "_step_picture", lambda step, side: calls.append(step.id) or real(step, side)
    )
    for _ in range(3):
        timer = StepTimer(make_routine(2, 2))
        monkeypatch.setattr(timer, "send", lambda c, buffers=None: None)
        front_end(timer, {"type": "pictures", "keys": [timer.segments[0]["picture"]]})
    assert calls == ["s0"]
    # Another process (the memory forgotten) reads it from the disk cache: not drawn again.
    pictures.clear_memory()
    timer = StepTimer(make_routine(2, 2))
    monkeypatch.setattr(timer, "send", lambda c, buffers=None: None)
    front_end(timer, {"type": "pictures", "keys": [timer.segments[0]["picture"]]})
    assert calls == ["s0"]
    pictures.clear_memory()


def test_embed_pictures_puts_every_picture_in_the_state_for_a_page_without_python():
    timer = StepTimer(make_routine(2, 2))
    pictures = timer.embed_pictures()
    assert set(pictures) == {"s0@right", "s0@left", "s1@right", "s1@left"}
    assert pictures["s0@right"].startswith("data:image/png;base64,")
    assert timer.pictures == pictures


def test_picture_alt_text_says_which_leg_which_view_and_which_points():
    timer = StepTimer(legs="both")
    weizhong = next(s for s in timer.steps if s["id"] == "weizhong")
    assert weizhong["alt"]["right"] == "Right leg, back view: BL40 Wěizhōng highlighted"
    assert weizhong["alt"]["left"].startswith("Left leg, back view")
    zusanli = next(s for s in timer.steps if s["id"] == "zusanli")
    assert "front view" in zusanli["alt"]["right"]
    assert "ST36" in zusanli["alt"]["right"]


def test_every_variant_and_legs_plan_is_carried_and_python_follows_the_choice(clock):
    """Issue 11.5: quick/default/full x one/both, chosen in the timer before Start."""
    routine = load_routine()
    timer = StepTimer(routine, legs="one", variant="quick", clock=clock)
    assert set(timer.plans) == {f"{v}/{legs}" for v in VARIANTS for legs in ("one", "both")}
    for key, plan in timer.plans.items():
        variant, legs = key.split("/")
        varied = routine if variant == "default" else routine.variant(variant)
        want = build_plan(varied, legs)
        assert plan["total_ms"] == pytest.approx(want.total_seconds * 1000)
        assert [s["planned_ms"] for s in plan["segments"]] == [
            seg.planned_seconds * 1000 for seg in want
        ]
    assert (timer.variant, timer.legs) == ("quick", "one")
    assert timer.plan.total_seconds == routine.variant("quick").total_seconds
    # the front end switches (a synced trait), Python follows
    timer.set_state({"variant": "full", "legs": "both"})
    assert timer.plan.key == "full/both"
    assert len(timer.plan) == 2 * len(routine) + 1
    timer.start()
    clock.t += 1
    timer.pause()
    assert timer.history == []  # nothing finished yet
    with pytest.raises(traitlets.TraitError, match="only before Start"):
        timer.variant = "quick"
    timer.reset()
    timer.variant = "quick"
    assert timer.plan.key == "quick/both"
    assert timer.history[-1].variant == "full"  # the reset visit was on the full plan
    with pytest.raises(ValueError, match="variant must be one of"):
        StepTimer(routine, variant="long")


def test_a_fifty_step_routine_builds_a_timer_whose_state_is_small():
    """Issue 13.12: the cap is 50 steps; the timer must not draw 100 pictures to start."""
    import json

    routine = make_routine(*([30] * 50))
    timer = StepTimer(routine, legs="both")
    assert len(timer.plan) == 101
    assert len(json.dumps(timer.get_state()).encode()) < 250_000
    assert timer.pictures == {}


def test_methods_drive_the_machine_and_traits(clock):
    timer = StepTimer(make_routine(2, 3, 4), pictures=False, clock=clock)
    assert (timer.status, timer.step_index, timer.elapsed) == ("ready", 0, 0.0)
    timer.start()
    assert timer.status == "running"
    clock.t += 1.5
    timer.pause()
    assert (timer.status, timer.elapsed) == ("paused", 1.5)
    clock.t += 100
    timer.resume()
    clock.t += 1.0  # step 0 (2 s of running time) ended 0.5 s ago
    assert timer.remaining == pytest.approx(2.5)
    assert timer.step_index == 1
    timer.next()
    timer.back()
    timer.jump(2)
    timer.restart_step()
    outcomes = [r.outcome for r in timer.history]
    assert outcomes == ["completed", "skipped", "back", "jumped", "restarted"]
    assert timer.history[0].actual_seconds == pytest.approx(2.0)
    assert timer.history[0].paused_seconds == pytest.approx(100.0)
    timer.reset()
    assert (timer.status, timer.step_index) == ("ready", 0)
    assert timer.history_table()[-1]["outcome"] == "reset"


def test_on_step_reports_every_change_and_survives_a_failing_callback(clock, capsys):
    timer = StepTimer(make_routine(1, 1, 1), pictures=False, clock=clock)
    seen = []

    def broken(change):
        raise RuntimeError("boom in callback")

    timer.on_step(broken)
    timer.on_step(lambda change: seen.append((change.index, change.reason)))
    timer.start()
    clock.t += 2.5
    assert len(timer.history) == 2  # reading advances past the deadlines
    assert seen == [(0, "start"), (1, "completed"), (2, "completed")]
    err = capsys.readouterr().err
    assert "boom in callback" in err
    assert "on_step callback" in err
    timer.on_step(broken, remove=True)
    clock.t += 1
    assert len(timer.history) == 3
    assert seen[-1] == (None, "completed")
    assert timer.status == "finished"
    assert "boom" not in capsys.readouterr().err


def test_python_actions_send_a_state_snapshot_to_the_front_end(clock, monkeypatch):
    timer = StepTimer(make_routine(5, 5), pictures=False, clock=clock)
    sent = capture_sent(timer, monkeypatch)
    timer.start()
    clock.t += 1.25
    timer.pause()
    timer.jump(1)
    states = [m for m in sent if m["type"] == "state"]
    assert [(m["status"], m["index"]) for m in states] == [
        ("running", 0),
        ("paused", 0),
        ("paused", 1),
    ]
    assert states[1]["elapsed_ms"] == pytest.approx(1250)
    assert [m["seq"] for m in states] == [1, 2, 3]


def test_front_end_messages_are_mirrored_on_the_kernel_clock(clock, monkeypatch):
    timer = StepTimer(make_routine(2, 2), pictures=False, clock=clock)
    sent = capture_sent(timer, monkeypatch)
    changes = []
    timer.on_step(changes.append)
    browser0 = 1_700_000_000_000.0  # epoch ms in the browser
    front_end(timer, {"type": "action", "action": "start", "t": browser0})
    assert timer.status == "running"
    # The step-change report arrives 30 ms after the browser's deadline: the history
    # still records the deadline, mapped with the (smallest) clock offset seen.
    clock.t += 2.03
    front_end(timer, {"type": "step", "from": 0, "to": 1, "t": browser0 + 2000})
    assert timer.step_index == 1
    assert timer.history[0].actual_seconds == pytest.approx(2.0)
    assert timer.history[0].outcome == "completed"
    # A report of a step the kernel already left is not applied twice.
    front_end(timer, {"type": "step", "from": 0, "to": 1, "t": browser0 + 2000})
    assert len(timer.history) == 1
    clock.t += 0.5
    front_end(timer, {"type": "action", "action": "pause", "t": browser0 + 2400})
    assert timer.status == "paused"
    assert timer.elapsed == pytest.approx(0.4)
    front_end(timer, {"type": "action", "action": "jump", "index": 0, "t": browser0 + 2600})
    assert timer.step_index == 0
    assert [c.reason for c in changes] == ["start", "completed", "jumped"]
    # Browser actions are not echoed back as snapshots (the browser already applied them).
    assert not [m for m in sent if m["type"] == "state"]
    front_end(timer, {"type": "hello", "t": browser0 + 2700})
    assert sent[-1]["type"] == "state"
    assert sent[-1]["index"] == 0


@pytest.mark.parametrize(
    "content",
    [
        "not a dict",
        {"type": "nonsense"},
        {"type": "action", "action": "explode"},
        {"type": "action", "action": "jump", "index": 99},
        {"type": "action", "action": "jump", "index": "1"},
        {"type": "action", "action": "start", "t": "soon"},
    ],
)
def test_malformed_front_end_messages_are_ignored(clock, content):
    timer = StepTimer(make_routine(2, 2), pictures=False, clock=clock)
    front_end(timer, content)
    assert timer.step_index == 0
    assert timer.history == []


def test_routine_text_is_passed_as_data_unchanged(tmp_path):
    routine = make_routine(2, 2, title=XSS)
    path = save_routine(routine, tmp_path / "xss.toml")
    timer = StepTimer(path, pictures=False)
    assert timer.segments[0]["title"] == f"{XSS} 0"
    assert timer.segments[0]["instructions"] == "Do thing 0 & <b>not</b> that"
    assert timer.session["title"] == "Short"


def test_creating_a_timer_closes_the_older_ones(clock, monkeypatch):
    old = StepTimer(make_routine(2), pictures=False, clock=clock)
    sent = capture_sent(old, monkeypatch)
    old.start()
    new = StepTimer(make_routine(2), pictures=False, clock=clock)
    assert old.comm is None
    assert {"type": "stop"} in sent
    assert set(StepTimer._live) == {new}
    assert new.comm is not None


def test_kernel_side_deadlines_fire_on_step_and_closing_cancels_them():
    async def main() -> tuple[list, list]:
        timer = StepTimer(make_routine(0.05, 0.05), pictures=False)
        done = asyncio.Event()
        seen = []

        def on_step(change):
            seen.append(change.index)
            if change.index is None:
                done.set()

        timer.on_step(on_step)
        timer.start()
        await asyncio.wait_for(done.wait(), timeout=10)
        finished = [r.outcome for r in timer.history]

        old = StepTimer(make_routine(0.05, 0.05), pictures=False)
        old_seen = []
        old.on_step(lambda change: old_seen.append(change.index))
        old.start()
        assert old._handle is not None
        StepTimer(make_routine(5), pictures=False)  # replaces `old`
        assert old._handle is None
        await asyncio.sleep(0.2)
        assert old_seen == [0]  # only its start: no step changes after it was closed
        return seen, finished

    # A thread of its own: Playwright's sync API may hold this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen, finished = pool.submit(asyncio.run, main()).result(timeout=30)
    assert seen == [0, 1, None]
    assert finished == ["completed", "completed"]


def test_lazy_export():
    import tutorial

    assert tutorial.StepTimer is StepTimer


def test_a_bad_routine_raises_and_leaves_the_live_timer_alone(clock, tmp_path):
    from tutorial import RoutineError

    alive = StepTimer(make_routine(2), pictures=False, clock=clock)
    with pytest.raises(RoutineError, match="no such file"):
        StepTimer(tmp_path / "missing.toml")
    assert alive.comm is not None
    assert set(StepTimer._live) == {alive}


def test_layout_option_sets_the_presentation_trait():
    assert StepTimer(make_routine(2), pictures=False).presentation == "auto"
    timer = StepTimer(make_routine(2), layout="compact", pictures=False)
    assert timer.presentation == "compact"
    timer.presentation = "projector"  # switch live
    with pytest.raises(traitlets.TraitError):
        timer.presentation = "poster"


def test_a_step_whose_points_no_view_shows_together_gets_no_picture(monkeypatch):
    step = Step(
        id="mixed",
        title="Front and back",
        technique="Press",
        instructions="Press.",
        min_seconds=1,
        max_seconds=60,
        default_seconds=2,
        points=("ST36", "BL57"),
    )
    timer = StepTimer(Routine(title="Mixed", steps=(step,)))
    sent = []
    monkeypatch.setattr(timer, "send", lambda c, buffers=None: sent.append((c, buffers)))
    front_end(timer, {"type": "pictures", "keys": [timer.segments[0]["picture"]]})
    assert sent == [({"type": "picture", "key": "mixed@right", "mime": ""}, None)]
    assert timer.steps[0]["alt"]["right"] == ""


class FakeLoop:
    """The event loop as the timer sees it: ``call_later`` is recorded, and the test fires
    the calls itself at the time they were due (no wall clock: a busy machine that wakes a
    process late cannot change the result)."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.calls: list[tuple[float, object]] = []

    def call_later(self, delay: float, callback, *args):
        entry = [self.clock.t + delay, callback, args, False]
        self.calls.append(entry)

        class Handle:
            def cancel(self) -> None:
                entry[3] = True

        return Handle()

    def run_until(self, t: float) -> None:
        """Fire every call due by ``t``, in time order, moving the clock to each."""
        while True:
            due = sorted((c for c in self.calls if not c[3] and c[0] <= t), key=lambda c: c[0])
            if not due:
                break
            entry = due[0]
            entry[3] = True
            self.clock.t = max(self.clock.t, entry[0])
            entry[1](*entry[2])
        self.clock.t = t


def test_the_kernel_nudges_the_front_end_at_each_step_change(clock, monkeypatch):
    """Issue 13.7: a hidden tab's page timers are throttled; a kernel message is not. The
    kernel nudges the page just before each deadline (the page waits out the rest) and
    again once the step has changed."""
    loop = FakeLoop(clock)
    monkeypatch.setattr(asyncio, "get_running_loop", lambda: loop)
    start = clock.t
    timer = StepTimer(make_routine(2, 3), pictures=False, clock=clock)
    sent = []
    timer.send = lambda content, buffers=None: sent.append(content)
    timer.start()

    def nudges() -> list[tuple[float, int | None]]:
        return [(round(m["at"] - start, 3), m["index"]) for m in sent if m["type"] == "nudge"]

    original_send = timer.send
    timer.send = lambda content, buffers=None: original_send({**content, "at": clock.t})
    loop.run_until(start + 1.9)
    assert nudges() == []  # nothing yet: the first deadline is at 2 s
    loop.run_until(start + 2.0)
    assert nudges() == [(1.975, 0), (2.0, 1)]  # just before step 0 ends, then step 1 begins
    loop.run_until(start + 5.0)
    # the same before the last deadline: the routine has ended, the page shows it at once
    assert nudges()[2:] == [(4.975, 1), (5.0, 1)]
    assert timer.status == "finished"


def test_js_rules_pass_the_shared_cases_and_their_own_tests_under_node():
    """tests/js/*.test.mjs under `node --test`, with the Node.js of the Playwright wheel."""
    import subprocess
    from pathlib import Path

    import playwright

    node = Path(playwright.__file__).parent / "driver" / "node"
    tests = Path(__file__).parent / "js"
    result = subprocess.run(
        # site_*.test.mjs need the exported site data: tests/test_site.py runs them
        [
            str(node),
            "--test",
            *sorted(str(p) for p in tests.glob("*.test.mjs") if not p.name.startswith("site_")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout or "fail 0" in result.stdout


def test_the_shared_case_file_is_what_the_python_machine_says():
    """tests/cases/timer.json is the Python rules' record.

    Regenerate it with ``python scripts/make_timer_cases.py`` after changing the rules.
    """
    import json
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "scripts"))
    try:
        from make_timer_cases import CASES, make_cases
    finally:
        sys.path.pop(0)
    assert json.loads(CASES.read_text()) == json.loads(json.dumps(make_cases()))
