"""Tests for tutorial.drawing.photoimage.read_photo: a file is read safely or refused plainly."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tutorial import RoutineError
from tutorial.content.photofit import load_photo_settings
from tutorial.drawing.photoimage import HEIF_READABLE, read_photo

LIMITS = load_photo_settings()["limits"]


def _image_bytes(size=(600, 900), fmt="JPEG", mode="RGB", **save) -> bytes:
    image = Image.new(mode, size, "white" if mode != "RGBA" else (255, 255, 255, 0))
    # a dark square in the top-left corner shows which way up the picture is
    for x in range(size[0] // 4):
        for y in range(size[1] // 8):
            image.putpixel((x, y), (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def _refused(data: bytes, key: str, name: str = "leg.jpg") -> RoutineError:
    with pytest.raises(RoutineError) as info:
        read_photo(data, name)
    assert info.value.key == key
    assert name in str(info.value)  # the message names the file
    return info.value


def test_a_jpeg_is_read_as_rgb():
    photo = read_photo(_image_bytes(), "leg.jpg")
    assert photo.size == (600, 900)
    assert photo.image.mode == "RGB"


def test_big_photos_are_downscaled_to_the_long_side_limit():
    photo = read_photo(_image_bytes((4000, 3000), quality=60), "big.jpg")
    assert max(photo.size) == LIMITS["max_side_px"] == 2048
    assert photo.size == (2048, 1536)
    assert photo.original_size[0] >= 2048  # JPEG draft may decode at a reduced scale


def test_exif_orientation_is_respected():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90 degrees clockwise
    photo = read_photo(_image_bytes((900, 600), exif=exif.tobytes()), "turned.jpg")
    assert photo.size == (600, 900)
    # the dark corner (top left as stored) is now top right
    assert photo.image.getpixel((590, 10))[0] < 60
    assert photo.image.getpixel((10, 10))[0] > 200


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("WEBP", "RGB"), ("PNG", "RGB")])
def test_png_and_webp_are_read(fmt, mode):
    photo = read_photo(_image_bytes((500, 700), fmt=fmt, mode=mode), f"leg.{fmt.lower()}")
    assert photo.size == (500, 700)
    assert photo.image.mode == "RGB"


def test_an_empty_file_is_refused():
    assert "empty" in _refused(b"", "empty").reason


def test_a_text_file_is_refused():
    error = _refused(b"these are my notes, not a photo\n" * 20, "not_image", "notes.txt")
    assert "JPEG, PNG or WebP" in error.reason


def test_a_truncated_jpeg_is_refused():
    data = _image_bytes((800, 1000), quality=95)
    _refused(data[: len(data) // 2], "truncated")


def test_a_file_over_20_mb_is_refused_before_decoding():
    data = b"\xff\xd8\xff" + b"\0" * int(LIMITS["max_bytes"])
    error = _refused(data, "too_big")
    assert "20 MB" in error.reason


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [9000, 20000, 60000])
def test_a_decompression_bomb_is_refused_from_its_header(side):
    """A tiny file that claims a huge picture is refused before its pixels are decoded."""
    data = _png_header_only(side, side)
    assert len(data) < 200
    error = _refused(data, "bomb", "bomb.png")
    assert "million pixels" in error.reason
    assert "?" not in error.reason


def test_a_tiny_picture_is_refused():
    _refused(_image_bytes((120, 80)), "too_small", "icon.png")


@pytest.mark.skipif(HEIF_READABLE, reason="pillow-heif is installed: HEIC is read")
def test_heic_without_a_reader_gets_a_message_saying_how_to_convert():
    data = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0" + b"mif1heic" + b"\0" * 200
    error = _refused(data, "heic", "IMG_0001.HEIC")
    assert "Export it as JPEG" in error.reason
    assert "pillow-heif" in error.reason


def test_heic_support_is_said_honestly_on_screen():
    assert "only if" in load_photo_settings()["text"]["formats"]


@pytest.mark.parametrize(
    "size", [(4000, 3000), (3333, 5001), (2049, 2048), (2500, 2501), (7000, 3), (8191, 5461)]
)
def test_the_downscale_size_is_pillows_thumbnail_rule(size):
    """downscaled_size (which the static site's JavaScript repeats) is what Pillow's
    thumbnail gives, and read_photo shrinks to it."""
    from tutorial.content.photofit import downscaled_size

    side = LIMITS["max_side_px"]
    image = Image.new("1", size)
    image.thumbnail((side, side))
    assert downscaled_size(*size, side) == image.size


def test_read_photo_shrinks_to_the_size_from_the_files_own_size():
    from tutorial.content.photofit import downscaled_size

    data = _image_bytes((5001, 3333), quality=40)
    assert read_photo(data, "odd.jpg").size == downscaled_size(5001, 3333, 2048) == (2048, 1365)


def test_the_smallest_side_comes_from_photo_toml(monkeypatch):
    from tutorial.content import photofit

    settings = photofit.load_photo_settings()
    changed = {**settings, "limits": {**settings["limits"], "min_side_px": 700}}
    monkeypatch.setattr("tutorial.drawing.photoimage.load_photo_settings", lambda: changed)
    _refused(_image_bytes((600, 900)), "too_small")
