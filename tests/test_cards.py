"""Tests for tutorial.widgets.cards: the content each card carries, and that all text is escaped."""

from dataclasses import replace

import ipywidgets as widgets
import pytest

from tutorial import load_landmarks, load_routine, load_safety
from tutorial.widgets import cards


def test_point_card_names_locates_and_finds_the_point():
    html = cards.point_card("ST36").value
    for text in ("ST36", "Zúsānlǐ", "足三里", "Leg Three Miles", "3 B-cun below the knee crease"):
        assert text in html
    assert "Press Zúsānlǐ (ST36)" in html  # the step that uses it


def test_derived_depths_carry_the_caveat_and_who_depths_do_not():
    assert cards.DERIVED_CAVEAT in cards.level_text("GB34")
    assert cards.DERIVED_CAVEAT in cards.level_text("BL57")
    assert cards.DERIVED_CAVEAT not in cards.level_text("ST38")
    assert cards.level_text("BL40").startswith("Level with the knee crease")


@pytest.mark.parametrize(
    ("code", "caution"),
    [("BL40", "Press gently"), ("BL60", "pregnancy")],
)
def test_point_cautions_are_shown(code, caution):
    html = cards.point_card(code).value
    assert "Caution" in html
    assert caution in html


def test_traditional_effects_are_labelled_as_traditional():
    html = cards.point_card("GB34").value
    assert "Traditional effect" in html
    assert "not proven" in html


def test_unknown_point_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown point code"):
        cards.point_card("XX1")


def test_steps_for_point_finds_the_pincer_step_for_both_ankle_points():
    assert [s.id for s in cards.steps_for_point("BL60")] == ["kunlun-taixi"]
    assert [s.id for s in cards.steps_for_point("KI3")] == ["kunlun-taixi"]
    assert cards.steps_for_point("ST35") == ()


def test_user_text_in_a_step_card_is_escaped():
    routine = load_routine()
    evil = replace(routine.steps[2], title="<img src=x onerror=alert(1)>", caution="<b>x</b>")
    html = cards.step_card(evil, number=3).value
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_point_card_escapes_the_routine_it_is_given():
    routine = load_routine()
    steps = list(routine.steps)
    steps[2] = replace(steps[2], hand="<script>alert(1)</script>")
    html = cards.point_card("BL40", routine=replace(routine, steps=tuple(steps))).value
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_safety_box_has_first_aid_every_red_flag_and_pregnancy():
    safety = load_safety()
    html = cards.safety_box().value
    assert safety.first_aid_title.replace("'", "&#x27;") in html
    for flag in safety.red_flags:
        assert flag.title.replace("'", "&#x27;") in html
        assert flag.action in html
    assert "Pregnancy" in html
    # Stretch comes before the red flags, which come before any massage talk.
    assert html.index("stretch first") < html.index("Do not massage")


def test_compact_red_flags_leave_out_the_details():
    safety = load_safety()
    full, compact = cards.red_flags().value, cards.red_flags(detail=False).value
    detail = safety.red_flags[0].detail
    assert detail in full
    assert detail not in compact


def test_evidence_box_cites_the_reviews_and_the_traditional_notice():
    html = cards.evidence_box().value
    assert "CD008496" in html
    assert "Hallegraeff" in html
    assert "traditional Chinese-medicine ideas" in html


def test_landmarks_table_lists_every_landmark():
    html = cards.landmarks_table().value
    for landmark in load_landmarks().values():
        assert landmark.name in html


def test_cun_table_gives_16_cun_knee_to_ankle_and_finger_checks():
    html = cards.cun_table().value
    assert "popliteal crease (back of the knee)" in html
    assert ">16<" in html
    assert "Thumb width" in html


def test_routine_cards_one_per_step_in_order():
    box = cards.routine_cards()
    routine = load_routine()
    assert isinstance(box, widgets.VBox)
    about, *cards_ = box.children
    assert len(cards_) == len(routine.steps)
    assert "seven acupoints in six steps" in about.value
    assert "The original article suggests" in about.value  # attributed, not stated as fact
    assert "8. Pincer-press" in cards_[-1].value
    assert "1-2 min" in cards_[0].value
    assert "0.5-1 min" in cards_[1].value
    assert "(hé-àn 合按)" in cards_[-1].value  # the technique with tone-marked pinyin
