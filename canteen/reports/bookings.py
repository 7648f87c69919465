"""报餐统计: booked, came, booked but did not come, came without booking, per department and meal period.

The unit is one person's meal (person, day, meal period). Booked: a live booking. Came: a meal taken at a
terminal, not refunded in full (:func:`canteen.services.bookings.eaten_meals`). Departments are the
people's current ones.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.models import Department, MealPeriod, Person
from canteen.models.bookings import MealBooking
from canteen.reports.base import Column, Filters, Report
from canteen.services.bookings import as_tuples, eaten_meals

FIGURES = ("booked", "came", "no_show", "walk_in", "ate")


def _people(session: Session, filters: Filters) -> dict[int, int]:
    """person id -> department id, for the people the filters cover."""
    query = select(Person.id, Person.department_id)
    if filters.department_ids:
        query = query.where(Person.department_id.in_(filters.department_ids))
    if filters.category_ids:
        query = query.where(Person.category_id.in_(filters.category_ids))
    return dict(session.execute(query).all())


def booking_report(session: Session, filters: Filters) -> Report:
    """One row per department and meal period over the filters' dates."""
    people = _people(session, filters)
    booked = as_tuples(session.execute(select(MealBooking.person_id, MealBooking.day, MealBooking.meal_period_id).where(
        MealBooking.day >= filters.start, MealBooking.day <= filters.end, MealBooking.state == "booked")))
    came = eaten_meals(session, filters.start, filters.end)
    periods = {p.id: p for p in session.scalars(select(MealPeriod))}
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    wanted = set(filters.meal_period_ids)
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for meal in booked | came:
        person_id, _, period_id = meal
        if person_id not in people or (wanted and period_id not in wanted):
            continue
        row = counts.setdefault((people[person_id], period_id), dict.fromkeys(FIGURES, 0))
        row["booked"] += meal in booked
        row["came"] += meal in booked and meal in came
        row["no_show"] += meal in booked and meal not in came
        row["walk_in"] += meal in came and meal not in booked
        row["ate"] += meal in came
    rows = []
    for (department_id, period_id), figures in counts.items():
        period = periods.get(period_id)
        rows.append({"department": departments.get(department_id, ""), "meal_period": period.name if period else "",
                     **figures, "_order": (departments.get(department_id, ""),
                                           period.start_time.isoformat() if period else "99")})
    rows.sort(key=lambda r: r.pop("_order"))
    totals = {key: sum(r[key] for r in rows) for key in FIGURES}
    for row in rows:
        row["label"] = f"{row['department']} {row['meal_period']}"
    return Report(
        key="bookings", title="报餐统计",
        columns=[Column("department", "部门"), Column("meal_period", "餐次"), Column("booked", "报餐", "int"),
                 Column("came", "报餐已就餐", "int"), Column("no_show", "报餐未就餐", "int"),
                 Column("walk_in", "未报餐就餐", "int"), Column("ate", "就餐合计", "int")],
        rows=rows, totals=totals, chart=("label", "no_show"),
        notes=[f"报餐 {totals['booked']} 份，其中已就餐 {totals['came']}、未就餐 {totals['no_show']}；"
               f"未报餐就餐 {totals['walk_in']} 人次；就餐合计 {totals['ate']} 人次（终端刷卡且未全额退款）。"],
    )
