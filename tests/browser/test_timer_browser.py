"""StepTimer in real JupyterLab and Voila: the browser keeps time, the kernel follows.

One notebook and one page carry most checks, to keep the file fast. The routine has
three 2-second steps (the second titled with an HTML injection attempt) on both legs,
with a 2-second switch between them: 14 s of plan. The same model is shown twice (two
views): it must still have one clock and one audio output.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tutorial import save_routine
from tutorial.content.model import Routine, Step
from tutorial.content.testing import seconds_routine

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.__pwned=1">'
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SHOTS = os.environ.get("CCT_SCREENSHOTS")  # a folder: save screenshots there (for review)


def short_routine(path: Path) -> Path:
    steps = tuple(
        Step(
            id=f"s{i}",
            title=title,
            technique="Press",
            instructions=f"Instructions {i}: press & hold <b>gently</b>.",
            min_seconds=1,
            max_seconds=60,
            default_seconds=2,
            points=points,
            hand="Thumb pad",
            caution="Gentle pressure only." if i == 0 else "",
        )
        for i, (title, points) in enumerate(
            [("Press Weizhong", ("BL40",)), (XSS, ("GB34",)), ("Press Kunlun", ("BL60", "KI3"))]
        )
    )
    return save_routine(Routine(title="Short test routine", steps=steps), path)


# Counts the page's audio contexts (a timer model must have exactly one, however many views).
COUNT_AUDIO = """
window.__audio = [];
const RealAudioContext = window.AudioContext;
window.AudioContext = class extends RealAudioContext {
  constructor(...args) { super(...args); window.__audio.push(this); }
};
"""
OPEN_AUDIO = "() => window.__audio.filter((a) => a.state !== 'closed').length"


def timer_cells(routine: str) -> list[str]:
    return [
        "import time\nimport tutorial",
        f"timer = tutorial.StepTimer({routine!r}, legs='both', switch_seconds=2)\ntimer",
        "timer  # a second view of the same timer",
        # The busy cell: a no-op during Run All, then 3 s of blocking work when run again.
        "if globals().get('armed'):\n    time.sleep(3)\narmed = True",
        "print('live', len(tutorial.StepTimer._live))\n"
        "print('history', [(r.segment, r.outcome) for r in timer.history])\n"
        "print('state', timer.status, timer.step_index)",
    ]


def run_cell(page, index: int) -> str:
    """Run one cell (select it, Ctrl+Enter) and return at once (the kernel may stay busy).

    Returns the cell's prompt before the run, for :func:`wait_idle`.
    """
    cell = page.locator(f"{PANEL} .jp-Cell").nth(index)
    before = cell.locator(".jp-InputPrompt").inner_text()
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    return before


def wait_idle(page, index: int, before: str) -> None:
    """Wait until cell ``index`` shows a new execution count (its run has finished)."""
    page.wait_for_function(
        r"""([i, before]) => {
            const cell = document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')[i];
            const prompt = cell && cell.querySelector('.jp-InputPrompt');
            const text = prompt ? prompt.textContent : '';
            return /\[\d+\]/.test(text) && text !== before;
        }""",
        arg=[index, before],
    )


def cell_output(page, index: int) -> str:
    return page.locator(f"{PANEL} .jp-Cell").nth(index).locator(".jp-OutputArea").inner_text()


def kernel_report(page) -> str:
    wait_idle(page, 4, run_cell(page, 4))
    return cell_output(page, 4)


def restart_kernel(page, server, notebook: str) -> None:
    """Restart the notebook's kernel as the Kernel menu does (the server's API, from the page)."""
    page.evaluate(
        """async ([base, notebook]) => {
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1];
            const headers = xsrf ? {'X-XSRFToken': decodeURIComponent(xsrf)} : {};
            const sessions = await (await fetch(base + 'api/sessions', {headers})).json();
            const session = sessions.find((s) => s.path.endsWith(notebook));
            const url = base + 'api/kernels/' + session.kernel.id + '/restart';
            const response = await fetch(url, {method: 'POST', headers});
            if (!response.ok) throw new Error('restart: ' + response.status);
        }""",
        [server.url, notebook],
    )


def shot(page, name: str, locator=None) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=str(Path(SHOTS) / f"{name}.png"), animations="disabled")


def test_timer_in_jupyterlab(
    lab_server, lab_page, make_notebook, open_notebook, run_all, console_errors
):
    page = lab_page
    page.add_init_script(COUNT_AUDIO)
    short_routine(lab_server.root / "short.toml")
    make_notebook(lab_server.root, "timer.ipynb", timer_cells("short.toml"))
    open_notebook(page, "timer.ipynb")
    run_all(page)

    views = page.locator(f"{PANEL} .cct-timer")
    views.nth(1).wait_for()
    timer = views.nth(0)
    count = timer.locator(".cct-step-count")
    countdown = timer.locator(".cct-countdown")
    title = timer.locator(".cct-title")
    assert count.inner_text() == "Step 1 / 3"
    assert countdown.inner_text() == "0:02"
    assert timer.get_attribute("data-status") == "ready"
    shot(page, "ready", timer)

    # The keyboard shortcuts are written out and given to assistive technology.
    keys = timer.get_by_test_id("timer-keys")
    assert keys.is_visible()
    assert "Space" in keys.inner_text()
    assert "restart step" in keys.inner_text()
    toggle = timer.get_by_role("button", name="Start", exact=True)
    assert toggle.get_attribute("aria-keyshortcuts") == "Space"
    assert timer.get_by_role("button", name="Next").get_attribute("aria-keyshortcuts") == (
        "ArrowRight"
    )

    # Starts, counts down, changes step on time; the injected title stays text.
    toggle.click()
    # The Start click unlocks audio: every remaining cue is scheduled ahead on its clock
    # (once the audio output runs, a moment after the click).
    page.wait_for_function(
        "(el) => Number(el.dataset.tones) >= 3", arg=timer.element_handle(), timeout=5_000
    )
    assert timer.get_attribute("data-sound") == "on"
    # Two views, one model: one clock (both show it running) and one audio output.
    both = page.evaluate(
        "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".cct-timer')].map((el) => [el.dataset.status, el.dataset.tones])"
    )
    assert both[0] == both[1]
    assert both[0][0] in ("running", "finished")
    assert page.evaluate("window.__audio.length") == 1

    # Pause really pauses: neither the countdown nor the step moves for 1.5 s.
    timer.get_by_role("button", name="Pause", exact=True).click()
    assert timer.get_attribute("data-tones") == "0"  # pausing cancels the scheduled tones
    timer.locator("summary").click()
    timer.locator(".cct-jump[data-index='1']").click()
    assert title.inner_text() == XSS  # the injected title stays text
    assert timer.get_attribute("data-flash") == "step"  # the visual cue of a step change
    assert timer.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__pwned") is None
    frozen = (countdown.inner_text(), timer.get_attribute("data-index"))
    page.wait_for_timeout(1_500)
    assert (countdown.inner_text(), timer.get_attribute("data-index")) == frozen
    assert timer.get_attribute("data-status") == "paused"
    shot(page, "paused", timer)

    # Keyboard: arrows move while paused; space resumes.
    paused_at = int(frozen[1])
    timer.locator(".cct-title").click()
    page.keyboard.press("ArrowRight")
    assert timer.get_attribute("data-index") == str(paused_at + 1)
    for _ in range(paused_at + 1):
        page.keyboard.press("ArrowLeft")
    assert timer.get_attribute("data-index") == "0"
    page.keyboard.press(" ")
    assert timer.get_attribute("data-status") == "running"
    page.keyboard.press(" ")  # paused again: the jumps below keep it paused
    assert timer.get_attribute("data-status") == "paused"

    # Both legs: jump to the switch, then the same step on the mirrored leg.
    first_picture = timer.locator(".cct-picture").get_attribute("src")
    timer.locator(".cct-jump[data-index='3']").click()
    assert timer.get_attribute("data-kind") == "switch"
    assert count.inner_text() == "Switch"
    shot(page, "switch", timer)
    timer.locator(".cct-jump[data-index='4']").click()
    assert timer.get_attribute("data-leg") == "left"
    assert timer.locator(".cct-leg").inner_text().lower() == "left leg"
    assert title.inner_text() == "Press Weizhong"
    page.wait_for_function(  # the left leg's picture: asked for, drawn, sent as binary
        "([el, first]) => { const i = el.querySelector('.cct-picture');"
        " return !i.hidden && i.src && i.src !== first; }",
        arg=[timer.element_handle(), first_picture],
        timeout=30_000,
    )

    # The countdown keeps running and steps advance while the kernel is busy.
    timer.locator(".cct-jump[data-index='0']").click()
    timer.get_by_role("button", name="Resume", exact=True).click()
    before = run_cell(page, 3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-InputPrompt')].some(p => p.textContent.includes('[*]'))"
    )
    page.wait_for_function(
        "(el) => el.dataset.index === '1'", arg=timer.element_handle(), timeout=2_900
    )
    busy = page.locator(f"{PANEL} .jp-Cell").nth(3).locator(".jp-InputPrompt").inner_text()
    assert "*" in busy  # the step changed while the kernel was still sleeping
    wait_idle(page, 3, before)

    # The kernel saw it all: history with skips, backs, jumps and completed steps.
    report = kernel_report(page)
    outcomes = set(re.findall(r"'(\w+)'\)", report))
    assert {"completed", "skipped", "back", "jumped"} <= outcomes
    assert "live 1" in report

    # Re-running the timer cell leaves exactly one live timer, in the kernel and the page:
    # the old model's clock stops and its audio closes, also in the view of cell 2.
    assert page.evaluate(OPEN_AUDIO) == 1
    wait_idle(page, 1, run_cell(page, 1))
    page.wait_for_function(f"() => ({OPEN_AUDIO})() === 0")
    fresh = page.locator(f"{PANEL} .jp-Cell").nth(1).locator(".cct-timer")
    assert fresh.get_attribute("data-status") == "ready"
    stale = page.locator(f"{PANEL} .cct-timer[data-status='running']")
    assert stale.count() == 0
    report = kernel_report(page)
    assert "live 1" in report
    assert "state ready 0" in report

    # A kernel restart closes the timer on the page: no orphan clock or sound.
    fresh.get_by_role("button", name="Start", exact=True).click()
    assert page.evaluate(OPEN_AUDIO) == 1
    restart_kernel(page, lab_server, "timer.ipynb")
    page.wait_for_function(f"() => ({OPEN_AUDIO})() === 0", timeout=15_000)
    assert fresh.get_attribute("data-status") == "closed"
    assert "restarted" in fresh.locator(".cct-closed-note").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert console_errors(page) == []


def test_timer_compact_layout_from_python(
    lab_server, lab_page, make_notebook, open_notebook, run_all, console_errors
):
    """Python-side actions reach the browser, which re-anchors on its own clock."""
    page = lab_page
    short_routine(lab_server.root / "short.toml")
    make_notebook(
        lab_server.root,
        "timer_code.ipynb",
        [
            "import tutorial\n"
            "timer = tutorial.StepTimer('short.toml', layout='compact', pictures=False)\ntimer",
            "timer.start(); timer.next()",
        ],
    )
    open_notebook(page, "timer_code.ipynb")
    run_all(page)
    timer = page.locator(f"{PANEL} .cct-timer")
    timer.wait_for()
    page.evaluate(
        "(el) => { window.__steps = [];"
        " el.addEventListener('cct-step', (e) => window.__steps.push(e.detail)); }",
        timer.element_handle(),
    )
    page.wait_for_function(
        "(el) => el.dataset.status === 'running' && el.dataset.index !== '0'",
        arg=timer.element_handle(),
        timeout=5_000,
    )
    assert timer.get_attribute("data-layout") == "compact"
    shot(page, "compact", timer)
    # Stall the page for longer than a step (as a throttled hidden tab does): the step
    # change is noticed late, but time still comes from deadlines, so nothing drifts.
    page.evaluate("() => { const t = performance.now(); while (performance.now() - t < 2500); }")
    page.wait_for_function(
        "(el) => el.dataset.status === 'finished'", arg=timer.element_handle(), timeout=8_000
    )
    assert timer.locator(".cct-step-count").inner_text() == "Done"
    steps = page.evaluate("window.__steps.filter((d) => d.reason === 'completed')")
    assert [d["index"] for d in steps] == [2, None]
    assert max(d["t"] - d["deadline"] for d in steps) > 100  # one was noticed late...
    assert steps[1]["deadline"] - steps[0]["deadline"] == pytest.approx(2000, abs=0.01)
    assert timer.locator(".cct-countdown").inner_text() == "0:00"
    # Started from code: no click in the page yet, so the browser keeps sound off. The button
    # must not claim "Sound on"; it offers the click the browser waits for.
    sound = timer.locator(".cct-sound")
    assert timer.get_attribute("data-sound") == "blocked"
    assert sound.inner_text().strip().endswith("Click for sound")
    assert timer.get_by_test_id("timer-sound-hint").is_visible()
    sound.click()
    page.wait_for_function(
        "(el) => el.dataset.sound === 'on'", arg=timer.element_handle(), timeout=5_000
    )
    assert sound.get_attribute("aria-pressed") == "true"
    assert console_errors(page) == []


def test_timer_in_voila(tmp_path, voila_server, lab_page, make_notebook, console_errors):
    short_routine(tmp_path / "short.toml")
    notebook = make_notebook(
        tmp_path,
        "present_timer.ipynb",
        ["import tutorial\ntutorial.StepTimer('short.toml', pictures=False)"],
    )
    page = lab_page
    page.goto(voila_server(notebook))
    timer = page.locator(".cct-timer")
    timer.wait_for(timeout=30_000)
    assert timer.locator(".cct-step-count").inner_text() == "Step 1 / 3"
    timer.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        "(el) => el.dataset.index === '1'", arg=timer.element_handle(), timeout=5_000
    )
    assert timer.locator(".cct-title").inner_text() == XSS
    assert page.evaluate("window.__pwned") is None
    assert console_errors(page) == []


# -- layout at the three screens, the choice of plan, accessibility ------------------------

# For each timer on the page: what must be visible without scrolling once the timer's top
# is at the top of the screen, and which words of its titles or button labels wrap.
GEOMETRY = r"""(timer) => {
  timer.scrollIntoView({block: 'start'});
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  // The visible area: the window, or the notebook's scrolling panel inside it.
  let view = {top: 0, left: 0, bottom: innerHeight, right: innerWidth};
  const scroller = timer.closest('.jp-WindowedPanel-outer');
  if (scroller) view = box(scroller);
  const wrapped = (el) => {
    // words (split at spaces and hyphens) whose letters sit on more than one line
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\s\-]+/g;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
    return out;
  };
  const q = (sel) => timer.querySelector(sel);
  const img = q('.cct-picture');
  return {
    size: timer.dataset.size,
    view,
    parts: {
      countdown: box(q('.cct-countdown')),
      title: box(q('.cct-title')),
      picture: box(img),
      start: box(q('.cct-toggle')),
    },
    pictureLoaded: img.complete && img.naturalWidth > 0 && !img.hidden,
    alt: img.alt,
    wrappedTitle: [...wrapped(q('.cct-title')), ...wrapped(q('.cct-routine-title'))],
    wrappedButtons: [...timer.querySelectorAll('.cct-btn .cct-label')]
      .filter((label) => label.getClientRects().length > 1 ||
        label.getBoundingClientRect().height >
          1.6 * parseFloat(getComputedStyle(label).lineHeight || 20))
      .map((label) => label.textContent),
    height: timer.getBoundingClientRect().height,
  };
}"""

PICTURE_SHOWN = (
    "(el) => { const i = el.querySelector('.cct-picture');"
    " return i && !i.hidden && i.complete && i.naturalWidth > 0; }"
)


def check_fits(page, timer, size: str, name: str) -> dict:
    page.wait_for_function(PICTURE_SHOWN, arg=timer.element_handle(), timeout=30_000)
    geometry = timer.evaluate(GEOMETRY)
    shot(page, f"layout-{name}")
    view = geometry["view"]
    assert geometry["size"] == size, geometry
    for part, box in geometry["parts"].items():
        inside = (
            box["top"] >= view["top"] - 1
            and box["bottom"] <= view["bottom"] + 1
            and box["left"] >= view["left"] - 1
            and box["right"] <= view["right"] + 1
        )
        assert inside, f"{name}: the {part} is not fully visible: {box} in {view}"
    assert geometry["wrappedTitle"] == [], name
    assert geometry["wrappedButtons"] == [], name
    assert "back view" in geometry["alt"] or "side view" in geometry["alt"], geometry["alt"]
    return geometry


def test_timer_fits_a_laptop_beside_the_file_browser_and_switches_plan_before_start(
    lab_server, lab_page, make_notebook, open_notebook, run_all, console_errors
):
    """Issue 11.6 at 1440x900 in JupyterLab, and 11.5: the plan is chosen in the timer."""
    page = lab_page
    page.set_viewport_size({"width": 1440, "height": 900})
    make_notebook(
        lab_server.root,
        "timer_laptop.ipynb",
        [
            "import tutorial\ntimer = tutorial.StepTimer()\ntimer",
            "print('plan', timer.variant, timer.legs, timer.plan.key, len(timer.plan))",
        ],
    )
    open_notebook(page, "timer_laptop.ipynb")
    browser_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']")
    if "lm-mod-current" not in (browser_tab.get_attribute("class") or ""):
        browser_tab.click()
    page.locator("#filebrowser").wait_for(state="visible")
    run_all(page)
    timer = page.locator(f"{PANEL} .cct-timer")
    check_fits(page, timer, "laptop", "laptop-1440x900")

    # Quick, both legs: switched in the browser at once, and Python follows.
    countdown = timer.locator(".cct-countdown")
    assert countdown.inner_text() == "1:30"
    timer.get_by_text("Quick", exact=False).click()
    assert countdown.inner_text() == "1:00"  # step 1 at its minimum, no round trip needed
    timer.get_by_text("Both legs").click()
    assert timer.locator(".cct-leg").is_visible()
    wait = run_cell(page, 1)
    wait_idle(page, 1, wait)
    assert "plan quick both quick/both 17" in cell_output(page, 1)
    # Once started, the choice is gone (it would change a session under way).
    timer.get_by_role("button", name="Start", exact=True).click()
    assert not timer.get_by_test_id("timer-choices").is_visible()
    assert console_errors(page) == []


AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


def test_timer_fits_a_projector_and_a_phone_in_voila_and_passes_axe(
    tmp_path, voila_server, browser, make_notebook, console_errors
):
    """Issue 11.6 at 1920x1080 (Voila on a projector) and 390x844 (a phone); 11.11 (axe)."""
    notebook = make_notebook(
        tmp_path,
        "timer_screens.ipynb",
        ["import tutorial\ntutorial.StepTimer(legs='both')"],
    )
    url = voila_server(notebook)
    for name, size, viewport in [
        ("projector-1920x1080", "projector", {"width": 1920, "height": 1080}),
        ("phone-390x844", "phone", {"width": 390, "height": 844}),
    ]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        try:
            page.goto(url)
            timer = page.locator(".cct-timer")
            timer.wait_for(timeout=60_000)
            check_fits(page, timer, size, name)
            if size == "projector":
                # readable from the back of a room: a countdown at least 1/5 of the height
                box = timer.locator(".cct-countdown").bounding_box()
                assert box["height"] >= 1080 / 5
                page.evaluate(AXE.read_text(encoding="utf-8"))
                results = page.evaluate(
                    "async () => (await axe.run('.cct-timer', {resultTypes: ['violations']}))"
                    ".violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))])"
                )
                assert results == [], results
                live = timer.get_by_test_id("timer-live")
                assert live.get_attribute("aria-live") == "polite"
                assert timer.locator(".cct-countdown").get_attribute("aria-live") is None
        finally:
            context.close()


FAKE_MODEL_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="http://timer.test/timer.css"></head>
<body><div id="root"></div><script type="module">
const state = STATE;
const listeners = {};
window.__sent = [];
const model = {
  get: (name) => state[name],
  set: (name, value) => {
    state[name] = value;
    (listeners['change:' + name] || []).forEach((f) => f());
  },
  on: (name, fn) => { (listeners[name] = listeners[name] || []).push(fn); },
  off: (name, fn) => { listeners[name] = (listeners[name] || []).filter((f) => f !== fn); },
  save_changes: () => {},
  send: (msg) => { window.__sent.push(msg); },  // goes nowhere: no Python behind the page
};
const widget = await import('http://timer.test/timer.js');
widget.default.render({ model, el: document.getElementById('root') });
window.__ready = true;
</script></body></html>"""


def _fake_timer_page(context, state: dict):
    """A page of ``context`` that runs timer.js as anywidget gets it (translator inlined) on
    a stand-in model holding ``state``; the test calls ``goto("http://page.test/")``."""
    import json

    from tutorial.widgets.frontend import esm

    css = (Path(__file__).resolve().parents[2] / "tutorial" / "static" / "timer.css").read_text(
        encoding="utf-8"
    )
    page = context.new_page()

    def serve(route) -> None:
        js = route.request.url.endswith(".js")
        route.fulfill(
            body=esm("timer.js") if js else css,
            content_type="text/javascript" if js else "text/css",
        )

    page.route("http://timer.test/**", serve)
    page.route(
        "http://page.test/",
        lambda route: route.fulfill(
            body=FAKE_MODEL_PAGE.replace("STATE", json.dumps(state)), content_type="text/html"
        ),
    )
    return page


def test_timer_works_with_no_python_behind_the_page(browser, tmp_path):
    """The in-browser site runs timer.js with a stand-in model whose `send` goes nowhere."""

    from tutorial.widgets.timer import StepTimer

    routine = seconds_routine(1, 1, title="Static", min_seconds=0.4, max_seconds=2)
    timer = StepTimer(routine, pictures=False)
    state = {k: v for k, v in timer.get_state().items() if not k.startswith("_")}
    timer.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = _fake_timer_page(context, state)
    try:
        page.goto("http://page.test/")
        page.wait_for_function("window.__ready === true")
        timer_el = page.locator(".cct-timer")
        # the switch works with no round trip: quick = 0.4 s steps
        timer_el.get_by_text("Quick").click()
        assert timer_el.locator(".cct-countdown").inner_text() == "0:01"
        assert timer_el.locator(".cct-overall-text").inner_text().startswith("0:01")
        # Screen readers hear the step at each change, never the countdown ticking.
        page.evaluate(
            """() => { window.__said = []; window.__changes = 0;
            const live = document.querySelector('[data-testid="timer-live"]');
            new MutationObserver(() => window.__said.push(live.textContent))
              .observe(live, {childList: true, characterData: true, subtree: true});
            document.addEventListener('cct-step', () => { window.__changes += 1; }); }"""
        )
        timer_el.get_by_role("button", name="Start", exact=True).click()
        page.wait_for_function(
            "() => document.querySelector('.cct-timer').dataset.status === 'finished'",
            timeout=10_000,
        )
        said = page.evaluate("window.__said")
        assert len(said) == page.evaluate("window.__changes") == 3  # start, step 2, the end
        assert said[0].startswith("Step 1 / 2: Step 1.")  # seconds_routine: "Step 1", "Step 2"
        summary = timer_el.get_by_test_id("timer-summary")
        assert summary.is_visible()
        assert "Planned 0:01" in summary.inner_text()
        assert len(summary.locator("tr").all()) == 3  # a header and the two steps
        # it says what a hidden page without Python can and cannot promise
        hint = timer_el.get_by_test_id("timer-hidden-hint")
        page.wait_for_function(
            "() => document.querySelector('.cct-timer').dataset.kernel === 'no'", timeout=10_000
        )
        assert "without Python" in hint.inner_text()
        sent = page.evaluate("window.__sent.map((m) => m.type)")
        assert "hello" in sent
        assert "step" in sent
    finally:
        context.close()


def test_a_chinese_timer_shows_its_words_in_chinese_and_says_when_no_voice_speaks_it(
    browser, monkeypatch
):
    """Made in zh-Hans: the buttons, the status and the notices are Chinese (the module as
    anywidget gets it, translator inlined); speech asks for zh and, with no Chinese voice in
    the browser, the timer says so and keeps to tones."""

    from tutorial.content import i18n
    from tutorial.widgets.timer import StepTimer

    steps = tuple(
        Step(
            id=f"s{i}",
            title=f"第{i + 1}步",
            technique="按揉",
            instructions="按揉。",
            min_seconds=10,
            max_seconds=60,
            default_seconds=30,
        )
        for i in range(2)
    )

    before = i18n.get_language()
    i18n.set_language("zh-Hans")
    try:
        timer = StepTimer(Routine(title="测试", steps=steps), pictures=False, speech=True)
    finally:
        i18n.set_language(before)
    state = {k: v for k, v in timer.get_state().items() if not k.startswith("_")}
    timer.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = _fake_timer_page(context, state)
    try:
        page.add_init_script(
            "window.__spoken = []; document.addEventListener('cct-speak',"
            " (e) => window.__spoken.push(e.detail));"
        )
        page.goto("http://page.test/")
        page.wait_for_function("window.__ready === true")
        timer_el = page.locator(".cct-timer")
        assert timer_el.get_attribute("aria-label") == "步骤计时器"
        for name in ("开始", "上一步", "下一步", "本步重来", "重置", "语音开"):
            assert timer_el.get_by_role("button", name=name, exact=True).is_visible(), name
        assert timer_el.locator(".cct-status").inner_text() == "就绪"
        voices = page.evaluate(
            "() => speechSynthesis.getVoices().map((v) => v.lang.toLowerCase().replace('_', '-'))"
        )
        has_zh = any(v.split("-")[0] in ("zh", "cmn", "yue") for v in voices)
        notice = timer_el.get_by_test_id("timer-voice-notice")
        if not has_zh:  # the usual case in headless Chromium: no voices at all
            page.wait_for_function(
                "() => document.querySelector('[data-testid=timer-voice-notice]').textContent"
            )
            assert "没有中文语音" in notice.inner_text()
            assert timer_el.get_by_test_id("timer-notice").is_visible()
        shot(page, "timer-zh-hans")
        timer_el.get_by_role("button", name="开始", exact=True).click()
        page.wait_for_function("() => window.__spoken.length > 0")
        said = page.evaluate("window.__spoken[0]")
        assert said["text"] == "第1步。第1步。"
        assert said["lang"] == "zh-Hans"
        assert said["spoken"] is has_zh
        assert timer_el.locator(".cct-status").inner_text() == "进行中"
        assert timer_el.get_by_role("button", name="暂停", exact=True).is_visible()
        # turning the voice off takes the notice away
        timer_el.get_by_role("button", name="语音开", exact=True).click()
        assert notice.is_hidden()
    finally:
        context.close()
