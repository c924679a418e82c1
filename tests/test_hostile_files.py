"""Hostile routine files: anything on disk gives a valid Routine or a RoutineError.

Each case here broke the old loader: RecursionError, OverflowError, a hang on a FIFO, memory
exhaustion on /dev/zero, or control characters and lone surrogates that were accepted and
crashed saving, the timer, the charts and the handout later.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tutorial
from tutorial.content.loader import LIMITS, STEP_ID_PATTERN, routine_from_dict, routine_to_dict
from tutorial.content.model import Routine


def _valid() -> dict:
    return routine_to_dict(tutorial.load_routine())


def _load_text(tmp_path: Path, text: str, name: str) -> Routine:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return tutorial.load_routine(path)


def _error(tmp_path: Path, text: str, name: str) -> tutorial.RoutineError:
    with pytest.raises(tutorial.RoutineError) as info:
        _load_text(tmp_path, text, name)
    assert str(tmp_path / name) in str(info.value)  # names the file
    return info.value


# -- nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep-object.json", '{"a":' * 5_000 + "1" + "}" * 5_000),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000),
        ("deep-inline.toml", "a = " + "{b=" * 3_000 + "1" + "}" * 3_000),
        ("dotted.toml", ".".join(["k"] * 30_000) + " = 1"),  # 16 s and 3.5 GB in tomllib
        ("deep-header.toml", "[" + ".".join(["k"] * 5_000) + "]\nx = 1"),
    ],
)
def test_deep_nesting_is_refused_before_parsing(tmp_path, name, text):
    error = _error(tmp_path, text, name)
    assert "nests" in str(error)
    assert f"at most {int(LIMITS['max_depth'])}" in str(error)


def test_nesting_hidden_in_strings_and_comments_is_not_counted(tmp_path):
    data = _valid()
    data["notes"] = "[[[[[[[[[[[[{{{{{{{{{{a.b.c.d.e.f.g.h.i.j.k.l}}}"
    text = "# [[[[[[[[[[[[[[[[ a.b.c.d.e.f.g.h.i.j.k\n" + tomli_w.dumps(data)
    assert _load_text(tmp_path, text, "strings.toml").notes == data["notes"]
    assert _load_text(tmp_path, json.dumps(data), "strings.json").notes == data["notes"]


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "number"),
    [("big.json", "1" + "0" * 400), ("big.toml", "1" + "0" * 400), ("huge.json", "9" * 5000)],
)
def test_huge_numbers_are_a_routine_error(tmp_path, name, number):
    data = _valid()
    data["steps"][0]["max_seconds"] = 12345
    if name.endswith(".json"):
        text = json.dumps(data).replace("12345", number)
    else:
        text = tomli_w.dumps(data).replace("12345", number)
    error = _error(tmp_path, text, name)
    assert "large" in str(error) or "out of range" in str(error)


def test_infinite_float_in_json_is_refused(tmp_path):
    text = json.dumps(_valid()).replace('"max_seconds": 120', '"max_seconds": 1e400', 1)
    assert "1e400" in text
    assert "too large" in str(_error(tmp_path, text, "inf.json"))


def test_huge_number_outside_the_fields_is_refused(tmp_path):
    data = _valid()
    data["schema"] = 10**40
    error = _error(tmp_path, json.dumps(data), "schema.json")
    assert error.field == "schema"


# -- not a regular file ----------------------------------------------------------------------


def _load_in_child(path: Path) -> subprocess.CompletedProcess:
    """Load ``path`` in a child with a time and memory limit (the old loader hung or
    exhausted memory here, which must not take the test run down with it)."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        import tutorial
        try:
            tutorial.load_routine({str(path)!r})
        except tutorial.RoutineError as exc:
            print("RoutineError:", exc)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    try:
        result = _load_in_child(fifo)
    except subprocess.TimeoutExpired:
        pytest.fail("loading a FIFO hung")
    assert "RoutineError:" in result.stdout, result.stderr[-2000:]
    assert "not a regular file" in result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    try:
        result = _load_in_child(link)
    except subprocess.TimeoutExpired:
        pytest.fail("loading /dev/zero did not finish")
    assert "RoutineError:" in result.stdout, result.stderr[-2000:]
    assert "not a regular file" in result.stdout


# -- characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("title", "Calf \ud800 care", "surrogate"),
        ("title", "Calf\x00care", "control character"),
        ("title", "Calf \x1b[31mred", "control character"),
        ("title", "two\nlines", "control character"),
        ("notes", "bell \x07", "control character"),
        ("notes", "C1 \x9b control", "control character"),
        ("description", "half \udc80", "surrogate"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused(tmp_path, field, value, problem):
    data = _valid()
    data[field] = value
    text = json.dumps(data)  # escapes: \ud800, \u0000, \u001b, as a hostile file would
    error = _error(tmp_path, text, "chars.json")
    assert error.field == field
    assert problem in str(error)
    assert "\x00" not in str(error)
    assert "\x1b" not in str(error)


@pytest.mark.parametrize("field", ["title", "technique", "hand"])
def test_step_names_are_one_line(tmp_path, field):
    data = _valid()
    data["steps"][2][field] = "Press\tknead"
    error = _error(tmp_path, json.dumps(data), "tab.json")
    assert error.field == f"steps[2].{field}"


def test_prose_keeps_newlines_and_tabs(tmp_path):
    data = _valid()
    data["steps"][2]["instructions"] = "First:\n\tpress.\nThen knead."
    routine = _load_text(tmp_path, json.dumps(data), "prose.json")
    assert routine.steps[2].instructions == "First:\n\tpress.\nThen knead."


def test_saving_never_writes_what_loading_refuses(tmp_path):
    routine = tutorial.load_routine()
    bad = Routine(title="Calf \ud800", steps=routine.steps)
    with pytest.raises(tutorial.RoutineError, match="surrogate"):
        tutorial.save_routine(bad, tmp_path / "bad.toml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad_id", ["abc\n", "abc\r\n", "ABC", "a b", "-abc", "é", "a" * 41])
def test_step_ids_match_the_documented_pattern(tmp_path, bad_id):
    data = _valid()
    data["steps"][0]["id"] = bad_id
    error = _error(tmp_path, json.dumps(data), "ids.json")
    assert error.field == "steps[0].id"
    assert "lower-case letters" in str(error) or "control character" in str(error)


def test_step_id_pattern_is_documented():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert STEP_ID_PATTERN in readme


def test_field_names_are_bounded(tmp_path):
    data = _valid()
    data["steps"][0]["x" * 1000] = 1
    error = _error(tmp_path, json.dumps(data), "keys.json")
    assert error.field == "steps[0]"
    assert "field name" in str(error)


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_valid()).encode())
    assert tutorial.load_routine(path) == tutorial.load_routine()


# -- size --------------------------------------------------------------------------------------


def test_fifty_steps_load_and_fifty_one_do_not(tmp_path):
    assert LIMITS["max_steps"] == 50
    data = _valid()
    data["steps"] = [dict(data["steps"][1], id=f"s{i}") for i in range(50)]
    assert len(_load_text(tmp_path, json.dumps(data), "fifty.json").steps) == 50
    data["steps"].append(dict(data["steps"][1], id="s50"))
    error = _error(tmp_path, json.dumps(data), "fifty-one.json")
    assert error.field == "steps"
    assert "at most 50" in str(error)


# -- anything at all -------------------------------------------------------------------------

_VALID_JSON = json.dumps(_valid(), ensure_ascii=False, indent=1).encode()
_VALID_TOML = tomli_w.dumps(_valid()).encode()


def _outcome(path: Path) -> None:
    try:
        routine = tutorial.load_routine(path)
    except tutorial.RoutineError as exc:
        error = exc
    else:
        assert isinstance(routine, Routine)
        tutorial.save_routine(routine, path.with_name("resaved" + path.suffix))  # saved again
        return
    assert error.source == str(path)
    str(error).encode("utf-8")  # the message itself can be shown and saved


@st.composite
def _mutated(draw, base: bytes) -> bytes:
    """A valid file with a few bytes replaced, inserted or deleted, or a slice repeated."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "delete", "repeat"]))
        chunk = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(_NASTY))
        if action == "replace":
            data[at : at + len(chunk)] = chunk
        elif action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            end = min(len(data), at + draw(st.integers(1, 30)))
            data[at:at] = data[at:end] * draw(st.integers(2, 200))
    return bytes(data)


# Byte strings that broke or stress the loader, shared with bench/hostile_files.py.
_NASTY = [
    text.encode("latin-1")
    for text in json.loads(
        (Path(__file__).parent / "cases" / "hostile_fragments.json").read_text()
    )["fragments"]
]


# No wall-clock deadline: on a loaded CI machine one example took 1.8 s once and 4 ms when
# repeated, which says nothing about the loader. How fast a load is (the issue asks for under
# a second) is measured by bench/hostile_files.py; a load that hangs still fails here, on the
# test's own timeout below.
@pytest.mark.timeout(120)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=st.one_of(
        st.binary(max_size=2000),
        _mutated(_VALID_JSON),
        _mutated(_VALID_TOML),
    ),
    suffix=st.sampled_from([".toml", ".json"]),
)
def test_any_bytes_give_a_routine_or_a_routine_error(tmp_path, content, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(content)
    _outcome(path)


@pytest.mark.timeout(120)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text(max_size=20)
        | st.sampled_from(["\ud800", "\x00", "abc\n"]),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_any_plain_data_gives_a_routine_or_a_routine_error(data):
    for candidate in (data, {**_valid(), "notes": data}, {"title": "x", "steps": [data]}):
        with contextlib.suppress(tutorial.RoutineError):
            routine_from_dict(candidate, source="data")
