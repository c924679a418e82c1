"""Content loading, routine validation and routine files."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
import tomllib
from helpers import strings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tutorial
from tutorial.content.loader import LIMITS, routine_from_dict, routine_to_dict
from tutorial.content.model import VIEWS, Routine, Step

ROUTINE_CODES = ("BL40", "GB34", "ST36", "ST38", "BL57", "BL60", "KI3")


# -- the built-in content ---------------------------------------------------------------------


def test_points_are_the_eight_of_the_domain_in_routine_order():
    points = tutorial.load_points()
    assert tuple(points) == ("ST35", *ROUTINE_CODES)
    assert points["ST35"].is_landmark_point
    assert not any(points[code].is_landmark_point for code in ROUTINE_CODES)


@pytest.mark.parametrize(
    ("code", "y_cun", "derived", "views"),
    [
        ("ST35", 0, False, {"anterior", "lateral"}),
        ("BL40", 0, False, {"posterior"}),
        ("GB34", 2, True, {"lateral", "anterior"}),
        ("ST36", 3, False, {"anterior", "lateral"}),
        ("ST38", 8, False, {"anterior", "lateral"}),
        ("BL57", 8, True, {"posterior"}),
        ("BL60", 16, False, {"lateral", "posterior"}),
        ("KI3", 15, True, {"medial", "posterior"}),
    ],
)
def test_point_positions_match_the_domain_reference(code, y_cun, derived, views):
    point = tutorial.load_points()[code]
    assert point.y_cun == y_cun
    assert point.y_derived is derived
    assert set(point.views) == views


def test_every_point_is_complete_and_in_pinyin_with_tone_marks():
    landmarks = tutorial.load_landmarks()
    for point in tutorial.load_points().values():
        for field in ("pinyin", "hanzi", "english", "meridian", "location", "how_to_find"):
            assert getattr(point, field).strip(), (point.code, field)
        assert re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", point.pinyin), point.code
        assert all("\u4e00" <= ch <= "\u9fff" for ch in point.hanzi), point.code
        assert point.landmark in landmarks, point.code
        assert set(point.views) <= set(VIEWS)


def test_point_cautions_carry_the_domain_safety_notes():
    points = tutorial.load_points()
    assert "gentl" in points["BL40"].cautions[0].lower()
    assert "pregnan" in points["BL60"].cautions[0].lower()


def test_landmarks_cover_what_the_diagrams_draw():
    expected = {
        "kneecap",
        "patellar-ligament",
        "popliteal-crease",
        "tibial-crest",
        "fibular-head",
        "gastrocnemius-heads",
        "achilles-tendon",
        "lateral-malleolus",
        "medial-malleolus",
    }
    assert set(tutorial.load_landmarks()) == expected


def test_builtin_routine_is_the_eight_steps_with_domain_timings():
    routine = tutorial.load_routine()
    assert len(routine) == 8
    assert routine.steps[0].points == ()
    assert (routine.steps[0].min_seconds, routine.steps[0].max_seconds) == (60, 120)
    for step in routine.steps[1:]:
        assert (step.min_seconds, step.max_seconds) == (30, 60)
        assert step.min_seconds <= step.default_seconds <= step.max_seconds
    assert routine.point_codes == ROUTINE_CODES
    assert routine.steps[-1].points == ("BL60", "KI3")
    # 4.5 to 9 minutes per leg
    assert routine.min_total_seconds == 4.5 * 60
    assert routine.max_total_seconds == 9 * 60


def test_every_routine_point_exists():
    points = tutorial.load_points()
    for step in tutorial.load_routine():
        for code in step.points:
            assert code in points


def test_traditional_effects_are_labelled_as_traditional():
    safety = tutorial.load_safety()
    assert "traditional" in safety.traditional_notice.lower()
    assert "not demonstrated" in safety.traditional_notice.lower()


def test_safety_content_has_red_flags_first_aid_and_evidence():
    safety = tutorial.load_safety()
    ids = {flag.id for flag in safety.red_flags}
    assert {"dvt", "pulmonary-embolism", "long-cramp", "claudication", "injury"} <= ids
    assert {"tetanus", "heat-illness"} <= ids
    assert any(flag.urgent for flag in safety.red_flags)
    assert "stretch" in safety.first_aid_title.lower()
    assert any("knee" in step.lower() for step in safety.first_aid_steps)
    assert any("CD008496" in line for line in safety.evidence)
    # Point cautions live once, with their points (points.toml).
    assert dict(safety.point_cautions) == {}


def test_cun_system_has_the_reference_measure_and_finger_checks():
    cun = tutorial.load_cun()
    reference = next(m for m in cun["proportional"] if m["id"] == cun["reference"])
    assert reference["cun"] == 16
    assert {f.cun for f in cun["finger"]} == {1.0, 3.0}


def test_every_step_technique_is_explained():
    techniques = tutorial.load_techniques()
    for step in tutorial.load_routine():
        assert step.technique in techniques


def _taught_texts():
    """Every string a learner can see: data values and the lessons' markdown cells."""
    data = resources.files("tutorial").joinpath("data")
    for entry in data.iterdir():
        if entry.name.endswith(".toml"):
            parsed = tomllib.loads(entry.read_text("utf-8"))
        elif entry.name.endswith(".json"):
            parsed = json.loads(entry.read_text("utf-8"))
        else:
            continue
        for text in strings(parsed):
            yield entry.name, text
    for notebook in sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                yield notebook.name, "".join(cell["source"])


def test_content_never_uses_the_seed_mistranslations():
    banned = re.compile(r"fracture|\binch(es)?\b|cheekbone", re.IGNORECASE)
    for where, text in _taught_texts():
        assert not banned.search(text), (where, text[:200])


def test_cached_content_is_read_only():
    points = tutorial.load_points()
    with pytest.raises(TypeError, match="read-only"):
        points["XX1"] = points["BL40"]
    assert tutorial.load_points() is points


# -- routine variants -------------------------------------------------------------------------


def test_variants_span_the_traditional_range():
    routine = tutorial.load_routine()
    assert routine.variant("quick").total_seconds == 270
    assert routine.variant("full").total_seconds == 540
    with pytest.raises(ValueError, match="kind"):
        routine.variant("slow")


def test_with_durations_checks_each_step_range():
    routine = tutorial.load_routine()
    changed = routine.with_durations({"weizhong": 60})
    assert changed.step("weizhong").default_seconds == 60
    assert changed.step("prepare") == routine.step("prepare")
    with pytest.raises(tutorial.RoutineError, match="outside this step's range"):
        routine.with_durations({"weizhong": 90})
    with pytest.raises(tutorial.RoutineError, match="no step"):
        routine.with_durations({"nope": 40})
    with pytest.raises(tutorial.RoutineError, match="8 steps"):
        routine.with_durations([40, 40])


def test_empty_routine_cannot_be_built():
    with pytest.raises(tutorial.RoutineError, match="at least one step"):
        Routine(title="x", steps=())


# -- routine files: errors name the file, the field and the fix --------------------------------


def _valid() -> dict:
    return routine_to_dict(tutorial.load_routine())


def _write(tmp_path: Path, data: object, name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _broken(mutate) -> dict:
    data = _valid()
    mutate(data)
    return data


INVALID = {
    "unknown point code": (
        lambda d: d["steps"][2].update(points=["BL99"]),
        "steps[2].points[0]",
        "unknown point code 'BL99'",
    ),
    "duration too long": (
        lambda d: d["steps"][3].update(max_seconds=7200),
        "steps[3].max_seconds",
        "1 s to 1 h",
    ),
    "negative duration": (
        lambda d: d["steps"][1].update(min_seconds=-5),
        "steps[1].min_seconds",
        "out of range",
    ),
    "zero duration": (
        lambda d: d["steps"][1].update(default_seconds=0),
        "steps[1].default_seconds",
        "out of range",
    ),
    "default outside range": (
        lambda d: d["steps"][4].update(default_seconds=25),
        "steps[4].default_seconds",
        "outside [min_seconds, max_seconds]",
    ),
    "min above max": (
        lambda d: d["steps"][4].update(min_seconds=59, max_seconds=40, default_seconds=45),
        "steps[4].max_seconds",
        "less than min_seconds",
    ),
    "missing field": (
        lambda d: d["steps"][5].pop("instructions"),
        "steps[5].instructions",
        "required",
    ),
    "missing title": (lambda d: d.pop("title"), "title", "required"),
    "missing steps": (lambda d: d.pop("steps"), "steps", "needs a list of steps"),
    "wrong type text": (
        lambda d: d["steps"][0].update(title=12),
        "steps[0].title",
        "expected text",
    ),
    "wrong type seconds": (
        lambda d: d["steps"][0].update(min_seconds="60"),
        "steps[0].min_seconds",
        "expected a number of seconds",
    ),
    "boolean is not a number": (
        lambda d: d["steps"][0].update(min_seconds=True),
        "steps[0].min_seconds",
        "expected a number",
    ),
    "wrong type points": (
        lambda d: d["steps"][2].update(points="BL40"),
        "steps[2].points",
        "expected a list",
    ),
    "step not a table": (lambda d: d["steps"].__setitem__(1, "knead"), "steps[1]", "table"),
    "empty routine": (lambda d: d.update(steps=[]), "steps", "empty"),
    "steps not a list": (lambda d: d.update(steps={"a": 1}), "steps", "expected a list"),
    "duplicate step ids": (
        lambda d: d["steps"][6].update(id=d["steps"][2]["id"]),
        "steps[6].id",
        "duplicate step id",
    ),
    "bad step id": (lambda d: d["steps"][0].update(id="Step One!"), "steps[0].id", "short id"),
    "absurd title": (
        lambda d: d["steps"][0].update(title="x" * 10_000),
        "steps[0].title",
        "keep it to 120",
    ),
    "absurd instructions": (
        lambda d: d["steps"][0].update(instructions="y" * 50_000),
        "steps[0].instructions",
        "keep it to 2,000",
    ),
    "too many steps": (
        lambda d: d.update(
            steps=[dict(d["steps"][1], id=f"s{i}") for i in range(int(LIMITS["max_steps"]) + 1)]
        ),
        "steps",
        "at most 50",
    ),
    "empty title": (lambda d: d.update(title="   "), "title", "must not be empty"),
    "unknown field": (
        lambda d: d["steps"][1].update(defualt_seconds=40),
        "steps[1].defualt_seconds",
        "unknown field",
    ),
    "wrong schema": (lambda d: d.update(schema=99), "schema", "schema 1"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_routine_file_names_file_field_and_fix(tmp_path, case):
    mutate, field, message = INVALID[case]
    path = _write(tmp_path, _broken(mutate))
    with pytest.raises(tutorial.RoutineError) as info:
        tutorial.load_routine(path)
    error = info.value
    assert error.field == field
    assert error.source == str(path)
    assert str(path) in str(error)
    assert f"field {field}" in str(error)
    assert message in str(error)


def test_routine_error_is_a_value_error():
    assert issubclass(tutorial.RoutineError, ValueError)


def test_top_level_not_a_table(tmp_path):
    path = _write(tmp_path, [1, 2, 3])
    with pytest.raises(tutorial.RoutineError, match=r"\(top level\).*'title' and 'steps'"):
        tutorial.load_routine(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '{"title": "x", "steps": [', "not valid JSON"),
        ("broken.toml", 'title = "x"\nsteps = [[[', "not valid TOML"),
        ("nan.json", '{"title": "x", "steps": [{"min_seconds": NaN}]}', "not valid JSON"),
        ("routine.yaml", "title: x", "unsupported file type '.yaml'"),
        ("routine", "{}", "unsupported file type '(none)'"),
    ],
)
def test_file_that_is_not_toml_or_json(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(tutorial.RoutineError, match=re.escape(message)) as info:
        tutorial.load_routine(path)
    assert str(path) in str(info.value)


def test_binary_file_is_reported_as_not_utf8(tmp_path):
    path = tmp_path / "garbage.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(tutorial.RoutineError, match="not UTF-8"):
        tutorial.load_routine(path)


def test_huge_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(" " * (int(LIMITS["max_file_bytes"]) + 1))
    with pytest.raises(tutorial.RoutineError, match="must be under"):
        tutorial.load_routine(path)


def test_missing_file_and_folder(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(tutorial.RoutineError, match="no such file") as info:
        tutorial.load_routine(missing)
    assert str(missing) in str(info.value)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(tutorial.RoutineError, match="folder"):
        tutorial.load_routine(folder)


# -- saving ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_builtin_routine_round_trips(tmp_path, suffix):
    routine = tutorial.load_routine()
    path = tutorial.save_routine(routine, tmp_path / f"copy{suffix}")
    assert tutorial.load_routine(path) == routine


def test_saved_toml_is_readable_by_people(tmp_path):
    path = tutorial.save_routine(tutorial.load_routine(), tmp_path / "mine.toml")
    data = tomllib.loads(path.read_text("utf-8"))
    assert data["schema"] == 1
    assert data["steps"][1]["default_seconds"] == 45  # integers stay integers


def test_save_refuses_unknown_suffix_and_non_routines(tmp_path):
    with pytest.raises(tutorial.RoutineError, match="unsupported file type"):
        tutorial.save_routine(tutorial.load_routine(), tmp_path / "mine.txt")
    with pytest.raises(TypeError, match="needs a Routine"):
        tutorial.save_routine({"title": "x"}, tmp_path / "mine.toml")


def test_invalid_routine_never_replaces_a_good_file(tmp_path):
    path = tutorial.save_routine(tutorial.load_routine(), tmp_path / "mine.json")
    before = path.read_bytes()
    bad = Routine(
        title="bad",
        steps=(
            Step(
                id="a",
                title="A",
                technique="Press",
                instructions="Press.",
                min_seconds=30,
                max_seconds=60,
                default_seconds=45,
                points=("XX9",),
            ),
        ),
    )
    with pytest.raises(tutorial.RoutineError, match="unknown point code"):
        tutorial.save_routine(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.json"]  # no temporary left behind


# -- property-based round trip -------------------------------------------------------------------

# Any character but control characters and lone surrogates; prose may hold newlines and tabs.
_line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
_text = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\n\t")),
    max_size=60,
)
_required_line = _line.filter(lambda s: s.strip() != "")
_required_text = _text.filter(lambda s: s.strip() != "")
_seconds = st.one_of(
    st.integers(min_value=1, max_value=3600).map(float),
    st.floats(min_value=1, max_value=3600, allow_nan=False, allow_infinity=False),
)


@st.composite
def _steps(draw, index: int) -> Step:
    bounds = sorted([draw(_seconds), draw(_seconds)])
    default = draw(st.floats(min_value=bounds[0], max_value=bounds[1], allow_nan=False))
    return Step(
        id=f"step-{index}",
        title=draw(_required_line),
        technique=draw(_required_line),
        instructions=draw(_required_text),
        min_seconds=bounds[0],
        max_seconds=bounds[1],
        default_seconds=default,
        points=tuple(draw(st.lists(st.sampled_from(ROUTINE_CODES), max_size=3))),
        hand=draw(_line),
        effect=draw(_text),
        caution=draw(_text),
    )


@st.composite
def routines(draw) -> Routine:
    count = draw(st.integers(min_value=1, max_value=6))
    return Routine(
        title=draw(_required_line),
        description=draw(_text),
        notes=draw(_text),
        steps=tuple(draw(_steps(i)) for i in range(count)),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(routine=routines(), suffix=st.sampled_from([".toml", ".json"]))
def test_load_save_load_is_lossless(tmp_path, routine, suffix):
    path = tutorial.save_routine(routine, tmp_path / f"r{suffix}")
    loaded = tutorial.load_routine(path)
    assert loaded == routine
    tutorial.save_routine(loaded, path)
    assert tutorial.load_routine(path) == routine


@settings(max_examples=40, deadline=None)
@given(routine=routines())
def test_dict_form_round_trips(routine):
    assert routine_from_dict(routine_to_dict(routine)) == routine


def test_get_point_takes_a_code_or_a_point():
    from tutorial.content.loader import get_point

    bl40 = tutorial.load_points()["BL40"]
    assert get_point("BL40") is bl40
    assert get_point(bl40) is bl40
    with pytest.raises(KeyError, match=r"unknown point code 'BL99'.*ST35, BL40"):
        get_point("BL99")
