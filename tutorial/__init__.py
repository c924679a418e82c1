"""calf-cramp-tutorial: lessons, diagrams and a step timer for a calf-cramp self-massage.

The public API the lessons use::

    import tutorial

    points = tutorial.load_points()  # {"BL40": Acupoint(...), ...}
    routine = tutorial.load_routine()  # the built-in routine
    tutorial.save_routine(routine, "mine.toml")
    tutorial.draw_leg("posterior", highlight=["BL40"])
    tutorial.StepTimer(routine, legs="both")
    tutorial.set_language("zh-Hans")  # everything made from now on in Chinese (简体中文)

Drawing and widget modules are imported on first use, so ``import tutorial`` stays light
for scripts that only need the data.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .content.i18n import LANGUAGES, get_language, set_language
from .content.loader import (
    load_cun,
    load_landmarks,
    load_points,
    load_routine,
    load_safety,
    load_techniques,
    save_routine,
)
from .content.model import VIEWS, Acupoint, Landmark, Routine, RoutineError, Step

__version__ = "0.1.0"

# name -> module that defines it; imported lazily (matplotlib and ipywidgets are heavy).
_LAZY = {
    "draw_leg": "drawing.legs",
    "draw_routine_overview": "drawing.legs",
    # pictures drawn once and cached (no matplotlib in a kernel that only shows them)
    "routine_overview": "widgets.picture",
    "planned_vs_actual": "widgets.picture",
    "StepTimer": "widgets.timer",
    # lessons helper
    "PointExplorer": "widgets.explorer",
    "CunCalculator": "widgets.calculator",
    "TimingLab": "widgets.timinglab",
    "SafetyCheck": "widgets.selfcheck",
    "make_handout": "drawing.handout",
    "draw_stretch": "drawing.illustrations",
    "draw_timeline": "drawing.charts",
    "draw_variants": "drawing.charts",
    "draw_planned_vs_actual": "drawing.charts",
    "point_card": "widgets.cards",
    "step_card": "widgets.cards",
    "landmark_card": "widgets.cards",
    "safety_box": "widgets.cards",
    "safety_reminder": "widgets.cards",
    "posture_box": "widgets.cards",
    "cautions_box": "widgets.cards",
    "first_aid_box": "widgets.cards",
    "red_flags": "widgets.cards",
    "evidence_box": "widgets.cards",
    "cun_table": "widgets.cards",
    "landmarks_table": "widgets.cards",
    "routine_cards": "widgets.cards",
    "draw_views": "drawing.illustrations",
    # downloads, page style and projector mode, the workshop plan
    "Download": "widgets.downloads",
    "handout_download": "widgets.downloads",
    "routine_download": "widgets.downloads",
    "page_style": "widgets.style",
    "projector": "widgets.style",
    "set_projector": "widgets.style",
    "workshop_plan": "widgets.workshop",
    "workshop_timer": "widgets.workshop",
    # quiz helper
    "PointQuiz": "widgets.quiz",
    "LocatePointQuiz": "widgets.quiz",
    "NamePointQuiz": "widgets.quiz",
    "PracticeSession": "content.practice",
    # the store and the practice log
    "practice_log": "store.practicelog",
    "privacy_note": "store.practicelog",
    "PracticeReport": "widgets.logview",
    "draw_practice_calendar": "widgets.logview",
    "draw_step_times": "widgets.logview",
    "import_progress": "store.db",
    "export_progress": "store.db",
    "delete_practice_data": "store.db",
    # photo helper
    "PhotoOverlay": "widgets.photo",
    # static site helper
    "build_site": "site",
}

__all__ = [
    "LANGUAGES",
    "VIEWS",
    "Acupoint",
    "Landmark",
    "Routine",
    "RoutineError",
    "Step",
    "get_language",
    "load_cun",
    "load_landmarks",
    "load_points",
    "load_routine",
    "load_safety",
    "load_techniques",
    "save_routine",
    "set_language",
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
