"""账户余额表, 系统资金汇总 and a person's statement: what diners hold, as the ledger says.

Balances at the end of a period are the accounts' cached balances (which ``canteen ledger verify``
proves equal to the sum of their postings) less what was posted after the period, so recent
periods read few postings. The tests recompute every figure from the postings themselves.
"""
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.models import Account, Department, DinerCategory, JournalEntry, Person, Posting, PostingTally
from canteen.money import yuan_sign
from canteen.models.ledger import PERSON_KINDS
from canteen.reports.base import KIND_LABELS, Column, Filters, Report, by_person, names
from canteen.reports.person_ledger import balance_before, person_entries
from canteen.reports.tallies import DIRECT, Cut, consistent, grain_for

WALLETS = {"cash": "现金余额", "subsidy": "补贴余额", "deposit": "押金"}
#: Order of the movement lines in the funds summary.
FUND_KINDS = ("card_issue", "top_up", "subsidy", "refund", "meal", "card_fee", "cancel", "subsidy_expiry")


def _posted(session: Session, filters: Filters, *, start=None, through=None, per_person: bool = True,
            since: int = 0):
    """Sums of postings on people's accounts in business dates `start`..`through` (either open), of entries
    after id `since`: rows of (person or None, account kind, entry kind, fen)."""
    who = Account.person_id if per_person else literal(None)
    query = (select(who, Account.kind, JournalEntry.kind, func.sum(Posting.amount))
             .select_from(Posting).join(Account, Account.id == Posting.account_id)
             .join(JournalEntry, JournalEntry.id == Posting.entry_id).where(Account.kind.in_(PERSON_KINDS)))
    if since:
        query = query.where(Posting.entry_id > since)
    if start is not None:
        query = query.where(JournalEntry.business_date >= start)
    if through is not None:
        query = query.where(JournalEntry.business_date <= through)
    query = by_person(query, filters, Account.person_id)
    groups = (Account.person_id, Account.kind, JournalEntry.kind) if per_person else (Account.kind, JournalEntry.kind)
    return session.execute(query.group_by(*groups)).all()


def cached_wallets(session: Session, filters: Filters) -> dict[str, int]:
    """Per wallet kind, the balances cached on the accounts now (the ledger's wallets)."""
    query = by_person(select(Account.kind, func.sum(Account.balance)).where(Account.kind.in_(PERSON_KINDS)),
                      filters, Account.person_id)
    found = dict(session.execute(query.group_by(Account.kind)).all())
    return {kind: int(found.get(kind) or 0) for kind in WALLETS}


def balance_report(session: Session, filters: Filters) -> Report:
    """Each person's cash, subsidy and deposit at the end of the period, with totals.

    Balances are the accounts' cached balances less what was posted after the period, so the
    usual question (balances now) reads no postings at all.
    """
    held: dict[int, dict] = {}
    cached = select(Account.person_id, Account.kind, Account.balance).where(Account.kind.in_(PERSON_KINDS))
    for person_id, account_kind, balance in session.execute(by_person(cached, filters, Account.person_id)):
        held.setdefault(person_id, dict.fromkeys(WALLETS, 0))[account_kind] += int(balance)
    later = _posted(session, filters, start=filters.end + timedelta(days=1))
    for person_id, account_kind, _entry_kind, amount in later:
        held[person_id][account_kind] -= int(amount)
    departments, categories = names(session, Department), names(session, DinerCategory)
    # Plain rows, not entities: thousands of people are listed at once.
    people = select(Person.id, Person.staff_no, Person.name, Person.department_id, Person.category_id, Person.state)
    if filters.department_ids:
        people = people.where(Person.department_id.in_(filters.department_ids))
    if filters.category_ids:
        people = people.where(Person.category_id.in_(filters.category_ids))
    rows = []
    for person in session.execute(people.order_by(Person.staff_no)):
        wallets = held.get(person.id, dict.fromkeys(WALLETS, 0))
        rows.append({"staff_no": person.staff_no, "name": person.name,
                     "department": departments.get(person.department_id, ""),
                     "category": categories.get(person.category_id, ""),
                     "state": "在用" if person.state == "active" else "已清退",
                     **wallets, "total": sum(wallets.values())})
    totals = {k: sum(r[k] for r in rows) for k in (*WALLETS, "total")}
    report = Report(
        key="balances", title=f"账户余额表（截至 {filters.end}）",
        columns=[Column("staff_no", "工号"), Column("name", "姓名"), Column("department", "部门"),
                 Column("category", "人员类别"), Column("state", "状态"),
                 *[Column(k, label, "fen") for k, label in WALLETS.items()], Column("total", "合计", "fen")],
        rows=rows, totals=totals)
    _reconcile(session, filters, report, totals)
    return report


def _reconcile(session: Session, filters: Filters, report: Report, totals: dict) -> None:
    """When the period reaches the last booked day, the totals must equal the cached wallets."""
    last = session.scalar(select(func.max(JournalEntry.business_date)))
    if last is None or filters.end >= last:
        ledger = cached_wallets(session, filters)
        ok = all(ledger[k] == totals[k] for k in WALLETS)
        report.totals["reconciled"] = ok
        report.notes.append(("与账户余额一致" if ok else "与账户余额不一致！") +
                            "：" + "，".join(f"{WALLETS[k]} {yuan_sign(ledger[k])}" for k in WALLETS))


def _moved(session: Session, filters: Filters, cut: Cut, *, start=None, through=None) -> list:
    """Per (account kind, entry kind) the postings on people's wallets in `start`..`through`: the posting
    tally up to the watermark and the journal after it (rows shaped like :func:`_posted`'s)."""
    grain = grain_for(cut, replace(filters, terminal_ids=(), meal_period_ids=()),
                      grains=("total", "department", "category"))
    rows = list(_posted(session, filters, start=start, through=through, per_person=False,
                        since=cut.watermark if grain else 0))
    if grain:
        t = PostingTally
        query = select(literal(None), t.account_kind, t.entry_kind, func.sum(t.amount)).where(t.grain == grain)
        if start is not None:
            query = query.where(t.business_date >= start)
        if through is not None:
            query = query.where(t.business_date <= through)
        if filters.department_ids:
            query = query.where(t.department_id.in_(filters.department_ids))
        if filters.category_ids:
            query = query.where(t.category_id.in_(filters.category_ids))
        rows += session.execute(query.group_by(t.account_kind, t.entry_kind)).all()
    return rows


@consistent
def funds_summary(session: Session, filters: Filters, cut: Cut = DIRECT) -> Report:
    """系统资金汇总: opening balance + money in - money out = closing balance, per wallet kind.

    The closing balance is the wallets' cached balances less what was posted after the period;
    the opening balance is the closing less the period's movements.
    """
    moved: dict[str, dict] = {kind: dict.fromkeys(WALLETS, 0) for kind in FUND_KINDS}
    for _p, account_kind, entry_kind, amount in _moved(session, filters, cut, start=filters.start,
                                                       through=filters.end):
        moved[entry_kind][account_kind] += int(amount)
    closing = cached_wallets(session, filters)
    for _p, account_kind, _k, amount in _moved(session, filters, cut, start=filters.end + timedelta(days=1)):
        closing[account_kind] -= int(amount)
    opening = {k: closing[k] - sum(moved[kind][k] for kind in FUND_KINDS) for k in WALLETS}
    rows = [{"item": "期初余额", **opening, "total": sum(opening.values())}]
    for kind in FUND_KINDS:
        rows.append({"item": KIND_LABELS[kind], **moved[kind], "total": sum(moved[kind].values())})
    rows.append({"item": "期末余额", **closing, "total": sum(closing.values())})
    nets = [sum(m.values()) for m in moved.values()]
    money_in, money_out = sum(n for n in nets if n > 0), -sum(n for n in nets if n < 0)
    totals = {"opening": sum(opening.values()), "money_in": money_in, "money_out": money_out,
              "closing": sum(closing.values()), **{f"closing_{k}": closing[k] for k in WALLETS}}
    report = Report(
        key="funds", title="系统资金汇总",
        columns=[Column("item", "项目"), *[Column(k, label, "fen") for k, label in WALLETS.items()],
                 Column("total", "合计", "fen")],
        rows=rows, totals=totals, chart=("item", "total"),
        notes=[f"期初 {yuan_sign(totals['opening'])} + 收入 {yuan_sign(money_in)} - 支出 {yuan_sign(money_out)}"
               f" = 期末 {yuan_sign(totals['closing'])}"])
    _reconcile(session, filters, report, {**closing, "total": totals["closing"]})
    return report


def statement(session: Session, filters: Filters) -> Report:
    """A person's statement (个人对账单): every entry on their wallets in the period with the running balance."""
    person = session.get(Person, filters.person_id) if filters.person_id is not None else None
    if person is None:
        raise DomainError("person_not_found")
    opening = balance_before(session, person.id, filters.start)
    rows, balance = [], opening
    for line in person_entries(session, person.id, filters.start, filters.end, newest_first=False):
        balance += line.moved
        rows.append({"entry": line.entry.id, "date": line.entry.business_date, "kind": KIND_LABELS[line.entry.kind],
                     **{k: line.legs.get(k, 0) for k in WALLETS}, "balance": balance})
    return Report(
        key="statement", title=f"个人对账单：{person.name}（{person.staff_no}）",
        columns=[Column("entry", "流水号", "int"), Column("date", "营业日", "date"), Column("kind", "业务"),
                 *[Column(k, label.replace("余额", ""), "fen") for k, label in WALLETS.items()],
                 Column("balance", "余额", "fen")],
        rows=rows, totals={"opening": opening, "closing": balance, "count": len(rows)},
        notes=[f"期初余额 {yuan_sign(opening)}，期末余额 {yuan_sign(balance)}（现金、补贴与押金合计）"])
