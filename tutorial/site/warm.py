"""Draw the lessons' fixed pictures into the shared picture cache, once, before a room arrives.

``make present`` runs this (``python -m tutorial.site.warm``) in its own process before Voila
starts its pre-heated kernels: each picture (the overview, the empty "planned against actual"
chart, every step of the built-in routine and of the workshop's session on either leg) is
drawn once and written to the disk cache (:mod:`tutorial.store.pictures`), so the kernels
only read PNG files and never import matplotlib. Without it the first kernels would all draw
the same pictures at the same moment. Pictures already in the cache are not drawn again.

The language is the environment's (``CALF_TUTORIAL_LANG``), as in the kernels.
"""

from __future__ import annotations

import sys
import time

__all__ = ["main", "warm_pictures"]


def warm_pictures() -> int:
    """Put every picture a Voila visitor's kernel shows into the cache; return how many."""
    from ..content.loader import load_routine
    from ..widgets.picture import planned_vs_actual, routine_overview
    from ..widgets.timer import _picture_bytes
    from ..widgets.workshop import load_workshop

    routine = load_routine()
    routine_overview(routine)
    planned_vs_actual([], routine)
    count = 2
    steps = {step.id: step for step in routine.steps}
    for step in load_workshop().routine(routine).steps:
        steps.setdefault(step.id, step)
    for step in steps.values():
        for side in ("right", "left"):
            count += _picture_bytes(step, side) is not None
    return count


def main() -> int:
    """``python -m tutorial.site.warm``: warm the picture cache and say so on stderr."""
    from ..content.i18n import get_language
    from ..store.pictures import cache_dir

    start = time.perf_counter()
    count = warm_pictures()
    seconds = time.perf_counter() - start
    line = (
        f"calf-tutorial: {count} pictures ready ({get_language()}) in {cache_dir()}"  # i18n: ignore
    )
    print(f"{line} ({seconds:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
