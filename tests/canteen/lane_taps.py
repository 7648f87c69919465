"""Taps through the app's WSGI stack as a server process runs them, for the fast lane's tests."""
import json
import threading
import uuid

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from canteen.extensions import db
from canteen.models import JournalEntry


def lane_tap(app, headers: dict, uid: str, multithread: bool = False) -> tuple[str, dict]:
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


def diner_at_terminal(world) -> tuple[str, str, str]:
    """A diner with 50 yuan and no meal limits, a meal open all day and a terminal: (card UID, terminal code, key)."""
    free = world.unlimited_category()
    world.all_day_meal(price=700)
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000, category=free)
    uid, code = card.uid, terminal.code
    db.session.commit()  # and no ORM object is read again: SQLite's write lock stays free for the "server"
    return uid, code, key


def terminal_headers(code: str, key: str) -> dict:
    return {"X-Terminal-Id": code, "X-Terminal-Key": key, "Idempotency-Key": uuid.uuid4().hex}


def meal_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))
