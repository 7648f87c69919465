"""What the diner page shows and says after a tap: a green or red state, plain words and a voice prompt.

A tap ends in one :func:`charged` or :func:`refused` event (``tap`` on the event stream). Each names the sound the
page plays, a file under ``pos/static/audio/`` (see :mod:`pos.audio`).

Events are built once, in Chinese, for every open page. A page in another language gets them through
:func:`localizer`: the headline and the message are looked up by the event's stable code (never by the server's
Chinese sentence) in :data:`MESSAGES` and :data:`HEADLINES`, whose texts are the message ids of the terminal's
catalogue (``pos/translations/en``).
"""
from __future__ import annotations

from typing import Callable

from cardreader.errors import MESSAGES as READER_MESSAGES
from pos.i18n import N_
from pos.status_words import localize_status, words

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
    "insufficient_balance": N_("余额不足"), "card_lost": N_("此卡已挂失"), "card_replaced": N_("此卡已停用"),
    "card_cancelled": N_("此卡已注销"), "person_cancelled": N_("此卡已注销"), "unknown_card": N_("未登记的卡"),
    "repeated_tap": N_("请勿重复刷卡"), "outside_meal_period": N_("不在就餐时间"), "no_price": N_("不在就餐时间"),
    "meal_limit_reached": N_("已达就餐上限"), "daily_limit_reached": N_("已达就餐上限"),
    "not_booked": N_("未报餐"),
    "server_unreachable": N_("网络故障"),
    "outbox_full": N_("脱机记录已满"), "outbox_too_old": N_("脱机记录积压过久"), "outbox_damaged": N_("脱机记录损坏"),
    "no_snapshot": N_("无脱机数据"), "snapshot_too_old": N_("脱机数据过期"), "offline_charge_limit": N_("超过脱机限额"),
    "offline_card_limit": N_("超过脱机限额"), "offline_disabled": N_("网络故障"),
}
#: Headlines of the green state, and of a refusal without its own.
OK_HEADLINE, OFFLINE_OK_HEADLINE = N_("扣款成功"), N_("扣款成功（脱机）")
READ_FAILED, TAP_FAILED = N_("读卡失败"), N_("刷卡失败")
#: What the page says for each code, in plain words: what happened, whether money moved, what to do next.
MESSAGES = {
    "insufficient_balance": N_("余额不足，未扣款。请到收银台充值。"),
    "card_lost": N_("此卡已挂失，不能消费。如已找回，请到收银台解挂。"),
    "card_replaced": N_("此卡已补办新卡，旧卡停用。请使用新卡。"),
    "card_cancelled": N_("此卡已注销，不能消费。"),
    "person_cancelled": N_("此账户已清退，不能消费。"),
    "unknown_card": N_("此卡未登记，未扣款。请到收银台办理。"),
    "repeated_tap": N_("刚才已经扣过款，请勿重复刷卡。"),
    "outside_meal_period": N_("现在不是就餐时间，未扣款。"),
    "no_price": N_("本餐没有为您的类别定价，未扣款。请到收银台咨询。"),
    "meal_limit_reached": N_("本餐已达就餐次数上限，未扣款。"),
    "daily_limit_reached": N_("今日已达消费上限，未扣款。"),
    "not_booked": N_("本餐须提前报餐，您未报餐，未扣款。"),
    "server_unreachable": N_("服务器无应答，无法确认是否扣款。请到收银台核实，勿重复刷卡。"),
    "offline_disabled": N_("网络故障，本终端未开启脱机消费，未扣款。"),
    "outbox_damaged": N_("脱机记录文件损坏，暂停脱机消费，请联系管理员。"),
    "no_snapshot": N_("没有可用的脱机数据，暂不能脱机消费。"),
    "snapshot_too_old": N_("脱机数据已过期，暂不能脱机消费。"),
    "outbox_full": N_("脱机记录已满，请等待网络恢复。"),
    "outbox_too_old": N_("脱机记录积压过久，请等待网络恢复。"),
    "offline_charge_limit": N_("超过脱机单笔消费限额，未扣款。"),
    "offline_card_limit": N_("超过本卡今日脱机消费限额，未扣款。"),
    # The card reader's refusals (cardreader.errors.MESSAGES), marked here for the catalogue.
    "card_removed_mid_read": N_("卡片移开太快，读卡未完成，未扣款。请重新刷卡。"),
    "bad_status": N_("卡片应答异常，未扣款。请重新刷卡，仍不行请到收银台处理。"),
    "bad_response": N_("卡片应答无法识别，未扣款。请重新刷卡，仍不行请到收银台处理。"),
    "bad_uid_length": N_("卡号长度不对，此卡不能用于就餐。请到收银台处理。"),
    "random_uid": N_("此卡每次刷卡卡号都会变化（随机卡号），不能用作饭卡。请使用食堂发放的饭卡。"),
    "not_card_number": N_("读到的不是饭卡卡号，未扣款。请重新刷卡。"),
    "card_unresponsive": N_("卡片没有响应，未扣款。请把卡放平后重新刷卡。"),
    "reader_error": N_("读卡器通讯出错，未扣款。请重新刷卡。"),
    # Guest meal tickets scanned at the till (pos.views.guest_tickets), charged to the department.
    "ticket_unknown": N_("无法识别此招待餐券，未记账。请联系接待部门。"),
    "ticket_used": N_("此招待餐券已使用过，未记账。"),
    "ticket_expired": N_("此招待餐券已过期，未记账。"),
    "ticket_wrong_day": N_("此招待餐券不是今天的，未记账。"),
    "ticket_wrong_meal": N_("此招待餐券不是本餐次的，未记账。"),
    "ticket_not_approved": N_("此招待用餐申请未获批准或已撤销，未记账。"),
}
assert all(MESSAGES[code] == text for code, text in READER_MESSAGES.items()), "reader messages out of step"
#: Said for a refusal code this terminal does not know (a newer server): nothing was charged.
UNKNOWN_REFUSAL = N_("刷卡未成功，未扣款。请到收银台咨询。")

#: What the page says when the server did not answer: the charge may or may not have been booked.
UNREACHABLE_MESSAGE = MESSAGES["server_unreachable"]


def charged(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after a meal charge (the server's ``/taps`` answer)."""
    person = body.get("person") or {}
    return {"state": "ok", "headline": OK_HEADLINE, "message": body.get("meal_period") or "",
            "name": person.get("name"), "staff_no": person.get("staff_no"), "uid": uid,
            "amount": body.get("amount"), "from_subsidy": body.get("from_subsidy"),
            "from_cash": body.get("from_cash"), "cash_left": body.get("cash_left"),
            "subsidy_left": body.get("subsidy_left"), "low_balance": bool(body.get("low_balance")),
            "low_balance_threshold": body.get("low_balance_threshold"),
            "entry_id": (body.get("entry") or {}).get("id"), "sound": "ok", "seen": seen}


def charged_offline(body: dict, *, seen: float, uid: str) -> dict:
    """The green state after an offline charge (in the outbox, booked when the server is back)."""
    return {"state": "ok", "headline": OFFLINE_OK_HEADLINE, "message": body.get("meal_period") or "",
            "name": (body.get("person") or {}).get("name"), "uid": uid, "amount": body["amount"],
            "balance_left": body.get("balance_left"), "offline": True, "offline_seq": body["seq"],
            "sound": "ok", "seen": seen}


def refused(code: str, message: str | None, *, seen: float, uid: str | None = None) -> dict:
    """The red state: nothing was charged (or, for ``server_unreachable``, it cannot be known). `message` is the
    server's or reader's sentence; without one, this terminal's own for the code."""
    if code == "server_unreachable" or not message:
        message = MESSAGES.get(code, UNKNOWN_REFUSAL)
    headline = HEADLINES.get(code) or (READ_FAILED if SOUNDS.get(code) == "read_error" else TAP_FAILED)
    return {"state": "refused", "code": code, "headline": headline, "message": message, "uid": uid,
            "sound": SOUNDS.get(code, "failed"), "seen": seen}


def localize(name: str, data: dict, gettext: Callable[[str], str]) -> dict:
    """Event `name` with its words in the page's language: headline and message chosen by the stable code (or
    the message id the event carries)."""
    if name in ("tap", "card_error") and data.get("headline"):
        data = dict(data, headline=gettext(data["headline"]))
        if data.get("state") == "refused":
            data["message"] = gettext(MESSAGES.get(data.get("code"), UNKNOWN_REFUSAL))
        elif data.get("text"):  # a message this terminal wrote, with blanks (a guest ticket's)
            data["message"] = words(data["text"], data.get("args"), gettext)
    elif name == "card" and data.get("code"):
        data = dict(data, message=gettext(MESSAGES.get(data["code"], UNKNOWN_REFUSAL)))
    return data


def localizer(locale: str, gettext: Callable[[str], str]) -> Callable[[str, dict], dict] | None:
    """What a page in `locale` applies to each event (taps, and the status bar's tooltips); None for Chinese, the
    language events are built in."""
    if locale.startswith("zh"):
        return None
    return lambda name, data: localize_status(name, localize(name, data, gettext), gettext)
