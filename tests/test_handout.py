"""Tests for tutorial.handout: the PDF has the pages and the text it promises."""

import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from tutorial import load_routine, load_safety
from tutorial.handout import make_handout


def _text(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text())


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = make_handout(tmp_path_factory.mktemp("handout") / "sub" / "handout.pdf")
    return PdfReader(path)


def test_two_a4_pages_with_a_title(pdf):
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert pdf.metadata.title == "Calf-cramp self-massage: handout"


def test_page_one_is_the_safety_box(pdf):
    text = _text(pdf.pages[0])
    safety = load_safety()
    assert safety.first_aid_title in text
    assert "Straighten the knee." in text
    for flag in safety.red_flags:
        assert flag.title in text
        assert flag.action in text
    assert "skip step 8" in text
    assert "traditional Chinese self-massage practice" in text
    assert len(pdf.pages[0].images) == 1  # the overview diagram


def test_page_two_has_every_step_with_timing_points_and_cautions(pdf):
    text = _text(pdf.pages[1])
    routine = load_routine()
    for number, step in enumerate(routine.steps, start=1):
        assert f"{number}. {step.title}" in text
        assert step.caution in text
    assert "1 min to 2 min (planned 1 min 30 s)" in text
    assert text.count("30 s to 1 min (planned 45 s)") == 7
    assert "BL40 Wěizhōng 委中" in text
    assert "BL60 Kūnlún 昆仑, KI3 Tàixī 太溪" in text
    assert "Traditional effect: Moves the blood" in text
    assert "Pincer-press (he-an" in text  # the technique glossary
    assert "4 min 30 s to 9 min" in text


def test_a_long_routine_flows_onto_more_pages(tmp_path):
    routine = load_routine()
    steps = tuple(
        replace(step, id=f"{step.id}-{n}", title=f"{step.title} round {n}")
        for n in range(3)
        for step in routine.steps
    )
    path = make_handout(tmp_path / "long.pdf", replace(routine, steps=steps))
    reader = PdfReader(path)
    assert len(reader.pages) >= 4
    text = " ".join(_text(p) for p in reader.pages[1:])
    for step in steps:
        assert step.title in text
    assert "(continued)" in text


def test_only_pdf_names():
    with pytest.raises(ValueError, match="pdf"):
        make_handout("handout.png")
