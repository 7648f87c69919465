"""Cashier shifts (班次) in the back office: the list with each shift's settlement, and opening or closing
one's own shift (交班) through :mod:`canteen.services.shifts`, audited like every money action."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin.actions import actor, new_request_key, perform, rules, yuan_to_fen
from admin.blueprint import bp
from admin.security import READERS, requires
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Shift
from canteen.services.common import open_shift_of
from canteen.services.shifts import close_shift, expected_cash, open_shift, shift_report

#: Who may keep a till: the roles the shift services accept.
TILL_ROLES = ("admin", "manager", "cashier")


def _visible():
    """Shifts the signed-in operator may read: all of them, or a cashier's own."""
    query = select(Shift).order_by(Shift.id.desc()).limit(200)
    if current_user.role not in READERS:
        query = query.where(Shift.operator_id == current_user.operator.id)
    return query


@bp.get("/shifts")
@requires(*READERS, "cashier")
def shifts():
    """Recent shifts, and the form to open or close the operator's own shift."""
    mine = open_shift_of(db.session, current_user.operator) if current_user.role in TILL_ROLES else None
    return render_template("admin/shifts.html", shifts=list(db.session.scalars(_visible())), mine=mine,
                           expected=expected_cash(db.session, mine) if mine else None,
                           request_key=new_request_key(), till_roles=TILL_ROLES)


@bp.get("/shifts/<int:shift_id>")
@requires(*READERS, "cashier")
def shift(shift_id: int):
    """One shift's settlement (交班报表): operations by kind and method, expected and counted cash."""
    found = db.session.get(Shift, shift_id)
    if found is None or (current_user.role not in READERS and found.operator_id != current_user.operator.id):
        abort(404)
    return render_template("admin/shift.html", shift=found, report=shift_report(db.session, found))


def _amount(name: str):
    try:
        return yuan_to_fen(request.form.get(name))
    except DomainError as exc:
        return exc


@bp.post("/shifts/open")
@requires(*TILL_ROLES)
def shift_open():
    """Open the signed-in operator's shift with its float (备用金)."""
    fen = _amount("opening_float")

    def run():
        if isinstance(fen, DomainError):
            raise fen
        return open_shift(db.session, actor(), rules(), opening_float=fen)

    opened = perform("shift.open", f"operator:{current_user.operator.id}", run, done=_("班次已开始"),
                     detail=None if isinstance(fen, DomainError) else f"opening_float={fen}")
    return redirect(url_for("admin.shift", shift_id=opened.id) if opened else url_for("admin.shifts"))


@bp.post("/shifts/close")
@requires(*TILL_ROLES)
def shift_close():
    """Close the signed-in operator's shift with the cash counted; the difference (长短款) is recorded."""
    fen = _amount("counted_cash")

    def run():
        if isinstance(fen, DomainError):
            raise fen
        return close_shift(db.session, actor(), rules(), counted_cash=fen)

    closed = perform("shift.close", f"operator:{current_user.operator.id}", run, done=_("已交班"),
                     detail=None if isinstance(fen, DomainError) else f"counted_cash={fen}")
    return redirect(url_for("admin.shift", shift_id=closed.id) if closed else url_for("admin.shifts"))
