"""交班报表: the report a cashier prints when closing a shift (交班结算) with a cash count."""
from collections.abc import Iterable
from datetime import datetime

from .kinds import method_label
from .receipt import Field, Receipt, Section

#: operation codes the till uses, with the words printed for them
OPERATIONS = {
    "meal_charge": "消费", "top_up": "充值", "refund": "退款", "card_issue": "发卡",
    "card_reissue": "补卡", "loss_report": "挂失", "card_cancel": "清退",
}
SIGNATURE_BLANK = "__________"


def operation_label(operation: str) -> str:
    """Chinese name of an operation code; a label already in Chinese passes through unchanged."""
    return OPERATIONS.get(operation, operation)


def _difference_label(difference: int) -> str:
    """差额 with the cashier's word for it: 长款 when the drawer holds more cash than expected, 短款 when less."""
    if difference > 0:
        return "差额（长款）"
    if difference < 0:
        return "差额（短款）"
    return "差额"


def shift_report_receipt(*, canteen: str, terminal: str, operator: str, shift_no: str, opened_at: datetime,
                         closed_at: datetime, operations: Iterable[tuple[str, int, int]],
                         methods: Iterable[tuple[str, int, int]], expected_cash: int,
                         counted_cash: int, printed_at: datetime | None = None,
                         checkpoint: dict | None = None) -> Receipt:
    """The shift report: counts and sums per operation and per payment method, then the cash check.

    ``operations`` and ``methods`` are ``(code or label, count, amount in fen)`` rows in the order to print.
    The difference is counted minus expected cash, so a shortage prints negative. The header time is when
    the report was printed, the closing time unless given. ``checkpoint`` is the ledger checkpoint signed at the
    close (``id``, ``entry_id``, ``entry_hash``), printed so the paper can be held against the ledger later.
    """
    by_operation = tuple(Field(operation_label(code), amount, count=count) for code, count, amount in operations)
    by_method = tuple(Field(method_label(code), amount, count=count) for code, count, amount in methods)
    difference = counted_cash - expected_cash
    cash_check = (Field("应有现金", expected_cash), Field("实点现金", counted_cash),
                  Field(_difference_label(difference), difference))
    signatures = (Field("收银员签字", value=SIGNATURE_BLANK), Field("复核人签字", value=SIGNATURE_BLANK))
    sections = [Section("按业务统计", by_operation)] if by_operation else []
    if by_method:
        sections.append(Section("按支付方式统计", by_method))
    sections.append(Section("现金核对", cash_check))
    if checkpoint:
        sections.append(Section("账本签名检查点", (
            Field("检查点", value=f"#{checkpoint['id']} 第{checkpoint['entry_id']}笔"),
            Field("哈希", value=checkpoint["entry_hash"][:16]))))
    sections.append(Section("签字确认", signatures))
    info = (Field("班次号", value=shift_no), Field("开班时间", value=opened_at.strftime("%Y-%m-%d %H:%M:%S")),
            Field("交班时间", value=closed_at.strftime("%Y-%m-%d %H:%M:%S")))
    return Receipt("shift_report", "交班报表", canteen, terminal, printed_at or closed_at, operator, None, info=info,
                   sections=tuple(sections))
