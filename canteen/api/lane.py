"""The terminals' fast lane: a well-formed card tap served without Flask's request cycle.

At lunch the taps come by the hundred a second, and Flask's request cycle (request context and
session, every plugin's before- and after-request hooks such as the back office's rate limiters,
argument parsing) costs more CPU than the tap's own work. This WSGI middleware serves the one case
that needs none of it: ``POST /api/v1/taps`` with ``X-Terminal-Id``, ``X-Terminal-Key``, a valid
``Idempotency-Key``, no operator token, and the JSON body ``{"uid": "..."}``. It runs the same
functions as the Flask route :func:`canteen.api.taps.tap` (the cached terminal check, the actor
of :func:`canteen.api.writes.actor_for`, the late exactly-once write
:func:`canteen.services.idempotency.book_late`, :func:`canteen.api.taps.tap_action`) and answers
with the same JSON, status and headers. It books on one pooled connection without an ORM Session
(:class:`canteen.ledger.session.CoreSession`): the Session's own bookkeeping costs a tap more than
the database does. On PostgreSQL that connection is in autocommit and the tap optimistic: one statement
reads the card and wallets without a lock, one writes the entry if they are as read (else it keeps nothing
and the route runs the tap on the locking path), so a tap is two round trips and holds no lock while
the worker computes.

Everything else goes to the Flask route, which stays the reference: another path or method, a
body or header the route would refuse, a terminal the cache cannot vouch for, and any refusal or
error while booking, and a key seen before (the lane's transaction is rolled back first, so the
route runs as if the lane had not been there: it replays the key's first answer, or keeps a refusal
that depends on the ledger for the key).
``CANTEEN_TAP_LANE = false`` turns the lane off.
"""
import io
import json
import logging
import os
import time
from http import HTTPStatus

from flask import current_app, has_app_context
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from canteen import metrics
from canteen.api.auth import cached_terminal
from canteen.api.taps import announce_meal, tap_action
from canteen.api.writes import actor_for, valid_key
from canteen.db_setup import PING_IDLE_SECONDS
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.ledger.session import CoreSession
from canteen.services.idempotency import book_late, fingerprint

PATH = "/api/v1/taps"
log = logging.getLogger(__name__)
#: SQLSTATE of the optimistic write that found the wallets or the card changed since they were read.
_CHANGED_SINCE_READ = "40001"


def fallbacks() -> dict[str, int]:
    """How many taps this process's lane handed to the route, by reason: ``refused`` (a refusal the route
    answers), ``replayed`` (a key seen before), ``changed`` (the optimistic write found the wallets or card
    changed since it read them) and ``error`` (anything else: logged with its traceback, a bug to look at).
    Counted once, as the metric ``canteen_tap_lane_fallbacks_total`` (:mod:`canteen.metrics`)."""
    return metrics.lane_fallbacks()


def _note_fallback(exc: Exception) -> None:
    if isinstance(exc, DomainError):
        reason = "refused"
    elif isinstance(exc, IntegrityError):
        reason = "replayed"
    elif isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == _CHANGED_SINCE_READ:
        reason = "changed"
    elif isinstance(exc, OperationalError):  # the database is out of reach: one line, not a traceback per tap
        reason = "unavailable"
        log.warning("tap lane: the database is out of reach, the Flask route answers: %s",
                    str(exc.orig or exc).splitlines()[0][:200])
    else:
        reason = "error"
        log.error("tap lane: a tap failed and was handed to the Flask route", exc_info=exc)
    metrics.lane_fallback(reason)


class TapLane:
    """WSGI middleware in front of the app's own ``wsgi_app``."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.enabled = bool(app.config.get("TAP_LANE", True))
        #: (connection, pid, last used) kept between taps, see :meth:`_connection`.
        self._kept: tuple | None = None

    def __call__(self, environ, start_response):
        if not self.enabled or environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        raw = _read_body(environ)
        if raw is None:
            return self.wsgi_app(environ, start_response)
        answer = self._serve(environ, raw)
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(raw)
            environ["CONTENT_LENGTH"] = str(len(raw))
            return self.wsgi_app(environ, start_response)
        return answer(environ, start_response)

    def _serve(self, environ, raw: bytes):
        """The response for a tap the lane can answer, or None to leave it to the Flask route."""
        if not (environ.get("CONTENT_TYPE") or "").startswith("application/json") or "HTTP_AUTHORIZATION" in environ:
            return None
        code, key = environ.get("HTTP_X_TERMINAL_ID"), environ.get("HTTP_X_TERMINAL_KEY")
        header = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if not code or not key or not valid_key(header):
            return None
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # the route's request guard refuses what nests too deep
            return None
        if type(body) is not dict or len(body) != 1 or type(body.get("uid")) is not str:
            return None
        shared = has_app_context() and current_app._get_current_object() is self.app
        context = None if shared else self.app.app_context()
        if context is not None:
            context.push()
        try:
            # A request in an app context someone else pushed (tests, the embedded server) books on that
            # context's session, as the route would; a server's request books on a connection of its own.
            try:
                conn = None if shared else self._connection(environ)
            except Exception as exc:  # no database to connect to (a primary lost, say): the route answers 503
                _note_fallback(exc)
                return None
            session = db.session() if shared else CoreSession(conn, optimistic=_optimistic(conn))
            try:
                terminal = cached_terminal(code, key, session)
                actor = actor_for(header, terminal, None)
                status, result = book_late(session, actor.key, fingerprint("tap", body),
                                           lambda: tap_action(body, session)(actor))
            except Exception as exc:  # a refusal, a retried key, an error: the route answers it, from scratch
                _note_fallback(exc)
                try:
                    session.rollback()
                except Exception:  # a dead connection: the route will meet it too and say so
                    log.warning("tap lane: rollback failed, the connection is dropped", exc_info=True)
                if conn is not None:
                    self._done(conn, keep=False)
                return None
            if conn is not None:
                self._done(conn, keep=_kept_between_taps(environ))
            if status == 200:
                announce_meal()
            return _json_answer(current_app, status, result)
        finally:
            if context is not None:
                context.pop()

    def _connection(self, environ):
        """The connection this tap books on. A server that runs one request at a time per process (gunicorn's
        sync workers: ``wsgi.multithread`` false) keeps it from one tap to the next, saving the pool's
        checkout and checkin on every tap; one unused for :data:`canteen.db_setup.PING_IDLE_SECONDS` goes back
        to the pool, whose checkout pings it first. Threaded servers check one out per tap."""
        kept, self._kept = self._kept, None
        if kept is not None and kept[1] == os.getpid():
            if _kept_between_taps(environ) and time.monotonic() - kept[2] < PING_IDLE_SECONDS:
                return kept[0]
            kept[0].close()
        conn = db.engine.connect()
        if _optimistic(conn):
            # Every statement its own transaction: the tap reads, then writes in one statement that checks
            # what it read (CoreSession's optimistic form), so no BEGIN, COMMIT or row lock waits on the worker.
            conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    def release(self) -> None:
        """Give back a connection kept between taps (it is also given back after a second unused)."""
        kept, self._kept = self._kept, None
        if kept is not None and kept[1] == os.getpid():
            kept[0].close()

    def _done(self, conn, keep: bool) -> None:
        """After the tap: keep the connection for the next one (see :meth:`_connection`) or give it back."""
        if keep and not conn.invalidated:
            self._kept = (conn, os.getpid(), time.monotonic())
        else:
            conn.close()


def _kept_between_taps(environ) -> bool:
    """Whether the server runs one request at a time in this process, so the lane's connection is kept."""
    return not environ.get("wsgi.multithread", True)


def _optimistic(conn) -> bool:
    """Whether the lane books on `conn` optimistically, in autocommit (PostgreSQL)."""
    return conn.dialect.name == "postgresql"


def _json_answer(app, status: int, result):
    """The WSGI answer Flask's JSON provider would give (``DefaultJSONProvider.response``: the same text,
    status and content headers), made without a Response object: on the tap's path werkzeug's response
    machinery costs more than the JSON itself."""
    provider = app.json
    compact = provider.compact if provider.compact is not None else not app.debug
    text = provider.dumps(result, **({"separators": (",", ":")} if compact else {"indent": 2}))
    data = (text + "\n").encode()
    line = f"{status} {HTTPStatus(status).phrase}"
    headers = [("Content-Type", provider.mimetype), ("Content-Length", str(len(data)))]

    def answer(environ, start_response):
        start_response(line, headers)
        return [data]

    return answer


#: A tap's body is a few dozen bytes; anything larger (or of unknown length) is left to the route unread.
MAX_BODY = 4096


def _read_body(environ) -> bytes | None:
    """The body if its length is declared and small, else None (the route reads it itself)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    return environ["wsgi.input"].read(length)
