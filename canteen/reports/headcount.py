"""就餐人次 and 就餐人数: meals taken per meal period per day, the busiest meal, the average per meal.

A meal counts unless it was refunded in full. 人次 counts meals; 人数 counts different people.
Rolled-up days come from the tallies (per meal, or per department and category when the filters name them);
the few days with a meal or a refund of one after the watermark come whole from the journal.
"""
from dataclasses import replace

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from canteen.models import HeadcountTally, JournalEntry, MealPeriod, MealTally, Person
from canteen.money import count
from canteen.models.diner_tally import DinerTally
from canteen.reports.base import Column, Filters, Report, by_person, in_period, refunded_by_meal, rounded_ratio, served
from canteen.reports.tallies import DIRECT, Cut, consistent, none_for_zero, open_days

#: Meal period codes and names that mean lunch (中午), for the busiest-lunch figure.
LUNCH = ("lunch", "午餐")
#: Open days read from the journal at most, each a parameter of an IN list (SQLite's limit).
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


def _per_meal(session: Session, filters: Filters, *where) -> dict:
    """Per (day, period id): [visits, diners] of the counted meals in the journal (`where`: which of them)."""
    e = JournalEntry
    grouped = _rows(session, counted_meals(filters, e.business_date, e.meal_period_id, func.count(),
                                           func.count(distinct(e.person_id))).where(*where)
                    .group_by(e.business_date, e.meal_period_id))
    return {(day, period): [visits, diners] for day, period, visits, diners in grouped}


def _direct(session: Session, filters: Filters, count_people: bool = True):
    """(per (day, period id): [visits, diners]) and the number of different people, from the journal."""
    people = session.scalar(counted_meals(filters, func.count(distinct(JournalEntry.person_id)))) or 0 \
        if count_people else None
    return _per_meal(session, filters), people


def _within(filters: Filters, days: list) -> Filters:
    """The filters narrowed to the span of `days` (sorted, all in the period)."""
    return replace(filters, start=days[0], end=days[-1])


def _rolled_up(session: Session, filters: Filters, cut: Cut, count_people: bool = True):
    """The same, from the tallies for the days they hold whole and from the journal for the open days."""
    days_open = open_days(session, cut, filters)
    if len(days_open) > CHUNK:  # the rollup has not run for years: the tallies save little
        return _direct(session, filters, count_people)
    t, h = MealTally, HeadcountTally
    if not (filters.department_ids or filters.category_ids or filters.terminal_ids):
        base = select(h.business_date, h.meal_period_id, h.visits, h.diners).where(
            h.business_date >= filters.start, h.business_date <= filters.end, h.visits > 0)
        if filters.meal_period_ids:
            base = base.where(h.meal_period_id.in_(filters.meal_period_ids))
    elif not (filters.terminal_ids or cut.moved):
        base = _by_department(filters)
    else:
        base = _tally(select(t.business_date, t.meal_period_id, func.sum(t.visits), func.count(distinct(t.person_id)))
                      .where(t.visits > 0), filters).group_by(t.business_date, t.meal_period_id)
    if days_open:
        base = base.where(base.selected_columns[0].notin_(days_open))
    meals = {(day, none_for_zero(period)): [int(visits), int(diners)]
             for day, period, visits, diners in _rows(session, base)}
    if days_open:
        meals.update(_per_meal(session, _within(filters, days_open), JournalEntry.business_date.in_(days_open)))
    return meals, _people(session, filters, days_open) if count_people else None


def _by_department(filters: Filters):
    """Per (day, period): meals and different diners of the chosen departments and categories, from the diner
    tally (a diner is filed under one of each, so the diners add up)."""
    d = DinerTally
    query = select(d.business_date, d.meal_period_id, func.sum(d.visits), func.sum(d.diners)).where(
        d.business_date >= filters.start, d.business_date <= filters.end)
    for ids, column in ((filters.department_ids, d.department_id), (filters.category_ids, d.category_id),
                        (filters.meal_period_ids, d.meal_period_id)):
        if ids:
            query = query.where(column.in_(ids))
    return query.group_by(d.business_date, d.meal_period_id).having(func.sum(d.visits) > 0)


def _people(session: Session, filters: Filters, open_days: list) -> int:
    """Different people with a counted meal in the period: in the meal tally on the days it holds whole, or
    in the journal on the open days (looked up first: a diner found there needs no probe of the tally)."""
    t, e = MealTally, JournalEntry
    anyone = replace(filters, department_ids=(), category_ids=())
    probe = _tally(select(t.id).where(t.person_id == Person.id, t.visits > 0), anyone)
    if open_days:
        probe = probe.where(t.business_date.notin_(open_days))
    found = probe.exists()
    if open_days:
        ate = counted_meals(_within(anyone, open_days), e.person_id).where(e.business_date.in_(open_days))
        found = or_(Person.id.in_(ate), found)
    query = select(func.count()).select_from(Person).where(found)
    people = _people_of(filters)
    if people is not None:
        query = query.where(Person.id.in_(people))
    return int(session.scalar(query) or 0)


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


def _totals(rows: list[dict], with_guests: bool, people) -> dict:
    """The figures over the rows (see :mod:`canteen.figures` for their written definitions).

    A meal (一餐) is a meal period of a day with someone served; meals charged outside any meal period (时段外)
    count in 人次 but are no meal of their own, so they stay out of the average. Diners' figures leave guest
    tickets out; the ``all_`` figures (供餐, all meals served) add them, and are None when guests are not counted.
    """
    real = [r for r in rows if r["_period"] and (r["visits"] > 0 or r["guests"])]
    diner_meals = [r for r in real if r["visits"] > 0]
    lunches = [r for r in real if r["_lunch"]]
    busiest = max(diner_meals, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    busiest_lunch = max(lunches, key=lambda r: (r["diners"], -r["date"].toordinal()), default=None)
    diners = sum(r["diners"] for r in diner_meals)
    guests = sum(r["guests"] or 0 for r in rows)
    totals = {
        "visits": sum(r["visits"] for r in rows), "diners": sum(r["diners"] for r in rows), "people": people,
        "meals": len(diner_meals), "guests": guests if with_guests else None,
        "average_per_meal": rounded_ratio(diners, len(diner_meals)),
        "busiest": f"{busiest['date']} {busiest['meal_period']}" if busiest else "",
        "busiest_diners": busiest["diners"] if busiest else 0,
        "busiest_lunch": busiest_lunch["diners"] if busiest_lunch else 0,
        "busiest_lunch_date": busiest_lunch["date"] if busiest_lunch else None,
        "all_visits": None, "all_meals": None, "all_average_per_meal": None, "all_busiest_lunch": None,
    }
    if with_guests:
        served_all = sum(r["diners"] + (r["guests"] or 0) for r in real)
        totals.update(all_visits=totals["visits"] + guests, all_meals=len(real),
                      all_average_per_meal=rounded_ratio(served_all, len(real)),
                      all_busiest_lunch=max((r["diners"] + (r["guests"] or 0) for r in lunches), default=0))
    return totals


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
                     "diners": diners, "guests": None if guests is None else guests.get((day, period_id), 0),
                     "_lunch": bool(period and (period.code in LUNCH or period.name in LUNCH)),
                     "_period": period is not None,
                     "_order": period.start_time.isoformat() if period else "99"})
    rows.sort(key=lambda r: (r["date"], r["_order"]))
    totals = _totals(rows, guests is not None, people)
    for row in rows:
        row["label"] = f"{row['date']} {row['meal_period']}"
        del row["_lunch"], row["_order"], row["_period"]
    return Report(
        key="headcount", title="就餐人次与人数",
        columns=[Column("date", "日期", "date"), Column("meal_period", "餐次"), Column("visits", "就餐人次", "int"),
                 Column("diners", "就餐人数", "int"), Column("guests", "来宾用餐", "int")],
        rows=rows, totals=totals, chart=("label", "diners"),
        notes=[f"就餐人次合计 {count(totals['visits'])}（职工），共 {count(totals['meals'])} 餐（时段外消费不算一餐），"
               f"平均每餐就餐人数约 {totals['average_per_meal']} 人（职工），"
               + ("" if people is None else f"不同就餐者 {count(people)} 人；")
               + f"就餐人数最多的一餐：{totals['busiest']}（{count(totals['busiest_diners'])} 人），"
               f"午餐最多 {count(totals['busiest_lunch'])} 人（职工）。"
               + ("" if totals["guests"] is None else
                  f"含来宾（接待用餐）：供餐人次 {count(totals['all_visits'])}，平均每餐约 {totals['all_average_per_meal']} 人，"
                  f"午餐最多 {count(totals['all_busiest_lunch'])} 人。")
               + "全额退款的消费（按就餐日期）和报餐未就餐的扣费不计；"
               "来宾用餐（接待餐券）另列一栏，按部门或人员类别筛选时不列。"],
    )
