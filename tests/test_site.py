"""The static site's pieces without a browser: rendering, exports, save_html, and the
JavaScript rules run under Node against the shared case files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest

from tutorial.content.i18n import using_language
from tutorial.content.loader import font_path
from tutorial.content.model import Routine, RoutineError
from tutorial.content.practice import load_quiz_settings
from tutorial.content.testing import seconds_routine
from tutorial.site import build, export, kernel
from tutorial.widgets.timer import StepTimer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import make_site_cases  # noqa: E402

CASES = REPO / "tests" / "cases"


def node_binary() -> Path:
    import playwright

    return Path(playwright.__file__).parent / "driver" / "node"


@pytest.fixture(autouse=True)
def _close_timers():
    yield
    for timer in list(StepTimer._live):
        timer.close()


def short_routine(*seconds: float) -> Routine:
    return seconds_routine(
        *seconds,
        title="Test <routine>",
        instructions="Press & hold",
        min_seconds=1,
        max_seconds=10,
        points=[("BL40",)],
    )


# -- the rules in both languages -------------------------------------------------------------


def test_case_files_match_what_python_says_now():
    """The committed cases are what the package computes (else: make_site_cases.py)."""
    hint = "stale case file: run `python scripts/make_site_cases.py`"
    practice = json.loads((CASES / "practice.json").read_text(encoding="utf-8"))
    assert practice == json.loads(json.dumps(make_site_cases.practice_cases())), hint
    history = json.loads((CASES / "timer_history.json").read_text(encoding="utf-8"))
    assert history == json.loads(json.dumps(make_site_cases.timer_history_cases())), hint
    # the cases cover every verdict, every outcome and bands read from quiz.toml
    settings = load_quiz_settings()
    assert practice["settings"]["close_cun"] == settings.close_cun
    assert {c["verdict"] for c in practice["scores"]} == {"right", "close", "missed"}
    outcomes = {r["outcome"] for c in history["cases"] for r in c["history"]}
    assert outcomes == {"completed", "skipped", "back", "jumped", "restarted", "reset"}


def test_javascript_rules_pass_every_shared_case(tmp_path):
    """rules.js and store.js under `node --test`: calculator, scoring, boxes, timer history."""
    data = tmp_path / "site-data.json"
    data.write_text(json.dumps({"calculator": export.calculator_data()}), encoding="utf-8")
    result = subprocess.run(
        [str(node_binary()), "--test", str(REPO / "tests" / "js")],
        env={**os.environ, "CCT_SITE_DATA": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"^ℹ pass [1-9]", result.stdout, re.M)
    assert re.search(r"^ℹ fail 0$", result.stdout, re.M)


# -- exports ---------------------------------------------------------------------------------


def test_view_transform_is_the_quiz_mapping():
    from tutorial.widgets.quiz import _ViewPicture, fraction_to_data

    settings = load_quiz_settings()
    picture = _ViewPicture("lateral", side="right", figsize=settings.figsize, dpi=settings.dpi)
    t = export.view_transform(picture.ax)
    for fx, fy in [(0.1, 0.2), (0.5, 0.5), (0.93, 0.71)]:
        x, y = fraction_to_data(picture.ax, fx, fy)
        assert t["x0"] + fx * (t["x1"] - t["x0"]) == pytest.approx(x, abs=1e-12)
        assert t["y0"] + fy * (t["y1"] - t["y0"]) == pytest.approx(y, abs=1e-12)


def test_practice_export_reads_bands_and_texts_from_the_data(monkeypatch):
    from dataclasses import replace

    from tutorial.content import practice

    written = {}

    def write(data: bytes, stem: str) -> str:
        written[stem] = data
        return f"img/{stem}.png"

    changed = replace(practice.load_quiz_settings(), close_cun=0.75)
    monkeypatch.setattr(practice, "load_quiz_settings", lambda: changed)
    data = export.practice_data(write)
    assert data["close_cun"] == 0.75  # whatever quiz.toml says, never a constant
    assert data["text"]["locate_prompt"] == changed.text["locate_prompt"]
    assert "{" not in data["text"]["close_tip"]  # the bands are filled in, as the quiz does
    assert data["wrong_choice_verdict"] in ("missed", "wrong")
    views = ("anterior", "lateral", "posterior", "medial")
    assert set(data["views"]) == {f"right:{v}" for v in views}
    lateral = data["views"]["right:lateral"]
    assert lateral["src"] == "img/quiz-right-lateral.png"
    assert written["quiz-right-lateral"].startswith(b"\x89PNG")
    assert "GB34" in lateral["truth"]
    assert data["points"]["KI3"]["y_derived"] is True
    assert all(data["points"][c]["locate_views"] for c in data["points"])
    assert lateral["landmarks"]  # outlines to trace in the feedback


def test_timer_configs_hold_one_state_with_every_plan_as_the_widget_computes_them():
    routine = short_routine(2, 3)
    timer = StepTimer(routine, legs="both", variant="quick", switch_seconds=4)
    description = kernel.describe(timer)
    assert description["kind"] == "timer"
    config = export.timer_configs(description, lambda data, stem: f"img/{stem}.png")
    assert config["variant"] == "quick"
    assert config["legs"] == "both"
    state = config["state"]
    assert "segments" not in state
    assert "timer_id" not in state  # each page model is its own timer
    # the timer's own plans and steps, keyed "variant/legs" as StepTimer.plans is
    assert state["plans"] == timer.plans
    assert state["steps"] == timer.steps
    assert set(state["plans"]) == {f"{v}/{n}" for v in export.VARIANTS for n in ("one", "both")}
    quick = state["plans"]["quick/one"]["segments"]
    assert [s["planned_ms"] for s in quick] == [1000.0, 1000.0]
    full = state["plans"]["full/both"]["segments"]
    assert [s["planned_ms"] for s in full] == [10000.0, 10000.0, 4000.0, 10000.0, 10000.0]
    assert config["routines"]["full"]["steps"][0]["default_seconds"] == 10
    assert config["store_variants"] == {"quick": "custom", "default": "custom", "full": "custom"}
    # pictures embedded (timer.embed_pictures), then written as site files
    keys = {step["picture"][side] for step in state["steps"] for side in ("right", "left")}
    assert set(state["pictures"]) == keys
    assert all(url.startswith("img/timer-") for url in state["pictures"].values())
    builtin = export.timer_configs(kernel.describe(StepTimer()))
    assert builtin["store_variants"] == {v: v for v in export.VARIANTS}


# -- rendering a lesson ---------------------------------------------------------------------


def test_markdown_links_to_lessons_become_page_links():
    html = build.render_markdown("[Next](01_calf_cramps.ipynb) and [x](02_a.ipynb#top)")
    assert 'href="01_calf_cramps.html"' in html
    assert 'href="02_a.html#top"' in html


def test_a_link_to_a_lesson_the_site_has_no_page_for_keeps_only_its_words():
    html = build.render_markdown("[中文版](zh/00_start_here.ipynb) · [Next](01_calf_cramps.ipynb)")
    assert "zh/00_start_here" not in html
    assert "中文版" in html
    assert 'href="01_calf_cramps.html"' in html


def _page(tmp_path: Path, outputs: list[dict], described: dict | None = None) -> build._Page:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Lesson 9 · Test\n\n## A part"),
        nbformat.v4.new_code_cell("x"),
    ]
    nb.cells[1].outputs = [nbformat.from_dict(o) for o in outputs]
    return build._Page(build._Site(tmp_path), "09_test", nb, described or {})


def _widget_output(model_id: str) -> dict:
    return {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": model_id, "version_major": 2},
            "text/plain": "Widget",
        },
        "metadata": {},
    }


def test_widget_outputs_become_markup_or_in_browser_widgets(tmp_path):
    html_widget = widgets.HTML("<b>card</b>")
    label = widgets.Label("<i>plain</i>")
    box = widgets.VBox([html_widget, label])
    timer = StepTimer(short_routine(2, 3))
    described = {w.model_id: kernel.describe(w) for w in (html_widget, label, box, timer)}
    described["lab"] = {"class": "TimingLab", "module": "tutorial.widgets.timinglab"}
    outputs = [_widget_output(box.model_id), _widget_output(timer.model_id), _widget_output("lab")]
    page = _page(tmp_path, outputs, described)
    body = page.body()
    assert "<b>card</b>" in body  # the package's own markup
    assert "&lt;i&gt;plain&lt;/i&gt;" in body  # a Label's text stays text
    assert 'data-widget="timer"' in body
    assert "Needs Python" in body
    assert "timing lab" in body
    found = re.search(r'id="cs-config-1">(.*?)</script>', page.configs[0])
    config = json.loads(found.group(1))
    assert config["kind"] == "timer"
    assert config["state"]["session"]["title"] == "Test <routine>"
    for w in (html_widget, label, box):
        w.close()


def test_pictures_and_files_are_written_into_the_site(tmp_path):
    import base64

    pdf = tmp_path / "made" / "calf-cramp-handout.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4 test")
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    outputs = [
        {
            "output_type": "display_data",
            "data": {"image/png": png, "text/plain": "<Figure>"},
            "metadata": {},
        },
        {
            "output_type": "execute_result",
            "execution_count": 1,
            "data": {"text/plain": f"PosixPath('{pdf}')"},
            "metadata": {},
        },
        {"output_type": "stream", "name": "stderr", "text": "a warning"},
    ]
    site = tmp_path / "site"
    page = _page(site, outputs)
    body = page.body()
    images = list((site / "img").glob("09-test-figure-*.png"))
    assert len(images) == 1
    assert f'src="img/{images[0].name}"' in body
    assert 'alt="Diagram: A part"' in body
    assert 'href="files/calf-cramp-handout.pdf"' in body
    assert (site / "files" / "calf-cramp-handout.pdf").read_bytes() == b"%PDF-1.4 test"
    assert str(tmp_path) not in body  # no build machine paths in a page
    assert "a warning" not in body


def test_a_chart_of_the_live_session_points_to_the_in_page_summary(tmp_path):
    page = _page(tmp_path, [])
    page.nb.cells[1].source = "tutorial.draw_planned_vs_actual(timer.history);"
    body = page.body()
    assert "timer shows planned against actual time itself" in body
    assert "<img" not in body


def test_a_lesson_that_raises_stops_the_build_naming_it(tmp_path):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
    with pytest.raises(RoutineError, match=r"09_test\.ipynb.*ValueError: boom"):
        _page(tmp_path, [error]).body()


def test_every_hanzi_of_the_lessons_is_in_the_bundled_font():
    from fontTools.ttLib import TTFont
    from make_font_subset import is_cjk

    cmap = TTFont(font_path()).getBestCmap()
    texts = [build.lesson_info().__repr__()]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts += [cell.source for cell in nb.cells]
    from tutorial.site.export import calculator_data, safety_check_data

    texts.append(json.dumps([calculator_data(), safety_check_data()], ensure_ascii=False))
    missing = {c for text in texts for c in text if is_cjk(c) and ord(c) not in cmap}
    assert not missing, f"add to the font subset (scripts/make_font_subset.py): {sorted(missing)}"


def test_site_css_serves_the_font_inline_under_its_family_name():
    css = build.site_css()
    assert re.search(r'@font-face \{\s*font-family: "Tutorial CJK";', css)
    assert "data:font/ttf;base64," in css
    assert "http" not in css.split("*/", 1)[1]


def test_the_site_and_the_lessons_declare_the_font_with_one_rule():
    from tutorial.widgets import style

    def rule(css: str) -> str:
        found = re.search(r"@font-face \{[^}]*\}", css).group(0)
        return re.sub(r'url\("[^"]*"\)', 'url("...")', found)

    site, lessons = rule(build.site_css()), rule(style.PageStyle(projector=False)._css)
    assert site == lessons
    assert "U+20000-2FFFF" in site  # hanzi outside the Basic Multilingual Plane too
    assert build.site_css().count("@font-face") == 1


def test_the_site_hides_what_only_jupyterlab_users_can_do():
    # lessons 0, 4, 5, 7 and 8 wrap "press Shift + Enter" and Python calls in this class
    lessons = [
        p for p in (REPO / "notebooks").glob("*.ipynb") if "calf-lab-only" in p.read_text("utf-8")
    ]
    assert len(lessons) >= 5
    assert re.search(r"\.calf-lab-only\s*\{\s*display:\s*none", build.site_css())


# -- one-file timer --------------------------------------------------------------------------


def test_save_html_writes_one_self_contained_page(tmp_path, monkeypatch):
    from tutorial.site import single
    from tutorial.store import files as storage

    calls = []
    original = storage.atomic_write_text

    def spy(path, text):
        calls.append(Path(path))
        return original(path, text)

    monkeypatch.setattr(single, "atomic_write_text", spy)
    timer = StepTimer(short_routine(2, 3), legs="both", layout="compact")
    path = timer.save_html(tmp_path / "timer.html")
    assert calls == [tmp_path / "timer.html"]
    page = path.read_text(encoding="utf-8")
    from tutorial.widgets.frontend import esm

    assert json.dumps(esm("timer.js")) in page  # timer.js as anywidget runs it
    assert "window.CCT_I18N" in page  # the translator of the page's own words
    assert "data:image/png;base64," in page  # the step pictures
    assert "data:font/ttf;base64," in page
    assert "<h1>Test &lt;routine&gt;</h1>" in page  # routine text is escaped
    # nothing to fetch: no external URL, no file beside it
    markup = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    assert not re.search(r"""(?:src|href)=["'](?!data:|#)""", markup)
    assert "<link" not in markup
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    config = json.loads(re.search(r'id="cs-config-1">(.*?)</script>', page, re.S).group(1))
    assert config["legs"] == "both"
    assert config["presentation"] == "compact"
    assert "</script" not in json.dumps(config)


def test_lesson_info_names_every_lesson_notebook():
    stems = {p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    listed = {entry["notebook"] for entry in build.lesson_info()["lessons"]}
    assert stems == listed
    assert all(entry["for"] for entry in build.lesson_info()["lessons"])


def test_build_refuses_a_folder_without_lessons(tmp_path):
    with pytest.raises(RoutineError, match="no lesson notebooks"):
        build.build_site(tmp_path / "site", tmp_path)


def test_one_file_timers_keep_pictures_inline_and_honour_pictures_false():
    config = export.timer_configs(kernel.describe(StepTimer(short_routine(2, 3))), None)
    assert config["routines"]["quick"]["steps"][0]["default_seconds"] == 1
    pictures = config["state"]["pictures"]
    assert pictures
    assert all(ref.startswith("#") for ref in pictures.values())
    assert all(config["pictures"][ref].startswith("data:image/png") for ref in pictures.values())
    # each picture is inlined once
    assert set(config["pictures"]) == set(pictures.values())
    bare = export.timer_configs(kernel.describe(StepTimer(short_routine(2), pictures=False)))
    assert not any(bare["state"]["pictures"].values())
    assert not bare["pictures"]


def test_home_page_says_who_each_lesson_is_for_after_the_safety_box():
    lessons = [
        (e["notebook"], e.get("title") or e["notebook"]) for e in build.lesson_info()["lessons"]
    ]
    home = build._home(lessons)
    assert home.index("Safety first") < home.index("The lessons")
    for entry in build.lesson_info()["lessons"]:
        assert build.html.escape(entry["for"]) in home
        assert f'href="{entry["notebook"]}.html"' in home


def test_full_course_page_quotes_the_readme_quick_start():
    page = build._full_course_page(REPO / "README.md")
    assert "opens the lessons in JupyterLab" in page  # the `make lab` line
    assert "then open site/index.html" in page  # the `make site` line


# -- the site in every language ----------------------------------------------------------------


def test_every_page_links_to_the_same_page_in_the_other_language():
    page = build._page(
        title="t",
        body="<p>b</p>",
        nav="",
        pager="",
        scripts=[],
        safety="",
        name="03_the_seven_points.html",
        alternates={"zh-Hans": "zh/"},
    )
    head, header = page.split("</head>")[0], page.split("<header")[1].split("</header>")[0]
    assert '<link rel="alternate" hreflang="zh-Hans" href="zh/03_the_seven_points.html">' in head
    link = re.search(r'<a href="zh/03_the_seven_points.html" hreflang="zh-Hans" lang="zh-Hans">'
                     r"([^<]+)</a>", header)  # fmt: skip
    assert link
    assert link.group(1) == "中文"  # named in its own language, for its readers
    assert 'aria-label="This page in another language"' in header
    # one language, no switch
    alone = build._page(title="t", body="", nav="", pager="", scripts=[], safety="", name="x")
    assert "hreflang" not in alone
    assert 'class="languages"' not in alone


def test_chinese_pages_link_back_to_the_english_ones(chinese):
    page = build._page(
        title="t", body="", nav="", pager="", scripts=[], safety="",
        name="index.html", alternates={"en": "../"},
    )  # fmt: skip
    assert '<a href="../index.html" hreflang="en" lang="en">English</a>' in page
    assert 'aria-label="本页的其他语言版本"' in page


def test_build_sites_writes_each_language_in_its_folder_linked_to_the_others(tmp_path, monkeypatch):
    from tutorial.content import i18n

    calls = []

    def fake_build_site(out, notebooks, *, jobs=None, alternates=None):
        calls.append((Path(out), Path(notebooks), dict(alternates), i18n.get_language()))
        return build.BuildReport(out=Path(out))

    monkeypatch.setattr(build, "build_site", fake_build_site)
    build.build_sites(tmp_path / "site", tmp_path / "notebooks")
    assert calls == [
        (tmp_path / "site", tmp_path / "notebooks", {"zh-Hans": "zh/"}, "en"),
        (tmp_path / "site" / "zh", tmp_path / "notebooks" / "zh", {"en": "../"}, "zh-Hans"),
    ]
    assert i18n.get_language() == "en"  # the language of the caller is back


def test_make_site_builds_every_language(monkeypatch, capsys):
    from tutorial.site import __main__ as cli

    seen = {}

    def fake_build_sites(out, notebooks, *, jobs=None):
        seen.update(out=out, notebooks=notebooks)
        return [build.BuildReport(out=Path(out)), build.BuildReport(out=Path(out) / "zh")]

    monkeypatch.setattr(cli, "build_sites", fake_build_sites)
    monkeypatch.setattr(cli, "_print_report", lambda report: print("built", report.out.as_posix()))
    assert cli.main(["--out", "out", "--notebooks", "nb", "--all-languages"]) == 0
    assert seen == {"out": "out", "notebooks": "nb"}
    assert capsys.readouterr().out.split("\n")[:2] == ["built out", "built out/zh"]
    makefile = (REPO / "Makefile").read_text()
    assert "-m tutorial.site --out site --notebooks notebooks --all-languages" in makefile


def test_the_chinese_lessons_full_course_page_quotes_the_same_readme():
    assert build._readme(REPO / "notebooks" / "zh") == REPO / "README.md"
    assert build._readme(REPO / "notebooks") == REPO / "README.md"


def test_the_chinese_full_course_page_quotes_the_chinese_quick_start():
    """The README carries the quick start in both languages; each site quotes its own."""
    with using_language("zh-Hans"):
        page = build._full_course_page(REPO / "README.md")
    assert "在 JupyterLab 中打开课程" in page  # the `make lab` line
    assert "site/zh/index.html" in page  # the `make site` line
    assert "notebooks/zh/" in page
    for english in ("opens the lessons", "That is all", "as root", "downloads Playwright"):
        assert english not in page
    with using_language("en"):
        english_page = build._full_course_page(REPO / "README.md")
    assert "opens the lessons in JupyterLab" in english_page
    assert "建立" not in english_page


# -- the photo overlay without a kernel (issue 14 item 7) ------------------------------------


def test_the_photo_case_file_matches_what_python_says_now():
    hint = "stale case file: run `python scripts/make_site_cases.py`"
    cases = json.loads((CASES / "photo_site.json").read_text(encoding="utf-8"))
    assert cases == json.loads(json.dumps(make_site_cases.photo_site_cases())), hint
    keys = {c["expected"]["key"] for c in cases["files"]}
    assert keys == {"ok", "empty", "too_big", "not_image", "heic", "truncated", "bomb", "too_small"}


def test_a_photo_overlay_becomes_the_in_browser_overlay_with_its_view_and_leg(tmp_path):
    from tutorial.widgets.photo import PhotoOverlay

    overlay = PhotoOverlay(view="anterior", side="left", reopen=False, practice_path=None)
    described = {overlay.model_id: kernel.describe(overlay)}
    assert described[overlay.model_id]["kind"] == "photo"  # not a box of its parts
    page = _page(tmp_path, [_widget_output(overlay.model_id)], described)
    body = page.body()
    assert 'data-widget="photo"' in body
    assert "never to a website" not in body  # the notebook's privacy words (Python) stay out
    config = json.loads(re.search(r'id="cs-config-1">(.*?)</script>', page.configs[0]).group(1))
    assert config == {"kind": "photo", "view": "anterior", "side": "left"}
    assert page.uses == {"photo"}
    overlay.close()


def test_photo_export_is_the_widgets_own_state_and_photo_toml(monkeypatch):
    from tutorial.content.photofit import load_photo_settings
    from tutorial.widgets.photo import browser_state

    settings = load_photo_settings()
    data = export.photo_data()
    views = ("anterior", "lateral", "posterior", "medial")
    assert set(data["states"]) == {f"{v}/{s}" for v in views for s in ("right", "left")}
    state = data["states"]["medial/left"]
    assert state["rules"] == browser_state("medial", "left")["rules"]
    assert state["orientation"] == "Left leg, inner side, knee at {knee_at}"
    assert data["limits"]["max_side_px"] == settings["limits"]["max_side_px"]
    assert data["messages"]["not_image"] == settings["messages"]["not_image"]
    assert data["messages"]["heic"] == settings["messages"]["heic_browser"]  # no kernel to restart
    assert "never uploaded" in data["site"]["privacy"]
    assert data["points"]["KI3"]["note"]  # a derived level says so
    assert data["points"]["ST36"]["note"] == ""
    assert data["points"]["ST36"]["how_to_find"].startswith("How to find it by touch: ")
    assert data["close_cun"] == load_quiz_settings().close_cun
    assert data["heif_brands"][0] == "heic"


def test_the_site_ships_photo_js_unchanged_and_loads_it_before_site_js():
    module = build.photo_module_js()
    source = (REPO / "tutorial" / "static" / "photo.js").read_text(encoding="utf-8")
    assert json.loads(module.split("window.CCT_PHOTO_ESM = ", 1)[1].rstrip().rstrip(";")) == source
    scripts = list(build._SCRIPTS)
    assert scripts.index("assets/photo-site.js") < scripts.index("assets/site.js")
    assert scripts.index("assets/rules.js") < scripts.index("assets/photo-site.js")
