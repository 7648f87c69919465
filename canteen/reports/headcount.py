"""就餐人次 and 就餐人数: meals taken per meal period per day, the busiest meal, the average per meal.

A meal counts unless it was refunded in full. 人次 counts meals; 人数 counts different people.
"""
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from canteen.models import JournalEntry, MealPeriod
from canteen.reports.base import Column, Filters, Report, by_person, in_period, refunded_by_meal, rounded_ratio

#: Meal period codes and names that mean lunch (中午), for the busiest-lunch figure.
LUNCH = ("lunch", "午餐")


def counted_meals(filters: Filters, *columns):
    """A select of `columns` over the meals in the period that were not refunded in full."""
    refunded = refunded_by_meal(since=filters.start)
    query = (select(*columns).select_from(JournalEntry)
             .outerjoin(refunded, refunded.c.meal_id == JournalEntry.id)
             .where(JournalEntry.kind == "meal",
                    JournalEntry.amount - func.coalesce(refunded.c.refunded, 0) > 0))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(JournalEntry.meal_period_id.in_(filters.meal_period_ids))
    return query


def headcount(session: Session, filters: Filters) -> Report:
    """One row per day and meal period with 人次 and 人数; totals carry the busiest meal and the average."""
    periods = {p.id: p for p in session.scalars(select(MealPeriod))}
    grouped = session.execute(
        counted_meals(filters, JournalEntry.business_date, JournalEntry.meal_period_id, func.count(),
                      func.count(distinct(JournalEntry.person_id)))
        .group_by(JournalEntry.business_date, JournalEntry.meal_period_id)).all()
    rows = []
    for day, period_id, visits, diners in grouped:
        period = periods.get(period_id)
        rows.append({"date": day, "meal_period": period.name if period else "时段外", "visits": visits,
                     "diners": diners, "_lunch": bool(period and (period.code in LUNCH or period.name in LUNCH)),
                     "_order": period.start_time.isoformat() if period else "99"})
    rows.sort(key=lambda r: (r["date"], r["_order"]))
    people = session.scalar(counted_meals(filters, func.count(distinct(JournalEntry.person_id)))) or 0
    busiest = max(rows, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    lunches = [r for r in rows if r["_lunch"]]
    busiest_lunch = max(lunches, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    total_diners = sum(r["diners"] for r in rows)
    totals = {
        "visits": sum(r["visits"] for r in rows), "diners": total_diners, "people": people, "meals": len(rows),
        "average_per_meal": rounded_ratio(total_diners, len(rows)),
        "busiest": f"{busiest['date']} {busiest['meal_period']}" if busiest else "",
        "busiest_diners": busiest["diners"] if busiest else 0,
        "busiest_lunch": busiest_lunch["diners"] if busiest_lunch else 0,
        "busiest_lunch_date": busiest_lunch["date"] if busiest_lunch else None,
    }
    for row in rows:
        row["label"] = f"{row['date']} {row['meal_period']}"
        del row["_lunch"], row["_order"]
    return Report(
        key="headcount", title="就餐人次与人数",
        columns=[Column("date", "日期", "date"), Column("meal_period", "餐次"), Column("visits", "就餐人次", "int"),
                 Column("diners", "就餐人数", "int")],
        rows=rows, totals=totals, chart=("label", "diners"),
        notes=[f"就餐人次合计 {totals['visits']}，共 {totals['meals']} 餐，"
               f"平均每餐就餐人数约 {totals['average_per_meal']} 人，"
               f"不同就餐者 {people} 人；就餐人数最多的一餐：{totals['busiest']}（{totals['busiest_diners']} 人），"
               f"午餐最多 {totals['busiest_lunch']} 人。全额退款的消费不计。"],
    )
