"""What the diner page shows and says after a tap: a green or red state, plain words and a voice prompt.

A tap ends in one :func:`charged` or :func:`refused` event (``tap`` on the event stream). Each names the sound the
page plays, a file under ``pos/static/audio/`` (see :mod:`pos.audio`).
"""
from __future__ import annotations

#: Server and reader refusal codes -> the voice prompt the page plays.
SOUNDS = {
    "insufficient_balance": "insufficient", "card_lost": "lost", "card_replaced": "disabled",
    "card_cancelled": "disabled", "person_cancelled": "disabled", "unknown_card": "unknown",
    "repeated_tap": "repeated", "outside_meal_period": "no_meal", "no_price": "no_meal",
    "meal_limit_reached": "limit", "daily_limit_reached": "limit", "server_unreachable": "offline",
    "random_uid": "read_error", "card_removed_mid_read": "read_error", "bad_status": "read_error",
    "bad_response": "read_error", "bad_uid_length": "read_error", "not_card_number": "read_error",
    "card_unresponsive": "read_error", "reader_error": "read_error",
}

#: Short headline for the big red state; the server's or reader's sentence follows it.
HEADLINES = {
    "insufficient_balance": "余额不足", "card_lost": "此卡已挂失", "card_replaced": "此卡已停用",
    "card_cancelled": "此卡已注销", "person_cancelled": "此卡已注销", "unknown_card": "未登记的卡",
    "repeated_tap": "请勿重复刷卡", "outside_meal_period": "不在就餐时间", "no_price": "不在就餐时间",
    "meal_limit_reached": "已达就餐上限", "daily_limit_reached": "已达就餐上限",
    "server_unreachable": "网络故障",
    "outbox_full": "脱机记录已满", "outbox_too_old": "脱机记录积压过久", "outbox_damaged": "脱机记录损坏",
    "no_snapshot": "无脱机数据", "snapshot_too_old": "脱机数据过期", "offline_charge_limit": "超过脱机限额",
    "offline_card_limit": "超过脱机限额", "offline_disabled": "网络故障",
}

#: What the page says when the server did not answer: the charge may or may not have been booked.
UNREACHABLE_MESSAGE = "服务器无应答，无法确认是否扣款。请到收银台核实，勿重复刷卡。"


def charged(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after a meal charge (the server's ``/taps`` answer)."""
    person = body.get("person") or {}
    return {"state": "ok", "headline": "扣款成功", "message": body.get("meal_period") or "",
            "name": person.get("name"), "staff_no": person.get("staff_no"), "uid": uid,
            "amount": body.get("amount"), "from_subsidy": body.get("from_subsidy"),
            "from_cash": body.get("from_cash"), "cash_left": body.get("cash_left"),
            "subsidy_left": body.get("subsidy_left"),
            "entry_id": (body.get("entry") or {}).get("id"), "sound": "ok", "seen": seen}


def charged_offline(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after an offline charge (in the outbox, booked when the server is back)."""
    return {"state": "ok", "headline": "扣款成功（脱机）", "message": body.get("meal_period") or "",
            "name": (body.get("person") or {}).get("name"), "uid": uid, "amount": body["amount"],
            "balance_left": body.get("balance_left"), "offline": True, "offline_seq": body["seq"],
            "sound": "ok", "seen": seen}


def refused(code: str, message: str, *, seen: float, uid: str | None = None) -> dict:
    """The red state: nothing was charged (or, for ``server_unreachable``, it cannot be known)."""
    if code == "server_unreachable":
        message = UNREACHABLE_MESSAGE
    headline = HEADLINES.get(code) or ("读卡失败" if SOUNDS.get(code) == "read_error" else "刷卡失败")
    return {"state": "refused", "code": code, "headline": headline, "message": message, "uid": uid,
            "sound": SOUNDS.get(code, "failed"), "seen": seen}
