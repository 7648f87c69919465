"""Opening and closing cashier shifts, and the shift report (交班报表)."""
from flask import jsonify
from flask_smorest import Blueprint

from canteen.api.auth import current_operator
from canteen.api.schemas import CloseShiftBody, OpenShiftBody
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import Shift
from canteen.services.common import open_shift_of
from canteen.services.shifts import close_shift, open_shift, shift_report

blp = Blueprint("shifts", __name__, url_prefix="/api/v1", description="Cashier shifts")

OPERATOR = [{"operatorToken": []}]


@blp.post("/shifts/open")
@blp.arguments(OpenShiftBody)
@blp.doc(summary="Open a shift with the float in the drawer", parameters=[KEY_PARAMETER], security=OPERATOR)
def open_(body):
    """开班."""
    current_operator()
    return write("open_shift", body, lambda actor: (201, shift_report(
        db.session, open_shift(db.session, actor, rules(), opening_float=body["opening_float"]))))


@blp.post("/shifts/close")
@blp.arguments(CloseShiftBody)
@blp.doc(summary="Close the shift with the counted cash; returns the shift report",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def close(body):
    """交班结算."""
    current_operator()
    return write("close_shift", body, lambda actor: (200, shift_report(
        db.session, close_shift(db.session, actor, rules(), counted_cash=body["counted_cash"]))))


@blp.get("/shifts/current")
@blp.doc(summary="The signed-in operator's open shift so far", security=OPERATOR)
def current():
    """The running shift report, or 409 ``no_open_shift``."""
    shift = open_shift_of(db.session, current_operator())
    if shift is None:
        raise DomainError("no_open_shift")
    return jsonify(shift_report(db.session, shift))


@blp.get("/shifts/<int:shift_id>")
@blp.doc(summary="A shift's report (own shifts; managers and admins any)", security=OPERATOR)
def show(shift_id):
    """The report of one shift."""
    operator = current_operator()
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise DomainError("not_found")
    if shift.operator_id != operator.id and operator.role not in ("manager", "admin", "auditor"):
        raise DomainError("forbidden")
    return jsonify(shift_report(db.session, shift))
