"""Write the shared case files for the rules the static site runs in JavaScript.

Every expected output is computed here by the package's Python code; the site's
JavaScript (``tutorial/site/static/rules.js``) must give the same answers, checked by
``tests/js/site_rules.test.mjs`` under ``node --test``, and pytest checks that the files
still match what Python says (``tests/test_site.py``). Run it again when the rules or their
settings change (``quiz.toml`` bands or intervals, the timer's state machine)::

    python scripts/make_site_cases.py

Files: ``tests/cases/practice.json`` (scoring a click, Leitner boxes, the next point) and
``tests/cases/timer_history.json`` (planned against actual time from the timer's messages).
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


class _AllChoices:
    """A stand-in for ``random.Random`` whose ``choice`` returns every candidate."""

    def choice(self, seq):
        return list(seq)


def practice_cases(seed: int = 9) -> dict[str, Any]:
    """Scoring, Leitner and next-point cases, all answered by tutorial.content.practice."""
    from tutorial.content.model import VIEWS
    from tutorial.content.practice import Answer, Progress, load_quiz_settings, score_click
    from tutorial.site.export import view_transform
    from tutorial.widgets.quiz import _ViewPicture, data_to_fraction, fraction_to_data

    rng = random.Random(seed)
    settings = load_quiz_settings()
    views: dict[str, Any] = {}
    scores = []
    from tutorial.content.geometry import project

    for view in VIEWS:
        picture = _ViewPicture(view, side="right", figsize=settings.figsize, dpi=settings.dpi)
        picture.fig.canvas.draw()
        truth = {}
        from tutorial.content.loader import load_points

        for code in load_points():
            xy = project(code, view, side="right")
            if xy is not None:
                truth[code] = [float(xy[0]), float(xy[1])]
        views[view] = {"view": view, **view_transform(picture.ax), "truth": truth}
        for code, (tx, ty) in truth.items():
            # on both sides of each band, 1e-6 cun away: the two languages' transforms agree
            # to about 1e-15 cun, so only a click exactly on a band could differ
            distances = [0.0, 0.2, 1.0, 1.4, 3.0]
            for band in (settings.right_cun, settings.close_cun):
                distances += [band - 1e-6, band + 1e-6]
            for distance in distances:
                angle = rng.uniform(0, 2 * math.pi)
                fx, fy = data_to_fraction(
                    picture.ax, tx + distance * math.cos(angle), ty + distance * math.sin(angle)
                )
                x, y = fraction_to_data(picture.ax, fx, fy)
                score = score_click(code, view, x, y)
                scores.append(
                    {
                        "view": view,
                        "code": code,
                        "fx": fx,
                        "fy": fy,
                        "x": x,
                        "y": y,
                        "distance_cun": score.distance_cun,
                        "verdict": score.verdict,
                    }
                )
    codes = ["ST35", "BL40", "GB34", "ST36", "ST38", "BL57", "BL60", "KI3"]
    verdicts = ["right", "close", "missed"]
    sequences = []
    picks = []
    for _ in range(12):
        progress = Progress(None)
        steps = []
        for _ in range(rng.randint(5, 40)):
            code = rng.choice(codes)
            verdict = rng.choice(verdicts)
            progress.record(code, Answer("locate", verdict))
            steps.append(
                {
                    "code": code,
                    "verdict": verdict,
                    "box": progress.box(code),
                    "due": progress.due(code),
                    "turn": progress.turn,
                }
            )
            if rng.random() < 0.5:
                pool = rng.sample(codes, rng.randint(1, len(codes)))
                avoid = rng.choice([None, *pool])
                picks.append(
                    {
                        "answers": [{"code": s["code"], "verdict": s["verdict"]} for s in steps],
                        "codes": pool,
                        "avoid": avoid,
                        "candidates": progress.pick(pool, _AllChoices(), avoid=avoid),
                    }
                )
        sequences.append(steps)
    return {
        "about": (
            "Cases for find-the-point practice, made by scripts/make_site_cases.py from "
            "tutorial.content.practice and tutorial.widgets.quiz. pytest and the site's JavaScript "
            "(tests/js/site_rules.test.mjs) both run every case and must agree."
        ),
        "settings": {
            "right_cun": settings.right_cun,
            "close_cun": settings.close_cun,
            "intervals": list(settings.intervals),
        },
        "views": views,
        "scores": scores,
        "leitner": sequences,
        "picks": picks,
    }


_ACTIONS = ["start", "pause", "resume", "next", "back", "restart", "reset", "jump"]
_METHODS = {"restart": "restart_step"}


def _plan(rng: random.Random):
    from tutorial.content.timing import Plan, Segment

    n = rng.randint(2, 6)
    segments = []
    start = 0.0
    for i in range(n):
        kind = "switch" if 0 < i < n - 1 and rng.random() < 0.2 else "step"
        seconds = float(rng.choice([1, 2, 2.5, 3, 5, 10]))
        leg = "right" if i < n / 2 else "left"
        segments.append(Segment(i, kind, i, f"s{i}", f"Step {i}", leg, seconds, start))
        start += seconds
    return Plan(tuple(segments), (), "both", 0.0)


def timer_history_cases(seed: int = 11, count: int = 60) -> dict[str, Any]:
    """Random sessions: the messages timer.js sends, and TimerMachine's history of them."""
    from tutorial.content.timing import TimerMachine

    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        plan = _plan(rng)
        machine = TimerMachine(plan, clock=lambda: 0.0)
        t = rng.uniform(0, 100)
        events = []
        for _ in range(rng.randint(3, 25)):
            t += rng.choice([0.0, 0.1, 0.5, 1.0, 2.0, 4.0, rng.uniform(0, 8)])
            roll = rng.random()
            if roll < 0.15 and machine.status == "running":
                # the browser reports the deadline it saw, exactly at the deadline
                deadline = machine.deadline()
                t = max(t, deadline)
                event = {"type": "step", "from": machine.index, "t": deadline}
                if machine.index == event["from"]:
                    machine.complete(deadline)
                else:
                    machine.tick(deadline)
            elif roll < 0.25:
                event = {"type": "tick", "t": t}
                machine.tick(t)
            else:
                name = rng.choice(_ACTIONS)
                event = {"type": "action", "action": name, "t": t}
                if name == "jump":
                    index = rng.randint(-1, len(plan))
                    event["index"] = index
                    if 0 <= index < len(plan):
                        machine.jump(index, t)
                else:
                    getattr(machine, _METHODS.get(name, name))(t)
            events.append(event)
        t += rng.uniform(0, 30)
        events.append({"type": "tick", "t": t})
        machine.tick(t)
        cases.append(
            {
                "segments": [
                    {"id": s.step_id, "leg": s.leg, "kind": s.kind, "planned": s.planned_seconds}
                    for s in plan
                ],
                "events": events,
                "history": [
                    {
                        "segment": r.segment,
                        "step_id": r.step_id,
                        "leg": r.leg,
                        "planned": r.planned_seconds,
                        "actual": r.actual_seconds,
                        "paused": r.paused_seconds,
                        "outcome": r.outcome,
                    }
                    for r in machine.history
                ],
                "status": machine.status,
                "index": machine.index,
            }
        )
    return {
        "about": (
            "Sessions of the step timer as the messages timer.js sends (actions and the "
            "deadlines it saw, times in seconds), with the history tutorial.content.timing."
            "TimerMachine records from them. The site's recorder (rules.js makeRecorder, "
            "using timer.js's own rules) must record the same. Made by "
            "scripts/make_site_cases.py."
        ),
        "cases": cases,
    }


def write_cases(folder: Path = CASES) -> list[Path]:
    """Write both case files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (
        ("practice.json", practice_cases()),
        ("timer_history.json", timer_history_cases()),
    ):
        path = folder / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for path in write_cases():
        print(f"wrote {path.relative_to(ROOT)}")
