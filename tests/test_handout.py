"""Tests for tutorial.drawing.handout: safety first and complete, then the map, then the steps;
every text at least 8 pt and on the page; user text kept whole and inert; atomic writes."""

import re
from dataclasses import replace

import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from pypdf import PdfReader

from tutorial import load_points, load_routine, load_safety
from tutorial.drawing import handout as handout_module
from tutorial.drawing.handout import (
    A4_FIGSIZE,
    A4_LANDSCAPE,
    MIN_FONT_SIZE,
    handout_figures,
    inert,
    make_handout,
    wrap,
)
from tutorial.drawing.legs import path_text_size


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text())


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = make_handout(tmp_path_factory.mktemp("handout") / "sub" / "handout.pdf")
    return PdfReader(path)


def test_a4_pages_safety_then_the_map_landscape_then_the_steps(pdf):
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pdf.pages]
    assert sizes[0] == (595, 842)  # A4 portrait, in points
    assert sizes[1] == (842, 595)  # the map: A4 landscape, the four views at full size
    assert all(size == (595, 842) for size in sizes[2:])
    assert pdf.metadata.title == "Calf-cramp self-massage: handout"
    assert load_safety().first_aid_title in _text(pdf.pages[0])
    assert "where to press" in _text(pdf.pages[1])
    assert "1. Preparation" in _text(pdf.pages[2])


def test_the_safety_page_is_complete(pdf):
    text = _text(pdf.pages[0])
    safety = load_safety()
    for step in safety.first_aid_steps:
        assert step in text
    for flag in safety.red_flags:  # nothing shortened: title, explanation and action
        for part in (flag.title, flag.detail, flag.action):
            assert part in text, part
    for caution in safety.cautions:
        assert caution.title in text
        assert caution.action in text
    assert safety.pregnancy in text
    assert safety.posture["crossed"] in text
    assert safety.posture["alternative"] in text
    assert safety.traditional_notice in text


def test_the_map_has_one_line_per_point_saying_where_to_find_it(pdf):
    text = _text(pdf.pages[1])
    points = load_points()
    for code in load_routine().point_codes:
        assert f"{code} {points[code].pinyin}" in text
        assert points[code].location in text


def test_the_steps_have_timing_points_cautions_and_the_techniques(pdf):
    text = " ".join(_text(page) for page in pdf.pages[2:])
    routine = load_routine()
    for number, step in enumerate(routine.steps, start=1):
        assert f"{number}. {step.title}" in text
        if step.caution:
            assert step.caution in text
    assert "1 min to 2 min (planned 1 min 30 s)" in text
    assert text.count("30 s to 1 min (planned 45 s)") == 7
    assert "BL40 Wěizhōng 委中" in text
    assert "BL60 Kūnlún 昆仑, KI3 Tàixī 太溪" in text
    assert "Traditional effect: Moves the blood" in text
    assert "Pincer-press (hé-àn 合按)" in text  # the technique glossary, tone marks, no ((
    assert "4 min 30 s to 9 min" in text


def _all_texts(figures):
    for fig in figures:
        yield from fig.texts
        for ax in fig.axes:
            yield from ax.texts


def _path_texts(fig):
    """Fixed words drawn as glyph outlines (numbers, orientation words), with their size."""
    for artist in [*fig.patches, *(p for ax in fig.axes for p in ax.patches)]:
        try:
            yield artist, path_text_size(artist)
        except KeyError:
            continue


def test_every_text_is_at_least_8_pt_and_on_the_page():
    figures = handout_figures()
    assert [tuple(f.get_size_inches()) for f in figures[:2]] == [A4_FIGSIZE, A4_LANDSCAPE]
    for fig in figures:
        FigureCanvasAgg(fig).draw()  # the map is drawn at full size: no scaling
        page = fig.bbox
        for text in [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]:
            if not text.get_text().strip():
                continue
            assert text.get_fontsize() >= MIN_FONT_SIZE, text.get_text()
            box = text.get_window_extent()
            assert page.x0 <= box.x0, text.get_text()
            assert box.x1 <= page.x1, text.get_text()
            assert page.y0 <= box.y0, text.get_text()
            assert box.y1 <= page.y1, text.get_text()
        for artist, size in _path_texts(fig):
            assert size >= MIN_FONT_SIZE, artist.get_label()
            box = artist.get_window_extent()
            assert page.x0 <= box.x0, artist.get_label()
            assert box.x1 <= page.x1, artist.get_label()


def _evil_routine(steps: int = 8):
    routine = load_routine()
    long_word = "Unbreakable" * 40  # 440 characters, no space
    base = routine.steps
    made = []
    for n in range(steps):
        step = base[n % len(base)]
        made.append(
            replace(
                step,
                id=f"s{n}",
                title=f"Step {n} \u202eevil\u202c title",
                instructions=f"{step.instructions} {long_word} end-{n}",
            )
        )
    return replace(routine, title="My \u202eroutine", steps=tuple(made))


def test_user_text_is_kept_whole_inert_and_on_the_page(tmp_path):
    routine = _evil_routine()
    figures = handout_figures(routine)
    words = "".join(t.get_text() for t in _all_texts(figures))
    assert "\u202e" not in words
    assert "\u202c" not in words
    assert "[U+202E]" in words
    assert "have no effect" in words
    squeezed = re.sub(r"\s+", "", words)
    for step in routine.steps:  # every character of the instructions, in order
        assert re.sub(r"\s+", "", step.instructions) in squeezed
    for fig in figures[2:]:
        FigureCanvasAgg(fig).draw()
        for text in fig.texts:
            box = text.get_window_extent()
            assert fig.bbox.x0 <= box.x0, text.get_text()
            assert box.x1 <= fig.bbox.x1, text.get_text()
    path = make_handout(tmp_path / "evil.pdf", routine)
    pdf_text = "".join(_text(p) for p in PdfReader(path).pages)
    assert "\u202e" not in pdf_text
    assert "[U+202E]" in pdf_text


def test_a_long_routine_continues_on_more_pages(tmp_path):
    routine = _evil_routine(steps=40)
    path = make_handout(tmp_path / "long.pdf", routine)
    reader = PdfReader(path)
    assert len(reader.pages) >= 6
    text = " ".join(_text(p) for p in reader.pages[2:])
    for step in routine.steps:
        assert step.instructions.split()[-1] in text  # the end of every step made it
    assert "(continued)" in text


def test_wrap_breaks_only_what_does_not_fit():
    assert wrap("short words here", 5.0, 10) == ["short words here"]
    lines = wrap("a " + "x" * 500, 3.0, 10)
    assert lines[0] == "a"
    assert "".join(lines[1:]) == "x" * 500
    assert all(handout_module.text_width_in(line, 10) <= 3.0 for line in lines)
    assert inert("a\u202eb\u2066c") == ("a[U+202E]b[U+2066]c", True)
    assert inert("plain") == ("plain", False)


def test_the_pdf_is_written_atomically(tmp_path, monkeypatch):
    path = tmp_path / "handout.pdf"
    path.write_bytes(b"%PDF old")
    calls = []
    real = handout_module.atomic_write_bytes
    monkeypatch.setattr(
        handout_module, "atomic_write_bytes", lambda p, data: calls.append(p) or real(p, data)
    )
    make_handout(path)
    assert calls == [path]
    assert PdfReader(path).pages

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    path.write_bytes(b"%PDF old")
    monkeypatch.setattr(handout_module, "_footer", crash)
    with pytest.raises(RuntimeError):
        make_handout(path)
    assert path.read_bytes() == b"%PDF old"  # the old file is whole
    assert [p.name for p in tmp_path.iterdir()] == ["handout.pdf"]


def test_only_pdf_names():
    with pytest.raises(ValueError, match="pdf"):
        make_handout("handout.png")
