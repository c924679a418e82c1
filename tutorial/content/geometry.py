"""The parametric lower leg: outlines, landmarks and where each point shows in each view.

Pure geometry (NumPy only, no matplotlib) so that widgets, quizzes and tests can ask where a
point is without drawing; NumPy itself is imported only when a shape is computed, so asking
which view shows a point (the timer's alt texts) loads no NumPy. All shapes come from
``tutorial/data/leg.toml``; units are B-cun, y = 0 at the knee line and y = -16 at the
lateral malleolus (a point ``y_cun`` below the knee is at y = -y_cun).

A point sits on the skin at ``around_deg`` (seen from above, right leg: 0 front, +90
lateral, 180 back, -90 medial). A view facing ``phi`` (anterior 0, lateral 90, posterior 180,
medial -90) shows it when the angle between them is under ``visible_within_deg`` (80), at
``x = -sin(around_deg - phi) * r(y)``, where ``r(y)`` is the distance from the picture's
centre line to the outline on that side. This puts the lateral side on the viewer's left in
the anterior view and the front on the right in the lateral view, as in an anatomy atlas.
A left leg is the mirror image.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from . import i18n
from .loader import get_point, read_data_toml
from .model import VIEWS, Acupoint

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "VIEW_ANGLES",
    "Feature",
    "areas",
    "best_view",
    "edges",
    "features",
    "leg_extent",
    "orientation",
    "outline",
    "project",
    "project_skin",
    "visible_views",
]

#: The direction each view looks from, in around_deg (right leg).
VIEW_ANGLES: Mapping[str, float] = {
    "anterior": 0.0,
    "lateral": 90.0,
    "posterior": 180.0,
    "medial": -90.0,
}
SIDES = ("right", "left")
_SAMPLES_PER_SEGMENT = 12
_FEATURE_CUTOFF_DEG = 95.0
_MIN_WIDTH_FACTOR = 0.4


@dataclass(frozen=True)
class Feature:
    """One drawn piece of anatomy in one view: its path in picture coordinates (cun).

    ``kind`` is ``"shape"`` (closed: ``path`` is the closed outline), ``"line"`` (open; NaN
    rows separate pieces) or ``"ellipse"`` (``path`` is the outline; ``center``, ``width``
    and ``height`` describe it).
    ``landmark`` is the id in landmarks.toml or ``""`` for plain anatomy.
    """

    id: str
    landmark: str
    style: str
    kind: str
    path: np.ndarray
    center: tuple[float, float] | None = None
    width: float = 0.0
    height: float = 0.0


def _wrap(angle: float) -> float:
    """Angle in degrees wrapped to (-180, 180]."""
    wrapped = (angle + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 else wrapped


def _check(view: str, side: str) -> None:
    if view not in VIEW_ANGLES:
        raise ValueError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}; expected 'right' or 'left'")


def catmull_rom(knots: np.ndarray, *, closed: bool, samples: int = _SAMPLES_PER_SEGMENT):
    """A smooth curve through ``knots`` (N x 2), uniform Catmull-Rom, as an (M x 2) array."""
    import numpy as np

    pts = np.asarray(knots, dtype=float)
    if len(pts) < 3:
        return pts.copy()
    if closed:
        ext = np.vstack([pts[-1:], pts, pts[:2]])
        segments = len(pts)
    else:
        ext = np.vstack([pts[:1], pts, pts[-1:]])
        segments = len(pts) - 1
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None]
    t2, t3 = t * t, t * t * t
    out = []
    for i in range(segments):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
            )
        )
    out.append((ext[1:2] if closed else pts[-1:]).copy())
    return np.vstack(out)


@i18n.per_language
def _leg() -> dict[str, Any]:
    return read_data_toml("leg.toml")


@cache
def _smooth(view: str) -> np.ndarray:
    """The smoothed outline of ``view`` (right leg), computed once."""
    import numpy as np

    return catmull_rom(np.array(_leg()["outline"][view]), closed=False)


def leg_extent() -> tuple[float, float]:
    """``(sole, top)``: the lowest and highest y of the drawn leg, in cun."""
    leg = _leg()
    return float(leg["sole"]), float(leg["top"])


def orientation() -> dict[str, Any]:
    """The words pictures are oriented by (leg.toml ``[orientation]``), as a plain dict."""
    return _leg()["orientation"]


def areas() -> tuple[dict[str, Any], ...]:
    """Areas worked by steps without points (leg.toml ``[[areas]]``), as plain dicts."""
    return tuple(dict(area) for area in _leg().get("areas", ()))


def outline(view: str, *, side: str = "right") -> np.ndarray:
    """The open outline of the leg and foot in ``view``, an (N x 2) array of x, y in cun."""
    _check(view, side)
    path = _smooth(view).copy()
    if side == "left":
        path[:, 0] *= -1
    return path


@cache
def _edges_right(view: str, y: float) -> tuple[float, float]:
    path = _smooth(view)
    ys, xs = path[:, 1], path[:, 0]
    y0, y1, x0, x1 = ys[:-1], ys[1:], xs[:-1], xs[1:]
    crossing = ((y0 - y) * (y1 - y) <= 0) & (y0 != y1)
    if not crossing.any():
        raise ValueError(f"y = {y:g} cun is outside the drawn leg")
    frac = (y - y0[crossing]) / (y1[crossing] - y0[crossing])
    x = x0[crossing] + frac * (x1[crossing] - x0[crossing])
    return float(x.min()), float(x.max())


def edges(view: str, y: float, *, side: str = "right") -> tuple[float, float]:
    """``(x_left, x_right)``: where the outline of ``view`` crosses height ``y`` (cun)."""
    _check(view, side)
    left, right = _edges_right(view, round(float(y), 6))
    return (-right, -left) if side == "left" else (left, right)


def project_skin(
    y: float, around_deg: float, view: str, *, side: str = "right", force: bool = False
) -> float | None:
    """Picture x (cun) of a spot on the skin at height ``y`` and ``around_deg``.

    ``None`` when the spot faces away from the view, unless ``force`` is true.
    """
    _check(view, side)
    delta = _wrap(around_deg - VIEW_ANGLES[view])
    if not force and abs(delta) >= _leg()["visible_within_deg"]:
        return None
    s = -math.sin(math.radians(delta))
    left, right = _edges_right(view, round(float(y), 6))
    x = s * (right if s >= 0 else -left)
    return -x if side == "left" else x


def project(
    code_or_point: str | Acupoint, view: str, *, side: str = "right"
) -> tuple[float, float] | None:
    """Data position ``(x, y)`` in cun of a point's marker in ``view``.

    Parameters
    ----------
    code_or_point : str or Acupoint
        A point code such as ``"BL40"`` or an :class:`~tutorial.content.model.Acupoint`.
    view : {"anterior", "lateral", "posterior", "medial"}
    side : {"right", "left"}
        Which leg; the left leg is the mirror image of the right.

    Returns
    -------
    tuple of float or None
        ``(x, -y_cun)``, or ``None`` when the point is not seen in that view.
    """
    point = get_point(code_or_point)
    y = -point.y_cun
    x = project_skin(y, point.around_deg, view, side=side)
    return None if x is None else (x, y)


def visible_views(code_or_point: str | Acupoint) -> tuple[str, ...]:
    """The views (in :data:`~tutorial.content.model.VIEWS` order) in which a point is seen."""
    point = get_point(code_or_point)
    limit = _leg()["visible_within_deg"]
    return tuple(view for view in VIEWS if abs(_wrap(point.around_deg - VIEW_ANGLES[view])) < limit)


def best_view(codes: Iterable[str | Acupoint] | str) -> str:
    """One view that shows all the given points, the one that faces them most squarely.

    Parameters
    ----------
    codes : iterable of str or Acupoint, or a single code
        Point codes (``["BL60", "KI3"]``). With no points the answer is ``"posterior"``,
        the view of the calf.

    Returns
    -------
    str
        For example ``"posterior"`` for BL60 and KI3, ``"anterior"`` for ST36.

    Raises
    ------
    ValueError
        If no single view shows all the points.
    """
    if isinstance(codes, (str, Acupoint)):
        codes = [codes]
    points = [get_point(code) for code in codes]
    if not points:
        return "posterior"
    candidates = set(VIEWS)
    for point in points:
        candidates &= set(visible_views(point))
    if not candidates:
        names = [p.code for p in points]
        raise ValueError(f"no single view shows all of {names}; draw them in separate views")

    def worst_angle(view: str) -> float:
        return max(abs(_wrap(p.around_deg - VIEW_ANGLES[view])) for p in points)

    # Ties go to a side view before the back: KI3 alone is best seen from the inner side.
    order = ("anterior", "lateral", "medial", "posterior")
    return min((view for view in order if view in candidates), key=worst_angle)


def _feature(raw: Mapping[str, Any], view: str, side: str) -> Feature | None:
    import numpy as np

    landmark = raw.get("landmark", "")
    if raw["kind"] == "ellipse":
        delta = _wrap(raw["around_deg"] - VIEW_ANGLES[view])
        if abs(delta) > _FEATURE_CUTOFF_DEG + 15.0:
            return None
        y = float(raw["y"])
        s = -math.sin(math.radians(delta))
        left, right = _edges_right(view, y)
        radius = (right if s >= 0 else -left) - raw.get("inset", 0.0) * abs(s)
        x = s * radius
        width = raw["width"] * max(abs(math.cos(math.radians(delta))), _MIN_WIDTH_FACTOR)
        height = float(raw["height"])
        angle = np.linspace(0.0, 2 * math.pi, 48)
        path = np.column_stack([x + width / 2 * np.cos(angle), y + height / 2 * np.sin(angle)])
        if side == "left":
            x = -x
            path[:, 0] *= -1
        path.flags.writeable = False
        return Feature(raw["id"], landmark, raw["style"], "ellipse", path, (x, y), width, height)
    if raw["kind"] == "picture-lines":  # already in picture coordinates: pairs of knots
        pairs = np.array(raw["knots"], dtype=float).reshape(-1, 2, 2)
        gaps = np.full((len(pairs), 1, 2), np.nan)
        path = np.concatenate([pairs, gaps], axis=1).reshape(-1, 2)[:-1]
        if side == "left":
            path[:, 0] *= -1
        path.flags.writeable = False
        return Feature(raw["id"], landmark, raw["style"], "line", path)
    knots = []
    for y, around in raw["knots"]:
        x = project_skin(y, around, view, side=side, force=True)
        if abs(_wrap(around - VIEW_ANGLES[view])) <= _FEATURE_CUTOFF_DEG:
            knots.append((x, y))
    if len(knots) < 2:
        return None
    closed = raw["kind"] == "shape"
    path = catmull_rom(np.array(knots), closed=closed)
    path.flags.writeable = False
    return Feature(raw["id"], landmark, raw["style"], raw["kind"], path)


@cache
def _features(view: str, side: str) -> tuple[Feature, ...]:
    found = []
    for raw in _leg()["features"]:
        if view in raw["views"]:
            feature = _feature(raw, view, side)
            if feature is not None:
                found.append(feature)
    return tuple(found)


def features(view: str, *, side: str = "right") -> tuple[Feature, ...]:
    """The anatomy drawn in ``view`` (muscles, tendons, bones, crease), back to front."""
    _check(view, side)
    return _features(view, side)
