"""Write ``tests/cases/timer.json``: the step timer's rules as cases made by the Python machine.

The rules live once, in :class:`tutorial.content.timing.TimerMachine`. This script drives it with
random action sequences on random plans and records, after every action, what the machine
says: the deadlines it crossed (each with the step it entered), the state, and the cues
still to sound. ``tests/test_timer_cases.py`` checks that the file still matches the Python
machine, and ``tests/js/timer.test.mjs`` (``node --test``) runs every case against the
JavaScript of ``tutorial/static/timer.js``, web-platform-tests style.

Run: ``python scripts/make_timer_cases.py`` (rewrites the file; deterministic).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tutorial.content.model import Routine  # noqa: E402
from tutorial.content.testing import seconds_routine  # noqa: E402
from tutorial.content.timing import TimerMachine, build_plan  # noqa: E402

CASES = ROOT / "tests" / "cases" / "timer.json"
ACTIONS = ["start", "pause", "resume", "next", "back", "jump", "restart", "reset", "tick"]
METHODS = {"restart": "restart_step"}


def _routine(seconds: list[float]) -> Routine:
    return seconds_routine(*seconds, title="Cases")


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 6)


def make_cases(seed: int = 3, count: int = 40, length: int = 24) -> dict[str, Any]:
    """The cases, as the JSON document written to ``tests/cases/timer.json``."""
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        plan = build_plan(
            _routine(rng.choices([0.5, 1, 1.5, 2, 3, 7], k=rng.randint(1, 3))),
            rng.choice(["one", "both"]),
            switch_seconds=rng.choice([1, 2]),
            heads_up_seconds=rng.choice([0, 1, 5]),
        )
        machine = TimerMachine(plan)
        t = 0.0
        steps = []
        for _ in range(length):
            # Mostly short gaps, sometimes a long stall (a hidden tab waking up late).
            t += rng.choice([0, 0.25, 0.5, 1, 2.5, 0.75]) if rng.random() > 0.1 else 9.0
            name, index = rng.choice(ACTIONS), rng.randrange(len(plan))
            crossed = [[c.index, _ms(c.at)] for c in machine.tick(t) if c.reason == "completed"]
            if name == "jump":
                machine.jump(index, t)
            elif name != "tick":
                getattr(machine, METHODS.get(name, name))(t)
            steps.append(
                {
                    "action": name,
                    "t_ms": _ms(t),
                    "index": index,
                    "crossed": crossed,
                    "status": machine.status,
                    "at": machine.index,
                    "elapsed_ms": _ms(machine.elapsed(t)),
                    "cues": [[s, k, _ms(a)] for s, k, a in machine.upcoming_cues(t)],
                }
            )
        segments = [
            {
                "planned_ms": _ms(seg.planned_seconds),
                "cues": [
                    {"kind": c.kind, "offset_ms": _ms(c.offset_seconds)}
                    for c in plan.cues_of(seg.index)
                ],
            }
            for seg in plan
        ]
        cases.append({"name": f"case {n}", "segments": segments, "steps": steps})
    return {
        "about": (
            "Step timer rules (tutorial.content.timing.TimerMachine), recorded by "
            "scripts/make_timer_cases.py. Each step: before the action, the deadlines "
            "crossed up to t_ms ([entered segment or null, deadline]); after it, status, "
            "segment (at), elapsed_ms and the cues still to sound ([segment, kind, at_ms]). "
            "pytest checks Python against it, node --test checks tutorial/static/timer.js."
        ),
        "cases": cases,
    }


def main() -> None:
    CASES.write_text(json.dumps(make_cases(), indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {CASES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
