"""The dashboard: live figures equal the reports; pushed over SSE through Redis, or degraded to polling."""
import json
import threading

import redis

from admin.dashboard import CHANNEL
from canteen import create_app
from canteen.extensions import db
from canteen.services.meals import charge_meal
from tests.admin.conftest import FreshClient, sign_in
from tests.conftest import REDIS_URL
from tests.services import missing_service
from tests.world import World


def _eat(world, n):
    terminal, _ = world.terminal()
    for _ in range(n):
        _person, card = world.diner(cash=5000)
        charge_meal(db.session, world.actor(terminal=terminal), world.rules, uid=card.uid)
        db.session.commit()
    return terminal


def test_live_figures_count_todays_meals_per_period_and_terminal(world, signed_in):
    world.all_day_meal(price=700)
    terminal = _eat(world, 3)
    client = signed_in("manager")
    live = client.get("/admin/dashboard/live.json").get_json()
    assert live["visits"] == 3 and live["push"] is False
    assert live["periods"] == [{"name": "全天", "visits": 3, "diners": 3}]
    assert live["terminals"] == [{"name": terminal.code, "visits": 3}]
    assert live["money_out"] == 2100 and live["money_in"] == 15000
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert "实时推送不可用" in page and 'id="live-visits">3<' in page and "dashboard.js" in page


def test_without_redis_the_stream_says_degraded(signed_in):
    client = signed_in("auditor")
    body = client.get("/admin/dashboard/stream").get_data(as_text=True)
    assert body.startswith("event: degraded")


def test_polling_does_not_keep_an_idle_session_alive(signed_in):
    import time

    client = signed_in("manager")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 29 * 60
    assert client.get("/admin/dashboard/live.json").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] < time.time() - 28 * 60


def test_a_publish_on_redis_pushes_new_figures_down_the_stream(database_url, world):
    if not REDIS_URL:
        missing_service("Redis", "set CANTEEN_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    world.all_day_meal(price=700)
    _eat(world, 1)
    username = world.operator("manager").username
    db.session.commit()
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "REDIS_URL": REDIS_URL, "ADMIN_STREAM_SECONDS": 3, "ADMIN_STREAM_WAKE_SECONDS": 2})
    app.test_client_class = FreshClient
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    assert client.get("/admin/dashboard/live.json").get_json()["push"] is True
    response = client.get("/admin/dashboard/stream", buffered=False)
    chunks = iter(response.response)
    first = next(chunks).decode()
    assert first.startswith("event: live") and json.loads(first.split("data: ", 1)[1])["visits"] == 1

    def another_meal():
        # A thread of its own: the suspended stream keeps the other app's context pushed in this one.
        with world.app.app_context():
            _eat(World(world.app), 1)
            db.session.remove()
        store = redis.Redis.from_url(REDIS_URL)
        store.publish(CHANNEL, "meal")
        store.close()

    thread = threading.Thread(target=another_meal)
    thread.start()
    thread.join(30)
    second = next(chunks).decode()
    assert second.startswith("event: live") and json.loads(second.split("data: ", 1)[1])["visits"] == 2
    rest = [chunk.decode() for chunk in chunks]
    assert all(chunk == ": keep-alive\n\n" for chunk in rest)
    with app.app_context():
        db.engine.dispose()
