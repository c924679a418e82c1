"""Tests for tutorial.widgets.photo: the photo overlay widget without a browser (traits)."""

from __future__ import annotations

import io
import json
import math

import pytest
from PIL import Image

import tutorial
from tutorial.content.photofit import load_photo_settings, photo_template
from tutorial.content.practice import PracticeSession, load_quiz_settings
from tutorial.drawing.photoimage import demo_leg_photo
from tutorial.widgets.photo import (
    PhotoOverlay,
    annotated_png,
    draw_annotated,
    forget_saved_photo,
    load_saved_photo,
    photo_folder,
    save_photo,
)

TEXT = load_photo_settings()["text"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def demo():
    return demo_leg_photo("lateral", rotate_deg=15, scale=0.85, width_factor=1.15)


def _placed(widget, demo):
    widget.load_bytes(demo.png, "demo.png")
    for name in ("knee", "ankle", "edge_a", "edge_b"):
        widget.set_landmarks(**{name: demo.landmarks[name]})
    return widget


def test_it_is_a_lazy_name_of_the_package():
    assert tutorial.PhotoOverlay is PhotoOverlay


def test_before_a_photo_it_asks_for_one_and_says_where_the_photo_goes():
    widget = PhotoOverlay(practice_path=None)
    assert widget.status == "empty"
    assert TEXT["no_photo"] in widget._instruction.value
    assert "never to a website" in widget._privacy.value
    assert "by touch" in widget._framing.value


def test_clicks_are_asked_for_in_order_and_the_overlay_follows(demo):
    widget = PhotoOverlay(practice_path=None)
    assert widget.load_bytes(demo.png, "demo.png")
    assert widget.status == "pending"
    assert widget.canvas.image_size == [900, 1400]
    spec = load_photo_settings()["views"]["lateral"]
    assert spec["knee_text"] in widget._instruction.value
    widget.set_landmarks(knee=demo.landmarks["knee"])
    assert spec["ankle_text"] in widget._instruction.value
    widget.set_landmarks(ankle=demo.landmarks["ankle"])
    assert widget.status == "pending"
    assert widget.canvas.overlay["points"]
    widget.set_landmarks(edge_a=demo.landmarks["edge_a"], edge_b=demo.landmarks["edge_b"])
    assert widget.status == "ok"
    assert TEXT["done"] in widget._instruction.value
    for item in widget.canvas.overlay["points"]:
        error = math.dist((item["u"], item["v"]), demo.points[item["code"]]) / demo.cun_px
        assert error < 0.3
        assert item["label"].startswith(item["code"])
        assert item["colour"].startswith("#")
    assert len(widget.canvas.overlay["ruler"]) == 17
    # a handle dragged (a browser sets the trait) moves the marks with it
    before = widget.canvas.overlay["points"][0]
    u, v = demo.landmarks["knee"]
    widget.canvas.landmarks = {**widget.canvas.landmarks, "knee": [u, v - 40]}
    assert widget.canvas.overlay["points"][0]["v"] < before["v"] - 5


def test_each_point_shows_how_to_find_it_by_touch_as_text(demo):
    widget = _placed(PhotoOverlay(practice_path=None), demo)
    points = tutorial.load_points()
    for code, _x, _y in photo_template("lateral").points:
        assert code in widget._points.value
        how = points[code].how_to_find.replace("'", "&#x27;").replace('"', "&quot;")
        assert how in widget._points.value


def test_a_bad_click_shows_a_message_and_no_marks(demo):
    widget = _placed(PhotoOverlay(practice_path=None), demo)
    widget.set_landmarks(knee=demo.landmarks["ankle"], ankle=demo.landmarks["knee"])
    assert widget.status == "error"
    assert "swapped" in widget.message
    assert widget.canvas.overlay["points"] == []
    widget.swap_button.click()
    assert widget.status == "ok"
    assert widget.message == ""


def test_a_bad_upload_shows_a_message_and_keeps_nothing():
    widget = PhotoOverlay(practice_path=None)
    widget._on_upload_change(
        {
            "new": (
                {
                    "name": "notes.txt",
                    "type": "text/plain",
                    "size": 9,
                    "content": memoryview(b"not a jpg"),
                },
            )
        }
    )
    assert "notes.txt is not an image" in widget.message
    assert widget.photo is None
    assert widget.status == "empty"


def test_an_upload_over_the_limit_is_refused_by_its_size_alone():
    widget = PhotoOverlay(practice_path=None)
    big = load_photo_settings()["limits"]["max_bytes"] + 1
    # the content is not even looked at: a size over the limit is refused first
    widget._on_upload_change(
        {"new": ({"name": "huge.jpg", "size": big, "content": memoryview(b"")},)}
    )
    assert "huge.jpg is 20.0 MB" in widget.message


def test_turning_the_photo_swaps_its_sides_and_clears_the_clicks(demo):
    widget = _placed(PhotoOverlay(practice_path=None), demo)
    widget.turn_left.click()
    assert widget.canvas.image_size == [1400, 900]
    assert widget.landmarks == {}


def test_save_keeps_the_photo_and_clicks_and_offers_the_picture(demo, home):
    widget = _placed(PhotoOverlay(practice_path=None, view="lateral"), demo)
    folder = widget.save()
    assert folder == photo_folder()
    assert folder.parent == home
    assert sorted(p.name for p in folder.iterdir()) == [
        "my-leg-clicks.json",
        "my-leg-points.png",
        "my-leg.jpg",
    ]
    png = widget.canvas.download_png
    assert png.startswith(b"\x89PNG")
    assert widget.canvas.download_name.endswith(".png")
    kept = Image.open(folder / "my-leg.jpg")
    assert max(kept.size) <= 2048
    record = json.loads((folder / "my-leg-clicks.json").read_text())
    assert record["view"] == "lateral"
    assert set(record["landmarks"]) == {
        "knee",
        "ankle",
        "edge_a",
        "edge_b",
    }
    # next visit: a new widget reopens photo, view, leg and clicks
    again = PhotoOverlay(practice_path=None)
    assert again.status == "ok"
    assert again.message == TEXT["reopened"]
    assert again.canvas.image_size == [900, 1400]
    for name, (u, v) in widget.landmarks.items():
        assert again.landmarks[name] == pytest.approx([u, v], abs=0.01)
    # moving a handle withdraws the download of the old picture
    again.set_landmarks(knee=(again.landmarks["knee"][0], again.landmarks["knee"][1] + 3))
    assert again.canvas.download_png == b""


def test_forget_deletes_the_photo_and_clicks(demo):
    widget = _placed(PhotoOverlay(practice_path=None), demo)
    widget.save()
    widget.forget_button.click()
    assert list(photo_folder().iterdir()) == []
    assert widget.photo is None
    assert widget.canvas.photo == b""
    assert widget.status == "empty"
    assert PhotoOverlay(practice_path=None).status == "empty"


def test_a_damaged_saved_record_gives_a_message_not_a_crash(demo):
    save_photo(
        Image.open(io.BytesIO(demo.png)).convert("RGB"), view="lateral", side="right", landmarks={}
    )
    (photo_folder() / "my-leg-clicks.json").write_text("{not json")
    widget = PhotoOverlay(practice_path=None)
    assert widget.status == "empty"
    assert "Forget my photo" in widget.message
    with pytest.raises(tutorial.RoutineError, match=r"my-leg-clicks\.json"):
        load_saved_photo()
    assert forget_saved_photo() == ["my-leg.jpg", "my-leg-clicks.json"]


def test_the_annotated_picture_has_the_points_labels_ruler_and_orientation(demo):
    image = Image.open(io.BytesIO(demo.png)).convert("RGB")
    fig = draw_annotated(image, view="lateral", side="right", landmarks=demo.landmarks)
    ax = fig.axes[0]
    markers = {line.get_gid(): line for line in ax.lines if line.get_gid()}
    for code, (u, v) in demo.points.items():
        x, y = markers[code].get_xydata()[0]
        assert math.dist((x, y), (u, v)) / demo.cun_px < 0.3
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert labels["label:ST36"] == "ST36 Zúsānlǐ 足三里"
    assert any(c.get_gid() == "photo-ruler" for c in ax.collections)
    words = {t.get_gid(): t.get_text() for t in fig.texts}
    assert words["photo-orientation"] == "Right leg, outer side, knee at top"
    assert "by touch" in words["photo-framing"]
    png = annotated_png(image, view="lateral", side="right", landmarks=demo.landmarks)
    assert Image.open(io.BytesIO(png)).size[0] == 900


def test_another_view_asks_for_its_own_clicks(demo):
    widget = _placed(PhotoOverlay(practice_path=None), demo)
    widget.side_buttons.value = "left"  # the same clicks, read for the other leg
    assert widget.landmarks
    assert widget.status == "error"  # the front edge is now on the wrong side
    widget.side_buttons.value = "right"
    widget.view_buttons.value = "anterior"
    assert widget.landmarks == {}
    widget.side_buttons.value = "left"
    widget.view_buttons.value = "medial"
    assert widget.side == "left"
    assert widget.view == "medial"
    texts = [h["text"] for h in widget.canvas.handles]
    assert texts[1] == load_photo_settings()["views"]["medial"]["ankle_text"]


def test_practice_on_the_photo_scores_in_cun_and_feeds_the_shared_store(demo, home):
    widget = _placed(PhotoOverlay(seed=3), demo)  # practice_path="default": lesson 6's store
    widget.practice_button.value = True
    assert widget.canvas.mode == "practice"
    code = widget._question_code
    assert code in demo.points
    assert f"Click where {code}" in widget._instruction.value
    u, v = demo.points[code]
    assert widget.answer_practice(u, v) == "right"
    assert widget.distance_cun < 0.3
    assert widget.canvas.practice["true"] == pytest.approx(list(demo.points[code]), abs=1)
    assert "How to find it by touch" in widget._verdict.value
    settings = load_quiz_settings()
    code = widget.next_practice_question()
    u, v = demo.points[code]
    # inside the close band read from quiz.toml, whatever it is
    middle = (settings.right_cun + settings.close_cun) / 2
    widget.canvas.click = {"u": u, "v": v + middle * demo.cun_px, "n": 1}
    assert widget.verdict == "close"
    assert widget.distance_cun == pytest.approx(middle, abs=0.2)
    code = widget.next_practice_question()
    u, v = demo.points[code]
    assert widget.answer_practice(u, v + 3 * demo.cun_px) == "missed"
    # the answers are in the same store lesson 6 reads
    saved = PracticeSession(path="default").summary(session=False)
    assert sum(s.attempts for s in saved) == 3
    assert sum(s.right for s in saved) == 1
    assert sum(s.missed for s in saved) == 1
    widget.practice_button.value = False
    assert widget.canvas.mode == "place"
    assert widget.canvas.practice == {}


def test_practice_and_saving_need_the_landmarks_first(demo):
    widget = PhotoOverlay(practice_path=None)
    widget.load_bytes(demo.png, "demo.png")
    assert widget.save_button.disabled
    assert widget.save() is None
    assert widget.message == TEXT["save_needs_frame"]
    widget.practice_button.value = True
    assert widget.practice_button.value is False
    assert widget.message == TEXT["practice_needs_frame"]


def test_the_course_drawing_stands_in_for_a_photo():
    widget = PhotoOverlay(practice_path=None, view="posterior", side="left")
    widget.demo_button.click()
    assert widget.photo is not None
    assert widget.status == "pending"


def test_the_browser_state_is_plain_json_for_a_page_without_a_kernel():
    from tutorial.widgets.photo import browser_state

    state = browser_state("medial", "left")
    assert json.loads(json.dumps(state)) == state
    assert [h["id"] for h in state["handles"]] == ["knee", "ankle", "edge_a", "edge_b"]
    assert state["rules"]["template"]["side"] == "left"
    assert state["labels"]["KI3"]["label"] == "KI3 Tàixī"
    assert state["texts"]["done"] == TEXT["done"]


def test_a_practice_store_that_cannot_be_used_is_said_and_practice_goes_on(demo, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    widget = _placed(PhotoOverlay(seed=1, practice_path=blocker / "practice.sqlite3"), demo)
    widget.practice_button.value = True
    assert widget.message  # the store's own plain message
    code = widget._question_code
    assert widget.answer_practice(*demo.points[code]) == "right"
    assert blocker.read_text().startswith("a file")  # left alone


def test_a_data_folder_that_cannot_be_made_still_gives_overlay_and_download(
    demo, tmp_path, monkeypatch
):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(blocker / "data"))
    widget = _placed(PhotoOverlay(practice_path=None), demo)  # reopening finds nothing
    assert widget.status == "ok"
    assert widget.save() is None
    assert widget.canvas.download_png.startswith(b"\x89PNG")
    assert "Could not keep the photo" in widget.message
    widget.forget()
    assert widget.status == "empty"
