"""Builders for the receipts a terminal prints after each card or money operation.

Each takes plain values (names, card numbers, integer fen, datetimes) as the till has them after a service
call, and returns a :class:`~printers.receipt.Receipt`. The shift report lives in :mod:`printers.shift_report`.
"""
from datetime import datetime

from .receipt import Field, Receipt

#: payment method codes the cashier pages use, with the words printed for them
PAYMENT_METHODS = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "bank_transfer": "银行转账"}


def method_label(method: str) -> str:
    """Chinese name of a payment method code; a label already in Chinese passes through unchanged."""
    return PAYMENT_METHODS.get(method, method)


def _balances(cash_balance: int | None, subsidy_balance: int | None) -> tuple[Field, ...]:
    """Balance rows left after the operation: 现金余额 (cash wallet) and 补贴余额 (subsidy wallet)."""
    rows = []
    if cash_balance is not None:
        rows.append(Field("现金余额", cash_balance))
    if subsidy_balance is not None:
        rows.append(Field("补贴余额", subsidy_balance))
    return tuple(rows)


def _person(person: str, card_no: str, card_label: str = "卡号") -> list[Field]:
    """The diner's name and card number rows."""
    return [Field("姓名", value=person), Field(card_label, value=card_no)]


def meal_charge_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, person: str,
                        card_no: str, amount: int, cash_balance: int, subsidy_balance: int | None = None,
                        subsidy_paid: int = 0, meal_period: str | None = None, operator: str | None = None,
                        footer: tuple[str, ...] = ("谢谢惠顾",)) -> Receipt:
    """消费小票: a meal charge, split into subsidy and cash when the subsidy wallet paid part of it."""
    if not 0 <= subsidy_paid <= amount:
        raise ValueError(f"subsidy paid {subsidy_paid} is outside 0..{amount}")
    lines = _person(person, card_no)
    if meal_period:
        lines.append(Field("餐别", value=meal_period))
    lines.append(Field("消费金额", amount))
    totals = (Field("补贴支付", subsidy_paid), Field("现金支付", amount - subsidy_paid)) if subsidy_paid else ()
    return Receipt("meal_charge", "消费小票", canteen, terminal, time, operator, entry_no,
                   lines=tuple(lines), totals=totals, balances=_balances(cash_balance, subsidy_balance),
                   footer=footer)


def top_up_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, operator: str, person: str,
                   card_no: str, amount: int, method: str, cash_balance: int, subsidy_balance: int | None = None,
                   footer: tuple[str, ...] = ("请核对金额，妥善保管凭条",)) -> Receipt:
    """充值凭条: a top-up of the cash wallet by cash, WeChat, Alipay or bank transfer."""
    lines = _person(person, card_no) + [Field("充值方式", value=method_label(method)), Field("充值金额", amount)]
    return Receipt("top_up", "充值凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   balances=_balances(cash_balance, subsidy_balance), footer=footer)


def refund_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, operator: str, person: str,
                   card_no: str, amount: int, original_entry_no: str, cash_balance: int,
                   subsidy_balance: int | None = None, subsidy_refunded: int = 0, reason: str | None = None,
                   approver: str | None = None,
                   footer: tuple[str, ...] = ("请核对金额，妥善保管凭条",)) -> Receipt:
    """退款凭条: a refund of an earlier charge, naming the original entry it corrects, and the second operator
    (审批人) when the amount needed one."""
    if not 0 <= subsidy_refunded <= amount:
        raise ValueError(f"subsidy refunded {subsidy_refunded} is outside 0..{amount}")
    lines = _person(person, card_no) + [Field("原流水号", value=original_entry_no)]
    if reason:
        lines.append(Field("退款原因", value=reason))
    if approver:
        lines.append(Field("审批人", value=approver))
    totals = [Field("退款金额", amount)]
    if subsidy_refunded:
        totals += [Field("退回补贴", subsidy_refunded), Field("退回现金", amount - subsidy_refunded)]
    return Receipt("refund", "退款凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   totals=tuple(totals), balances=_balances(cash_balance, subsidy_balance), footer=footer)


def card_issue_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, operator: str,
                       person: str, card_no: str, deposit: int = 0, top_up: int = 0, method: str = "cash",
                       staff_no: str | None = None, cash_balance: int | None = None,
                       footer: tuple[str, ...] = ("请妥善保管就餐卡，遗失请及时挂失",)) -> Receipt:
    """发卡凭条: a new card issued, with the deposit (押金) and any first top-up taken."""
    lines = [Field("姓名", value=person)]
    if staff_no:
        lines.append(Field("工号", value=staff_no))
    lines.append(Field("卡号", value=card_no))
    totals = [Field("押金", deposit)]
    if top_up:
        totals.append(Field("首次充值", top_up))
    totals += [Field("合计收取", deposit + top_up), Field("支付方式", value=method_label(method))]
    return Receipt("card_issue", "发卡凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   totals=tuple(totals), balances=_balances(cash_balance, None), footer=footer)


def card_reissue_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, operator: str,
                         person: str, old_card_no: str, new_card_no: str, cash_balance: int,
                         subsidy_balance: int | None = None, fee: int = 0, method: str = "cash",
                         footer: tuple[str, ...] = ("原卡已停用，余额随人转入新卡",)) -> Receipt:
    """补卡凭条: a replacement card for the same person; balances carry over, the old card is blacklisted."""
    lines = [Field("姓名", value=person), Field("原卡号", value=old_card_no), Field("新卡号", value=new_card_no)]
    totals = (Field("补卡工本费", fee), Field("支付方式", value=method_label(method))) if fee else ()
    return Receipt("card_reissue", "补卡凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   totals=totals, balances=_balances(cash_balance, subsidy_balance), footer=footer)


def loss_report_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str | None, operator: str,
                        person: str, card_no: str, cash_balance: int | None = None,
                        subsidy_balance: int | None = None,
                        footer: tuple[str, ...] = ("此卡已在所有终端停用", "补卡后余额转入新卡")) -> Receipt:
    """挂失凭条: a card reported lost; no money moves, the balance stays with the person."""
    lines = _person(person, card_no) + [Field("卡状态", value="已挂失")]
    return Receipt("loss_report", "挂失凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   balances=_balances(cash_balance, subsidy_balance), footer=footer)


def card_cancel_receipt(*, canteen: str, terminal: str, time: datetime, entry_no: str, operator: str,
                        person: str, card_no: str, balance_refund: int, deposit_refund: int,
                        subsidy_cleared: int = 0,
                        footer: tuple[str, ...] = ("此卡已注销", "请当面点清现金")) -> Receipt:
    """清退凭条: a card cancelled and the cash balance plus deposit paid out in cash; subsidy is not cash."""
    lines = _person(person, card_no)
    totals = [Field("退还余额", balance_refund), Field("退还押金", deposit_refund)]
    if subsidy_cleared:
        totals.append(Field("补贴清零", subsidy_cleared))
    totals.append(Field("合计退还现金", balance_refund + deposit_refund))
    return Receipt("card_cancel", "清退凭条", canteen, terminal, time, operator, entry_no, lines=tuple(lines),
                   totals=tuple(totals), footer=footer)
