"""The widgets' browser code and the words it shows, in the course's language.

Each front end (``tutorial/static/<name>.js``) that shows words imports the shared translator
(``static/i18n.js``: ``t()``, ``tn()`` with ``Intl.PluralRules``, numbers with
``Intl.NumberFormat``). :func:`esm` inlines that file where the import stands, so anywidget
and the static site get one self-contained module, while ``node --test`` imports the files
as they are. :func:`catalog_trait` gives a widget the synced trait ``i18n``: the part of
``i18n.js_catalog("js")`` its file uses, in the language current when the widget is made.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import traitlets

from ..content import i18n

__all__ = ["catalog", "catalog_trait", "classic_i18n_js", "esm"]

_STATIC = Path(__file__).parent.parent / "static"
_SHARED = "i18n.js"
_IMPORT = re.compile(r'^import \{[^}]*\} from "\./i18n\.js";[ \t]*\n', re.M)


@cache
def _source(name: str) -> str:
    return (_STATIC / name).read_text(encoding="utf-8")


def esm(name: str) -> str:
    """``static/<name>`` as one ES module: its ``import ... from "./i18n.js"`` replaced by that
    file (anywidget loads a widget's code as one module, and pages from disk cannot import)."""
    source = _source(name)
    shared = f"// ---- {_SHARED} (inlined)\n{_source(_SHARED)}"  # i18n: ignore
    return _IMPORT.sub(lambda _m: f"{shared}// ---- end of {_SHARED}\n", source, count=1)


def classic_i18n_js(catalog_data: dict[str, Any]) -> str:
    """``static/i18n.js`` as a classic script for the static site: ``window.CCT_I18N`` is the
    translator (``{lang, t, tn, number}``) of ``catalog_data``."""
    body = re.sub(r"^export ", "", _source(_SHARED), flags=re.M)
    data = json.dumps(catalog_data, ensure_ascii=False, separators=(",", ":"))
    return (  # i18n: ignore (JavaScript source)
        f"// tutorial/static/{_SHARED} and the catalog of the page's words (tutorial.site).\n"
        "window.CCT_I18N = (function () {\n"
        f"{body}\n"
        f"return makeTranslator({data.replace('</', '<' + chr(92) + '/')});\n"
        "})();\n"
    )


@cache
def _ids_by_file() -> dict[str, frozenset[str]]:
    """Every msgid of the ``js`` catalog, by the file (base name) that uses it."""
    from babel.messages.pofile import read_po

    pot = resources.files("tutorial").joinpath("locale", "js.pot")
    found: dict[str, set[str]] = {}
    with pot.open("rb") as f:
        for message in read_po(f, domain="js"):
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            for filename, _line in message.locations:
                found.setdefault(Path(filename).name, set()).add(msgid)
    return {name: frozenset(ids) for name, ids in found.items()}


@cache
def _full_catalog(language: str) -> dict[str, Any]:
    return i18n.js_catalog("js", language)


def catalog(*names: str, language: str | None = None) -> dict[str, Any]:
    """``{"lang", "messages", "plurals"}`` for the front-end files ``names`` (``"timer.js"``).

    Only the messages those files (and the shared ``i18n.js``) use: a page with many widgets
    does not carry the whole catalog in each. Empty tables in English.
    """
    full = _full_catalog(language or i18n.get_language())
    ids: set[str] = set()
    for name in (*names, _SHARED):
        ids |= _ids_by_file().get(name, frozenset())
    return {
        "lang": full["lang"],
        "messages": {k: v for k, v in full["messages"].items() if k in ids},
        "plurals": {k: v for k, v in full["plurals"].items() if k in ids},
    }


class _CatalogTrait(traitlets.Dict):
    """A Dict whose default is the catalog of some files in the language of the moment."""

    def __init__(self, names: tuple[str, ...]) -> None:
        super().__init__()
        self._names = names

    def make_dynamic_default(self) -> dict[str, Any]:
        return catalog(*self._names)


def catalog_trait(*names: str) -> traitlets.Dict:
    """The synced ``i18n`` trait of a widget whose front end is ``names``: the catalog
    (:func:`catalog`) in the language current when the widget is made."""
    return _CatalogTrait(names).tag(sync=True)
