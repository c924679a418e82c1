"""Benchmark of the practice store with a heavy learner: 10,000 answers, 1,000 sessions.

Prints:
- quiz feedback time (the browser's click message to the feedback picture, kernel side),
  median and max of 40 clicks, with the store holding 10,000 answers, against a baseline
  measured in the same run with progress kept in memory only (``path=None``);
- the time to open a quiz on that store (replaying 10,000 answers);
- the time to draw lesson 8's "Your practice" section (``PracticeReport``) with 1,000
  sessions, median and max of 5, against the same with no sessions;
- the size of the database file (after a checkpoint), and how long filling it took.

Goals (issue 12): feedback under 100 ms (median and max), the log section under 1 s,
the database under 5 MB. Wall-clock times are printed with this process's CPU time and the
load average: on a shared, overloaded machine the CPU time is the better estimate of the
wall time on a quiet one. Run: ``python bench/store.py`` (data go to a temporary folder).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

ANSWERS = 10_000
SESSIONS = 1_000
CLICKS = 40
DRAWS = 5


def _export(path: Path) -> None:
    """A progress file in the site's format: the heavy learner's history, over 12 weeks."""
    import tutorial
    from tutorial.store.practicelog import routine_snapshot

    rng = random.Random(12)
    routine = tutorial.load_routine()
    points = list(tutorial.load_points())
    now = dt.datetime.now(dt.timezone.utc)

    def when(days: int) -> str:
        moment = now - dt.timedelta(days=rng.uniform(0, days))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    answers = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "at": when(84),
            "kind": rng.choice(["locate", "name", "step"]),
            "point": rng.choice(points),
            "side": "right",
            "view": rng.choice(["anterior", "posterior", "lateral", "medial"]),
            "verdict": rng.choice(["right", "close", "missed"]),
            "error_cun": round(rng.uniform(0, 3), 2),
        }
        for _ in range(ANSWERS)
    ]
    snapshot = routine_snapshot(routine)
    sessions = []
    for _ in range(SESSIONS):
        legs = rng.choice(["one", "both"])
        steps = []
        for leg in ("right", "left") if legs == "both" else ("right",):
            steps += [
                {
                    "id": s.id,
                    "leg": leg,
                    "planned_s": s.default_seconds,
                    "actual_s": round(s.default_seconds * rng.uniform(0.4, 1.1), 1),
                    "paused_s": round(rng.choice([0, 0, 0, rng.uniform(0, 20)]), 1),
                    "skipped": rng.random() < 0.08,
                }
                for s in routine.steps
            ]
        sessions.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "started_at": when(84),
                "routine": snapshot,
                "variant": "default",
                "legs": legs,
                "steps": steps,
            }
        )
    document = {
        "format": "calf-cramp-tutorial/progress",
        "version": 1,
        "exported_at": when(0),
        "answers": answers,
        "sessions": sessions,
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def _feedback_ms(path) -> tuple[list[float], list[float]]:
    from tutorial.content.geometry import project
    from tutorial.widgets.quiz import LocatePointQuiz, data_to_fraction

    quiz = LocatePointQuiz(seed=1, path=path)
    times, cpu = [], []
    for i in range(CLICKS + 3):
        question = quiz.question
        picture = quiz._picture(question.view)
        x, y = project(question.code, question.view)
        fx, fy = data_to_fraction(picture.ax, x + 0.4, y - 0.2 * (i % 10))
        start, start_cpu = time.perf_counter(), time.process_time()
        quiz.image.click = {"fx": fx, "fy": fy, "n": i}  # what a browser click does
        elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
        assert quiz.verdict, quiz.errors
        if i >= 3:  # the first clicks draw each view once
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
        quiz.next_question()
    quiz.close()
    return times, cpu


def _draw_ms(store) -> tuple[list[float], list[float]]:
    from tutorial.widgets.logview import PracticeReport

    times, cpu = [], []
    for _ in range(DRAWS):
        start, start_cpu = time.perf_counter(), time.process_time()
        report = PracticeReport(store=store)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        report.close()
    return times, cpu


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="calf-store-bench-"))
    os.environ["CALF_TUTORIAL_HOME"] = str(home)

    from tutorial.store.db import Store, get_store, import_progress

    export = home / "heavy-learner.json"
    _export(export)
    store = get_store()
    start = time.perf_counter()
    result = import_progress(export, store=store)
    fill_s = time.perf_counter() - start
    assert (result.answers_added, result.sessions_added) == (ANSWERS, SESSIONS)

    start = time.perf_counter()
    from tutorial.content.practice import Progress

    Progress(store=store)
    open_ms = (time.perf_counter() - start) * 1000

    baseline, _ = _feedback_ms(None)
    heavy, heavy_cpu = _feedback_ms("default")
    empty = Store(home / "empty.sqlite3")
    draw_empty, _ = _draw_ms(empty)
    draw_heavy, draw_cpu = _draw_ms(store)

    store.read(lambda con: con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    size_mb = store.path.stat().st_size / 1e6
    wal = store.path.with_name(store.path.name + "-wal")
    wal_mb = wal.stat().st_size / 1e6 if wal.exists() else 0.0

    med, top = statistics.median(heavy), max(heavy)
    base = statistics.median(baseline)
    print(f"store: {ANSWERS:,} answers and {SESSIONS:,} sessions, imported in {fill_s:.2f} s")
    print(
        f"quiz feedback with the store: median {med:.1f} ms, max {top:.1f} ms of {CLICKS} clicks "
        f"(goal < 100 ms); in memory only: median {base:.1f} ms, max {max(baseline):.1f} ms; "
        f"ratio {med / base:.2f}"
    )
    print(
        f"  CPU time of this process per click (what a busy machine does not inflate): "
        f"median {statistics.median(heavy_cpu):.1f} ms, max {max(heavy_cpu):.1f} ms"
    )
    print(f"opening a quiz on the store (replaying {ANSWERS:,} answers): {open_ms:.0f} ms")
    dm, dx = statistics.median(draw_heavy), max(draw_heavy)
    em = statistics.median(draw_empty)
    print(
        f"'Your practice' section with {SESSIONS:,} sessions: median {dm:.0f} ms, max {dx:.0f} ms "
        f"of {DRAWS} (goal < 1000 ms); with none: median {em:.0f} ms; ratio {dm / em:.2f}"
    )
    print(
        f"  CPU time of this process per draw: median {statistics.median(draw_cpu):.0f} ms, "
        f"max {max(draw_cpu):.0f} ms"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"database: {size_mb:.2f} MB (+ WAL {wal_mb:.2f} MB after a checkpoint; goal < 5 MB)")


if __name__ == "__main__":
    main()
