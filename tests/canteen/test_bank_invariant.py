"""The bank invariant under load: 16 workers, 5,000 random operations over HTTP, then the ledger proves itself."""
import random
import threading
import uuid
from collections import Counter

import requests
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import Account
from canteen.models.ledger import PERSON_KINDS
from canteen.services.verify import verify_ledger
from tests.world import new_uid

WORKERS, OPERATIONS, DINERS, OPENING = 16, 5000, 40, 20_000
#: Refusals a random workload may meet; anything else (and any 5xx) fails the test.
EXPECTED_REFUSALS = {"insufficient_balance", "card_replaced", "card_cancelled", "card_lost", "unknown_card",
                     "refund_exceeds_original", "person_cancelled", "card_not_lost", "nothing_to_pay"}


class Ledger:
    """What the clients saw accepted: the independent side of the invariant."""

    def __init__(self, uids):
        self.lock = threading.Lock()
        self.uids = dict(uids)  # person id -> current card uid
        self.charges: list[tuple[int, int]] = []  # (entry id, amount)
        self.money_in = 0
        self.money_out = 0
        self.codes = Counter()
        self.failures: list[str] = []


def _worker(n, base, headers, state: Ledger, seed):
    rng = random.Random(seed)
    with requests.Session() as http:
        for i in range(OPERATIONS // WORKERS):
            person = rng.choice(list(state.uids))
            with state.lock:
                uid = state.uids[person]
            roll = rng.random()
            if roll < 0.55:
                call = ("taps", {"uid": uid})
            elif roll < 0.65:
                call = ("charges", {"uid": uid, "amount": rng.randint(100, 1500)})
            elif roll < 0.80:
                call = ("top-ups", {"person_id": person, "amount": rng.randint(1, 50) * 100,
                                    "method": rng.choice(["cash", "wechat", "alipay", "bank"])})
            elif roll < 0.90 and state.charges:
                entry, amount = rng.choice(state.charges)
                call = ("refunds", {"entry_id": entry, "amount": rng.randint(1, amount)})
            elif roll < 0.95:
                call = (f"cards/{uid}/reissue", {"new_uid": new_uid(), "fee": rng.choice([0, 500]),
                                                 "fee_method": rng.choice(["cash", "wallet"])})
            elif roll < 0.953:
                call = (f"people/{person}/cancel", {})
            elif roll < 0.985:
                call = (f"cards/{uid}/loss", {})
            else:
                call = (f"cards/{uid}/unfreeze", {})
            key = f"w{n}-{i}"
            r = http.post(f"{base}/api/v1/{call[0]}", json=call[1], timeout=120,
                          headers=headers | {"Idempotency-Key": key})
            body = r.json()
            if rng.random() < 0.1:  # a retry with the same key must give the same answer
                again = http.post(f"{base}/api/v1/{call[0]}", json=call[1], timeout=120,
                                  headers=headers | {"Idempotency-Key": key})
                if r.status_code != 400 and (again.status_code != r.status_code or again.json() != body):
                    state.failures.append(f"replay differs for {call[0]}")
            _account(state, call, r.status_code, body, person)


def _account(state: Ledger, call, status, body, person):
    with state.lock:
        if status >= 500 or (status >= 400 and body["error"]["code"] not in EXPECTED_REFUSALS):
            state.failures.append(f"{call[0]} -> {status} {body}")
            return
        if status >= 400:
            state.codes[body["error"]["code"]] += 1
            return
        state.codes[call[0].split("/")[-1]] += 1
        path = call[0]
        if path in ("taps", "charges"):
            state.charges.append((body["entry"]["id"], body["amount"]))
            state.money_out += body["amount"]
        elif path == "top-ups":
            state.money_in += call[1]["amount"]
        elif path == "refunds":
            state.money_in += body["cash_back"] + body["subsidy_back"]
        elif path.endswith("/reissue"):
            state.uids[person] = body["card"]["uid"]
            if call[1]["fee"] and call[1]["fee_method"] == "wallet":
                state.money_out += call[1]["fee"]
        elif path.endswith("/cancel"):
            state.money_out += body["cash_paid"] + body["deposit_paid"] + body["subsidy_returned"]


def test_random_money_movements_from_sixteen_workers_keep_the_ledger_whole(world, live_server):
    category = world.unlimited_category()
    world.all_day_meal(price=700)
    uids = {}
    for _ in range(DINERS):
        person, card = world.diner(cash=OPENING, deposit=1000, category=category)
        uids[person.id] = card.uid
    state = Ledger(uids)
    state.money_in = DINERS * (OPENING + 1000)
    workers = []
    for n in range(WORKERS):
        cashier = world.operator("cashier")
        world.shift_for(cashier)
        terminal, key = world.terminal()
        headers = world.headers(terminal, key, operator=cashier, idem=None)
        workers.append(threading.Thread(target=_worker, args=(n, live_server, headers, state, 1000 + n)))
    db.session.commit()
    for w in workers:
        w.start()
    for w in workers:
        w.join(600)
    assert not state.failures, state.failures[:5]
    assert state.codes["taps"] > 500 and state.codes["refunds"] > 50 and state.codes["reissue"] > 20, state.codes
    proof = verify_ledger(db.session)
    assert proof.ok, proof.problems
    held = db.session.scalar(select(func.sum(Account.balance)).where(Account.kind.in_(PERSON_KINDS)))
    assert held == proof.held == state.money_in - state.money_out
    db.session.commit()


def test_uuid_keys_from_an_operator_without_a_terminal_are_scoped_to_the_operator(world, client):
    cashier_a, cashier_b = world.operator("cashier"), world.operator("cashier")
    person = world.person()
    key = uuid.uuid4().hex
    for cashier in (cashier_a, cashier_b):
        r = client.post("/api/v1/top-ups", json={"person_id": person.id, "amount": 1000, "method": "wechat"},
                        headers=world.headers(operator=cashier, idem=key))
        assert r.status_code == 201
    assert r.json["balances"]["cash"] == 2000
