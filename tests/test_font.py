"""The bundled CJK font (issue 15): a small subset, licensed, with a glyph for every
character the Chinese course shows (catalogs, data translations, lessons)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from tutorial.content.loader import read_data_toml

ROOT = Path(__file__).resolve().parent.parent
FONTS = resources.files("tutorial").joinpath("fonts")
FONT = FONTS.joinpath("TutorialCJKSubset-Regular.ttf")
BOLD = FONTS.joinpath("TutorialCJKSubset-Bold.ttf")
CATALOGS = resources.files("tutorial").joinpath("locale", "zh_Hans", "LC_MESSAGES")
DATA = resources.files("tutorial").joinpath("data")


def _cmap(path) -> set[int]:
    return set(TTFont(str(path)).getBestCmap())


def _dejavu() -> set[int]:
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return _cmap(path)


def _catalog_texts() -> list[tuple[str, str]]:
    """``(where, text)`` of every Chinese message in every catalog."""
    out = []
    for po in CATALOGS.iterdir():
        if not po.name.endswith(".po"):
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale="zh_Hans")
        for message in catalog:
            if not message.id:
                continue
            strings = [message.string] if isinstance(message.string, str) else message.string
            out += [(f"{po.name}: {message.id!r}", s) for s in strings]
    return out


def _data_texts() -> list[tuple[str, str]]:
    """``(where, text)`` of every string in the data files (the zh-Hans tables included)."""
    out = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")
        elif isinstance(node, str):
            out.append((where, node))

    for path in DATA.iterdir():
        if path.name.endswith(".toml"):
            walk(read_data_toml(path.name), path.name)
    return out


def _lesson_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "notebooks").glob("**/*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            source = cell["source"]
            out.append((f"{path.name} cell {i}", "".join(source)))
    return out


def test_the_bundled_font_is_a_small_renamed_truetype_subset():
    font = TTFont(str(FONT))
    assert font["name"].getDebugName(1) == "Tutorial CJK Subset"  # renamed, as the OFL asks
    assert "glyf" in font  # TrueType outlines: matplotlib embeds them in PDF (Type 42)
    cmap = font.getBestCmap()
    assert 100 < len(cmap) < 4000  # a subset of Noto Sans CJK SC's 65,000 glyphs
    assert len(font.getGlyphOrder()) < 1.2 * len(cmap)  # no unused variant glyphs kept
    assert FONT.stat().st_size < 1_200_000
    licence = FONTS.joinpath("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name" in licence or "Noto" in licence


def test_the_bold_subset_holds_the_same_characters_under_the_same_family():
    regular, bold = TTFont(str(FONT)), TTFont(str(BOLD))
    assert bold["name"].getDebugName(1) == "Tutorial CJK Subset"
    assert bold["name"].getDebugName(2) == "Bold"
    assert bold["OS/2"].usWeightClass == 700
    assert "glyf" in bold
    assert set(bold.getBestCmap()) == set(regular.getBestCmap())
    assert BOLD.stat().st_size < 1_200_000


def test_bold_hanzi_are_drawn_bold():
    """Titles and headings with hanzi use the bold face: more ink than the regular one."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from tutorial.drawing.legs import register_fonts

    family = register_fonts()
    assert font_manager.findfont(
        font_manager.FontProperties(family=family[1:], weight="bold")
    ).endswith("TutorialCJKSubset-Bold.ttf")

    def ink(weight: str) -> float:
        fig = Figure(figsize=(4, 1), dpi=100)
        fig.text(0.05, 0.3, "小腿抽筋的急救", fontsize=28, fontfamily=family, fontweight=weight)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return float((255 - np.asarray(canvas.buffer_rgba())[..., 0]).sum())

    assert ink("bold") > 1.2 * ink("normal")


def test_every_character_of_the_chinese_course_has_a_glyph():
    """What matplotlib draws comes from DejaVu Sans, else from the bundled subset: every
    character of every catalog, data file and lesson must be in one of the two."""
    have = _cmap(FONT) | _dejavu()
    texts = _catalog_texts() + _data_texts() + _lesson_texts()
    assert any("委中" in text for _where, text in texts)
    missing: dict[str, str] = {}
    for where, text in texts:
        for char in text:
            if char.isprintable() and not char.isspace() and ord(char) not in have:
                missing.setdefault(char, where)
    assert not missing, (
        "run python scripts/make_font_subset.py (characters missing from the bundled font, "
        f"with where each is first used): {missing}"
    )


def test_the_subset_script_collects_what_the_test_checks():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_font_subset
    finally:
        sys.path.pop(0)
    wanted = make_font_subset.course_characters()
    for _where, text in _catalog_texts() + _data_texts():
        assert {c for c in text if make_font_subset.is_cjk(c)} <= wanted
