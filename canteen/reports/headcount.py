"""就餐人次 and 就餐人数: meals taken per meal period per day, the busiest meal, the average per meal.

A meal counts unless it was refunded in full. 人次 counts meals; 人数 counts different people.
"""
from collections import defaultdict

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from canteen.models import HeadcountTally, JournalEntry, MealPeriod, MealTally, Person
from canteen.reports.base import (Column, Filters, Report, by_person, in_period, refunded_by_meal, rounded_ratio,
                                  served)
from canteen.reports.rollup import meal_changes
from canteen.reports.tallies import DIRECT, Cut, consistent, none_for_zero

#: Meal period codes and names that mean lunch (中午), for the busiest-lunch figure.
LUNCH = ("lunch", "午餐")
#: Ids per IN list (SQLite's parameter limit).
CHUNK = 1000


def counted_meals(filters: Filters, *columns):
    """A select of `columns` over the meals in the period that were not refunded in full."""
    refunded = refunded_by_meal(since=filters.start)
    query = (select(*columns).select_from(JournalEntry)
             .outerjoin(refunded, refunded.c.meal_id == JournalEntry.id)
             .where(served(JournalEntry),
                    JournalEntry.amount - func.coalesce(refunded.c.refunded, 0) > 0))
    query = by_person(in_period(query, filters), filters, JournalEntry.person_id)
    if filters.terminal_ids:
        query = query.where(JournalEntry.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(JournalEntry.meal_period_id.in_(filters.meal_period_ids))
    return query


def _people_of(filters: Filters):
    """Ids of the people in the chosen departments and categories, as a subquery (None: everyone)."""
    if not (filters.department_ids or filters.category_ids):
        return None
    query = select(Person.id)
    if filters.department_ids:
        query = query.where(Person.department_id.in_(filters.department_ids))
    if filters.category_ids:
        query = query.where(Person.category_id.in_(filters.category_ids))
    return query


def _restrict(query, filters: Filters, date_col, person_col, terminal_col, period_col):
    query = query.where(date_col >= filters.start, date_col <= filters.end)
    people = _people_of(filters)
    if people is not None:
        query = query.where(person_col.in_(people))
    if filters.terminal_ids:
        query = query.where(terminal_col.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(period_col.in_(filters.meal_period_ids))
    return query


def _rows(session: Session, query) -> list:
    """All rows of a plain select at once (thousands here): through the connection, without per-row ORM work."""
    return session.connection().execute(query).all()


def _tally(query, filters: Filters):
    t = MealTally
    return _restrict(query, filters, t.business_date, t.person_id, t.terminal_id, t.meal_period_id)


def _direct(session: Session, filters: Filters, count_people: bool = True):
    """(per (day, period id): [visits, diners]) and the number of different people, from the journal."""
    grouped = session.execute(
        counted_meals(filters, JournalEntry.business_date, JournalEntry.meal_period_id, func.count(),
                      func.count(distinct(JournalEntry.person_id)))
        .group_by(JournalEntry.business_date, JournalEntry.meal_period_id)).all()
    people = session.scalar(counted_meals(filters, func.count(distinct(JournalEntry.person_id)))) or 0 \
        if count_people else None
    return {(day, period): [visits, diners] for day, period, visits, diners in grouped}, people


def _rolled_up(session: Session, filters: Filters, cut: Cut, count_people: bool = True):
    """The same from the meal tally up to the watermark, corrected by the journal after it."""
    e, t = JournalEntry, MealTally
    changes: dict = defaultdict(int)
    for query in meal_changes(cut.watermark, None):
        for day, period, _terminal, person, visits in _rows(
                session, _restrict(query, filters, e.business_date, e.person_id, e.terminal_id, e.meal_period_id)):
            changes[(day, period, person)] += visits
    if not (filters.department_ids or filters.category_ids or filters.terminal_ids):
        h = HeadcountTally
        base = select(h.business_date, h.meal_period_id, h.visits, h.diners).where(
            h.business_date >= filters.start, h.business_date <= filters.end, h.visits > 0)
        if filters.meal_period_ids:
            base = base.where(h.meal_period_id.in_(filters.meal_period_ids))
    else:
        base = _tally(select(t.business_date, t.meal_period_id, func.sum(t.visits), func.count(distinct(t.person_id)))
                      .where(t.visits > 0), filters).group_by(t.business_date, t.meal_period_id)
    meals = {(day, period): [int(visits), int(diners)] for day, period, visits, diners in _rows(session, base)}
    before: dict = defaultdict(int)
    touched = sorted({person for (_d, _p, person) in changes})
    days = sorted({day for (day, _p, _person) in changes})
    # Few people: look them up; many (a long gap since the rollup): read those days whole, in one query.
    groups = [touched[i:i + CHUNK] for i in range(0, len(touched), CHUNK)] if len(touched) <= CHUNK else [None]
    for people in groups:
        query = select(t.business_date, t.meal_period_id, t.person_id, func.sum(t.visits)).where(
            t.business_date.in_(days), *([t.person_id.in_(people)] if people is not None else []))
        for day, period, person, visits in _rows(
                session, _tally(query, filters).group_by(t.business_date, t.meal_period_id, t.person_id)):
            before[(day, period, person)] = int(visits)
    per_person: dict = defaultdict(int)
    for (day, period, person), change in changes.items():
        was = before[(day, period, person)]
        meal = meals.setdefault((day, period), [0, 0])
        meal[0] += change
        meal[1] += (was + change > 0) - (was > 0)
        per_person[person] += change
    meals = {(day, none_for_zero(period)): v for (day, period), v in meals.items() if v[0] > 0}
    return meals, _people(session, filters, cut, per_person) if count_people else None


def _people(session: Session, filters: Filters, cut: Cut, changes: dict) -> int:
    """Different people with a counted meal in the period: tally up to the watermark, then the changes."""
    t, e = MealTally, JournalEntry
    anyone = Filters(filters.start, filters.end, terminal_ids=filters.terminal_ids,
                     meal_period_ids=filters.meal_period_ids)
    probe = _tally(select(t.id).where(t.person_id == Person.id, t.visits > 0), anyone).limit(1).scalar_subquery()
    people = _people_of(filters)
    query = select(Person.id, probe) if people is None else select(Person.id, probe).where(Person.id.in_(people))
    # Whoever has a new counted meal counts: probe the tally for the others (all at once, in SQL), and by name
    # for the few who ate since the watermark without a meal that counts (refunded in full).
    ate = _restrict(select(e.person_id).where(e.kind == "meal", e.id > cut.watermark, e.person_id.isnot(None)),
                    anyone, e.business_date, e.person_id, e.terminal_id, e.meal_period_id)
    counted = {person for person, hit in _rows(session, query.where(Person.id.notin_(ate))) if hit is not None}
    unsure = sorted({p for (p,) in _rows(session, ate.distinct())} - {p for p, c in changes.items() if c > 0})
    for start in range(0, len(unsure), CHUNK):
        chunk = query.where(Person.id.in_(unsure[start:start + CHUNK]))
        counted |= {person for person, hit in _rows(session, chunk) if hit is not None}
    doubtful = [p for p, change in changes.items() if change < 0 and p in counted]
    counted |= {p for p, change in changes.items() if change > 0}
    for start in range(0, len(doubtful), CHUNK):
        chunk = doubtful[start:start + CHUNK]
        totals = dict(_rows(session, _tally(select(t.person_id, func.sum(t.visits)).where(t.person_id.in_(chunk)),
                                            filters).group_by(t.person_id)))
        counted -= {p for p in chunk if int(totals.get(p) or 0) + changes[p] <= 0}
    return len(counted)


def guest_meals(session: Session, filters: Filters) -> dict | None:
    """Guest meals (接待用餐, tickets charged to a department) per (day, period id); None when the filters name
    departments or categories of diners, which guests do not have. Few rows a day: read from the journal."""
    if filters.department_ids or filters.category_ids:
        return None
    e = JournalEntry
    query = select(e.business_date, e.meal_period_id, func.count()).where(
        e.kind == "guest_meal", e.business_date >= filters.start, e.business_date <= filters.end)
    if filters.terminal_ids:
        query = query.where(e.terminal_id.in_(filters.terminal_ids))
    if filters.meal_period_ids:
        query = query.where(e.meal_period_id.in_(filters.meal_period_ids))
    return {(day, period): n for day, period, n in _rows(session, query.group_by(e.business_date, e.meal_period_id))}


@consistent
def headcount(session: Session, filters: Filters, count_people: bool = True, cut: Cut = DIRECT) -> Report:
    """One row per day and meal period with 人次 and 人数; totals carry the busiest meal and the average.

    `count_people`: also count the different people over the whole period (``totals["people"]``; else None).
    """
    periods = {p.id: p for p in session.scalars(select(MealPeriod))}
    meals, people = (_rolled_up(session, filters, cut, count_people) if cut.watermark
                     else _direct(session, filters, count_people))
    guests = guest_meals(session, filters)
    for key in guests or ():
        meals.setdefault(key, [0, 0])
    rows = []
    for (day, period_id), (visits, diners) in meals.items():
        period = periods.get(period_id)
        rows.append({"date": day, "meal_period": period.name if period else "时段外", "visits": visits,
                     "diners": diners, "guests": None if guests is None else guests.get((day, period_id), 0), "_lunch": bool(period and (period.code in LUNCH or period.name in LUNCH)),
                     "_order": period.start_time.isoformat() if period else "99"})
    rows.sort(key=lambda r: (r["date"], r["_order"]))
    busiest = max(rows, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    lunches = [r for r in rows if r["_lunch"]]
    busiest_lunch = max(lunches, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    total_diners = sum(r["diners"] for r in rows)
    served_meals = sum(1 for r in rows if r["visits"] > 0)
    totals = {
        "visits": sum(r["visits"] for r in rows), "diners": total_diners, "people": people, "meals": served_meals,
        "guests": None if guests is None else sum(guests.values()),
        "average_per_meal": rounded_ratio(total_diners, served_meals),
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
                 Column("diners", "就餐人数", "int"), Column("guests", "来宾用餐", "int")],
        rows=rows, totals=totals, chart=("label", "diners"),
        notes=[f"就餐人次合计 {totals['visits']}，共 {totals['meals']} 餐，"
               f"平均每餐就餐人数约 {totals['average_per_meal']} 人，"
               + ("" if people is None else f"不同就餐者 {people} 人；")
               + f"就餐人数最多的一餐：{totals['busiest']}（{totals['busiest_diners']} 人），"
               f"午餐最多 {totals['busiest_lunch']} 人。全额退款的消费和报餐未就餐的扣费不计；"
               "来宾用餐（接待餐券）另列一栏，按部门或人员类别筛选时不列。"],
    )
