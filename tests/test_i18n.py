"""The course's languages: catalogs complete, data translated beside the English, no user
text left in the code (issue 15)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import tutorial
from tutorial.content import i18n
from tutorial.content.model import RoutineError

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def test_catalogs_are_complete_and_current():
    assert SCRIPT.problems() == []


def test_no_user_text_outside_the_catalogs():
    """Every Python and JS file of the package: prose only through _() / t()."""
    assert SCRIPT.literals() == {}


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("Start", True),
        ("Start again", True),
        ("Imported {n} answers", True),
        ("<b>Pause</b> the timer", True),
        ("1px solid #ccc", False),
        ("space-between", False),
        ("points.toml", False),
        ("flex", False),
        ("0 0 8px 0", False),
    ],
)
def test_the_scanner_tells_prose_from_code(text, prose):
    assert SCRIPT.looks_like_prose(text) is prose


def test_the_scanner_finds_literals_and_respects_markers(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        '"""Docstring is fine."""\n'
        "from x import _\n"
        'A = _("Start the timer")\n'
        'B = "Start the timer"\n'
        'C = "Start the timer"  # i18n: ignore\n'
        'raise TypeError("for developers only")\n',
        encoding="utf-8",
    )
    assert SCRIPT.python_literals(source) == [(4, "Start the timer")]
    js = tmp_path / "m.js"
    js.write_text(
        'const a = t("Start the timer");\n'
        'const b = "Start the timer";\n'
        'const c = tn("{n} step", "{n} steps", n);\n'
        'el.className = "timer-title big";\n',
        encoding="utf-8",
    )
    assert SCRIPT.js_literals(js) == [(2, "Start the timer")]


def test_set_language_normalizes_and_refuses_unknown(language):
    assert tutorial.set_language("zh-CN") == "zh-Hans"
    assert tutorial.get_language() == "zh-Hans"
    assert tutorial.set_language("en") == "en"
    with pytest.raises(RoutineError, match=r"'fr'.*zh-Hans"):
        tutorial.set_language("fr")


def test_language_from_the_environment(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh-Hans")
    monkeypatch.setattr(i18n, "_language", None)
    assert i18n.get_language() == "zh-Hans"
    monkeypatch.setattr(i18n, "_language", None)
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "klingon")
    with pytest.raises(RoutineError, match="CALF_TUTORIAL_LANG"):
        i18n.get_language()
    monkeypatch.setattr(i18n, "_language", "en")


def test_plural_and_number_rules_are_babels(language):
    i18n.set_language("en")
    assert i18n.ngettext("{n} step", "{n} steps", 1) == "{n} step"
    assert i18n.ngettext("{n} step", "{n} steps", 2) == "{n} steps"
    assert i18n.format_decimal(1234.5) == "1,234.5"
    assert i18n.format_list(["a", "b", "c"]) == "a, b, and c"
    i18n.set_language("zh-Hans")
    assert i18n.format_list(["甲", "乙", "丙"]) == "甲、乙和丙"
    assert i18n.format_decimal(2.0) == "2"


def test_localize_data_lays_the_translation_over_the_english():
    data = {
        "points": [
            {"code": "BL40", "location": "Back of the knee", "zh-Hans": {"location": "膝后"}},
        ],
        "schema": 1,
    }
    assert i18n.localize_data(data, "points.toml", "en") == {
        "points": [{"code": "BL40", "location": "Back of the knee"}],
        "schema": 1,
    }
    assert i18n.localize_data(data, "points.toml", "zh-Hans")["points"][0] == {
        "code": "BL40",
        "location": "膝后",
    }


def test_a_missing_data_translation_is_an_error_naming_file_and_field():
    data = {"points": [{"code": "BL40", "location": "Back of the knee", "zh-Hans": {}}]}
    with pytest.raises(RoutineError) as caught:
        i18n.localize_data(data, "points.toml", "zh-Hans")
    message = str(caught.value)
    assert "points.toml" in message
    assert "points[0].location" in message
    assert "[points[0].zh-Hans]" in message
    assert i18n.missing_translations(data, "points.toml", "zh-Hans") == [
        "points.toml: points[0].location"
    ]


def test_js_catalog_is_empty_in_english_and_has_the_language_tag(language):
    assert i18n.js_catalog(language="en") == {"lang": "en", "messages": {}, "plurals": {}}
    assert i18n.js_catalog(language="zh-Hans")["lang"] == "zh-Hans"
