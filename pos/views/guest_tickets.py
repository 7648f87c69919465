"""Guest meal tickets at the till: a QR scanner types the ticket's code like a keyboard (``GT1-...``).

The diner page's wedge handler sends codes with that prefix here instead of to the card reader; the server
accepts each ticket once and charges its department. The outcome is shown like a tap. A ticket needs the
server (it alone knows whether the ticket was used): offline, it is refused.
"""
from __future__ import annotations

import re
import time

from flask import Blueprint, jsonify, request

from pos.api_client import ServerError
from pos.views.common import fail, till

bp = Blueprint("guest_tickets", __name__)
_CODE = re.compile(r"^GT1-[0-9A-Z-]{1,96}$")

#: Headline of each refusal of a ticket; the server's sentence follows it.
HEADLINES = {"ticket_unknown": "无效餐券", "ticket_used": "餐券已使用", "ticket_expired": "餐券已过期",
             "ticket_wrong_day": "非当日餐券", "ticket_wrong_meal": "非本餐次餐券",
             "ticket_not_approved": "餐券未获批准", "server_unreachable": "网络故障"}


def _yuan(fen) -> str:
    return f"￥{fen // 100}.{fen % 100:02d}" if isinstance(fen, int) else ""


def accepted(body: dict, seen: float) -> dict:
    """The green state after a guest's ticket was accepted."""
    ticket = body.get("ticket") or {}
    return {"state": "ok", "guest": True, "headline": "接待用餐", "name": body.get("department"),
            "message": f"{body.get('meal_period') or ''} 第 {ticket.get('number')}/{ticket.get('of')} 张 · "
                       f"{_yuan(body.get('amount'))} 记入部门账",
            "amount": body.get("amount"), "entry_id": (body.get("entry") or {}).get("id"), "sound": "ok",
            "seen": seen}


def refused(code: str, message: str, seen: float) -> dict:
    """The red state: the ticket was not accepted and nothing was charged (unreachable: cannot be known)."""
    return {"state": "refused", "guest": True, "code": code, "headline": HEADLINES.get(code, "餐券无效"),
            "message": message, "sound": "failed", "seen": seen}


@bp.post("/guest-ticket")
def scan():
    """Redeem the scanned ticket at the server and show the outcome on every open page of this till."""
    if request.headers.get("X-Requested-With") != "pos":
        return fail("forbidden", "请求来源不对", 403)
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
