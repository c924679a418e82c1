"""The practice store: schema, concurrency, crashes, bad files, read-only folders, import."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tutorial import RoutineError
from tutorial.content.practice import Answer, PracticeSession, Progress
from tutorial.store.db import (
    APPLICATION_ID,
    DB_NAME,
    SCHEMA_VERSION,
    Store,
    export_progress,
    get_store,
    import_progress,
)

EXAMPLE = Path(__file__).parent / "data" / "progress-export.json"
REPO = Path(__file__).parents[1]
DATED = re.compile(r"^practice\.unreadable-\d{8}-\d{6}(-\d+)?\.sqlite3$")


def _session(n: int = 0, *, started: str = "2026-03-01T18:00:00Z") -> dict:
    """A small, valid session in the export format."""
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "started_at": started,
        "routine": {
            "title": "Two steps",
            "steps": [
                {"id": "a", "title": "A", "min_seconds": 5, "max_seconds": 9, "default_seconds": 6},
                {"id": "b", "title": "B", "min_seconds": 5, "max_seconds": 9, "default_seconds": 6},
            ],
        },
        "variant": "custom",
        "legs": "one",
        "steps": [
            {
                "id": "a",
                "leg": "right",
                "planned_s": 6,
                "actual_s": 6,
                "paused_s": 1,
                "skipped": False,
            },
            {
                "id": "b",
                "leg": "right",
                "planned_s": 6,
                "actual_s": 2,
                "paused_s": 0,
                "skipped": True,
            },
        ],
    }


# -- schema ----------------------------------------------------------------------------------


def test_one_file_in_the_data_folder_with_wal_version_and_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    store = get_store()
    assert store.available
    assert store.path == tmp_path / DB_NAME
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    assert store.add_session(_session(1))
    # foreign keys are on: deleting a session deletes its steps
    store.write(lambda c: c.execute("DELETE FROM sessions"))
    assert store.read(lambda c: c.execute("SELECT count(*) FROM session_steps").fetchone()[0]) == 0


def test_settings_are_json_values(tmp_path):
    store = Store(tmp_path / DB_NAME)
    assert store.setting("schedule", "daily") == "daily"
    assert store.set_setting("schedule", "every-other-day")
    assert Store(tmp_path / DB_NAME).setting("schedule") == "every-other-day"


def test_a_session_is_added_once(tmp_path):
    store = Store(tmp_path / DB_NAME)
    assert store.add_session(_session(1))
    assert not store.add_session(_session(1))
    (kept,) = store.sessions()
    assert kept["ended_at"] == "2026-03-01T18:00:09.000Z"  # started + actual + paused
    assert [s["skipped"] for s in kept["steps"]] == [False, True]


# -- four writers at once --------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tutorial.content.practice import PracticeSession
    from tutorial.store.db import get_store
    path, go, who = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    session = PracticeSession(seed=who, path=path, kinds=("name",))
    while not go.exists():
        time.sleep(0.005)
    for i in range(100):
        session.answer_choice(session.next_question().answer)
        if i % 10 == 0:
            assert get_store(path).add_session({
                "id": f"00000000-0000-4000-8000-{who:06d}{i:06d}",
                "started_at": "2026-03-01T18:00:00Z",
                "routine": {"title": "T", "steps": [
                    {"id": "a", "title": "A", "min_seconds": 5, "max_seconds": 9,
                     "default_seconds": 6}]},
                "variant": "custom", "legs": "one",
                "steps": [{"id": "a", "leg": "right", "planned_s": 6, "actual_s": 6,
                           "paused_s": 0, "skipped": False}],
            })
    assert get_store(path).pending == 0
    print(session.progress.turn)
    """
)


def test_four_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / DB_NAME
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(go), str(who)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in range(4)
    ]
    time.sleep(1.0)  # let all four import and open the store before they start together
    go.write_text("go")
    results = [w.communicate(timeout=300) for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0], [err for _, err in results]
    store = Store(path)
    answers = store.answers()
    assert len(answers) == 400
    assert len({a.id for a in answers}) == 400
    assert len(store.sessions()) == 40
    # every writer's last view of the schedule counted every answer it had seen
    assert max(int(out) for out, _ in results) == 400
    assert Progress.open(path).turn == 400


# -- a process killed mid-write --------------------------------------------------------------

_KILLED = textwrap.dedent(
    """
    import sys, time
    from tutorial.store.db import Store, _insert_session
    store = Store(sys.argv[1])
    session = {
        "id": "11111111-0000-4000-8000-000000000099", "started_at": "2026-03-02T08:00:00Z",
        "routine": {"title": "T", "steps": [
            {"id": "a", "title": "A", "min_seconds": 5, "max_seconds": 9, "default_seconds": 6}]},
        "variant": "custom", "legs": "one",
        "steps": [{"id": "a", "leg": "right", "planned_s": 6, "actual_s": 6, "paused_s": 0,
                   "skipped": False}] * 50,
    }
    def stall(con):
        _insert_session(con, session, "here")  # written, not committed
        print("inside", flush=True)
        time.sleep(60)
    store.write(stall)
    """
)


def test_a_kernel_killed_mid_write_loses_only_that_session(tmp_path):
    path = tmp_path / DB_NAME
    store = Store(path)
    for n in range(5):
        assert store.add_session(_session(n))
    session = PracticeSession(seed=1, path=path, kinds=("name",))
    for _ in range(7):
        session.answer_choice(session.next_question().answer)
    store.close()
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "inside"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    again = Store(path)
    assert again.available
    assert again.read(lambda c: c.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"
    assert len(again.sessions()) == 5  # the one in progress is gone, the others whole
    assert len(again.answers()) == 7
    assert again.add_session(_session(6))  # and writing goes on


# -- corrupt, foreign, newer ----------------------------------------------------------------


def _garbled(path: Path) -> None:
    store = Store(path)
    for n in range(30):
        store.add_session(_session(n))
    store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 : page * 4096 + 200] = os.urandom(200)
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO photos (name) VALUES ('holiday.jpg')")
    con.commit()
    con.close()


BAD = {
    "random bytes": lambda p: p.write_bytes(os.urandom(3000)),
    "a JSON file": lambda p: p.write_text('{"format": "x"}', encoding="utf-8"),
    "garbled database": _garbled,
    "another program's database": _foreign,
    "a folder": lambda p: (p.mkdir(), (p / "x").write_text("x")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_moved_aside_with_a_dated_name_and_a_fresh_store_started(tmp_path, case):
    path = tmp_path / DB_NAME
    BAD[case](path)
    before = sorted(p.name for p in tmp_path.iterdir())
    store = Store(path)
    assert store.available, store.problem
    assert store.add_session(_session(1))
    assert len(store.sessions()) == 1
    moved = [p for p in tmp_path.iterdir() if DATED.match(p.name)]
    assert len(moved) == 1, sorted(p.name for p in tmp_path.iterdir())
    notice = store.take_notice()
    assert str(moved[0]) in notice
    assert "moved" in notice
    assert "Nothing was deleted" in notice
    assert store.take_notice() == ""  # one message, once
    assert before == [DB_NAME] or DB_NAME in before


def test_a_database_from_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / DB_NAME
    Store(path).add_session(_session(1))
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    fresh = Store(path)
    assert not fresh.available
    assert "newer version" in fresh.problem
    assert [p.name for p in tmp_path.iterdir() if DATED.match(p.name)] == []
    assert fresh.add_session(_session(2)) is False  # nothing written, nothing raised


# -- read-only and unwritable folders --------------------------------------------------------


def test_data_folder_that_cannot_be_created_switches_progress_off_with_one_message(
    tmp_path, monkeypatch
):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(blocker / "data"))
    store = get_store()
    assert not store.available
    notice = store.take_notice()
    assert "Progress and the practice log are off" in notice
    assert str(blocker / "data") in notice
    assert "CALF_TUTORIAL_HOME" in notice
    assert store.take_notice() == ""
    assert store.add_session(_session(1)) is False
    assert store.sessions() == []


_AS_NOBODY = textwrap.dedent(
    """
    import json, sys
    import tutorial
    from tutorial.store.db import get_store
    from tutorial.widgets.timer import StepTimer
    t = [0.0]
    timer = StepTimer(clock=lambda: t[0], pictures=False)
    timer.start(); t[0] += 100; timer.next(); timer.reset()
    session = tutorial.PracticeSession(seed=1, kinds=("name",))
    session.answer_choice(session.next_question().answer)
    report = tutorial.PracticeReport()
    print(json.dumps({"notice": timer.notice, "turn": session.progress.turn,
                      "load_error": session.load_error, "report": report._notice.value}))
    """
)


_NO_DAC = "--bounding-set=-dac_override,-dac_read_search"


def _run_restricted(home: Path, how: str) -> dict:
    """Run the lesson code in a child for which ``home`` really cannot be written.

    ``"mode"``: the folder is mode 555; as root (CI), the child runs without the
    capabilities that let root ignore file modes (setpriv), so the mode applies to it.
    ``"mount"``: the folder is bind-mounted read-only in a private mount namespace (a
    read-only volume, EROFS); needs root.
    """
    command = [sys.executable, "-c", _AS_NOBODY]
    if how == "mode":
        os.chmod(home, 0o555)
        if (home / DB_NAME).exists():
            os.chmod(home / DB_NAME, 0o444)
        if os.geteuid() == 0:
            command = ["setpriv", _NO_DAC, _NO_DAC.replace("bounding-set", "inh-caps"), *command]
    else:
        quoted = " ".join(f"'{part}'" for part in command)
        command = [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind '{home}' '{home}' && mount -o remount,bind,ro '{home}' && exec {quoted}",
        ]
    env = {**os.environ, "CALF_TUTORIAL_HOME": str(home)}
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("how", "with_database"),
    [("mode", False), ("mode", True), ("mount", True)],
    ids=["mode 555, empty folder", "mode 555, existing store", "read-only mount"],
)
def test_read_only_data_folder_runs_everything_and_says_why(tmp_path, how, with_database):
    """The child gets a really unwritable folder (see _run_restricted): the timer, the quiz
    and the log all run, progress is off, and the reason is said once."""
    if how == "mode" and os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a file mode cannot stop root")
    if how == "mount" and (os.geteuid() != 0 or shutil.which("unshare") is None):
        pytest.skip("a private read-only mount needs root and unshare")
    home = tmp_path / "home"
    home.mkdir()
    if with_database:
        Store(home / DB_NAME).add_session(_session(1))
        get_store(home / DB_NAME).close()
    try:
        result = _run_restricted(home, how)
    finally:
        os.chmod(home, 0o755)
    assert result["notice"].startswith("Session not saved.")
    assert "cannot be written" in result["notice"]
    assert result["turn"] == 1  # the quiz still adapts, in memory
    assert "cannot be written" in result["load_error"]
    # the timer said it first; the report does not repeat the long message
    assert result["report"] == ""
    if with_database:
        assert len(Store(home / DB_NAME).sessions()) == 1  # untouched


# -- the old progress.json -------------------------------------------------------------------


def _legacy_file(folder: Path) -> dict:
    progress = Progress(None)
    answers = [
        ("ST36", Answer("locate", "right", 0.2)),
        ("ST36", Answer("locate", "right", 0.1)),
        ("BL57", Answer("locate", "missed", 2.5)),
        ("BL57", Answer("name", "right")),
        ("GB34", Answer("step", "missed")),
        ("ST36", Answer("locate", "close", 0.9)),
    ]
    for code, answer in answers:
        progress.record(code, answer)
    raw = {
        "format": "calf-cramp-tutorial/progress",
        "version": 1,
        "turn": progress.turn,
        "points": {
            code: {
                "box": progress.box(code),
                "due": progress.due(code),
                "attempts": [
                    {"kind": a.kind, "verdict": a.verdict, "error_cun": a.error_cun}
                    for a in progress.answers(code)
                ],
            }
            for code in ("ST36", "BL57", "GB34")
        },
    }
    (folder / "progress.json").write_text(json.dumps(raw), encoding="utf-8")
    return raw


def test_old_progress_json_is_imported_once_and_kept_as_a_backup(tmp_path, monkeypatch):
    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    raw = _legacy_file(tmp_path)
    session = PracticeSession(seed=1)
    assert session.progress.turn == 6
    for code, entry in raw["points"].items():
        assert session.progress.box(code) == entry["box"]
        assert len(session.progress.answers(code)) == len(entry["attempts"])
    assert not (tmp_path / "progress.json").exists()
    (backup,) = tmp_path.glob("progress.json.backup-*")
    assert json.loads(backup.read_text(encoding="utf-8")) == raw
    assert "6 answers" in get_store().take_notice()
    # once: a progress.json that shows up again later is not imported a second time
    (tmp_path / "progress.json").write_text(backup.read_text(encoding="utf-8"), encoding="utf-8")
    assert Progress.open(tmp_path / DB_NAME).turn == 6
    fresh = Store(tmp_path / DB_NAME)
    assert len(fresh.answers()) == 6


def test_an_unreadable_old_progress_json_is_kept_and_said(tmp_path):
    (tmp_path / "progress.json").write_text("{ broken", encoding="utf-8")
    store = Store(tmp_path / DB_NAME)
    assert store.available
    (kept,) = tmp_path.glob("progress.json.unreadable-*")
    assert kept.read_text(encoding="utf-8") == "{ broken"
    assert str(kept) in store.take_notice()


# -- import and export -----------------------------------------------------------------------


def test_the_example_site_export_imports_and_a_second_import_adds_nothing(tmp_path):
    store = Store(tmp_path / DB_NAME)
    result = import_progress(EXAMPLE, store=store)
    assert (result.answers_added, result.sessions_added) == (5, 3)
    again = import_progress(EXAMPLE, store=store)
    assert (again.answers_added, again.sessions_added) == (0, 0)
    assert (again.answers_skipped, again.sessions_skipped) == (5, 3)
    assert "0 answers and 0 sessions" in str(again)
    assert len(store.answers()) == 5
    verdicts = [a.verdict for a in store.answers()]
    assert "wrong" in verdicts  # the site's verdict for a wrong choice
    quiz = Progress(store=store)
    assert quiz.turn == 5
    assert quiz.box("GB34") == 1  # "wrong" counts as a miss


def test_export_then_import_travels_both_ways(tmp_path):
    first = Store(tmp_path / "a.sqlite3")
    import_progress(EXAMPLE, store=first)
    session = PracticeSession(seed=2, path=first.path, kinds=("name",))
    session.answer_choice(session.next_question().answer)
    exported = export_progress(tmp_path / "out.json", store=first)
    second = Store(tmp_path / "b.sqlite3")
    result = import_progress(exported, store=second)
    assert (result.answers_added, result.sessions_added) == (6, 3)
    assert [a.id for a in second.answers()] == [a.id for a in first.answers()]
    strip = [{k: v for k, v in s.items() if k != "routine_file"} for s in first.sessions()]
    assert [{k: v for k, v in s.items() if k != "routine_file"} for s in second.sessions()] == strip
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert set(document) == {"format", "version", "exported_at", "answers", "sessions"}
    assert set(document["sessions"][0]) == {
        "id",
        "started_at",
        "routine",
        "variant",
        "legs",
        "steps",
    }


def _mutate(where: str, value):
    def change(doc: dict) -> None:
        target = doc
        parts = re.findall(r"[^.\[\]]+", where)
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is KeyError:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


BAD_IMPORTS = {
    "format": _mutate("format", "something/else"),
    "version": _mutate("version", 7),
    "exported_at": _mutate("exported_at", "yesterday"),
    "answers[1].id": _mutate("answers.1.id", "not-a-uuid"),
    "answers[0].at": _mutate("answers.0.at", "2026-03-01T18:30:05"),  # no time zone
    "answers[2].kind": _mutate("answers.2.kind", "guess"),
    "answers[0].point": _mutate("answers.0.point", "LI4"),
    "answers[0].side": _mutate("answers.0.side", "both"),
    "answers[0].view": _mutate("answers.0.view", "top"),
    "answers[3].verdict": _mutate("answers.3.verdict", "ok"),
    "answers[0].error_cun": _mutate("answers.0.error_cun", -1),
    "answers[4].error_cun": _mutate("answers.4.error_cun", KeyError),
    "sessions[0].variant": _mutate("sessions.0.variant", "long"),
    "sessions[0].legs": _mutate("sessions.0.legs", 2),
    "sessions[1].steps[3].actual_s": _mutate("sessions.1.steps.3.actual_s", "45"),
    "sessions[1].steps[0].skipped": _mutate("sessions.1.steps.0.skipped", 0),
    "sessions[2].steps[0].id": _mutate("sessions.2.steps.0.id", "no-such-step"),
    "sessions[0].routine.steps[0].default_seconds": _mutate(
        "sessions.0.routine.steps.0.default_seconds", 999
    ),
    "sessions[0].routine.title": _mutate("sessions.0.routine.title", ""),
}


@pytest.mark.parametrize("field", sorted(BAD_IMPORTS))
def test_a_bad_import_names_file_field_and_fix_and_imports_nothing(tmp_path, field):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    bad = copy.deepcopy(doc)
    BAD_IMPORTS[field](bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    store = Store(tmp_path / DB_NAME)
    with pytest.raises(RoutineError) as info:
        import_progress(path, store=store)
    message = str(info.value)
    assert str(path) in message
    assert f"field {field}" in message
    assert "Fix:" in message or "update the tutorial" in message.lower()
    assert store.answers() == []
    assert store.sessions() == []


def test_import_of_a_missing_or_non_json_file_is_a_clear_error(tmp_path):
    store = Store(tmp_path / DB_NAME)
    with pytest.raises(RoutineError, match="no such file"):
        import_progress(tmp_path / "nope.json", store=store)
    (tmp_path / "x.json").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(RoutineError, match=r"field \(file\)"):
        import_progress(tmp_path / "x.json", store=store)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.timeout(30)  # a plain read of a FIFO waits for a writer forever
def test_import_refuses_a_fifo_without_reading_it(tmp_path):
    """The file is read through read_limited_bytes (a FIFO, a device such as /dev/zero,
    a folder are refused before any byte is read)."""
    store = Store(tmp_path / DB_NAME)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(RoutineError, match="not a regular file") as info:
        import_progress(fifo, store=store)
    assert info.value.field == "(file)"
    assert str(fifo) in str(info.value)
    assert "Fix:" in str(info.value)
    assert store.answers() == []


# -- deleting everything ---------------------------------------------------------------------


def test_delete_practice_data_erases_rows_bytes_and_backups(tmp_path, monkeypatch):
    import tutorial

    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    _legacy_file(tmp_path)
    store = get_store()
    import_progress(EXAMPLE, store=store)
    store.set_setting("schedule", "daily")
    secret = "6a1f3c9e-2b7d-4e58-8c11-5f0a9d3b2c01"
    assert store.available
    removed = tutorial.delete_practice_data()
    assert [p.name.split("-")[0] for p in removed] == ["progress.json.backup"]
    assert store.answers() == []
    assert store.sessions() == []
    assert store.setting("schedule") is None
    for file in tmp_path.iterdir():
        assert secret.encode() not in file.read_bytes(), file.name
    assert store.add_session(_session(1))  # the store goes on working


# -- a database locked by another program ----------------------------------------------------


def test_a_locked_database_keeps_answers_and_sessions_in_memory_then_saves_them(
    tmp_path, monkeypatch
):
    from tutorial.store import db as store_module
    from tutorial.widgets.timer import StepTimer

    monkeypatch.setenv("CALF_TUTORIAL_HOME", str(tmp_path))
    monkeypatch.setattr(store_module, "BUSY_SECONDS", 0.2)
    session = PracticeSession(seed=1, kinds=("name",))
    store = get_store()
    assert store.available
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    session.answer_choice(session.next_question().answer)
    assert session.progress.turn == 1  # counted here, nothing raised
    assert store.pending == 1
    clock = [0.0]
    timer = StepTimer(clock=lambda: clock[0], pictures=False)
    timer.start()
    clock[0] += 100
    timer.reset()
    assert timer.notice.startswith("Session kept in memory: the practice file is busy")
    blocker.execute("ROLLBACK")
    blocker.close()
    session.answer_choice(session.next_question().answer)  # the next write saves all
    assert store.pending == 0
    assert len(store.answers()) == 2
    assert len(store.sessions()) == 1
    assert session.progress.turn == 2  # the late answer was not counted twice
    assert Progress.open(store.path).turn == 2
    assert store.problem == ""
