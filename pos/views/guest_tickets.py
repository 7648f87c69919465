"""Guest meal tickets at the till: a QR scanner types the ticket's code like a keyboard (``GT1-...``).

The diner page's wedge handler sends codes with that prefix here instead of to the card reader; the server
accepts each ticket once and charges its department. The outcome is shown like a tap. A ticket needs the
server (it alone knows whether the ticket was used): offline, it is refused.
"""
from __future__ import annotations

import re
import time

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from pos.api_client import ServerError
from pos.i18n import N_
from pos.status_words import words
from pos.views.common import fail, till

bp = Blueprint("guest_tickets", __name__)
_CODE = re.compile(r"^GT1-[0-9A-Z-]{1,96}$")

#: Headline of each refusal of a ticket; the server's sentence follows it (on a page in another language, the
#: terminal's own words for the code, :data:`pos.outcomes.MESSAGES`).
HEADLINES = {"ticket_unknown": N_("无效餐券"), "ticket_used": N_("餐券已使用"), "ticket_expired": N_("餐券已过期"),
             "ticket_wrong_day": N_("非当日餐券"), "ticket_wrong_meal": N_("非本餐次餐券"),
             "ticket_not_approved": N_("餐券未获批准"), "server_unreachable": N_("网络故障")}
INVALID_TICKET, GUEST_MEAL = N_("餐券无效"), N_("接待用餐")
#: What the green state says: the meal, which ticket of the request, and that the department pays.
ACCEPTED = N_("%(meal)s 第 %(number)s/%(of)s 张 · %(amount)s 记入部门账")


def _yuan(fen) -> str:
    return f"￥{fen // 100}.{fen % 100:02d}" if isinstance(fen, int) else ""


def accepted(body: dict, seen: float) -> dict:
    """The green state after a guest's ticket was accepted."""
    ticket = body.get("ticket") or {}
    args = {"meal": body.get("meal_period") or "", "number": ticket.get("number"), "of": ticket.get("of"),
            "amount": _yuan(body.get("amount"))}
    return {"state": "ok", "guest": True, "headline": GUEST_MEAL, "name": body.get("department"),
            "message": words(ACCEPTED, args), "text": ACCEPTED, "args": args,
            "amount": body.get("amount"), "entry_id": (body.get("entry") or {}).get("id"), "sound": "ok",
            "seen": seen}


def refused(code: str, message: str, seen: float) -> dict:
    """The red state: the ticket was not accepted and nothing was charged (unreachable: cannot be known)."""
    return {"state": "refused", "guest": True, "code": code, "headline": HEADLINES.get(code, INVALID_TICKET),
            "message": message, "sound": "failed", "seen": seen}


@bp.post("/guest-ticket")
def scan():
    """Redeem the scanned ticket at the server and show the outcome on every open page of this till."""
    if request.headers.get("X-Requested-With") != "pos":
        return fail("forbidden", _("请求来源不对"), 403)
    # Scanners type what the keyboard's Caps Lock makes of it: codes are upper case.
    code = str((request.get_json(silent=True) or {}).get("code", "")).strip().upper()[:100]
    seen = time.monotonic()
    if not _CODE.match(code):
        result = refused("ticket_unknown", "扫描内容不是接待餐券", seen)
    else:
        try:
            reply = till().client.post("/api/v1/guest-tickets/redeem", {"code": code})
        except ServerError as exc:
            result = refused(exc.code, exc.message, seen)
        else:
            result = accepted(reply.body, seen)
    till().hub.publish("tap", result)
    return jsonify(result)
