"""Top-ups (充值) and refunds (退款): detail and summary by payment method and by operator.

Personal top-up (个人充值) is all money paid into diners' cash wallets: top-ups, plus the
opening top-up taken when a card is issued (the deposit is not a top-up).
"""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.models import Account, JournalEntry, Operator, Person, Posting
from canteen.reports.base import KIND_LABELS, METHOD_LABELS, Column, Filters, Report, by_person, in_period, names

GROUPS = {"method": "支付方式", "operator": "操作员"}


def _topup_rows(session: Session, filters: Filters):
    """(entry id, date, kind, method, operator, person, fen into the cash wallet) of top-ups in the period."""
    query = (select(JournalEntry.id, JournalEntry.business_date, JournalEntry.kind, JournalEntry.method,
                    JournalEntry.operator_id, JournalEntry.person_id, Posting.amount)
             .join(Posting, Posting.entry_id == JournalEntry.id).join(Account, Account.id == Posting.account_id)
             .where(JournalEntry.kind.in_(("top_up", "card_issue")), Account.kind == "cash", Posting.amount > 0))
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    return by_person(in_period(query, filters), filters, JournalEntry.person_id)


def _group_label(session: Session, by: str):
    """(group key, label) of a row: the method, or the operator (by id; names may repeat)."""
    if by == "method":
        return lambda row: (row.method, METHOD_LABELS.get(row.method, row.method or ""))
    operators = names(session, Operator)
    return lambda row: (row.operator_id, operators.get(row.operator_id, "（无）"))


def topup_summary(session: Session, filters: Filters, by: str = "method") -> Report:
    """Count and amount of money paid into cash wallets, by method or operator."""
    if by not in GROUPS:
        raise ValueError(by)
    label = _group_label(session, by)
    groups: dict = {}
    for row in session.execute(_topup_rows(session, filters)):
        key, text = label(row)
        group = groups.setdefault(key, {"group": text, "count": 0, "amount": 0})
        group["count"] += 1
        group["amount"] += int(row.amount)
    rows = sorted(groups.values(), key=lambda g: g["group"])
    return Report(
        key="topups", title=f"充值汇总（按{GROUPS[by]}）",
        columns=[Column("group", GROUPS[by]), Column("count", "笔数", "int"), Column("amount", "充值金额", "fen")],
        rows=rows, totals={"count": sum(r["count"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        chart=("group", "amount"), notes=["含开卡时的首次充值，不含押金。"])


def topup_detail(session: Session, filters: Filters, limit: int | None = None) -> Report:
    """Every top-up in the period."""
    operators = names(session, Operator)
    people = {}
    rows = []
    result = session.execute(_topup_rows(session, filters).order_by(JournalEntry.id)).all()
    person_ids = {r.person_id for r in result}
    if person_ids:
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    for r in result:
        person = people.get(r.person_id)
        rows.append({"entry": r.id, "date": r.business_date, "kind": KIND_LABELS[r.kind],
                     "method": METHOD_LABELS.get(r.method, r.method), "operator": operators.get(r.operator_id, ""),
                     "staff_no": person.staff_no if person else "", "name": person.name if person else "",
                     "amount": int(r.amount)})
    totals = {"count": len(rows), "amount": sum(r["amount"] for r in rows)}
    return Report(
        key="topup_detail", title="充值明细",
        columns=[Column("entry", "流水号", "int"), Column("date", "营业日", "date"), Column("kind", "类型"),
                 Column("method", "支付方式"), Column("operator", "操作员"), Column("staff_no", "工号"),
                 Column("name", "姓名"), Column("amount", "充值金额", "fen")],
        rows=rows[:limit] if limit else rows, totals=totals)


def refund_report(session: Session, filters: Filters) -> Report:
    """Refunds of meals by the operator who booked them and the one who approved them, if any."""
    operators = names(session, Operator)
    query = (select(JournalEntry.operator_id, JournalEntry.approver_id, func.count(), func.sum(JournalEntry.amount))
             .where(JournalEntry.kind == "refund"))
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(JournalEntry.meal_period_id.in_(filters.meal_period_ids))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    rows = [{"operator": operators.get(op, "（无）"), "approver": operators.get(ap, "") if ap else "",
             "count": count, "amount": int(amount)}
            for op, ap, count, amount in session.execute(
                query.group_by(JournalEntry.operator_id, JournalEntry.approver_id))]
    rows.sort(key=lambda r: (r["operator"], r["approver"]))
    return Report(
        key="refunds", title="退款汇总（按操作员）",
        columns=[Column("operator", "操作员"), Column("approver", "审批人"), Column("count", "笔数", "int"),
                 Column("amount", "退款金额", "fen")],
        rows=rows, totals={"count": sum(r["count"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        chart=("operator", "amount"), notes=["退款退回卡内余额（现金钱包优先，其次补贴钱包）。"])
