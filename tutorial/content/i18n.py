"""The course's languages: message catalogs (gettext with Babel) and translated data.

Every string the course shows comes from here::

    from ..content.i18n import _, ngettext, format_number

    label = _("Start")
    summary = ngettext("{n} step", "{n} steps", n).format(n=n)

English source text is the message id (the gettext convention). Translations live in
``tutorial/locale/zh_Hans/LC_MESSAGES/<domain>.po``, one catalog per area (``widgets``,
``drawing``, ``content``, ``js``), extracted and checked by ``python scripts/i18n.py``.
Plural rules and number formats are Babel's (CLDR), never English grammar in code.

Content data (points, routine, safety...) carries its translations beside the English, as a
table named after the language inside the entry it translates::

    [[points]]
    code = "BL40"
    location = "Back of the knee, ..."
    [points.zh - Hans]
    location = "膝后区，腘横纹中点。"

:func:`localize_data` overlays the current language's table on each entry. A translatable
field without a translation is an error (:class:`~tutorial.content.model.RoutineError`
naming the file, the field and the fix), never a silent fallback to English.

The language is chosen by :func:`set_language` (``tutorial.set_language("zh-Hans")``) or, for
Voila and the static site, by the ``CALF_TUTORIAL_LANG`` environment variable.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache, wraps
from importlib import resources
from typing import Any, TypeVar

from .model import RoutineError

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAINS",
    "LANGUAGES",
    "LANGUAGE_ENV",
    "LANGUAGE_FOLDERS",
    "N_",
    "_",
    "babel_locale",
    "format_decimal",
    "format_list",
    "get_language",
    "html_lang",
    "js_catalog",
    "localize_data",
    "ngettext",
    "per_language",
    "pgettext",
    "set_language",
]

#: The languages the course is written in, as BCP 47 tags. English is the source language.
LANGUAGES: tuple[str, ...] = ("en", "zh-Hans")
DEFAULT_LANGUAGE = "en"
LANGUAGE_ENV = "CALF_TUTORIAL_LANG"
#: Where a language's lessons and site pages live, below the English ones: its lessons in
#: ``notebooks/<folder>`` (``scripts/make_zh_notebooks.py`` writes them) and its pages in
#: ``site/<folder>`` (``python -m tutorial.site --all-languages``).
LANGUAGE_FOLDERS: dict[str, str] = {"en": "", "zh-Hans": "zh"}
#: One catalog per area of the package, so translators (and branches) do not collide.
DOMAINS: tuple[str, ...] = ("content", "drawing", "widgets", "js")
#: The catalogs Python's ``_()`` reads (merged: a message must read the same in each);
#: ``js`` is the browser's, sent to it by :func:`js_catalog`.
PYTHON_DOMAINS: tuple[str, ...] = ("content", "drawing", "widgets")
#: Keys of data entries that are never translated: codes, ids, numbers, names in pinyin/hanzi.
NEUTRAL_KEYS: frozenset[str] = frozenset(
    {
        "code",
        "id",
        "ids",
        "key",
        "kind",
        "pinyin",
        "hanzi",
        "views",
        "view",
        "landmark",
        "landmarks",
        "points",
        "schema",
        "side",
        "unit",
        "color",
        "colour",
        "icon",
        "url",
        "technique",
        "leg",
        "legs",
        "variant",
        "style",
        "step",
        "reference",
        "picture",
        # widget settings (timer, quiz, photo, self-check, site): ids, file names, waves
        "answer",
        "edge_a_side",
        "file_name",
        "kinds",
        "knee_point",
        "notebook",
        "order",
        "wave",
    }
)
_ALIASES = {
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
    "english": "en",
    "zh": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh_cn": "zh-Hans",
    "zh_hans": "zh-Hans",
    "zh-sg": "zh-Hans",
}
_T = TypeVar("_T")
_language: str | None = None
_listeners: list[Callable[[str], None]] = []


def _normalize(tag: str) -> str:
    found = _ALIASES.get(str(tag).strip().lower())
    if found is None:
        raise RoutineError(
            _("unknown language {tag}; use one of {languages}").format(
                tag=repr(tag), languages=", ".join(repr(x) for x in LANGUAGES)
            ),
            source=LANGUAGE_ENV if tag == os.environ.get(LANGUAGE_ENV) else "set_language()",
            field="language",
        )
    return found


def get_language() -> str:
    """The language the course shows now (``"en"`` or ``"zh-Hans"``)."""
    global _language
    if _language is None:
        env = os.environ.get(LANGUAGE_ENV, "").strip()
        # English while the variable is read, so that an error about it can be written.
        _language = DEFAULT_LANGUAGE
        try:
            _language = _normalize(env) if env else DEFAULT_LANGUAGE
        except RoutineError:
            _language = None
            raise
    return _language


def set_language(tag: str) -> str:
    """Show everything the package makes from now on in ``tag`` (``"en"``, ``"zh-Hans"``).

    Widgets already on screen keep their language; run the cell again to rebuild them.
    Returns the normalized tag.
    """
    global _language
    new = _normalize(tag)
    if new != _language:
        _language = new
        for listener in list(_listeners):
            listener(new)
    return new


@contextmanager
def using_language(tag: str | None) -> Iterator[str]:
    """Within the block, show ``tag`` (``None``: the current language); then restore it.

    For work done later on behalf of a widget built in another language (a picture the
    browser asks for after the learner switched language).
    """
    global _language
    before = get_language()
    _language = _normalize(tag) if tag else before
    try:
        yield _language
    finally:
        _language = before


def on_language_change(listener: Callable[[str], None]) -> None:
    """Call ``listener(tag)`` whenever :func:`set_language` changes the language."""
    _listeners.append(listener)


def per_language(function: Callable[..., _T]) -> Callable[..., _T]:
    """Like :func:`functools.cache`, but one cache per language (for loaders and pictures)."""
    cached = cache(lambda language, *args, **kwargs: function(*args, **kwargs))

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> _T:
        return cached(get_language(), *args, **kwargs)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def html_lang() -> str:
    """The ``lang`` attribute for HTML the course writes (``en``, ``zh-Hans``)."""
    return get_language()


def babel_locale(language: str | None = None) -> Any:
    """The :class:`babel.Locale` of ``language`` (default: the current one)."""
    from babel import Locale

    tag = language or get_language()
    return Locale.parse(tag.replace("-", "_")) if tag != "en" else Locale("en")


# -- message catalogs -------------------------------------------------------------------


def _catalog_dir(language: str) -> Any:
    return resources.files("tutorial").joinpath("locale", language.replace("-", "_"), "LC_MESSAGES")


@cache
def _translations(language: str) -> Any:
    """gettext translations for ``language``: every domain's ``.po`` merged (Babel)."""
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    merged: Any = None
    for domain in PYTHON_DOMAINS:
        po = _catalog_dir(language).joinpath(f"{domain}.po")
        if not po.is_file():
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=language.replace("-", "_"), domain=domain)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        part = Translations(fp=buf, domain=domain)
        merged = part if merged is None else merged.merge(part)
    return merged if merged is not None else gettext.NullTranslations()


def _(message: str) -> str:
    """The current language's text for ``message`` (English source text)."""
    return _translations(get_language()).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext name
    """Mark ``message`` for the catalog without translating it yet (data tables, defaults)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` by the language's plural rule (CLDR)."""
    return _translations(get_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a context, for one English word with two meanings (``"leg"``)."""
    return _translations(get_language()).pgettext(context, message)


def format_decimal(value: float, digits: int = 1) -> str:
    """``value`` with at most ``digits`` decimals, in the language's number format."""
    from babel.numbers import format_decimal as babel_format

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return babel_format(value, format=pattern, locale=babel_locale())


def format_list(items: Iterable[str], style: str = "standard") -> str:
    """``["a", "b", "c"]`` as "a, b and c" / "a、b和c" (Babel, CLDR list patterns)."""
    from babel.lists import format_list as babel_list

    items = list(items)
    return babel_list(items, style=style, locale=babel_locale()) if items else ""


def js_catalog(domain: str = "js", language: str | None = None) -> dict[str, Any]:
    """What a page needs to translate its own strings: ``{"lang", "messages", "plurals"}``.

    ``messages`` maps English source text to its translation; ``plurals`` maps a singular
    source text to the list of plural forms, chosen in the browser with ``Intl.PluralRules``
    (the same CLDR rules as Babel). English gets empty tables: the source text is English.
    """
    tag = language or get_language()
    out: dict[str, Any] = {"lang": tag, "messages": {}, "plurals": {}}
    if tag == DEFAULT_LANGUAGE:
        return out
    po = _catalog_dir(tag).joinpath(f"{domain}.po")
    if not po.is_file():
        return out
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=tag.replace("-", "_"), domain=domain)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            out["plurals"][message.id[0]] = list(message.string)
        elif message.string:
            out["messages"][message.id] = message.string
    return out


# -- translated data --------------------------------------------------------------------

_PROSE = re.compile(r"[A-Za-z]{2,}")


_NEUTRAL_SUFFIXES = ("_id", "_ids", "_code", "_codes", "_colour", "_colours")


def _neutral(key: str) -> bool:
    """A table never translated as a whole (``handle_colours = {knee = "#D55E00"}``)."""
    return key.endswith(_NEUTRAL_SUFFIXES)


def _translatable(key: str, value: Any) -> bool:
    if key in NEUTRAL_KEYS or _neutral(key):
        return False
    if isinstance(value, str):
        return bool(_PROSE.search(value))
    if isinstance(value, list):
        return any(isinstance(v, str) and _PROSE.search(v) for v in value)
    return False


def localize_data(data: Any, source: str, language: str | None = None, where: str = "") -> Any:
    """``data`` (parsed TOML) with each entry's ``[<entry>.<language>]`` table laid over it.

    Language tables are removed in every language. Every field the table names replaces the
    English one (a list of point cautions too). In a language other than English, every
    translatable field (English prose; not a code, id or number, see :data:`NEUTRAL_KEYS`)
    of an entry must have a translation in that entry's table, else :class:`RoutineError`
    names the file and field.
    """
    return _localize(data, source, language or get_language(), where, None)


def missing_translations(data: Any, source: str, language: str) -> list[str]:
    """Every field of ``data`` that lacks a ``language`` translation (for tests and tools)."""
    missing: list[str] = []
    _localize(data, source, language, "", missing)
    return [f"{source}: {path}" for path in missing]


def _localize(data: Any, source: str, tag: str, where: str, missing: list[str] | None) -> Any:
    """:func:`localize_data`; a missing translation is raised, or listed in ``missing``."""
    if isinstance(data, list):
        return [_localize(v, source, tag, f"{where}[{i}]", missing) for i, v in enumerate(data)]
    if not isinstance(data, Mapping):
        return data
    table = data.get(tag) if tag != DEFAULT_LANGUAGE else None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in LANGUAGES:
            continue
        path = f"{where}.{key}" if where else key
        if (
            isinstance(value, (Mapping, list))
            and not _neutral(key)
            and not (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            out[key] = _localize(value, source, tag, path, missing)
            continue
        if isinstance(table, Mapping) and key in table:
            value = table[key]
        elif tag != DEFAULT_LANGUAGE and _translatable(key, value):
            if missing is not None:
                missing.append(path)
            else:
                raise RoutineError(
                    _(
                        'no {language} translation; add {key} = "..." to the table [{table}] '
                        "beside the English"
                    ).format(language=tag, key=key, table=f"{where + '.' if where else ''}{tag}"),
                    source=source,
                    field=path,
                )
        out[key] = value
    return out
