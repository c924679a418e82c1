"""Tests for tutorial.widgets.downloads: files handed to the browser as bytes, made on request."""

import pytest

from tutorial import load_routine, save_routine
from tutorial.widgets.downloads import Download, handout_download, routine_download


def test_a_download_needs_bytes_or_a_builder_and_a_bare_name():
    with pytest.raises(ValueError, match="bytes"):
        Download(filename="x.txt")
    with pytest.raises(ValueError, match="bare file name"):
        Download(b"x", filename="/etc/passwd")
    with pytest.raises(ValueError, match="bare file name"):
        Download(b"x", filename="../x.txt")


def test_known_bytes_are_ready_at_once():
    widget = Download(b"hello", filename="hello.txt", mime="text/plain")
    assert widget.status == "ready"
    assert widget.data == b"hello"
    assert widget.label == "Download hello.txt"


def test_a_file_is_made_only_when_asked(monkeypatch):
    calls = []
    widget = Download(build=lambda: calls.append(1) or b"made", filename="made.txt")
    assert calls == []
    assert widget.data == b""
    widget._on_front_end_msg(widget, {"event": "prepare"}, [])  # the button's message
    assert calls == [1]
    assert widget.data == b"made"
    assert widget.status == "ready"
    assert "made.txt is ready" in widget.message


def test_a_failing_builder_is_reported_as_text():
    def broken() -> bytes:
        raise OSError("disk full")

    widget = Download(build=broken, filename="x.pdf")
    assert widget.prepare() == b""
    assert widget.status == "error"
    assert widget.message == "Could not make x.pdf: disk full"


def test_the_handout_is_not_drawn_until_asked(monkeypatch):
    import tutorial.drawing.handout

    drawn = []
    monkeypatch.setattr(tutorial.drawing.handout, "make_handout", lambda *a: drawn.append(a))
    widget = handout_download()
    assert drawn == []  # issue 11 item 12: nothing drawn when the lesson opens
    assert widget.filename == "calf-cramp-handout.pdf"
    assert widget.mime == "application/pdf"


def test_the_handout_download_is_a_pdf():
    data = handout_download().prepare()
    assert data.startswith(b"%PDF")


def test_the_routine_download_sends_the_saved_file_or_the_built_in_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    widget = routine_download()
    built_in = widget.prepare()
    assert b"[[steps]]" in built_in
    assert "No saved routine yet" in widget.message
    save_routine(load_routine().variant("quick", title="Mine"), tmp_path / "my-routine.toml")
    saved = widget.prepare()  # read again on every press
    assert saved == (tmp_path / "my-routine.toml").read_bytes()
    assert "Your saved routine" in widget.message
    assert str(tmp_path) not in widget.message  # no server path
