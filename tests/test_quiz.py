"""The quiz widgets without a browser: click messages, feedback, progress, figures."""

from __future__ import annotations

import io
import math

import matplotlib.image
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest
from matplotlib.patches import Circle

from tutorial.content.geometry import project
from tutorial.content.practice import PracticeSession, Progress, load_quiz_settings
from tutorial.widgets.quiz import (
    ClickImage,
    LocatePointQuiz,
    NamePointQuiz,
    PointQuiz,
    _p,
    _ViewPicture,
    data_to_fraction,
    draw_quiz_summary,
    fraction_to_data,
)

SETTINGS = load_quiz_settings()


@pytest.fixture(autouse=True)
def _no_home_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path / "home"))
    yield
    plt.close("all")


def _click_at(quiz: PointQuiz, x: float, y: float, n: int = 1) -> None:
    """What the browser sends: the click as fractions of the picture."""
    picture = quiz._picture(quiz.question.view)
    fx, fy = data_to_fraction(picture.ax, x, y)
    quiz.image.click = {"fx": fx, "fy": fy, "n": n}


def _png_size(png: bytes) -> tuple[int, int]:
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    return image.shape[1], image.shape[0]


# -- click mapping --------------------------------------------------------------------------


@pytest.mark.parametrize(("figsize", "dpi"), [((3.2, 6.0), 100), ((5.0, 7.0), 80)])
@pytest.mark.parametrize(("code", "view"), [("ST36", "anterior"), ("BL60", "lateral")])
def test_image_fraction_maps_to_the_data_point_drawn_there(figsize, dpi, code, view):
    # draw a magenta disc at the point, find it in the PNG, map its centre back to data
    # (a Circle patch: Agg rounds marker positions to whole pixels, patches it does not)
    picture = _ViewPicture(view, side="right", figsize=figsize, dpi=dpi)
    x, y = project(code, view)
    disc = Circle((x, y), 0.45, color="#FF00FF", lw=0, zorder=50, snap=False)
    picture.ax.add_patch(disc)
    png = picture.png()
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    height, width = pixels.shape[:2]
    assert (width, height) == (round(figsize[0] * dpi), round(figsize[1] * dpi))
    magenta = (pixels[..., 0] > 0.97) & (pixels[..., 1] < 0.03) & (pixels[..., 2] > 0.97)
    rows, cols = np.nonzero(magenta)
    assert len(rows) > 50
    fx, fy = (cols.mean() + 0.5) / width, (rows.mean() + 0.5) / height
    mx, my = fraction_to_data(picture.ax, fx, fy)
    assert math.hypot(mx - x, my - y) < 0.01
    assert data_to_fraction(picture.ax, x, y) == pytest.approx((fx, fy), abs=0.5 / width)


def test_mapping_round_trips_and_follows_the_figure_size():
    small = _ViewPicture("posterior", side="right", figsize=(3.2, 6.0), dpi=100)
    big = _ViewPicture("posterior", side="right", figsize=(6.4, 8.0), dpi=100)
    for picture in (small, big):
        picture.png()
        for fx, fy in [(0.5, 0.5), (0.1, 0.9), (0.73, 0.21)]:
            x, y = fraction_to_data(picture.ax, fx, fy)
            assert data_to_fraction(picture.ax, x, y) == pytest.approx((fx, fy), abs=1e-9)
    x, y = project("BL57", "posterior")
    assert data_to_fraction(small.ax, x, y) != pytest.approx(data_to_fraction(big.ax, x, y))


# -- locate ---------------------------------------------------------------------------------


def test_click_message_on_the_true_spot_is_right_and_three_cun_away_missed():
    quiz = LocatePointQuiz(seed=1, path=None)
    question = quiz.question
    assert question.kind == "locate"
    x, y = project(question.code, question.view)
    _click_at(quiz, x, y)
    assert quiz.verdict == "right"
    assert quiz.distance_cun < 0.05
    assert quiz.errors == []

    quiz.next_question()
    assert quiz.verdict == ""
    x, y = project(quiz.question.code, quiz.question.view)
    _click_at(quiz, x, y - SETTINGS.wrong_distance_cun, n=2)
    assert quiz.verdict == "missed"
    assert quiz.distance_cun == pytest.approx(SETTINGS.wrong_distance_cun, abs=0.05)
    assert quiz.answered == 2


def test_feedback_draws_true_spot_click_and_landmark_and_says_how_to_find_it():
    quiz = LocatePointQuiz(["ST36"], seed=1, path=None)
    before = quiz.image.png
    x, y = project("ST36", quiz.question.view)
    score = quiz.answer_data(x + 0.7, y)
    assert score.verdict == "close"
    picture = quiz._picture(quiz.question.view)
    assert picture.true.get_visible()
    assert tuple(picture.true.get_xydata()[0]) == pytest.approx((x, y))
    assert tuple(picture.click.get_xydata()[0]) == pytest.approx((x + 0.7, y))
    assert picture.landmark.get_visible()  # the tibial crest is traced
    assert "Tibial crest" in picture.keys["landmark"].get_text()
    assert "0.7 cun" in picture.keys["click"].get_text()
    assert quiz.image.png != before
    assert not quiz.image.enabled
    point = quiz.session.points["ST36"]
    assert "0.7 cun from ST36" in quiz._verdict.value
    assert "within 0.75 of a finger-breadth" in quiz._detail.value  # the band, from data
    assert "How to find it" in quiz._detail.value
    assert point.how_to_find.split(".")[0].replace("'", "&#x27;") in quiz._detail.value
    assert not quiz.next_button.disabled


def test_a_second_click_on_an_answered_question_is_ignored():
    quiz = LocatePointQuiz(seed=3, path=None)
    x, y = project(quiz.question.code, quiz.question.view)
    _click_at(quiz, x, y, n=1)
    _click_at(quiz, x + 5, y, n=2)
    assert quiz.verdict == "right"
    assert quiz.answered == 1
    assert quiz.session.progress.turn == 1


def test_leg_is_drawn_once_per_view_and_reused(monkeypatch):
    import tutorial.drawing.legs

    calls = []
    real = tutorial.drawing.legs.draw_leg

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(tutorial.drawing.legs, "draw_leg", counting)
    quiz = LocatePointQuiz(["ST36", "ST38"], seed=1, path=None)
    for _ in range(6):
        x, y = project(quiz.question.code, quiz.question.view)
        quiz.answer_data(x, y)
        quiz.next_question()
    assert len(calls) == len(set(calls)) <= 2
    # overlays are hidden again for a new question
    picture = quiz._picture(quiz.question.view)
    assert not picture.true.get_visible()
    assert not picture.click.get_visible()


# -- name and step --------------------------------------------------------------------------


def test_name_question_marks_the_point_and_offers_pinyin_and_hanzi_buttons():
    quiz = NamePointQuiz(seed=4, path=None)
    question = quiz.next_question(kind="name", code="BL57")
    picture = quiz._picture(question.view)
    assert picture.true.get_visible()
    assert tuple(picture.true.get_xydata()[0]) == pytest.approx(project("BL57", question.view))
    labels = [button.description for button in quiz._buttons]
    assert any("Chéngshān" in label and "承山" in label for label in labels)
    wrong = next(b for b in quiz._buttons if b._choice != "BL57")
    wrong.click()
    assert quiz.verdict == "missed"
    right = next(b for b in quiz._buttons if b._choice == "BL57")
    assert right.button_style == "success"
    assert wrong.button_style == "danger"
    assert all(button.disabled for button in quiz._buttons)
    assert "BL57" in quiz._verdict.value


def test_which_step_question():
    quiz = NamePointQuiz(seed=4, path=None)
    question = quiz.next_question(kind="step", code="ST38")
    assert question.kind == "step"
    assert quiz.choose("tiaokou") == "right"
    assert "Tiáokǒu" in quiz._verdict.value
    assert quiz.session.progress.box("ST38") == 2


def test_same_seed_same_quiz():
    def run(seed):
        quiz = PointQuiz(seed=seed, path=None)
        seen = []
        for _ in range(8):
            question = quiz.question
            seen.append((question.kind, question.code, question.view, question.choices))
            if question.kind == "locate":
                quiz.answer_data(*project(question.code, question.view))
            else:
                quiz.choose(question.choices[0])
            quiz.next_question()
        return seen

    assert run(11) == run(11)
    assert run(11) != run(12)


# -- progress, reset, errors ----------------------------------------------------------------


def test_progress_is_saved_after_each_answer_and_reset_by_the_button(tmp_path):
    path = tmp_path / "practice.sqlite3"
    quiz = NamePointQuiz(seed=1, path=path)
    quiz.choose(quiz.question.answer)
    assert Progress.open(path).turn == 1
    quiz.reset_button.click()
    quiz.reset_button.click()  # a second press cancels
    assert quiz._confirm.layout.display == "none"
    quiz.reset_button.click()
    assert quiz._confirm.layout.display == ""
    assert Progress.open(path).turn == 1  # nothing erased before the confirmation
    quiz._confirm.click()
    assert Progress.open(path).turn == 0
    assert quiz.session.summary() == PracticeSession(seed=1, path=None).summary()


def test_default_store_lives_in_calf_tutorial_home(tmp_path):
    quiz = NamePointQuiz(seed=1)
    quiz.choose(quiz.question.answer)
    assert Progress.open(tmp_path / "home" / "practice.sqlite3").turn == 1


def test_foreign_file_is_moved_aside_and_said_once_as_text(tmp_path):
    path = tmp_path / "practice.sqlite3"
    path.write_text('{"format": "something else", "<b>": 1}', encoding="utf-8")
    quiz = NamePointQuiz(seed=1, path=path)
    assert quiz._error.layout.display == ""
    assert "could not be read" in quiz._error.value
    assert "&lt;b&gt;" not in quiz._error.value
    assert "<b>" not in quiz._error.value
    moved = list(tmp_path.glob("practice.unreadable-*.sqlite3"))
    assert len(moved) == 1
    assert moved[0].name in quiz._error.value
    assert moved[0].read_text(encoding="utf-8").startswith('{"format": "something else"')
    quiz.choose(quiz.question.answer)
    assert Progress.open(path).turn == 1  # a fresh store took the answer
    again = NamePointQuiz(seed=1, path=path)
    assert again._error.layout.display == "none"  # said once


def test_unwritable_data_folder_says_once_that_progress_is_off(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(blocker / "tutorial"))
    quiz = NamePointQuiz(seed=1)
    assert "Progress and the practice log are off" in quiz._error.value
    assert str(blocker) in quiz._error.value
    quiz.choose(quiz.question.answer)
    assert "progress is off" in quiz._status.value
    assert quiz.session.progress.turn == 1  # the quiz still adapts, in memory
    second = LocatePointQuiz(seed=2)
    assert second._error.layout.display == "none"  # the message is shown once


def test_callback_errors_are_shown_not_lost(monkeypatch):
    quiz = LocatePointQuiz(seed=1, path=None)

    def broken(x, y):
        raise ValueError("<b>boom</b>")

    monkeypatch.setattr(quiz.session, "answer_click", broken)
    quiz.image.click = {"fx": 0.5, "fy": 0.5, "n": 1}
    assert quiz.errors
    assert "ValueError" in quiz.errors[0]
    assert quiz._error.layout.display == ""
    assert "&lt;b&gt;boom&lt;/b&gt;" in quiz._error.value


def test_text_put_into_html_is_escaped():
    assert _p("<img src=x onerror=alert(1)>") == (
        '<div style=";line-height:1.4">&lt;img src=x onerror=alert(1)&gt;</div>'
    )


# -- summary and figures --------------------------------------------------------------------


def test_summary_chart_shows_mean_error_per_point():
    quiz = LocatePointQuiz(["ST36", "BL57"], seed=2, path=None)
    for offset in (2.0, 0.2, 1.0, 0.0):
        x, y = project(quiz.question.code, quiz.question.view)
        quiz.answer_data(x + offset, y)
        quiz.next_question()
    quiz.summary_button.value = True
    assert bytes(quiz._summary_image.value).lstrip().startswith(b"<?xml")  # vector, not raster
    assert quiz._summary_image.mime == "image/svg+xml"
    assert "ST36" in quiz._summary_image.alt
    assert "BL57" in quiz._summary_image.alt
    assert "this session" in quiz._summary_text.value
    quiz.summary_scope.value = "saved"
    assert "All your saved answers" in quiz._summary_text.value
    stats = quiz.session.summary(session=False)
    fig = plt.figure()
    ax = draw_quiz_summary(stats, ax=fig.add_subplot())
    widths = [p.get_width() for p in ax.patches if p.get_gid() == "quiz-summary-bar"]
    assert widths == pytest.approx([s.mean_error_cun for s in stats])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ST36", "BL57"]


def test_no_pyplot_figures_are_left_open():
    plt.close("all")
    quiz = PointQuiz(seed=5, path=None)
    for _ in range(5):
        question = quiz.question
        if question.kind == "locate":
            quiz.answer_data(*project(question.code, question.view))
        else:
            quiz.choose(question.choices[0])
        quiz.next_question()
    quiz.summary_button.value = True
    assert plt.get_fignums() == []
    quiz.close()
    assert quiz._pictures == {}


def test_click_image_is_an_anywidget_with_its_own_files():
    image = ClickImage()
    assert "getBoundingClientRect" in image._esm
    assert ".calf-quiz-image__img" in image._css
    assert image.enabled


@pytest.mark.parametrize("crowded", [False, True])
def test_summary_chart_labels_never_overlap(crowded):
    """Issue 11 item 10: the progress chart's texts (ticks, notes, limits) do not overlap."""
    from tutorial.content.practice import PointStats
    from tutorial.widgets.quiz import _summary_figure

    codes = ["BL40", "GB34", "ST36", "ST38", "BL57", "BL60", "KI3"]
    stats = [
        PointStats(
            code=c,
            attempts=0 if i == 3 else 12,
            right=3,
            close=4,
            missed=5,
            mean_error_cun=None if i == 3 else (9.0 if crowded and i == 1 else 0.3 + 0.2 * i),
            trend_cun=-0.4 if i % 2 else 0.5,
            box=1,
        )
        for i, c in enumerate(codes)
    ]
    fig = _summary_figure(stats)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [
        t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip() and t.get_visible()
    ]
    boxes = [t.get_window_extent(renderer) for t in texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    width, height = fig.bbox.width, fig.bbox.height
    for box, text in zip(boxes, texts, strict=True):
        assert -1 <= box.x0 <= box.x1 <= width + 1, text.get_text()  # nothing cut off
        assert -1 <= box.y0 <= box.y1 <= height + 1, text.get_text()
