"""Per-database connection setup: SQLite pragmas and immediate write transactions; pinging idle connections;
the session reports read with (a standby's, when ``REPORTS_DATABASE_URL`` is set)."""
import sqlite3
import time
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from canteen.extensions import db


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


#: A pooled PostgreSQL connection unused for longer than this is pinged before it is handed out, so a
#: restarted server costs no request. One in steady use (a worker at lunch checks its connection out for
#: every request) is not: SQLAlchemy's ``pool_pre_ping`` would add a round trip to every tap.
PING_IDLE_SECONDS = 1.0
_LAST_USED = "canteen_last_used"


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Ping a PostgreSQL connection that sat in the pool; a dead one is replaced (the pool retries)."""
    if isinstance(dbapi_connection, sqlite3.Connection) or not hasattr(dbapi_connection, "autocommit"):
        return
    last = record.info.get(_LAST_USED)
    if last is not None and time.monotonic() - last < PING_IDLE_SECONDS:
        return
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True  # a ping must not open a transaction
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.autocommit = autocommit
    except Exception as exc:
        raise DisconnectionError(f"pooled connection is dead: {exc}") from exc


@event.listens_for(Pool, "checkin")
def _note_use(_dbapi_connection, record) -> None:
    if record is not None:
        record.info[_LAST_USED] = time.monotonic()


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


#: Bind key of the reports' database in ``SQLALCHEMY_BINDS`` (set from ``REPORTS_DATABASE_URL``).
REPORTS_BIND = "reports"


def reports_session() -> Session:
    """The session report queries read with: on the database ``REPORTS_DATABASE_URL`` names (a standby) when
    set, else the app's own ``db.session``. One per request, closed at its end. Never for writes or for any
    figure a payment decides on: a standby is read-only and a moment behind."""
    from flask import current_app, g

    if not current_app.config.get("REPORTS_DATABASE_URL"):
        return db.session
    if "reports_session" not in g:
        g.reports_session = Session(db.engines[REPORTS_BIND])
    return g.reports_session


def init_app(app) -> None:
    """GET and HEAD requests only read: let them begin deferred on SQLite. Close the reports' session."""
    from flask import g, request

    @app.teardown_appcontext
    def _close_reports_session(_exc=None):
        session = g.pop("reports_session", None)
        if session is not None:
            session.close()

    @app.before_request
    def _mark_read_only():
        if request.method in ("GET", "HEAD"):
            g.read_only_token = read_only.set(True)

    @app.teardown_request
    def _unmark_read_only(_exc=None):
        token = g.pop("read_only_token", None)
        if token is not None:
            read_only.reset(token)
