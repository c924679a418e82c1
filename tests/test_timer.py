"""StepTimer's Python side, without a browser: traits, methods, history, on_step, messages."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures

import pytest
import traitlets

from tutorial import load_routine, save_routine
from tutorial.model import Routine, Step
from tutorial.timer import StepTimer
from tutorial.timing import build_plan

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


def test_builtin_timer_syncs_the_plan_and_one_picture_per_step_and_side():
    timer = StepTimer(legs="both")
    routine = load_routine()
    plan = build_plan(routine, "both")
    assert [s["title"] for s in timer.segments] == [seg.title for seg in plan]
    assert [s["planned_ms"] for s in timer.segments] == [seg.planned_seconds * 1000 for seg in plan]
    assert timer.session["total_ms"] == pytest.approx(plan.total_seconds * 1000)
    assert timer.segments[len(routine)]["kind"] == "switch"
    first, second = timer.segments[2], timer.segments[len(routine) + 3]
    assert first["id"] == second["id"] == "weizhong"
    assert (first["leg"], second["leg"]) == ("right", "left")
    assert first["picture"] != second["picture"]  # the second leg's picture is mirrored
    png = {k: base64.b64decode(v.split(",", 1)[1]) for k, v in timer.pictures.items()}
    assert png[first["picture"]] != png[second["picture"]]
    assert all(data.startswith(b"\x89PNG") for data in png.values())
    # one picture per (side, points), shared by steps without points
    assert len(timer.pictures) == len({s["picture"] for s in timer.segments})
    assert first["points"] == ["BL40 Wěizhōng"]
    assert first["cues"][-1] == {"kind": "step", "offset_ms": first["planned_ms"]}


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
    timer = StepTimer(make_routine(2), layout="compact", pictures=False)
    assert timer.presentation == "compact"
    timer.presentation = "projector"  # switch live
    with pytest.raises(traitlets.TraitError):
        timer.presentation = "poster"


def test_a_step_whose_points_no_view_shows_together_gets_no_picture():
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
    assert timer.pictures[timer.segments[0]["picture"]] == ""


NODE_RUNNER = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const rules = await import(pathToFileURL(process.argv[2]).href);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const out = cases.map(({ segments, actions }) => {
  const st = { status: "ready", index: 0, banked: 0, anchor: 0 };
  return actions.map(([name, t, index]) => {
    const now = t * 1000;
    rules.advanceState(st, segments, now);
    if (name !== "tick") rules.applyAction(st, segments, name, now, index);
    return [st.status, st.index, rules.stepElapsed(st, segments, now) / 1000];
  });
});
console.log(JSON.stringify(out));
"""


def test_browser_rules_in_timer_js_match_the_python_machine(tmp_path):
    """The same random actions at the same times give the same state in JS and Python."""
    import json
    import random
    import shutil
    import subprocess
    from pathlib import Path

    from tutorial.timing import TimerMachine

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    rng = random.Random(3)
    names = ["start", "pause", "resume", "next", "back", "jump", "restart", "reset", "tick"]
    cases, expected = [], []
    for _ in range(150):
        plan = build_plan(
            make_routine(*rng.choices([0.5, 1, 1.5, 2, 3], k=rng.randint(1, 4))),
            rng.choice(["one", "both"]),
            switch_seconds=1,
        )
        machine = TimerMachine(plan)
        t, actions, states = 0.0, [], []
        for _ in range(30):
            t += rng.choice([0, 0.25, 0.5, 1, 2.5])
            name, index = rng.choice(names), rng.randrange(len(plan))
            method = {"restart": "restart_step", "tick": "tick"}.get(name, name)
            if name == "jump":
                machine.jump(index, t)
            else:
                getattr(machine, method)(t)
            actions.append([name, t, index])
            states.append([machine.status, machine.index, machine.elapsed(t)])
        segments = [{"planned_ms": seg.planned_seconds * 1000} for seg in plan]
        cases.append({"segments": segments, "actions": actions})
        expected.append(states)
    static = Path(__file__).resolve().parents[1] / "tutorial" / "static" / "timer.js"
    module = tmp_path / "timer.mjs"
    module.write_text(static.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.mjs").write_text(NODE_RUNNER)
    result = subprocess.run(
        [node, str(tmp_path / "run.mjs"), str(module), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(result.stdout)
    for case, (want, have) in enumerate(zip(expected, got, strict=True)):
        for step, (a, b) in enumerate(zip(want, have, strict=True)):
            assert (a[0], a[1]) == (b[0], b[1]), json.dumps([cases[case], want, have])
            assert a[2] == pytest.approx(b[2], abs=1e-9), (case, step)
