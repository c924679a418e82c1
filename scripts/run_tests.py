"""``make test`` after the lint: the browser tests, with the unit tests and the lessons beside them.

The browser suite spends most of its time waiting: for pages to load in one Chromium, for
timers that tick in real time, for idle kernels to be culled. On the 2-core machine it keeps
about half a core busy on average. The unit tests and the lessons under nbval are the
opposite: pure CPU work that waits for nothing. So they run beside the browser tests at the
lowest CPU priority (``nice 19``): they get the CPU the browser tests leave idle, and give it
back at once when a page loads, so the browser tests run at the speed they have alone.

Both parts always run to the end. The browser tests print as they go; the unit tests' and
the lessons' output is kept and printed after them, in one piece, so two test runs never
interleave their lines. The exit status is non-zero if either part failed.

Usage: ``python scripts/run_tests.py [MAKE]`` (``make test`` runs it with its own make).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Run beside the browser tests, in this order (targets of the Makefile).
BESIDE = ("unit", "notebooks")
#: Run in the foreground.
FOREGROUND = ("browser",)


def _lowest_priority() -> None:
    os.nice(19)


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s ({seconds / 60:.1f} min)"


def main(argv: list[str]) -> int:
    make = argv[1] if len(argv) > 1 else "make"
    command = [make, "--no-print-directory"]
    started = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        beside = subprocess.Popen(
            [*command, "--keep-going", *BESIDE],  # the lessons run even if a unit test failed
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_lowest_priority,
        )
        print(
            f"== {' and '.join(BESIDE)} tests started beside the browser tests "
            "(lowest CPU priority); their output follows the browser tests' ==",
            flush=True,
        )
        try:
            foreground = subprocess.call([*command, *FOREGROUND], cwd=ROOT)
            foreground_time = time.monotonic() - started
            beside_status = beside.wait()
        except KeyboardInterrupt:
            beside.terminate()
            beside.wait()
            raise
        total = time.monotonic() - started
        log.seek(0)
        print(f"\n== output of: make {' '.join(BESIDE)} ==", flush=True)
        for line in log:
            sys.stdout.write(line)
    print()
    print(
        f"== browser tests: {'passed' if foreground == 0 else 'FAILED'} in "
        f"{_minutes(foreground_time)}"
    )
    print(
        f"== {' and '.join(BESIDE)}: {'passed' if beside_status == 0 else 'FAILED'}; "
        f"both done after {_minutes(total)}"
    )
    return 0 if foreground == 0 and beside_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
