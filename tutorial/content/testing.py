"""Routines made from step lengths, for tests, case files and benchmarks.

``seconds_routine(2, 3)`` is a routine of two steps, 2 s and 3 s long, with ids ``s0``,
``s1`` and titles "Step 1", "Step 2". The tests of the timer's rules, the site's exporter,
the browser tests of the timer and ``scripts/make_timer_cases.py`` all build their short
routines here, so a change to :class:`~tutorial.content.model.Step` is made in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Routine, Step

__all__ = ["seconds_routine"]


def seconds_routine(
    *seconds: float,
    title: str = "Test",  # i18n: ignore
    min_seconds: float = 0.001,
    max_seconds: float = 3600.0,
    instructions: str = "Press.",  # i18n: ignore
    points: Sequence[Sequence[str]] = (),
) -> Routine:
    """A routine of ``len(seconds)`` steps whose default lengths are ``seconds``.

    Each step is ``s<i>`` (from 0), titled "Step <i + 1>", technique "Press", with the same
    ``min_seconds``, ``max_seconds`` and ``instructions``. ``points[i]`` are the point codes
    of step ``i`` (steps beyond ``points`` have none).
    """
    steps = tuple(
        Step(
            id=f"s{i}",
            title=f"Step {i + 1}",  # i18n: ignore
            technique="Press",  # i18n: ignore
            instructions=instructions,
            min_seconds=min_seconds,
            max_seconds=max_seconds,
            default_seconds=s,
            points=tuple(points[i]) if i < len(points) else (),
        )
        for i, s in enumerate(seconds)
    )
    return Routine(title=title, steps=steps)
