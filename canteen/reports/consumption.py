"""Consumption (消费) by department, category, terminal, meal period, day or month, and its detail.

The detail listing is in :mod:`canteen.reports.detail`.

Meals count on their business date; a refund counts on its meal's business date (a refund made in a later
month takes the meal out of the meal's month, as 就餐人次 does), against the meal's terminal and meal period.
Net consumption (个人消费) is meals less refunds. Refunds are few: they are read from ``refund_meal`` always
(the database files every refund of a meal there under its meal's day, terminal and meal period), because the
entry tally files them under their own date.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.models import (Department, DinerCategory, EntryTally, JournalEntry, MealPeriod, Person, RefundMeal,
                            Terminal)
from canteen.reports.base import Column, Filters, Report, names
from canteen.reports.tallies import DIRECT, Cut, consistent, entry_tally, grain_for, none_for_zero

DIMENSIONS = {"department": "部门", "category": "人员类别", "terminal": "终端", "meal_period": "餐次",
              "day": "日期", "month": "月份"}


def _restrict(query, filters: Filters, meal, entry):
    """Period on `entry`; dimensions on the person, the meal's terminal and meal period."""
    query = query.where(entry.business_date >= filters.start, entry.business_date <= filters.end)
    if filters.department_ids:
        query = query.where(Person.department_id.in_(filters.department_ids))
    if filters.category_ids:
        query = query.where(Person.category_id.in_(filters.category_ids))
    if filters.terminal_ids:
        query = query.where(meal.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(meal.meal_period_id.in_(filters.meal_period_ids))
    return query


def _key(by: str, meal, entry):
    return {"department": Person.department_id, "category": Person.category_id, "terminal": meal.terminal_id,
            "meal_period": meal.meal_period_id, "day": entry.business_date, "month": entry.business_date}[by]


def _tallied(session: Session, filters: Filters, by: str, grain: str, kind: str) -> list:
    """(group key, count, fen) of `kind` entries from the entry tally up to the watermark."""
    t = EntryTally
    key = {"department": t.department_id, "category": t.category_id, "terminal": t.origin_terminal_id,
           "meal_period": t.origin_period_id, "day": t.business_date, "month": t.business_date}[by]
    found = session.execute(entry_tally(grain, filters, (kind,), key, func.sum(t.entries), func.sum(t.amount),
                                        origin=True).group_by(key).having(func.sum(t.entries) != 0)).all()
    return [(k if by in ("day", "month") else none_for_zero(k), int(count), int(amount))
            for k, count, amount in found]


@consistent
def consumption_summary(session: Session, filters: Filters, by: str = "department", cut: Cut = DIRECT) -> Report:
    """Meals, refunds and net consumption grouped by `by` (one of :data:`DIMENSIONS`).

    Entries up to the rollup's watermark come from the entry tally, later ones from the journal.
    """
    if by not in DIMENSIONS:
        raise ValueError(by)
    grain = grain_for(cut, filters, by)
    since = cut.watermark if grain else 0
    meal = JournalEntry
    meals = session.execute(_restrict(
        select(_key(by, meal, meal), func.count(), func.sum(meal.amount)).select_from(meal)
        .join(Person, Person.id == meal.person_id).where(meal.kind == "meal", meal.id > since), filters, meal, meal)
        .group_by(_key(by, meal, meal))).all()
    # Refunds on their meals' day, terminal and meal period (refund_meal files them so).
    r = RefundMeal
    refunds = session.execute(_restrict(
        select(_key(by, r, r), func.count(), func.sum(r.amount)).select_from(r).join(Person, Person.id == r.person_id),
        filters, r, r).group_by(_key(by, r, r))).all()
    if grain:
        meals += _tallied(session, filters, by, grain, "meal")
    label = _labeller(session, by)
    groups: dict = {}
    for rows, count_key, amount_key in ((meals, "meals", "amount"), (refunds, "refunds", "refunded")):
        for key, count, amount in rows:
            key = label(key) if by in ("day", "month") else key
            group = groups.setdefault(key, {"group": label(key) if by not in ("day", "month") else key,
                                            "meals": 0, "amount": 0, "refunds": 0, "refunded": 0})
            group[count_key] += count
            group[amount_key] += int(amount or 0)
    rows = sorted(groups.values(), key=lambda g: str(g["group"]))
    for row in rows:
        row["net"] = row["amount"] - row["refunded"]
    totals = {k: sum(r[k] for r in rows) for k in ("meals", "amount", "refunds", "refunded", "net")}
    return Report(
        key="consumption", title=f"消费汇总（按{DIMENSIONS[by]}）",
        columns=[Column("group", DIMENSIONS[by]), Column("meals", "消费笔数", "int"),
                 Column("amount", "消费金额", "fen"), Column("refunds", "退款笔数", "int"),
                 Column("refunded", "退款金额", "fen"), Column("net", "净消费", "fen")],
        rows=rows, totals=totals, chart=("group", "net"))


def _labeller(session: Session, by: str):
    """How a group key reads on the page."""
    if by == "day":
        return lambda key: key.isoformat()
    if by == "month":
        return lambda key: key.strftime("%Y-%m")
    model = {"department": Department, "category": DinerCategory, "terminal": Terminal, "meal_period": MealPeriod}[by]
    table = names(session, model, "code" if model is Terminal else "name")
    return lambda key: table.get(key, "（无）")
