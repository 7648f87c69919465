"""Detail listings (消费明细, 充值明细) a page at a time: sorted, with the total count and amount of the period.

Each row carries the time of day, the meal period, the terminal and the operator, so a manager can tell
breakfast from lunch and one till from another; the export lists the same columns. A page reads only its own
rows: each part of the listing (meals, refunds) is cut to the rows the page can need before they are merged,
so the first pages of a year read a few thousand rows off the journal's (business day, kind) index.
"""
from dataclasses import dataclass
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from canteen.models import Department, JournalEntry, MealPeriod, Operator, Person, RefundMeal, Terminal
from canteen.reports.base import KIND_LABELS, METHOD_LABELS, Column, Filters, Report, names
from canteen.reports.consumption import _restrict, consumption_summary
from canteen.reports.money_in import _topup_rows, topup_summary

#: How a listing may be sorted: key -> label. The first is the default.
SORTS = {"time": "时间", "amount": "金额", "staff_no": "工号"}
PAGE_SIZES = (50, 100, 200, 500)
#: The longest period a listing may be sorted by anything but time on the screen: sorting a year of meals by
#: amount sorts every one of them, while time order reads a page off the journal's index.
SORTABLE_DAYS = 31


def sortable(filters: Filters) -> bool:
    """Whether a listing of `filters`' period may be sorted by amount or staff number on the screen."""
    return (filters.end - filters.start).days < SORTABLE_DAYS


@dataclass(frozen=True)
class Paging:
    """Which page of a listing, in which order."""

    number: int = 1
    size: int = 50
    sort: str = "time"
    descending: bool = False

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass
class Listing:
    """One page of a listing and where it stands in the whole."""

    report: Report
    paging: Paging
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.paging.size))

    @property
    def first(self) -> int:
        return min(self.total, self.paging.offset + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.paging.offset + len(self.report.rows))


def _order(columns, paging: Paging) -> list:
    """ORDER BY for `columns` (a table's .c or a dict with business_date, id, amount, staff_no)."""
    keys = {"time": [columns["business_date"], columns["id"]], "amount": [columns["amount"], columns["id"]],
            "staff_no": [columns["staff_no"], columns["id"]]}[paging.sort if paging.sort in SORTS else "time"]
    return [k.desc() for k in keys] if paging.descending else keys


def _local_time(value, zone: ZoneInfo):
    """The local time of day of a UTC instant (naive values from SQLite are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone).time().replace(microsecond=0)


CONSUMPTION_COLUMNS = [
    Column("entry", "流水号", "int"), Column("date", "营业日", "date"), Column("time", "时间", "time"),
    Column("kind", "类型"), Column("staff_no", "工号"), Column("name", "姓名"), Column("department", "部门"),
    Column("meal_period", "餐次"), Column("terminal", "终端"), Column("operator", "操作员"),
    Column("amount", "金额", "fen")]


def consumption_listing(session: Session, filters: Filters, paging: Paging) -> Listing:
    """Meals and refunds (refunds negative, on the meal's terminal and meal period) one page at a time."""
    meal, refund = JournalEntry, RefundMeal
    cols = (Person.staff_no, Person.name, Person.department_id)
    meals = _restrict(select(meal.id, meal.created_dt, meal.business_date, meal.kind, meal.amount, meal.terminal_id,
                             meal.meal_period_id, meal.operator_id, *cols).join(Person, Person.id == meal.person_id)
                      .where(meal.kind == "meal"), filters, meal, meal)
    # A refund counts on its meal's business date, terminal and meal period (the one rule of
    # canteen.reports.consumption): refund_meal files it so.
    refunds = _restrict(select(refund.refund_id.label("id"), refund.created_dt, refund.business_date,
                               literal("refund").label("kind"), (-refund.amount).label("amount"), refund.terminal_id,
                               refund.meal_period_id, refund.operator_id, *cols)
                        .join(Person, Person.id == refund.person_id), filters, refund, refund)
    need = paging.offset + paging.size
    # Each part in the page's order, cut to the rows the page can need, then merged.
    meal_keys = {"business_date": meal.business_date, "id": meal.id, "amount": meal.amount,
                 "staff_no": Person.staff_no}
    refund_keys = {"business_date": refund.business_date, "id": refund.refund_id, "amount": -refund.amount,
                   "staff_no": Person.staff_no}
    first_meals = meals.order_by(*_order(meal_keys, paging)).limit(need).subquery()
    first_refunds = refunds.order_by(*_order(refund_keys, paging)).limit(need).subquery()
    union = select(*first_meals.c).union_all(select(*first_refunds.c)).subquery()
    query = select(union).order_by(*_order(union.c, paging)).offset(paging.offset).limit(paging.size)
    # The same meals and refunds as the summary's, so the totals (read from the tallies) are the detail's.
    summary = consumption_summary(session, filters, by="day").totals
    total = summary["meals"] + summary["refunds"]
    periods, terminals = names(session, MealPeriod), names(session, Terminal, "code")
    departments, operators = names(session, Department), names(session, Operator)
    zone = ZoneInfo(filters.tz)
    rows = [{"entry": r.id, "date": r.business_date, "time": _local_time(r.created_dt, zone),
             "kind": KIND_LABELS["meal"] if r.kind == "meal" else KIND_LABELS["refund"],
             "staff_no": r.staff_no, "name": r.name, "department": departments.get(r.department_id, ""),
             "meal_period": periods.get(r.meal_period_id, ""), "terminal": terminals.get(r.terminal_id, ""),
             "operator": operators.get(r.operator_id, ""), "amount": int(r.amount)} for r in session.execute(query)]
    report = Report(key="consumption_detail", title="消费明细", columns=list(CONSUMPTION_COLUMNS), rows=rows,
                    totals={"count": total, "amount": int(summary["net"])})
    return Listing(report, paging, total)


def consumption_detail(session: Session, filters: Filters, limit: int | None = None) -> Report:
    """Every meal and refund in the period by business day (the first `limit` when given); totals cover all."""
    size = limit or 10 ** 9
    listing = consumption_listing(session, filters, Paging(number=1, size=size))
    report = listing.report
    if limit and listing.total > limit:
        report.notes.append(f"共 {listing.total:,} 笔，此处列出前 {limit:,} 笔。")
    return report


TOPUP_COLUMNS = [
    Column("entry", "流水号", "int"), Column("date", "营业日", "date"), Column("time", "时间", "time"),
    Column("kind", "类型"), Column("method", "支付方式"), Column("staff_no", "工号"), Column("name", "姓名"),
    Column("terminal", "终端"), Column("operator", "操作员"), Column("amount", "充值金额", "fen")]


def topup_listing(session: Session, filters: Filters, paging: Paging) -> Listing:
    """Top-ups (what :func:`canteen.reports.money_in.topup_detail` lists) one page at a time."""
    base = _topup_rows(session, filters).subquery()
    # The count and the sum from the summary (read from the tallies), the same top-ups as the listing's.
    summary = topup_summary(session, filters).totals
    total, amount = summary["count"], summary["amount"]
    query = (select(base, JournalEntry.created_dt, JournalEntry.terminal_id, Person.staff_no, Person.name)
             .join(JournalEntry, JournalEntry.id == base.c.id).outerjoin(Person, Person.id == base.c.person_id))
    keys = {"business_date": base.c.business_date, "id": base.c.id, "amount": base.c.amount,
            "staff_no": Person.staff_no}
    query = query.order_by(*_order(keys, paging)).offset(paging.offset).limit(paging.size)
    operators, terminals = names(session, Operator), names(session, Terminal, "code")
    zone = ZoneInfo(filters.tz)
    rows = [{"entry": r.id, "date": r.business_date, "time": _local_time(r.created_dt, zone),
             "kind": KIND_LABELS.get(r.kind, r.kind), "method": METHOD_LABELS.get(r.method, r.method or ""),
             "staff_no": r.staff_no or "", "name": r.name or "", "terminal": terminals.get(r.terminal_id, ""),
             "operator": operators.get(r.operator_id, ""), "amount": int(r.amount)} for r in session.execute(query)]
    report = Report(key="topup_detail", title="充值明细", columns=list(TOPUP_COLUMNS), rows=rows,
                    totals={"count": int(total), "amount": int(amount)})
    return Listing(report, paging, int(total))


def topup_detail(session: Session, filters: Filters, limit: int | None = None) -> Report:
    """Every top-up in the period by business day (the first `limit` when given); totals cover all."""
    return topup_listing(session, filters, Paging(number=1, size=limit or 10 ** 9)).report


#: Report key -> the listing that pages it.
LISTINGS = {"consumption_detail": consumption_listing, "topup_detail": topup_listing}
