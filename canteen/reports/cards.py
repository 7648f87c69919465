"""Card reports: new cards (新办), reissued (补办), lost (挂失), and cancellations (清退) with the cash paid out."""
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from canteen.clock import business_date
from canteen.money import count, yuan_sign
from canteen.models import Account, Card, CardEvent, Department, JournalEntry, Person, Posting
from canteen.reports.base import Column, Filters, Report, by_person, in_period, names

EVENT_LABELS = {"new": "新办", "reissued": "补办", "lost": "挂失", "cancelled": "清退"}


def _events(session: Session, filters: Filters):
    """Card events in the period (local dates), with the card and its holder."""
    first, after = filters.utc_bounds()
    query = (select(CardEvent.kind, CardEvent.created_dt, CardEvent.entry_id, Card.uid, Card.replaces_id,
                    Card.person_id)
             .join(Card, Card.id == CardEvent.card_id)
             .where(CardEvent.created_dt >= first, CardEvent.created_dt < after,
                    CardEvent.kind.in_(("issued", "lost", "cancelled"))))
    return session.execute(by_person(query, filters, Card.person_id).order_by(CardEvent.id)).all()


def _cancellations(session: Session, filters: Filters) -> dict[int, dict]:
    """Per person cancelled in the period: cash paid out (balance and deposit) and subsidy returned."""
    # Read from the postings: an offline debt the cancellation settled goes to neither the drawer nor the fund.
    drawer = case((Account.kind == "drawer", Posting.amount), else_=0)
    fund = case((Account.code == "subsidy_fund", Posting.amount), else_=0)
    query = (select(JournalEntry.person_id, JournalEntry.business_date,
                    func.coalesce(func.sum(drawer), 0), func.coalesce(func.sum(fund), 0))
             .join(Posting, Posting.entry_id == JournalEntry.id).join(Account, Account.id == Posting.account_id)
             .where(JournalEntry.kind == "cancel")
             .group_by(JournalEntry.id, JournalEntry.person_id, JournalEntry.business_date))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    return {person: {"date": day, "cash": int(cash), "subsidy": int(subsidy)}
            for person, day, cash, subsidy in session.execute(query)}


def card_report(session: Session, filters: Filters) -> Report:
    """One row per card issued, reissued or reported lost, and per person cancelled; totals per kind."""
    people = {}
    events = _events(session, filters)
    paid = _cancellations(session, filters)
    ids = {e.person_id for e in events} | set(paid)
    if ids:
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    departments = names(session, Department)
    rows, cancelled_seen = [], set()

    def row(kind, day, person_id, uid, cash=0, subsidy=0):
        person = people.get(person_id)
        rows.append({"kind": EVENT_LABELS[kind], "date": day, "uid": uid,
                     "staff_no": person.staff_no if person else "", "name": person.name if person else "",
                     "department": departments.get(person.department_id, "") if person else "",
                     "cash": cash, "subsidy": subsidy, "_kind": kind})

    for event in events:
        day = business_date(event.created_dt, filters.tz)
        if event.kind == "issued":
            row("reissued" if event.replaces_id else "new", day, event.person_id, event.uid)
        elif event.kind == "lost":
            row("lost", day, event.person_id, event.uid)
        elif event.person_id not in cancelled_seen:
            cancelled_seen.add(event.person_id)
            money = paid.get(event.person_id, {})
            row("cancelled", day, event.person_id, event.uid, money.get("cash", 0), money.get("subsidy", 0))
    for person_id, money in paid.items():
        if person_id not in cancelled_seen:
            row("cancelled", money["date"], person_id, "", money["cash"], money["subsidy"])
    rows.sort(key=lambda r: (r["date"], r["kind"]))
    totals = {kind: sum(1 for r in rows if r["_kind"] == kind) for kind in EVENT_LABELS}
    totals["cancelled_cash"] = sum(r["cash"] for r in rows)
    totals["cancelled_subsidy"] = sum(r["subsidy"] for r in rows)
    totals["issued"] = totals["new"] + totals["reissued"]
    for r in rows:
        del r["_kind"]
    return Report(
        key="cards", title="卡片报表（新办、补办、挂失、清退）",
        columns=[Column("date", "日期", "date"), Column("kind", "业务"), Column("uid", "卡号"),
                 Column("staff_no", "工号"),
                 Column("name", "姓名"), Column("department", "部门"), Column("cash", "清退现金", "fen"),
                 Column("subsidy", "退回补贴", "fen")],
        rows=rows, totals=totals,
        notes=[f"新办 {count(totals['new'])} 张，补办 {count(totals['reissued'])} 张，挂失 {count(totals['lost'])} 张，"
               f"清退 {count(totals['cancelled'])} 人次，清退现金 {yuan_sign(totals['cancelled_cash'])}（含押金）"])
