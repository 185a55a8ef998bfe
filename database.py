"""Opening the database from DATABASE_URL: pooled connections, and SQLite writers that queue instead of sleeping;
telling a database that is unavailable for now (503) from a statement it refuses (a bug, 500).

SQLite lets one writer in at a time; the others poll with sleeps that grow to 100 ms (its busy handler), which
under load costs far more than the writes themselves. Here every write transaction (and every write outside one)
first takes an OS file lock on `<db>-writelock`: waiters wake the moment it is released. SQLite's own busy
timeout stays as the fallback for writers outside this process family.

Measured gain (`bash bench/run.sh --without gate`, 2026-12-01 session 2, bench/RESULTS.md; a loaded machine, so
per-round ranges): order acceptance 0.9–2.0× and piece report 1.05–2.9× the requests per second without the gate.
For the callback, whose one write is a single autocommit insert, it showed no gain (0.75–1.26×): see RESULTS.md.
"""

import fcntl
import os
import threading

from peewee import DatabaseError
from peewee import InterfaceError
from playhouse.db_url import connect
from playhouse.db_url import register_database
from playhouse.pool import PooledSqliteDatabase

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_gates = {}
_gates_lock = threading.Lock()


class WriteGate:
    """One lock per SQLite file, shared by the threads of a process (RLock) and by processes (flock)."""

    def __init__(self, path):
        self.path = path + "-writelock"
        self._thread_lock = threading.RLock()
        self._fd = None
        self._depth = threading.local()

    def _file(self):
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def forget_file(self):
        """After fork: a descriptor shared with the parent would not exclude it, so the child opens its own."""
        self._fd = None  # the parent's descriptor stays open in the child (closing it would drop the parent's lock)
        self._thread_lock = threading.RLock()
        self._depth = threading.local()

    def acquire(self):
        self._thread_lock.acquire()
        depth = getattr(self._depth, "n", 0)
        if depth == 0:
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            except BaseException:
                self._thread_lock.release()
                raise
        self._depth.n = depth + 1

    def release(self):
        depth = getattr(self._depth, "n", 0)
        if depth <= 0:
            return
        self._depth.n = depth - 1
        if depth == 1:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    @property
    def held(self):
        return getattr(self._depth, "n", 0) > 0


def _after_fork():
    global _gates_lock
    _gates_lock = threading.Lock()
    for gate in _gates.values():
        gate.forget_file()


os.register_at_fork(after_in_child=_after_fork)


def gate_for(path):
    key = os.path.abspath(path)
    with _gates_lock:
        if key not in _gates:
            _gates[key] = WriteGate(key)
        return _gates[key]


class GatedSqliteDatabase(PooledSqliteDatabase):
    """A pooled SQLite database whose writers take the file's WriteGate; transactions begin IMMEDIATE."""

    def init(self, database, *args, **kwargs):
        super().init(database, *args, **kwargs)
        self.gate = gate_for(database) if database and database != ":memory:" else None

    def begin(self, lock_type=None):
        if self.gate is None:
            return super().begin(lock_type or "IMMEDIATE")
        self.gate.acquire()
        try:
            return super().begin("IMMEDIATE")
        except BaseException:
            self.gate.release()
            raise

    def commit(self):
        try:
            return super().commit()
        finally:
            if self.gate is not None:
                self.gate.release()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            if self.gate is not None:
                self.gate.release()

    def execute_sql(self, sql, params=None):
        if self.gate is None or self.in_transaction() or not sql.lstrip()[:7].upper().startswith(_WRITES):
            return super().execute_sql(sql, params)
        self.gate.acquire()
        try:
            return super().execute_sql(sql, params)
        finally:
            self.gate.release()


register_database(GatedSqliteDatabase, "sqlite+gated")

PREPARE_THRESHOLD = 5  # psycopg's own default, stated: executions of one statement text before it is prepared
SQLITE_PRAGMAS = {"journal_mode": "wal", "busy_timeout": 15000, "foreign_keys": 1, "synchronous": "normal"}


def open_database(url, server_prepare=True):
    """A peewee database for DATABASE_URL: pooled (a PostgreSQL connect costs ~5 ms), never connected yet.

    PostgreSQL goes through psycopg 3, which prepares a statement on the server once a connection has run it five
    times (`prepare_threshold`), so the hot statements are parsed and planned once per connection and one-off
    queries never; `server_prepare=False` (behind a pooler that shares server sessions, such as PgBouncer in
    transaction mode) turns that off."""
    scheme, sep, rest = url.partition("://")
    options = {"max_connections": 32, "stale_timeout": 300}
    if scheme == "sqlite":
        return connect(f"sqlite+gated://{rest}", pragmas=SQLITE_PRAGMAS, timeout=15, check_same_thread=False, **options)
    base = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql"}.get(scheme)
    if base == "mysql":
        from pymysql.constants import CLIENT

        # Microseconds, as SQLite and PostgreSQL keep them: MySQL's bare DATETIME drops them, so a row read back
        # would differ from the answer given when it was written.
        options["field_types"] = {"DATETIME": "DATETIME(6)"}
        # An UPDATE's row count is the rows it matched, as on SQLite and PostgreSQL (MySQL counts only the rows
        # whose values changed, so an update to the same values would read as "not found").
        options["client_flag"] = CLIENT.FOUND_ROWS
    if base == "postgresql":
        options["prefer_psycopg3"] = True
        options["prepare_threshold"] = PREPARE_THRESHOLD if server_prepare else None
    if base and sep:
        return connect(f"{base}+pool://{rest}", **options)
    return connect(url)


# SQLite calls a statement it refuses (a row value where one value goes) an OperationalError too: its message tells
# a lock or a file it cannot use apart. MySQL numbers its errors: too many connections, lock wait timeout, deadlock,
# cannot connect, server gone away, connection lost.
SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o error", "disk is full")
MYSQL_UNAVAILABLE = {1040, 1205, 1213, 2002, 2003, 2006, 2013, 2055}


def is_unavailable(exc):
    """Whether `exc` is the database being unavailable (a lock held too long, a connection lost or refused), so
    that the same request may succeed later; never a bad parameter or a statement the database refuses."""
    if not isinstance(exc, (DatabaseError, InterfaceError)):
        return False
    cause = getattr(exc, "orig", None) or exc  # the driver's error, which peewee wraps
    kind, driver = type(cause).__name__, type(cause).__module__.split(".")[0]
    if driver == "psycopg":  # connection, lock-timeout, cancel and serialization failures; bad input is never one
        import psycopg

        return isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError))
    if driver == "pymysql":
        errno = cause.args[0] if cause.args else None
        return kind == "InterfaceError" or (kind == "OperationalError" and errno in MYSQL_UNAVAILABLE)
    return kind == "OperationalError" and any(word in str(cause).lower() for word in SQLITE_UNAVAILABLE)
