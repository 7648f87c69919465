"""Races over real HTTP, one connection per client: no overdraft, one entry per idempotency key."""
import threading
import uuid

import requests
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import Account, JournalEntry
from canteen.services.verify import verify_ledger


def _race(n: int, request) -> list:
    """Run `request(i, session)` in `n` threads released together; collect the responses."""
    db.session.commit()  # the test's own session must not hold SQLite's write lock meanwhile
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        with requests.Session() as http:
            barrier.wait()
            results[i] = request(i, http)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_fifty_concurrent_taps_approve_exactly_what_the_balance_covers(world, live_server):
    price, k = 800, 7
    category = world.unlimited_category()
    world.all_day_meal(price=price)
    person, card = world.diner(cash=price * k, category=category)
    terminal, key = world.terminal()
    base, uid = world.headers(terminal, key, idem=None), card.uid

    def tap(i, http):
        r = http.post(f"{live_server}/api/v1/taps", json={"uid": uid}, timeout=60,
                      headers=base | {"Idempotency-Key": f"race-{i}"})
        return r.status_code, r.json()

    results = _race(50, tap)
    approved = [body for status, body in results if status == 200]
    refused = [body["error"]["code"] for status, body in results if status != 200]
    assert len(approved) == k
    assert set(refused) == {"insufficient_balance"} and len(refused) == 50 - k
    assert min(body["cash_left"] for body in approved) == 0
    db.session.expire_all()
    meals = db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal"))
    assert meals == k
    assert verify_ledger(db.session).ok


def test_one_key_sent_five_times_at_once_books_one_entry_with_identical_answers(world, live_server):
    category = world.unlimited_category()
    world.all_day_meal(price=800)
    person, card = world.diner(cash=10_000, category=category)
    terminal, key = world.terminal()
    headers, uid = world.headers(terminal, key, idem=uuid.uuid4().hex), card.uid

    def tap(i, http):
        r = http.post(f"{live_server}/api/v1/taps", json={"uid": uid}, timeout=60, headers=headers)
        return r.status_code, r.json()

    results = _race(5, tap)
    assert {status for status, _ in results} == {200}
    assert all(body == results[0][1] for _, body in results)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "meal")) == 1
    db.session.commit()
    with requests.Session() as http:
        other = http.post(f"{live_server}/api/v1/taps", json={"uid": "A9999999"},
                          headers=headers, timeout=60)
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_a_top_up_retried_after_a_timeout_is_booked_once(world, client):
    cashier = world.operator("cashier")
    world.shift_for(cashier)
    person = world.person()
    headers = world.headers(operator=cashier, idem="topup-1")
    first = client.post("/api/v1/top-ups", json={"person_id": person.id, "amount": 5000, "method": "cash"},
                        headers=headers)
    again = client.post("/api/v1/top-ups", json={"person_id": person.id, "amount": 5000, "method": "cash"},
                        headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json == again.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["balances"]["cash"] == 5000


def test_top_ups_racing_a_cancellation_never_leave_money_on_a_cancelled_account(world, live_server):
    person, card = world.diner(cash=5000, deposit=1000)
    cashiers = [world.operator("cashier") for _ in range(6)]
    for cashier in cashiers:
        world.shift_for(cashier)
    headers = [world.headers(operator=c, idem=None) for c in cashiers]
    person_id = person.id

    def act(i, http):
        if i == 0:
            r = http.post(f"{live_server}/api/v1/people/{person_id}/cancel", timeout=60,
                          headers=headers[0] | {"Idempotency-Key": "cancel"})
        else:
            r = http.post(f"{live_server}/api/v1/top-ups", timeout=60,
                          json={"person_id": person_id, "amount": 700, "method": "cash"},
                          headers=headers[i % 6] | {"Idempotency-Key": f"top-{i}"})
        return r.status_code, r.json()

    results = _race(12, act)
    assert results[0][0] == 200
    booked = sum(1 for status, _ in results[1:] if status == 201)
    refused = {body["error"]["code"] for status, body in results[1:] if status != 201}
    assert refused <= {"person_cancelled"}
    assert results[0][1]["cash_paid"] == 5000 + 700 * booked  # every top-up before the payout was paid out
    db.session.expire_all()
    balances = [a.balance for a in db.session.scalars(select(Account).where(Account.person_id == person_id))]
    assert balances == [0, 0, 0]
    assert verify_ledger(db.session).ok
