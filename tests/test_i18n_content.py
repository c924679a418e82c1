"""The course content in Simplified Chinese (issue 15): the data files carry their zh-Hans
translations, the loaders follow the language switch, and errors shown to learners speak
the learner's language while still naming the file and the field."""

from __future__ import annotations

import re

import pytest
from helpers import WHO_HANZI

import tutorial
from tutorial.content import geometry, i18n
from tutorial.content.loader import read_data_toml, routine_from_dict
from tutorial.content.model import RoutineError
from tutorial.store.files import user_file

#: The data files translated on this branch. The other files (timer, workshop, quiz,
#: practicelog, lessons_selfcheck, photo) are translated with the widgets that show them.
CONTENT_FILES = (
    "points.toml",
    "routine.toml",
    "safety.toml",
    "techniques.toml",
    "cun.toml",
    "landmarks.toml",
    "leg.toml",
)
#: Translated fields that are rightly without hanzi: pinyin, ids and arrows.
NO_HANZI = {
    ("techniques.toml", "chinese"),  # the tone-marked pinyin: "àn-róu"
    ("safety.toml", "caution"),  # the posture's caution is the id "hip"
    ("leg.toml", "left_edge"),  # "← {side}"
    ("leg.toml", "right_edge"),
}
HANZI = re.compile(r"[\u4e00-\u9fff]")


def _translated_fields(data, source, where=""):
    """``(key, english, chinese)`` of every translated field in a raw data file."""
    if isinstance(data, list):
        for item in data:
            yield from _translated_fields(item, source, where)
        return
    if not isinstance(data, dict):
        return
    table = data.get("zh-Hans", {})
    for key, value in data.items():
        if key in i18n.LANGUAGES:
            continue
        if key in table:
            yield key, value, table[key]
        elif isinstance(value, (dict, list)):
            yield from _translated_fields(value, source, f"{where}.{key}")


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_prose_field_has_a_chinese_translation(name):
    raw = read_data_toml(name, translated=False)
    assert i18n.missing_translations(raw, name, "zh-Hans") == []
    i18n.localize_data(raw, name, "zh-Hans")  # and it loads without an error


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_translations_are_chinese_with_the_same_placeholders_and_full_width_punctuation(name):
    raw = read_data_toml(name, translated=False)
    fields = list(_translated_fields(raw, name))
    assert fields
    for key, english, chinese in fields:
        assert type(chinese) is type(english), (name, key)
        pairs = (
            zip(english, chinese, strict=True)
            if isinstance(english, list)
            else [(english, chinese)]
        )
        for en, zh in pairs:
            assert set(re.findall(r"\{\w+\}", zh)) == set(re.findall(r"\{\w+\}", en)), (key, zh)
            if (name, key) in NO_HANZI:
                continue
            assert HANZI.search(zh), (name, key, zh)
            # Chinese punctuation: no ASCII comma, semicolon, colon or bracket after a hanzi.
            assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:(][\u4e00-\u9fff]", zh), zh
            assert not re.search(r"[\u4e00-\u9fff]\.(\s|$)", zh), zh


def test_point_names_are_the_who_hanzi():
    points = tutorial.load_points()
    assert {code: point.hanzi for code, point in points.items()} == WHO_HANZI


def test_the_language_switch_changes_what_the_loaders_give(chinese):
    location = tutorial.load_points()["BL40"].location
    assert location.startswith("膝后区")
    assert "腘横纹" in location
    i18n.set_language("en")
    assert tutorial.load_points()["BL40"].location.startswith("Back of the knee")
    english = tutorial.load_points()
    i18n.set_language("zh-Hans")
    assert tutorial.load_points()["BL40"].location == location
    i18n.set_language("en")
    assert tutorial.load_points() is english  # one cache per language, kept
    tutorial.load_points.cache_clear()  # callers that clear the cache still can
    assert tutorial.load_points() == english


def test_every_loader_follows_the_language(chinese):
    routine = tutorial.load_routine()
    assert routine.title == "小腿抽筋自我按摩"
    assert "分六步按压七个穴位" in routine.description
    for step in routine.steps:
        assert HANZI.search(step.title)
        assert HANZI.search(step.instructions)
        for code in step.points:  # step titles name their points by the WHO hanzi
            assert WHO_HANZI[code] in step.title
    assert routine.step("weizhong").technique == "Press-knead"  # the key stays English
    techniques = tutorial.load_techniques()
    names = {key: t["name"] for key, t in techniques.items()}
    assert names == {
        "Rest": "静坐",
        "Grasp-knead": "拿",
        "Press-knead": "按揉",
        "Press": "按",
        "Nail-press": "掐",
        "Pincer-press": "合按",
    }
    safety = tutorial.load_safety()
    assert safety.first_aid_title == "小腿抽筋的急救：先拉伸"
    assert "传统" in safety.traditional_notice
    landmarks = tutorial.load_landmarks()
    assert landmarks["popliteal-crease"].name == "腘横纹"
    cun = tutorial.load_cun()
    assert [f.name for f in cun["finger"]][:2] == ["拇指同身寸", "中指同身寸"]
    assert "厘米" in cun["calculator"]["how_to_measure"]
    orientation = geometry.orientation()
    assert orientation["legs"] == {"right": "右腿", "left": "左腿"}
    assert orientation["views"]["anterior"]["left"] == "外侧"
    assert geometry.areas()[0]["label"].startswith("整个小腿")
    i18n.set_language("en")
    assert tutorial.load_routine().title == "Calf-cramp self-massage"
    assert tutorial.load_techniques()["Press-knead"]["name"] == "Press-knead"
    assert geometry.orientation()["legs"]["right"] == "Right leg"


def test_the_chinese_safety_text_is_as_careful_as_the_english(chinese):
    safety = tutorial.load_safety()
    flags = {flag.id: flag for flag in safety.red_flags}
    assert "深静脉血栓" in flags["dvt"].detail
    assert flags["dvt"].action.startswith("不要按摩")
    assert flags["pulmonary-embolism"].action.startswith("急症")
    assert flags["tetanus"].action.startswith("急症")
    assert "破伤风" in flags["tetanus"].detail
    assert "中暑" in flags["heat-illness"].detail
    cautions = {c.id: c for c in safety.cautions}
    assert "不要用掐法" in cautions["blood-thinners"].action
    assert "开这种药的医生" in cautions["new-medicine"].action
    assert "凳子" in safety.posture["alternative"]
    assert "床" in safety.posture["alternative"]
    assert safety.posture["caution"] == "hip"
    assert "孕期" in tutorial.load_points()["BL60"].cautions[0]
    assert "传统" in tutorial.load_points()["BL60"].cautions[0]
    evidence = "".join(safety.evidence)
    assert "预防夜间抽筋" in evidence
    assert "50至55岁以上" in evidence
    assert "并不是这些试验所检验的内容" in evidence
    assert "Cochrane" in evidence
    assert "奎宁" in evidence
    notes = tutorial.load_routine().notes
    assert notes.startswith("急性抽筋时先拉伸")
    assert "原文建议" in notes
    assert "传统建议" in notes


def test_chinese_steps_that_teach_crossing_the_leg_give_the_alternative(chinese):
    found = 0
    for step in tutorial.load_routine().steps:
        for text in (step.instructions, step.caution):
            if "跷" in text:
                found += 1
                assert "凳" in text, text
                assert "床" in text or "椅" in text, text
    assert found == 2


def test_a_routine_error_in_chinese_names_the_file_and_the_field(chinese, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'title = "我的流程"\n[[steps]]\nid = "a"\ntitle = "拿"\ntechnique = "拿"\n'
        'instructions = "揉"\nmin_seconds = 30\nmax_seconds = 20\ndefault_seconds = 25\n',
        encoding="utf-8",
    )
    with pytest.raises(RoutineError) as caught:
        tutorial.load_routine(path)
    message = str(caught.value)
    assert message.startswith(f"文件 {path}，字段 steps[0].max_seconds：")
    assert "20 秒小于 min_seconds（30 秒）" in message
    assert caught.value.field == "steps[0].max_seconds"
    with pytest.raises(RoutineError, match=r"^文件 <data>，字段 steps：流程是空的"):
        routine_from_dict({"title": "x", "steps": []})
    with pytest.raises(RoutineError, match=r"^字段 file：.*是一个路径"):
        user_file("../x.toml", folder=tmp_path)
    with pytest.raises(RoutineError, match=r"^文件 .*：没有这个文件"):
        tutorial.load_routine(tmp_path / "missing.toml")


def test_a_missing_translation_is_reported_in_chinese_too(chinese):
    data = {"points": [{"code": "BL40", "location": "Back of the knee", "zh-Hans": {}}]}
    with pytest.raises(RoutineError) as caught:
        i18n.localize_data(data, "points.toml")
    assert str(caught.value).startswith(
        "文件 points.toml，字段 points[0].location：缺少 zh-Hans 译文"
    )


def test_a_table_replaces_neutral_fields_too():
    data = {
        "code": "BL60",
        "cautions": ["Traditionally avoided"],
        "zh-Hans": {"cautions": ["孕期忌用"]},
    }
    assert i18n.localize_data(data, "points.toml", "zh-Hans")["cautions"] == ["孕期忌用"]
    assert i18n.localize_data(data, "points.toml", "en")["cautions"] == ["Traditionally avoided"]


def test_in_english_the_language_tables_are_dropped():
    assert i18n.get_language() == "en"
    raw = read_data_toml("points.toml", translated=False)
    assert "zh-Hans" in raw["points"][0]
    assert "zh-Hans" not in read_data_toml("points.toml")["points"][0]


def test_import_summary_counts_in_each_language(chinese):
    from pathlib import Path

    from tutorial.store.db import ImportResult

    result = ImportResult(Path("p.json"), 3, 1, 2, 1)
    assert str(result) == "已从 p.json 导入 3 个回答和 2 次练习（1 个回答和 1 次练习原本已有）。"
    i18n.set_language("en")
    assert str(result) == (
        "Imported 3 answers and 2 sessions from p.json (1 answer and 1 session was already here)."
    )
