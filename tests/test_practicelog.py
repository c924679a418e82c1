"""The practice log: the timer records itself, records and CSV, adherence, charts, widget."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import tutorial
from tutorial.content import i18n
from tutorial.store.db import Store, get_store, iso
from tutorial.store.practicelog import (
    CSV_COLUMNS,
    PracticeLog,
    SessionRecord,
    StepTime,
    practice_log,
    routine_snapshot,
)
from tutorial.widgets.logview import PracticeReport, draw_practice_calendar, draw_step_times
from tutorial.widgets.timer import StepTimer

ROUTINE = tutorial.load_routine()
REPO = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _timer(**kwargs) -> tuple[StepTimer, Clock]:
    clock = Clock()
    return StepTimer(clock=clock, pictures=False, **kwargs), clock


def _stored(n: int, *, days_back: int = 80, seed: int = 1) -> Store:
    """A store with ``n`` sessions spread over the last ``days_back`` days."""
    store = get_store()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    snapshot = routine_snapshot(ROUTINE)
    for _ in range(n):
        started = now - dt.timedelta(days=rng.randint(0, days_back), minutes=rng.randint(0, 600))
        store.add_session(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "started_at": iso(started),
                "routine": snapshot,
                "variant": "default",
                "legs": "one",
                "steps": [
                    {
                        "id": s.id,
                        "leg": "right",
                        "planned_s": s.default_seconds,
                        "actual_s": round(s.default_seconds * rng.uniform(0.5, 1.1), 1),
                        "paused_s": 0.0,
                        "skipped": rng.random() < 0.1,
                    }
                    for s in ROUTINE.steps
                ],
            }
        )
    return store


# -- the timer records itself ----------------------------------------------------------------


def test_a_finished_run_is_saved_with_a_snapshot_of_the_routine():
    timer, clock = _timer()
    timer.start()
    clock.t += 5
    timer.pause()
    clock.t += 3
    timer.resume()
    clock.t += ROUTINE.total_seconds + 1
    assert timer.history  # reading the history advances the machine
    assert timer.status == "finished"
    assert timer.notice == "Session saved to your practice log."
    (session,) = practice_log()
    assert session.variant == "default"
    assert session.legs == "one"
    assert [s.id for s in session.steps] == [s.id for s in ROUTINE.steps]
    assert session.routine["steps"][0]["min_seconds"] == ROUTINE.steps[0].min_seconds
    first = session.steps[0]
    assert first.planned_s == ROUTINE.steps[0].default_seconds
    assert first.actual_s == pytest.approx(first.planned_s)
    assert first.paused_s == pytest.approx(3.0)
    assert not any(s.skipped for s in session.steps)
    assert (session.ended_at - session.started_at).total_seconds() == pytest.approx(
        ROUTINE.total_seconds + 3, abs=0.01
    )


def test_a_run_stopped_after_a_step_is_saved_and_one_stopped_before_is_not():
    timer, clock = _timer(legs="both")
    timer.start()
    clock.t += 10
    timer.reset()  # stopped in the first step: nothing done yet
    assert practice_log().sessions == ()
    assert timer.notice == ""
    timer.start()
    clock.t += ROUTINE.steps[0].default_seconds + 4
    timer.next()  # the second step is skipped after 4 s
    clock.t += 2
    timer.reset()
    (session,) = practice_log()
    assert session.legs == "both"
    assert [(s.id, s.skipped) for s in session.steps] == [
        ("prepare", False),
        ("grasp-calf", True),
        ("weizhong", True),  # stopped after 2 s
    ]
    assert session.steps[1].actual_s == pytest.approx(4.0)
    assert timer.notice == "Session saved to your practice log."


def test_closing_or_replacing_a_timer_saves_its_run_once():
    timer, clock = _timer()
    timer.start()
    clock.t += ROUTINE.steps[0].default_seconds + 1
    StepTimer(pictures=False)  # a re-run cell replaces the timer
    assert len(practice_log()) == 1
    timer.close()
    assert len(practice_log()) == 1


def test_a_second_run_of_the_same_timer_is_a_second_session():
    timer, clock = _timer(routine=ROUTINE.variant("quick"))
    for _ in range(2):
        timer.start()
        clock.t += ROUTINE.min_total_seconds + 1
        assert timer.history
    log = practice_log()
    assert len(log) == 2
    assert {s.variant for s in log} == {"quick"}
    assert len({s.id for s in log}) == 2


def test_a_store_that_fails_never_raises_into_the_timer(monkeypatch):
    timer, clock = _timer()

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "add_session", boom)
    timer.start()
    clock.t += ROUTINE.steps[0].default_seconds + 1
    timer.reset()
    assert timer.notice == "Session not saved: disk on fire"


def test_when_progress_is_off_the_timer_says_why(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(blocker / "home"))
    timer, clock = _timer()
    timer.start()
    clock.t += ROUTINE.steps[0].default_seconds + 1
    timer.reset()
    assert timer.notice.startswith("Session not saved. Progress and the practice log are off")
    timer.start()
    clock.t += ROUTINE.steps[0].default_seconds + 1
    timer.reset()
    assert timer.notice.startswith("Session not saved. the data folder")  # short the 2nd time


# -- the log ---------------------------------------------------------------------------------


def _log_on(days: list[int], today: dt.date) -> PracticeLog:
    sessions = []
    for back in days:
        moment = dt.datetime.combine(today - dt.timedelta(days=back), dt.time(12)).astimezone()
        sessions.append(
            SessionRecord(str(uuid.uuid4()), moment, moment, "T", "default", "one", (), {})
        )
    return PracticeLog(sessions)


TODAY = dt.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("days", "schedule", "percent", "streak"),
    [
        ([], "daily", None, 0),
        ([0], "daily", 100.0, 1),
        ([1, 2, 3], "daily", 100.0, 3),  # today is still open: the streak lives
        ([2, 3], "daily", 200 / 3, 0),  # yesterday missed: 2 of 3 days
        ([0, 2, 4, 6], "every-other-day", 100.0, 7),
        ([0, 2, 4, 6], "daily", 4 / 7 * 100, 1),
        ([3, 6, 9], "every-other-day", 6 / 9 * 100, 0),
        ([0, 200], "daily", 100 / 84, 1),  # only the last 12 weeks count
    ],
)
def test_adherence_and_streak(days, schedule, percent, streak):
    adherence = _log_on(days, TODAY).adherence(schedule, today=TODAY)
    if percent is None:
        assert adherence.percent is None
    else:
        assert adherence.percent == pytest.approx(percent)
    assert adherence.streak_days == streak


def test_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="every-other-day"):
        _log_on([0], TODAY).adherence("weekly")


def test_records_and_csv_open_in_a_spreadsheet(tmp_path):
    _stored(3)
    log = practice_log()
    records = log.to_records()
    assert len(records) == 3 * len(ROUTINE.steps)
    path = tmp_path / "log.csv"
    log.to_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(records)
    assert rows[0]["step_number"] == "1"
    assert rows[0]["step_id"] == "prepare"
    assert float(rows[0]["planned_s"]) == ROUTINE.steps[0].default_seconds
    assert {r["skipped"] for r in rows} <= {"yes", "no"}


def test_step_summaries_are_medians_in_routine_order():
    _stored(5)
    summaries = practice_log().step_summaries()
    assert [s.id for s in summaries] == [s.id for s in ROUTINE.steps]
    first = summaries[0]
    assert first.count == 5
    assert first.actual_q1 <= first.actual_median <= first.actual_q3 <= first.planned_median * 1.1


def _timed_log(count: int, *, title: str = "T") -> PracticeLog:
    """``count`` sessions a day apart, the newest first in time order last, each of two
    steps (the second skipped) and the switch between legs, which never counts."""
    start = dt.datetime(2026, 3, 1, 9, 5, tzinfo=dt.timezone.utc)
    steps = (
        StepTime("press", "Press", "right", 60.0, 75.0, 0.0, False),
        StepTime("switch-legs", "Switch legs", None, 10.0, 12.0, 0.0, False),
        StepTime("knead", "Knead", "right", 30.0, 0.0, 0.0, True),
    )
    return PracticeLog(
        SessionRecord(
            f"s{i}", start + dt.timedelta(days=i), start, title, "default", "one", steps, {}
        )
        for i in range(count)
    )


def test_the_log_shows_in_a_notebook_as_a_table_of_the_latest_sessions():
    html_view = _timed_log(12)._repr_html_()
    assert "12 sessions kept, on 12 days." in html_view
    assert "The latest 10 are listed" in html_view
    assert html_view.count("<tr>") == 1 + 10  # the header and 10 sessions
    rows = html_view.split("<tbody>")[1]
    # newest first: 12 March (the 12th session) before 3 March; 2 March and 1 March left out
    assert rows.index("Mar 12, 2026") < rows.index("Mar 3, 2026")
    assert "Mar 2, 2026" not in rows
    assert "Mar 1, 2026" not in rows
    # planned 1:30 and actual 1:15 for the two steps; the switch between legs is not counted
    assert ">1:30<" in rows
    assert ">1:15<" in rows
    assert ">1 of 2<" in rows  # one step done, one skipped


def test_a_short_log_lists_every_session_and_an_empty_one_says_how_to_start():
    assert "The latest" not in _timed_log(3)._repr_html_()
    assert _timed_log(3)._repr_html_().count("<tr>") == 1 + 3
    empty = PracticeLog([])._repr_html_()
    assert "No sessions yet. Open lesson 4" in empty
    assert "<table" not in empty
    broken = PracticeLog([], problem="the practice file is busy")._repr_html_()
    assert "the practice file is busy" in broken


def test_the_log_view_keeps_a_routine_title_as_text():
    html_view = _timed_log(1, title="<img src=x onerror=alert(1)>")._repr_html_()
    assert "<img" not in html_view
    assert "&lt;img src=x onerror=alert(1)&gt;" in html_view


def test_the_log_view_speaks_the_learners_language():
    with i18n.using_language("zh-Hans"):
        html_view = _timed_log(1)._repr_html_()
    assert "When" not in html_view
    assert "sessions kept" not in html_view
    assert "2026" in html_view


# -- the charts: zero, one and a thousand sessions ------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 1000])
def test_the_charts_draw_zero_one_and_a_thousand_sessions(n):
    store = _stored(n) if n else get_store()
    log = practice_log(store=store)
    assert len(log) == n
    today = dt.date.today()
    _fig, (top, bottom) = plt.subplots(2)
    draw_practice_calendar(log, today=today, ax=top)
    squares = {p.get_gid(): p for p in top.patches if (p.get_gid() or "").startswith("day-")}
    assert f"day-{today.isoformat()}" in squares
    assert len(squares) == 11 * 7 + today.weekday() + 1
    filled = [gid for gid, p in squares.items() if p.get_facecolor() != squares_empty(top)]
    assert len(filled) == len({d for d in log.days() if f"day-{d.isoformat()}" in squares})
    draw_step_times(log, ax=bottom)
    bars = {p.get_gid() for p in bottom.patches}
    if n:
        assert {f"actual-{s.id}" for s in ROUTINE.steps} <= bars
        assert {f"planned-{s.id}" for s in ROUTINE.steps} <= bars
    else:
        assert not bars
        assert "after your first session" in bottom.texts[0].get_text()


def squares_empty(ax) -> tuple:
    from matplotlib.colors import to_rgba

    return to_rgba(tutorial.store.practicelog.load_log_settings()["calendar"]["empty_colour"])


# -- the widget ------------------------------------------------------------------------------


def test_report_with_no_sessions_says_how_to_start():
    report = PracticeReport()
    assert "No sessions yet" in report._summary.value
    assert "lesson 4" in report._summary.value
    assert bytes(report.calendar.value).startswith(b"\x89PNG")
    assert "practice.sqlite3" in report._privacy.value


def test_report_schedule_is_remembered_and_changes_the_summary():
    _stored(20, days_back=10)
    report = PracticeReport()
    daily = report._summary.value
    report.schedule_buttons.value = "every-other-day"
    assert report.schedule == "every-other-day"
    assert report._summary.value != daily
    assert "every other day" in report._summary.value
    assert get_store().setting("schedule") == "every-other-day"
    assert PracticeReport().schedule == "every-other-day"


def test_delete_button_asks_first_then_erases_everything():
    _stored(4)
    session = tutorial.PracticeSession(seed=1, kinds=("name",))
    session.answer_choice(session.next_question().answer)
    report = PracticeReport()
    report.delete_button.click()
    assert report.confirm_button.layout.display == ""
    assert "cannot be undone" in report._status.value
    report.cancel_button.click()
    assert len(practice_log()) == 4  # nothing erased without the confirmation
    report.delete_button.click()
    report.confirm_button.click()
    assert len(practice_log()) == 0
    assert get_store().answers() == []
    assert "Deleted" in report._status.value
    assert "No sessions yet" in report._summary.value


def test_the_action_buttons_size_to_their_label():
    """ipywidgets' default button width cut "Delete my practice data" to "Delete my practi..."
    (seen in Voila, lesson 8); every action button of the report takes its label's width."""
    report = PracticeReport()
    buttons = [report.refresh_button, report.csv_button, report.delete_button]
    buttons += [report.confirm_button, report.cancel_button]
    assert [b.layout.width for b in buttons] == ["auto"] * 5
    report.delete_button.click()  # shown for the confirmation: still their label's width
    assert report.confirm_button.layout.display == ""
    assert report.confirm_button.layout.width == "auto"


def test_csv_download_is_a_data_link_and_text_is_never_markup():
    store = _stored(1)
    store.add_session(
        {
            "id": str(uuid.uuid4()),
            "started_at": iso(dt.datetime.now(dt.timezone.utc)),
            "routine": {
                "title": "<img src=x onerror=alert(1)>",
                "steps": [
                    {
                        "id": "x",
                        "title": "<b>bold</b>",
                        "min_seconds": 5,
                        "max_seconds": 9,
                        "default_seconds": 6,
                    }
                ],
            },
            "variant": "custom",
            "legs": "one",
            "steps": [
                {
                    "id": "x",
                    "leg": "right",
                    "planned_s": 6,
                    "actual_s": 6,
                    "paused_s": 0,
                    "skipped": False,
                }
            ],
        }
    )
    report = PracticeReport()
    report.csv_button.click()
    assert 'download="practice-log.csv"' in report._csv_link.value
    assert "<img" not in report._summary.value + report._privacy.value
    texts = [t.get_text() for t in draw_step_times(practice_log()).get_yticklabels()]
    assert any("<b>bold</b>" in t for t in texts)  # drawn as plain text


def test_privacy_note_is_plain_text_and_escaped_html(tmp_path, monkeypatch):
    odd = tmp_path / "<b>odd & folder</b>"
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(odd))
    note = tutorial.privacy_note()
    assert str(odd / "practice.sqlite3") in str(note)
    assert "delete_practice_data()" in str(note)
    assert "&lt;b&gt;odd &amp; folder&lt;/b&gt;" in note._repr_html_()
    assert "<b>odd" not in note._repr_html_()


def test_privacy_note_names_no_server_path_to_a_visitor(tmp_path, monkeypatch):
    """On the presenting server (a visitor's kernel) the note says where data is kept in
    words: the server's folder means nothing to a visitor and is not theirs to see."""
    from tutorial.store.files import VISITOR_ENV

    home = tmp_path / "calf-visitors-x" / "visitor-abc"
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(home))
    monkeypatch.setenv(VISITOR_ENV, "1")
    text = str(tutorial.privacy_note())
    assert str(tmp_path) not in text
    assert "visitor-abc" not in text
    assert "practice.sqlite3" not in text
    assert "private folder" in text
    assert "this visit only" in text
    assert "delete_practice_data()" in str(text)  # what is kept and how to delete: unchanged
    from tutorial.widgets.logview import PracticeReport

    assert str(tmp_path) not in PracticeReport()._privacy.value  # lesson 8's log section


# -- every lesson runs when the data folder cannot be written --------------------------------


def test_lessons_run_with_progress_off_and_say_it_once(tmp_path):
    """Every code cell of lessons 0, 4, 6 and 8, run in one kernel (as a learner going
    through them) with a data folder that cannot be created: no cell fails, and the long
    "progress is off" message appears once (lesson 0's privacy note says so in a line)."""
    pytest.importorskip("nbclient")
    import nbformat

    lessons = ("00_start_here", "04_guided_routine", "06_check_yourself", "08_your_practice")
    cells = []
    for lesson in lessons:
        nb = nbformat.read(REPO / "notebooks" / f"{lesson}.ipynb", as_version=4)
        cells += [nbformat.v4.new_code_cell(c.source) for c in nb.cells if c.cell_type == "code"]
    combined = tmp_path / "lessons.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), combined)
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "CALF_TUTORIAL_HOME": str(blocker / "data"), "MPLBACKEND": "Agg"}
    script = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=120, kernel_name='python3', store_widget_state=True,"
        " resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(combined), str(REPO / "notebooks")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    text = json.dumps(nbformat.read(combined, as_version=4))
    assert '"output_type": "error"' not in text
    assert text.count("Progress and the practice log are off") == 1
    assert text.count("Right now nothing is being kept") >= 1
    assert not blocker.with_name("data").exists()


def test_a_quick_run_is_recorded_as_quick(tmp_path):
    """The session names the plan chosen in the timer, not only the routine it came from."""
    from tutorial import StepTimer
    from tutorial.store.db import Store

    clock = [0.0]
    store = Store(tmp_path / "practice.sqlite3")
    timer = StepTimer(variant="quick", legs="one", pictures=False, clock=lambda: clock[0])
    try:
        timer.start()
        clock[0] += timer.routine.variant("quick").steps[0].default_seconds + 0.5
        timer._machine.tick()
        from tutorial.store.practicelog import record_timer_run

        assert record_timer_run(timer, store=store)
        (session,) = store.sessions()
        assert session["variant"] == "quick"
        assert session["routine"]["steps"][0]["default_seconds"] == (
            timer.routine.variant("quick").steps[0].default_seconds
        )
    finally:
        timer.close()
