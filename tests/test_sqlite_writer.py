"""SQLite writers queue on `<database>-writer.lock` (smplatform/sqlite_writer.py): a thread
lock inside a process, an flock between processes, taken at a transaction's first write and
held until its commit, rollback or close; reads never take it."""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select, text

from smplatform.extensions import db
from smplatform.models import AuditEntry
from smplatform.services.audit import record, verify_chain
from smplatform.sqlite_writer import connection_factory

pytestmark = pytest.mark.sqlite_only

SHORT_MS = 200
SQLITE_BUSY_S = 5.0  # SQLite's own busy handler, far longer than the writer lock's timeout


@pytest.fixture
def path(app):
    """The test database file, with a scratch table `writer_probe` for raw writes."""
    database = db.engine.url.database
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE writer_probe (who TEXT NOT NULL)")
    connection.close()
    yield database
    db.session.rollback()
    connection = sqlite3.connect(database)
    connection.execute("DROP TABLE writer_probe")
    connection.close()


def connect(path: str, factory) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=SQLITE_BUSY_S, factory=factory)


def probe_rows(path: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return sorted(row[0] for row in connection.execute("SELECT who FROM writer_probe"))
    finally:
        connection.close()


def lock_file_free(path: str) -> bool:
    """Whether an independent opener could take the writer lock file right now."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


# --- Threads of one process, through the app's engine ---------------------------------------

def test_two_threads_writing_through_the_app_all_succeed(app):
    """2 x 50 write transactions (each: an INSERT and the chain head's UPDATE) from two
    threads, each in its own application context and session: none is refused."""
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            with app.app_context():
                for i in range(50):
                    record(f"test.{name}.{i}", actor_name=name)
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=write, args=(name,)) for name in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [t.is_alive() for t in threads] == [False, False]
    assert errors == []
    db.session.expire_all()
    seqs = db.session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
    assert seqs == list(range(1, 101))
    for name in ("one", "two"):
        count = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.actor_name == name))
        assert count == 50
    report = verify_chain()
    assert (report.ok, report.checked, report.unsealed) == (True, 100, 0)


def test_app_session_holds_lock_file_from_first_write_to_commit_or_rollback(app, path):
    db.session.execute(text("SELECT count(*) FROM writer_probe"))
    assert lock_file_free(path) is True  # a read takes nothing
    db.session.execute(text("INSERT INTO writer_probe (who) VALUES ('committed')"))
    assert lock_file_free(path) is False
    db.session.commit()
    assert lock_file_free(path) is True
    db.session.execute(text("INSERT INTO writer_probe (who) VALUES ('rolled back')"))
    assert lock_file_free(path) is False
    db.session.rollback()
    assert lock_file_free(path) is True
    assert probe_rows(path) == ["committed"]


# --- Another process -------------------------------------------------------------------------

def _other_process_writer(path: str, holding, may_commit, committed) -> None:
    """In a forked process: a write left uncommitted until the parent says so."""
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_S,
                                 factory=connection_factory(path, 5000))
    connection.execute("INSERT INTO writer_probe (who) VALUES ('other process')")
    holding.set()
    if not may_commit.wait(30):
        os._exit(3)
    connection.commit()
    committed.set()
    connection.close()


def test_writer_waits_for_other_process_then_succeeds_once_it_commits(app, path):
    ctx = multiprocessing.get_context("fork")
    holding, may_commit, committed = ctx.Event(), ctx.Event(), ctx.Event()
    other = ctx.Process(target=_other_process_writer,
                        args=(path, holding, may_commit, committed))
    other.start()
    writer = connect(path, connection_factory(path, SHORT_MS))
    try:
        assert holding.wait(30)
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            writer.execute("INSERT INTO writer_probe (who) VALUES ('this process')")
        waited = time.monotonic() - started
        # refused by the writer lock after its 200 ms, not by SQLite's own 5 s busy handler
        assert SHORT_MS / 1000 - 0.01 <= waited < 4.5
        may_commit.set()
        assert committed.wait(30)
        writer.execute("INSERT INTO writer_probe (who) VALUES ('this process')")
        writer.commit()
    finally:
        may_commit.set()
        writer.close()
        other.join(timeout=30)
        if other.is_alive():
            other.kill()
    assert other.exitcode == 0
    assert probe_rows(path) == ["other process", "this process"]


# --- Readers; release ----------------------------------------------------------------------

def test_reads_proceed_while_another_connection_holds_the_lock(app, path):
    factory = connection_factory(path, SHORT_MS)
    writer, reader = connect(path, factory), connect(path, factory)
    try:
        writer.execute("INSERT INTO writer_probe (who) VALUES ('uncommitted')")
        assert reader.execute("SELECT count(*) FROM writer_probe").fetchone() == (0,)
        assert reader.execute("  select 1").fetchone() == (1,)
        reader.execute("PRAGMA user_version").fetchone()
        reader.execute("EXPLAIN SELECT 1").fetchall()
        # the app's engine (its own lock object; the same lock file) reads too
        assert db.session.scalar(text("SELECT count(*) FROM writer_probe")) == 0
        # ...while a write from the reader's connection is refused: the lock is held
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            reader.execute("INSERT INTO writer_probe (who) VALUES ('reader')")
    finally:
        writer.rollback()
        writer.close()
        reader.close()


@pytest.mark.parametrize(("end", "rows"), [
    ("commit", ["first", "second"]),
    ("rollback", ["second"]),
    ("close", ["second"]),
])
def test_lock_released_when_a_writer_ends(app, path, end, rows):
    factory = connection_factory(path, SHORT_MS)
    first, second = connect(path, factory), connect(path, factory)
    try:
        first.execute("INSERT INTO writer_probe (who) VALUES ('first')")
        assert lock_file_free(path) is False
        getattr(first, end)()
        assert lock_file_free(path) is True
        second.execute("INSERT INTO writer_probe (who) VALUES ('second')")
        second.commit()
    finally:
        first.close()
        second.close()
    assert probe_rows(path) == rows


def _wal_frames(database: str) -> int:
    """Pages in the database's write-ahead log since it was last reset (read by a PASSIVE
    checkpoint of one's own, so read it once, at the end)."""
    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    finally:
        connection.close()


def _write_megabytes(connection: sqlite3.Connection, n: int) -> None:
    for _ in range(n):
        connection.execute("INSERT INTO writer_probe (who) VALUES (?)", ("x" * 1_000_000,))
        connection.commit()


def test_checkpoints_run_in_a_thread_not_in_commits(path):
    """With SQLITE_CHECKPOINT_INTERVAL_S, the app's connections leave checkpoints (SQLite's
    copy of the log back into the database, with an fsync) to one thread per process: a
    commit no longer does one, and the log is still kept small."""
    from smplatform.sqlite_writer import (SAFETY_PAGES, checkpoint_pragmas, ensure_checkpointer,
                                          stop_checkpointer)

    def app_connection(interval_s):
        connection = sqlite3.connect(path, factory=connection_factory(path, 5000))
        cursor = connection.cursor()
        checkpoint_pragmas(cursor, path, interval_s)
        limit = cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        cursor.close()
        return connection, limit

    # Without the thread (interval 0): SQLite's default, a commit checkpoints every 1,000
    # pages, so 8 MB written leave a log of about 4 MB at most.
    plain, limit = app_connection(0)
    assert limit == 1000
    # An app connection with the thread: commits would checkpoint only past SAFETY_PAGES...
    writer, limit = app_connection(0.05)
    assert limit == SAFETY_PAGES
    thread = ensure_checkpointer(path, 0.05)
    assert thread.is_alive() and ensure_checkpointer(path, 0.05) is thread  # one per process
    # ...and the thread checkpoints between the writes: the log is reset after them, and
    # holds far less than the 6 MB (~1,560 pages) written although no commit checkpointed.
    # (A checkpoint cannot pass a reader's snapshot, so the app's pooled connections are
    # closed first; the bound leaves room for a checkpoint that found one busy.)
    db.session.rollback()
    db.session.remove()
    db.engine.dispose()
    for _ in range(6):
        _write_megabytes(writer, 1)
        time.sleep(0.5)
    # On a busy machine the thread may run late: give it a few seconds (no commit runs then).
    deadline = time.monotonic() + 10
    while _wal_frames(path) >= 1000 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _wal_frames(path) < 1000
    # Proof that the commits themselves did not do it: with the thread's work excluded (a
    # connection whose limit is SAFETY_PAGES, on a second database file with no thread),
    # the same writes grow the log to 6 MB (~1,500 pages).
    other = path + "-nothread.sqlite3"
    try:
        lone = sqlite3.connect(other)
        lone.execute("PRAGMA journal_mode=WAL")
        lone.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
        lone.execute("CREATE TABLE writer_probe (who TEXT NOT NULL)")
        _write_megabytes(lone, 6)
        assert _wal_frames(other) > 1400  # (read while lone is open: the last close checkpoints)
        lone.close()
    finally:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(other + suffix):
                os.remove(other + suffix)
    plain.close()
    writer.close()
    stop_checkpointer(path)
    assert not thread.is_alive()
