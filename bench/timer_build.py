"""Benchmark: what displaying a StepTimer costs the kernel, and how many bytes it sends.

Each run is a fresh Python process (so no picture is cached from an earlier run) that has
already imported the package and matplotlib, as a lesson's kernel has. It then builds the
widget and serialises its state as the display does (``get_state`` + JSON), and prints:

- kernel time: building the timer and its state, in ms;
- bytes sent with the display (the state, JSON; the front-end code counted apart);
- the first picture (new way): drawing and encoding it after the display, in ms and bytes;
- all pictures of the session, if every one is shown (new way: sent one by one as binary).

The baseline is the way the timer worked before (measured in the same run, same process
setup): every picture drawn at build time (PNG, 150 dpi) and sent as base64 in the state.

Run: ``python bench/timer_build.py [--runs 5]``; ``--steps 50`` for the 50-step cap.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _routine(steps: int):
    """The built-in routine, or ``steps`` steps cycling through it (ids made unique)."""
    from dataclasses import replace

    from tutorial import load_routine

    routine = load_routine()
    if steps <= len(routine.steps):
        return routine
    cycled = tuple(replace(routine.steps[i % len(routine.steps)], id=f"s{i}") for i in range(steps))
    return replace(routine, steps=cycled)


def _old_way(routine, legs: str) -> dict:
    """The state the timer used to send: segments with texts, every picture as base64."""
    from tutorial.content.geometry import best_view
    from tutorial.content.loader import load_points
    from tutorial.content.timing import build_plan
    from tutorial.drawing.legs import leg_png

    plan = build_plan(routine, legs)
    points = load_points()
    steps = routine.steps
    segments, pictures = [], {}
    for seg in plan:
        step = steps[seg.step_index if seg.step_index is not None else 0]
        key = f"{seg.leg}:{'+'.join(step.points)}"
        if key not in pictures:
            try:
                png = leg_png(best_view(step.points), side=seg.leg, highlight=step.points, dpi=150)
                pictures[key] = "data:image/png;base64," + base64.b64encode(png).decode()
            except ValueError:
                pictures[key] = ""
        segments.append(
            {
                "index": seg.index,
                "kind": seg.kind,
                "title": seg.title,
                "technique": step.technique,
                "instructions": step.instructions,
                "hand": step.hand,
                "caution": step.caution,
                "points": [points[c].label for c in step.points],
                "leg": seg.leg,
                "planned_ms": seg.planned_seconds * 1000,
                "start_ms": seg.start_seconds * 1000,
                "cues": [
                    {"kind": c.kind, "offset_ms": c.offset_seconds * 1000}
                    for c in plan.cues_of(seg.index)
                ],
                "picture": key,
            }
        )
    return {"segments": segments, "pictures": pictures, "session": {"title": routine.title}}


def worker(way: str, steps: int, legs: str) -> dict:
    import matplotlib  # noqa: F401  (a lesson kernel has drawn before the timer)

    import tutorial
    import tutorial.content.geometry
    import tutorial.drawing.legs
    import tutorial.widgets.timer

    routine = _routine(steps)
    out: dict = {}
    t0 = time.perf_counter()
    if way == "old":
        state = _old_way(routine, legs)
        data = json.dumps(state).encode()
        out["kernel_ms"] = (time.perf_counter() - t0) * 1000
        out["bytes"] = len(data)
        out["session_bytes"] = len(data)
        return out
    timer = tutorial.StepTimer(routine, legs=legs)
    state = timer.get_state()
    data = json.dumps({k: v for k, v in state.items() if k not in ("_esm", "_css")}).encode()
    out["kernel_ms"] = (time.perf_counter() - t0) * 1000
    out["bytes"] = len(data)
    out["code_bytes"] = len(json.dumps([state["_esm"], state["_css"]]).encode())
    from tutorial.widgets.timer import _picture_bytes

    keys = []
    for seg in timer.plan:
        step = routine.steps[seg.step_index if seg.step_index is not None else 0]
        if (step, seg.leg) not in keys:
            keys.append((step, seg.leg))
    t1 = time.perf_counter()
    first = _picture_bytes(*keys[0]) or b""
    out["first_picture_ms"] = (time.perf_counter() - t1) * 1000
    out["first_picture_bytes"] = len(first)
    out["session_bytes"] = len(data) + sum(len(_picture_bytes(*k) or b"") for k in keys)
    timer.close()
    return out


def run(way: str, steps: int, legs: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", way, "--steps", str(steps), "--legs", legs],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8, help="steps in the routine (cap: 50)")
    parser.add_argument("--legs", default="both", choices=("one", "both"))
    parser.add_argument("--worker", choices=("old", "new"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.steps, args.legs)))
        return
    runs = {"old": [], "new": []}
    for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
        for way in ("old", "new"):
            runs[way].append(run(way, args.steps, args.legs))

    def med(way: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[way])

    print(
        f"StepTimer display, {args.steps}-step routine, legs={args.legs}, "
        f"median of {args.runs} fresh processes:"
    )
    for way, name in (("old", "before (all pictures in the state)"), ("new", "now")):
        print(
            f"  {name:<36} kernel {med(way, 'kernel_ms'):7.1f} ms   "
            f"sent with the display {med(way, 'bytes') / 1024:7.1f} KB   "
            f"whole session {med(way, 'session_bytes') / 1024:7.1f} KB"
        )
    print(
        f"  now, after the display: first picture {med('new', 'first_picture_ms'):.0f} ms, "
        f"{med('new', 'first_picture_bytes') / 1024:.1f} KB (binary); "
        f"front-end code {med('new', 'code_bytes') / 1024:.1f} KB (same module every display)"
    )
    ratio_t = med("old", "kernel_ms") / med("new", "kernel_ms")
    ratio_b = med("old", "bytes") / med("new", "bytes")
    print(f"  ratio before/now: kernel time {ratio_t:.1f}x, bytes with the display {ratio_b:.1f}x")
    ok = med("new", "kernel_ms") < 250 and med("new", "bytes") < 250 * 1024
    print("  goal (< 250 ms of kernel time, < 250 KB sent):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
