"""Message catalogs: extract the course's strings, update the translations, check them.

    python scripts/i18n.py extract   # sources -> tutorial/locale/<domain>.pot -> update each .po
    python scripts/i18n.py check     # exit 1 if a catalog is stale, untranslated or fuzzy
    python scripts/i18n.py literals  # user text still written in the code, outside ``_()``/``t()``

A string that looks like prose but is not user text (a CSS rule, a file name, a log line) is
exempt when its line says ``i18n: ignore``.

One catalog per area (``tutorial.content.i18n.DOMAINS``). Python marks text with ``_()``,
``ngettext()``, ``pgettext()`` and ``N_()``; JavaScript with ``t()`` and ``tn()``. Babel does
the extraction (its Python and JavaScript extractors), the ``.po`` reading and writing and the
plural rules; this script only says which files belong to which catalog.
"""

from __future__ import annotations

import ast
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
    out += _disagreements()
    return out


# -- user text left in code (for tests/test_i18n.py and `python scripts/i18n.py literals`) -----

#: Calls whose string arguments are already catalog messages, or are for developers only.
_MARKERS = {"_", "N_", "ngettext", "pgettext", "gettext", "t", "tn"}
_DEVELOPER_CALLS = {
    "TypeError",
    "AttributeError",
    "KeyError",
    "NotImplementedError",
    "RuntimeError",
    "AssertionError",
    "ImportError",
    "IndexError",
    "ValueError",
    "LookupError",
    "OSError",
    "getLogger",
    "debug",
    "info",
    "warning",
    "exception",
    "critical",
    "getenv",
    "get",
    "setdefault",
    "startswith",
    "endswith",
    "split",
    "join",
    "replace",
    "strip",
    "encode",
    "decode",
    "joinpath",
    "glob",
    "rglob",
    "with_suffix",
    "Path",
    "open",
    "execute",
    "executemany",
    "executescript",
    "compile",
    "match",
    "fullmatch",
    "search",
    "sub",
    "findall",
    "import_module",
    "getattr",
    "hasattr",
    "setattr",
    "observe",
    "Unicode",
    "Dict",
    "List",
    "Int",
    "Float",
    "Bool",
    "Enum",
    "Instance",
    "tag",
    "add_trait",
    "register",
    "strftime",
    "strptime",
    "rgba",
    "set_family",
    "findfont",
    "FontProperties",
}
_IGNORE = "i18n: ignore"
_CSSISH = re.compile(
    r"\d(px|em|rem|vh|vw|ms|s|%)\b|#[0-9a-fA-F]{3,8}\b|[{};]|^\s*[.#@:][\w-]|var\(--|rgba?\(|^[\w.-]+\.(py|js|css|toml|json|png|svg|pdf|ttf|csv|txt|ipynb|html|db)$"
)
_TAG = re.compile(r"<[^<>]*>|&[a-z]+;|\{[^{}]*\}|%\([a-z_]+\)[sd]|\$\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z][a-z]{1,}")


def looks_like_prose(text: str) -> bool:
    """A string a person would read: two words with a space, or one capitalised word."""
    bare = _TAG.sub(" ", text).strip()
    if _CSSISH.search(bare) and not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", bare):
        return False
    tokens = bare.split()
    if all(re.fullmatch(r"[a-z0-9_-]+", w) for w in tokens) and any("-" in w for w in tokens):
        return False  # a list of CSS classes or ids
    words = _WORD.findall(bare)
    if len(words) >= 2 and " " in bare:
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]{2,}[.!?:…]?", bare))


def _call_name(node: ast.AST) -> str:
    func = node.func  # type: ignore[attr-defined]
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def python_literals(path: Path) -> list[tuple[int, str]]:
    """``(line, text)`` of each user-looking string in ``path`` not given to ``_()`` & co."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or not looks_like_prose(node.value):
            continue
        if node.value == "use strict" or (
            re.fullmatch(r"[A-Z][A-Za-z]+", node.value)
            and (node.value in source.split("__all__", 1)[-1].split("]", 1)[0])
        ):
            continue
        skip = False
        up: ast.AST | None = node
        while up is not None:
            if isinstance(up, ast.Call) and _call_name(up) in _MARKERS | _DEVELOPER_CALLS:
                skip = True
                break
            if isinstance(up, (ast.Compare, ast.Subscript)):
                skip = True
                break
            if isinstance(up, ast.stmt):
                span = lines[up.lineno - 1 : (up.end_lineno or up.lineno)]
                skip = any(_IGNORE in line for line in span)
                break
            up = parents.get(id(up))
        if not skip:
            found.append((node.lineno, node.value))
    return found


_JS_STRING = re.compile(
    r"""(?<![\w$])(t|tn)?\(?\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)"""
)


def js_literals(path: Path) -> list[tuple[int, str]]:
    """``(line, text)`` of each user-looking string literal in a JS file not inside ``t()``."""
    found: list[tuple[int, str]] = []
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for lineno, line in enumerate(text.splitlines(), 1):
        if _IGNORE in line or line.lstrip().startswith(("//", "import ", "*")):
            continue
        code = re.sub(r"\s//.*$", "", line)
        for m in re.finditer(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)""", code):
            before = code[: m.start()].rstrip()
            if re.search(r"(?<![\w$.])(t|tn)\($", before) or re.search(
                r"(?<![\w$.])tn\(.*,$", before
            ):
                continue
            if re.search(
                r"(console\.\w+|Error|querySelector(All)?|getElementById|setAttribute|classList\.\w+|addEventListener|createElement(NS)?)\($",
                before,
            ):
                continue
            value = m.group(0)[1:-1]
            if looks_like_prose(value):
                found.append((lineno, value))
    return found


def literals() -> dict[str, list[tuple[int, str]]]:
    """Every file of the package with user text left outside the catalogs."""
    out: dict[str, list[tuple[int, str]]] = {}
    for domain, patterns in SOURCES.items():
        for pattern in patterns:
            for path in sorted(ROOT.glob(pattern)):
                scan = js_literals if domain == "js" else python_literals
                hits = scan(path)
                if hits:
                    out[path.relative_to(ROOT).as_posix()] = hits
    return out


def _disagreements() -> list[str]:
    """A message in two of Python's catalogs must read the same in both (``_()`` reads them
    merged, so one would silently win). The browser's ``js`` catalog stands alone."""
    seen: dict[tuple[str | None, str], tuple[str, object]] = {}
    out: list[str] = []
    for locale in TRANSLATIONS:
        for domain in SOURCES:
            path = _po_path(locale, domain)
            if domain == "js" or not path.is_file():
                continue
            with path.open("rb") as f:
                po = read_po(f, locale=locale, domain=domain)
            for m in po:
                if not m.id:
                    continue
                key = (m.context, m.id if isinstance(m.id, str) else m.id[0])
                if key in seen and seen[key][1] != m.string:
                    out.append(
                        f"{domain}.po and {seen[key][0]}.po translate {key[1]!r} differently: "
                        f"{m.string!r} / {seen[key][1]!r}"
                    )
                seen.setdefault(key, (domain, m.string))
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
    if command == "literals":
        left = literals()
        for name, hits in left.items():
            for line, text in hits:
                print(f"{name}:{line}: {text[:90]!r}")
        print(f"{sum(map(len, left.values()))} strings in {len(left)} files")
        return 1 if left else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
