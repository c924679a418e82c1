"""The one store of everything a learner keeps: quiz answers, timer sessions, settings.

One SQLite file (``practice.sqlite3``) in :func:`tutorial.store.files.user_data_dir`, owned by
this module alone, in the manner of sqlite-utils and Jupyter's file-ID service:

* facts are appended as events (an answer; a session with its steps) and never merged;
  summaries (Leitner boxes, per-point stats, streaks) are derived from them by queries;
* the schema version lives in ``PRAGMA user_version`` and grows by numbered migrations;
  ``PRAGMA application_id`` marks the file as this tutorial's, so a foreign database is
  recognised;
* WAL journal, a busy timeout and ``BEGIN IMMEDIATE`` transactions let several kernels
  write at once without losing anything; a killed process loses at most its open
  transaction;
* a corrupt or foreign file is moved aside under a dated name and a fresh store started;
  a folder that cannot be written switches progress off, with one message saying why.

Nothing here raises into a lesson: :attr:`Store.problem` says why the store is off, and
:meth:`Store.take_notice` hands a widget the one message to show (once per process).

Files exported from the static site (or by :func:`export_progress`) come back in with
:func:`import_progress`; re-importing a file adds nothing twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import math
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.i18n import N_, _, format_decimal, ngettext
from ..content.model import RoutineError
from .files import DATA_DIR_ENV, atomic_write_text, read_limited_bytes, user_data_dir

__all__ = [
    "DB_NAME",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "SCHEMA_VERSION",
    "AnswerEvent",
    "ImportResult",
    "Store",
    "delete_practice_data",
    "export_progress",
    "get_store",
    "import_progress",
]

_log = logging.getLogger(__name__)

#: The database file in the user data folder.
DB_NAME = "practice.sqlite3"
#: ``format`` and ``version`` of a progress file exported here or by the static site.
EXPORT_FORMAT = "calf-cramp-tutorial/progress"
EXPORT_VERSION = 1
#: ``PRAGMA application_id`` of this tutorial's databases ("CCT1"): anything else is foreign.
APPLICATION_ID = 0x43435431
#: The legacy progress file (before the store), imported once and kept as a backup.
LEGACY_NAME = "progress.json"
#: What to do when the store is off (a folder that cannot be written).
#: Translated on use: ``_(OFF_FIX).format(env=DATA_DIR_ENV)``; :func:`off_fix` does both.
OFF_FIX = N_("To keep them, set {env} to a folder you can write to and restart the kernel.")


def off_fix() -> str:
    """:data:`OFF_FIX` in the current language, naming the environment variable."""
    return _(OFF_FIX).format(env=DATA_DIR_ENV)


#: Seconds a writer waits for another one before giving up (then the write is retried later).
BUSY_SECONDS = 10.0

_KINDS = ("locate", "name", "step")
_VERDICTS = ("right", "close", "missed", "wrong")
_SIDES = ("right", "left")
_VIEWS = ("anterior", "posterior", "lateral", "medial")
_SESSION_VARIANTS = ("quick", "default", "full", "custom")
_LEGS = ("one", "both")
_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{1,3}$")
_MAX_IMPORT_BYTES = 64_000_000
_MAX_SECONDS = 24 * 3600.0
_MAX_ERROR_CUN = 1000.0

# Numbered migrations: MIGRATIONS[n - 1] takes the schema from version n - 1 to n.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE answers (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        point TEXT NOT NULL,
        side TEXT NOT NULL,
        view TEXT,
        verdict TEXT NOT NULL,
        error_cun REAL,
        origin TEXT NOT NULL DEFAULT 'here'
    );
    CREATE TABLE routines (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        routine_id TEXT NOT NULL REFERENCES routines (id),
        variant TEXT NOT NULL,
        legs TEXT NOT NULL,
        routine_file TEXT,
        origin TEXT NOT NULL DEFAULT 'here'
    );
    CREATE INDEX sessions_by_start ON sessions (started_at);
    CREATE TABLE session_steps (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        leg TEXT,
        planned_s REAL NOT NULL,
        actual_s REAL NOT NULL,
        paused_s REAL NOT NULL,
        skipped INTEGER NOT NULL,
        PRIMARY KEY (session_id, position)
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_SQLITE_MAGIC = b"SQLite format 3\x00"


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerEvent:
    """One quiz answer as stored: ``seq`` orders answers across every writer."""

    seq: int
    id: str
    at: str
    kind: str
    point: str
    side: str
    view: str | None
    verdict: str
    error_cun: float | None


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_progress` added (duplicates, by id, are skipped)."""

    path: Path
    answers_added: int
    answers_skipped: int
    sessions_added: int
    sessions_skipped: int

    def __str__(self) -> str:
        answers = ngettext("{n} answer", "{n} answers", self.answers_added).format(
            n=self.answers_added
        )
        sessions = ngettext("{n} session", "{n} sessions", self.sessions_added).format(
            n=self.sessions_added
        )
        skipped_answers = ngettext("{n} answer", "{n} answers", self.answers_skipped).format(
            n=self.answers_skipped
        )
        skipped_sessions = ngettext(
            "{n} session was already here", "{n} sessions were already here", self.sessions_skipped
        ).format(n=self.sessions_skipped)
        return _(
            "Imported {answers} and {sessions} from {file} ({skipped_answers} and "
            "{skipped_sessions})."
        ).format(
            answers=answers,
            sessions=sessions,
            file=self.path.name,
            skipped_answers=skipped_answers,
            skipped_sessions=skipped_sessions,
        )


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z`` (what JavaScript's toISOString gives)."""
    return iso(dt.datetime.now(dt.timezone.utc))


def iso(moment: dt.datetime) -> str:
    """``moment`` as ISO 8601 UTC, milliseconds, ``Z``."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> dt.datetime:
    """Parse an ISO 8601 time with an offset (``Z`` allowed) into an aware datetime."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("not a string")
    value = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if value.tzinfo is None:
        raise ValueError("no time zone")
    return value


# -- the store -------------------------------------------------------------------------------


def _error_name(err: BaseException) -> str:
    name = getattr(err, "sqlite_errorname", "") or ""
    if name:
        return name
    text = str(err).lower()  # Python 3.10 has no sqlite_errorname
    for needle, code in (
        ("readonly", "SQLITE_READONLY"),
        ("unable to open", "SQLITE_CANTOPEN"),  # i18n: ignore
        ("locked", "SQLITE_BUSY"),
        ("not a database", "SQLITE_NOTADB"),  # i18n: ignore
        ("malformed", "SQLITE_CORRUPT"),
        ("disk i/o", "SQLITE_IOERR"),
        ("full", "SQLITE_FULL"),
    ):
        if needle in text:
            return code
    return ""


def _is_corrupt(err: BaseException) -> bool:
    return _error_name(err).startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))


def _is_busy(err: BaseException) -> bool:
    return _error_name(err).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class _UnusableError(Exception):
    """The store cannot be used (the message says why, for the learner)."""


class Store:
    """The learner's store: one SQLite file.

    Parameters
    ----------
    path
        The database file; default ``practice.sqlite3`` in
        :func:`tutorial.store.files.user_data_dir` (``$CALF_TUTORIAL_HOME`` moves it).

    Notes
    -----
    The file is opened (created, migrated, checked) on first use, not here. If it cannot
    be used, :attr:`problem` says why and every method quietly does nothing (reads give
    nothing back, writes return False): lessons keep working without progress.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._explicit = Path(path) if path is not None else None
        self.path: Path | None = self._explicit
        #: why progress is off ("" while the store works)
        self.problem = ""
        self._notices: list[str] = []
        self._told: set[str] = set()
        self._con: sqlite3.Connection | None = None
        self._pid = -1
        self._opened = False
        self._lock = threading.RLock()
        #: writes that failed because the database was busy, retried before the next write
        self._pending: list[Callable[[sqlite3.Connection], Any]] = []

    # -- opening ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """True when answers and sessions are being kept."""
        self._connection()
        return not self.problem

    def _resolve(self) -> Path:
        if self._explicit is not None:
            self._explicit.parent.mkdir(parents=True, exist_ok=True)
            return self._explicit
        return user_data_dir() / DB_NAME

    def _connection(self) -> sqlite3.Connection | None:
        """The open connection (one per process), or None when the store is off."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                return self._con
            if self._opened and self.problem:
                return None
            self._opened = True
            self._con = None
            try:
                self._con = self._open()
                self._pid = os.getpid()
            except _UnusableError as err:
                self._switch_off(str(err))
            return self._con

    def _where(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return os.environ.get(DATA_DIR_ENV) or _("the tutorial's data folder")

    def _switch_off(self, reason: str) -> None:
        self.problem = reason
        self._notices.append(
            _(
                "Progress and the practice log are off: {reason} The lessons work as usual, "
                "but quiz answers and timer sessions are not kept. {fix}"
            ).format(reason=reason, fix=off_fix())
        )
        _log.warning("practice store off: %s", reason)

    def _open(self) -> sqlite3.Connection:
        try:
            path = self._resolve()
        except OSError as err:
            raise _UnusableError(
                _("the data folder {folder} cannot be created ({reason}).").format(
                    folder=self._where(), reason=err.strerror or err
                )
            ) from err
        self.path = path
        for attempt in range(3):
            problem = self._inspect_header(path)
            if problem:
                self._move_aside(path, problem)
                continue
            try:
                con = self._connect(path)
            except sqlite3.Error as err:
                raise self._unusable(err) from err
            try:
                self._check_and_migrate(con)
            except _ForeignError as err:
                con.close()
                self._move_aside(path, str(err))
                continue
            except sqlite3.DatabaseError as err:
                con.close()
                if _is_corrupt(err) and attempt < 2:
                    self._move_aside(path, _("it is damaged ({reason})").format(reason=err))
                    continue
                raise self._unusable(err) from err
            except _UnusableError:
                con.close()
                raise
            self._import_legacy(con, path.parent / LEGACY_NAME)
            return con
        raise _UnusableError(
            _("the practice data file {path} keeps coming back unreadable.").format(path=path)
        )

    def _unusable(self, err: BaseException) -> _UnusableError:
        name = _error_name(err)
        folder = self.path.parent if self.path else self._where()
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return _UnusableError(
                _("the folder {folder} cannot be written ({reason}).").format(
                    folder=folder, reason=err
                )
            )
        if name.startswith("SQLITE_FULL"):
            return _UnusableError(_("the disk holding {folder} is full.").format(folder=folder))
        if _is_busy(err):
            return _UnusableError(
                _("the practice data file is locked by another program ({reason}).").format(
                    reason=err
                )
            )
        return _UnusableError(
            _("the practice data file in {folder} cannot be used ({reason}).").format(
                folder=folder, reason=err
            )
        )

    @staticmethod
    def _inspect_header(path: Path) -> str:
        try:
            with open(path, "rb") as handle:
                head = handle.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            return ""
        except IsADirectoryError:
            return _("it is a folder, not a database")
        except OSError:
            return ""  # unreadable: sqlite will say why
        if head and head != _SQLITE_MAGIC:
            return _("it is not a database")
        return ""

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        con = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA secure_delete = ON")  # deleted data is overwritten, not left behind
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            # English on purpose: _error_name() reads sqlite's own wording.
            raise sqlite3.OperationalError(
                f"unable to open the database in WAL mode ({mode})"  # i18n: ignore
            )
        con.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a killed process loses nothing
        return con

    def _check_and_migrate(self, con: sqlite3.Connection) -> None:
        app = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != APPLICATION_ID and (tables or version):
            raise _ForeignError(_("it is not this tutorial's database (another program's file)"))
        if version > SCHEMA_VERSION:
            raise _UnusableError(
                _(
                    "the practice data file {path} was written by a newer version of the "
                    "tutorial (schema {version}; this one knows {known}). Update the tutorial."
                ).format(path=self.path, version=version, known=SCHEMA_VERSION)
            )
        check = con.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(
                f"database disk image is malformed ({check})"  # i18n: ignore (sqlite's wording)
            )
        if version == SCHEMA_VERSION and app == APPLICATION_ID:
            return
        with _transaction(con):
            # read again inside the write lock: another process may have migrated meanwhile
            version = con.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version + 1, SCHEMA_VERSION + 1):
                _run_script(con, MIGRATIONS[number - 1])
                con.execute(f"PRAGMA user_version = {number}")
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", (utc_now(),)
            )

    def _move_aside(self, path: Path, reason: str) -> None:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.stem}.unreadable-{stamp}{path.suffix}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.stem}.unreadable-{stamp}-{n}{path.suffix}")
        try:
            os.replace(path, target)
        except FileNotFoundError:
            return  # another kernel moved it first
        except OSError as err:
            raise _UnusableError(
                _(
                    "the practice data file {path} cannot be read ({reason}) and cannot be "
                    "moved aside ({problem})."
                ).format(path=path, reason=reason, problem=err.strerror or err)
            ) from err
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            with contextlib.suppress(OSError):
                os.replace(side, target.with_name(target.name + extra))
        self._notices.append(
            _(
                "Your practice data file could not be read ({reason}), so it was moved to "
                "{target} and a fresh one was started. Nothing was deleted."
            ).format(reason=reason, target=target)
        )
        _log.warning("moved unreadable practice data %s to %s (%s)", path, target, reason)

    # -- messages -----------------------------------------------------------------------

    def take_notice(self) -> str:
        """The message a lesson should show once (store off, or a file moved aside), else ""."""
        self._connection()
        fresh = [n for n in self._notices if n not in self._told]
        self._told.update(fresh)
        return " ".join(fresh)

    # -- transactions -------------------------------------------------------------------

    def write(self, action: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``action(con)`` in one ``BEGIN IMMEDIATE`` transaction; return its result.

        Returns None (and keeps the action to retry before the next write) when the
        database stays busy; returns None when the store is off. Never raises for
        storage problems.
        """
        with self._lock:
            con = self._connection()
            if con is None:
                return None
            try:
                with _transaction(con):
                    for pending in self._pending:
                        pending(con)
                    result = action(con)
                self._pending.clear()
                return result
            except sqlite3.Error as err:
                if _is_busy(err):
                    self._pending.append(action)
                    _log.warning("practice store busy; the write will be retried: %s", err)
                    return None
                self._fail(err)
                return None

    def read(self, query: Callable[[sqlite3.Connection], Any], default: Any = None) -> Any:
        """Run ``query(con)`` on a consistent snapshot; ``default`` when the store is off."""
        with self._lock:
            con = self._connection()
            if con is None:
                return default
            try:
                return query(con)
            except sqlite3.Error as err:
                self._fail(err)
                return default

    def _fail(self, err: sqlite3.Error) -> None:
        _log.warning("practice store error: %s", err, exc_info=True)
        self.close()
        if _is_corrupt(err) and self.path is not None:
            try:
                self._move_aside(self.path, _("it became damaged ({reason})").format(reason=err))
                self._opened = False  # start a fresh one at the next use
                return
            except _UnusableError as unusable:
                self._switch_off(str(unusable))
                return
        self._switch_off(str(self._unusable(err)))

    @property
    def pending(self) -> int:
        """Writes waiting for a busy database (retried before the next write)."""
        return len(self._pending)

    def close(self) -> None:
        """Close this process's connection (the next use reopens it)."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    self._con.close()
            self._con = None

    # -- answers ------------------------------------------------------------------------

    def add_answer(
        self,
        *,
        point: str,
        kind: str,
        verdict: str,
        error_cun: float | None = None,
        side: str = "right",
        view: str | None = None,
        after: int = 0,
        id: str | None = None,
    ) -> tuple[list[AnswerEvent], int] | None:
        """Append one answer; return ``(answers after seq `after` that came first, its seq)``.

        The answers other writers added since ``after`` are read in the same transaction,
        so the caller can replay everything in the one global order. None when the answer
        could not be written (store off or busy).
        """
        row = (id or str(uuid.uuid4()), utc_now(), kind, point, side, view, verdict, error_cun)

        def insert(con: sqlite3.Connection) -> tuple[list[AnswerEvent], int]:
            before = _select_answers(con, after)
            cursor = con.execute(
                "INSERT INTO answers (id, at, kind, point, side, view, verdict, error_cun) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return before, int(cursor.lastrowid)

        return self.write(insert)

    def answers(self, after: int = 0) -> list[AnswerEvent]:
        """Every answer with ``seq > after``, oldest first."""
        return self.read(lambda con: _select_answers(con, after), [])

    def answers_epoch(self) -> str:
        """Changes whenever the answers are erased (a reset), so readers know to start over."""
        return self.read(lambda con: _meta(con, "answers_epoch") or "0", "0")

    def erase_answers(self) -> bool:
        """Erase every quiz answer (the quiz's "Reset progress"); sessions stay."""

        def erase(con: sqlite3.Connection) -> bool:
            con.execute("DELETE FROM answers")
            _set_meta(con, "answers_epoch", str(uuid.uuid4()))
            return True

        return bool(self.write(erase))

    # -- sessions -----------------------------------------------------------------------

    def add_session(self, session: Mapping[str, Any], *, origin: str = "here") -> bool:
        """Append one timer session (the export format's session object); True if kept."""
        return bool(self.write(lambda con: _insert_session(con, session, origin)))

    def session_rows(self) -> tuple[list[tuple], dict[str, Any], list[tuple]]:
        """The sessions as plain rows, for a fast log: ``(sessions, routines, steps)``.

        ``sessions``: ``(id, started_at, ended_at, routine_id, variant, legs)`` by start;
        ``routines``: routine id -> snapshot; ``steps``: ``(session_id, step_id, leg,
        planned_s, actual_s, paused_s, skipped)`` in session and step order.
        """

        def query(con: sqlite3.Connection) -> tuple[list[tuple], dict[str, Any], list[tuple]]:
            sessions = con.execute(
                "SELECT id, started_at, ended_at, routine_id, variant, legs FROM sessions "
                "ORDER BY started_at, id"
            ).fetchall()
            routines = {
                rid: json.loads(body) for rid, body in con.execute("SELECT id, body FROM routines")
            }
            steps = con.execute(
                "SELECT session_id, step_id, leg, planned_s, actual_s, paused_s, skipped "
                "FROM session_steps ORDER BY session_id, position"
            ).fetchall()
            return sessions, routines, steps

        return self.read(query, ([], {}, []))

    def sessions(self) -> list[dict[str, Any]]:
        """Every session as the export format's object (plus ``ended_at``), oldest first."""
        return self.read(_select_sessions, [])

    # -- settings -----------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """A saved setting (JSON value), or ``default``."""

        def get(con: sqlite3.Connection) -> Any:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else default

        return self.read(get, default)

    def set_setting(self, key: str, value: Any) -> bool:
        """Save a setting (any JSON value); True if kept."""
        text = json.dumps(value)
        return bool(
            self.write(
                lambda con: (
                    con.execute(
                        "INSERT INTO settings (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, text),
                    )
                    or True
                )
            )
        )

    # -- privacy ------------------------------------------------------------------------

    def delete_everything(self) -> list[Path]:
        """Erase every answer, session and setting, and the backups this tutorial made.

        Deleted rows are overwritten (``secure_delete``) and the file is compacted. Saved
        routine files are the learner's own and are not touched. Returns the files removed.
        """

        def wipe(con: sqlite3.Connection) -> bool:
            for table in ("session_steps", "sessions", "routines", "answers", "settings"):
                con.execute(f"DELETE FROM {table}")
            _set_meta(con, "answers_epoch", str(uuid.uuid4()))
            return True

        removed: list[Path] = []
        if self.write(wipe):
            con = self._connection()
            if con is not None:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("VACUUM")
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if self.path is not None:
            stem = self.path.stem
            for old in sorted(self.path.parent.glob(f"{stem}.unreadable-*")):
                with contextlib.suppress(OSError):
                    old.unlink()
                    removed.append(old)
            for old in sorted(self.path.parent.glob("progress*.json.*")):
                if ".backup-" in old.name or ".unreadable" in old.name:
                    with contextlib.suppress(OSError):
                        old.unlink()
                        removed.append(old)
        return removed

    # -- legacy progress.json -----------------------------------------------------------

    def _import_legacy(self, con: sqlite3.Connection, legacy: Path) -> None:
        """Import the pre-store ``progress.json`` once; keep it, renamed, as a backup."""
        try:
            if not legacy.is_file() or _meta(con, "legacy_progress_imported"):
                return
        except sqlite3.Error:
            return
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        try:
            answers = _legacy_answers(legacy)
        except RoutineError as err:
            backup = legacy.with_name(f"{legacy.name}.unreadable-{stamp}")
            with contextlib.suppress(OSError):
                os.replace(legacy, backup)
                self._notices.append(
                    _(
                        "Your old progress file could not be imported ({reason}); it was "
                        "kept as {backup}."
                    ).format(reason=err.reason, backup=backup)
                )
            with contextlib.suppress(sqlite3.Error), _transaction(con):
                _set_meta(con, "legacy_progress_imported", f"unreadable {utc_now()}")
            return
        backup = legacy.with_name(f"{legacy.name}.backup-{stamp}")
        try:
            with _transaction(con):
                if _meta(con, "legacy_progress_imported"):
                    return  # another kernel did it meanwhile
                for answer in answers:
                    _insert_answer(con, answer, origin="progress.json")
                _set_meta(con, "legacy_progress_imported", utc_now())
                os.replace(legacy, backup)  # inside the transaction: both happen, or neither
        except (sqlite3.Error, OSError) as err:
            _log.warning("could not import %s: %s", legacy, err)
            return
        self._notices.append(
            ngettext(
                "Your earlier quiz progress ({n} answer) was moved into the practice store; "
                "the old file is kept as {backup}.",
                "Your earlier quiz progress ({n} answers) was moved into the practice store; "
                "the old file is kept as {backup}.",
                len(answers),
            ).format(n=len(answers), backup=backup)
        )


class _ForeignError(Exception):
    pass


@contextlib.contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _run_script(con: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction: run the statements one by one
    for statement in script.split(";"):
        if statement.strip():
            con.execute(statement)


def _meta(con: sqlite3.Connection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(con: sqlite3.Connection, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _select_answers(con: sqlite3.Connection, after: int) -> list[AnswerEvent]:
    rows = con.execute(
        "SELECT seq, id, at, kind, point, side, view, verdict, error_cun FROM answers "
        "WHERE seq > ? ORDER BY seq",
        (after,),
    ).fetchall()
    return [AnswerEvent(*row) for row in rows]


def _insert_answer(con: sqlite3.Connection, answer: Mapping[str, Any], *, origin: str) -> bool:
    cursor = con.execute(
        "INSERT OR IGNORE INTO answers (id, at, kind, point, side, view, verdict, error_cun, "
        "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            answer["id"],
            answer["at"],
            answer["kind"],
            answer["point"],
            answer["side"],
            answer["view"],
            answer["verdict"],
            answer["error_cun"],
            origin,
        ),
    )
    return cursor.rowcount == 1


def _ended_at(session: Mapping[str, Any]) -> str:
    started = parse_time(session["started_at"])
    spent = sum(float(s["actual_s"]) + float(s["paused_s"]) for s in session["steps"])
    return iso(started + dt.timedelta(seconds=spent))


def _insert_session(con: sqlite3.Connection, session: Mapping[str, Any], origin: str) -> bool:
    # each distinct routine snapshot is kept once, named by its content
    body = json.dumps(session["routine"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    routine_id = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
    con.execute("INSERT OR IGNORE INTO routines (id, body) VALUES (?, ?)", (routine_id, body))
    cursor = con.execute(
        "INSERT OR IGNORE INTO sessions (id, started_at, ended_at, routine_id, variant, legs, "
        "routine_file, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session["id"],
            session["started_at"],
            session.get("ended_at") or _ended_at(session),
            routine_id,
            session["variant"],
            session["legs"],
            session.get("routine_file"),
            origin,
        ),
    )
    if cursor.rowcount != 1:
        return False
    con.executemany(
        "INSERT INTO session_steps (session_id, position, step_id, leg, planned_s, actual_s, "
        "paused_s, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                session["id"],
                i,
                s["id"],
                s["leg"],
                float(s["planned_s"]),
                float(s["actual_s"]),
                float(s["paused_s"]),
                int(bool(s["skipped"])),
            )
            for i, s in enumerate(session["steps"])
        ],
    )
    return True


def _select_sessions(con: sqlite3.Connection) -> list[dict[str, Any]]:
    steps: dict[str, list[dict[str, Any]]] = {}
    for sid, step_id, leg, planned, actual, paused, skipped in con.execute(
        "SELECT session_id, step_id, leg, planned_s, actual_s, paused_s, skipped "
        "FROM session_steps ORDER BY session_id, position"
    ):
        steps.setdefault(sid, []).append(
            {
                "id": step_id,
                "leg": leg,
                "planned_s": planned,
                "actual_s": actual,
                "paused_s": paused,
                "skipped": bool(skipped),
            }
        )
    routines = {rid: json.loads(body) for rid, body in con.execute("SELECT id, body FROM routines")}
    return [
        {
            "id": sid,
            "started_at": started,
            "ended_at": ended,
            "routine": routines[routine_id],
            "variant": variant,
            "legs": legs,
            "routine_file": routine_file,
            "steps": steps.get(sid, []),
        }
        for sid, started, ended, routine_id, variant, legs, routine_file in con.execute(
            "SELECT id, started_at, ended_at, routine_id, variant, legs, routine_file "
            "FROM sessions ORDER BY started_at, id"
        )
    ]


# -- one store per data folder ---------------------------------------------------------------

_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: str | os.PathLike[str] | None = None) -> Store:
    """The process's :class:`Store` for ``path`` (default: the user data folder's store).

    The default follows ``$CALF_TUTORIAL_HOME`` at each call, so a kernel whose data
    folder is set per visitor (Voila) gets that visitor's store.
    """
    if path is None:
        try:  # whatever decides this kernel's data folder, the store follows it
            key = "default:" + str(user_data_dir())
        except OSError:  # the folder cannot be made: the store will say why
            key = "unusable:" + os.environ.get(DATA_DIR_ENV, "") + os.environ.get("HOME", "")
    else:
        key = str(Path(path).expanduser().absolute())
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = Store(Path(path).expanduser() if path is not None else None)
            _STORES[key] = store
        return store


# -- import and export -----------------------------------------------------------------------


def export_progress(path: str | os.PathLike[str], *, store: Store | None = None) -> Path:
    """Write every answer and session to ``path`` as a progress file (JSON, atomically).

    The format is the one the static site exports (``calf-cramp-tutorial/progress``,
    version 1), so files travel both ways; :func:`import_progress` reads it back.
    """
    store = store or get_store()
    answers = [
        {
            "id": a.id,
            "at": a.at,
            "kind": a.kind,
            "point": a.point,
            "side": a.side,
            "view": a.view,
            "verdict": a.verdict,
            "error_cun": a.error_cun,
        }
        for a in store.answers()
    ]
    sessions = [
        {key: s[key] for key in ("id", "started_at", "routine", "variant", "legs", "steps")}
        for s in store.sessions()
    ]
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utc_now(),
        "answers": answers,
        "sessions": sessions,
    }
    return atomic_write_text(path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def import_progress(path: str | os.PathLike[str], *, store: Store | None = None) -> ImportResult:
    """Add the answers and sessions of a progress file exported by the site or by
    :func:`export_progress` (an old ``progress.json`` of this tutorial works too).

    The whole file is checked before anything is written; answers and sessions already
    here (same id) are skipped, so importing a file twice adds nothing the second time.

    Raises
    ------
    RoutineError
        If the file is not a progress file or any field is wrong; the message names the
        file, the field and the fix. Nothing is imported then.
    """
    source = Path(path)
    store = store or get_store()
    raw = _read_json(source)
    if "points" in raw and "answers" not in raw:
        answers, sessions = _legacy_answers(source, raw), []
    else:
        answers, sessions = _validate_export(source, raw)
    if not store.available:
        raise RoutineError(
            _("{problem} Fix: make the data folder writable, then import again.").format(
                problem=store.problem
            ),
            source=str(source),
            field="(store)",
        )
    origin = f"import:{source.name}"

    def add(con: sqlite3.Connection) -> tuple[int, int]:
        a = sum(_insert_answer(con, answer, origin=origin) for answer in answers)
        s = sum(_insert_session(con, session, origin) for session in sessions)
        return a, s

    added = store.write(add)
    if added is None:
        raise RoutineError(
            _(
                "the practice store could not be written ({reason}). Fix: close other lessons "
                "that are saving, then import again."
            ).format(reason=store.problem or _("it is busy")),
            source=str(source),
            field="(store)",
        )
    return ImportResult(
        source, added[0], len(answers) - added[0], added[1], len(sessions) - added[1]
    )


def _read_json(path: Path) -> dict[str, Any]:
    fix = _("Fix: export the file again from the site (or export_progress()) and retry.")
    try:
        # a regular file under the limit only: a FIFO, /dev/zero or a growing file is
        # refused at once, without reading it
        data = read_limited_bytes(path, limit=_MAX_IMPORT_BYTES, source=str(path))
    except RoutineError as err:
        if not os.path.lexists(path):
            reason = _("no such file. Fix: check the name and the folder.")
        else:
            # Translators: a reason the file cannot be read, then what to do about it.
            reason = _("{reason}. {fix}").format(reason=err.reason, fix=fix)
        raise RoutineError(reason, source=str(path), field="(file)") from None
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RoutineError(
            _("cannot read it as JSON ({reason}). {fix}").format(reason=err, fix=fix),
            source=str(path),
            field="(file)",
        ) from err
    if not isinstance(raw, dict) or raw.get("format") != EXPORT_FORMAT:
        raise RoutineError(
            _("this is not a progress file (expected format {format}). {fix}").format(
                format=repr(EXPORT_FORMAT), fix=fix
            ),
            source=str(path),
            field="format",
        )
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RoutineError(
            _("expected a whole number >= 1. {fix}").format(fix=fix),
            source=str(path),
            field="version",
        )
    if version > EXPORT_VERSION:
        raise RoutineError(
            _(
                "written by a newer version (version {version}; this tutorial reads "
                "{known}). Fix: update the tutorial."
            ).format(version=version, known=EXPORT_VERSION),
            source=str(path),
            field="version",
        )
    return raw


class _Checker:
    """Field checks that raise RoutineError naming the file, the field and the fix."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, expected: str) -> RoutineError:
        return RoutineError(
            _("expected {expected}. Fix: correct that field, or export the file again.").format(
                expected=expected
            ),
            source=str(self.path),
            field=where,
        )

    def get(self, obj: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            raise RoutineError(
                _("this field is missing. Fix: add it, or export the file again."),
                source=str(self.path),
                field=f"{where}.{key}" if where else key,
            )
        return obj[key]

    def obj(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, _("an object"))
        return value

    def items(self, value: Any, where: str, limit: int) -> Sequence[Any]:
        if not isinstance(value, list) or len(value) > limit:
            raise self.fail(
                where,
                ngettext("a list of at most {n} item", "a list of at most {n} items", limit).format(
                    n=format_decimal(limit, 0)
                ),
            )
        return value

    def choice(self, value: Any, where: str, options: Sequence[Any]) -> Any:
        if value not in options or isinstance(value, bool):
            raise self.fail(
                where,
                _("one of {options}").format(options=", ".join(json.dumps(o) for o in options)),
            )
        return value

    def text(self, value: Any, where: str, limit: int = 200) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise self.fail(where, _("a text of 1 to {limit} characters").format(limit=limit))
        return value

    def ident(self, value: Any, where: str) -> str:
        try:
            return str(uuid.UUID(str(value))) if isinstance(value, str) else self._no(where)
        except ValueError:
            return self._no(where)

    def _no(self, where: str) -> str:
        raise self.fail(where, _('a UUID such as "3f2b6c1e-8d4a-4e2f-9c1b-7a5d3e9f0b12"'))

    def time(self, value: Any, where: str) -> str:
        try:
            return iso(parse_time(value))
        except (ValueError, TypeError):
            raise self.fail(
                where, _('an ISO 8601 time with a time zone, e.g. "2026-03-01T18:30:00Z"')
            ) from None

    def number(self, value: Any, where: str, low: float, high: float, *, null: bool = False):
        if value is None and null:
            return None
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            text = (
                _("null or a number from {low} to {high}")
                if null
                else _("a number from {low} to {high}")
            )
            raise self.fail(where, text.format(low=f"{low:g}", high=f"{high:g}"))
        return float(value)

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, _("true or false"))
        return value


def _validate_export(
    path: Path, raw: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from ..content.loader import load_points

    check = _Checker(path)
    check.time(check.get(raw, "exported_at", ""), "exported_at")
    known = set(load_points())
    answers: list[dict[str, Any]] = []
    for i, item in enumerate(check.items(check.get(raw, "answers", ""), "answers", 2_000_000)):
        where = f"answers[{i}]"
        item = check.obj(item, where)
        point = check.get(item, "point", where)
        if point not in known:
            raise check.fail(
                f"{where}.point",
                _("a point code of this tutorial: {codes}").format(codes=", ".join(known)),
            )
        answers.append(
            {
                "id": check.ident(check.get(item, "id", where), f"{where}.id"),
                "at": check.time(check.get(item, "at", where), f"{where}.at"),
                "kind": check.choice(check.get(item, "kind", where), f"{where}.kind", _KINDS),
                "point": point,
                "side": check.choice(check.get(item, "side", where), f"{where}.side", _SIDES),
                "view": check.choice(
                    check.get(item, "view", where), f"{where}.view", (*_VIEWS, None)
                ),
                "verdict": check.choice(
                    check.get(item, "verdict", where), f"{where}.verdict", _VERDICTS
                ),
                "error_cun": check.number(
                    check.get(item, "error_cun", where),
                    f"{where}.error_cun",
                    0,
                    _MAX_ERROR_CUN,
                    null=True,
                ),
            }
        )
    sessions = [
        _validate_session(check, item, f"sessions[{i}]")
        for i, item in enumerate(check.items(check.get(raw, "sessions", ""), "sessions", 200_000))
    ]
    return answers, sessions


def _validate_session(check: _Checker, item: Any, where: str) -> dict[str, Any]:
    item = check.obj(item, where)
    routine = check.obj(check.get(item, "routine", where), f"{where}.routine")
    title = check.text(check.get(routine, "title", f"{where}.routine"), f"{where}.routine.title")
    steps = []
    raw_steps = check.items(
        check.get(routine, "steps", f"{where}.routine"), f"{where}.routine.steps", 100
    )
    if not raw_steps:
        raise check.fail(f"{where}.routine.steps", _("at least one step"))
    for j, step in enumerate(raw_steps):
        at = f"{where}.routine.steps[{j}]"
        step = check.obj(step, at)
        entry = {"id": check.text(check.get(step, "id", at), f"{at}.id", 80)}
        entry["title"] = check.text(check.get(step, "title", at), f"{at}.title")
        for key in ("min_seconds", "max_seconds", "default_seconds"):
            entry[key] = check.number(check.get(step, key, at), f"{at}.{key}", 1, 3600)
        if not entry["min_seconds"] <= entry["default_seconds"] <= entry["max_seconds"]:
            raise check.fail(
                f"{at}.default_seconds", _("min_seconds <= default_seconds <= max_seconds")
            )
        steps.append(entry)
    ids = {s["id"] for s in steps} | {"switch-legs"}
    done = []
    raw_done = check.items(check.get(item, "steps", where), f"{where}.steps", 400)
    if not raw_done:
        raise check.fail(f"{where}.steps", _("at least one timed step"))
    for j, step in enumerate(raw_done):
        at = f"{where}.steps[{j}]"
        step = check.obj(step, at)
        done.append(
            {
                "id": check.choice(check.get(step, "id", at), f"{at}.id", sorted(ids)),
                "leg": check.choice(check.get(step, "leg", at), f"{at}.leg", (*_SIDES, None)),
                "planned_s": check.number(
                    check.get(step, "planned_s", at), f"{at}.planned_s", 0, _MAX_SECONDS
                ),
                "actual_s": check.number(
                    check.get(step, "actual_s", at), f"{at}.actual_s", 0, _MAX_SECONDS
                ),
                "paused_s": check.number(
                    check.get(step, "paused_s", at), f"{at}.paused_s", 0, _MAX_SECONDS
                ),
                "skipped": check.flag(check.get(step, "skipped", at), f"{at}.skipped"),
            }
        )
    return {
        "id": check.ident(check.get(item, "id", where), f"{where}.id"),
        "started_at": check.time(check.get(item, "started_at", where), f"{where}.started_at"),
        "routine": {"title": title, "steps": steps},
        "variant": check.choice(
            check.get(item, "variant", where), f"{where}.variant", _SESSION_VARIANTS
        ),
        "legs": check.choice(check.get(item, "legs", where), f"{where}.legs", _LEGS),
        "steps": done,
    }


def _legacy_answers(path: Path, raw: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The answers of an old ``progress.json`` (per point, oldest first) as answer events.

    Ids are derived from the file's content, so importing the same file twice adds
    nothing. The old file kept no times: its modification time stands in for each.
    """
    raw = _read_json(path) if raw is None else raw
    check = _Checker(path)
    points = check.obj(check.get(raw, "points", ""), "points")
    try:
        when = iso(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc))
    except OSError:
        when = utc_now()
    from ..content.loader import load_points

    known = set(load_points())
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "calf-cramp-tutorial/progress.json")
    digest = json.dumps(raw, sort_keys=True)
    answers = []
    for code, entry in points.items():
        where = f"points.{code}"
        if not isinstance(code, str) or not _CODE.match(code) or code not in known:
            raise check.fail(where, _("a point code such as 'ST36'"))
        entry = check.obj(entry, where)
        attempts = check.items(check.get(entry, "attempts", where), f"{where}.attempts", 10_000)
        for i, item in enumerate(attempts):
            at = f"{where}.attempts[{i}]"
            item = check.obj(item, at)
            answers.append(
                {
                    "id": str(uuid.uuid5(namespace, f"{digest}|{code}|{i}")),
                    "at": when,
                    "kind": check.choice(check.get(item, "kind", at), f"{at}.kind", _KINDS),
                    "point": code,
                    "side": "right",
                    "view": None,
                    "verdict": check.choice(
                        check.get(item, "verdict", at), f"{at}.verdict", _VERDICTS
                    ),
                    "error_cun": check.number(
                        item.get("error_cun"), f"{at}.error_cun", 0, _MAX_ERROR_CUN, null=True
                    ),
                }
            )
    return answers


def delete_practice_data() -> list[Path]:
    """Erase everything this tutorial keeps about you: answers, sessions, settings, backups.

    One call, the same as the "Delete my practice data" button. Saved routine files are
    yours and stay. Returns the backup files that were removed.
    """
    return get_store().delete_everything()
