"""Reading a learner's photo safely, and drawing stand-in "photos" from the course's own leg.

:func:`read_photo` turns uploaded bytes into an upright RGB image no larger than
``max_side_px`` (``photo.toml``) or raises :class:`~tutorial.RoutineError` with a plain
message: too big, empty, not an image, HEIC that Pillow cannot read, truncated, or a
decompression bomb. EXIF orientation is applied; the size is capped before the pixels are
decoded where Pillow allows (``draft`` for JPEG) and right after otherwise.

:func:`demo_leg_photo` renders the course's drawing of a view, turned, scaled, stretched or
mirrored by a known amount, with the exact pixel places of its landmarks and points: the
tests' stand-in for a photo (no personal photos are shipped), and the lesson's "try it
without a photo".
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..content.i18n import per_language
from ..content.model import RoutineError
from ..content.photofit import downscaled_size, load_photo_settings, photo_template

__all__ = [
    "HEIF_BRANDS",
    "JPEG_QUALITY",
    "DemoPhoto",
    "LoadedPhoto",
    "demo_leg_photo",
    "encode_jpeg",
    "read_photo",
]

#: JPEG quality of a kept or shown photo (the static site's browser code uses the same)
JPEG_QUALITY = 88

#: the ``ftyp`` brands of a HEIC/HEIF file (the static site checks the same)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


def _register_heif() -> bool:
    """Let Pillow open HEIC when the optional pillow-heif plug-in is installed."""
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_heif_opener()
    return True


HEIF_READABLE = _register_heif()


@dataclass(frozen=True)
class LoadedPhoto:
    """An upright RGB photo, at most ``max_side_px`` on its long side."""

    image: Image.Image
    name: str
    original_size: tuple[int, int]

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels, after downscaling."""
        return self.image.size


def _message(key: str, **values: Any) -> str:
    return load_photo_settings()["messages"][key].format(**values)


def _refuse(key: str, name: str, **values: Any) -> RoutineError:
    error = RoutineError(_message(key, name=name, **values), source=name, field="(file)")
    error.key = key
    return error


def read_photo(data: bytes | memoryview, name: str = "photo") -> LoadedPhoto:
    """Open uploaded bytes as an upright RGB photo, downscaled to ``max_side_px``.

    Parameters
    ----------
    data
        The file's bytes (``FileUpload`` gives a memoryview).
    name
        The file name, for messages.

    Raises
    ------
    RoutineError
        With a plain message naming the file and what to do (``error.key`` is the rule:
        ``too_big``, ``empty``, ``not_image``, ``heic``, ``truncated``, ``bomb``,
        ``too_small``).
    """
    limits = load_photo_settings()["limits"]
    size = len(data)
    if size == 0:
        raise _refuse("empty", name)
    if size > limits["max_bytes"]:
        raise _refuse(
            "too_big", name, size=f"{size / 1e6:.1f}", limit=f"{limits['max_bytes'] / 1e6:g}"
        )
    raw = bytes(data)
    max_pixels = int(limits["max_pixels"])
    side = int(limits["max_side_px"])
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            width, height = image.size
            if width * height > max_pixels:
                raise _refuse(
                    "bomb",
                    name,
                    width=width,
                    height=height,
                    mpx=f"{width * height / 1e6:.0f}",
                    limit=f"{max_pixels / 1e6:g}",
                )
            # JPEG: decode at 1/2, 1/4 or 1/8 scale straight away when that is big enough
            image.draft("RGB", (side, side))
            image.load()
    except RoutineError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # Pillow refused it first; its message carries the claimed size in pixels
        found = re.search(r"\((\d+) pixels\)", str(err))
        mpx = f"{int(found.group(1)) / 1e6:.0f}" if found else "many"
        raise _refuse(
            "bomb", name, width="?", height="?", mpx=mpx, limit=f"{max_pixels / 1e6:g}"
        ) from err
    except UnidentifiedImageError as err:
        key = "heic" if raw[4:8] == b"ftyp" and raw[8:12] in HEIF_BRANDS else "not_image"
        raise _refuse(key, name) from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        # Pillow reports cut-off data as OSError ("image file is truncated") or similar
        raise _refuse("truncated", name) from err
    original = (width, height)
    # the size from the file's own size (not the draft's), as the site's browser code does;
    # bicubic (antialiased by Pillow) is half the time of Lanczos and plenty for a guide
    target = downscaled_size(width, height, side)
    if image.size != target:
        image = image.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        image = _to_rgb(image)
    if min(image.size) < int(limits["min_side_px"]):
        raise _refuse("too_small", name, width=image.size[0], height=image.size[1])
    return LoadedPhoto(image=image, name=name, original_size=original)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = array.max() or 1.0
        return Image.fromarray((array / top * 255).astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def encode_jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes of an RGB image (the form the photo is sent to the browser and kept in)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


# -- stand-in photos drawn by the course ----------------------------------------------------


@dataclass(frozen=True)
class DemoPhoto:
    """A rendered leg with known landmarks: ``landmarks`` and ``points`` in image pixels."""

    png: bytes
    size: tuple[int, int]
    view: str
    side: str
    landmarks: dict[str, tuple[float, float]]
    points: dict[str, tuple[float, float]]
    cun_px: float


@per_language  # the picture carries the orientation words: one per language
def _drawn_view(view: str) -> tuple[bytes, np.ndarray]:
    """The right leg's ``view`` drawn once (PNG) and its data-to-pixel map (3x3, y up)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .legs import draw_leg

    fig = Figure(figsize=(4.0, 7.0), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    draw_leg(view, side="right", labels=False, ax=ax)
    ax.set_title("")
    buffer = io.BytesIO()
    fig.canvas.print_png(buffer)
    # equal aspect, no rotation: transData is affine; keep it as a matrix
    matrix = ax.transData.get_affine().get_matrix().copy()
    return buffer.getvalue(), matrix


def demo_leg_photo(
    view: str = "lateral",
    *,
    side: str = "right",
    rotate_deg: float = 0.0,
    scale: float = 1.0,
    width_factor: float = 1.0,
    edge_level_cun: float = -6.0,
    size: tuple[int, int] = (900, 1400),
) -> DemoPhoto:
    """Draw the course's leg as a stand-in photo, with the exact places of its landmarks.

    The right leg's ``view`` is drawn (no labels, no ruler) and then, by a known map,
    stretched across the leg by ``width_factor`` about the drawing's centre line, turned by
    ``rotate_deg`` (counter-clockwise as seen), scaled by ``scale`` and, for
    ``side="left"``, mirrored left to right (a left leg is the mirror of the right).

    Returns
    -------
    DemoPhoto
        The PNG, and in its pixels: the four landmarks the overlay asks for (the edges at
        ``edge_level_cun``) and every point of the view as drawn.
    """
    png, matrix_in = _drawn_view(view)
    drawn = Image.open(io.BytesIO(png)).convert("RGB")
    height_in = drawn.size[1]

    def data_to_px(x: float, y: float) -> np.ndarray:
        px, py, _ = matrix_in @ (x, y, 1.0)
        return np.array([px, height_in - py, 1.0])

    # the map drawing pixels -> output pixels, as a 3x3 matrix
    x0 = data_to_px(0.0, 0.0)[0]
    stretch = np.array([[width_factor, 0, x0 * (1 - width_factor)], [0, 1, 0], [0, 0, 1]])
    centre_in = np.array([drawn.size[0] / 2, drawn.size[1] / 2])
    theta = math.radians(rotate_deg)
    c, s = math.cos(theta), math.sin(theta)
    # counter-clockwise as seen on screen, where v grows downwards
    turn = np.array([[scale * c, scale * s, 0], [-scale * s, scale * c, 0], [0, 0, 1]])
    out_w, out_h = size
    to_origin = np.array([[1, 0, -centre_in[0]], [0, 1, -centre_in[1]], [0, 0, 1]])
    to_centre = np.array([[1, 0, out_w / 2], [0, 1, out_h / 2], [0, 0, 1]])
    matrix = to_centre @ turn @ to_origin @ stretch
    if side == "left":
        matrix = np.array([[-1, 0, out_w], [0, 1, 0], [0, 0, 1]]) @ matrix
    inverse = np.linalg.inv(matrix)
    image = drawn.transform(
        (out_w, out_h),
        Image.Transform.AFFINE,
        tuple(inverse[:2].ravel()),
        resample=Image.Resampling.BILINEAR,
        fillcolor=(255, 255, 255),
    )

    def place(x: float, y: float) -> tuple[float, float]:
        u, v, _ = matrix @ data_to_px(x, y)
        return float(u), float(v)

    template = photo_template(view, "right")
    left, right = template.edges_at(edge_level_cun)
    edge_a, edge_b = (right, left) if template.edge_a_sign > 0 else (left, right)
    landmarks = {
        "knee": place(*template.knee),
        "ankle": place(*template.ankle),
        "edge_a": place(edge_a, edge_level_cun),
        "edge_b": place(edge_b, edge_level_cun),
    }
    points = {code: place(x, y) for code, x, y in template.points}
    one_cun = np.subtract(place(0.0, 0.0), place(0.0, -1.0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return DemoPhoto(
        png=buffer.getvalue(),
        size=(out_w, out_h),
        view=view,
        side=side,
        landmarks=landmarks,
        points=points,
        cun_px=float(np.hypot(*one_cun)),
    )
