"""Card operations at the till: issue (发卡), report loss (挂失), unfreeze (解挂), reissue (补卡), cancel (清退).

Cancelling first shows the cash to pay out (``cancel-quote``); the cashier confirms, then it is booked.
"""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _

from pos import receipts
from pos.views.common import body, cashier_api, operator, till, token, yuan_to_fen
from pos.views.money import card_number, queued, tell_customer
from printers import format_fen

bp = Blueprint("cards", __name__, url_prefix="/cashier/api")


def _ctx():
    return till().context((operator() or {}).get("name"))


@bp.post("/cards/issue")
@cashier_api
def issue():
    """Issue the tapped card to a person, taking the deposit and an optional first top-up."""
    data = body()
    deposit = yuan_to_fen(data.get("deposit") or "0", allow_zero=True)
    first = yuan_to_fen(data.get("top_up") or "0", allow_zero=True)
    method = data.get("method") if data.get("method") in ("cash", "wechat", "alipay", "bank") else "cash"
    request_body = {"person_id": int(data.get("person_id") or 0), "uid": str(data.get("uid") or ""),
                    "deposit": deposit, "top_up": first, "method": method}
    if data.get("printed_no"):
        request_body["printed_no"] = str(data["printed_no"])[:32]
    reply = till().client.post("/api/v1/cards", request_body, token=token())
    job = queued(receipts.card_issue(_ctx(), reply.body, deposit, first, method))
    tell_customer("card_issue", reply.body)
    return jsonify(result=reply.body, job=job, message=_("发卡成功：%(name)s", name=reply.body["person"]["name"])), 201


@bp.post("/cards/<uid>/loss")
@cashier_api
def loss(uid):
    """Report the card lost: refused at every terminal from now on."""
    reply = till().client.post(f"/api/v1/cards/{uid}/loss", token=token())
    job = queued(receipts.loss(_ctx(), reply.body))
    tell_customer("card_loss", reply.body)
    return jsonify(result=reply.body, job=job, message=_("已挂失：%(name)s", name=reply.body["person"]["name"]))


@bp.post("/cards/<uid>/unfreeze")
@cashier_api
def unfreeze(uid):
    """Make a lost card usable again (no money moves, no receipt)."""
    reply = till().client.post(f"/api/v1/cards/{uid}/unfreeze", token=token())
    tell_customer("card_unfreeze", reply.body)
    return jsonify(result=reply.body, job=None, message=_("已解挂：%(name)s", name=reply.body["person"]["name"]))


@bp.post("/cards/<uid>/reissue")
@cashier_api
def reissue(uid):
    """Replace the card with the newly tapped one; the balance stays with the person."""
    data = body()
    fee = yuan_to_fen(data.get("fee") or "0", allow_zero=True)
    method = data.get("fee_method") if data.get("fee_method") in ("cash", "wechat", "alipay", "bank") else "cash"
    request_body = {"new_uid": str(data.get("new_uid") or ""), "fee": fee, "fee_method": method}
    old_card_no = card_number(uid)  # read before: the old card's number, as printed on it
    reply = till().client.post(f"/api/v1/cards/{uid}/reissue", request_body, token=token())
    job = queued(receipts.reissue(_ctx(), reply.body, old_card_no, fee, method))
    tell_customer("card_reissue", reply.body)
    return jsonify(result=reply.body, job=job, message=_("补卡成功：%(name)s", name=reply.body["person"]["name"])), 201


@bp.get("/people/<int:person_id>/cancel-quote")
@cashier_api
def cancel_quote(person_id):
    """What cancelling would pay out now: cash balance plus deposit, and the subsidy returned."""
    return jsonify(till().client.get(f"/api/v1/people/{person_id}/cancel-quote", token=token()).body)


@bp.post("/people/<int:person_id>/cancel")
@cashier_api
def cancel(person_id):
    """Cancel (清退) after the cashier confirmed the quote: cash out from the drawer, every card cancelled."""
    reply = till().client.post(f"/api/v1/people/{person_id}/cancel", token=token())
    job = queued(receipts.cancel(_ctx(), reply.body))
    tell_customer("card_cancel", reply.body)
    message = _("清退完成，请付现金 %(amount)s", amount=format_fen(reply.body["total_paid"]))
    return jsonify(result=reply.body, job=job, message=message)
