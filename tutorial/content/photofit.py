"""Points on a photo of the learner's own leg: from landmark clicks to a leg frame in cun.

Pure geometry (NumPy and the course's data; no matplotlib, no Pillow, no widgets). The
learner clicks, in image pixels (``u`` to the right, ``v`` down), the landmarks a view needs
(``tutorial/data/photo.toml``): a spot at the knee line, the most prominent point of the
ankle bone on that side, and the two edges of the leg at one level. Each landmark has a
known place in the course's drawing of that view (:mod:`tutorial.content.geometry`, in cun: x
across, y up, 0 at the knee line), so the clicks fix a map from the drawing to the photo:

- the knee and ankle clicks fix a rotation, a uniform scale (pixels per cun) and a shift;
  the ankle's level comes from the data (the inner ankle bone sits higher than the outer);
- the edge clicks fix how much wider or narrower this leg is than the drawn one (``k``):
  across the leg the drawing is stretched by ``k`` about its centre line.

Then every point of the view is placed with the same map. A left leg is the mirror image
of the right (the drawing is mirrored, not the photo). The in-browser front end
(``static/photo.js``) runs the same fit from the same :func:`photo_template`; the shared
cases in ``tests/cases/photo.json`` check both.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from . import i18n
from .i18n import N_, _
from .loader import load_points, read_data_toml
from .model import VIEWS, RoutineError

__all__ = [
    "LANDMARK_ORDER",
    "LegFrame",
    "PhotoTemplate",
    "PlacedPoint",
    "downscaled_size",
    "fit_frame",
    "load_photo_settings",
    "orientation_words",
    "overlay",
    "photo_rules",
    "photo_template",
    "place_points",
    "ruler",
    "score_photo_click",
]

#: The clicks, in the order the learner is asked for them.
LANDMARK_ORDER: tuple[str, ...] = ("knee", "ankle", "edge_a", "edge_b")
_SOURCE = N_("your photo")


@i18n.per_language
def load_photo_settings() -> dict[str, Any]:
    """The contents of ``tutorial/data/photo.toml`` (limits, per-view clicks, texts)."""
    data = read_data_toml("photo.toml")
    if tuple(data["landmarks"]["order"]) != LANDMARK_ORDER:
        raise RoutineError(
            _("expected {order}").format(order=list(LANDMARK_ORDER)),
            source="photo.toml",
            field="landmarks.order",
        )
    if set(data["views"]) != set(VIEWS):
        raise RoutineError(
            _("expected one table per view {views}").format(views=list(VIEWS)),
            source="photo.toml",
        )
    return data


def downscaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size a ``width`` x ``height`` photo is shrunk to: at most ``max_side`` on each side.

    Pillow's ``Image.thumbnail`` rule (the aspect ratio kept; the shorter side rounded down
    or up, whichever keeps the ratio closer, at least 1). ``read_photo`` resizes to it and
    the static site's browser code computes the same (``tests/cases/photo_file.json``).
    """
    if width <= max_side and height <= max_side:
        return width, height
    aspect = width / height

    def closest(number: float, error: Any) -> int:
        low, high = math.floor(number), math.ceil(number)
        return max(high if error(high) < error(low) else low, 1)

    if aspect <= 1.0:  # as tall as it is wide, or taller
        return closest(max_side * aspect, lambda n: abs(aspect - n / max_side)), max_side
    return max_side, closest(
        max_side / aspect, lambda n: 0 if n == 0 else abs(aspect - max_side / n)
    )


@dataclass(frozen=True)
class PhotoTemplate:
    """Where a view's landmarks and points are in the course's drawing (cun, y up).

    ``profile`` rows are ``(y, x_left, x_right)`` of the drawn outline from the knee line
    down to the lower ankle bone, every ``profile_step_cun``. ``edge_a_sign`` is +1 when the
    ``edge_a`` click belongs on the picture's right (for this leg), else -1.
    """

    view: str
    side: str
    knee: tuple[float, float]
    ankle: tuple[float, float]
    profile: tuple[tuple[float, float, float], ...]
    edge_a_sign: int
    points: tuple[tuple[str, float, float], ...]
    ruler_x: float

    def edges_at(self, y: float) -> tuple[float, float]:
        """The drawn outline's ``(x_left, x_right)`` at level ``y``, linearly interpolated."""
        rows = np.asarray(self.profile)
        ys = rows[::-1, 0]  # ascending for np.interp
        y = float(np.clip(y, ys[0], ys[-1]))
        return float(np.interp(y, ys, rows[::-1, 1])), float(np.interp(y, ys, rows[::-1, 2]))

    def to_json(self) -> dict[str, Any]:
        """The template as plain JSON data, for the browser's copy of the fit."""
        return {
            "view": self.view,
            "side": self.side,
            "knee": list(self.knee),
            "ankle": list(self.ankle),
            "profile": [list(row) for row in self.profile],
            "edge_a_sign": self.edge_a_sign,
            "points": [[code, x, y] for code, x, y in self.points],
            "ruler_x": self.ruler_x,
        }


@cache
def photo_template(view: str, side: str = "right") -> PhotoTemplate:
    """The drawing-side facts the photo fit needs for ``view`` of the ``side`` leg.

    Everything comes from the data through :mod:`tutorial.content.geometry`: the knee spot (a point
    of points.toml or a spot on the skin), the ankle bone's drawn centre (so the medial
    malleolus's higher level is the data's), the outline and every point shown in the view.
    """
    from ..content import geometry  # NumPy only; imported here to keep this module's import light

    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    if side not in ("right", "left"):
        raise ValueError(f"unknown side {side!r}; expected 'right' or 'left'")
    settings = load_photo_settings()
    spec = settings["views"][view]
    if spec["knee_point"]:
        knee = geometry.project(spec["knee_point"], view, side=side)
        if knee is None:
            raise RoutineError(
                _("{point} is not seen in the {view} view").format(
                    point=spec["knee_point"], view=view
                ),
                source="photo.toml",
                field=f"views.{view}.knee_point",
            )
    else:
        y = float(spec["knee_y_cun"])
        x = geometry.project_skin(-y, spec["knee_around_deg"], view, side=side, force=True)
        knee = (float(x), -y)
    ankle = next(
        (f.center for f in geometry.features(view, side=side) if f.landmark == spec["ankle"]),
        None,
    )
    if ankle is None:
        raise RoutineError(
            _("landmark {landmark} is not drawn in the {view} view").format(
                landmark=repr(spec["ankle"]), view=view
            ),
            source="photo.toml",
            field=f"views.{view}.ankle",
        )
    step = float(settings["limits"]["profile_step_cun"])
    lowest = min(
        f.center[1]
        for v in VIEWS
        for f in geometry.features(v)
        if f.landmark in ("lateral-malleolus", "medial-malleolus") and f.center is not None
    )
    levels = np.arange(0.0, lowest - step / 2, -step)
    profile = tuple(
        (float(y), *geometry.edges(view, float(y), side=side)) for y in np.round(levels, 6)
    )
    sign = 1 if spec["edge_a_side"] == "right" else -1
    if side == "left":
        sign = -sign
    points = tuple(
        (code, float(xy[0]), float(xy[1]))
        for code in load_points()
        if (xy := geometry.project(code, view, side=side)) is not None
    )
    # the ruler runs beside the leg, on the side away from the front edge where possible
    lefts = [row[1] for row in profile]
    rights = [row[2] for row in profile]
    ruler_x = min(lefts) - 1.0 if side == "right" else max(rights) + 1.0
    return PhotoTemplate(
        view=view,
        side=side,
        knee=(float(knee[0]), float(knee[1])),
        ankle=(float(ankle[0]), float(ankle[1])),
        profile=profile,
        edge_a_sign=sign,
        points=points,
        ruler_x=float(ruler_x),
    )


@dataclass(frozen=True)
class LegFrame:
    """The map from the drawing of one view (cun) to the photo (pixels).

    A drawing spot ``(x, y)`` goes to ``a * (k*x + i*y) + b`` in complex numbers, read as
    ``u - i*v`` (image ``v`` grows downwards). ``cun_px`` = ``|a|`` is one cun in pixels
    along the leg; ``k`` is the width of this leg against the drawn one (1 until the edges
    are clicked, ``width_fitted`` false).
    """

    a: complex
    b: complex
    k: float = 1.0
    width_fitted: bool = False

    @property
    def cun_px(self) -> float:
        """One cun along the leg, in image pixels."""
        return abs(self.a)

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        """Image pixels ``(u, v)`` of the drawing spot ``(x, y)`` (cun)."""
        z = self.a * complex(self.k * x, y) + self.b
        return z.real, -z.imag

    def to_leg(self, u: float, v: float) -> tuple[float, float]:
        """The drawing spot ``(x, y)`` (cun) of image pixels ``(u, v)``."""
        w = (complex(u, -v) - self.b) / self.a
        return w.real / self.k, w.imag

    def up_direction(self) -> tuple[float, float]:
        """The unit vector in the image (``u``, ``v`` down) from the ankle towards the knee."""
        z = self.a * 1j
        return z.real / abs(z), -z.imag / abs(z)


@dataclass(frozen=True)
class PlacedPoint:
    """A point of the view placed on the photo, in image pixels."""

    code: str
    u: float
    v: float


def _fail(key: str, field: str, **values: Any) -> RoutineError:
    text = load_photo_settings()["messages"][key].format(**values)
    error = RoutineError(text, source=_(_SOURCE), field=field)
    error.key = key  # which rule refused the clicks (for tests and the browser's copy)
    return error


def _pair(landmarks: Mapping[str, Any], name: str) -> tuple[float, float] | None:
    value = landmarks.get(name)
    if value is None:
        return None
    u, v = (float(c) for c in value)
    if not (math.isfinite(u) and math.isfinite(v)):
        raise RoutineError(_("expected two finite numbers"), source=_(_SOURCE), field=name)
    return u, v


def _similarity(p1: complex, p2: complex, q1: complex, q2: complex) -> tuple[complex, complex]:
    a = (q2 - q1) / (p2 - p1)
    return a, q1 - a * p1


def fit_frame(
    template: PhotoTemplate,
    landmarks: Mapping[str, Any],
    image_size: tuple[int, int],
) -> LegFrame | None:
    """Fit the drawing of ``template``'s view to the clicks on a photo.

    Parameters
    ----------
    template
        From :func:`photo_template` (view and leg).
    landmarks
        Clicks in image pixels: ``{"knee": (u, v), "ankle": (u, v), "edge_a": ...,
        "edge_b": ...}``; missing ones may be left out.
    image_size
        ``(width, height)`` of the photo in pixels.

    Returns
    -------
    LegFrame or None
        None until the knee and ankle are clicked; with only those two the width is the
        drawing's (``width_fitted`` false).

    Raises
    ------
    RoutineError
        For clicks that make no sense (too close, ankle above the knee, swapped, edges on
        one side, at the wrong level, on the wrong sides, or an impossible width), with a
        plain message saying what to do; ``error.key`` names the rule.
    """
    limits = load_photo_settings()["limits"]
    knee, ankle = _pair(landmarks, "knee"), _pair(landmarks, "ankle")
    if knee is None or ankle is None:
        return None
    du, dv = ankle[0] - knee[0], ankle[1] - knee[1]
    length = math.hypot(du, dv)
    if length < limits["min_axis_fraction"] * max(image_size):
        raise _fail("axis_short", "ankle", px=f"{length:.0f}")
    tilt = math.degrees(math.atan2(abs(du), dv))  # 0: ankle straight below the knee
    if tilt > limits["swapped_tilt_deg"]:
        raise _fail("swapped", "ankle")
    if tilt > limits["max_tilt_deg"]:
        raise _fail("ankle_above", "ankle")
    q_knee, q_ankle = complex(knee[0], -knee[1]), complex(ankle[0], -ankle[1])

    def frame(k: float, fitted: bool) -> LegFrame:
        p_knee = complex(k * template.knee[0], template.knee[1])
        p_ankle = complex(k * template.ankle[0], template.ankle[1])
        a, b = _similarity(p_knee, p_ankle, q_knee, q_ankle)
        return LegFrame(a, b, k, fitted)

    first = frame(1.0, False)
    edge_a, edge_b = _pair(landmarks, "edge_a"), _pair(landmarks, "edge_b")
    if edge_a is None or edge_b is None:
        return first
    if math.hypot(edge_a[0] - edge_b[0], edge_a[1] - edge_b[1]) < 0.01 * max(image_size):
        raise _fail("edges_same", "edge_b")
    # which side of the knee-to-ankle line each edge click lies on (image cross product)
    side_a = du * (edge_a[1] - knee[1]) - dv * (edge_a[0] - knee[0])
    side_b = du * (edge_b[1] - knee[1]) - dv * (edge_b[0] - knee[0])
    if side_a * side_b >= 0:
        raise _fail("edges_one_side", "edge_b")
    (xa, ya), (xb, yb) = first.to_leg(*edge_a), first.to_leg(*edge_b)
    if (xa - xb) * template.edge_a_sign < 0:
        rules = photo_rules(template.view, template.side)
        raise _fail(
            "edges_wrong_side",
            "edge_a",
            side=rules["side_name"],
            view=rules["view_name"],
            edge_a=rules["edge_a_short"],
        )
    top, bottom = template.profile[0][0], min(template.ankle[1], template.profile[-1][0])
    level = (ya + yb) / 2
    if level > top + 0.5:
        raise _fail("edges_above", "edge_a")
    if level < bottom - 0.5:
        raise _fail("edges_below", "edge_a")
    k = 1.0
    current = first
    for _iteration in range(int(limits["width_iterations"])):
        (xa, ya), (xb, yb) = current.to_leg(*edge_a), current.to_leg(*edge_b)
        left, right = template.edges_at((ya + yb) / 2)
        k_new = abs(xa - xb) * k / (right - left)  # to_leg divides by k: undo it
        current = frame(k_new, True)
        if abs(k_new - k) < 1e-9:
            break
        k = k_new
    if not limits["min_width_factor"] <= current.k <= limits["max_width_factor"]:
        raise _fail("width", "edge_b", factor=f"{current.k:.1f}")
    return current


def place_points(frame: LegFrame, template: PhotoTemplate) -> list[PlacedPoint]:
    """Every point of the template's view, placed on the photo (image pixels)."""
    return [PlacedPoint(code, *frame.to_image(x, y)) for code, x, y in template.points]


def ruler(frame: LegFrame, template: PhotoTemplate) -> list[tuple[int, float, float]]:
    """Ticks ``(cun, u, v)`` of a cun ruler beside the leg, from the knee line (0) to 16."""
    return [(n, *frame.to_image(template.ruler_x, -float(n))) for n in range(17)]


def orientation_words(frame: LegFrame) -> str:
    """Where the knee is in the photo: ``"top"``, ``"bottom"``, ``"left"`` or ``"right"``."""
    du, dv = frame.up_direction()
    if abs(dv) >= abs(du):
        return "top" if dv < 0 else "bottom"
    return "left" if du < 0 else "right"


def score_photo_click(
    frame: LegFrame, template: PhotoTemplate, code: str, u: float, v: float
) -> tuple[float, tuple[float, float]]:
    """How far a click at ``(u, v)`` is from ``code`` on the photo, in cun of this leg.

    Returns ``(distance_cun, (u_true, v_true))``: the pixel distance divided by the length
    of one cun along the leg (``frame.cun_px``).
    """
    where = {c: (x, y) for c, x, y in template.points}
    if code not in where:
        raise ValueError(f"{code} is not shown in the {template.view} view")
    true = frame.to_image(*where[code])
    if not (math.isfinite(u) and math.isfinite(v)):
        raise ValueError(f"click must be finite numbers, not ({u!r}, {v!r})")
    return math.hypot(u - true[0], v - true[1]) / frame.cun_px, true


def overlay(
    view: str, side: str, landmarks: Mapping[str, Any], image_size: tuple[int, int]
) -> dict[str, Any]:
    """Everything the photo widget draws, as JSON data (image pixels).

    ``{"status": "empty" | "pending" | "ok" | "error", "message", "field", "points":
    [{"code", "u", "v"}], "ruler": [[cun, u, v], ...], "knee_at", "cun_px", "k"}``.
    ``status`` is ``"pending"`` while knee or ankle (no marks yet) or the edges (marks
    with the drawing's width) are missing.
    """
    template = photo_template(view, side)
    result: dict[str, Any] = {
        "status": "pending",
        "message": "",
        "field": "",
        "key": "",
        "points": [],
        "ruler": [],
        "knee_at": "",
        "cun_px": 0.0,
        "k": 1.0,
    }
    try:
        frame = fit_frame(template, landmarks, image_size)
    except RoutineError as err:
        result.update(
            status="error", message=err.reason, field=err.field or "", key=getattr(err, "key", "")
        )
        return result
    if frame is None:
        return result
    result.update(
        status="ok" if frame.width_fitted else "pending",
        points=[
            {"code": p.code, "u": round(p.u, 2), "v": round(p.v, 2)}
            for p in place_points(frame, template)
        ],
        ruler=[[n, round(u, 2), round(v, 2)] for n, u, v in ruler(frame, template)],
        knee_at=orientation_words(frame),
        cun_px=round(frame.cun_px, 4),
        k=round(frame.k, 4),
    )
    return result


def photo_rules(view: str, side: str = "right") -> dict[str, Any]:
    """What the browser's copy of the fit needs, as JSON data (``static/photo.js``).

    The drawing side of the view (:meth:`PhotoTemplate.to_json`), the limits, the messages
    and the view's words: the browser places the marks while a handle is dragged, and the
    in-browser site can run the overlay with no Python at all.
    """
    settings = load_photo_settings()
    spec = settings["views"][view]
    return {
        "template": photo_template(view, side).to_json(),
        "limits": dict(settings["limits"]),
        "messages": dict(settings["messages"]),
        "view_name": spec["name"],
        "side_name": settings["side_names"][side],
        "edge_a_text": spec["edge_a_text"],
        # The edge's name without where to click it: the text up to its first comma (a
        # Chinese text uses the full-width one).
        "edge_a_short": re.split("[,，]", spec["edge_a_text"], maxsplit=1)[0],
    }
