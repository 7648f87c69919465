"""Refund approval at the till (退款审批): a second operator approves or rejects a large refund.

A refund above the server's threshold is only a request (202) until a manager or admin other than the
requester decides it (four eyes). At the till the manager either is the operator signed in, or keys their own
username and password into the approval form: those are used for this one decision and never kept in the
cashier's session. An approval books the refund and prints its receipt naming the approver; a rejection books
nothing.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_babel import gettext as _

from pos import receipts
from pos.api_client import ServerError
from pos.views.common import InputError, body, cashier_api, operator, till, token
from pos.views.money import card_label, queued
from printers import format_fen

bp = Blueprint("approvals", __name__, url_prefix="/cashier/api")


@bp.get("/refund-requests")
@cashier_api
def pending():
    """Refund requests filed at this till that wait for a decision, oldest first."""
    reply = till().client.get("/api/v1/refund-requests", token=token(),
                              params={"terminal": till().settings.terminal_id})
    return jsonify(requests=reply.body["requests"])


def _approver() -> tuple[str, dict]:
    """The deciding operator's token and identity: the one keyed into the form, else the one signed in."""
    data = body()
    username, password = str(data.get("username") or "").strip()[:64], str(data.get("password") or "")
    if not username:
        return token(), operator() or {}
    if not password:
        raise InputError(_("请输入审批人的密码"))
    try:
        reply = till().client.login(username, password)
    except ServerError as exc:
        current_app.logger.warning("refund approval: sign-in of %r refused (%s)", username, exc.code)
        raise
    return reply.body["token"], reply.body["operator"]


def _decide(request_id: int, approve: bool):
    approver_token, approver = _approver()
    action = "approve" if approve else "reject"
    reply = till().client.post(f"/api/v1/refund-requests/{request_id}/{action}", token=approver_token)
    request = reply.body.get("request") or {}
    current_app.logger.info("refund request %s: %s by %s", request_id, action, approver.get("username"))
    if not approve:
        return jsonify(result=reply.body, job=None, message=_("已驳回退款申请，未退款"))
    person, balances, card_no = card_label(reply.body["entry"]["person_id"])
    ctx = till().context(request.get("requested_by_name") or (operator() or {}).get("name"))
    job = queued(receipts.refund(ctx, reply.body, person, balances, card_no, request.get("reason"),
                                 approver=approver.get("name")))
    message = _("退款已批准：%(name)s %(amount)s", name=person["name"],
                amount=format_fen(reply.body["entry"]["amount"]))
    return jsonify(result=reply.body, job=job, message=message), 201


@bp.post("/refund-requests/<int:request_id>/approve")
@cashier_api
def approve(request_id):
    """Approve: the refund is booked and its receipt printed, naming the approver."""
    return _decide(request_id, True)


@bp.post("/refund-requests/<int:request_id>/reject")
@cashier_api
def reject(request_id):
    """Reject: nothing is booked."""
    return _decide(request_id, False)
