"""A server running one request at a time per process keeps the fast lane's connection from tap to tap; a
connection that died is given up without losing the tap, and threaded servers never keep one."""
import json
import threading
import uuid

from sqlalchemy import func, select, text
from werkzeug.test import EnvironBuilder

from canteen.api import lane
from canteen.extensions import db
from canteen.models import JournalEntry


def _tap(app, headers: dict, uid: str, multithread: bool = False) -> tuple[str, dict]:
    """One tap through the app's WSGI stack as a server process would run it (its own thread, no app context)."""
    environ = EnvironBuilder(path="/api/v1/taps", method="POST", json={"uid": uid}, headers=headers).get_environ()
    environ["wsgi.multithread"] = multithread
    answer = {}

    def run():
        def start_response(status, response_headers, exc_info=None):
            answer["status"] = status
        answer["body"] = json.loads(b"".join(app.wsgi_app(environ, start_response)))

    def run_and_keep_errors():
        try:
            run()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            answer["error"] = exc

    thread = threading.Thread(target=run_and_keep_errors)
    thread.start()
    thread.join(60)
    if "error" in answer:
        raise answer["error"]
    return answer["status"], answer["body"]


def _diner_at_terminal(world) -> tuple[str, str, str]:
    """A diner with 50 yuan and no meal limits, a meal open all day and a terminal: (card UID, terminal code, key)."""
    free = world.unlimited_category()
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000, category=free)
    uid, code = card.uid, terminal.code
    db.session.commit()  # and no ORM object is read again: SQLite's write lock stays free for the "server"
    return uid, code, key


def _headers(code: str, key: str) -> dict:
    return {"X-Terminal-Id": code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex}


def _kept(app):
    return app.wsgi_app._kept[0] if app.wsgi_app._kept else None


def _meals() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))


def test_one_request_per_process_keeps_the_lanes_connection(app, world):
    uid, code, key = _diner_at_terminal(world)
    try:
        first = _tap(app, _headers(code, key), uid)
        kept = _kept(app)
        second = _tap(app, _headers(code, key), uid)
        assert first[0] == second[0] == "200 OK" and second[1]["cash_left"] == 3600
        assert kept is not None and _kept(app) is kept and not kept.in_transaction()
        threaded = _tap(app, _headers(code, key), uid, multithread=True)
        assert threaded[0] == "200 OK" and _kept(app) is None
        assert _meals() == 3
    finally:
        app.wsgi_app.release()


def test_a_kept_connection_that_died_costs_no_tap(app, world):
    uid, code, key = _diner_at_terminal(world)
    try:
        assert _tap(app, _headers(code, key), uid)[0] == "200 OK"
        dead = _kept(app)
        if db.engine.dialect.name == "postgresql":  # the server ended it (a restart, an administrator)
            with db.engine.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"),
                              {"pid": dead.connection.driver_connection.info.backend_pid})
        else:
            dead.connection.driver_connection.close()
        status, body = _tap(app, _headers(code, key), uid)  # the route answers, on a new connection
        assert status == "200 OK" and body["cash_left"] == 3600 and _kept(app) is not dead
        assert _tap(app, _headers(code, key), uid)[0] == "200 OK"
        assert _kept(app) is not None and _kept(app) is not dead
        assert _meals() == 3
    finally:
        app.wsgi_app.release()


def test_a_kept_connection_left_unused_goes_back_to_the_pool(app, world, monkeypatch):
    uid, code, key = _diner_at_terminal(world)
    try:
        assert _tap(app, _headers(code, key), uid)[0] == "200 OK"
        idle = _kept(app)
        monkeypatch.setattr(lane, "PING_IDLE_SECONDS", 0.0)  # as if a second passed without a tap
        assert _tap(app, _headers(code, key), uid)[0] == "200 OK"
        assert idle.closed and _kept(app) is not None and _kept(app) is not idle
        assert _meals() == 2
    finally:
        app.wsgi_app.release()
