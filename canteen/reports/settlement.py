"""Terminal daily settlement (终端日结) and cashier shift settlement (交班结算)."""
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from canteen.ledger.checkpoints import checkpoint_line, latest_checkpoint
from canteen.models import Account, EntryTally, JournalEntry, Operator, Posting, Shift, Terminal
from canteen.reports.base import KIND_LABELS, Column, Filters, Report, by_person, in_period, names
from canteen.reports.tallies import DIRECT, Cut, consistent, entry_tally, grain_for, none_for_zero

#: Entry kinds that count as money taken in at a till, and paid out.
TAKEN_IN = ("top_up", "card_issue", "card_fee")


@consistent
def terminal_daily(session: Session, filters: Filters, cut: Cut = DIRECT) -> Report:
    """Per terminal and business day: meals, refunds, money taken in and paid out."""
    terminals = names(session, Terminal, "code")
    kinds = ("meal", "refund", *TAKEN_IN, "cancel")
    grain = grain_for(cut, filters, "terminal")
    query = select(JournalEntry.terminal_id, JournalEntry.business_date, JournalEntry.kind, func.count(),
                   func.sum(JournalEntry.amount)).where(JournalEntry.id > (cut.watermark if grain else 0))
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(JournalEntry.meal_period_id.in_(filters.meal_period_ids))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    query = query.where(JournalEntry.kind.in_(kinds))
    found = session.execute(query.group_by(JournalEntry.terminal_id, JournalEntry.business_date,
                                           JournalEntry.kind)).all()
    if grain:
        t = EntryTally
        keys = (t.terminal_id, t.business_date, t.kind)
        found += [(none_for_zero(terminal), day, kind, count, amount) for terminal, day, kind, count, amount in
                  session.execute(entry_tally(grain, filters, kinds, *keys, func.sum(t.entries), func.sum(t.amount))
                                  .group_by(*keys).having(func.sum(t.entries) != 0))]
    groups: dict = {}
    for terminal_id, day, kind, count, amount in found:
        key = (day, terminals.get(terminal_id, "（后台）"))
        group = groups.setdefault(key, {"date": day, "terminal": key[1], "meals": 0, "meal_amount": 0,
                                        "refunds": 0, "refunded": 0, "taken_in": 0, "paid_out": 0})
        if kind == "meal":
            group["meals"] += int(count)
            group["meal_amount"] += int(amount)
        elif kind == "refund":
            group["refunds"] += int(count)
            group["refunded"] += int(amount)
        elif kind == "cancel":
            group["paid_out"] += int(amount)
        else:
            group["taken_in"] += int(amount)
    rows = [groups[k] for k in sorted(groups)]
    keys = ("meals", "meal_amount", "refunds", "refunded", "net", "taken_in", "paid_out")
    totals = dict.fromkeys(keys, 0)
    for row in rows:  # a year of terminal days is thousands of rows: one pass
        row["net"] = row["meal_amount"] - row["refunded"]
        for key in keys:
            totals[key] += row[key]
    return Report(
        key="terminal_daily", title="终端日结",
        columns=[Column("date", "营业日", "date"), Column("terminal", "终端"), Column("meals", "消费笔数", "int"),
                 Column("meal_amount", "消费金额", "fen"), Column("refunds", "退款笔数", "int"),
                 Column("refunded", "退款金额", "fen"), Column("net", "净消费", "fen"),
                 Column("taken_in", "收款（充值/开卡/工本费）", "fen"), Column("paid_out", "清退支出", "fen")],
        rows=rows, totals=totals, chart=("terminal", "net"),
        notes=["清退支出为清退业务总额（含退回补贴资金的部分）；现金收付以交班结算为准。",
               _checkpoint_note(session, filters)])


def shift_settlement(session: Session, filters: Filters) -> Report:
    """Every shift opened in the period: cash taken and paid out of its drawer, expected, counted, difference."""
    first, after = filters.utc_bounds()
    operators, terminals = names(session, Operator), names(session, Terminal, "code")
    taken = func.coalesce(func.sum(case((Posting.amount < 0, -Posting.amount), else_=0)), 0)
    paid = func.coalesce(func.sum(case((Posting.amount > 0, Posting.amount), else_=0)), 0)
    flows = {shift_id: (int(cash_in), int(cash_out)) for shift_id, cash_in, cash_out in session.execute(
        select(Account.shift_id, taken, paid).join(Posting, Posting.account_id == Account.id)
        .where(Account.kind == "drawer").group_by(Account.shift_id))}
    counts = dict(session.execute(select(JournalEntry.shift_id, func.count()).where(JournalEntry.shift_id.isnot(None))
                                  .group_by(JournalEntry.shift_id)).all())
    query = select(Shift).where(Shift.opened_dt >= first, Shift.opened_dt < after).order_by(Shift.id)
    if filters.terminal_ids:
        query = query.where(Shift.terminal_id.in_(filters.terminal_ids))
    rows = []
    for shift in session.scalars(query):
        cash_in, cash_out = flows.get(shift.id, (0, 0))
        expected = shift.opening_float + cash_in - cash_out
        rows.append({"shift": shift.id, "operator": operators.get(shift.operator_id, ""),
                     "terminal": terminals.get(shift.terminal_id, ""), "opened": shift.opened_dt,
                     "state": "已交班" if shift.closed_dt else "未交班", "entries": counts.get(shift.id, 0),
                     "opening_float": shift.opening_float, "cash_in": cash_in, "cash_out": cash_out,
                     "expected": expected, "counted": shift.counted_cash,
                     "difference": None if shift.counted_cash is None else shift.counted_cash - expected})
    keys = ("entries", "opening_float", "cash_in", "cash_out", "expected")
    totals = {k: sum(r[k] for r in rows) for k in keys}
    totals["difference"] = sum(r["difference"] or 0 for r in rows)
    return Report(
        key="shifts", title="收银员交班结算",
        columns=[Column("shift", "班次", "int"), Column("operator", "收银员"), Column("terminal", "终端"),
                 Column("state", "状态"), Column("entries", "业务笔数", "int"),
                 Column("opening_float", "备用金", "fen"),
                 Column("cash_in", "现金收入", "fen"), Column("cash_out", "现金支出", "fen"),
                 Column("expected", "应有现金", "fen"), Column("counted", "实点现金", "fen"),
                 Column("difference", "长短款", "fen")],
        rows=rows, totals=totals, chart=("operator", "cash_in"),
        notes=[f"{KIND_LABELS['top_up']}、{KIND_LABELS['card_issue']}等现金收入进入班次钱箱；清退现金从钱箱支出。",
               _checkpoint_note(session, filters)])


def _checkpoint_note(session: Session, filters: Filters) -> str:
    """The last signed checkpoint of the ledger made by the end of the period: the figures above can be held
    against it (``canteen ledger verify --checkpoints``)."""
    return checkpoint_line(latest_checkpoint(session, made_before=filters.utc_bounds()[1]))
