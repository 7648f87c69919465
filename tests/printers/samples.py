"""One receipt of each kind with fixed values, as the till would build them after a service call."""
from datetime import datetime

from printers import (card_cancel_receipt, card_issue_receipt, card_reissue_receipt, loss_report_receipt,
                      meal_charge_receipt, refund_receipt, shift_report_receipt, top_up_receipt)

from .conftest import TAKEN_AT

COMMON = {"canteen": "区政府机关食堂", "terminal": "T01", "time": TAKEN_AT}


def meal_charge():
    """Lunch of ￥12.50, ￥10.00 from the subsidy wallet and ￥2.50 from cash."""
    return meal_charge_receipt(**COMMON, entry_no="T01-000123", person="李四", card_no="04A1B2C3", amount=1250,
                               subsidy_paid=1000, meal_period="午餐", cash_balance=8750, subsidy_balance=0)


def top_up():
    """￥100.00 topped up by WeChat."""
    return top_up_receipt(**COMMON, entry_no="T01-000124", operator="张三", person="李四", card_no="04A1B2C3",
                          amount=10000, method="wechat", cash_balance=18750)


def refund():
    """A wrong ￥12.50 charge refunded: ￥10.00 back to the subsidy wallet, ￥2.50 to cash."""
    return refund_receipt(**COMMON, entry_no="T01-000125", operator="张三", person="李四", card_no="04A1B2C3",
                          amount=1250, subsidy_refunded=1000, original_entry_no="T01-000123", reason="重复扣款",
                          cash_balance=19000, subsidy_balance=1000)


def card_issue():
    """A new card with a ￥20.00 deposit and a first top-up of ￥50.00 in cash."""
    return card_issue_receipt(**COMMON, entry_no="T01-000126", operator="张三", person="王小明", staff_no="0158",
                              card_no="04D5E6F7", deposit=2000, top_up=5000, method="cash", cash_balance=5000)


def card_reissue():
    """A replacement card with a ￥10.00 fee paid in cash; the balances carry over unchanged."""
    return card_reissue_receipt(**COMMON, entry_no="T01-000127", operator="张三", person="李四",
                                old_card_no="04A1B2C3", new_card_no="04C0FFEE", fee=1000, cash_balance=19000,
                                subsidy_balance=1000)


def loss_report():
    """A card reported lost; no money moves."""
    return loss_report_receipt(**COMMON, entry_no="T01-000128", operator="张三", person="李四",
                               card_no="04A1B2C3", cash_balance=19000, subsidy_balance=1000)


def card_cancel():
    """A card cancelled: ￥190.00 balance and ￥20.00 deposit paid out in cash, ￥10.00 subsidy cleared."""
    return card_cancel_receipt(**COMMON, entry_no="T01-000129", operator="张三", person="李四",
                               card_no="04C0FFEE", balance_refund=19000, deposit_refund=2000, subsidy_cleared=1000)


def shift_report():
    """A morning shift that ends ￥3.00 short."""
    return shift_report_receipt(
        canteen="区政府机关食堂", terminal="T01", operator="张三", shift_no="S20250304-1",
        opened_at=datetime(2025, 3, 4, 7, 0), closed_at=datetime(2025, 3, 4, 15, 0),
        operations=[("top_up", 12, 120000), ("refund", 1, -1250), ("card_issue", 2, 4000), ("card_cancel", 1, -21000)],
        methods=[("cash", 10, 100000), ("wechat", 5, 23000), ("alipay", 0, 0)],
        expected_cash=102000, counted_cash=101700)


ALL = {"meal_charge": meal_charge, "top_up": top_up, "refund": refund, "card_issue": card_issue,
       "card_reissue": card_reissue, "loss_report": loss_report, "card_cancel": card_cancel,
       "shift_report": shift_report}
