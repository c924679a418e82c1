"""Regenerate tutorial/fonts/TutorialCJKSubset-{Regular,Bold}.ttf, the bundled hanzi fonts.

Source: Noto Sans CJK SC Regular and Bold (SIL Open Font License 1.1, (c) Adobe), as shipped
in the Debian/Ubuntu package ``fonts-noto-cjk`` (``NotoSansCJK-Regular.ttc`` and
``NotoSansCJK-Bold.ttc``) or downloaded from https://github.com/notofonts/noto-cjk. The bold
face is for matplotlib, which cannot embolden a font (titles, headings of the handout); the
browser pages use the regular face and embolden it themselves.

The subsets keep every CJK character the course shows: those in ``tutorial/data/*.toml``
(the Chinese names and the data's zh-Hans translations), in the Chinese message catalogs
``tutorial/locale/zh_Hans/LC_MESSAGES/*.po`` and in the lessons (``notebooks/**/*.ipynb``,
the Chinese lessons included), plus a small margin of words a lesson may need. They are
converted from CFF to TrueType outlines (so that matplotlib can embed them in PDF as well as
PNG) and renamed, as the OFL asks of modified versions. The license text is tutorial/fonts/OFL.txt.

Usage::

    python scripts/make_font_subset.py [PATH-TO-NotoSansCJK-Regular.ttc [PATH-TO-...-Bold.ttc]]

Run it again whenever new hanzi appear in the data, the catalogs or the lessons (after
writing or changing a translation): tests/test_font.py fails, naming the characters,
until it is. The output is the same bytes for the same characters.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tutorial" / "data"
CATALOGS = ROOT / "tutorial" / "locale" / "zh_Hans" / "LC_MESSAGES"
LESSONS = ROOT / "notebooks"
FONTS = ROOT / "tutorial" / "fonts"
STYLES = ("Regular", "Bold")
FAMILY = "Tutorial CJK Subset"
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
# Margin: left/right, leg, views, acupoint words, the CJK punctuation a translation may use.
MARGIN = (
    "左右腿脚足膝小前后内外侧面穴位点经步骤分秒一二三四五六七八九十"
    "，。、：；！？（）《》〈〉「」『』【】〔〕…—～％"
    # the words of dates and times Babel writes in Chinese ("3月", "周日", "上午")
    "年月日周星期上午下午时"
)


def is_cjk(char: str) -> bool:
    """Whether ``char`` needs the CJK font (ideographs, CJK punctuation, fullwidth forms)."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FFFF
    )


def data_characters() -> set[str]:
    """Every CJK character in the package data files (and the site's lesson list)."""
    chars: set[str] = set()
    for path in sorted([*DATA.glob("*.toml"), *(DATA.parent / "site").glob("*.toml")]):
        chars.update(c for c in path.read_text(encoding="utf-8") if is_cjk(c))
    return chars


def catalog_characters() -> set[str]:
    """Every CJK character in the Chinese message catalogs (all domains)."""
    chars: set[str] = set()
    for path in sorted(CATALOGS.glob("*.po")):
        chars.update(c for c in path.read_text(encoding="utf-8") if is_cjk(c))
    return chars


def lesson_characters() -> set[str]:
    """Every CJK character in the lessons' cells (English and Chinese notebooks)."""
    chars: set[str] = set()
    for path in sorted(LESSONS.glob("**/*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", ()):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            chars.update(c for c in text if is_cjk(c))
    return chars


def course_characters() -> set[str]:
    """Every CJK character the course shows, plus the margin."""
    return data_characters() | catalog_characters() | lesson_characters() | set(MARGIN)


def load_source(path: str) -> TTFont:
    if path.endswith(".ttc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == "Noto Sans CJK SC":
                return font
        raise SystemExit(f"{path}: no 'Noto Sans CJK SC' face in this collection")
    return TTFont(path)


def cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (fontTools' otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def rename(font: TTFont, style: str) -> None:
    names = font["name"]
    full = f"{FAMILY} {style}"
    postscript = FAMILY.replace(" ", "") + f"-{style}"
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID in (3, 4):
            record.string = full
        elif record.nameID == 6:
            record.string = postscript
    names.names = [r for r in names.names if r.nameID not in (21, 22)]


def make_subset(source: str, style: str, chars: set[str]) -> Path:
    """Write ``TutorialCJKSubset-<style>.ttf`` holding ``chars`` from ``source``."""
    font = load_source(source)
    options = subset.Options()
    # Horizontal Simplified Chinese only: the other features (vertical forms, the Japanese,
    # Korean and Traditional glyph variants) would double the glyphs kept.
    options.layout_features = ["ccmp", "kern", "palt", "halt"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    cff_to_glyf(font)
    rename(font, style)
    out = FONTS / f"TutorialCJKSubset-{style}.ttf"
    out.parent.mkdir(parents=True, exist_ok=True)
    font.recalcTimestamp = False  # keep the source date: reruns give identical bytes
    font.save(out)
    return out


def _source(argv: list[str], style: str) -> str:
    index = STYLES.index(style) + 1
    if len(argv) > index:
        return argv[index]
    candidates = [c.replace("-Regular.", f"-{style}.") for c in CANDIDATES]
    found = next((p for p in candidates if Path(p).exists()), "")
    if not found:
        raise SystemExit(f"NotoSansCJK-{style}.ttc not found; pass its path (fonts-noto-cjk)")
    return found


def main(argv: list[str]) -> int:
    chars = course_characters() | {" "}
    for style in STYLES:
        out = make_subset(_source(argv, style), style, chars)
        print(f"wrote {out.relative_to(ROOT)}: {len(chars)} characters, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
