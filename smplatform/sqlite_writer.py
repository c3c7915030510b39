"""SQLite: writers queue for one another instead of polling the database lock.

SQLite allows one writer at a time. A second writer that finds the database locked sleeps
and retries (its busy handler waits 1, 2, 5, 10 … up to 100 ms between tries) and is not woken
when the lock is released, so under a burst of saves a few requests wait for seconds while
the lock sits free (bench/RESULTS.md: autosave p99 of 2 s at 50 clients). Here every
connection of the app takes a writer lock before its transaction's first write and keeps it
until the commit or rollback: inside a process a thread lock (waiters are woken at once),
between the processes of one machine an flock on `<database>-writer.lock` (tried every few
tenths of a millisecond). SQLite's own lock is then always free when a writer reaches it.
A SAVEPOINT outside a transaction opens one first (see _Connection._before).

A writer that waits longer than the busy timeout gets the same error as SQLite's own
("database is locked"), which the app answers with its "busy, nothing was saved" page.
Readers never wait. Other programs opening the file (the sqlite3 shell, a backup) still meet
SQLite's own lock, as before.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time

# Statements that never write; anything else (INSERT, UPDATE, DELETE, BEGIN, SAVEPOINT, DDL,
# WITH …) takes the writer lock first.
_READS = ("SELECT", "PRAGMA", "EXPLAIN")
_SETUP = threading.Lock()


def _new_setup_lock() -> None:
    global _SETUP
    _SETUP = threading.Lock()  # a child never inherits a lock some parent thread was holding


os.register_at_fork(after_in_child=_new_setup_lock)


class WriterLock:
    """One writer at a time among the threads and processes using this lock file."""

    def __init__(self, path: str, timeout_s: float):
        self.path, self.timeout_s = path, timeout_s
        self._pid = None
        self._fd = None
        self._threads = threading.Lock()

    def _for_this_process(self) -> None:
        pid = os.getpid()
        if self._pid == pid:
            return
        with _SETUP:  # first use in this process (or after a fork): a lock and a file of our own
            if self._pid != pid:
                self._threads = threading.Lock()
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = pid  # last: other threads wait above until the rest is ready

    def acquire(self) -> None:
        self._for_this_process()
        deadline = time.monotonic() + self.timeout_s
        if not self._threads.acquire(timeout=self.timeout_s):
            raise sqlite3.OperationalError("database is locked")
        try:
            delay = 0.0002
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.002)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection._before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        self.connection._before(sql)
        return super().executemany(sql, parameters)

    def executescript(self, script, /):
        self.connection._before(script)
        return super().executescript(script)


class _Connection(sqlite3.Connection):
    """A sqlite3 connection that holds `writer_lock` from its first write to the end of the
    transaction."""

    writer_lock: WriterLock
    _holding = False

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script, /):
        return self.cursor().executescript(script)

    def _before(self, sql: str) -> None:
        head = sql.lstrip()[:9].upper()
        if not self._holding and not head.startswith(_READS):
            self.writer_lock.acquire()
            self._holding = True
        if head.startswith("SAVEPOINT") and not self.in_transaction:
            # The driver opens a transaction only before INSERT/UPDATE/DELETE: a SAVEPOINT
            # outside one would start its own, and its RELEASE would commit for good, beyond
            # the reach of a later rollback. Open the transaction first.
            sqlite3.Cursor.execute(self.cursor(), "BEGIN")

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self.writer_lock.release()

    def commit(self):
        try:
            return super().commit()
        finally:
            if not self.in_transaction:
                self._release()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            return super().close()
        finally:
            self._release()


def connection_factory(database_path: str, timeout_ms: int) -> type[sqlite3.Connection]:
    """The sqlite3 `factory=` for a database file: connections sharing one writer lock."""
    lock = WriterLock(f"{database_path}-writer.lock", timeout_ms / 1000)
    return type("WriterQueuedConnection", (_Connection,), {"writer_lock": lock})


# Checkpoints off the request path. In WAL mode SQLite copies the log back into the database
# (a checkpoint, with an fsync) every 1,000 pages, inside the COMMIT of whichever write
# crosses that mark: that request, and every writer queued behind its lock, waits for it.
# Instead, one thread per process runs a PASSIVE checkpoint every `interval_s` on its own
# connection (PASSIVE blocks neither readers nor writers; if another process's checkpoint is
# running, this one simply finds nothing to do), and the app's connections only checkpoint
# themselves past SAFETY_PAGES (if the thread fell behind).
SAFETY_PAGES = 10_000
_checkpointers: dict[str, tuple[int, threading.Thread, threading.Event]] = {}
_CHECKPOINTERS_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def checkpoint_pragmas(cursor, database_path: str, interval_s: float) -> None:
    """On each new connection of the app: leave checkpoints to this process's checkpointer
    thread (started here on first use in the process, e.g. in each forked worker)."""
    if interval_s <= 0:
        return
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
    ensure_checkpointer(database_path, interval_s)


def ensure_checkpointer(database_path: str, interval_s: float) -> threading.Thread:
    pid = os.getpid()
    with _CHECKPOINTERS_LOCK:
        running = _checkpointers.get(database_path)
        if running and running[0] == pid and running[1].is_alive():
            return running[1]
        stop = threading.Event()
        thread = threading.Thread(target=_checkpoint_loop,
                                  args=(database_path, interval_s, stop),
                                  name=f"sqlite-checkpoint {database_path}", daemon=True)
        _checkpointers[database_path] = (pid, thread, stop)
        thread.start()
        return thread


def stop_checkpointer(database_path: str) -> None:
    """Stop this process's checkpointer thread of the file, if any (tests)."""
    with _CHECKPOINTERS_LOCK:
        running = _checkpointers.pop(database_path, None)
    if running and running[0] == os.getpid():
        running[2].set()
        running[1].join()


def _checkpoint_loop(database_path: str, interval_s: float, stop: threading.Event) -> None:
    connection = None
    while not stop.wait(interval_s):
        try:
            if connection is None:
                connection = sqlite3.connect(database_path, timeout=1, isolation_level=None,
                                             check_same_thread=False)
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # e.g. the file was replaced (restore): reconnect
            log.warning("SQLite checkpoint of %s failed: %s", database_path, error)
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()
