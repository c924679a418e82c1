"""Tests for tutorial.widgets.style: the bundled CJK font in the page; the projector switch."""

import base64
import re
from importlib import resources

import pytest
from fontTools.ttLib import TTFont

import tutorial
from tutorial.store.files import FONT_URL_ENV
from tutorial.widgets import style

FONT = resources.files("tutorial").joinpath("fonts", "TutorialCJKSubset-Regular.ttf")


@pytest.fixture(autouse=True)
def _reset_projector():
    yield
    style.set_projector(None)


def _cjk(text: str) -> set[str]:
    return {ch for ch in text if 0x2E80 <= ord(ch) <= 0x9FFF or 0xFF00 <= ord(ch) <= 0xFFEF}


def test_the_font_covers_every_hanzi_the_widgets_show():
    covered = {chr(c) for c in TTFont(str(FONT)).getBestCmap()}
    shown = set()
    for point in tutorial.load_points().values():
        shown |= _cjk(point.hanzi)
    for data in resources.files("tutorial").joinpath("data").iterdir():
        if data.name.endswith(".toml"):
            shown |= _cjk(data.read_text(encoding="utf-8"))
    assert shown
    assert shown <= covered, sorted(shown - covered)


def test_the_page_style_serves_the_font_as_font_face():
    css = style.PageStyle(projector=False)._css
    assert 'font-family: "Tutorial CJK"' in css
    encoded = re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1)
    assert base64.b64decode(encoded) == FONT.read_bytes()
    # named first in the widgets' font stack, for the CJK blocks only (Latin keeps the system
    # font; hanzi never reach a system font that claims them without having them)
    assert 'font-family: "Tutorial CJK", var(--jp-ui-font-family' in css.split("}", 1)[1]
    assert "unicode-range: U+2E80-9FFF" in css.split("}", 1)[0]
    assert "body[data-voila] .calf-lab-only" in css
    assert "zoom" not in css


@pytest.fixture
def font_css():
    """``font_css()``: the page style's CSS, made afresh (it is made once per kernel)."""
    style._font_css.cache_clear()
    yield lambda: style.PageStyle(projector=False)._css
    style._font_css.cache_clear()


def test_on_the_presenting_server_the_page_style_links_to_the_servers_font(monkeypatch, font_css):
    """``make present`` serves the font and names its URL in each kernel's environment: the
    page style links to it (browsers fetch it once) instead of carrying 258 kB of it."""
    url = "/room/calf-tutorial/fonts/TutorialCJKSubset-Regular.ttf?v=0123abcd"
    monkeypatch.setenv(FONT_URL_ENV, url)
    css = font_css()
    assert f'src: url("{url}") format("truetype")' in css
    assert "base64" not in css
    assert len(css.encode()) < 10_000  # all of the page style; with the font in it, 350 kB


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://elsewhere.example/font.ttf",  # only a path on the page's own server
        '/font.ttf") ; } body { display: none',  # cannot end the CSS string
        "/font.ttf\nx",
        "fonts/relative.ttf",
    ],
)
def test_the_page_style_embeds_the_font_unless_the_server_names_a_plain_path(
    monkeypatch, font_css, url
):
    monkeypatch.setenv(FONT_URL_ENV, url)
    encoded = re.search(r'src: url\("data:font/ttf;base64,([A-Za-z0-9+/=]+)"\)', font_css())
    assert base64.b64decode(encoded.group(1)) == FONT.read_bytes()


def test_projector_mode_from_the_switch_or_the_environment(monkeypatch):
    monkeypatch.delenv(style.PROJECTOR_ENV, raising=False)
    assert not style.projector()
    monkeypatch.setenv(style.PROJECTOR_ENV, "1")
    assert style.projector()
    style.set_projector(False)
    assert not style.projector()
    style.set_projector(None)
    assert style.projector()


def test_the_page_style_follows_the_switch():
    page = style.use_page_style()
    assert style.use_page_style() is page  # one per kernel
    style.set_projector(True)
    assert page.projector
    assert "zoom" in page._css
    style.set_projector(False)
    assert "zoom" not in page._css


def test_make_present_turns_projector_mode_on():
    from pathlib import Path

    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    present = makefile.split("\npresent:", 1)[1].split("\n\n", 1)[0]
    assert f"{style.PROJECTOR_ENV}=1" in present
