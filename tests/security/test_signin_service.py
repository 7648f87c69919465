"""One sign-in service for the back office, the API (and so the till's approvals) and the diners' pages:
lockout, the hourly limits, audit rows, and the same work whether or not the user exists."""
from sqlalchemy import select

import canteen.services.signin as signin
from canteen.extensions import db
from canteen.models import AuditEntry, Operator
from tests.admin.conftest import sign_in
from tests.world import PASSWORD


def _api_login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _audit(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_an_account_locked_in_the_back_office_gets_no_token_from_the_api(client, world):
    manager = world.operator("manager")
    for _ in range(5):
        assert sign_in(client, manager.username, "wrong-password-1").status_code == 401
    refused = _api_login(client, manager.username, PASSWORD)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "account_locked"
    assert "token" not in refused.json
    assert [(a.result, a.operator_id) for a in _audit("api.login")] == [("locked", manager.id)]


def test_wrong_passwords_on_the_api_are_counted_lock_the_account_and_are_audited(client, world):
    manager = world.operator("manager")
    for _ in range(4):
        assert _api_login(client, manager.username, "wrong-password-1").status_code == 401
    db.session.expire_all()
    assert db.session.get(Operator, manager.id).failed_logins == 4
    answers = [_api_login(client, manager.username, "wrong-password-1") for _ in range(106)]
    assert {a.status_code for a in answers} <= {401, 429}
    assert answers[0].json["error"]["code"] == "account_locked"  # the fifth failure in a row locks
    assert answers[1].json["error"]["code"] == "account_locked"
    assert answers[-1].status_code == 429 and answers[-1].json["error"]["code"] == "too_many_attempts"
    db.session.expire_all()
    assert db.session.get(Operator, manager.id).locked_until_dt is not None
    assert _api_login(client, manager.username, PASSWORD).status_code in (401, 429)  # even the right password
    rows = _audit("api.login")
    assert [r.result for r in rows[:6]] == ["failed"] * 4 + ["locked", "locked"]
    assert rows[-1].result == "denied" and rows[-1].detail == "rate_limited"
    assert all(r.remote_addr == "127.0.0.1" for r in rows)


def test_a_good_api_sign_in_is_audited_and_resets_the_count(client, world):
    cashier = world.operator("cashier")
    assert _api_login(client, cashier.username, "wrong-password-1").status_code == 401
    ok = _api_login(client, cashier.username, PASSWORD)
    assert ok.status_code == 200 and ok.json["token"]
    db.session.expire_all()
    assert db.session.get(Operator, cashier.id).failed_logins == 0
    assert [(r.result, r.detail) for r in _audit("api.login")] == [("failed", "bad password"), ("ok", None)]


def test_an_unknown_user_costs_the_same_hash_work_as_a_known_one(client, world, monkeypatch):
    calls = []
    real = signin.check_password_hash
    monkeypatch.setattr(signin, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    known = world.operator("manager")
    _api_login(client, known.username, "wrong-password-1")
    _api_login(client, "nobody-here", "wrong-password-1")
    sign_in(client, "nobody-at-all", "wrong-password-1")
    assert len(calls) == 3
    assert calls[1] == calls[2] == signin._dummy_hash() and calls[0] == known.password_hash
    assert [r.detail for r in _audit("api.login")] == ["bad password", "unknown user"]


def test_a_deactivated_account_still_costs_a_hash(client, world, monkeypatch):
    calls = []
    real = signin.check_password_hash
    monkeypatch.setattr(signin, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    manager = world.operator("manager")
    manager.active = False
    db.session.commit()
    assert _api_login(client, manager.username, PASSWORD).status_code == 401
    assert len(calls) == 1


def test_an_unknown_diner_costs_the_same_hash_work(client, world, monkeypatch):
    from tests.diner.conftest import sign_in as diner_sign_in
    calls = []
    real = signin.check_password_hash
    monkeypatch.setattr(signin, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    person = world.person()
    assert diner_sign_in(client, "NO-SUCH-1", "wrong-pass-1").status_code == 401
    assert diner_sign_in(client, person.staff_no, "wrong-pass-1").status_code == 401  # no password set yet
    assert calls == [signin._dummy_hash(), signin._dummy_hash()]


def test_failures_from_one_address_are_limited_over_all_accounts(app, client, world):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = "10/hour"
    statuses = [_api_login(client, f"someone{i}", "wrong-password-1").status_code for i in range(6)]
    statuses += [sign_in(client, f"other{i}", "wrong-password-1").status_code for i in range(5)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    other = world.operator("manager")
    assert _api_login(client, other.username, PASSWORD).status_code == 429  # refused before any check
    elsewhere = client.post("/api/v1/auth/login", json={"username": other.username, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 200
    assert _audit("login")[-1].detail == "rate_limited"
