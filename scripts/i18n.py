"""Message catalogs: extract the course's strings, update the translations, check them.

    python scripts/i18n.py extract   # sources -> tutorial/locale/<domain>.pot -> update each .po
    python scripts/i18n.py check     # exit 1 if a catalog is stale, untranslated or fuzzy

One catalog per area (``tutorial.content.i18n.DOMAINS``). Python marks text with ``_()``,
``ngettext()``, ``pgettext()`` and ``N_()``; JavaScript with ``t()`` and ``tn()``. Babel does
the extraction (its Python and JavaScript extractors), the ``.po`` reading and writing and the
plural rules; this script only says which files belong to which catalog.
"""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "tutorial" / "locale"
TRANSLATIONS = ("zh_Hans",)
SOURCES: dict[str, tuple[str, ...]] = {
    "content": ("tutorial/content/*.py", "tutorial/store/*.py"),
    "drawing": ("tutorial/drawing/*.py",),
    "widgets": ("tutorial/widgets/*.py", "tutorial/site/*.py"),
    "js": ("tutorial/static/*.js", "tutorial/site/static/*.js"),
}
PY_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
JS_KEYWORDS = {"t": None, "tn": (1, 2)}
#: Fixed header dates: catalogs change only when their messages do (no merge noise).
_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
_HEADER = {
    "project": "calf-cramp-tutorial",
    "version": "0.1",
    "copyright_holder": "the calf-cramp-tutorial authors",
    "msgid_bugs_address": "",
    "creation_date": _DATE,
    "revision_date": _DATE,
    "fuzzy": False,
}
_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}")


def files(domain: str) -> list[Path]:
    out: list[Path] = []
    for pattern in SOURCES[domain]:
        out += sorted(ROOT.glob(pattern))
    return out


def template(domain: str) -> Catalog:
    """The domain's messages as Babel extracts them from its source files."""
    catalog = Catalog(domain=domain, **_HEADER)
    for path in files(domain):
        method = "javascript" if path.suffix in {".js", ".mjs"} else "python"
        keywords = JS_KEYWORDS if method == "javascript" else PY_KEYWORDS
        rel = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=keywords, comment_tags=("Translators:",)
        ):
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_path(locale: str, domain: str) -> Path:
    return LOCALE / locale / "LC_MESSAGES" / f"{domain}.po"


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(
        buf,
        catalog,
        width=100,
        omit_header=False,
        include_lineno=False,
        sort_by_file=True,
        ignore_obsolete=True,
    )
    path.write_bytes(buf.getvalue())


def extract() -> None:
    for domain in SOURCES:
        pot = template(domain)
        _write(pot, LOCALE / f"{domain}.pot")
        for locale in TRANSLATIONS:
            path = _po_path(locale, domain)
            if path.is_file():
                with path.open("rb") as f:
                    po = read_po(f, locale=locale, domain=domain)
            else:
                po = Catalog(locale=locale, domain=domain, **_HEADER)
            po.update(pot, no_fuzzy_matching=True, update_creation_date=False)
            po.revision_date = _DATE
            po.fuzzy = False
            po.last_translator = "the calf-cramp-tutorial authors"
            po.language_team = "zh-Hans"
            _write(po, path)
        print(f"{domain}: {len(pot)} messages")


def fields(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def problems() -> list[str]:
    """Everything wrong with the catalogs, one line each (empty when all is well)."""
    out: list[str] = []
    for domain in SOURCES:
        want = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0])
            for m in template(domain)
            if m.id
        }
        pot_path = LOCALE / f"{domain}.pot"
        if not pot_path.is_file():
            out.append(
                f"{pot_path.relative_to(ROOT)} is missing: run python scripts/i18n.py extract"
            )
            continue
        for locale in TRANSLATIONS:
            path = _po_path(locale, domain)
            rel = path.relative_to(ROOT)
            if not path.is_file():
                out.append(f"{rel} is missing: run python scripts/i18n.py extract")
                continue
            with path.open("rb") as f:
                po = read_po(f, locale=locale, domain=domain)
            have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in po if m.id}
            for _context, msgid in sorted(want - have, key=str):
                out.append(f"{rel}: not in the catalog (run extract): {msgid!r}")
            for _context, msgid in sorted(have - want, key=str):
                out.append(f"{rel}: no longer in the code (run extract): {msgid!r}")
            for m in po:
                if not m.id:
                    continue
                ids = [m.id] if isinstance(m.id, str) else list(m.id)
                strings = [m.string] if isinstance(m.string, str) else list(m.string)
                if m.fuzzy or not all(strings):
                    out.append(f"{rel}: untranslated: {ids[0]!r}")
                    continue
                for s in strings:
                    if fields(s) != fields(ids[-1]) and fields(s) != fields(ids[0]):
                        out.append(
                            f"{rel}: placeholders differ in {ids[0]!r}: "
                            f"{sorted(fields(ids[0]))} vs {sorted(fields(s))}"
                        )
    return out


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        extract()
        return 0
    if command == "check":
        found = problems()
        print("\n".join(found) or "catalogs OK")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
