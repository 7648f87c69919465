"""Receipts from the server's answers: the till's words for :mod:`printers.kinds` builders.

Each function takes the JSON the API returned for one operation plus who and where (canteen, terminal code,
operator name) and returns a :class:`printers.Receipt`. Times come from the journal entry, shown in the till's
local time zone.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from printers import (
    Receipt,
    card_cancel_receipt,
    card_issue_receipt,
    card_reissue_receipt,
    loss_report_receipt,
    meal_charge_receipt,
    refund_receipt,
    shift_report_receipt,
    top_up_receipt,
)

#: Journal entry kinds -> the shift report's operation codes (printers.shift_report.OPERATIONS) or labels.
ENTRY_OPERATIONS = {"meal": "meal_charge", "top_up": "top_up", "refund": "refund", "card_issue": "card_issue",
                    "card_fee": "补卡工本费", "cancel": "card_cancel", "subsidy": "补贴发放",
                    "subsidy_expiry": "补贴清零"}
#: Server payment methods -> the receipt's method codes.
METHODS = {"bank": "bank_transfer", "wallet": "卡内余额", "fund": "补贴资金"}


class Context:
    """Where and by whom: printed in every receipt's header."""

    def __init__(self, canteen: str, terminal: str, zone: ZoneInfo, operator: str | None = None) -> None:
        self.canteen, self.terminal, self.zone, self.operator = canteen, terminal, zone, operator

    def time(self, entry: dict | None) -> datetime:
        """The entry's booking time in local time (now when there is no entry)."""
        if entry and entry.get("created_dt"):
            return datetime.fromisoformat(entry["created_dt"]).astimezone(self.zone)
        return datetime.now(self.zone)

    def head(self, entry: dict | None) -> dict:
        """The header arguments every builder takes."""
        return {"canteen": self.canteen, "terminal": self.terminal, "time": self.time(entry),
                "entry_no": str(entry["id"]) if entry else None}


def card_number(card: dict) -> str:
    """The card number every receipt prints: the number printed on the card, else its UID (one rule for all
    kinds, so a diner finds the same number on a top-up, a refund and a reissue)."""
    return card.get("printed_no") or card["uid"]


def meal(ctx: Context, body: dict, card_no: str) -> Receipt:
    """消费小票 from a ``/taps`` or ``/charges`` answer."""
    return meal_charge_receipt(**ctx.head(body["entry"]), person=body["person"]["name"], card_no=card_no,
                               amount=body["amount"], cash_balance=body["cash_left"],
                               subsidy_balance=body["subsidy_left"], subsidy_paid=body["from_subsidy"],
                               meal_period=body.get("meal_period"), operator=ctx.operator)


def top_up(ctx: Context, body: dict, card_no: str, method: str) -> Receipt:
    """充值凭条 from a ``/top-ups`` answer."""
    return top_up_receipt(**ctx.head(body["entry"]), operator=ctx.operator or "", person=body["person"]["name"],
                          card_no=card_no, amount=body["entry"]["amount"], method=METHODS.get(method, method),
                          cash_balance=body["balances"]["cash"], subsidy_balance=body["balances"]["subsidy"])


def refund(ctx: Context, body: dict, person: dict, balances: dict, card_no: str, reason: str | None,
           approver: str | None = None) -> Receipt:
    """退款凭条 from a ``/refunds`` (or approved ``/refund-requests``) answer and the person's balances after it."""
    entry = body["entry"]
    return refund_receipt(**ctx.head(entry), operator=ctx.operator or "", person=person["name"], card_no=card_no,
                          amount=entry["amount"], original_entry_no=str(entry["original_id"]),
                          cash_balance=balances["cash"], subsidy_balance=balances["subsidy"],
                          subsidy_refunded=body.get("subsidy_back") or 0, reason=reason, approver=approver)


def card_issue(ctx: Context, body: dict, deposit: int, top_up_amount: int, method: str) -> Receipt:
    """发卡凭条 from a ``POST /cards`` answer."""
    card = body["card"]
    return card_issue_receipt(**ctx.head(body.get("entry")), operator=ctx.operator or "",
                              person=body["person"]["name"], staff_no=body["person"]["staff_no"],
                              card_no=card_number(card), deposit=deposit,
                              top_up=top_up_amount, method=METHODS.get(method, method),
                              cash_balance=body["balances"]["cash"])


def loss(ctx: Context, body: dict) -> Receipt:
    """挂失凭条 from a ``/cards/<uid>/loss`` answer."""
    card = body["card"]
    return loss_report_receipt(**ctx.head(body.get("entry")), operator=ctx.operator or "",
                               person=body["person"]["name"], card_no=card_number(card),
                               cash_balance=body["balances"]["cash"], subsidy_balance=body["balances"]["subsidy"])


def reissue(ctx: Context, body: dict, old_card_no: str, fee: int, method: str) -> Receipt:
    """补卡凭条 from a ``/cards/<uid>/reissue`` answer."""
    card = body["card"]
    return card_reissue_receipt(**ctx.head(body.get("entry")), operator=ctx.operator or "",
                                person=body["person"]["name"], old_card_no=old_card_no,
                                new_card_no=card_number(card),
                                cash_balance=body["balances"]["cash"], subsidy_balance=body["balances"]["subsidy"],
                                fee=fee, method=METHODS.get(method, method))


def cancel(ctx: Context, body: dict) -> Receipt:
    """清退凭条 from a ``/people/<id>/cancel`` answer."""
    cards = body.get("cards") or []
    card_no = ", ".join(card_number(c) for c in cards) or "-"
    return card_cancel_receipt(**ctx.head(body.get("entry")), operator=ctx.operator or "",
                               person=body["person"]["name"], card_no=card_no, balance_refund=body["cash_paid"],
                               deposit_refund=body["deposit_paid"], subsidy_cleared=body["subsidy_returned"])


def shift(ctx: Context, report: dict, terminal: str) -> Receipt:
    """交班报表 from a closed shift's report: per operation and per payment method, then the cash check."""
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_method: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in report["lines"]:
        for table, code in ((by_kind, ENTRY_OPERATIONS.get(line["kind"], line["kind"])),
                            (by_method, METHODS.get(line["method"], line["method"]))):
            if code:
                table[code][0] += line["count"]
                table[code][1] += line["amount"]
    opened = datetime.fromisoformat(report["opened_dt"]).astimezone(ctx.zone)
    closed = datetime.fromisoformat(report["closed_dt"]).astimezone(ctx.zone)
    return shift_report_receipt(canteen=ctx.canteen, terminal=terminal, operator=report["operator"],
                                shift_no=str(report["shift_id"]), opened_at=opened, closed_at=closed,
                                operations=[(k, c, a) for k, (c, a) in by_kind.items()],
                                methods=[(m, c, a) for m, (c, a) in by_method.items()],
                                expected_cash=report["expected_cash"], counted_cash=report["counted_cash"],
                                checkpoint=report.get("checkpoint"))
