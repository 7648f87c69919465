"""Per-database connection setup: SQLite pragmas and immediate write transactions."""
import sqlite3
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """WAL and synchronous=FULL for durability; foreign keys on; we issue BEGIN ourselves."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling defers BEGIN until the first write, which lets two
    # writers both read and then deadlock upgrading; we start every transaction IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: Set for read-only work (GET requests): SQLite then begins DEFERRED and does not block writers.
read_only = ContextVar("canteen_sqlite_read_only", default=False)


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    """Take SQLite's write lock at BEGIN, so a transaction never fails halfway on a busy database.

    Read-only requests begin DEFERRED instead: in WAL mode they read a snapshot without
    holding the one write lock.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if read_only.get() else "BEGIN IMMEDIATE")


def init_app(app) -> None:
    """GET and HEAD requests only read: let them begin deferred on SQLite."""
    from flask import g, request

    @app.before_request
    def _mark_read_only():
        if request.method in ("GET", "HEAD"):
            g.read_only_token = read_only.set(True)

    @app.teardown_request
    def _unmark_read_only(_exc=None):
        token = g.pop("read_only_token", None)
        if token is not None:
            read_only.reset(token)
