"""Cashier money operations: top-up (充值), keyed charge (计价消费), refund (退款), and the look-ups they need.

Each books one operation on the server, then queues its receipt and answers at once: the printer never
holds up a payment.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from pos import customer_display, receipts
from pos.api_client import ServerError
from pos.views.common import body, cashier_api, operator, till, token, yuan_to_fen

bp = Blueprint("money", __name__, url_prefix="/cashier/api")
TOP_UP_METHODS = ("cash", "wechat", "alipay", "bank")


def _ctx():
    return till().context((operator() or {}).get("name"))


def card_label(person_id: int) -> tuple[dict, dict, str]:
    """A person, their balances, and the number of their card in use (printed number, else UID)."""
    data = till().client.get(f"/api/v1/people/{person_id}", token=token()).body
    live = [c for c in data["cards"] if c["state"] == "active"] or data["cards"][-1:]
    card_no = receipts.card_number(live[0]) if live else "-"
    return data["person"], data["balances"], card_no


def card_number(uid: str) -> str:
    """The number printed on the card with this UID, what every receipt shows (the UID if it has none)."""
    try:
        card = till().client.get(f"/api/v1/cards/{uid}", token=token()).body["card"]
    except ServerError:
        return uid
    return receipts.card_number(card)


def tell_customer(kind: str, result: dict, **figures) -> None:
    """Show the diner's side of the action on the customer-facing screen (``/display``), if one is open."""
    till().hub.publish("display", customer_display.event(kind, result, **figures))


def queued(receipt) -> dict | None:
    """Queue a receipt; its job for the page (None without a printer)."""
    job = till().desk.enqueue(receipt)
    return till().desk.job_view(job) if job else None


@bp.post("/top-up")
@cashier_api
def top_up():
    """Top up by tapped card (``uid``) or by a person found by search (``person_id``)."""
    data = body()
    method = data.get("method", "cash")
    if method not in TOP_UP_METHODS:
        method = "cash"
    request_body = {"amount": yuan_to_fen(data.get("amount")), "method": method}
    if data.get("uid"):
        request_body["uid"] = str(data["uid"])
    else:
        request_body["person_id"] = int(data.get("person_id") or 0)
    reply = till().client.post("/api/v1/top-ups", request_body, token=token())
    card_no = card_number(request_body["uid"]) if request_body.get("uid") else card_label(
        reply.body["person"]["id"])[2]
    job = queued(receipts.top_up(_ctx(), reply.body, card_no, method))
    tell_customer("top_up", reply.body)
    return jsonify(result=reply.body, job=job, message=_("充值成功：%(name)s", name=reply.body["person"]["name"])), 201


@bp.post("/charge")
@cashier_api
def charge():
    """Charge an amount the cashier keyed to a tapped card."""
    data = body()
    uid = str(data.get("uid") or "")
    reply = till().client.post("/api/v1/charges", {"uid": uid, "amount": yuan_to_fen(data.get("amount"))},
                               token=token())
    job = queued(receipts.meal(_ctx(), reply.body, card_number(uid)))
    tell_customer("charge", reply.body)
    return jsonify(result=reply.body, job=job, message=_("扣款成功：%(name)s", name=reply.body["person"]["name"]))


@bp.get("/recent-charges")
@cashier_api
def recent_charges():
    """The latest meal charges booked at this till, with the diner's name and what is left to refund (a meal
    refunded in full offers no refund)."""
    entries = till().client.get("/api/v1/terminal/entries", token=token(),
                                params={"kind": "meal", "limit": 20}).body["entries"]
    refunds = till().client.get("/api/v1/terminal/entries", token=token(),
                                params={"kind": "refund", "limit": 200}).body["entries"]
    refunded: dict[int, int] = {}
    for entry in refunds:  # what was refunded of each meal here (a refund's amount is what went back)
        refunded[entry["original_id"]] = refunded.get(entry["original_id"], 0) + abs(entry["amount"])
    names: dict[int, str] = {}
    for entry in entries:
        entry["refunded"] = refunded.get(entry["id"], 0)
        entry["refundable"] = max(abs(entry["amount"]) - entry["refunded"], 0)
        person_id = entry["person_id"]
        if person_id not in names:
            names[person_id] = till().client.get(f"/api/v1/people/{person_id}", token=token()).body["person"]["name"]
        entry["name"] = names[person_id]
    return jsonify(entries=entries)


@bp.post("/refund")
@cashier_api
def refund():
    """Refund (part of) a charge at this till; above the limit it waits for a manager's approval."""
    data = body()
    reason = (data.get("reason") or "").strip()[:200] or None
    request_body = {"entry_id": int(data.get("entry_id") or 0), "amount": yuan_to_fen(data.get("amount"))}
    if reason:
        request_body["reason"] = reason
    reply = till().client.post("/api/v1/refunds", request_body, token=token())
    if reply.status == 202 or not reply.body.get("entry"):
        return jsonify(result=reply.body, job=None, message=_(
            "退款金额超过限额，已提交审批：请主管在“退款审批”中批准")), 202
    person, balances, card_no = card_label(reply.body["entry"]["person_id"])
    job = queued(receipts.refund(_ctx(), reply.body, person, balances, card_no, reason))
    tell_customer("refund", dict(reply.body, person=person), balances=balances)
    return jsonify(result=dict(reply.body, person=person, balances=balances), job=job,
                   message=_("退款成功：%(name)s", name=person["name"])), 201


@bp.get("/people")
@cashier_api
def people():
    """People by staff number or name."""
    q = request.args.get("q", "").strip()
    if not q:
        return jsonify(people=[])
    return jsonify(till().client.get("/api/v1/people", token=token(), params={"q": q}).body)


@bp.get("/people/<int:person_id>")
@cashier_api
def person(person_id):
    """A person with balances and cards."""
    return jsonify(till().client.get(f"/api/v1/people/{person_id}", token=token()).body)


@bp.get("/cards/<uid>")
@cashier_api
def card(uid):
    """A card, its holder and their balances."""
    return jsonify(till().client.get(f"/api/v1/cards/{uid}", token=token()).body)
