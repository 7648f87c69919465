"""The terminal's idempotency: a write whose answer is lost to a timeout is sent again and booked once."""
from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from werkzeug.serving import make_server

from canteen.models import JournalEntry
from pos.sequence import Sequence
from tests.pos.sse_client import EventStream
from tests.pos.terminal import held


class SlowFirstAnswer:
    """WSGI middleware: the server books the first write to `path`, then holds its answer past the client timeout."""

    def __init__(self, app, path: str, delay: float) -> None:
        self.app, self.path, self.delay = app, path, delay
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == self.path and environ["REQUEST_METHOD"] == "POST":
            with self._lock:
                self.calls.append(environ.get("HTTP_IDEMPOTENCY_KEY", ""))
                first = len(self.calls) == 1
            body = list(self.app(environ, start_response))  # booked and committed here
            if first:
                time.sleep(self.delay)
            return body
        return self.app(environ, start_response)


def test_a_tap_whose_answer_times_out_is_retried_with_the_same_key_and_charged_once(app, canteen, start_terminal):
    world, _, _ = canteen
    name, uid = held(world, *world.diner(cash=5000))
    slow = SlowFirstAnswer(app, "/api/v1/taps", delay=1.5)
    server = make_server("127.0.0.1", 0, slow, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        terminal = start_terminal(f"http://127.0.0.1:{server.server_port}", CANTEEN_TERMINAL_TIMEOUT="0.5")
        with EventStream(terminal.url + "/events") as events:
            terminal.reader().tap(uid)
            tap, _ = events.wait_for("tap", timeout=15)
    finally:
        server.shutdown()
        server.server_close()
    assert (tap["state"], tap["name"], tap["cash_left"]) == ("ok", name, 4000)
    assert len(slow.calls) >= 2 and len(set(slow.calls)) == 1, slow.calls
    meals = world.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))
    assert meals == 1


def test_the_sequence_only_goes_up_across_restarts(tmp_path):
    first = Sequence(tmp_path / "sequence")
    assert [first.next(), first.next()] == [1, 2]
    again = Sequence(tmp_path / "sequence")
    assert again.last == 2 and again.next() == 3


def test_a_terminal_that_lost_its_sequence_file_jumps_past_the_keys_the_server_has_seen(canteen, start_terminal,
                                                                                       tmp_path):
    world, _, _ = canteen
    _, first_uid = held(world, *world.diner(cash=5000))
    _, second_uid = held(world, *world.diner(cash=5000))
    before = start_terminal(CANTEEN_TERMINAL_DATA_DIR=str(tmp_path / "old-disk"))
    assert before.till.client.post("/api/v1/taps", {"uid": first_uid}).key.endswith("-1")
    before.stop()
    after = start_terminal(CANTEEN_TERMINAL_DATA_DIR=str(tmp_path / "new-disk"))  # sequence starts at 1 again
    reply = after.till.client.post("/api/v1/taps", {"uid": second_uid})
    assert reply.status == 200 and reply.body["cash_left"] == 4000 and not reply.replayed
    assert int(reply.key.rsplit("-", 1)[1]) > 1000
    assert after.till.client.sequence.last > 1000  # persisted: the next start continues above it
