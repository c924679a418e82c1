"""The lessons in Simplified Chinese: generated from the English lessons and a catalog.

    python scripts/make_zh_notebooks.py extract  # English Markdown -> lessons.pot, lessons.po
    python scripts/make_zh_notebooks.py check    # exit 1: a translation missing or stale, or
                                                 # notebooks/zh not what build would write
    python scripts/make_zh_notebooks.py build    # write notebooks/zh/*.ipynb

The Chinese lessons are never edited by hand. Each one is its English lesson with every
Markdown cell replaced by its translation from ``tutorial/locale/zh_Hans/LC_MESSAGES/lessons.po``
and one code cell inserted before the first code cell, which switches the package to Chinese
(``tutorial.set_language("zh-Hans")``). Code cells are copied as they are.

The catalog works like Sphinx's for documentation: one message per Markdown cell, its
context the lesson and the cell id (``04_guided_routine#9``), its id the English text. When
an English cell changes, its message id no longer matches: ``extract`` adds the new English
text untranslated (the old translation is dropped), and ``check`` fails until the Chinese is
written again. Babel reads and writes the catalog, so any gettext tool (Poedit, Weblate, a
text editor) can be used to translate it.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from tutorial.content.i18n import LANGUAGE_FOLDERS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "python scripts/make_zh_notebooks.py"
ENGLISH = ROOT / "notebooks"
LANGUAGE = "zh-Hans"
LOCALE = "zh_Hans"
OUT = ENGLISH / LANGUAGE_FOLDERS[LANGUAGE]
TEMPLATE = ROOT / "tutorial" / "locale" / "lessons.pot"
CATALOG = ROOT / "tutorial" / "locale" / LOCALE / "LC_MESSAGES" / "lessons.po"
#: The code cell that makes a lesson Chinese; inserted before the first code cell.
LANGUAGE_CELL_ID = "zh-language"
LANGUAGE_CELL = (
    "import tutorial\n"
    "\n"
    f'tutorial.set_language("{LANGUAGE}");  # 图、表、计时器和练习都以简体中文显示'
)


def _catalog_tools():
    """scripts/i18n.py, loaded by path (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location(
        "calf_i18n_tools", Path(__file__).with_name("i18n.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TOOLS = _catalog_tools()
#: The same fixed header as the package's catalogs (no merge noise), for the lessons.
_DATE = _TOOLS._DATE
_HEADER = {**_TOOLS._HEADER, "project": "calf-cramp-tutorial lessons"}


def lessons(folder: Path = ENGLISH) -> list[Path]:
    """The English lessons, in order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def context(path: Path, cell: dict) -> str:
    """The message context of a Markdown cell: ``<lesson>#<cell id>``."""
    return f"{path.stem}#{cell['id']}"


def template(folder: Path = ENGLISH) -> Catalog:
    """Every Markdown cell of the English lessons, as a catalog without translations."""
    catalog = Catalog(domain="lessons", **_HEADER)
    for path in lessons(folder):
        for cell in _read(path)["cells"]:
            if cell["cell_type"] == "markdown":
                catalog.add(
                    _source(cell),
                    None,
                    [(path.relative_to(folder.parent).as_posix(), 0)],
                    context=context(path, cell),
                )
    return catalog


def _write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    path.write_bytes(buf.getvalue())


def read_catalog(path: Path = CATALOG) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=LOCALE, domain="lessons")


def extract(folder: Path = ENGLISH, catalog_path: Path = CATALOG) -> Catalog:
    """Write the template and bring the catalog up to date (new cells untranslated)."""
    pot = template(folder)
    if catalog_path == CATALOG:
        _write_catalog(pot, TEMPLATE)
    if catalog_path.is_file():
        po = read_catalog(catalog_path)
    else:
        po = Catalog(locale=LOCALE, domain="lessons", **_HEADER)
    po.update(pot, no_fuzzy_matching=True, update_creation_date=False)
    po.revision_date = _DATE
    po.fuzzy = False
    po.last_translator = "the calf-cramp-tutorial authors"
    po.language_team = LANGUAGE
    _write_catalog(po, catalog_path)
    return po


def translations(
    folder: Path = ENGLISH, catalog_path: Path = CATALOG
) -> tuple[dict[tuple[str, str], str], list[str]]:
    """``({(context, English): Chinese}, problems)`` for the English lessons in ``folder``."""
    problems: list[str] = []
    if not catalog_path.is_file():
        return {}, [f"{catalog_path.name} is missing: run {SCRIPT} extract"]
    po = read_catalog(catalog_path)
    found: dict[tuple[str, str], str] = {}
    wanted = {(m.context, m.id) for m in template(folder) if m.id}
    for message in po:
        if not message.id:
            continue
        key = (message.context, message.id)
        if key not in wanted:
            problems.append(
                f"{catalog_path.name}: {message.context}: the English cell changed or is gone "
                "(run extract, then translate the new text)"
            )
        elif message.fuzzy or not message.string:
            problems.append(f"{catalog_path.name}: {message.context}: not translated yet")
        else:
            found[key] = message.string
    for ctx, _english in sorted(wanted - {(m.context, m.id) for m in po if m.id}):
        problems.append(f"{catalog_path.name}: {ctx}: not in the catalog (run extract)")
    return found, problems


def chinese_notebook(path: Path, table: dict[tuple[str, str], str]) -> dict:
    """The Chinese lesson for the English lesson at ``path`` (KeyError: a missing translation)."""
    english = _read(path)
    out = copy.deepcopy(english)
    cells: list[dict] = []
    for cell in english["cells"]:
        if cell["cell_type"] == "code" and not any(c["cell_type"] == "code" for c in cells):
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": LANGUAGE_CELL_ID,
                    "metadata": {},
                    "outputs": [],
                    "source": _lines(LANGUAGE_CELL),
                }
            )
        cell = copy.deepcopy(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = _lines(table[(context(path, cell), _source(cell))])
        elif cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    out["cells"] = cells
    out["metadata"].pop("widgets", None)
    return out


def dumps(notebook: dict) -> str:
    """A notebook as nbformat writes it (so nbstripout and Jupyter leave it unchanged)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def build(folder: Path = ENGLISH, catalog_path: Path = CATALOG) -> tuple[dict[str, str], list[str]]:
    """``({file name: notebook text}, problems)``: the Chinese lessons, not yet written."""
    table, problems = translations(folder, catalog_path)
    if problems:
        return {}, problems
    return {p.name: dumps(chinese_notebook(p, table)) for p in lessons(folder)}, []


def check(folder: Path = ENGLISH, catalog_path: Path = CATALOG, out: Path = OUT) -> list[str]:
    """Everything that keeps the Chinese lessons from being exactly what ``build`` writes."""
    texts, problems = build(folder, catalog_path)
    if problems:
        return problems
    for name, text in texts.items():
        target = out / name
        if not target.is_file():
            problems.append(f"{target.name} is missing: run {SCRIPT} build")
        elif target.read_text(encoding="utf-8") != text:
            problems.append(
                f"{out.name}/{name} differs from its English lesson and the catalog: "
                f"run {SCRIPT} build (never edit it by hand)"
            )
    extra = {p.name for p in out.glob("*.ipynb")} - set(texts)
    problems += [f"{out.name}/{name} has no English lesson" for name in sorted(extra)]
    return problems


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        po = extract()
        left = sum(1 for m in po if m.id and not m.string)
        print(f"lessons: {sum(1 for m in po if m.id)} Markdown cells, {left} to translate")
        return 0
    if command == "build":
        texts, problems = build()
        if problems:
            print("\n".join(problems))
            return 1
        OUT.mkdir(exist_ok=True)
        for name, text in texts.items():
            (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(texts)} lessons to {OUT.relative_to(ROOT)}")
        return 0
    if command == "check":
        problems = check()
        print("\n".join(problems) or "Chinese lessons OK")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
