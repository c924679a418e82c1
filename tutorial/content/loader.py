"""Loading and saving the tutorial's content: points, landmarks, routines, safety.

Everything the lessons teach lives in TOML files under ``tutorial/data`` and is read with
:mod:`importlib.resources`. Routine files written by users (TOML or JSON) go through the
same validation, which raises :class:`~tutorial.content.model.RoutineError` naming the file, the
field path and the fix.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ..store.files import atomic_write_text, read_limited_bytes
from . import i18n
from .i18n import N_, _, ngettext
from .model import (
    VIEWS,
    Acupoint,
    Caution,
    FingerCun,
    Landmark,
    RedFlag,
    Routine,
    RoutineError,
    Safety,
    Step,
)

try:  # Python >= 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "FONT_FILES",
    "LIMITS",
    "PAGE_FONT",
    "STEP_ID_PATTERN",
    "font_data_url",
    "font_path",
    "get_point",
    "load_cun",
    "load_landmarks",
    "load_points",
    "load_routine",
    "load_safety",
    "load_techniques",
    "read_data_toml",
    "routine_from_dict",
    "routine_to_dict",
    "save_routine",
    "technique_name",
]

#: The bundled hanzi subsets in ``tutorial/fonts`` (``scripts/make_font_subset.py``): regular,
#: and bold for matplotlib's titles and headings (matplotlib cannot embolden a font).
FONT_FILES = ("TutorialCJKSubset-Regular.ttf", "TutorialCJKSubset-Bold.ttf")
#: The one the pages use (browsers embolden it themselves).
PAGE_FONT = FONT_FILES[0]


def font_path(name: str = PAGE_FONT) -> Path:
    """The file of the bundled font ``name`` (one of :data:`FONT_FILES`)."""
    if name not in FONT_FILES:
        raise ValueError(f"not a bundled font: {name!r}")  # i18n: ignore (a programming error)
    return Path(str(resources.files("tutorial").joinpath("fonts", name)))


def font_data_url() -> str:
    """The pages' font as a ``data:`` URL, for CSS that must carry the font itself (a page
    opened from disk, a kernel that no server serves the font for)."""
    return "data:font/ttf;base64," + base64.b64encode(font_path().read_bytes()).decode("ascii")


#: Bounds a routine file must keep to. Generous for real routines, tight enough that a
#: corrupt or hostile file cannot produce a 10-hour timer or a megabyte of step title.
LIMITS: dict[str, float] = {
    "min_seconds": 1,
    "max_seconds": 3600,
    "max_steps": 50,
    "max_points_per_step": 8,
    "max_file_bytes": 1_000_000,
    "max_depth": 8,
    "max_key_chars": 64,
    "title_chars": 120,
    "short_chars": 200,
    "long_chars": 2000,
}

ROUTINE_SCHEMA = 1
#: What a step id looks like: a lower-case letter or digit, then up to 39 lower-case
#: letters, digits, ``-`` or ``_`` (``calf-knead``, ``step_2``).
STEP_ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,39}"
_STEP_ID = re.compile(STEP_ID_PATTERN)
_MAX_INT_DIGITS = 15
_MAX_PARSED_DIGITS = 100
# Control characters (C0, DEL, C1) and lone surrogates; prose may keep newline and tab.
_BAD_IN_PROSE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SUFFIXES = (".toml", ".json")


# -- package data ---------------------------------------------------------------------------


def read_data_toml(name: str, *, translated: bool = True) -> dict[str, Any]:
    """Parse ``tutorial/data/<name>``, a TOML file shipped with the package.

    The text is in the current language (:func:`tutorial.set_language`): each entry's
    language table is laid over its English (:func:`~tutorial.content.i18n.localize_data`),
    and a missing translation raises :class:`RoutineError`. ``translated=False`` gives the
    file as written, language tables included (for tools and tests).
    """
    text = resources.files("tutorial").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return i18n.localize_data(data, source=name) if translated else data


@i18n.per_language
def load_points() -> Mapping[str, Acupoint]:
    """The acupoints of the routine, plus ST35 as a landmark point, keyed by WHO code.

    Returns
    -------
    Mapping[str, Acupoint]
        In routine order, ST35 first. The mapping is read-only and shared.
    """
    data = read_data_toml("points.toml")
    points = {}
    for raw in data["points"]:
        point = Acupoint(
            code=raw["code"],
            pinyin=raw["pinyin"],
            hanzi=raw["hanzi"],
            english=raw["english"],
            meridian=raw["meridian"],
            location=raw["location"],
            how_to_find=raw["how_to_find"],
            landmark=raw["landmark"],
            views=tuple(raw["views"]),
            y_cun=float(raw["y_cun"]),
            around_deg=float(raw["around_deg"]),
            y_derived=bool(raw["y_derived"]),
            offset_note=raw.get("offset_note", ""),
            cautions=tuple(raw.get("cautions", ())),
            is_landmark_point=bool(raw.get("landmark_point", False)),
        )
        unknown = set(point.views) - set(VIEWS)
        if unknown:
            raise RoutineError(
                _("unknown view {views}; expected some of {known}").format(
                    views=sorted(unknown), known=list(VIEWS)
                ),
                source="points.toml",
                field=f"points[{point.code}].views",
            )
        points[point.code] = point
    return _ReadOnlyDict(points)


def get_point(point: Acupoint | str) -> Acupoint:
    """The :class:`Acupoint` for a WHO code (``"BL40"``); an Acupoint is returned as is.

    Raises
    ------
    KeyError
        For an unknown code, listing the known ones.
    """
    if isinstance(point, Acupoint):
        return point
    points = load_points()
    if point not in points:
        raise KeyError(
            _("unknown point code {code}; expected one of {codes}").format(
                code=repr(point), codes=", ".join(points)
            )
        )
    return points[point]


@i18n.per_language
def load_landmarks() -> Mapping[str, Landmark]:
    """The anatomical landmarks the diagrams draw, keyed by id (``"fibular-head"``)."""
    data = read_data_toml("landmarks.toml")
    return _ReadOnlyDict(
        {
            raw["id"]: Landmark(
                id=raw["id"],
                name=raw["name"],
                description=raw["description"],
                views=tuple(raw["views"]),
            )
            for raw in data["landmarks"]
        }
    )


@i18n.per_language
def load_safety() -> Safety:
    """The red flags, the first-aid stretch, point cautions and the evidence summary."""
    data = read_data_toml("safety.toml")
    return Safety(
        first_aid_title=data["first_aid"]["title"],
        first_aid_steps=tuple(data["first_aid"]["steps"]),
        red_flags=tuple(RedFlag(**raw) for raw in data["red_flags"]),
        point_cautions=_ReadOnlyDict(data["point_cautions"]),
        pregnancy=data["pregnancy"],
        evidence=tuple(item["text"] for item in data["evidence"]),
        traditional_notice=data["traditional_notice"],
        cautions=tuple(Caution(**raw) for raw in data.get("cautions", ())),
        posture=_ReadOnlyDict(data.get("posture", {})),
        reminder=_ReadOnlyDict(data.get("reminder", {})),
    )


@i18n.per_language
def load_cun() -> Mapping[str, Any]:
    """The cun system: ``{"reference": id, "proportional": [...], "finger": [FingerCun],
    "calculator": {...}}``.

    Each proportional entry is a dict with ``id``, ``start``, ``end`` and ``cun``;
    ``calculator`` holds the personal calculator's accepted range and messages.
    """
    data = read_data_toml("cun.toml")
    return _ReadOnlyDict(
        {
            "reference": data["reference"],
            "proportional": tuple(dict(entry) for entry in data["proportional"]),
            "finger": tuple(
                FingerCun(name=f["name"], cun=float(f["cun"]), how=f["how"]) for f in data["finger"]
            ),
            "calculator": _ReadOnlyDict(data["calculator"]),
        }
    )


@i18n.per_language
def load_techniques() -> Mapping[str, Mapping[str, str]]:
    """The massage techniques, keyed by their English name (``"Press-knead"``).

    The key is what a routine step's ``technique`` names, in every language; the values
    are in the current language, so show ``load_techniques()[step.technique]["name"]``
    (``"按揉"`` in Chinese).
    """
    raw = read_data_toml("techniques.toml", translated=False)
    keys = [t["name"] for t in i18n.localize_data(raw, "techniques.toml", "en")["techniques"]]
    data = i18n.localize_data(raw, source="techniques.toml")
    return _ReadOnlyDict(
        {key: _ReadOnlyDict(t) for key, t in zip(keys, data["techniques"], strict=True)}
    )


class _ReadOnlyDict(dict):
    """A dict that refuses changes, so cached content cannot be altered by a caller."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("tutorial content is read-only; copy it with dict(...) to change it")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # lets cached content be used as a dict key
        return id(self)


# -- routines -------------------------------------------------------------------------------


def technique_name(key: str) -> str:
    """A step's technique as the reader knows it: its name in the current language
    (techniques.toml ``name``; a step names it by the English key). A technique the data
    does not know (a learner's own routine) is shown as written."""
    return str(load_techniques().get(key, {}).get("name") or key)


def load_routine(path: str | Path | None = None) -> Routine:
    """Load a routine: the built-in one, or a user's TOML or JSON file.

    Parameters
    ----------
    path
        ``None`` for the built-in calf-cramp routine, or the path of a ``.toml`` or
        ``.json`` routine file.

    Returns
    -------
    Routine

    Raises
    ------
    RoutineError
        For anything but a valid routine file, and nothing else: a missing file, a folder,
        a pipe or device, a file over :data:`LIMITS` ``["max_file_bytes"]``, text that is
        not UTF-8, TOML/JSON that does not parse or nests too deeply, numbers out of
        range, control characters, and every field rule. The message names the file, the
        field path (``steps[3].max_seconds``) and the fix.
    """
    if path is None:
        return routine_from_dict(read_data_toml("routine.toml"), source=_("built-in routine.toml"))
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise RoutineError(
            _("unsupported file type {suffix}; save the routine as a .toml or .json file").format(
                suffix=repr(path.suffix or _("(none)"))
            ),
            source=source,
        )
    raw_bytes = read_limited_bytes(path, limit=int(LIMITS["max_file_bytes"]), source=source)
    try:
        text = raw_bytes.decode("utf-8-sig")  # strict: no lone surrogates, no bad bytes
    except UnicodeDecodeError as exc:
        raise RoutineError(
            _("not UTF-8 text (bad byte at position {position}); save the file as UTF-8").format(
                position=exc.start
            ),
            source=source,
        ) from None
    data = _parse(text, suffix, source)
    return routine_from_dict(data, source=source)


def _parse(text: str, suffix: str, source: str) -> Any:
    kind = "JSON" if suffix == ".json" else "TOML"
    depth, dots = (_json_depth(text), 0) if kind == "JSON" else _toml_depth(text)
    max_depth = int(LIMITS["max_depth"])
    if depth > max_depth or dots > max_depth:
        raise RoutineError(
            _(
                "the {kind} nests {levels} levels deep; a routine file needs at most {most} "
                "(a title, a list of steps, each a table of fields)"
            ).format(kind=kind, levels=max(depth, dots), most=max_depth),
            source=source,
        )
    try:
        if kind == "JSON":
            return json.loads(
                text,
                parse_constant=_reject_constant,
                parse_int=_parse_json_int,
                parse_float=_parse_json_float,
            )
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise RoutineError(
            _("not valid JSON: {problem} at line {line}, column {column}").format(
                problem=exc.msg, line=exc.lineno, column=exc.colno
            ),
            source=source,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise RoutineError(
            _("not valid TOML: {problem}").format(problem=exc), source=source
        ) from None
    except (ValueError, RecursionError) as exc:  # huge numbers; depth the scan missed
        reason = _("nests too deeply") if isinstance(exc, RecursionError) else str(exc)[:200]
        raise RoutineError(
            _("not valid {kind}: {reason}").format(kind=kind, reason=reason), source=source
        ) from None


# The ValueErrors below become the reason of a RoutineError shown to the learner.
def _reject_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number a routine can use").format(name=name))


def _parse_json_int(digits: str) -> int:
    # Refused here before converting (conversion is quadratic in the digits); smaller
    # numbers that are still too large get a field name from _check_plain_data.
    if len(digits.lstrip("-")) > _MAX_PARSED_DIGITS:
        raise ValueError(
            _("the number {digits}... is far too large for a routine").format(digits=digits[:20])
        )
    return int(digits)


def _parse_json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(
            _("the number {number} is too large for a routine").format(number=text[:20])
        )
    return value


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _json_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` outside strings (counted before parsing)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _toml_depth(text: str) -> tuple[int, int]:
    """Deepest ``[``/``{`` nesting and longest dotted key, outside strings and comments.

    tomllib recurses on nested arrays (RecursionError) and builds dotted keys in
    quadratic time (``a.a.a...`` of 30,000 parts takes 16 s and 3.5 GB), so both are
    bounded before parsing. Dots in numbers and dates count too, which only makes the
    scan stricter for nonsense values.
    """
    limit = int(LIMITS["max_depth"])
    depth = deepest = dots = most_dots = 0
    i, n = 0, len(text)
    while deepest <= limit and most_dots <= limit:
        found = _TOML_SIGNIFICANT.search(text, i)
        if found is None:
            break
        i, ch = found.start(), found.group()[0]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            end = _toml_string_end(text, i)
            if end < 0:
                break  # unterminated: the parser stops there and says so
            i = end
            continue
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            dots = 0
        elif ch in "]}":
            depth -= 1
            dots = 0
        elif ch == ".":
            dots += 1
            most_dots = max(most_dots, dots)
        else:  # = , or newline: a new key starts
            dots = 0
        i = found.end()
    return deepest, most_dots


_TOML_SIGNIFICANT = re.compile(r"[#\"'\[\]{}.]|[=,\n]+")


def _toml_string_end(text: str, i: int) -> int:
    """Index just past the TOML string starting at ``text[i]``; -1 if it never ends."""
    ch = text[i]
    triple = text.startswith(ch * 3, i)
    quote = ch * 3 if triple else ch
    j = i + len(quote)
    while True:
        end = text.find(quote, j)
        if end < 0:
            return -1
        if ch == '"':  # an odd run of backslashes before the quote escapes it
            k = end
            while k > j and text[k - 1] == "\\":
                k -= 1
            if (end - k) % 2:
                j = end + 1
                continue
        break
    if not triple and "\n" in text[i + 1 : end]:
        return -1
    end += len(quote)
    extra = 0
    while triple and extra < 2 and end < len(text) and text[end] == ch:
        end, extra = end + 1, extra + 1  # up to two more quotes belong to the string's text
    return end


def save_routine(routine: Routine, path: str | Path) -> Path:
    """Save ``routine`` to a ``.toml`` or ``.json`` file, atomically.

    The file is written to a temporary file beside ``path`` and moved into place, so a
    crash mid-save leaves the old file whole. Loading the saved file gives back an equal
    :class:`Routine`.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise RoutineError(
            _("unsupported file type {suffix}; use a .toml or .json name").format(
                suffix=repr(path.suffix or _("(none)"))
            ),
            source=str(path),
        )
    if not isinstance(routine, Routine):
        raise TypeError(f"save_routine() needs a Routine, not {type(routine).__name__}")
    data = routine_to_dict(routine)
    # Validate before writing, so an invalid routine never replaces a good file.
    routine_from_dict(data, source=str(path))
    if suffix == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        import tomli_w

        text = tomli_w.dumps(data)
    return atomic_write_text(path, text)


def routine_to_dict(routine: Routine) -> dict[str, Any]:
    """The plain-data form of ``routine`` that routine files hold."""
    return {
        "schema": ROUTINE_SCHEMA,
        "title": routine.title,
        "description": routine.description,
        "notes": routine.notes,
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "technique": step.technique,
                "points": list(step.points),
                "hand": step.hand,
                "instructions": step.instructions,
                "min_seconds": _plain_number(step.min_seconds),
                "max_seconds": _plain_number(step.max_seconds),
                "default_seconds": _plain_number(step.default_seconds),
                "effect": step.effect,
                "caution": step.caution,
            }
            for step in routine.steps
        ],
    }


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# -- validation -----------------------------------------------------------------------------

_Check = Callable[[Any, str], Any]


def _text(limit_key: str, *, required: bool, one_line: bool = False) -> _Check:
    limit = int(LIMITS[limit_key])
    bad = _BAD_IN_LINE if one_line else _BAD_IN_PROSE

    def check(value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise _FieldError(where, _("expected text, got {kind}").format(kind=_kind(value)))
        if required and not value.strip():
            raise _FieldError(where, _("must not be empty"))
        if len(value) > limit:
            raise _FieldError(
                where,
                _("is {length} characters long; keep it to {limit}").format(
                    length=i18n.format_decimal(len(value), 0), limit=i18n.format_decimal(limit, 0)
                ),
            )
        found = bad.search(value)
        if found:
            raise _FieldError(where, _bad_character(value, found.start(), one_line=one_line))
        return value

    return check


def _bad_character(value: str, index: int, *, one_line: bool) -> str:
    char = value[index]
    surrogate = "\ud800" <= char <= "\udfff"
    if one_line:
        message = (
            N_(
                "character {number} is half of a surrogate pair ({char}); none are allowed "
                "here: retype the text or save the file as plain UTF-8"
            )
            if surrogate
            else N_(
                "character {number} is a control character ({char}); none are allowed here: "
                "retype the text or save the file as plain UTF-8"
            )
        )
    else:
        message = (
            N_(
                "character {number} is half of a surrogate pair ({char}); only newlines and "
                "tabs are allowed: retype the text or save the file as plain UTF-8"
            )
            if surrogate
            else N_(
                "character {number} is a control character ({char}); only newlines and tabs "
                "are allowed: retype the text or save the file as plain UTF-8"
            )
        )
    return _(message).format(number=index + 1, char=repr(char))


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _FieldError(
            where, _("expected a number of seconds, got {kind}").format(kind=_kind(value))
        )
    if not math.isfinite(value):
        raise _FieldError(where, _("expected a finite number of seconds"))
    lo, hi = LIMITS["min_seconds"], LIMITS["max_seconds"]
    if not lo <= value <= hi:
        shown = f"{value:g}" if abs(value) < 1e15 else _("a huge number")
        raise _FieldError(
            where,
            _("{value} s is out of range; expected {lo} to {hi} seconds (1 s to 1 h)").format(
                value=shown, lo=f"{lo:g}", hi=f"{hi:g}"
            ),
        )
    return float(value)


def _step_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _STEP_ID.fullmatch(value):
        raise _FieldError(
            where,
            _(
                "expected a short id of lower-case letters, digits, '-' or '_' "
                "(1-40 characters, e.g. 'calf-knead'), got {value}"
            ).format(value=f"{value!r:.60}"),
        )
    return value


def _check_plain_data(data: Any) -> None:
    """Bound what any parsed file may hold, before the field rules look at it: nesting,
    key names, numbers and characters (iteratively, so depth itself cannot crash it)."""
    max_depth, max_key = int(LIMITS["max_depth"]), int(LIMITS["max_key_chars"])
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > max_depth:
            raise _FieldError(
                where or _("(top level)"),
                _("nests deeper than {most} levels; flatten it").format(most=max_depth),
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str) or len(key) > max_key or _BAD_IN_LINE.search(key):
                    raise _FieldError(
                        where or _("(top level)"),
                        _(
                            "has a field name that cannot be right ({key}); expected short "
                            "names such as title or steps"
                        ).format(key=f"{key!r:.40}"),
                    )
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}[{i}]", depth + 1))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) >= 10**_MAX_INT_DIGITS:
                raise _FieldError(where, _("the number is far too large for a routine file"))
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise _FieldError(
                    where, _("{name} is not a number a routine can use").format(name=value)
                )
        elif isinstance(value, str):
            found = _BAD_IN_PROSE.search(value)
            if found:
                raise _FieldError(where, _bad_character(value, found.start(), one_line=False))


def _point_codes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _FieldError(
            where,
            _('expected a list of point codes like ["BL40"], got {kind}').format(kind=_kind(value)),
        )
    limit = int(LIMITS["max_points_per_step"])
    if len(value) > limit:
        raise _FieldError(
            where,
            _("lists {n} points; a step can target at most {limit}").format(
                n=len(value), limit=limit
            ),
        )
    known = load_points()
    codes = []
    for i, code in enumerate(value):
        if not isinstance(code, str):
            raise _FieldError(
                f"{where}[{i}]", _("expected a point code, got {kind}").format(kind=_kind(code))
            )
        if code not in known:
            raise _FieldError(
                f"{where}[{i}]",
                _("unknown point code {code}; expected one of {codes}").format(
                    code=f"{code!r:.40}", codes=", ".join(known)
                ),
            )
        codes.append(code)
    return tuple(codes)


_STEP_FIELDS: dict[str, tuple[_Check, bool]] = {
    # name: (check, required)
    "id": (_step_id, True),
    "title": (_text("title_chars", required=True, one_line=True), True),
    "technique": (_text("title_chars", required=True, one_line=True), True),
    "instructions": (_text("long_chars", required=True), True),
    "min_seconds": (_seconds, True),
    "max_seconds": (_seconds, True),
    "default_seconds": (_seconds, True),
    "points": (_point_codes, False),
    "hand": (_text("short_chars", required=False, one_line=True), False),
    "effect": (_text("long_chars", required=False), False),
    "caution": (_text("long_chars", required=False), False),
}

_ROUTINE_FIELDS: dict[str, tuple[_Check, bool]] = {
    "title": (_text("title_chars", required=True, one_line=True), True),
    "description": (_text("long_chars", required=False), False),
    "notes": (_text("long_chars", required=False), False),
}


class _FieldError(Exception):
    def __init__(self, where: str, message: str):
        self.where, self.message = where, message


_KINDS = {
    dict: N_("a table"),
    list: N_("a list"),
    str: N_("text"),
    bool: N_("true/false"),
    type(None): N_("null"),
}


def _kind(value: Any) -> str:
    name = _KINDS.get(type(value))
    return _(name) if name else _("a {type}").format(type=type(value).__name__)


def _check_fields(raw: Any, spec: Mapping[str, tuple[_Check, bool]], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _FieldError(
            where or _("(top level)"),
            _("expected a table of fields, got {kind}").format(kind=_kind(raw)),
        )
    prefix = f"{where}." if where else ""
    unknown = [key for key in raw if key not in spec]
    if unknown:
        raise _FieldError(
            f"{prefix}{unknown[0]}",
            _("unknown field; expected one of {fields} (check the spelling)").format(
                fields=", ".join(spec)
            ),
        )
    out = {}
    for name, (check, required) in spec.items():
        if name not in raw:
            if required:
                raise _FieldError(f"{prefix}{name}", _("missing; this field is required"))
            continue
        out[name] = check(raw[name], f"{prefix}{name}")
    return out


def routine_from_dict(data: Any, *, source: str = "<data>") -> Routine:
    """Build a :class:`Routine` from plain data (a parsed routine file), validating it all.

    Raises
    ------
    RoutineError
        Naming ``source``, the field path and what is expected.
    """
    try:
        _check_plain_data(data)
        return _routine_from_dict(data)
    except _FieldError as bad:
        raise RoutineError(bad.message, source=source, field=bad.where) from None


def _routine_from_dict(data: Any) -> Routine:
    if not isinstance(data, dict):
        raise _FieldError(
            _("(top level)"),
            _("expected a table with 'title' and 'steps', got {kind}").format(kind=_kind(data)),
        )
    data = dict(data)
    schema = data.pop("schema", ROUTINE_SCHEMA)
    if schema != ROUTINE_SCHEMA or isinstance(schema, bool):
        raise _FieldError(
            "schema",
            _("this version reads routine files of schema {schema}, got {value}").format(
                schema=ROUTINE_SCHEMA, value=f"{schema!r:.20}"
            ),
        )
    steps_raw = data.pop("steps", None)
    fields = _check_fields(data, _ROUTINE_FIELDS, "")
    if steps_raw is None:
        raise _FieldError("steps", _("missing; a routine needs a list of steps"))
    if not isinstance(steps_raw, list):
        raise _FieldError(
            "steps", _("expected a list of steps, got {kind}").format(kind=_kind(steps_raw))
        )
    if not steps_raw:
        raise _FieldError("steps", _("the routine is empty; add at least one step"))
    if len(steps_raw) > LIMITS["max_steps"]:
        raise _FieldError(
            "steps",
            ngettext(
                "has {n} step; a routine can have at most {most}",
                "has {n} steps; a routine can have at most {most}",
                len(steps_raw),
            ).format(n=len(steps_raw), most=int(LIMITS["max_steps"])),
        )
    steps = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(steps_raw):
        where = f"steps[{i}]"
        values = _check_fields(raw, _STEP_FIELDS, where)
        if values["id"] in seen:
            raise _FieldError(
                f"{where}.id",
                _(
                    "duplicate step id {id}, also used by steps[{other}]; give every step its "
                    "own id"
                ).format(id=repr(values["id"]), other=seen[values["id"]]),
            )
        seen[values["id"]] = i
        lo, hi, default = values["min_seconds"], values["max_seconds"], values["default_seconds"]
        if lo > hi:
            raise _FieldError(
                f"{where}.max_seconds",
                _("{hi} s is less than min_seconds ({lo} s)").format(hi=f"{hi:g}", lo=f"{lo:g}"),
            )
        if not lo <= default <= hi:
            raise _FieldError(
                f"{where}.default_seconds",
                _("{default} s is outside [min_seconds, max_seconds] = [{lo}, {hi}]").format(
                    default=f"{default:g}", lo=f"{lo:g}", hi=f"{hi:g}"
                ),
            )
        values.setdefault("points", ())
        steps.append(Step(**values))
    return Routine(steps=tuple(steps), **fields)
