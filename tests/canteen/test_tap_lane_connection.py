"""A server running one request at a time per process keeps the fast lane's connection from tap to tap; a
connection that died is given up without losing the tap, and threaded servers never keep one."""
from sqlalchemy import text

from canteen.api import lane
from canteen.extensions import db
from tests.canteen.lane_taps import diner_at_terminal, lane_tap, meal_count, terminal_headers


def _kept(app):
    return app.extensions['tap_lane']._kept[0] if app.extensions['tap_lane']._kept else None


def test_one_request_per_process_keeps_the_lanes_connection(app, world):
    uid, code, key = diner_at_terminal(world)
    try:
        first = lane_tap(app, terminal_headers(code, key), uid)
        kept = _kept(app)
        second = lane_tap(app, terminal_headers(code, key), uid)
        assert first[0] == second[0] == "200 OK" and second[1]["cash_left"] == 3600
        assert kept is not None and _kept(app) is kept and not kept.in_transaction()
        threaded = lane_tap(app, terminal_headers(code, key), uid, multithread=True)
        assert threaded[0] == "200 OK" and _kept(app) is None
        assert meal_count() == 3
    finally:
        app.extensions['tap_lane'].release()


def test_a_kept_connection_that_died_costs_no_tap(app, world):
    uid, code, key = diner_at_terminal(world)
    try:
        assert lane_tap(app, terminal_headers(code, key), uid)[0] == "200 OK"
        dead = _kept(app)
        if db.engine.dialect.name == "postgresql":  # the server ended it (a restart, an administrator)
            with db.engine.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"),
                              {"pid": dead.connection.driver_connection.info.backend_pid})
        else:
            dead.connection.driver_connection.close()
        status, body = lane_tap(app, terminal_headers(code, key), uid)  # the route answers, on a new connection
        assert status == "200 OK" and body["cash_left"] == 3600 and _kept(app) is not dead
        assert lane_tap(app, terminal_headers(code, key), uid)[0] == "200 OK"
        assert _kept(app) is not None and _kept(app) is not dead
        assert meal_count() == 3
    finally:
        app.extensions['tap_lane'].release()


def test_a_kept_connection_left_unused_goes_back_to_the_pool(app, world, monkeypatch):
    uid, code, key = diner_at_terminal(world)
    try:
        assert lane_tap(app, terminal_headers(code, key), uid)[0] == "200 OK"
        idle = _kept(app)
        monkeypatch.setattr(lane, "PING_IDLE_SECONDS", 0.0)  # as if a second passed without a tap
        assert lane_tap(app, terminal_headers(code, key), uid)[0] == "200 OK"
        assert idle.closed and _kept(app) is not None and _kept(app) is not idle
        assert meal_count() == 2
    finally:
        app.extensions['tap_lane'].release()
