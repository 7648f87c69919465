"""Booking meals (报餐) on the phone: the diner's own, and a secretary's for their department."""
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from sqlalchemy import select

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import MealPeriod, Person, utcnow
from canteen.services.bookings import booked_meals, change_booking, rules_by_period, secretary_departments, window
from diner.blueprint import bp
from diner.security import audit, current_diner, lang, render, signed_in, today

DAYS_SHOWN = 7
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _horizon() -> int:
    return int(current_app.config.get("BOOKING_HORIZON_DAYS", 14))


def _periods() -> list[MealPeriod]:
    return list(db.session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                                   .order_by(MealPeriod.start_time)))


def _grid(person_ids, days, periods):
    """Per (day, period): whether booking is open, its deadline, and who of `person_ids` booked."""
    rules, now, tz = rules_by_period(db.session), utcnow(), current_app.config["TIMEZONE"]
    booked = booked_meals(db.session, person_ids, days[0], days[-1])
    cells = {}
    for day in days:
        for period in periods:
            cells[(day, period.id)] = window(db.session, period, day, now=now, tz=tz, horizon_days=_horizon(),
                                             rule=rules.get(period.id))
    return cells, booked, rules


def _form_choice():
    """The day and meal period a form names; DomainError if either is not a real choice."""
    try:
        day = date.fromisoformat((request.form.get("day") or "")[:10])
    except ValueError:
        raise DomainError("invalid_date", (request.form.get("day") or "")[:20]) from None
    period_id = request.form.get("period") or ""
    period = db.session.get(MealPeriod, int(period_id)) if period_id.isdigit() and len(period_id) < 12 else None
    if period is None:
        raise DomainError("invalid_input", "餐次不存在")
    return day, period


@bp.route("/bookings", methods=["GET", "POST"])
@signed_in
def bookings():
    """The next days' meals: book or cancel each before its deadline."""
    me = current_diner()
    status, error = 200, None
    if request.method == "POST":
        try:
            day, period = _form_choice()
            book = request.form.get("action") != "cancel"
            change_booking(db.session, booker=me, person=me, period=period, day=day, book=book, now=utcnow(),
                           tz=current_app.config["TIMEZONE"], horizon_days=_horizon())
            db.session.commit()
            flash("已报餐" if book else "已取消报餐")
            return redirect(url_for("diner.bookings"))
        except DomainError as exc:
            db.session.rollback()
            status, error = exc.status, exc.message(lang())
    days = [today() + timedelta(days=i) for i in range(DAYS_SHOWN)]
    periods = _periods()
    cells, booked, rules = _grid([me.id], days, periods)
    return render("diner/bookings.html", status, error=error, days=days, periods=periods, cells=cells,
                  booked={(d, p) for _, d, p in booked}, rules=rules, weekdays=WEEKDAYS,
                  departments=secretary_departments(db.session, me.id))


def _department():
    """The department a secretary works on, which must be one of theirs (anything else: 403)."""
    me = current_diner()
    mine = {d.id: d for d in secretary_departments(db.session, me.id)}
    raw = request.values.get("department") or ""
    if not mine:
        abort(403)
    if not raw:
        return next(iter(mine.values()))
    if not raw.isdigit() or int(raw) not in mine:
        audit("booking.department", "denied", me.staff_no, f"department:{raw[:20]}", "not a secretary of it")
        db.session.commit()
        abort(403)
    return mine[int(raw)]


@bp.route("/department", methods=["GET", "POST"])
@signed_in
def department():
    """A secretary books or cancels one meal for people of their department, all or nothing."""
    me, dept = current_diner(), _department()
    status, error = 200, None
    if request.method == "POST":
        try:
            day, period = _form_choice()
            book = request.form.get("action") != "cancel"
            ids = [int(v) for v in request.form.getlist("person") if v.isdigit() and len(v) < 12]
            if not ids:
                raise DomainError("invalid_input", "请选择人员")
            for person_id in ids:
                person = db.session.get(Person, person_id)
                if person is None or person.department_id != dept.id:
                    raise DomainError("forbidden", "只能为本部门人员报餐")
                change_booking(db.session, booker=me, person=person, period=period, day=day, book=book,
                               now=utcnow(), tz=current_app.config["TIMEZONE"], horizon_days=_horizon())
            audit("booking.department", "ok", me.staff_no, f"department:{dept.id}",
                  f"{'book' if book else 'cancel'} {day} {period.code}: {len(ids)} people")
            db.session.commit()
            flash(f"已为 {len(ids)} 人{'报餐' if book else '取消报餐'}")
            return redirect(url_for("diner.department", department=dept.id, day=day.isoformat(), period=period.id))
        except DomainError as exc:
            db.session.rollback()
            status, error = exc.status, exc.message(lang())
    periods = _periods()
    try:
        day = date.fromisoformat((request.values.get("day") or "")[:10])
    except ValueError:
        day = today() + timedelta(days=1)
    raw = request.values.get("period") or ""
    period = next((p for p in periods if str(p.id) == raw), periods[0] if periods else None)
    people = list(db.session.scalars(select(Person).where(Person.department_id == dept.id, Person.state == "active")
                                     .order_by(Person.staff_no)))
    booked = booked_meals(db.session, [p.id for p in people], day, day) if period else set()
    state = window(db.session, period, day, now=utcnow(), tz=current_app.config["TIMEZONE"],
                   horizon_days=_horizon()) if period else None
    return render("diner/department.html", status, error=error, dept=dept, people=people, day=day, period=period,
                  periods=periods, booked={pid for pid, _, p in booked if period and p == period.id}, state=state,
                  refusal_text=DomainError(state.refusal).message(lang()) if state and state.refusal else "",
                  departments=secretary_departments(db.session, me.id))
