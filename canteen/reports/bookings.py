"""报餐统计: booked, came, booked but did not come, came without booking, per department and meal period.

The unit is one person's meal (person, day, meal period). Booked: a live booking. Came: a meal taken at a
terminal, not refunded in full (:func:`canteen.services.bookings.eaten_meals`). Departments are the
people's current ones.

Read like the headcount (see README "Report pre-aggregates"): the days the tallies hold whole come from the
booking tally (bookings, bookings whose diner came, and different diners at a terminal per day, meal period,
department and category); the open days (a meal or a refund of one after the watermark, or a booking changed
since the rollup) are counted in the database from the bookings and the journal.
"""
from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from canteen.money import count
from canteen.models import Department, MealPeriod, Person
from canteen.models.bookings import MealBooking
from canteen.models.report_rollup import BookingChange, BookingTally
from canteen.reports.base import Column, Filters, Report
from canteen.reports.tallies import DIRECT, Cut, consistent, open_days
from canteen.services.bookings import eaten_query

FIGURES = ("booked", "came", "no_show", "walk_in", "ate")
#: Open days counted in Python at most; beyond that (a rollup not run for months) the journal is read whole.
OPEN_DAYS_MAX = 400


def _runs(days: list) -> list[tuple]:
    """Sorted days as (first, last) of each run of consecutive days."""
    runs: list[list] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [tuple(run) for run in runs]


def _count(session: Session, filters: Filters, spans: list[tuple]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (department id, period id): the figures over the `spans` (first, last day) from the bookings and the
    journal (:func:`canteen.services.bookings.eaten_query`), counted in the database in one statement (the
    meals eaten are read once, for both the diners who ate and the bookings they kept)."""
    b = MealBooking
    meals = union_all(*[eaten_query(start, end) for start, end in spans]).subquery()
    eaten = select(*meals.c).distinct().cte("eaten")  # one row per (person, day, meal period)
    ate = _by_person(select(literal("ate"), Person.department_id, eaten.c.meal_period_id, func.count(), literal(0))
                     .join(Person, Person.id == eaten.c.person_id), filters, eaten.c.meal_period_id
                     ).group_by(Person.department_id, eaten.c.meal_period_id)
    in_spans = or_(*[b.day.between(start, end) for start, end in spans])
    came = case((eaten.c.person_id.is_not(None), 1), else_=0)
    booked = _by_person(select(literal("booked"), Person.department_id, b.meal_period_id, func.count(), func.sum(came))
                        .join(Person, Person.id == b.person_id)
                        .outerjoin(eaten, and_(eaten.c.person_id == b.person_id, eaten.c.business_date == b.day,
                                               eaten.c.meal_period_id == b.meal_period_id))
                        .where(b.state == "booked", in_spans), filters, b.meal_period_id
                        ).group_by(Person.department_id, b.meal_period_id)
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for part, department_id, period_id, number, eaten_too in session.execute(union_all(ate, booked)):
        row = counts.setdefault((department_id, period_id), dict.fromkeys(FIGURES, 0))
        if part == "ate":
            row["ate"] = int(number)
        else:
            row["booked"], row["came"] = int(number), int(eaten_too or 0)
    return _derived(counts)


def _derived(counts: dict[tuple[int, int], dict[str, int]]) -> dict[tuple[int, int], dict[str, int]]:
    """Each row with what follows from its counts: booked but did not come, came without booking."""
    for row in counts.values():
        row["no_show"] = row["booked"] - row["came"]
        row["walk_in"] = row["ate"] - row["came"]
    return counts


def _closed(query, column, filters: Filters, days: list):
    """`query` restricted to the period less the open `days`."""
    query = query.where(column >= filters.start, column <= filters.end)
    return query.where(column.notin_(days)) if days else query


def _by_person(query, filters: Filters, period_col):
    if filters.department_ids:
        query = query.where(Person.department_id.in_(filters.department_ids))
    if filters.category_ids:
        query = query.where(Person.category_id.in_(filters.category_ids))
    if filters.meal_period_ids:
        query = query.where(period_col.in_(filters.meal_period_ids))
    return query


def _tallied(session: Session, filters: Filters, days: list) -> dict[tuple[int, int], dict[str, int]]:
    """Per (department id, period id): the figures of the days the tallies hold whole, counted in the database."""
    counts: dict[tuple[int, int], dict[str, int]] = {}

    def add(key, **figures):
        row = counts.setdefault(key, dict.fromkeys(FIGURES, 0))
        for name, value in figures.items():
            row[name] += int(value or 0)

    k = BookingTally
    query = _closed(select(k.department_id, k.meal_period_id, func.sum(k.booked), func.sum(k.came), func.sum(k.ate)),
                    k.day, filters, days)
    for ids, column in ((filters.department_ids, k.department_id), (filters.category_ids, k.category_id),
                        (filters.meal_period_ids, k.meal_period_id)):
        if ids:
            query = query.where(column.in_(ids))
    for department_id, period_id, booked, came, ate in session.execute(
            query.group_by(k.department_id, k.meal_period_id)):
        add((department_id or None, period_id), booked=booked, came=came, ate=ate)
    return _derived(counts)


def _figures(session: Session, filters: Filters, cut: Cut) -> dict[tuple[int, int], dict[str, int]]:
    whole = [(filters.start, filters.end)]
    if not cut.watermark or cut.moved:
        return _count(session, filters, whole)
    changed = select(BookingChange.day).where(BookingChange.day >= filters.start, BookingChange.day <= filters.end)
    days = sorted(set(open_days(session, cut, filters)) | set(session.scalars(changed.distinct())))
    if len(days) > OPEN_DAYS_MAX:
        return _count(session, filters, whole)
    counts = _tallied(session, filters, days)
    if days:
        for key, figures in _count(session, filters, _runs(days)).items():
            row = counts.setdefault(key, dict.fromkeys(FIGURES, 0))
            for name, value in figures.items():
                row[name] += value
    return {key: row for key, row in counts.items() if any(row.values())}


@consistent
def booking_report(session: Session, filters: Filters, cut: Cut = DIRECT) -> Report:
    """One row per department and meal period over the filters' dates."""
    counts = _figures(session, filters, cut)
    periods = {p.id: p for p in session.scalars(select(MealPeriod))}
    departments = dict(session.execute(select(Department.id, Department.name)).all())
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
        notes=[f"报餐 {count(totals['booked'])} 份，其中已就餐 {count(totals['came'])}、"
               f"未就餐 {count(totals['no_show'])}；未报餐就餐 {count(totals['walk_in'])} 人次；"
               f"就餐合计 {count(totals['ate'])} 人次（终端刷卡且未全额退款）。"],
    )
