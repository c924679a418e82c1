"""The Chinese lessons in a real browser (issue 15 item 6): lesson 4 in Chinese, in Voila.

The page is opened in a Chromium whose fontconfig has no CJK font at all (as on a fresh
machine or a projector laptop), so the hanzi of the lesson's own text can only come from the
bundled font that the lesson's first cell loads.
"""

from __future__ import annotations

import re

import pytest
from conftest import IGNORED_CONSOLE, hanzi_glyphs

pytestmark = pytest.mark.browser

LESSON = "zh/04_guided_routine.ipynb"
HANZI = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def fonts_drawing(page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew the text of the first ``selector`` with, and how many
    glyphs each (DevTools protocol: a font that claims a character it lacks shows here)."""
    client = page.context.new_cdp_session(page)
    client.send("DOM.enable")
    client.send("CSS.enable")
    root = client.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = client.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = client.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    client.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_lesson_4_in_chinese_runs_in_voila_and_its_hanzi_render(voila_tree, browser_without_cjk):
    context = browser_without_cjk.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        page.goto(voila_tree(LESSON), timeout=120_000)
        page.locator(".cct-timer").first.wait_for(timeout=120_000)
        page.wait_for_function(
            "() => !document.querySelector('#loading') || "
            "getComputedStyle(document.querySelector('#loading')).display === 'none'",
            timeout=90_000,
        )
        page.evaluate("document.fonts.ready.then(() => true)")
        # Every cell ran: no Python error or warning in the page.
        assert page.locator(".jp-OutputArea-output.jp-mod-error").count() == 0
        stderr = "[data-mime-type='application/vnd.jupyter.stderr']"
        assert page.locator(stderr).all_inner_texts() == []
        # The lesson's text is the Chinese one, Markdown rendered (no stray ** or links to
        # the English lessons).
        heading = page.locator(".jp-RenderedMarkdown h1").first.inner_text()
        assert heading.startswith("第4课"), heading
        text = page.locator("body").inner_text()
        assert "先拉伸" in text
        assert "**" not in text
        links = page.eval_on_selector_all(
            ".jp-RenderedMarkdown a[href$='.ipynb']", "els => els.map(a => a.href)"
        )
        assert links
        assert all("/zh/" in href for href in links), links
        # The hanzi render: drawn from the bundled font in the Markdown's own font stack and
        # weight (headings are 500), although no system font has them.
        chars = "".join(dict.fromkeys(re.sub(r"[^\u4e00-\u9fff]", "", heading + "先拉伸委中")))
        for element in (".jp-RenderedMarkdown h1", ".jp-RenderedMarkdown p"):
            family, weight = page.evaluate(
                "(sel) => { const s = getComputedStyle(document.querySelector(sel));"
                " return [s.fontFamily, s.fontWeight]; }",
                element,
            )
            assert "Tutorial CJK" in family
            for glyph in hanzi_glyphs(page, family, chars, weight):
                assert glyph["width"] > 0, (element, weight, glyph)
                assert glyph["differs"], (element, weight, glyph)
                assert glyph["plainIsBox"], glyph  # this Chromium really has no CJK font
        # ... and on the page itself every hanzi of each kind of text (headings of weight
        # 500, paragraphs, list items) is drawn by the bundled font, none by a system font.
        for element in ("h1", "h2", "p", "li"):
            selector = f".jp-RenderedMarkdown {element}"
            own = page.eval_on_selector(selector, "el => el.innerText")
            hanzi = len(HANZI.findall(own))
            assert hanzi > 0, (element, own)
            used = fonts_drawing(page, selector)
            assert used.get("Tutorial CJK Subset") == hanzi, (element, own, used)
        assert [e for e in errors if not any(n in e for n in IGNORED_CONSOLE)] == []
    finally:
        context.close()
