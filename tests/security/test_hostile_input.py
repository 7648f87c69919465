"""Hostile input is a 4xx with a stable code, never a 500, and writes nothing: NUL bytes, huge integers, JSON
nested thousands deep (the tap lane too, before the terminal key is looked at), a newline in ``next=``, a
non-ASCII seal in an offline sync, a blacklist version beyond the database's integer."""
import json

import pytest
from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models import AuditEntry, JournalEntry, Person
from tests.admin.conftest import csrf_of, sign_in
from tests.world import PASSWORD


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in (Person, JournalEntry))


@pytest.fixture
def till(world, client):
    """A terminal and a cashier with an open shift and a token."""
    world.all_day_meal(price=800)
    cashier = world.operator("cashier")
    world.shift_for(cashier)
    terminal, key = world.terminal()
    person, card = world.diner(cash=5000)
    return {"world": world, "cashier": cashier, "terminal": terminal, "key": key, "person": person, "card": card,
            "headers": world.headers(terminal, key, operator=cashier)}


def _refused(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == code


def test_a_nul_in_the_api_sign_in_is_refused(client, world):
    operator = world.operator("manager")
    before = _counts()
    _refused(client.post("/api/v1/auth/login", json={"username": operator.username + "\x00", "password": "x"}),
             400, "bad_request")
    _refused(client.post("/api/v1/auth/login", json={"username": "\x00", "password": "\x00"}), 400, "bad_request")
    assert _counts() == before


def test_a_nul_in_a_search_or_a_new_person_is_refused(till, client):
    headers, before = till["headers"], _counts()
    _refused(client.get("/api/v1/people?q=a%00b", headers=headers), 400, "bad_request")
    department, category = till["person"].department_id, till["person"].category_id
    _refused(client.post("/api/v1/people", headers=headers,
                         json={"staff_no": "N\x00001", "name": "张\x00三", "department_id": department,
                               "category_id": category}), 400, "bad_request")
    assert _counts() == before


def test_a_nul_on_the_pages_is_refused(client, world, signed_in):
    manager = world.operator("manager")
    token = csrf_of(client)
    refused = client.post("/admin/login", data={"username": manager.username + "\x00", "password": PASSWORD,
                                                "csrf_token": token})
    assert refused.status_code == 400
    assert client.post("/me/login", data={"staff_no": "A\x00", "password": "x"}).status_code == 400
    assert signed_in("manager").get("/admin/people?q=%00").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login")) == 1


@pytest.mark.parametrize("path,field", [("/api/v1/top-ups", "amount"), ("/api/v1/charges", "amount"),
                                        ("/api/v1/refunds", "amount")])
def test_a_5000_digit_amount_is_refused(till, client, path, field):
    body = {"person_id": till["person"].id, "uid": till["card"].uid, "entry_id": 1, "method": "cash"}
    raw = json.dumps(body)[:-1] + f', "{field}": {"9" * 5000}}}'
    before = _counts()
    response = client.post(path, data=raw, content_type="application/json",
                           headers=till["headers"] | {"Idempotency-Key": till["world"].headers()["Idempotency-Key"]})
    assert 400 <= response.status_code < 500 and response.get_json()["error"]["code"] in (
        "invalid_input", "invalid_amount", "number_out_of_range")
    big = client.post(path, json=body | {field: 10 ** 30},
                      headers=till["headers"] | {"Idempotency-Key": till["world"].headers()["Idempotency-Key"]})
    _refused(big, 400, "number_out_of_range")
    assert _counts() == before


@pytest.mark.parametrize("path", ["/api/v1/taps", "/api/v1/auth/login", "/api/v1/people", "/api/v1/top-ups"])
def test_json_nested_thousands_deep_is_refused_before_any_credential(client, path):
    for depth in (100, 5000, 100_000):
        raw = '{"uid": ' + "[" * depth + "]" * depth + "}"
        response = client.post(path, data=raw, content_type="application/json",
                               headers={"X-Terminal-Id": "nobody", "X-Terminal-Key": "wrong",
                                        "Idempotency-Key": "k" * 32})
        _refused(response, 413, "payload_too_large")


def test_the_tap_lane_refuses_deep_json_before_the_terminal_key(till, client):
    raw = '{"uid": ' + "[" * 50_000 + "]" * 50_000 + "}"
    headers = till["world"].headers(till["terminal"], till["key"])
    _refused(client.post("/api/v1/taps", data=raw, content_type="application/json", headers=headers),
             413, "payload_too_large")


def test_an_oversized_json_body_is_refused(app, client):
    app.config["MAX_JSON_BYTES"] = 1000
    _refused(client.post("/api/v1/auth/login", json={"username": "x" * 2000, "password": "y"}),
             413, "payload_too_large")


def test_a_newline_in_next_goes_nowhere_but_home(client, world):
    manager = world.operator("manager")
    token = csrf_of(client)
    response = client.post("/admin/login?next=/admin/%0d%0aSet-Cookie:%20x=1",
                           data={"username": manager.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    lang = client.get("/admin/lang/en?next=/admin/%0aX")
    assert lang.status_code == 302 and lang.headers["Location"].endswith("/admin/")
    diner = client.get("/me/lang/en?next=/me/%0d%0aX")
    assert diner.status_code == 302 and diner.headers["Location"].endswith("/me/")


def test_a_non_ascii_seal_in_an_offline_sync_is_refused(till, client):
    headers = till["world"].headers(till["terminal"], till["key"])
    item = {"seq": 1, "uid": till["card"].uid, "amount": 800, "tapped_at": "2026-12-07T12:00:00+08:00",
            "mac": "é" * 64}
    before = _counts()
    response = client.post("/api/v1/sync/offline-charges", json={"items": [item]}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]  # the batch answers item by item
    assert [(r["status"], r["code"]) for r in response.get_json()["results"]] == [("refused", "offline_tampered")]
    assert _counts() == before


@pytest.mark.parametrize("version", [2 ** 31, 2 ** 40, 2 ** 63 - 1])
def test_a_blacklist_version_beyond_the_database_integer_is_refused(till, client, version):
    headers = till["world"].headers(till["terminal"], till["key"])
    body = {"blacklist_version": version, "outbox_pending": 0, "outbox_last_seq": 0}
    response = client.post("/api/v1/terminal/heartbeat", json=body, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] in ("invalid_input", "number_out_of_range")


@pytest.mark.parametrize("path", ["/api/v1/people/99999999999999999999999", "/api/v1/people?q=x&limit=1",
                                  "/api/v1/sync/blacklist?since=99999999999999999999999"])
def test_huge_integers_in_paths_and_queries_are_refused(till, client, path):
    response = client.get(path, headers=till["headers"])
    assert 400 <= response.status_code < 500 or path.endswith("limit=1"), response.get_data(as_text=True)[:300]
    assert response.status_code < 500
