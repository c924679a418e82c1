"""Tests for tutorial.timinglab: sliders, presets, totals, save and load, the timer."""

import pytest

from tutorial import load_routine, save_routine
from tutorial.timinglab import TimingLab


@pytest.fixture
def lab(tmp_path):
    return TimingLab(folder=tmp_path)


def test_starts_at_the_default_routine(lab):
    assert lab.routine == load_routine()
    assert lab._total.value == "Total: 6 min 45 s for one leg"
    assert [s.value for s in lab._sliders] == [s.default_seconds for s in load_routine().steps]
    assert bytes(lab._image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize(("kind", "total"), [("quick", "4 min 30 s"), ("full", "9 min")])
def test_presets_set_every_step(lab, kind, total):
    before = lab._image.value
    lab.apply_variant(kind)
    assert total in lab._total.value
    expected = [getattr(s, f"{'min' if kind == 'quick' else 'max'}_seconds") for s in lab.routine]
    assert [s.value for s in lab._sliders] == expected
    assert lab._image.value != before


def test_a_slider_changes_its_step(lab):
    lab._sliders[1].value = 60
    assert lab.routine.steps[1].default_seconds == 60
    assert "7 min" in lab._total.value


def test_both_legs_doubles_the_session(lab):
    lab._legs.value = "both"
    assert lab.legs == "both"
    assert "for both legs" in lab._total.value
    assert "13 min" in lab._total.value


def test_save_and_load_round_trip(lab, tmp_path):
    lab.apply_variant("quick")
    lab._title.value = "My quick routine"
    path = lab.save()
    assert path == tmp_path / "my-routine.toml" == lab.default_path
    assert load_routine(path).title == "My quick routine"
    lab.apply_variant("full")
    loaded = lab.load(path)
    assert loaded.total_seconds == 270
    assert "4 min 30 s" in lab._total.value
    assert lab._title.value == "My quick routine"


def test_a_bad_file_is_reported_not_raised(lab, tmp_path):
    (tmp_path / "bad.toml").write_text("title = 3\n")
    lab._file.value = "bad.toml"
    lab._guard(lab.load)
    assert lab._status.value.startswith("Could not do that")
    assert "bad.toml" in lab._status.value
    assert lab.routine == load_routine()  # nothing half-loaded


def test_loading_a_routine_with_other_steps_rebuilds_the_sliders(lab, tmp_path):
    from tutorial import save_routine

    routine = load_routine()
    short = routine.__class__(title="Short", steps=routine.steps[:3])
    save_routine(short, tmp_path / "short.json")
    lab.load("short.json")
    assert len(lab._sliders) == 3
    assert len(lab._slider_box.children) == 4  # a header and three sliders
    lab._sliders[0].value = 60
    assert lab.routine.steps[0].default_seconds == 60


def test_show_timer_makes_a_timer_for_this_routine_without_starting_it(lab):
    lab.apply_variant("quick")
    timer = lab.show_timer()
    assert lab._timer_box.children == (timer,)
    assert timer.status != "running"


@pytest.mark.parametrize(
    "typed", ["/etc/passwd.json", "../other/my-routine.toml", "sub/x.toml", "~/x.toml", ".."]
)
def test_the_file_box_takes_only_a_bare_name_in_the_data_folder(lab, tmp_path, typed):
    outside = tmp_path.parent / "other"
    outside.mkdir(exist_ok=True)
    for action in (lab.save, lab.load):
        lab._file.value = typed
        lab._guard(action)
        assert lab._status.value.startswith("Could not do that")
        assert "file name" in lab._status.value
    assert not (outside / "my-routine.toml").exists()


def test_the_file_box_refuses_a_link_leading_out(lab, tmp_path):
    secret = tmp_path.parent / "secret.toml"
    save_routine(load_routine().variant("quick", title="Not yours"), secret)
    (tmp_path / "peek.toml").symlink_to(secret)
    lab._file.value = "peek.toml"
    lab._guard(lab.load)
    assert "outside your folder" in lab._status.value
    lab._guard(lab.save)
    assert load_routine(secret).title == "Not yours"
