"""StepTimer in real JupyterLab and Voila: the browser keeps time, the kernel follows.

One notebook and one page carry most checks, to keep the file fast. The routine has
three 2-second steps (the second titled with an HTML injection attempt) on both legs,
with a 2-second switch between them: 14 s of plan.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tutorial import save_routine
from tutorial.model import Routine, Step

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


def timer_cells(routine: str) -> list[str]:
    return [
        "import time\nimport tutorial",
        f"timer = tutorial.StepTimer({routine!r}, legs='both', switch_seconds=2)\ntimer",
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
    wait_idle(page, 3, run_cell(page, 3))
    return cell_output(page, 3)


def shot(page, name: str, locator=None) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=str(Path(SHOTS) / f"{name}.png"), animations="disabled")


def test_timer_in_jupyterlab(
    lab_server, lab_page, make_notebook, open_notebook, run_all, console_errors
):
    page = lab_page
    short_routine(lab_server.root / "short.toml")
    make_notebook(lab_server.root, "timer.ipynb", timer_cells("short.toml"))
    open_notebook(page, "timer.ipynb")
    run_all(page)

    timer = page.locator(f"{PANEL} .cct-timer")
    timer.wait_for()
    count = timer.locator(".cct-step-count")
    countdown = timer.locator(".cct-countdown")
    title = timer.locator(".cct-title")
    assert count.inner_text() == "Step 1 / 3"
    assert countdown.inner_text() == "0:02"
    assert timer.get_attribute("data-status") == "ready"
    shot(page, "ready", timer)

    # Starts, counts down, changes step on time; the injected title stays text.
    timer.get_by_role("button", name="Start", exact=True).click()
    # The Start click unlocks audio: every remaining cue is scheduled ahead on its clock.
    assert int(timer.get_attribute("data-tones")) >= 3
    page.wait_for_function(
        "(el) => el.dataset.index === '1'", arg=timer.element_handle(), timeout=5_000
    )
    assert title.inner_text() == XSS
    assert timer.get_attribute("data-flash") == "step"  # the visual cue of a step change
    assert timer.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__pwned") is None
    shot(page, "running", timer)

    # Pause really pauses: neither the countdown nor the step moves for 1.5 s.
    timer.get_by_role("button", name="Pause", exact=True).click()
    assert timer.get_attribute("data-tones") == "0"  # pausing cancels the scheduled tones
    frozen = (countdown.inner_text(), timer.get_attribute("data-index"))
    page.wait_for_timeout(1_500)
    assert (countdown.inner_text(), timer.get_attribute("data-index")) == frozen
    assert timer.get_attribute("data-status") == "paused"
    shot(page, "paused", timer)

    # Keyboard: arrows move while paused; space resumes.
    timer.locator(".cct-title").click()
    page.keyboard.press("ArrowRight")
    assert timer.get_attribute("data-index") == "2"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert timer.get_attribute("data-index") == "0"
    page.keyboard.press(" ")
    assert timer.get_attribute("data-status") == "running"

    # Both legs: jump to the switch, then the same step on the mirrored leg.
    first_picture = timer.locator(".cct-picture").get_attribute("src")
    timer.locator("summary").click()
    timer.locator(".cct-jump[data-index='3']").click()
    assert timer.get_attribute("data-kind") == "switch"
    assert count.inner_text() == "Switch"
    shot(page, "switch", timer)
    timer.locator(".cct-jump[data-index='4']").click()
    assert timer.get_attribute("data-leg") == "left"
    assert timer.locator(".cct-leg").inner_text().lower() == "left leg"
    assert title.inner_text() == "Press Weizhong"
    assert timer.locator(".cct-picture").get_attribute("src") != first_picture

    # The countdown keeps running and steps advance while the kernel is busy.
    timer.locator(".cct-jump[data-index='0']").click()
    before = run_cell(page, 2)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-InputPrompt')].some(p => p.textContent.includes('[*]'))"
    )
    page.wait_for_function(
        "(el) => el.dataset.index === '1'", arg=timer.element_handle(), timeout=2_900
    )
    busy = page.locator(f"{PANEL} .jp-Cell").nth(2).locator(".jp-InputPrompt").inner_text()
    assert "*" in busy  # the step changed while the kernel was still sleeping
    wait_idle(page, 2, before)

    # The kernel saw it all: history with skips, backs, jumps and completed steps.
    report = kernel_report(page)
    outcomes = set(re.findall(r"'(\w+)'\)", report))
    assert {"completed", "skipped", "back", "jumped"} <= outcomes
    assert "live 1" in report

    # Re-running the timer cell leaves exactly one live timer, in the kernel and the page.
    wait_idle(page, 1, run_cell(page, 1))
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".cct-timer').length === 1"
    )
    fresh = page.locator(f"{PANEL} .cct-timer")
    assert fresh.get_attribute("data-status") == "ready"
    report = kernel_report(page)
    assert "live 1" in report
    assert "state ready 0" in report
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
