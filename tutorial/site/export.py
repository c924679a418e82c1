"""Data the static site's JavaScript needs, computed by the package at build time.

Everything here is plain JSON data made by the same Python code the lessons run: the quiz
pictures and the transform from a click (fractions of the picture) to cun, each point's true
position and landmark outline per view, the verdict bands and feedback texts, the calculator
rule, the point explorer's pictures and cards, the safety check's feedback, and the timer's
plans. Nothing is typed twice: the browser only reads it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..content import i18n
from ..content.i18n import _
from ..content.loader import (
    load_cun,
    load_landmarks,
    load_points,
    load_routine,
    routine_from_dict,
    technique_name,
)
from ..content.model import VIEWS, Routine

__all__ = [
    "VARIANTS",
    "calculator_data",
    "explorer_data",
    "photo_data",
    "photo_demo_js",
    "practice_data",
    "safety_check_data",
    "timer_configs",
    "view_transform",
]

#: The timer variants a page can switch between: each step at its min, default or max.
VARIANTS: tuple[str, ...] = ("quick", "default", "full")

#: Writes ``bytes`` as a site file and returns the URL to put in a page.
WriteFile = Callable[[bytes, str], str]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# -- the calculator -------------------------------------------------------------------------


def calculator_data() -> dict[str, Any]:
    """The calculator's rule and messages (``cun.toml [calculator]``) and each point's depth."""
    cun = load_cun()
    reference = next(p for p in cun["proportional"] if p["id"] == cun["reference"])
    return {
        "rule": dict(cun["calculator"]),
        "reference_cun": float(reference["cun"]),
        "points": [
            {
                "code": p.code,
                "name": f"{p.code} {p.pinyin} {p.hanzi}",
                "below_knee_cun": p.y_cun,
                "across": p.offset_note,
                "derived": p.y_derived,
            }
            for p in load_points().values()
        ],
    }


# -- find-the-point practice ----------------------------------------------------------------


def view_transform(ax: Any) -> dict[str, float]:
    """The linear map from picture fractions (0,0 top left) to data (cun) of ``ax``.

    ``x = x0 + fx * (x1 - x0)`` and ``y = y0 + fy * (y1 - y0)``: the same numbers
    :func:`tutorial.widgets.quiz.fraction_to_data` gives (both axes are linear).
    """
    from ..widgets.quiz import fraction_to_data

    x0, y0 = fraction_to_data(ax, 0.0, 0.0)
    x1, y1 = fraction_to_data(ax, 1.0, 1.0)
    return {"x0": x0, "x1": x1, "y0": y0, "y1": y1}


def _rounded_path(path: Iterable[Iterable[float]]) -> list[list[float]]:
    return [[round(float(x), 3), round(float(y), 3)] for x, y in path]


def practice_data(write: WriteFile, *, sides: Iterable[str] = ("right",)) -> dict[str, Any]:
    """Pictures, transforms, truths, landmark outlines, bands and texts for the practice."""
    from ..content.geometry import features, project, visible_views
    from ..content.practice import Answer, PracticeSession, Progress, load_quiz_settings
    from ..widgets.quiz import _ViewPicture

    settings = load_quiz_settings()
    points = load_points()
    landmarks = load_landmarks()
    routine = load_routine()
    views: dict[str, Any] = {}
    for side in sides:
        for view in VIEWS:
            picture = _ViewPicture(view, side=side, figsize=settings.figsize, dpi=settings.dpi)
            picture.clear()
            png = picture.png()
            width, height = picture.fig.canvas.get_width_height()
            truth = {}
            for code in points:
                xy = project(code, view, side=side)
                if xy is not None:
                    truth[code] = [float(xy[0]), float(xy[1])]
            guides: dict[str, list[list[list[float]]]] = {}
            for feature in features(view, side=side):
                if feature.landmark:
                    guides.setdefault(feature.landmark, []).append(_rounded_path(feature.path))
            views[f"{side}:{view}"] = {
                "view": view,
                "side": side,
                "src": write(png, f"quiz-{side}-{view}"),
                "width": width,
                "height": height,
                **view_transform(picture.ax),
                "truth": truth,
                "landmarks": guides,
            }
    # How a wrong choice is scored: ask the Python session itself, do not assume it.
    probe = PracticeSession(kinds=("name",), seed=0, path=None)
    question = probe.next_question("name")
    wrong = next(c for c in question.choices if c != question.answer)
    wrong_verdict = probe.answer_choice(wrong)
    # Which verdicts move a point down to box 1, keep it, or move it up: from Progress itself.
    moves = {}
    for verdict in ("right", "close", "missed", "wrong"):
        progress = Progress(None)
        progress.record("ST36", Answer("locate", "right"))  # box 2
        try:
            progress.record("ST36", Answer("locate", verdict))
        except ValueError:
            continue
        moves[verdict] = progress.box("ST36") - 2
    by_point: dict[str, Any] = {}
    session = PracticeSession(path=None)
    for code, p in points.items():
        landmark = landmarks.get(p.landmark)
        by_point[code] = {
            "code": code,
            "label": p.label,
            "pinyin": p.pinyin,
            "hanzi": p.hanzi,
            "meridian": p.meridian,
            "how_to_find": p.how_to_find,
            "y_cun": p.y_cun,
            "y_derived": p.y_derived,
            "cautions": list(p.cautions),
            "landmark": p.landmark,
            "landmark_name": landmark.name if landmark else p.landmark,
            "views": list(visible_views(code)),
            "locate_views": list(session._visible_views(code, with_landmark=True)),
            "steps": session._steps_for(code),
        }
    return {
        "right_cun": settings.right_cun,
        "close_cun": settings.close_cun,
        "intervals": list(settings.intervals),
        "choices": settings.choices,
        "kinds": list(settings.kinds),
        "max_attempts_per_point": settings.max_attempts_per_point,
        "trend_window": settings.trend_window,
        "colours": dict(settings.colours),
        # the feedback tips with the bands filled in, as the quiz widget shows them
        "text": {
            key: value.format(right_cun=settings.right_cun, close_cun=settings.close_cun)
            if key.endswith("_tip")
            else value
            for key, value in settings.text.items()
        },
        "wrong_choice_verdict": wrong_verdict,
        "box_moves": moves,
        "views": views,
        "points": by_point,
        "steps": [
            {
                "id": s.id,
                "title": s.title,
                "technique": technique_name(s.technique),
                "points": list(s.points),
                "instructions": s.instructions,
                "label": session._step_label(i),
            }
            for i, s in enumerate(routine.steps)
        ],
    }


# -- the point explorer ---------------------------------------------------------------------


def explorer_data(codes: Iterable[str], write: WriteFile) -> dict[str, Any]:
    """Every point's pictures in every view that shows it (plain and with hanzi) and its card."""
    from ..widgets.cards import point_card_html
    from ..widgets.explorer import VIEW_TITLES, _leg_png, _views_of

    points = load_points()
    out: dict[str, Any] = {}
    for code in codes:
        p = points[code]
        out[code] = {
            "label": f"{code} {p.pinyin} {p.hanzi}",
            "card": point_card_html(code),
            "views": [
                {
                    "view": view,
                    "title": _(VIEW_TITLES[view]),
                    "src": write(_leg_png(code, view, False), f"explorer-{code}-{view}"),
                    "src_hanzi": write(_leg_png(code, view, True), f"explorer-{code}-{view}-zh"),
                    "alt": _("{view} view of the right leg, {code} highlighted").format(
                        view=_(VIEW_TITLES[view]), code=code
                    ),
                }
                for view in _views_of(code)
            ],
        }
    return out


# -- the photo overlay ---------------------------------------------------------------------

#: The refusals of a photo file that the browser decides itself (photoimage.read_photo's keys).
PHOTO_FILE_KEYS: tuple[str, ...] = (
    "too_big",
    "empty",
    "not_image",
    "heic",
    "truncated",
    "bomb",
    "too_small",
)


def photo_data() -> dict[str, Any]:
    """The photo overlay without Python (``site/static/photo-site.js``).

    ``states``: :func:`tutorial.widgets.photo.browser_state` of every view and leg (the
    fit's rules, the landmarks to click, labels, colours, texts), the same data the widget
    sends to ``static/photo.js``; ``limits`` and ``messages``: how a file is checked, with
    ``photo.toml``'s own messages (a HEIC photo gets the browser's version); ``points``:
    what is shown beside the photo; the quiz's bands and Leitner intervals for practice.
    """
    from ..content.photofit import load_photo_settings, photo_template
    from ..content.practice import load_quiz_settings
    from ..drawing.photoimage import HEIF_BRANDS, JPEG_QUALITY
    from ..widgets.photo import browser_state

    settings = load_photo_settings()
    text, limits, messages = settings["text"], settings["limits"], settings["messages"]
    points = load_points()
    states, codes = {}, set()
    for view in VIEWS:
        for side in ("right", "left"):
            state = browser_state(view, side)
            state["orientation"] = text["orientation"].format(
                side=side.capitalize(), view=settings["views"][view]["name"], knee_at="{knee_at}"
            )
            states[f"{view}/{side}"] = state
            codes |= {code for code, _x, _y in photo_template(view, side).points}
    quiz = load_quiz_settings()
    return {
        "states": states,
        "limits": {
            key: limits[key] for key in ("max_bytes", "max_side_px", "max_pixels", "min_side_px")
        },
        "messages": {
            **{key: messages[key] for key in PHOTO_FILE_KEYS},
            "heic": messages["heic_browser"],
        },
        "text": dict(text),
        "site": dict(settings["site"]),
        "points": {
            code: {
                "label": points[code].label,
                "hanzi": points[code].hanzi,
                "how_to_find": text["how_to_find"].format(text=points[code].how_to_find),
                "note": text["derived_level"].format(y=f"{points[code].y_cun:g}")
                if points[code].y_derived
                else "",
            }
            for code in sorted(codes)
        },
        "right_cun": quiz.right_cun,
        "close_cun": quiz.close_cun,
        "intervals": list(quiz.intervals),
        "verdicts": {key: quiz.text[key] for key in ("right", "close", "missed")},
        "jpeg_quality": JPEG_QUALITY / 100,
        "heif_brands": [brand.decode("ascii") for brand in HEIF_BRANDS],
    }


def photo_demo_js() -> str:
    """``window.CCT_PHOTO_DEMO``: the course's drawing of every view and leg as a stand-in
    photo (JPEG data URLs, ``demo_leg_photo`` turned as the widget's demo button turns it),
    a script the page loads only when "Try the course's drawing" is pressed."""
    import base64
    import io
    import json

    from PIL import Image

    from ..drawing.photoimage import demo_leg_photo, encode_jpeg

    pictures = {}
    for view in VIEWS:
        for side in ("right", "left"):
            turn = 8.0 if side == "right" else -8.0  # as PhotoOverlay's demo button
            demo = demo_leg_photo(view, side=side, rotate_deg=turn, size=(700, 1100))
            jpeg = encode_jpeg(Image.open(io.BytesIO(demo.png)).convert("RGB"), quality=80)
            pictures[f"{view}/{side}"] = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode(
                "ascii"
            )
    text = json.dumps(pictures, separators=(",", ":"))
    head = "// The course's drawing as stand-in photos (tutorial.site.export).\n"  # i18n: ignore
    return f"{head}window.CCT_PHOTO_DEMO = {text};\n"


# -- the safety self-check ------------------------------------------------------------------


def safety_check_data() -> dict[str, Any]:
    """The situations, the choices, and the feedback markup for every (situation, choice)."""
    from ..widgets.selfcheck import feedback_html, load_safety_questions

    choices, questions = load_safety_questions()
    return {
        "choices": [{"key": k, "text": v} for k, v in choices.items()],
        "questions": [
            {
                "id": q.id,
                "situation": q.situation,
                "answer": q.answer,
                "feedback": {key: feedback_html(q, key) for key in choices},
            }
            for q in questions
        ],
    }


# -- the step timer -------------------------------------------------------------------------


def _picture_urls(
    pictures: Mapping[str, str], write: WriteFile | None, shared: dict[str, str]
) -> dict[str, str]:
    """Replace the timer's data-URL pictures by site files, or (one file, ``write=None``) by
    ``"#<digest>"`` references into ``shared``, so each picture is inlined once."""
    if write is None:
        out = {}
        for key, url in pictures.items():
            if url:
                ref = "#" + _digest(url.encode("ascii"))
                shared[ref] = url
                out[key] = ref
            else:
                out[key] = url
        return out
    import base64

    out = {}
    for key, url in pictures.items():
        if url.startswith("data:image/png;base64,"):
            data = base64.b64decode(url.split(",", 1)[1])
            out[key] = write(data, "timer-" + key.replace(":", "-").replace("+", "-"))
        else:
            out[key] = url
    return out


# Synced traits of a widget that say nothing about the timer itself (and `timer_id`: two
# timers of one page must not share a clock, so each page model is its own).
_WIDGET_TRAITS = {"layout", "tabbable", "tooltip", "comm", "keys", "timer_id"}


@i18n.per_language  # the state holds the timer's words (its `i18n` trait, its texts)
def _timer_state(
    routine: Routine,
    first_leg: str,
    switch: float | None,
    pictures: bool = True,
) -> dict[str, Any]:
    """Every synced trait of ``StepTimer(...)`` (JSON data), as the widget computes them:
    the plans of every variant x legs, the steps, the session texts and, embedded, the
    step pictures as data URLs."""
    from ..widgets.timer import StepTimer

    timer = StepTimer(routine, first_leg=first_leg, switch_seconds=switch, pictures=pictures)
    try:
        timer.embed_pictures()
        state = timer.get_state()
        return {
            name: value
            for name, value in state.items()
            if not name.startswith("_")
            and name not in _WIDGET_TRAITS
            and not isinstance(value, (bytes, memoryview))
        }
    finally:
        timer.close()


def timer_configs(description: Mapping[str, Any], write: WriteFile | None = None) -> dict[str, Any]:
    """The StepTimer state for the routine of a described timer, and what a page records.

    ``description`` is what :func:`tutorial.site.kernel.describe` says of a StepTimer
    (or the same keys for a timer made in this process). ``state`` holds the synced traits
    (``plans`` of every variant x legs, ``steps``, ``session``, ``pictures``) exactly as
    ``StepTimer(...)`` computes them; the timer offers the variant and legs itself.
    ``routines`` and ``store_variants`` are what a finished run is recorded with, per
    variant, named as :mod:`tutorial.store.practicelog` names them.
    """
    from ..store.practicelog import _variant, routine_snapshot

    routine = routine_from_dict(description["routine"], source="<timer>")
    state = _timer_state(
        routine,
        description.get("first_leg", "right"),
        description.get("switch_seconds"),
        description.get("pictures", True),
    )
    shared: dict[str, str] = {}
    state = {**state, "pictures": _picture_urls(state.get("pictures", {}), write, shared)}
    varied = {v: routine if v == "default" else routine.variant(v) for v in VARIANTS}
    variant = description.get("variant", "default")
    return {
        "state": state,
        "routines": {v: routine_snapshot(r) for v, r in varied.items()},
        "store_variants": {v: _variant(r) for v, r in varied.items()},
        "variant": variant if variant in VARIANTS else "default",
        "legs": description.get("legs", "one"),
        "presentation": description.get("presentation", "projector"),
        "sound": bool(description.get("sound", True)),
        "speech": bool(description.get("speech", False)),
        "pictures": shared,  # one file: each picture once, the state refers to it by "#digest"
    }
