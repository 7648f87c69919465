"""The API end to end over the test client: sign in, open a shift, issue, top up, tap, refund."""


def test_a_cashier_issues_tops_up_and_a_diner_taps(world, client):
    world.all_day_meal(price=800)
    cashier = world.operator("cashier")
    terminal, key = world.terminal()
    person = world.person()
    login = client.post("/api/v1/auth/login", json={"username": cashier.username, "password": "correct-horse-9"})
    assert login.status_code == 200
    auth = {"Authorization": f"Bearer {login.json['token']}", "X-Terminal-Id": terminal.code, "X-Terminal-Key": key}
    r = client.post("/api/v1/shifts/open", json={"opening_float": 10000}, headers=auth | {"Idempotency-Key": "s1"})
    assert r.status_code == 201, r.json
    r = client.post("/api/v1/cards", json={"person_id": person.id, "uid": "A1B2C3D4", "deposit": 2000, "top_up": 5000},
                    headers=auth | {"Idempotency-Key": "c1"})
    assert r.status_code == 201, r.json
    assert r.json["balances"] == {"cash": 5000, "subsidy": 0, "deposit": 2000, "spendable": 5000}
    r = client.post("/api/v1/taps", json={"uid": "a1b2c3d4"}, headers=world.headers(terminal, key))
    assert r.status_code == 200, r.json
    assert r.json["amount"] == 800 and r.json["cash_left"] == 4200
    r2 = client.post("/api/v1/refunds", json={"entry_id": r.json["entry"]["id"], "amount": 300},
                     headers=auth | {"Idempotency-Key": "r1"})
    assert r2.status_code == 201, r2.json
    assert r2.json["cash_back"] == 300
    report = client.get("/api/v1/shifts/current", headers=auth).json
    assert report["expected_cash"] == 10000 + 7000
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/taps" in spec["paths"] and spec["openapi"].startswith("3.")
