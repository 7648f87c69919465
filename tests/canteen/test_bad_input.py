"""Bad input over the API: a clear 4xx with a stable code, and nothing written."""
import pytest
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import Account, Card, CardEvent, IdempotencyRecord, JournalEntry, RefundRequest


def _written():
    """Everything a refusal must leave as it was (a state refusal's idempotency record aside)."""
    counts = tuple(db.session.scalar(select(func.count()).select_from(t))
                   for t in (JournalEntry, Card, CardEvent, RefundRequest))
    return counts, tuple(db.session.scalars(select(Account.balance).order_by(Account.id)))


@pytest.fixture
def till(world, client):
    """A terminal, a cashier with an open shift, a diner with a card and one meal to refund."""
    world.client = client
    world.all_day_meal(price=800)
    cashier = world.operator("cashier")
    world.shift_for(cashier)
    terminal, key = world.terminal()
    person, card = world.diner(cash=5000)
    other, other_card = world.diner(cash=100)
    meal = world.client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key)).json
    return {"world": world, "cashier": cashier, "terminal": terminal, "key": key, "person": person,
            "card": card, "other_card": other_card, "meal": meal["entry"]["id"]}


AMOUNTS = [0, -100, 12.5, "12", "abc", None, True, 10**12, [1]]


@pytest.mark.parametrize("amount", AMOUNTS, ids=[repr(a) for a in AMOUNTS])
def test_absurd_amounts_are_refused_on_every_money_write(till, client, amount):
    w, person = till["world"], till["person"]
    headers = w.headers(till["terminal"], till["key"], operator=till["cashier"])
    before = _written()
    for path, body in [
        ("/api/v1/top-ups", {"person_id": person.id, "amount": amount, "method": "cash"}),
        ("/api/v1/charges", {"uid": till["card"].uid, "amount": amount}),
        ("/api/v1/refunds", {"entry_id": till["meal"], "amount": amount}),
    ]:
        r = client.post(path, json=body, headers=headers | {"Idempotency-Key": w.headers()["Idempotency-Key"]})
        assert r.status_code == 400, (path, r.json)
        assert r.json["error"]["code"] == "invalid_amount" and r.json["error"]["message"]
    assert _written() == before


def _refusal(till, client, method, path, body, code, status, *, terminal=True, operator=True, idem="auto",
             key=None):
    w = till["world"]
    headers = w.headers(till["terminal"] if terminal else None, key or till["key"],
                        operator=till["cashier"] if operator else None, idem=idem)
    before = _written()
    r = client.open(path, method=method, json=body, headers=headers)
    assert (r.status_code, r.json["error"]["code"]) == (status, code), r.json
    assert _written() == before


def test_malformed_and_unknown_uids(till, client):
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": "XYZ"}, "invalid_uid", 400)
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": 12345678}, "invalid_uid", 400)
    _refusal(till, client, "POST", "/api/v1/taps", {}, "invalid_uid", 400)
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": "0812ABCD"}, "random_uid", 400)
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": "ABCDEF01"}, "unknown_card", 404)


def test_missing_idempotency_key_and_bad_credentials(till, client):
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": till["card"].uid}, "idempotency_key_missing", 400,
             idem=None)
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": till["card"].uid}, "invalid_input", 400,
             idem="has spaces/and slashes")
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": till["card"].uid}, "terminal_auth_failed", 401,
             key="wrong-key")
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": till["card"].uid}, "terminal_auth_failed", 401,
             terminal=False, operator=False)
    _refusal(till, client, "POST", "/api/v1/charges", {"uid": till["card"].uid, "amount": 100},
             "operator_auth_failed", 401, operator=False)
    w = till["world"]
    r = client.post("/api/v1/top-ups", json={"person_id": till["person"].id, "amount": 100, "method": "cash"},
                    headers=w.headers() | {"Authorization": "Bearer forged.token.value"})
    assert (r.status_code, r.json["error"]["code"]) == (401, "operator_auth_failed")
    r = client.post("/api/v1/auth/login", json={"username": till["cashier"].username, "password": "wrong"})
    assert (r.status_code, r.json["error"]["code"]) == (401, "bad_credentials")


def test_cash_top_up_outside_a_shift_is_refused(till, client, world):
    stranger = world.operator("cashier")
    person = till["person"]
    before = _written()
    r = client.post("/api/v1/top-ups", json={"person_id": person.id, "amount": 1000, "method": "cash"},
                    headers=world.headers(operator=stranger))
    assert (r.status_code, r.json["error"]["code"]) == (409, "no_open_shift")
    r = client.post("/api/v1/top-ups", json={"person_id": person.id, "amount": 1000, "method": "bitcoin"},
                    headers=world.headers(operator=stranger))
    assert (r.status_code, r.json["error"]["code"]) == (400, "invalid_method")
    assert _written() == before


def test_refund_of_a_refund_and_beyond_the_original_are_refused(till, client):
    w = till["world"]
    headers = w.headers(operator=till["cashier"], idem=None)
    _refusal(till, client, "POST", "/api/v1/refunds", {"entry_id": till["meal"], "amount": 801},
             "refund_exceeds_original", 409)
    r = client.post("/api/v1/refunds", json={"entry_id": till["meal"], "amount": 500},
                    headers=headers | {"Idempotency-Key": "ref-1"})
    assert r.status_code == 201
    _refusal(till, client, "POST", "/api/v1/refunds", {"entry_id": till["meal"], "amount": 301},
             "refund_exceeds_original", 409)
    _refusal(till, client, "POST", "/api/v1/refunds", {"entry_id": r.json["entry"]["id"], "amount": 100},
             "not_refundable", 409)
    _refusal(till, client, "POST", "/api/v1/refunds", {"entry_id": 10**9, "amount": 100}, "not_found", 404)


def test_reissue_to_a_uid_already_in_use_is_refused(till, client):
    _refusal(till, client, "POST", f"/api/v1/cards/{till['card'].uid}/reissue",
             {"new_uid": till["other_card"].uid}, "card_uid_in_use", 409)


def test_same_key_with_a_different_body_is_409(till, client):
    w = till["world"]
    headers = w.headers(operator=till["cashier"], idem="same-key")
    r = client.post("/api/v1/top-ups", json={"person_id": till["person"].id, "amount": 100, "method": "wechat"},
                    headers=headers)
    assert r.status_code == 201
    _refusal(till, client, "POST", "/api/v1/top-ups",
             {"person_id": till["person"].id, "amount": 200, "method": "wechat"}, "idempotency_conflict", 409,
             terminal=False, idem="same-key")


def test_unknown_routes_and_fields_answer_in_the_error_shape(till, client):
    r = client.get("/api/v1/nowhere")
    assert (r.status_code, r.json["error"]["code"]) == (404, "not_found")
    _refusal(till, client, "POST", "/api/v1/taps", {"uid": till["card"].uid, "sneaky": 1}, "invalid_input", 400)


def test_a_refused_tap_retried_with_its_key_after_a_top_up_is_still_refused(till, client):
    w = till["world"]
    poor = till["other_card"]
    headers = w.headers(till["terminal"], till["key"], idem="tap-poor")
    first = client.post("/api/v1/taps", json={"uid": poor.uid}, headers=headers)
    assert (first.status_code, first.json["error"]["code"]) == (402, "insufficient_balance")
    w.top_up(poor.person, 5000)
    again = client.post("/api/v1/taps", json={"uid": poor.uid}, headers=headers)
    assert again.status_code == 402 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    fresh = client.post("/api/v1/taps", json={"uid": poor.uid}, headers=w.headers(till["terminal"], till["key"]))
    assert fresh.status_code == 200


def test_input_refusals_keep_no_idempotency_record(till, client):
    w = till["world"]
    before = db.session.scalar(select(func.count()).select_from(IdempotencyRecord))
    r = client.post("/api/v1/taps", json={"uid": "XYZ"}, headers=w.headers(till["terminal"], till["key"]))
    assert r.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == before
