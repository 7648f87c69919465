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
(:class:`canteen.services.ledger_fast.CoreSession`): the Session's own bookkeeping costs a tap more than
the database does.

Everything else goes to the Flask route, which stays the reference: another path or method, a
body or header the route would refuse, a terminal the cache cannot vouch for, and any refusal or
error while booking, and a key seen before (the lane's transaction is rolled back first, so the
route runs as if the lane had not been there: it replays the key's first answer, or keeps a refusal
that depends on the ledger for the key).
``CANTEEN_TAP_LANE = false`` turns the lane off.
"""
import io
import json

from flask import current_app, has_app_context

from canteen.extensions import db

PATH = "/api/v1/taps"


class TapLane:
    """WSGI middleware in front of the app's own ``wsgi_app``."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.enabled = bool(app.config.get("TAP_LANE", True))

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
        from canteen.api.auth import cached_terminal
        from canteen.api.taps import announce, tap_action
        from canteen.api.writes import actor_for, valid_key
        from canteen.services.idempotency import book_late, fingerprint
        from canteen.services.ledger_fast import CoreSession

        if not (environ.get("CONTENT_TYPE") or "").startswith("application/json") or "HTTP_AUTHORIZATION" in environ:
            return None
        code, key = environ.get("HTTP_X_TERMINAL_ID"), environ.get("HTTP_X_TERMINAL_KEY")
        header = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if not code or not key or not valid_key(header):
            return None
        try:
            body = json.loads(raw)
        except ValueError:
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
            conn = None if shared else db.engine.connect()
            session = db.session() if shared else CoreSession(conn)
            try:
                terminal = cached_terminal(code, key, session)
                actor = actor_for(header, terminal, None)
                status, result = book_late(session, actor.key, fingerprint("tap", body),
                                           lambda: tap_action(body, session)(actor))
            except Exception:  # a refusal, a retried key, an error: the route answers it, from scratch
                try:
                    session.rollback()
                except Exception:  # a dead connection: the route will meet it too and say so
                    pass
                return None
            finally:
                if conn is not None:
                    conn.close()
            response = current_app.json.response(result)
            response.status_code = status
            return announce(response)
        finally:
            if context is not None:
                context.pop()


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
