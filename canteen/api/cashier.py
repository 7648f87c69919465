"""Top-ups and refunds at the till, and the second operator's approval of large refunds."""
from flask import jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from canteen.api.auth import current_operator
from canteen.api.schemas import RefundBody, TopUpBody
from canteen.api.serialize import balances, entry_dict, person_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import RefundRequest
from canteen.services.cards import usable_card
from canteen.services.people import get_person
from canteen.services.refunds import APPROVERS, RefundOutcome, decide_refund, refund
from canteen.services.topup import top_up

blp = Blueprint("cashier", __name__, url_prefix="/api/v1", description="Top-ups and refunds")

OPERATOR = [{"operatorToken": []}]


def request_dict(request: RefundRequest) -> dict:
    """A refund request and its state."""
    return {"id": request.id, "original_id": request.original_id, "amount": request.amount,
            "reason": request.reason, "state": request.state, "requested_by": request.requested_by,
            "decided_by": request.decided_by, "entry_id": request.entry_id,
            "requested_dt": request.requested_dt.isoformat()}


def outcome_response(outcome: RefundOutcome) -> tuple[int, dict]:
    """201 with the refund entry, or 202 with the request awaiting approval."""
    body = {"entry": entry_dict(outcome.entry), "cash_back": outcome.cash_back,
            "subsidy_back": outcome.subsidy_back,
            "request": request_dict(outcome.request) if outcome.request else None}
    if outcome.entry is None and outcome.request is not None and outcome.request.state == "pending":
        body["error"] = {"code": "approval_required", "message": DomainError("approval_required").message()}
        return 202, body
    return (201 if outcome.entry else 200), body


@blp.post("/top-ups")
@blp.arguments(TopUpBody)
@blp.doc(summary="Top up a diner's cash wallet (cash only inside an open shift)",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def create_top_up(body):
    """Credit the person (by id or by card UID) with the amount paid by the given method."""
    current_operator()

    def action(actor):
        if "person_id" in body:
            person = get_person(db.session, body["person_id"])
        elif "uid" in body:
            person = usable_card(db.session, body["uid"]).person
        else:
            raise DomainError("invalid_input", "person_id 或 uid 必填其一")
        booked = top_up(db.session, actor, rules(), person=person, amount=body["amount"], method=body["method"])
        return 201, {"entry": entry_dict(booked.entry), "person": person_dict(person),
                     "balances": balances(db.session, person)}

    return write("top_up", body, action)


@blp.post("/refunds")
@blp.arguments(RefundBody)
@blp.doc(summary="Refund (part of) a meal charge; above the threshold it waits for approval (202)",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def create_refund(body):
    """Refund a meal charge, or file a request a manager must approve."""
    current_operator()
    return write("refund", body, lambda actor: outcome_response(refund(
        db.session, actor, rules(), original_id=body["entry_id"], amount=body["amount"],
        reason=body.get("reason"))))


@blp.get("/refund-requests")
@blp.doc(summary="Refund requests waiting for approval", security=OPERATOR)
def pending_requests():
    """Pending refund requests, oldest first."""
    current_operator()
    rows = db.session.scalars(select(RefundRequest).where(RefundRequest.state == "pending")
                              .order_by(RefundRequest.id)).all()
    return jsonify(requests=[request_dict(r) for r in rows])


def _decide(request_id: int, approve: bool):
    operator = current_operator()
    if operator.role not in APPROVERS:
        raise DomainError("forbidden")
    return write("approve" if approve else "reject", {"request_id": request_id},
                 lambda actor: outcome_response(decide_refund(
                     db.session, actor, rules(), request_id=request_id, approve=approve)))


@blp.post("/refund-requests/<int:request_id>/approve")
@blp.doc(summary="Approve a refund request (a different operator, manager or admin)",
         parameters=[KEY_PARAMETER], security=OPERATOR)
def approve(request_id):
    """Book the requested refund."""
    return _decide(request_id, True)


@blp.post("/refund-requests/<int:request_id>/reject")
@blp.doc(summary="Reject a refund request", parameters=[KEY_PARAMETER], security=OPERATOR)
def reject(request_id):
    """Refuse the requested refund; nothing is booked."""
    return _decide(request_id, False)
