"""The photo overlay widget: the points of the course on a photo of the learner's own leg.

:class:`PhotoOverlay` (lessons 3 and 6) lets the learner load a photo, choose the leg and
the view, and click the landmarks that :mod:`tutorial.content.photofit` needs; it then shows every
point of the view on the photo with the course's labels and colours and a cun ruler. The
handles stay draggable and the overlay follows. The learner can save the annotated picture
(a PNG drawn by matplotlib, offered as a download from the browser) with the clicks, so
the next visit reopens them, and practise "click where ST36 is" on the photo, scored in
cun and recorded in the same practice store as lesson 6.

The photo is only ever in this Python process and the browser tab; a downscaled copy is
written to the learner's data folder only when they press Save, and "Forget my photo"
deletes it.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import logging
import math
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets
from PIL import Image

from ..content.i18n import N_, _, babel_locale, format_decimal, pgettext
from ..content.loader import load_points
from ..content.model import VIEWS, RoutineError
from ..content.photofit import (
    LANDMARK_ORDER,
    fit_frame,
    load_photo_settings,
    orientation_words,
    overlay,
    photo_rules,
    photo_template,
    place_points,
    ruler,
    score_photo_click,
)
from ..drawing.photoimage import LoadedPhoto, demo_leg_photo, encode_jpeg, read_photo
from ..store.files import atomic_write_bytes, atomic_write_text, user_data_dir
from .style import hanzi_fonts

__all__ = [
    "PHOTO_FORMAT",
    "PhotoCanvas",
    "PhotoOverlay",
    "annotated_png",
    "browser_state",
    "draw_annotated",
    "forget_saved_photo",
    "load_saved_photo",
    "photo_folder",
    "save_photo",
]

_log = logging.getLogger(__name__)
_STATIC = Path(__file__).parent.parent / "static"
#: The ``format`` field of the saved clicks file.
PHOTO_FORMAT = "calf-cramp-tutorial/photo-landmarks"
PHOTO_VERSION = 1
_FILES = {"photo": "my-leg.jpg", "clicks": "my-leg-clicks.json", "annotated": "my-leg-points.png"}
_AUTO = {"width": "auto"}
_VIEW_BUTTONS = (
    (N_("Outer side"), "lateral"),
    (N_("Inner side"), "medial"),
    (N_("Back"), "posterior"),
    (N_("Front"), "anterior"),
)


def _side_word(side: str) -> str:
    """``"Right"`` or ``"Left"`` (of a leg), in the course's language."""
    return {"right": pgettext("leg", "Right"), "left": pgettext("leg", "Left")}.get(side, side)


def _edge_word(edge: str) -> str:
    """Where the knee is in a photo (``"top"``, ...: an id), in the course's language."""
    return {
        "top": pgettext("edge of the photo", "top"),
        "bottom": pgettext("edge of the photo", "bottom"),
        "left": pgettext("edge of the photo", "left"),
        "right": pgettext("edge of the photo", "right"),
    }.get(edge, edge)


def _one_decimal(value: float) -> str:
    from babel.numbers import format_decimal as babel_format

    return babel_format(value, format="0.0", locale=babel_locale())


def _point_colour() -> str:
    from ..drawing.legs import POINT_STYLES

    return POINT_STYLES["normal"]["markerfacecolor"]


def _text(key: str, **values: Any) -> str:
    return load_photo_settings()["text"][key].format(**values)


def _message(key: str, **values: Any) -> str:
    return load_photo_settings()["messages"][key].format(**values)


def _p(text: str, *, colour: str = "", bold: bool = False, small: bool = False) -> str:
    style = ["line-height:1.45", "margin:2px 0"]
    if colour:
        style.append(f"color:{colour}")
    if bold:
        style.append("font-weight:600")
    if small:
        style.append("font-size:0.92em")
    return f'<div style="{";".join(style)}">{html.escape(text)}</div>'  # i18n: ignore


# -- saving and reopening -------------------------------------------------------------------


def photo_folder() -> Path:
    """Where a saved photo and its clicks live: ``photo/`` in the learner's data folder."""
    return user_data_dir() / "photo"


def save_photo(
    photo: LoadedPhoto | Image.Image,
    *,
    view: str,
    side: str,
    landmarks: dict[str, Any],
    png: bytes | None = None,
    folder: Path | None = None,
) -> Path:
    """Keep the (downscaled) photo, the clicks and the annotated picture, atomically.

    Returns the folder. The clicks go to a small JSON file that :func:`load_saved_photo`
    reads back.
    """
    folder = folder or photo_folder()
    image = photo.image if isinstance(photo, LoadedPhoto) else photo
    atomic_write_bytes(folder / _FILES["photo"], encode_jpeg(image))
    record = {
        "format": PHOTO_FORMAT,
        "version": PHOTO_VERSION,
        "view": view,
        "side": side,
        "size": list(image.size),
        "landmarks": {k: [round(float(c), 2) for c in v] for k, v in landmarks.items()},
    }
    atomic_write_text(folder / _FILES["clicks"], json.dumps(record, indent=1))
    if png is not None:
        atomic_write_bytes(folder / _FILES["annotated"], png)
    return folder


def load_saved_photo(folder: Path | None = None) -> tuple[LoadedPhoto, dict[str, Any]] | None:
    """The saved photo and its clicks record, or None when nothing is saved.

    Raises
    ------
    RoutineError
        If the saved files cannot be read (the message names the file and the fix).
    """
    folder = folder or photo_folder()
    clicks, picture = folder / _FILES["clicks"], folder / _FILES["photo"]
    if not clicks.exists() or not picture.exists():
        return None
    hint = _("Press 'Forget my photo' to delete it and start again.")
    try:
        record = json.loads(clicks.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RoutineError(
            _("cannot read it as JSON ({error}). {hint}").format(error=err, hint=hint),
            source=str(clicks),
        ) from err
    if not isinstance(record, dict) or record.get("format") != PHOTO_FORMAT:
        raise RoutineError(
            _("not a saved photo record. {hint}").format(hint=hint),
            source=str(clicks),
            field="format",
        )
    if record.get("version") != PHOTO_VERSION:
        raise RoutineError(
            _("unknown version. {hint}").format(hint=hint), source=str(clicks), field="version"
        )
    if record.get("view") not in VIEWS or record.get("side") not in ("right", "left"):
        raise RoutineError(
            _("unknown view or leg. {hint}").format(hint=hint), source=str(clicks), field="view"
        )
    marks = record.get("landmarks")
    if not isinstance(marks, dict) or not all(
        name in LANDMARK_ORDER
        and isinstance(value, list)
        and len(value) == 2
        and all(isinstance(c, (int, float)) and math.isfinite(c) for c in value)
        for name, value in marks.items()
    ):
        raise RoutineError(
            _("expected landmark name -> [u, v]. {hint}").format(hint=hint),
            source=str(clicks),
            field="landmarks",
        )
    photo = read_photo(picture.read_bytes(), name=str(picture))
    return photo, record


def forget_saved_photo(folder: Path | None = None) -> list[str]:
    """Delete the saved photo, clicks and annotated picture; returns the names deleted."""
    folder = folder or photo_folder()
    gone = []
    for name in _FILES.values():
        path = folder / name
        if path.exists():
            path.unlink()
            gone.append(name)
    return gone


# -- the annotated picture ------------------------------------------------------------------


def annotated_png(
    image: Image.Image, *, view: str, side: str, landmarks: dict[str, Any], hanzi: bool = True
) -> bytes:
    """:func:`draw_annotated` as PNG bytes (the picture the learner downloads)."""
    from ..drawing.legs import SCREEN_PNG

    fig = draw_annotated(image, view=view, side=side, landmarks=landmarks, hanzi=hanzi)
    buffer = io.BytesIO()
    fig.canvas.print_png(buffer, pil_kwargs=SCREEN_PNG["pil_kwargs"])
    return buffer.getvalue()


@hanzi_fonts()
def draw_annotated(
    image: Image.Image, *, view: str, side: str, landmarks: dict[str, Any], hanzi: bool = True
):
    """The photo with the points, labels, cun ruler and orientation words, on a new Figure.

    Drawn by matplotlib on a bare Figure (no pyplot state) in the course's colours; point
    markers carry ``gid`` = code, labels ``"label:<code>"``, the ruler ``"photo-ruler"``.

    Raises
    ------
    RoutineError
        If the clicks do not place the points (see :func:`tutorial.content.photofit.fit_frame`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    from ..drawing.legs import LABEL_STYLE, POINT_STYLES, register_fonts

    template = photo_template(view, side)
    frame = fit_frame(template, landmarks, image.size)
    if frame is None:
        raise RoutineError(
            _("click the knee and the ankle first"), source=_("your photo"), field="landmarks"
        )
    family = register_fonts()
    points = load_points()
    w, h = image.size
    footer = 0.9  # inches below the photo for the words
    dpi = 100
    fig = Figure(figsize=(w / dpi, h / dpi + footer), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, footer / (h / dpi + footer), 1, 1 - footer / (h / dpi + footer)))
    ax.imshow(image, extent=(0, w, h, 0), interpolation="antialiased")
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_axis_off()
    size = max(9.0, min(w, h) / 55)  # points: readable on a phone and on paper
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=4.5, foreground="white")]
    ticks = ruler(frame, template)
    ux, uy = frame.up_direction()
    nx, ny = -uy, ux  # across the leg
    centre = frame.to_image(0.0, -8.0)
    if (centre[0] - ticks[8][1]) * nx + (centre[1] - ticks[8][2]) * ny < 0:
        nx, ny = -nx, -ny  # ticks point towards the leg, numbers away from it
    segments = [[(ticks[0][1], ticks[0][2]), (ticks[-1][1], ticks[-1][2])]]
    for n, u, v in ticks:
        length = (0.45 if n % 4 == 0 else 0.25) * frame.cun_px
        segments.append([(u, v), (u + nx * length, v + ny * length)])
        if n % 4 == 0:
            ax.text(
                u - nx * 0.55 * frame.cun_px,
                v - ny * 0.55 * frame.cun_px,
                str(n),
                ha="center",
                va="center",
                fontsize=size * 0.85,
                color="#1D1D1D",
                path_effects=halo,
            )
    ax.text(
        ticks[0][1] - nx * 0.55 * frame.cun_px + ux * 1.1 * frame.cun_px,
        ticks[0][2] - ny * 0.55 * frame.cun_px + uy * 1.1 * frame.cun_px,
        load_photo_settings()["style"]["ruler_label"],
        ha="center",
        va="center",
        fontsize=size * 0.85,
        color="#1D1D1D",
        path_effects=halo,
    )
    ax.add_collection(
        LineCollection(
            segments, colors="#1D1D1D", linewidths=2.0, path_effects=halo, gid="photo-ruler"
        ),
        autolim=False,
    )
    style = POINT_STYLES["normal"]
    placed_points = sorted(place_points(frame, template), key=lambda p: p.v)
    gap = size * 1.35 * dpi / 72  # label spacing in pixels
    last = -math.inf
    for placed in placed_points:
        point = points[placed.code]
        ax.plot([placed.u], [placed.v], linestyle="none", gid=placed.code, zorder=5, **style)
        label_v = max(placed.v, last + gap)
        last = label_v
        label_u = placed.u + 0.9 * frame.cun_px
        ax.plot(
            [placed.u, label_u - 0.1 * frame.cun_px],
            [placed.v, label_v],
            color="#1D1D1D",
            lw=1.0,
            zorder=4,
            path_effects=halo,
        )
        label = point.label + (f" {point.hanzi}" if hanzi else "")
        ax.text(
            label_u,
            label_v,
            label,
            va="center",
            ha="left",
            gid=f"label:{placed.code}",
            parse_math=False,
            fontfamily=family,
            path_effects=halo,
            **{**LABEL_STYLE, "fontsize": size, "color": "#1D1D1D"},
        )
    names = load_photo_settings()["views"][view]
    words = _text(
        "orientation",
        side=_side_word(side),
        view=names["name"],
        knee_at=_edge_word(orientation_words(frame)),
    )
    fig.text(
        0.02,
        0.99,
        words,
        gid="photo-orientation",
        va="top",
        fontsize=size * 1.1,
        weight="bold",
        parse_math=False,
        bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "none", "alpha": 0.9},
    )
    fig.text(
        0.02,
        (footer - 0.1) / (h / dpi + footer),
        _text("framing"),
        va="top",
        fontsize=max(7.0, size * 0.75),
        wrap=True,
        parse_math=False,
        color="#333333",
        gid="photo-framing",
    )
    return fig


def browser_state(view: str = "lateral", side: str = "right") -> dict[str, Any]:
    """Everything ``static/photo.js`` needs for ``view`` of the ``side`` leg, as JSON data.

    The widget sends this to the browser; the in-browser site (no kernel) can write it to a
    JSON file at build time and mount the same front end with ``createLocalModel(state)``,
    adding only the photo's bytes (``photo``) and size (``image_size``). ``standalone``
    makes the front end show the next click and any message itself.
    """
    settings = load_photo_settings()
    spec = settings["views"][view]
    short = settings["landmarks"]["short"]
    look = dict(settings["style"])
    colours = look.pop("handle_colours")
    points, colour = load_points(), _point_colour()
    return {
        "rules": photo_rules(view, side),
        "labels": {
            code: {"label": points[code].label, "colour": colour}
            for code, _x, _y in photo_template(view, side).points
        },
        "handles": [
            {
                "id": name,
                "short": short[name],
                "colour": colours[name],
                "text": spec[f"{name}_text"],
            }
            for name in LANDMARK_ORDER
        ],
        "look": look,
        "texts": {key: settings["text"][key] for key in ("next_click", "done", "no_photo")},
        "landmarks": {},
        "mode": "place",
        "enabled": True,
        "practice": {},
        "standalone": False,
    }


# -- the widgets ----------------------------------------------------------------------------


class PhotoCanvas(anywidget.AnyWidget):
    """The photo with draggable landmark handles and the overlay drawn in the browser.

    ``landmarks`` (image pixels) change when the learner clicks or drags; ``overlay`` is
    what :func:`tutorial.content.photofit.overlay` computed plus labels and colours; in practice
    ``mode`` the browser reports clicks in ``click``.
    """

    _esm = _STATIC / "photo.js"
    _css = _STATIC / "photo.css"

    photo = traitlets.Bytes(b"").tag(sync=True)
    image_size = traitlets.List([0, 0]).tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    handles = traitlets.List([]).tag(sync=True)
    landmarks = traitlets.Dict({}).tag(sync=True)
    #: what the kernel computed (tutorial.content.photofit.overlay); the browser draws the same from
    #: ``rules`` (tutorial.content.photofit.photo_rules) so that the marks follow a drag at once
    overlay = traitlets.Dict({}).tag(sync=True)
    rules = traitlets.Dict({}).tag(sync=True)
    #: the front end shows the next click and messages itself (no kernel: the static site)
    standalone = traitlets.Bool(False).tag(sync=True)
    texts = traitlets.Dict({}).tag(sync=True)
    #: per point code: ``{"label": "ST36 Zúsānlǐ", "colour": "#0072B2"}``
    labels = traitlets.Dict({}).tag(sync=True)
    #: sizes and colours of the marks (``photo.toml [style]``); not ``style``, which
    #: ipywidgets' front end reads as a reference to a style widget
    look = traitlets.Dict({}).tag(sync=True)
    mode = traitlets.Unicode("place").tag(sync=True)
    enabled = traitlets.Bool(True).tag(sync=True)
    practice = traitlets.Dict({}).tag(sync=True)
    click = traitlets.Dict({}).tag(sync=True)
    download_png = traitlets.Bytes(b"").tag(sync=True)
    download_name = traitlets.Unicode("my-leg-points.png").tag(sync=True)
    download_text = traitlets.Unicode("").tag(sync=True)


def _shows_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Show an exception raised in a callback in the widget instead of losing it."""

    @wraps(method)
    def wrapper(self: PhotoOverlay, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as err:
            self.errors.append(traceback.format_exc())
            _log.exception("photo overlay callback failed")
            self._show_message(_("Something went wrong: {error}").format(error=err))
            return None

    return wrapper


class PhotoOverlay(widgets.VBox):
    """Find the course's points on a photo of your own leg, and practise on it.

    Parameters
    ----------
    view : {"lateral", "medial", "posterior", "anterior"}
        The side of the leg the photo shows, to start with.
    side : {"right", "left"}
        Which leg, to start with.
    reopen : bool
        Reopen the photo and clicks saved on an earlier visit, if any.
    practice_path : str, Path or None
        The practice store shared with lesson 6 (``"default"``, see :mod:`tutorial.store.db`),
        a store database file of your own, or None
        (nothing saved).
    seed : int, optional
        Seed for the order of practice questions.
    """

    #: "empty" (no photo), "pending" (more clicks needed), "ok" or "error"
    status = traitlets.Unicode("empty")
    #: the plain-text message shown (an error or what to do next)
    message = traitlets.Unicode("")
    view = traitlets.Unicode("lateral")
    side = traitlets.Unicode("right")
    #: verdict and distance of the last practice click
    verdict = traitlets.Unicode("")
    distance_cun = traitlets.Float(math.nan)

    def __init__(
        self,
        *,
        view: str = "lateral",
        side: str = "right",
        reopen: bool = True,
        practice_path: str | Path | None = "default",
        seed: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.add_class("calf-photo-overlay")
        settings = load_photo_settings()
        self.errors: list[str] = []
        self.photo: LoadedPhoto | None = None
        self._practice_path = practice_path
        self._seed = seed
        self._session = None
        self._question_code = ""
        self.canvas = PhotoCanvas(
            look=browser_state(view, side)["look"], download_text=_("Download the picture (PNG)")
        )
        text = settings["text"]
        self._title = widgets.HTML(_p(text["title"], bold=True))
        self._privacy = widgets.HTML(_p(text["privacy"], small=True, colour="#1B5E20"))
        self._framing = widgets.HTML(_p(text["framing"], small=True))
        self._how = widgets.HTML(_p(text["how_to_take"] + " " + text["formats"], small=True))
        self.upload = widgets.FileUpload(
            accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif",
            multiple=False,
            description=_("Load a photo"),
            icon="upload",
        )
        self.upload.observe(self._on_upload_change, "value")
        self.demo_button = widgets.Button(
            description=_("Try the course's drawing"), icon="image", layout={"width": "auto"}
        )
        self.demo_button.on_click(self._on_demo_click)
        self.view_buttons = widgets.ToggleButtons(
            options=[(_(text), key) for text, key in _VIEW_BUTTONS],
            value=view,
            style={"button_width": "auto"},
        )
        self.side_buttons = widgets.ToggleButtons(
            options=[(_("Right leg"), "right"), (_("Left leg"), "left")],
            value=side,
            style={"button_width": "auto"},
        )
        self.view_buttons.observe(self._on_choice_change, "value")
        self.side_buttons.observe(self._on_choice_change, "value")
        self.turn_left = widgets.Button(
            description=_("Turn photo left"), icon="rotate-left", layout=_AUTO
        )
        self.turn_right = widgets.Button(
            description=_("Turn photo right"), icon="rotate-right", layout=_AUTO
        )
        self.turn_left.on_click(lambda _b: self._turn(90))
        self.turn_right.on_click(lambda _b: self._turn(-90))
        self._instruction = widgets.HTML("")
        self._instruction.add_class("calf-photo-instruction")
        self._message = widgets.HTML("")
        self._message.add_class("calf-photo-message")
        self.restart_button = widgets.Button(
            description=_("Start the clicks again"), icon="undo", layout=_AUTO
        )
        self.restart_button.on_click(self._on_restart_click)
        self.swap_button = widgets.Button(
            description=_("Swap knee and ankle"), icon="exchange", layout=_AUTO
        )
        self.swap_button.on_click(self._on_swap_click)
        self.save_button = widgets.Button(
            description=_("Save"),
            icon="save",
            button_style="primary",
            tooltip=_("Save the picture and your clicks on this computer"),
            layout=_AUTO,
        )
        self.save_button.on_click(self._on_save_click)
        self.forget_button = widgets.Button(
            description=_("Forget my photo"), icon="trash", layout=_AUTO
        )
        self.forget_button.on_click(self._on_forget_click)
        self.practice_button = widgets.ToggleButton(
            description=_("Practise on my photo"), icon="crosshairs", value=False, layout=_AUTO
        )
        self.practice_button.observe(self._on_practice_change, "value")
        self.next_button = widgets.Button(
            description=_("Next point"), icon="arrow-right", layout={"display": "none"}
        )
        self.next_button.on_click(lambda _b: self.next_practice_question())
        self._verdict = widgets.HTML("")
        self._verdict.add_class("calf-photo-verdict")
        self._points = widgets.HTML("")
        self._points.add_class("calf-photo-points")
        row = {"flex_flow": "row wrap", "align_items": "center"}  # i18n: ignore
        self.children = [
            self._title,
            self._privacy,
            self._how,
            widgets.HBox([self.upload, self.demo_button], layout=row),
            widgets.HBox([self.side_buttons, self.view_buttons], layout=row),
            # one slot of steady height for what to do next and any message, so the photo
            # does not jump under a finger that is dragging a handle
            widgets.VBox([self._instruction, self._message], layout={"min_height": "4.8em"}),
            self.canvas,
            widgets.HBox(
                [self.turn_left, self.turn_right, self.restart_button, self.swap_button],
                layout=row,
            ),
            widgets.HBox(
                [self.save_button, self.forget_button, self.practice_button, self.next_button],
                layout=row,
            ),
            self._verdict,
            self._framing,
            self._points,
        ]
        self.canvas.observe(self._on_landmarks_change, "landmarks")
        self.canvas.observe(self._on_click_change, "click")
        self.view, self.side = view, side
        self._set_handles()
        self._refresh()
        if reopen:
            self._reopen()

    # -- public API

    @property
    def landmarks(self) -> dict[str, list[float]]:
        """The landmark clicks, in image pixels."""
        return dict(self.canvas.landmarks)

    def load_bytes(self, data: bytes | memoryview, name: str = "photo") -> bool:
        """Load a photo from bytes (what an upload does). Returns False if it was refused."""
        try:
            photo = read_photo(data, name)
        except RoutineError as err:
            self._show_message(str(err.reason))
            return False
        self._set_photo(photo)
        return True

    def set_landmarks(self, **clicks: tuple[float, float]) -> None:
        """Place landmarks in image pixels (``knee=(u, v)``, ...), as clicks would."""
        unknown = set(clicks) - set(LANDMARK_ORDER)
        if unknown:
            raise ValueError(f"unknown landmarks {sorted(unknown)}; expected {LANDMARK_ORDER}")
        marks = dict(self.canvas.landmarks)
        marks.update({k: [float(v[0]), float(v[1])] for k, v in clicks.items()})
        self.canvas.landmarks = marks

    def save(self) -> Path | None:
        """Save the photo, clicks and annotated picture, and offer the picture for download."""
        if self.photo is None or self.status != "ok":
            self._show_message(_text("save_needs_frame"))
            return None
        png = annotated_png(
            self.photo.image, view=self.view, side=self.side, landmarks=self.landmarks
        )
        try:
            folder = save_photo(
                self.photo, view=self.view, side=self.side, landmarks=self.landmarks, png=png
            )
        except OSError as err:  # the data folder cannot be written: still offer the download
            folder, problem = None, err.strerror or str(err)
        self.canvas.download_name = f"my-{self.side}-leg-{self.view}-points.png"
        self.canvas.download_png = png
        if folder is None:
            self._show_message(_message("save_failed", error=problem))
        else:
            self._show_message(_text("saved"), colour="#1B5E20")
        return folder

    def forget(self) -> None:
        """Delete the saved photo and clicks, and clear the photo from the widget."""
        with contextlib.suppress(OSError):  # no usable data folder: nothing was saved there
            forget_saved_photo()
        self.photo = None
        self.canvas.photo = b""
        self.canvas.image_size = [0, 0]
        self.canvas.landmarks = {}
        self.canvas.download_png = b""
        self.practice_button.value = False
        self._refresh()
        self._show_message(_text("forgotten"), colour="#1B5E20")

    def next_practice_question(self) -> str:
        """Ask for the next point of this view on the photo (adaptive); returns its code."""
        from ..content.practice import PracticeSession

        codes = [code for code, _x, _y in photo_template(self.view, self.side).points]
        if self._session is None or set(self._session.codes) != set(codes):
            self._session = PracticeSession(
                codes,
                kinds=("locate",),
                seed=self._seed,
                path=self._practice_path,
                side=self.side,
                on_bad_file="keep",
            )
            if self._session.load_error:  # saved progress unreadable: answers stay in memory
                self._show_message(self._session.load_error)
        question = self._session.next_question("locate")
        self._question_code = question.code
        point = load_points()[question.code]
        self.verdict, self.distance_cun = "", math.nan
        self.canvas.practice = {"code": question.code}
        self.canvas.enabled = True
        self.next_button.layout.display = "none"
        self._instruction.value = _p(
            _text("practice_prompt", label=point.label, hanzi=point.hanzi), bold=True
        )
        self._verdict.value = ""
        return question.code

    def answer_practice(self, u: float, v: float) -> str:
        """Answer the practice question with a click at image pixels ``(u, v)``."""
        from ..content.practice import load_quiz_settings

        if self.verdict or not self._question_code or self._session is None:
            raise RuntimeError("no practice question is waiting for a click")
        template = photo_template(self.view, self.side)
        frame = fit_frame(template, self.landmarks, self.photo.image.size)
        distance, true = score_photo_click(frame, template, self._question_code, u, v)
        verdict = self._session.answer_measured(distance)
        point = load_points()[self._question_code]
        self.canvas.enabled = False
        self.canvas.practice = {"code": point.code, "click": [u, v], "true": list(true)}
        words = load_quiz_settings().text[verdict]
        self._verdict.value = _p(
            _text(
                "practice_result", verdict=words, distance=_one_decimal(distance), label=point.label
            ),
            bold=True,
            colour={"right": "#1B6E3A", "close": "#8A5A00", "missed": "#A33A00"}[verdict],
        ) + _p(_text("how_to_find", text=point.how_to_find), small=True)
        self.next_button.layout.display = ""
        self.distance_cun = distance
        self.verdict = verdict
        return verdict

    # -- handlers

    @_shows_errors
    def _on_upload_change(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        limit = load_photo_settings()["limits"]["max_bytes"]
        size = int(item.get("size") or len(item["content"]))
        name = str(item.get("name") or "photo")
        if size > limit:  # refused before any decoding
            self._show_message(
                load_photo_settings()["messages"]["too_big"].format(
                    name=name, size=_one_decimal(size / 1e6), limit=format_decimal(limit / 1e6)
                )
            )
        else:
            self.load_bytes(item["content"], name)
        self.upload.value = ()  # the bytes are not kept in the upload widget

    @_shows_errors
    def _on_demo_click(self, _button: widgets.Button) -> None:
        turn = 8.0 if self.side == "right" else -8.0
        demo = demo_leg_photo(self.view, side=self.side, rotate_deg=turn, size=(700, 1100))
        self.load_bytes(demo.png, _("the course's drawing"))

    @_shows_errors
    def _on_choice_change(self, change: dict[str, Any]) -> None:
        new_view = self.view_buttons.value != self.view
        self.view, self.side = self.view_buttons.value, self.side_buttons.value
        self.practice_button.value = False
        self._session = None
        self._set_handles()
        if new_view and self.canvas.landmarks:
            # each view asks for other landmarks (the knee spot differs): click them again
            self.canvas.landmarks = {}
        else:
            self._refresh()

    @_shows_errors
    def _on_landmarks_change(self, _change: dict[str, Any]) -> None:
        self.canvas.download_png = b""
        self._refresh()

    @_shows_errors
    def _on_click_change(self, change: dict[str, Any]) -> None:
        click = change["new"]
        if click and self.canvas.mode == "practice" and not self.verdict:
            self.answer_practice(float(click["u"]), float(click["v"]))

    @_shows_errors
    def _on_restart_click(self, _button: widgets.Button) -> None:
        self.practice_button.value = False
        self.canvas.landmarks = {}

    @_shows_errors
    def _on_swap_click(self, _button: widgets.Button) -> None:
        marks = dict(self.canvas.landmarks)
        if "knee" in marks and "ankle" in marks:
            marks["knee"], marks["ankle"] = marks["ankle"], marks["knee"]
            self.canvas.landmarks = marks

    @_shows_errors
    def _on_save_click(self, _button: widgets.Button) -> None:
        self.save()

    @_shows_errors
    def _on_forget_click(self, _button: widgets.Button) -> None:
        self.forget()

    @_shows_errors
    def _on_practice_change(self, change: dict[str, Any]) -> None:
        if change["new"]:
            if self.status != "ok":
                self.practice_button.value = False
                self._show_message(_text("practice_needs_frame"))
                return
            self.canvas.mode = "practice"
            self.practice_button.description = _("Back to the overlay")
            self.next_practice_question()
        else:
            self.canvas.mode = "place"
            self.canvas.practice = {}
            self.practice_button.description = _("Practise on my photo")
            self.next_button.layout.display = "none"
            self._verdict.value = ""
            self._question_code = ""
            self._refresh()

    # -- helpers

    def _set_handles(self) -> None:
        state = browser_state(self.view, self.side)
        with self.canvas.hold_sync():
            self.canvas.rules = state["rules"]
            self.canvas.labels = state["labels"]
            self.canvas.handles = state["handles"]

    def _set_photo(self, photo: LoadedPhoto, landmarks: dict[str, Any] | None = None) -> None:
        self.photo = photo
        self.practice_button.value = False
        self.canvas.download_png = b""
        with self.canvas.hold_sync():
            self.canvas.photo = encode_jpeg(photo.image)
            self.canvas.image_size = list(photo.size)
            self.canvas.alt = _("Your photo ({width} x {height} pixels)").format(
                width=photo.size[0], height=photo.size[1]
            )
            self.canvas.landmarks = dict(landmarks or {})
        self._refresh()

    def _turn(self, degrees: int) -> None:
        if self.photo is None:
            return
        turned = self.photo.image.rotate(degrees, expand=True)
        self._set_photo(LoadedPhoto(turned, self.photo.name, self.photo.original_size))

    def _reopen(self) -> bool:
        try:
            saved = load_saved_photo()
        except RoutineError as err:
            self._show_message(str(err))
            return False
        except OSError:  # no usable data folder: nothing can have been saved there
            return False
        if saved is None:
            return False
        photo, record = saved
        self.view_buttons.unobserve(self._on_choice_change, "value")
        self.side_buttons.unobserve(self._on_choice_change, "value")
        try:
            self.view_buttons.value, self.side_buttons.value = record["view"], record["side"]
        finally:
            self.view_buttons.observe(self._on_choice_change, "value")
            self.side_buttons.observe(self._on_choice_change, "value")
        self.view, self.side = record["view"], record["side"]
        self._set_handles()
        self._set_photo(photo, record["landmarks"])
        if self.status == "ok":
            self._show_message(_text("reopened"), colour="#1B5E20")
        return True

    def _show_message(self, text: str, *, colour: str = "#A33A00") -> None:
        self.message = text
        self._message.value = _p(text, colour=colour, bold=colour == "#A33A00") if text else ""

    def _refresh(self) -> None:
        """Recompute the overlay from the clicks and update every text."""
        self._show_message("")
        has_photo = self.photo is not None
        for button in (self.turn_left, self.turn_right, self.restart_button, self.swap_button):
            button.disabled = not has_photo
        if self.photo is None:
            self.save_button.disabled = self.practice_button.disabled = True
            self.status = "empty"
            self.canvas.overlay = {}
            self._instruction.value = _p(_text("no_photo"), bold=True)
            self._points.value = ""
            return
        result = overlay(self.view, self.side, self.landmarks, self.photo.size)
        points = load_points()
        colour = _point_colour()
        for item in result["points"]:
            item["label"] = points[item["code"]].label
            item["colour"] = colour
        self.canvas.overlay = result
        self.status = result["status"]
        self.save_button.disabled = self.status != "ok"
        self.practice_button.disabled = self.status != "ok" and not self.practice_button.value
        missing = [name for name in LANDMARK_ORDER if name not in self.landmarks]
        spec = load_photo_settings()["views"][self.view]
        if result["status"] == "error":
            self._show_message(result["message"])
            self._instruction.value = ""
        elif missing:
            what = spec[f"{missing[0]}_text"]
            step = _("{number} of {total} · {text}").format(
                number=len(LANDMARK_ORDER) - len(missing) + 1,
                total=len(LANDMARK_ORDER),
                text=_text("next_click", what=what),
            )
            self._instruction.value = _p(step, bold=True)
        else:
            self._instruction.value = _p(_text("done"), bold=True)
            if result["status"] == "ok" and result["knee_at"] != "top":
                self._instruction.value += _p(
                    _text("turn_tip", knee_at=_edge_word(result["knee_at"])), small=True
                )
        if result["status"] == "ok":
            words = _text(
                "orientation",
                side=_side_word(self.side),
                view=spec["name"],
                knee_at=_edge_word(result["knee_at"]),
            )
            self.canvas.alt = _("Your photo: {orientation}, with the points of this view").format(
                orientation=words
            )
        self._points.value = self._points_html(result)

    def _points_html(self, result: dict[str, Any]) -> str:
        if not result["points"]:
            return ""
        points = load_points()
        parts = []
        for item in result["points"]:
            point = points[item["code"]]
            parts.append(_p(f"{point.label} {point.hanzi}", bold=True))
            parts.append(_p(_text("how_to_find", text=point.how_to_find), small=True))
            if point.y_derived:
                parts.append(
                    _p(
                        _text("derived_level", y=format_decimal(point.y_cun, 2)),
                        small=True,
                        colour="#555555",
                    )
                )
        return "".join(parts)
