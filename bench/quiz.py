"""Benchmark of the find-the-point quiz, kernel side.

Prints:
- time from a click message (the trait the browser sets) to the feedback picture set on
  the widget, median of 50 clicks, against a baseline measured in the same run (rendering
  the same picture's PNG with nothing changed);
- resident memory (RSS) after 500 answers against after 10;
- pyplot figures left open.

Goals (issue 5): under 100 ms per click; memory growth under 10 MB; no figures left open.
Run: ``python bench/quiz.py`` (progress goes to a temporary folder).
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc, else ru_maxrss)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main() -> None:
    home = tempfile.mkdtemp(prefix="calf-quiz-bench-")
    os.environ["CALF_TUTORIAL_HOME"] = home

    import matplotlib.pyplot as plt

    from tutorial.content.geometry import project
    from tutorial.widgets.quiz import LocatePointQuiz, PointQuiz, data_to_fraction

    quiz = LocatePointQuiz(seed=1)  # default progress file (in the temporary folder)
    click_ms, baseline_ms = [], []
    for i in range(50 + 3):
        question = quiz.question
        picture = quiz._picture(question.view)
        x, y = project(question.code, question.view)
        fx, fy = data_to_fraction(picture.ax, x + 0.4, y - 0.2 * (i % 10))
        start = time.perf_counter()
        quiz.image.click = {"fx": fx, "fy": fy, "n": i}  # what a browser click does
        elapsed = time.perf_counter() - start
        assert quiz.verdict, quiz.errors
        start = time.perf_counter()
        picture.png()
        baseline = time.perf_counter() - start
        if i >= 3:  # the first clicks draw each view once
            click_ms.append(elapsed * 1000)
            baseline_ms.append(baseline * 1000)
        quiz.next_question()

    mixed = PointQuiz(seed=2)

    def answer(n: int) -> None:
        for _ in range(n):
            question = mixed.question
            if question.kind == "locate":
                x, y = project(question.code, question.view)
                mixed.answer_data(x + 0.7, y)
            else:
                mixed.choose(question.choices[0])
            mixed.next_question()

    answer(10)
    gc.collect()
    rss_10 = rss_mb()
    answer(490)
    mixed.summary_button.value = True  # one summary chart too
    gc.collect()
    rss_500 = rss_mb()
    size = (Path(home) / "progress.json").stat().st_size

    click = statistics.median(click_ms)
    base = statistics.median(baseline_ms)
    print("tutorial quiz benchmark (kernel side)")
    print(
        f"  click message -> feedback picture set: median {click:.1f} ms of 50 "
        f"(min {min(click_ms):.1f}, max {max(click_ms):.1f}); goal < 100 ms"
    )
    print(
        f"  baseline, PNG of the same picture only: median {base:.1f} ms (ratio {click / base:.2f})"
    )
    print(
        f"  RSS after 10 answers {rss_10:.1f} MB, after 500 answers {rss_500:.1f} MB: "
        f"growth {rss_500 - rss_10:+.1f} MB; goal < 10 MB"
    )
    print(f"  progress file after 510 answers: {size / 1024:.1f} KiB")
    quiz.close()
    mixed.close()
    print(f"  pyplot figures open: {len(plt.get_fignums())}; goal 0")


if __name__ == "__main__":
    main()
