"""The terminal in offline mode: notices within a second, charges from its snapshot, syncs when back."""
import time

import pytest
import requests
from sqlalchemy import func, select

from canteen.models import JournalEntry
from tests.offline.proxy import Proxy
from tests.pos.terminal import held


def _wait(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


@pytest.fixture
def proxy(live_server):
    proxy = Proxy(int(live_server.rsplit(":", 1)[1]))
    yield proxy
    proxy.close()


def test_offline_is_noticed_within_a_second_and_taps_sync_once_back(canteen, start_terminal, proxy):
    world, code, _ = canteen
    category = world.unlimited_category()  # four lunches on one card: no meal limit may refuse them
    world.all_day_meal(price=1000)
    person, card = world.diner(cash=5000, category=category)
    _, uid = held(world, person, card)
    terminal = start_terminal(proxy.url, CANTEEN_TERMINAL_TIMEOUT="0.5", CANTEEN_TERMINAL_RETRIES="1")
    _wait(lambda: terminal.till.offline.snapshot.body is not None, 10)
    taps = terminal.till.hub.subscribe()
    proxy.cut()
    cut_at = time.monotonic()
    _wait(lambda: not requests.get(terminal.url + "/status", timeout=2).json()["offline"]["online"], 3)
    assert time.monotonic() - cut_at < 1.6
    for left in (4000, 3000, 2000, 1000):
        terminal.reader().tap(uid)
        data = _next(taps, "tap")[1]
        assert (data["state"], data.get("offline"), data["amount"], data["balance_left"]) == ("ok", True, 1000, left)
    status = requests.get(terminal.url + "/status", timeout=2).json()["offline"]
    assert status["pending"] == 4 and status["online"] is False
    proxy.restore()
    _wait(lambda: terminal.till.offline.state()["pending"] == 0 and terminal.till.offline.online, 10)
    world.session.expire_all()
    count = world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == "meal", JournalEntry.card_id == card.id))
    assert count == 4


def _next(subscription, wanted, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = subscription.get(timeout=0.2)
        if item and item[0] == wanted:
            return item
    raise AssertionError(f"no {wanted} event")


def test_cash_operations_are_refused_while_offline(canteen, start_terminal, proxy):
    from tests.pos.test_cashier_money import signed_in

    world, _, _ = canteen
    person, card = world.diner(cash=2000)
    person_id = person.id
    _, uid = held(world, person, card)
    terminal = start_terminal(proxy.url, CANTEEN_TERMINAL_TIMEOUT="0.5", CANTEEN_TERMINAL_RETRIES="1")
    cashier = signed_in(world, terminal)
    proxy.cut()
    _wait(lambda: not terminal.till.offline.online, 3)
    for path, data in (("/top-up", {"uid": uid, "amount": "50", "method": "cash"}),
                       (f"/cards/{uid}/loss", {})):
        reply = cashier.post(path, data)
        assert (reply.status_code, reply.json()["error"]["code"]) == (503, "offline"), path
    proxy.restore()
    _wait(lambda: terminal.till.offline.online, 5)
    world.session.expire_all()
    assert world.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == "top_up", JournalEntry.person_id == person_id)) == 0
