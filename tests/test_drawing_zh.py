"""The pictures and the handout in Chinese (issue 15, items 1 and 5): every drawn word from
the ``drawing`` catalog or from leg.toml in the current language, hanzi in the bundled CJK
font, pictures cached per language, and the Chinese handout broken into lines by the CJK
rules and kept inside the page margins."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from importlib import resources

import matplotlib.pyplot as plt
import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from pypdf import PdfReader

from tutorial import load_routine
from tutorial.content import i18n
from tutorial.content.model import VIEWS
from tutorial.drawing import charts, illustrations, photoimage
from tutorial.drawing import handout as handout_module
from tutorial.drawing import legs as drawing
from tutorial.drawing.handout import (
    A4_FIGSIZE,
    MARGIN,
    NO_LINE_END,
    NO_LINE_START,
    handout_figures,
    make_handout,
    text_width_in,
    wrap,
)

CJK_FAMILY = "Tutorial CJK Subset"
#: The Chinese titles of a RIGHT leg's views: leg, view, where the knee is (leg.toml).
ZH_TITLES = {
    "anterior": "右腿 · 前面观 · 膝在上方",
    "lateral": "右腿 · 外侧面 · 膝在上方",
    "posterior": "右腿 · 后面观 · 膝在上方",
    "medial": "右腿 · 内侧面 · 膝在上方",
}
ZH_EDGES = {  # (left edge, right edge) of a right leg
    "anterior": ("外侧", "内侧"),
    "lateral": ("后面（小腿肚）", "前面（胫骨）"),
    "posterior": ("内侧", "外侧"),
    "medial": ("前面（胫骨）", "后面（小腿肚）"),
}
HANZI = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def zh(chinese):
    """Draw in Chinese for one test (the language is restored after every test)."""
    return chinese


@pytest.fixture
def no_missing_glyphs():
    """Every warning is an error: matplotlib warns of each glyph missing from the fonts."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def words(ax) -> dict[str, str]:
    """The orientation words of a leg picture (glyph outlines labelled with their text)."""
    return {
        p.get_gid().split(":", 1)[1]: p.get_label()
        for p in ax.patches
        if (p.get_gid() or "").startswith("orientation:")
    }


def new_ax(figsize=(3.2, 6.0)):
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig.add_axes((0.02, 0.02, 0.96, 0.96))


# -- diagrams ---------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_a_leg_in_chinese_names_leg_view_and_sides_in_chinese(view, zh, no_missing_glyphs):
    ax = drawing.draw_leg(view, highlight=["ST36"], cun_scale=True, hanzi=True, ax=new_ax())
    found = words(ax)
    assert found["title"].split("\n")[0] == ZH_TITLES[view]
    left, right = ZH_EDGES[view]
    assert found["left"] == f"← {left}"
    assert found["right"] == f"{right} →"
    unit = [p.get_label() for p in ax.patches if p.get_gid() == "cun-scale:unit"]
    assert unit == ["骨度分寸"]
    ax.figure.canvas.draw()  # the hanzi are drawn: a missing glyph would warn (an error here)

    left_leg = drawing.draw_leg(view, side="left", labels=False, ax=new_ax())
    found = words(left_leg)
    assert found["title"].startswith(ZH_TITLES[view].replace("右腿", "左腿"))
    assert found["left"] == f"← {right}"  # the mirror image: the edges swap


EN_NAMES = {
    "anterior": "front view",
    "lateral": "outer side",
    "posterior": "back view",
    "medial": "inner side",
}


@pytest.mark.parametrize("view", VIEWS)
def test_a_leg_in_english_is_unchanged(view, zh):
    i18n.set_language("en")
    found = words(drawing.draw_leg(view, ax=new_ax()))
    assert found["title"].startswith(f"Right leg · {EN_NAMES[view]} · knee at the top\n")
    assert not HANZI.search("".join(found.values()))


def test_the_orientation_words_follow_the_language(zh):
    assert drawing.orientation_words("lateral") == {
        "title": "右腿 · 外侧面 · 膝在上方\n从你的外侧看",
        "left": "← 后面（小腿肚）",
        "right": "前面（胫骨） →",
    }
    i18n.set_language("en")
    assert drawing.orientation_words("lateral") == {
        "title": "Right leg · outer side · knee at the top\nas seen from your outer side",
        "left": "← back (calf)",
        "right": "front (shin) →",
    }


def test_the_chinese_title_is_drawn_with_the_cjk_font(zh):
    """Glyph outlines of the title: its hanzi come from the bundled font (DejaVu has none)."""
    path, (x0, _y0, x1, _y1) = drawing._glyph_path("右腿，外侧", 10.0, False)
    assert len(path.vertices) > 200  # five glyphs' outlines, not empty boxes
    assert x1 - x0 == pytest.approx(50, abs=3)  # five full-width characters of 10 pt


def test_overview_in_chinese(zh, no_missing_glyphs):
    fig = drawing.draw_routine_overview(hanzi=True)
    FigureCanvasAgg(fig).draw()
    assert "按压部位（右腿）" in fig._suptitle.get_text()
    texts = [t.get_text() for t in fig.texts]
    assert "数字是流程中的步骤。骨度分寸：膝横纹至外踝尖 = 16寸。" in texts
    titles = [words(ax)["title"].split("\n")[0] for ax in fig.axes if words(ax)]
    assert titles == [ZH_TITLES[v] for v in VIEWS]


def test_a_step_picture_names_its_area_in_chinese(zh, no_missing_glyphs):
    step = next(s for s in load_routine().steps if s.id == "grasp-calf")
    ax = drawing.draw_step(step, ax=new_ax())
    (label,) = [t for t in ax.texts if t.get_gid() == "area-label:grasp-calf"]
    assert label.get_text().startswith("整个小腿：")
    assert CJK_FAMILY in label.get_fontfamily()
    ax.figure.canvas.draw()


def test_charts_in_chinese(zh, no_missing_glyphs, monkeypatch):
    # The charts' words are this catalog's; the plan's numbers come from timer.toml, whose
    # words (translated with the widgets) the charts do not show.
    from tutorial.content import timing
    from tutorial.content.loader import read_data_toml

    settings = i18n.localize_data(read_data_toml("timer.toml", translated=False), "t", "en")
    monkeypatch.setattr(timing, "load_timer_settings", lambda: settings)
    assert charts.format_minutes(270) == "4分钟30秒"
    assert charts.format_minutes(540) == "9分钟"
    assert charts.format_minutes(45) == "45秒"
    fig = Figure(figsize=(9, 5))
    FigureCanvasAgg(fig)
    ax = charts.draw_timeline(legs="both", ax=fig.add_subplot())
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[-1] == "换腿"
    assert ax.get_xlabel() == "从开始算起的分钟数"
    total = next(t for t in ax.texts if t.get_gid() == "total-label")
    assert total.get_text().strip().startswith("共")
    assert all(CJK_FAMILY in t.get_fontfamily() for t in ax.get_yticklabels())
    fig.canvas.draw()

    ax = charts.draw_variants(ax=Figure().add_subplot())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["快速：每步取最短时长", "默认：每步取中间时长", "完整：每步取最长时长"]
    assert ax.get_xlabel() == "分钟（单腿）"

    history = [
        {"segment": 0, "step_id": "prepare", "leg": "right", "planned_seconds": 60,
         "actual_seconds": 55},
        {"segment": 9, "step_id": "prepare", "leg": "left", "planned_seconds": 60,
         "actual_seconds": 61},
    ]  # fmt: skip
    ax = charts.draw_planned_vs_actual(history, ax=Figure().add_subplot())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["计划", "实际"]
    assert [t.get_text() for t in ax.get_yticklabels()][1].endswith("（左腿）")
    empty = charts.draw_planned_vs_actual([], ax=Figure().add_subplot())
    assert empty.texts[0].get_text().startswith("还没有计时的步骤")


def test_stretches_and_posture_in_chinese(zh, no_missing_glyphs):
    fig = Figure(figsize=(10, 5))
    FigureCanvasAgg(fig)
    towel = illustrations.draw_stretch("towel", ax=fig.add_subplot(131))
    wall = illustrations.draw_stretch("wall", ax=fig.add_subplot(132))
    seated = illustrations.draw_seated(ax=fig.add_subplot(133))
    assert towel.get_title() == "坐姿：膝伸直，用毛巾把脚趾拉向胫骨"
    assert wall.get_title().startswith("站姿：")
    assert seated.get_title() == "第1步的姿势（侧面看）"
    cues = [t.get_text() for ax in (towel, wall, seated) for t in ax.texts]
    assert "膝伸直" in cues
    assert "坐直" in cues
    assert not [c for c in cues if re.search("[A-Za-z]{2,}", c)]  # nothing left in English
    fig.canvas.draw()
    i18n.set_language("en")
    assert (
        illustrations.draw_stretch("towel", ax=Figure().add_subplot()).get_title()
        == (illustrations.STRETCHES["towel"])
    )


# -- pictures cached per language -------------------------------------------------------


def test_cached_pictures_are_kept_per_language(zh):
    """The stand-in photo's drawing (made once per process) carries the orientation words."""
    zh_png, zh_map = photoimage._drawn_view("lateral")
    i18n.set_language("en")
    en_png, _en_map = photoimage._drawn_view("lateral")
    assert zh_png.startswith(b"\x89PNG")
    assert en_png.startswith(b"\x89PNG")
    assert zh_png != en_png  # the words differ, so the pictures do
    assert photoimage._drawn_view("lateral")[0] is en_png  # and each is kept
    i18n.set_language("zh-Hans")
    assert photoimage._drawn_view("lateral")[0] is zh_png
    assert photoimage._drawn_view("lateral")[1] is zh_map


# -- the handout: line breaking ---------------------------------------------------------


def _catalog_chinese() -> list[str]:
    """The Chinese sentences of the drawing catalog (their characters are in the font)."""
    po = resources.files("tutorial").joinpath("locale", "zh_Hans", "LC_MESSAGES", "drawing.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    out = []
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else message.string
        for text in strings:
            text = re.sub(r"\{[a-z_]+\}", "", text).replace("\n", "")
            if HANZI.search(text):
                out.append(text)
    return out


ZH_TEXT = "".join(_catalog_chinese())


def _em(size: float = 10.0) -> float:
    """Inches per em at ``size`` points (plus the wrapper's 2 % to spare)."""
    return size / 72 * 1.02


def test_chinese_breaks_between_characters_but_not_before_closing_punctuation():
    text = "左右前后，小腿"  # 4 em fit: "后" would end the line, "，" start the next
    assert wrap(text, 4.2 * _em(), 10) == ["左右前", "后，小腿"]
    assert wrap("左右前后。", 4.2 * _em(), 10) == ["左右前", "后。"]
    assert wrap("左右前后：；小腿", 5.2 * _em(), 10) == ["左右前", "后：；小腿"]


def test_no_line_ends_with_opening_punctuation():
    assert wrap("左右前（小腿）", 4.2 * _em(), 10) == ["左右前", "（小腿）"]
    assert wrap("左右「前后」", 3.2 * _em(), 10) == ["左右", "「前", "后」"]


def test_latin_words_in_chinese_text_are_kept_whole():
    text = "按压足三里（ST36），Zúsānlǐ 在小腿前面。"
    for width in (6.0, 7.0, 9.0, 12.0):  # the longest piece, "（ST36），", is 5.5 em
        lines = wrap(text, width * _em(), 10)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        joined = "\n".join(lines)
        assert "ST36" in joined
        assert "Zúsānlǐ" in joined
        for line in lines:
            assert text_width_in(line, 10) <= width * _em() + 1e-9
            assert line[0] not in NO_LINE_START
            assert line[-1] not in NO_LINE_END
    assert wrap(text, 6.0 * _em(), 10)[1] == "（ST36），"  # brackets and comma with the word


def test_a_piece_too_long_for_a_line_is_broken_still_keeping_the_rules():
    text = "左" * 9 + "，" + "右" * 9
    lines = wrap(text, 5.2 * _em(), 10)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert all(text_width_in(line, 10) <= 5.2 * _em() for line in lines)
    # A bracketed word wider than the line: broken, but "）" and "，" never start a line.
    for width in (4.0, 6.0, 8.0):
        lines = wrap("左（Yánglíngquán），右", width * _em(), 10)
        assert "".join(lines) == "左（Yánglíngquán），右"
        assert all(line[0] not in NO_LINE_START and line[-1] not in NO_LINE_END for line in lines)
        assert all(text_width_in(line, 10) <= width * _em() for line in lines)


_HAN = st.sampled_from(sorted({c for c in ZH_TEXT if HANZI.match(c)}))
_CLOSE = st.sampled_from(list("，。、：；）」"))
_LATIN = st.sampled_from(["ST36", "BL40", "Zúsānlǐ", "Yánglíngquán", "B-cun", "1", "16"])
_CLAUSE = st.tuples(
    st.lists(_HAN, min_size=1, max_size=14).map("".join),
    st.one_of(st.just(""), _LATIN.map(lambda w: f"（{w}）"), _LATIN.map(lambda w: f" {w} ")),
    st.lists(_HAN, min_size=0, max_size=6).map("".join),
    _CLOSE,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_CLAUSE, min_size=1, max_size=10).map("".join), st.floats(12.0, 40.0))
def test_wrapping_chinese_keeps_every_character_and_every_rule(text, width_em):
    width = width_em * _em(9)
    lines = wrap(text, width, 9)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert text_width_in(line, 9) <= width + 1e-9
        assert line[:1] not in NO_LINE_START, lines
        assert line[-1:] not in NO_LINE_END, lines
        assert not line.startswith(" ")
    words = set(re.findall(r"[A-Za-z0-9ǐāú-]+", text))
    assert words <= set(re.findall(r"[A-Za-z0-9ǐāú-]+", "\n".join(lines)))  # none split


# -- the handout: in Chinese, on the page, the font embedded ------------------------------


def _chinese_routine():
    """The built-in routine with long Chinese text (characters from the catalog)."""
    sentences = [s for s in _catalog_chinese() if len(s) >= 4]
    routine = load_routine()
    steps = []
    for number, step in enumerate(routine.steps):
        body = "".join(sentences[number % len(sentences) :] + sentences[:3])
        steps.append(
            replace(
                step,
                title=sentences[number % len(sentences)][:12],
                instructions=f"{body}（ST36，Zúsānlǐ）{body[:40]}",
                effect=sentences[(number + 5) % len(sentences)] if step.effect else "",
                caution=sentences[(number + 9) % len(sentences)] if step.caution else "",
            )
        )
    return replace(routine, title="小腿抽筋自我按摩", description=ZH_TEXT[:300], steps=steps)


@pytest.fixture(scope="module")
def zh_handout(tmp_path_factory):
    before = i18n.get_language()
    i18n.set_language("zh-Hans")
    try:
        routine = _chinese_routine()
        figures = handout_figures(routine)
        path = make_handout(tmp_path_factory.mktemp("zh") / "handout.pdf", routine)
        yield routine, figures, PdfReader(path)
    finally:
        i18n.set_language(before)


def test_the_chinese_handout_embeds_the_bundled_font(zh_handout):
    _routine, _figures, pdf = zh_handout
    for page in pdf.pages:
        fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
        cjk = [f for f in fonts if "TutorialCJKSubset" in f["/BaseFont"]]
        assert cjk, [f["/BaseFont"] for f in fonts]
        for font in cjk:
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded


def test_the_chinese_handout_text_is_chinese(zh_handout):
    routine, _figures, pdf = zh_handout
    pages = [re.sub(r"\s+", "", page.extract_text()) for page in pdf.pages]
    assert "出现以下情况时不要按摩，请就医：" in pages[0]
    assert "小腿抽筋自我按摩：按压部位（右腿）" in pages[1]
    steps = "".join(pages[2:])
    assert "手法说明" in steps
    assert "Grasp-knead" not in steps  # techniques by their Chinese names, not the keys
    for number, step in enumerate(routine.steps, start=1):
        assert f"{number}.{step.title}" in steps
        assert step.instructions.replace(" ", "") in steps  # every character, in order
    assert f"第1页，共{len(pdf.pages)}页" in pages[0]
    assert pdf.metadata.title == "小腿抽筋自我按摩：讲义"


def test_every_line_of_the_chinese_handout_is_inside_the_margins(zh_handout):
    """Widths as the PDF sets them (matplotlib's unhinted text metrics), against the margins;
    and the drawn boxes (hinted, as on screen) on the page."""
    _routine, figures, _pdf = zh_handout
    checked = 0
    for fig in figures:
        FigureCanvasAgg(fig).draw()
        page_in = fig.get_size_inches()[0]
        for text in fig.texts:
            line = text.get_text()
            if not line.strip():
                continue
            width_in = (
                text_to_path.get_text_width_height_descent(
                    line, text.get_fontproperties(), ismath=False
                )[0]
                / 72
            )
            x_in = text.get_position()[0] * page_in
            left = {"left": x_in, "center": x_in - width_in / 2}[text.get_horizontalalignment()]
            assert left >= MARGIN - 1e-6, line
            assert left + width_in <= page_in - MARGIN + 1e-6, line
            assert fig.bbox.x0 <= text.get_window_extent().x0, line
            assert text.get_window_extent().x1 <= fig.bbox.x1, line
            assert line[0] not in NO_LINE_START, line
            assert line[-1] not in NO_LINE_END, line
            checked += 1
    assert checked > 80
    assert tuple(figures[0].get_size_inches()) == A4_FIGSIZE


def test_the_width_measure_matches_matplotlib_for_chinese():
    """The wrapper's measure is matplotlib's unhinted width (as in the PDF) plus 2 %."""
    prop = FontProperties(family=drawing.register_fonts(), size=10)
    for text in (ZH_TEXT[:40], "按压足三里（ST36），Zúsānlǐ 在小腿前面。"):
        actual = text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0] / 72
        assert actual <= handout_module.text_width_in(text, 10) <= actual * 1.03
