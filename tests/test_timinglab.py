"""Tests for tutorial.widgets.timinglab: sliders, presets, totals, save and load, the timer."""

import itertools
from pathlib import Path

import pytest

from tutorial import load_routine, save_routine
from tutorial.widgets.timinglab import PRESETS, TimingLab, preset_seconds


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
    assert lab.status.startswith("Could not do that")
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


EXPECTED = {
    "quick": [s.min_seconds for s in load_routine().steps],
    "default": [s.default_seconds for s in load_routine().steps],  # the middle of each range
    "full": [s.max_seconds for s in load_routine().steps],
}


@pytest.mark.parametrize(
    "order", [o for n in (2, 3) for o in itertools.product(PRESETS, repeat=n)], ids="-".join
)
def test_every_preset_sets_every_step_in_any_order(lab, order):
    """Issue 11 item 2: "Default" after "Quick" or "Full" used to keep the old durations."""
    lab._sliders[2].value = 35  # a hand-set step too
    for kind in order:
        lab.apply_variant(kind)
        assert [s.default_seconds for s in lab.routine.steps] == EXPECTED[kind], kind
        assert [s.value for s in lab._sliders] == EXPECTED[kind], kind


def test_preset_buttons_do_what_the_methods_do(lab):
    buttons = {b.description: b for b in lab.children[0].children[1:]}
    for kind in ("full", "default", "quick", "default"):
        buttons[PRESETS[kind][0]].click()
        assert [s.value for s in lab._sliders] == EXPECTED[kind]


def test_the_default_preset_is_the_middle_on_the_slider_grid():
    routine = load_routine()
    odd = routine.__class__(
        title="Odd",
        steps=(
            routine.steps[0].__class__(
                **{
                    **routine.steps[0].__dict__,
                    "min_seconds": 30,
                    "max_seconds": 65,
                    "default_seconds": 30,
                }
            ),
        ),
    )
    assert preset_seconds(odd, "default") == [50]  # 47.5 rounded onto the 5 s grid
    with pytest.raises(ValueError, match="quick"):
        preset_seconds(odd, "slow")


def test_running_the_lesson_again_starts_from_the_saved_routine(tmp_path):
    """Issue 11 item 1: a new lab (a re-run, a Voila visit) loads my-routine.toml."""
    first = TimingLab(folder=tmp_path)
    first.apply_variant("full")
    first._title.value = "Mine"
    first.save()
    again = TimingLab(folder=tmp_path)
    assert again.routine.title == "Mine"
    assert again.routine.total_seconds == 540
    assert "saved routine" in again.status
    assert TimingLab(folder=tmp_path, load_saved=False).routine == load_routine()


def test_a_broken_saved_routine_is_left_alone_and_explained(tmp_path):
    (tmp_path / "my-routine.toml").write_text("title = 3\n")
    lab = TimingLab(folder=tmp_path)
    assert lab.routine == load_routine()
    assert "could not be read" in lab.status
    assert str(tmp_path) not in lab.status
    assert (tmp_path / "my-routine.toml").read_text() == "title = 3\n"


def test_save_never_overwrites_without_asking(lab, tmp_path):
    """Issue 11 item 1: saving over an existing file asks first."""
    target = tmp_path / "my-routine.toml"
    save_routine(load_routine().variant("full", title="Saved before"), target)
    before = target.read_bytes()
    lab.apply_variant("quick")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        lab.save()
    assert target.read_bytes() == before
    save_button = next(
        b for b in lab.children[4].children if getattr(b, "description", "") == "Save"
    )
    save_button.click()
    assert target.read_bytes() == before  # only asked
    assert "already exists" in lab.status
    assert lab._confirm.layout.display != "none"
    (keep,) = [b for b in lab._confirm.children if b.description.startswith("Keep")]
    keep.click()
    assert target.read_bytes() == before
    assert lab._confirm.layout.display == "none"
    save_button.click()
    (replace_button,) = [b for b in lab._confirm.children if b.description == "Replace it"]
    replace_button.click()
    assert load_routine(target).total_seconds == 270
    assert lab.status == "Saved 8 steps to my-routine.toml in your tutorial folder."
    assert lab.save(overwrite=True) == target


def test_a_long_error_is_shown_whole_as_text(lab, tmp_path):
    """Issue 11 item 10: long errors wrap instead of being cut off; never markup."""
    (tmp_path / "bad.toml").write_text("title = '<b>x</b>'\n" + "steps = 3\n")
    lab._file.value = "bad.toml"
    lab._guard(lab.load)
    assert lab.status.startswith("Could not do that")
    # The status line is a PlainText (textContent, wrapping by its CSS: pre-wrap), never HTML.
    from tutorial.widgets.text import PlainText

    assert isinstance(lab._status, PlainText)
    assert lab._status.value == lab.status
    css = Path(__file__).parents[1] / "tutorial" / "static" / "text.css"
    assert "white-space: pre-wrap" in css.read_text()


def test_the_save_button_checks_only_a_bare_name_in_the_data_folder(lab, tmp_path):
    """Save asks before replacing, but never looks outside the learner's folder."""
    secret = tmp_path.parent / "someone-else.toml"
    save_routine(load_routine(), secret)
    lab._file.value = str(secret)
    lab._guard(lab._on_save_click)
    assert lab.status.startswith("Could not do that")
    assert "already exists" not in lab.status
