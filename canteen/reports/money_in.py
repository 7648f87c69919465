"""Top-ups (充值) and refunds (退款): detail and summary by payment method and by operator.

Personal top-up (个人充值) is all money diners paid in to spend on meals: every top-up in full (also the part
that first repaid what they owed for offline meals), plus the opening top-up taken when a card is issued (the
deposit is not a top-up). See :mod:`canteen.figures` for the written definition.
"""
from dataclasses import replace

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from canteen.models import Account, EntryTally, JournalEntry, Operator, Posting
from canteen.reports.base import METHOD_LABELS, Column, Filters, Report, by_person, in_period, names
from canteen.reports.rollup import CASH_IN_KINDS
from canteen.reports.tallies import DIRECT, Cut, consistent, entry_tally, grain_for, none_for_zero

GROUPS = {"method": "支付方式", "operator": "操作员"}


def paid_in(entry=JournalEntry):
    """What the diner paid as top-up in `entry`: a top-up's whole amount; a card issue's part into the cash wallet."""
    into_cash = (select(func.coalesce(func.sum(Posting.amount), 0)).join(Account, Account.id == Posting.account_id)
                 .where(Posting.entry_id == entry.id, Account.kind == "cash", Posting.amount > 0).scalar_subquery())
    return case((entry.kind == "top_up", entry.amount), else_=into_cash)


def _topup_rows(session: Session, filters: Filters):
    """(entry id, date, kind, method, operator, person, fen paid as top-up) of top-ups in the period."""
    amount = paid_in()
    query = (select(JournalEntry.id, JournalEntry.business_date, JournalEntry.kind, JournalEntry.method,
                    JournalEntry.operator_id, JournalEntry.person_id, amount.label("amount"))
             .where(JournalEntry.kind.in_(("top_up", "card_issue")), amount > 0))
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    return by_person(in_period(query, filters), filters, JournalEntry.person_id)


def _group_label(session: Session, by: str):
    """(group key, label) of a (method, operator id): the method, or the operator (by id; names may repeat)."""
    if by == "method":
        return lambda method, _operator: (method, METHOD_LABELS.get(method, method or ""))
    operators = names(session, Operator)
    return lambda _method, operator_id: (operator_id, operators.get(operator_id, "（无）"))


@consistent
def topup_summary(session: Session, filters: Filters, by: str = "method", cut: Cut = DIRECT) -> Report:
    """Count and amount of money paid into cash wallets, by method or operator."""
    if by not in GROUPS:
        raise ValueError(by)
    label = _group_label(session, by)
    filters = replace(filters, meal_period_ids=())  # a top-up belongs to no meal
    grain = grain_for(cut, filters)
    live = _topup_rows(session, filters).where(JournalEntry.id > (cut.watermark if grain else 0)).subquery()
    found = session.execute(select(live.c.method, live.c.operator_id, func.count(), func.sum(live.c.amount))
                            .group_by(live.c.method, live.c.operator_id)).all()
    if grain:
        t = EntryTally
        found += [(method or None, none_for_zero(operator), count, amount) for method, operator, count, amount in
                  session.execute(entry_tally(grain, filters, CASH_IN_KINDS, t.method, t.operator_id,
                                              func.sum(case((t.kind == "top_up", t.entries), else_=t.cash_in_entries)),
                                              func.sum(case((t.kind == "top_up", t.amount), else_=t.cash_in)))
                                  .group_by(t.method, t.operator_id)
                                  .having(func.sum(case((t.kind == "top_up", t.entries),
                                                        else_=t.cash_in_entries)) != 0))]
    groups: dict = {}
    for method, operator_id, count, amount in found:
        key, text = label(method, operator_id)
        group = groups.setdefault(key, {"group": text, "count": 0, "amount": 0})
        group["count"] += int(count)
        group["amount"] += int(amount)
    rows = sorted(groups.values(), key=lambda g: g["group"])
    return Report(
        key="topups", title=f"充值汇总（按{GROUPS[by]}）",
        columns=[Column("group", GROUPS[by]), Column("count", "笔数", "int"), Column("amount", "充值金额", "fen")],
        rows=rows, totals={"count": sum(r["count"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        chart=("group", "amount"), notes=["按职工实际交款计：充值全额（含先抵还脱机欠款的部分），含开卡时的首次充值，不含押金。"])


@consistent
def refund_report(session: Session, filters: Filters, cut: Cut = DIRECT) -> Report:
    """Refunds of meals by the operator who booked them and the one who approved them, if any."""
    operators = names(session, Operator)
    grain = grain_for(cut, filters)
    query = (select(JournalEntry.operator_id, JournalEntry.approver_id, func.count(), func.sum(JournalEntry.amount))
             .where(JournalEntry.kind == "refund", JournalEntry.id > (cut.watermark if grain else 0)))
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(JournalEntry.meal_period_id.in_(filters.meal_period_ids))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    found = session.execute(query.group_by(JournalEntry.operator_id, JournalEntry.approver_id)).all()
    if grain:
        t = EntryTally
        found += [(none_for_zero(op), none_for_zero(ap), count, amount) for op, ap, count, amount in session.execute(
            entry_tally(grain, filters, ("refund",), t.operator_id, t.approver_id, func.sum(t.entries),
                        func.sum(t.amount)).group_by(t.operator_id, t.approver_id).having(func.sum(t.entries) != 0))]
    groups: dict = {}
    for op, ap, count, amount in found:
        group = groups.setdefault((op, ap), {"operator": operators.get(op, "（无）"),
                                             "approver": operators.get(ap, "") if ap else "", "count": 0, "amount": 0})
        group["count"] += int(count)
        group["amount"] += int(amount)
    rows = list(groups.values())
    rows.sort(key=lambda r: (r["operator"], r["approver"]))
    return Report(
        key="refunds", title="退款汇总（按操作员）",
        columns=[Column("operator", "操作员"), Column("approver", "审批人"), Column("count", "笔数", "int"),
                 Column("amount", "退款金额", "fen")],
        rows=rows, totals={"count": sum(r["count"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        chart=("operator", "amount"), notes=["退款退回卡内余额（现金钱包优先，其次补贴钱包）。"])
