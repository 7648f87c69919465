"""A card reported lost is refused by every online terminal within 5 seconds."""
import time

import requests

from canteen import create_app
from canteen.extensions import db
from tests.offline.test_terminal import _next, _wait
from tests.pos.terminal import held


def _report_loss(world, uid):
    cashier = world.cashier()
    world.session.commit()
    return world.app.test_client().post(f"/api/v1/cards/{uid}/loss", json={},
                                        headers=world.headers(operator=cashier))


def test_a_lost_card_is_refused_by_an_online_terminal_within_5_seconds(canteen, start_terminal):
    world, code, _ = canteen
    person, card = world.diner(cash=5000)
    _, uid = held(world, person, card)
    # Polling alone would take 60 s here: only the pushed event can make it in time.
    terminal = start_terminal(CANTEEN_TERMINAL_OFFLINE_POLL_SECONDS="60")
    _wait(lambda: terminal.till.offline.snapshot.body is not None, 10)
    before = terminal.till.offline.snapshot.version
    time.sleep(1.5)  # let the terminal's event stream connect
    assert _report_loss(world, uid).status_code == 200
    reported = time.monotonic()
    _wait(lambda: terminal.till.offline.snapshot.refusal(uid) == "card_lost", 5)
    assert time.monotonic() - reported < 5
    taps = terminal.till.hub.subscribe()
    terminal.reader().tap(uid)
    data = _next(taps, "tap")[1]
    assert (data["state"], data["code"]) == ("refused", "card_lost")
    status = requests.get(terminal.url + "/status", timeout=2).json()["offline"]
    assert status["blacklist_version"] > before and status["snapshot_at"]


def test_the_blacklist_is_pushed_through_redis(database_url, redis_url, tmp_path):
    """Two server processes' worth of apps share Redis: a loss on one reaches the other's event stream."""
    from canteen.live import redis_client
    from canteen.services.blacklist_broker import Broker

    config = {"DATABASE_URL": database_url, "SECRET_KEY": "t", "TESTING": True, "REDIS_URL": redis_url}
    other = create_app(config)
    broker: Broker = other.extensions["canteen_blacklist"]
    assert broker.redis is not None
    listener = broker.listen()
    try:
        time.sleep(0.2)
        publisher = create_app(config)
        publisher.extensions["canteen_blacklist"].publish({"version": 42, "changes": [{"uid": "A1", "state": "lost"}]})
        deadline = time.monotonic() + 5
        message = None
        while message is None and time.monotonic() < deadline:
            message = listener.get(timeout=0.5)
        assert message == {"version": 42, "changes": [{"uid": "A1", "state": "lost"}]}
    finally:
        listener.close()
        for app in (other, publisher):
            client = redis_client(app)
            client.close()
            with app.app_context():
                db.engine.dispose()
