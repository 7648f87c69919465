"""The back office's side of booking and self-service (``/admin/bookings``, ``/admin/diner-code``).

The kitchen's counts per meal and day, the booking rules per meal period, department secretaries, and the
one-time codes cashiers give diners. A blueprint of its own (``diner_admin``), registered by :func:`admin.init_app`
only when the self-service pages (``diner``) are served too; it shares the back office's sign-in, roles,
timeouts, CSRF check and audit log.
"""
from datetime import date, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admin import audit
from admin.error_pages import on_blueprint
from admin.filters import today
from admin.formatting import error_text
from admin.security import check_session, remote_addr, requires
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, MealPeriod, Person, utcnow
from canteen.models.bookings import DepartmentSecretary
from canteen.money import yuan
from canteen.services.bookings import booked_counts, rules_by_period, save_rule, set_secretary
from canteen.services.diner_accounts import create_setup_code
from canteen.web_security import check_csrf

kitchen = Blueprint("diner_admin", __name__, url_prefix="/admin", template_folder="templates")
kitchen.before_request(check_session)
on_blueprint(kitchen)
kitchen.before_request(check_csrf)
KITCHEN_DAYS = 7


@kitchen.context_processor
def _inject():
    return {"me": current_user, "role": getattr(current_user, "role", None), "yuan": yuan}


def _audit(action: str, target: str, result: str, detail: str | None = None) -> None:
    audit.record(db.session, action=action, result=result, operator=current_user.operator,
                 remote_addr=remote_addr(), target=target, detail=detail)


@kitchen.get("/bookings")
@requires("admin", "manager", "auditor")
def bookings():
    """Booked meals per day and meal period (what the kitchen cooks for), the rules, the secretaries."""
    return _page()


def _page(status: int = 200, error: str | None = None):
    try:
        start = date.fromisoformat((request.args.get("start") or "")[:10])
    except ValueError:
        start = today()
    days = [start + timedelta(days=i) for i in range(KITCHEN_DAYS)]
    periods = list(db.session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                      .order_by(MealPeriod.start_time)))
    secretaries = db.session.execute(
        select(DepartmentSecretary.id, Department.name, Person.staff_no, Person.name, Department.id, Person.id)
        .join(Department, Department.id == DepartmentSecretary.department_id)
        .join(Person, Person.id == DepartmentSecretary.person_id).order_by(Department.code, Person.staff_no)).all()
    return render_template("diner_admin/bookings.html", error=error, days=days, periods=periods,
                           counts=booked_counts(db.session, days[0], days[-1]), rules=rules_by_period(db.session),
                           secretaries=secretaries, start=start,
                           departments=list(db.session.scalars(select(Department).order_by(Department.code)))
                           ), status


@kitchen.post("/bookings/rules/<int:period_id>")
@requires("admin", "manager")
def booking_rule(period_id: int):
    """Save one meal period's booking rule."""
    period = db.session.get(MealPeriod, period_id)
    form = request.form
    try:
        if period is None:
            raise DomainError("not_found")
        days = form.get("cutoff_days_before") or ""
        try:
            cutoff = time.fromisoformat((form.get("cutoff_time") or "")[:5])
        except ValueError:
            raise DomainError("invalid_input", "截止时间格式应为 HH:MM") from None
        if not days.isdigit():
            raise DomainError("invalid_input", "截止提前天数须为 0 至 7")
        rule = save_rule(db.session, period, required=form.get("required") == "1",
                         walk_in_allowed=form.get("walk_in_allowed") == "1",
                         charge_no_shows=form.get("charge_no_shows") == "1", cutoff_days_before=int(days),
                         cutoff_time=cutoff, now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        _audit("booking.rule", f"meal_period:{period_id}", "failed", exc.code)
        db.session.commit()
        return _page(exc.status, error_text(exc))
    _audit("booking.rule", f"meal_period:{period_id}", "ok", str(rule))
    db.session.commit()
    flash("报餐规则已保存")
    return redirect(url_for("diner_admin.bookings"))


@kitchen.post("/bookings/secretaries")
@requires("admin", "manager")
def secretary():
    """Make a person a department's booking secretary (报餐员), or stop it."""
    form = request.form
    staff_no = (form.get("staff_no") or "").strip()[:32]
    dept_id = form.get("department") or ""
    on = form.get("action") != "remove"
    try:
        person = db.session.scalar(select(Person).where(Person.staff_no == staff_no))
        department = db.session.get(Department, int(dept_id)) if dept_id.isdigit() and len(dept_id) < 12 else None
        if person is None or department is None:
            raise DomainError("invalid_input", "工号或部门不存在")
        set_secretary(db.session, department, person, on)
    except DomainError as exc:
        db.session.rollback()
        return _page(exc.status, error_text(exc))
    _audit("booking.secretary", f"person:{person.id}", "ok", f"{'add' if on else 'remove'} department:{department.id}")
    db.session.commit()
    flash("已设置报餐员" if on else "已取消报餐员")
    return redirect(url_for("diner_admin.bookings"))


@kitchen.route("/diner-code", methods=["GET", "POST"])
@requires("admin", "manager", "cashier")
def diner_code():
    """Create a one-time code for a diner to set their self-service password; shown once, on this page."""
    if request.method == "GET":
        return render_template("diner_admin/code.html", code=None)
    staff_no = (request.form.get("staff_no") or "").strip()[:32]
    person = db.session.scalar(select(Person).where(Person.staff_no == staff_no)) if staff_no else None
    hours = int(current_app.config.get("DINER_CODE_HOURS", 24))
    try:
        if person is None:
            raise DomainError("person_not_found", staff_no or None)
        code = create_setup_code(db.session, person, now=utcnow(), hours=hours,
                                 operator_id=current_user.operator.id)
    except DomainError as exc:
        db.session.rollback()
        _audit("diner.code", f"staff_no:{staff_no}", "failed", exc.code)
        db.session.commit()
        return render_template("diner_admin/code.html", code=None, error=error_text(exc), staff_no=staff_no), 400
    _audit("diner.code", f"person:{person.id}", "ok", f"valid {hours} h")
    db.session.commit()
    return render_template("diner_admin/code.html", code=code, person=person, hours=hours)
