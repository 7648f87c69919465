"""Guest meals (接待用餐): requests on a department's behalf, the second operator's decision, printable tickets."""
from datetime import date

import segno
from flask import abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from admin.actions import actor, new_request_key, perform, rules
from admin.blueprint import bp
from admin.formatting import error_text
from admin.security import READERS, WRITERS, requires
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Department, MealPeriod, Operator
from canteen.models.guest_meals import GuestMealRequest, GuestTicketRedemption
from canteen.services.guest_meals import (
    approve_guest_request,
    cancel_guest_request,
    department_balances,
    reject_guest_request,
    request_guest_meals,
    ticket_code,
)

STATE_LABELS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回", "cancelled": "已撤销"}
#: Each decision on a request: the service and what the operator is told.
DECISIONS = {"approve": (approve_guest_request, "已批准，餐券已生成"), "reject": (reject_guest_request, "已驳回"),
             "cancel": (cancel_guest_request, "已撤销，未用餐券作废")}


def _page(**extra):
    requests_ = db.session.scalars(select(GuestMealRequest).order_by(GuestMealRequest.id.desc()).limit(200)).all()
    return render_template(
        "admin/guest_meals.html", requests=requests_, states=STATE_LABELS, balances=department_balances(db.session),
        departments={d.id: d for d in db.session.scalars(select(Department).order_by(Department.code))},
        periods={p.id: p for p in db.session.scalars(select(MealPeriod).order_by(MealPeriod.start_time))},
        operators=dict(db.session.execute(select(Operator.id, Operator.name)).all()),
        request_key=new_request_key(), **extra)


def _number(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.get("/guest-meals")
@requires(*READERS)
def guest_meals():
    """Requests, their state, and what each department owes for its guests' meals."""
    return _page()


@bp.post("/guest-meals")
@requires(*WRITERS)
def guest_meal_request():
    """A new request; it waits for another manager's or admin's decision."""
    try:
        day = date.fromisoformat((request.form.get("day") or "")[:10])
    except ValueError:
        return _page(error=error_text(DomainError("invalid_date")), form=request.form), 400
    done = perform("guest_meal.request", f"department:{request.form.get('department')}", lambda: request_guest_meals(
        db.session, actor(), rules(), department_id=_number("department"), day=day,
        meal_period_id=_number("meal_period"), guests=_number("guests"), purpose=request.form.get("purpose"),
        contact=request.form.get("contact")), done="申请已提交，待另一名管理员审批")
    return redirect(url_for("admin.guest_meals")) if done else (_page(form=request.form), 400)


@bp.post("/guest-meals/<int:request_id>/<any(approve, reject, cancel):decision>")
@requires(*WRITERS)
def guest_meal_decide(request_id: int, decision: str):
    """Approve (tickets are issued), reject, or withdraw an approved request."""
    db.session.get(GuestMealRequest, request_id) or abort(404)
    service, done = DECISIONS[decision]
    extra = {} if decision == "cancel" else {"note": request.form.get("note")}
    perform(f"guest_meal.{decision}", f"guest_meal_request:{request_id}",
            lambda: service(db.session, actor(), rules(), request_id=request_id, **extra), done=done)
    return redirect(url_for("admin.guest_meals"))


@bp.get("/guest-meals/<int:request_id>/tickets")
@requires(*WRITERS)
def guest_meal_tickets(request_id: int):
    """The request's tickets with their QR codes, laid out to print (one per guest)."""
    found = db.session.get(GuestMealRequest, request_id) or abort(404)
    if found.state != "approved":
        abort(404)
    used = set(db.session.scalars(select(GuestTicketRedemption.ticket_id).where(
        GuestTicketRedemption.ticket_id.in_([t.id for t in found.tickets]))))
    secret = current_app.config["SECRET_KEY"]
    tickets = []
    for ticket in found.tickets:
        code = ticket_code(ticket, secret)
        svg = segno.make(code, error="m").svg_inline(scale=4, title=f"{found.id}-{ticket.number}")
        tickets.append({"ticket": ticket, "code": code, "qr": Markup(svg), "used": ticket.id in used})
    return render_template("admin/guest_tickets.html", request_=found, tickets=tickets,
                           department=db.session.get(Department, found.department_id),
                           period=db.session.get(MealPeriod, found.meal_period_id))
