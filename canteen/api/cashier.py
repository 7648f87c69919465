"""Top-ups and refunds at the till, and the second operator's approval of large refunds."""
from flask import jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from canteen.api.auth import current_operator
from canteen.api.schemas import RefundBody, TopUpBody
from canteen.api.serialize import balances, entry_dict, person_dict
from canteen.api.writes import KEY_PARAMETER, rules, write
from canteen.errors import DomainError
from canteen.extensions import db
from canteen.models import JournalEntry, Operator, Person, RefundRequest, Terminal
from canteen.services.cards import usable_card
from canteen.services.people import get_person
from canteen.services.refunds import APPROVERS, RefundOutcome, decide_refund, refund
from canteen.services.topup import top_up

blp = Blueprint("cashier", __name__, url_prefix="/api/v1", description="Top-ups and refunds")

OPERATOR = [{"operatorToken": []}]


class RequestArgs(Schema):
    terminal = fields.String(load_default=None, validate=validate.Length(1, 32),
                             metadata={"description": "only the requests filed at this terminal (its code)"})


def request_dict(request: RefundRequest) -> dict:
    """A refund request, its state, and what an approver needs to judge it: who, how much of which meal."""
    original = db.session.get(JournalEntry, request.original_id)
    person = db.session.get(Person, original.person_id) if original is not None else None
    requester = db.session.get(Operator, request.requested_by)
    decider = db.session.get(Operator, request.decided_by) if request.decided_by else None
    terminal = db.session.get(Terminal, request.terminal_id) if request.terminal_id else None
    return {"id": request.id, "original_id": request.original_id, "amount": request.amount,
            "reason": request.reason, "state": request.state, "requested_by": request.requested_by,
            "decided_by": request.decided_by, "entry_id": request.entry_id,
            "requested_dt": request.requested_dt.isoformat(),
            "original_amount": original.amount if original is not None else None,
            "original_dt": original.created_dt.isoformat() if original is not None else None,
            "person_id": person.id if person else None, "person": person.name if person else None,
            "staff_no": person.staff_no if person else None,
            "requested_by_name": requester.name if requester else None,
            "decided_by_name": decider.name if decider else None,
            "terminal": terminal.code if terminal else None}


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
@blp.arguments(RequestArgs, location="query")
@blp.doc(summary="Refund requests waiting for approval", security=OPERATOR)
def pending_requests(args):
    """Pending refund requests, oldest first (``?terminal=T01``: only those filed at that till)."""
    current_operator()
    query = select(RefundRequest).where(RefundRequest.state == "pending").order_by(RefundRequest.id)
    if args["terminal"]:
        query = query.join(Terminal, Terminal.id == RefundRequest.terminal_id).where(
            Terminal.code == args["terminal"])
    return jsonify(requests=[request_dict(r) for r in db.session.scalars(query).all()])


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
