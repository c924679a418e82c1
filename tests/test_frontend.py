"""The widgets' browser code in the course's language (tutorial/widgets/frontend.py, issue 15):
each front end gets the catalog of its own words as the ``i18n`` trait, the shared translator
is inlined into its module, and the static site carries the same catalog in its language."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import playwright
import pytest
from babel.messages.extract import extract_from_file

from tutorial.content import i18n
from tutorial.content.model import Routine, RoutineError, Step
from tutorial.site import build, single
from tutorial.site.__main__ import main as site_main
from tutorial.widgets import frontend
from tutorial.widgets.downloads import Download
from tutorial.widgets.picture import RangeInput
from tutorial.widgets.timer import StepTimer

STATIC = Path(frontend.__file__).parent.parent / "static"
NODE = Path(playwright.__file__).parent / "driver" / "node"
HANZI = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def timer_data_in_english(monkeypatch):
    """timer.toml's own words (legs, choices, keys) are translated on another branch of
    issue 15; until they are, the Chinese timers here use its English data. The catalog of
    the browser code, which these tests are about, does not depend on it."""
    from tutorial.content import timing
    from tutorial.widgets import timer as timer_module

    settings = timing.load_timer_settings()
    try:
        i18n.set_language("zh-Hans")
        timing.load_timer_settings()
        return  # translated: nothing to stand in for
    except RoutineError:
        pass
    finally:
        i18n.set_language("en")
    for module in (timing, timer_module):
        monkeypatch.setattr(module, "load_timer_settings", lambda: settings)


def _msgids(name: str) -> set[str]:
    """The messages of a front-end file, as Babel extracts them for the catalog."""
    found = set()
    for _line, message, _comments, _context in extract_from_file(
        "javascript", str(STATIC / name), keywords={"t": None, "tn": (1, 2)}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _short_routine() -> Routine:
    steps = [
        Step(
            id=f"s{i}",
            title=f"Step {i}",
            technique="Pressing",
            points=("ST36",),
            instructions="Press.",
            min_seconds=1,
            max_seconds=5,
            default_seconds=2,
        )
        for i in range(2)
    ]
    return Routine(title="Test", steps=tuple(steps))


def test_the_timer_carries_every_word_of_timer_js_in_chinese(language, timer_data_in_english):
    ids = _msgids("timer.js")
    assert {"Start", "Pause", "Switch legs", "Step {number}. {title}."} <= ids
    i18n.set_language("zh-Hans")
    timer = StepTimer(pictures=False)
    try:
        catalog = timer.i18n
        assert catalog["lang"] == "zh-Hans"
        words = {**catalog["messages"], **{k: v[0] for k, v in catalog["plurals"].items()}}
        assert sorted(ids - set(words)) == []
        # Chinese (or, for a format like "{value} {unit}", the same placeholders), never English
        for msgid in ids:
            bare = re.sub(r"\{\w+\}", "", words[msgid])
            assert HANZI.search(bare) or not re.search(r"[A-Za-z]{3}", bare), msgid
        assert catalog["messages"]["Start"] == "开始"
        # only this widget's words travel with it (not the site's)
        assert "Export to a file" not in catalog["messages"]
        assert timer.get_state()["i18n"] == catalog  # synced to the browser
    finally:
        timer.close()


def test_the_timer_catalog_is_empty_in_english(language):
    i18n.set_language("en")
    timer = StepTimer(pictures=False)
    try:
        assert timer.i18n == {"lang": "en", "messages": {}, "plurals": {}}
    finally:
        timer.close()


def test_the_language_is_taken_when_each_widget_is_made(language):
    i18n.set_language("zh-Hans")
    chinese = Download(data=b"x", filename="a.txt")
    i18n.set_language("en")
    english = Download(data=b"x", filename="a.txt")
    assert chinese.i18n["plurals"]["{n} byte"] == ["{n} 字节"]
    assert english.i18n["lang"] == "en"
    assert RangeInput().i18n["lang"] == "en"


@pytest.mark.parametrize("name", ["timer.js", "download.js", "range.js"])
def test_the_shared_translator_is_inlined_into_each_module(name):
    source = frontend.esm(name)
    assert 'from "./i18n.js"' in (STATIC / name).read_text(encoding="utf-8")
    assert "./i18n.js" not in source.split("// ---- end of i18n.js", 1)[-1]
    assert "import " not in re.sub(r"//.*", "", source)  # one self-contained module
    assert source.count("export function makeTranslator") == 1
    assert "export default" in source


def test_the_site_translator_runs_as_a_classic_script(tmp_path, language):
    i18n.set_language("zh-Hans")
    script = tmp_path / "i18n.js"
    script.write_text(build.i18n_js(), encoding="utf-8")
    probe = (
        "globalThis.window = globalThis;"
        f"require({json.dumps(str(script))});"
        "const T = window.CCT_I18N;"
        "console.log(JSON.stringify([T.lang, T.t('Export to a file'),"
        " T.tn('{n} answer kept.', '{n} answers kept.', 3)]));"
    )
    out = subprocess.run(
        [str(NODE), "-e", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == ["zh-Hans", "导出为文件", "已保存 3 条答案。"]


def test_a_one_file_timer_page_is_in_the_language_of_the_moment(language, timer_data_in_english):
    i18n.set_language("zh-Hans")
    timer = StepTimer(_short_routine(), pictures=False)
    try:
        page = single.timer_html(timer)
    finally:
        timer.close()
    assert '<html lang="zh-Hans">' in page
    assert "导出为文件" in page  # the site's words (assets/i18n.js, inlined)
    config = json.loads(re.search(r'id="cs-config-1">(.*?)</script>', page, re.S).group(1))
    assert config["state"]["i18n"]["messages"]["Start"] == "开始"  # the timer's own


def test_the_site_build_runs_the_lessons_in_its_language(tmp_path, language):
    i18n.set_language("zh-Hans")
    assert build._kernel_env(tmp_path)[i18n.LANGUAGE_ENV] == "zh-Hans"
    assert '<html lang="zh-Hans">' in build._page(
        title="t", body="", nav="", pager="", scripts=(), safety=""
    )


def test_the_site_command_refuses_an_unknown_language(tmp_path, capsys, language):
    assert site_main(["--lang", "fr", "--notebooks", str(tmp_path), "--out", str(tmp_path)]) == 1
    assert "'fr'" in capsys.readouterr().err


def test_the_browser_picks_the_plural_form_babel_writes_in_the_po(tmp_path):
    """One rule in two languages: the form index of ``pluralIndex`` (Intl.PluralRules in
    CLDR order) is the index of Babel's Plural-Forms expression, for whole numbers."""
    import gettext

    from babel.messages.plurals import get_plural

    languages = ["en", "zh-Hans", "ja", "ar", "cy", "ru", "pl"]
    counts = [0, 1, 2, 3, 4, 5, 6, 11, 12, 21, 22, 25, 100, 101, 102, 111, 1000]
    probe = tmp_path / "probe.mjs"
    probe.write_text(
        f"import {{ pluralIndex }} from {json.dumps((STATIC / 'i18n.js').as_uri())};\n"
        f"const out = {{}};\nfor (const lang of {json.dumps(languages)}) "
        f"out[lang] = {json.dumps(counts)}.map((n) => pluralIndex(lang, n));\n"
        "console.log(JSON.stringify(out));\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [str(NODE), str(probe)], capture_output=True, text=True, check=True, timeout=60
    )
    browser = json.loads(out.stdout)
    for lang in languages:
        rule = gettext.c2py(get_plural(lang.replace("-", "_")).plural_expr)
        assert browser[lang] == [rule(n) for n in counts], lang
