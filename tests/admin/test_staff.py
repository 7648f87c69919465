"""Operators and roles, departments: admin-only and manager pages, password rules, audited."""
from sqlalchemy import select

from canteen.extensions import db
from canteen.models import AuditEntry, Department, Operator
from tests.admin.conftest import csrf_of, sign_in


def _last_audit():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def test_an_admin_creates_an_operator_who_can_then_sign_in(app, signed_in):
    admin = signed_in("admin")
    token = csrf_of(admin, "/admin/operators")
    weak = {"username": "newbie", "name": "新人", "role": "auditor", "password": "short", "csrf_token": token}
    admin.post("/admin/operators/new", data=weak)
    assert db.session.scalar(select(Operator).where(Operator.username == "newbie")) is None
    assert _last_audit().result == "failed" and "密码至少 10 位" in _last_audit().detail
    admin.post("/admin/operators/new", data={**weak, "password": "good-password-7"})
    created = db.session.scalar(select(Operator).where(Operator.username == "newbie"))
    assert created.role == "auditor" and created.password_hash != "good-password-7"
    assert sign_in(app.test_client(), "newbie", "good-password-7").status_code == 302


def test_an_admin_unlocks_a_locked_operator_and_cannot_demote_themself(app, world, signed_in):
    victim = world.operator("cashier")
    outsider = app.test_client()
    for _ in range(5):
        sign_in(outsider, victim.username, "wrong-password-1")
    assert sign_in(outsider, victim.username).status_code == 401
    admin = signed_in("admin")
    token = csrf_of(admin, "/admin/operators")
    admin.post(f"/admin/operators/{victim.id}", data={"role": "cashier", "active": "1", "unlock": "1",
                                                      "csrf_token": token})
    assert sign_in(app.test_client(), victim.username).status_code == 302
    admin.post(f"/admin/operators/{admin.operator.id}", data={"role": "cashier", "active": "1", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Operator, admin.operator.id).role == "admin"
    assert signed_in("manager").get("/admin/operators").status_code == 403


def test_departments_are_created_and_renamed_by_managers(signed_in):
    manager = signed_in("manager")
    token = csrf_of(manager, "/admin/departments")
    manager.post("/admin/departments", data={"code": "XX", "name": "新科室", "csrf_token": token})
    department = db.session.scalar(select(Department).where(Department.code == "XX"))
    manager.post("/admin/departments", data={"id": department.id, "code": "XX", "name": "改名科室", "active": "0",
                                             "csrf_token": token})
    db.session.expire_all()
    assert (department.name, department.active) == ("改名科室", False)
    manager.post("/admin/departments", data={"code": "bad code!", "name": "x", "csrf_token": token})
    assert _last_audit().result == "failed"
    assert db.session.scalar(select(Department).where(Department.name == "x")) is None
