"""Operators and roles (admin only), and departments (admin and manager)."""
import re

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admin.actions import perform
from admin.auth import check_password_rules, hash_password
from admin.blueprint import bp
from admin.security import READERS, WRITERS, requires
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, Operator
from canteen.models.staff import ROLES

_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,50}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@bp.get("/operators")
@requires("admin")
def operators():
    """Every operator with role, state and lockout."""
    found = list(db.session.scalars(select(Operator).order_by(Operator.username)))
    return render_template("admin/operators.html", operators=found, roles=ROLES)


@bp.post("/operators/new")
@requires("admin")
def operator_new():
    """Create an operator; the password must follow the rules."""
    form = request.form

    def create():
        username, name, role = (form.get("username") or "").strip(), (form.get("name") or "").strip(), form.get("role")
        if not _USERNAME.match(username) or not name or len(name) > 50 or role not in ROLES:
            raise DomainError("invalid_input", "用户名（3-50 位字母数字）、姓名或角色无效")
        problem = check_password_rules(form.get("password") or "", username)
        if problem:
            raise DomainError("invalid_input", problem)
        operator = Operator(username=username, name=name, role=role, password_hash=hash_password(form["password"]))
        db.session.add(operator)
        return operator

    perform("operator.create", f"operator:{(form.get('username') or '')[:50]}", create, done="操作员已创建",
            detail=f"role {form.get('role')}")
    return redirect(url_for("admin.operators"))


@bp.post("/operators/<int:operator_id>")
@requires("admin")
def operator_edit(operator_id: int):
    """Change role or active state, reset the password, or lift a lockout."""
    operator = db.session.get(Operator, operator_id) or abort(404)
    form = request.form

    def edit():
        if operator.id == request_operator_id() and (form.get("role") != "admin" or not form.get("active")):
            raise DomainError("invalid_input", "不能降低或停用自己的管理员账户")
        if form.get("role") not in ROLES:
            raise DomainError("invalid_input", "角色无效")
        operator.role, operator.active = form["role"], bool(form.get("active"))
        if form.get("password"):
            problem = check_password_rules(form["password"], operator.username)
            if problem:
                raise DomainError("invalid_input", problem)
            operator.password_hash = hash_password(form["password"])
        if form.get("unlock"):
            operator.failed_logins, operator.locked_until_dt = 0, None
        return operator

    changes = f"role {form.get('role')} active {bool(form.get('active'))}"
    if form.get("password"):
        changes += " password reset"
    perform("operator.edit", f"operator:{operator.username}", edit, done="已保存", detail=changes)
    return redirect(url_for("admin.operators"))


def request_operator_id() -> int:
    """The signed-in operator's id."""
    return current_user.operator.id


@bp.get("/departments")
@requires(*READERS)
def departments():
    """Departments (科室/部门)."""
    found = list(db.session.scalars(select(Department).order_by(Department.code)))
    return render_template("admin/departments.html", departments=found)


@bp.post("/departments")
@requires(*WRITERS)
def department_save():
    """Create a department, or rename / (de)activate one (``id`` given)."""
    form = request.form

    def save():
        code, name = (form.get("code") or "").strip(), (form.get("name") or "").strip()
        if not _CODE.match(code) or not name or len(name) > 100:
            raise DomainError("invalid_input", "编码（字母数字）或名称无效")
        raw = form.get("id") or ""
        department = db.session.get(Department, int(raw)) if raw.isdigit() and len(raw) < 12 else None
        if raw and department is None:
            raise DomainError("not_found", "部门")
        if department is None:
            department = Department(code=code, name=name)
            db.session.add(department)
        department.code, department.name, department.active = code, name, form.get("active", "1") == "1"
        return department

    perform("department.save", f"department:{(form.get('code') or '')[:32]}", save, done="部门已保存")
    return redirect(url_for("admin.departments"))
