"""Benchmark: any routine file, a hostile one included, gives a routine or a RoutineError
within a second (issue 13, item 1).

The tests check *what* a hostile file gives (``tests/test_hostile_files.py``); this script
measures *how fast*, which a test on a shared machine cannot say honestly. It loads a fixed
corpus (the same seed every run):

- the cases that broke the old loader: nesting 100 000 deep, 30 000 dotted keys, numbers of
  400 and 5 000 digits, a file of 1 MB and one just over, a FIFO and ``/dev/zero``;
- random bytes, and valid JSON and TOML routines with bytes replaced, inserted, deleted or
  repeated (as the Hypothesis test draws them, here from a seeded ``random.Random``).

Each file is loaded ``--runs`` times and its median kept. It prints the median, 95th
percentile and slowest of those, per kind, beside loading the built-in routine saved as
JSON and TOML in the same run, and how many files took over a second. Goal: none.

    python bench/hostile_files.py [--runs 5] [--random 1000] [--seed 13]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import tomli_w

import tutorial
from tutorial.content.loader import routine_to_dict

ROOT = Path(__file__).resolve().parent.parent
#: Byte strings that broke or stress the loader, shared with tests/test_hostile_files.py.
NASTY = [
    text.encode("latin-1")
    for text in json.loads((ROOT / "tests" / "cases" / "hostile_fragments.json").read_text())[
        "fragments"
    ]
]


def mutated(rng: random.Random, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        action = rng.choice(["replace", "insert", "delete", "repeat"])
        chunk = rng.choice(NASTY) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 8))
        if action == "replace":
            data[at : at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + rng.randint(1, 40)]
        else:
            end = min(len(data), at + rng.randint(1, 30))
            data[at:at] = data[at:end] * rng.randint(2, 200)
    return bytes(data)


def corpus(folder: Path, count: int, seed: int) -> list[tuple[str, Path]]:
    """``(kind, path)`` for every file to load, written into ``folder``."""
    valid = routine_to_dict(tutorial.load_routine())
    valid_json = json.dumps(valid, ensure_ascii=False, indent=1).encode()
    valid_toml = tomli_w.dumps(valid).encode()
    files: list[tuple[str, Path]] = []

    def add(kind: str, name: str, content: bytes) -> None:
        path = folder / name
        path.write_bytes(content)
        files.append((kind, path))

    add("valid", "valid.json", valid_json)
    add("valid", "valid.toml", valid_toml)
    named = {
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep.toml": b"a = " + b"[" * 100_000 + b"]" * 100_000,
        "dotted.toml": b".".join([b"k"] * 30_000) + b" = 1",
        "big-number.json": valid_json.replace(b'"schema": 1', b'"schema": 1' + b"0" * 400),
        "long-number.toml": b"x = " + b"9" * 5000,
        "one-megabyte.json": valid_json + b" " * (1_000_000 - len(valid_json)),
        "over-a-megabyte.json": valid_json + b" " * 1_000_001,
    }
    for name, content in named.items():
        add("named", name, content)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.toml")
        files.append(("named", folder / "pipe.toml"))
    if Path("/dev/zero").exists():
        (folder / "zero.json").symlink_to("/dev/zero")
        files.append(("named", folder / "zero.json"))
    rng = random.Random(seed)
    for i in range(count):
        suffix = rng.choice([".json", ".toml"])
        if i % 3 == 0:
            add("random bytes", f"bytes-{i}{suffix}", rng.randbytes(rng.randint(0, 2000)))
        else:
            base = valid_json if i % 3 == 1 else valid_toml
            add("mutated", f"mutated-{i}{suffix}", mutated(rng, base))
    return files


def load_seconds(path: Path) -> tuple[float, str]:
    """Wall-clock seconds of one load, and what it gave."""
    start = time.perf_counter()
    try:
        tutorial.load_routine(path)
    except tutorial.RoutineError:
        outcome = "RoutineError"
    else:
        outcome = "routine"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--random", type=int, default=1000, help="random and mutated files")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = corpus(Path(tmp), args.random, args.seed)
        load_seconds(files[0][1])  # warm up: imports, the point data
        per_kind: dict[str, list[float]] = defaultdict(list)
        outcomes: dict[str, int] = defaultdict(int)
        slowest = (0.0, "")
        for kind, path in files:
            runs = [load_seconds(path) for _ in range(args.runs)]
            seconds = statistics.median(t for t, _ in runs)
            per_kind[kind].append(seconds)
            outcomes[runs[0][1]] += 1
            slowest = max(slowest, (seconds, path.name))
    baseline = statistics.median(per_kind["valid"])
    print(f"{len(files)} files, median of {args.runs} loads each (seed {args.seed})")
    print(f"{'kind':<14}{'files':>6}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'ratio':>8}")
    for kind, times in per_kind.items():
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        median = statistics.median(ordered)
        print(
            f"{kind:<14}{len(ordered):>6}{median * 1e3:>11.2f}{p95 * 1e3:>9.2f}"
            f"{ordered[-1] * 1e3:>9.2f}{median / baseline:>8.2f}"
        )
    over = sum(t > 1.0 for times in per_kind.values() for t in times)
    print(f"ratio: the kind's median against the valid routine files ({baseline * 1e3:.2f} ms)")
    print(f"slowest file: {slowest[1]} at {slowest[0] * 1e3:.1f} ms")
    print(f"outcomes: {dict(outcomes)}; files over 1 s: {over} (goal: 0)")


if __name__ == "__main__":
    main()
