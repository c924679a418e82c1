"""calf-cramp-tutorial: lessons, diagrams and a step timer for a calf-cramp self-massage.

The public API the lessons use::

    import tutorial

    points = tutorial.load_points()  # {"BL40": Acupoint(...), ...}
    routine = tutorial.load_routine()  # the built-in routine
    tutorial.save_routine(routine, "mine.toml")
    tutorial.draw_leg("posterior", highlight=["BL40"])
    tutorial.StepTimer(routine, legs="both")

Drawing and widget modules are imported on first use, so ``import tutorial`` stays light
for scripts that only need the data.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .content import (
    load_cun,
    load_landmarks,
    load_points,
    load_routine,
    load_safety,
    load_techniques,
    save_routine,
)
from .model import VIEWS, Acupoint, Landmark, Routine, RoutineError, Step

__version__ = "0.1.0"

# name -> module that defines it; imported lazily (matplotlib and ipywidgets are heavy).
_LAZY = {
    "draw_leg": "drawing",
    "draw_routine_overview": "drawing",
    "StepTimer": "timer",
    # lessons helper
    "PointExplorer": "explorer",
    "CunCalculator": "calculator",
    "TimingLab": "timinglab",
    "SafetyCheck": "selfcheck",
    "make_handout": "handout",
    "draw_stretch": "illustrations",
    "draw_timeline": "charts",
    "draw_variants": "charts",
    "draw_planned_vs_actual": "charts",
    "point_card": "cards",
    "step_card": "cards",
    "landmark_card": "cards",
    "safety_box": "cards",
    "safety_reminder": "cards",
    "posture_box": "cards",
    "cautions_box": "cards",
    "first_aid_box": "cards",
    "red_flags": "cards",
    "evidence_box": "cards",
    "cun_table": "cards",
    "landmarks_table": "cards",
    "routine_cards": "cards",
    "draw_views": "illustrations",
    # downloads, page style and projector mode, the workshop plan
    "Download": "downloads",
    "handout_download": "downloads",
    "routine_download": "downloads",
    "page_style": "style",
    "projector": "style",
    "set_projector": "style",
    "workshop_plan": "workshop",
    "workshop_timer": "workshop",
    # quiz helper
    "PointQuiz": "quiz",
    "LocatePointQuiz": "quiz",
    "NamePointQuiz": "quiz",
    "PracticeSession": "practice",
    # the store and the practice log
    "practice_log": "practicelog",
    "privacy_note": "practicelog",
    "PracticeReport": "logview",
    "draw_practice_calendar": "logview",
    "draw_step_times": "logview",
    "import_progress": "store",
    "export_progress": "store",
    "delete_practice_data": "store",
    # photo helper
    "PhotoOverlay": "photowidget",
    # static site helper
    "build_site": "site",
}

__all__ = [
    "VIEWS",
    "Acupoint",
    "Landmark",
    "Routine",
    "RoutineError",
    "Step",
    "load_cun",
    "load_landmarks",
    "load_points",
    "load_routine",
    "load_safety",
    "load_techniques",
    "save_routine",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tutorial' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
