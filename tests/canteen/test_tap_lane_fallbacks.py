"""A tap the fast lane cannot finish goes to the Flask route, which answers it; the lane says why it let go: a
refusal, a replayed key or a wallet changed since read are counted, and anything else, a fault, is also logged
with its traceback, so an operator sees it in /healthz and the log instead of it vanishing."""
import logging

from canteen.api import lane
from tests.canteen.lane_taps import diner_at_terminal, lane_tap, meal_count, terminal_headers


def test_a_fault_inside_the_lane_is_logged_counted_and_the_route_still_books_the_tap(app, world, monkeypatch,
                                                                                        caplog, client):
    uid, code, key = diner_at_terminal(world)
    before = lane.fallbacks().get("error", 0)

    def broken(body, session=None):
        raise RuntimeError("a bug in the lane")

    monkeypatch.setattr(lane, "tap_action", broken)
    with caplog.at_level(logging.ERROR, logger="canteen.api.lane"):
        status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert status == "200 OK" and body["cash_left"] == 4300 and meal_count() == 1
    faults = [r for r in caplog.records if r.name == "canteen.api.lane" and r.levelno == logging.ERROR]
    assert faults and faults[0].exc_info and "a bug in the lane" in str(faults[0].exc_info[1])
    assert lane.fallbacks()["error"] == before + 1
    assert client.get("/healthz").get_json()["tap_lane"]["fallbacks"]["error"] == before + 1


def test_a_refusal_is_counted_but_not_logged_as_a_fault(app, world, caplog):
    uid, code, key = diner_at_terminal(world)
    refused_before = lane.fallbacks().get("refused", 0)
    with caplog.at_level(logging.ERROR, logger="canteen.api.lane"):
        status, body = lane_tap(app, terminal_headers(code, key), "04FFFFFFFFFFFF")
    assert status.startswith("404") and body["error"]["code"] == "unknown_card"
    assert lane.fallbacks()["refused"] == refused_before + 1
    assert not [r for r in caplog.records if r.name == "canteen.api.lane"]


def test_a_lane_that_cannot_reach_the_database_hands_the_tap_to_the_route_without_a_traceback(app, world, monkeypatch,
                                                                                               caplog):
    """A primary lost mid-rush: the lane's connect fails. The tap goes to the route (which answers 503 when it
    cannot reach the database either, so a till charges offline; a bare 500 would read as a refusal), counted
    as ``unavailable`` and logged in one line, not a traceback per tap."""
    from sqlalchemy.exc import OperationalError

    uid, code, key = diner_at_terminal(world)
    before = lane.fallbacks().get("unavailable", 0)

    def unreachable(self, environ):
        raise OperationalError("connect", {}, Exception("connection refused\nis the server running?"))

    monkeypatch.setattr(lane.TapLane, "_connection", unreachable)
    with caplog.at_level(logging.WARNING, logger="canteen.api.lane"):
        status, body = lane_tap(app, terminal_headers(code, key), uid)
    assert status == "200 OK" and body["cash_left"] == 4300 and meal_count() == 1  # the route could: it booked
    assert lane.fallbacks()["unavailable"] == before + 1
    notes = [r for r in caplog.records if r.name == "canteen.api.lane"]
    assert [r.levelno for r in notes] == [logging.WARNING] and not notes[0].exc_info
    assert "connection refused" in notes[0].getMessage()
