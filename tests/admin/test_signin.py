"""Signing in: passwords, lockout after 5 failures, the hourly failure limit, idle and absolute timeouts, CSRF."""
import time

from sqlalchemy import select

from admin.auth import check_password_rules
from canteen.extensions import db
from canteen.models import AuditEntry, Operator
from tests.admin.conftest import csrf_of, sign_in


def _audit(action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_a_manager_signs_in_and_sees_the_reports(client, world):
    manager = world.operator("manager")
    response = sign_in(client, manager.username)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/")
    assert page.status_code == 200 and "报表" in page.get_data(as_text=True)
    assert [(a.action, a.result, a.operator_id) for a in _audit()] == [("login", "ok", manager.id)]
    assert _audit()[0].remote_addr == "127.0.0.1"


def test_a_wrong_password_is_refused_and_audited(client, world):
    manager = world.operator("manager")
    response = sign_in(client, manager.username, "wrong-password-1")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert [(a.result, a.detail) for a in _audit("login")] == [("failed", "bad password")]


def test_five_failures_in_a_row_lock_the_account_for_15_minutes(client, world):
    manager = world.operator("manager")
    for _ in range(4):
        assert sign_in(client, manager.username, "wrong-password-1").status_code == 401
    assert sign_in(client, manager.username).status_code == 302  # success resets the count
    client.post("/admin/logout", data={"csrf_token": csrf_of(client, "/admin/")})
    for _ in range(5):
        assert sign_in(client, manager.username, "wrong-password-1").status_code == 401
    refused = sign_in(client, manager.username)
    assert refused.status_code == 401 and "账户已锁定" in refused.get_data(as_text=True)
    assert [a.result for a in _audit("login")][-2:] == ["locked", "locked"]
    db.session.expire_all()
    operator = db.session.get(Operator, manager.id)
    remaining = (operator.locked_until_dt - _audit("login")[-1].created_dt).total_seconds()
    assert 14 * 60 < remaining <= 15 * 60
    operator.locked_until_dt = operator.locked_until_dt.replace(year=2020)
    db.session.commit()
    assert sign_in(client, manager.username).status_code == 302


def test_more_than_100_failures_an_hour_are_refused_without_checking(app, client, world):
    manager = world.operator("manager")
    token = csrf_of(client)
    statuses = []
    for i in range(101):
        if i % 5 == 0:
            db.session.execute(Operator.__table__.update().where(Operator.id == manager.id)
                               .values(locked_until_dt=None, failed_logins=0))
            db.session.commit()
        statuses.append(client.post("/admin/login", data={"username": manager.username, "password": "bad-pass-12",
                                                          "csrf_token": token}).status_code)
    assert statuses[:100] == [401] * 100 and statuses[100] == 429
    db.session.execute(Operator.__table__.update().where(Operator.id == manager.id).values(locked_until_dt=None))
    db.session.commit()
    assert sign_in(client, manager.username).status_code == 429
    assert _audit("login")[-1].detail == "rate_limited"
    other = world.operator("manager")
    assert sign_in(client, other.username).status_code == 302


def test_sign_in_without_a_csrf_token_is_refused(client, world):
    manager = world.operator("manager")
    response = client.post("/admin/login", data={"username": manager.username, "password": "correct-horse-9"})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_an_idle_session_ends_after_30_minutes(signed_in):
    client = signed_in("manager")
    assert client.get("/admin/reports/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 31 * 60
    response = client.get("/admin/reports/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.get("/admin/reports/").status_code == 302
    assert _audit("session.expired")[-1].detail == "idle"


def test_a_session_ends_after_12_hours_however_busy(signed_in):
    client = signed_in("auditor")
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 12 * 3600 - 1
    assert client.get("/admin/reports/").status_code == 302
    assert _audit("session.expired")[-1].detail == "absolute"


def test_a_password_needs_ten_characters_letters_and_digits_and_not_the_user_name():
    assert check_password_rules("short1", "bob") == "密码至少 10 位"
    assert check_password_rules("onlyletters", "bob") == "密码须同时包含字母和数字"
    assert check_password_rules("bob-123456789", "bob") == "密码不能包含用户名"
    assert check_password_rules("correct-horse-9", "bob") is None


def test_changing_the_password_signs_out_other_sessions(app, signed_in):
    client = signed_in("manager")
    other = app.test_client()
    sign_in(other, client.operator.username)
    token = csrf_of(client, "/admin/password")
    weak = client.post("/admin/password", data={"old": "correct-horse-9", "new": "weak", "csrf_token": token})
    assert weak.status_code == 400
    ok = client.post("/admin/password", data={"old": "correct-horse-9", "new": "another-horse-42",
                                              "csrf_token": token})
    assert ok.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    assert sign_in(app.test_client(), client.operator.username, "another-horse-42").status_code == 302


def test_the_back_office_is_chinese_by_default_and_english_on_request(client, world):
    assert "登录" in client.get("/admin/login").get_data(as_text=True)
    assert client.get("/admin/lang/en?next=/admin/login").headers["Location"].endswith("/admin/login")
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Sign in" in page and 'lang="en"' in page
    assert client.get("/admin/lang/zh_Hans_CN?next=//evil.example").headers["Location"].endswith("/admin/")
    assert "登录" in client.get("/admin/login").get_data(as_text=True)
