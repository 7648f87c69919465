"""The rollup (汇总): add the journal's entries after the watermark to the report pre-aggregates.

Run by ``canteen reports rollup`` every few minutes. Idempotent and incremental: each step takes the
entries with ids in (watermark, watermark + batch], adds them to the tallies and moves the watermark, all
in one transaction that first locks the single :class:`RollupState` row, so two rollups never add the same
entries twice. Reports read the tallies up to the watermark and the journal after it, so they never wait
for a rollup and are exact whether it ran a second or a month ago.

Department and category are a person's present values, but sums are filed under the values the person
had at the rollup (:class:`RollupPerson`). When someone moves, the next rollup moves their history over;
until then reports that split or filter by department or category read the journal directly. The diner
tally (就餐人数 by department and category) is filed the same way and recounted for every day whose meals
changed, so a headcount filtered by department reads a few rows per day. The booking tally (报餐统计: bookings,
those whose diner ate at a terminal, and the diners who ate at one) is filed the same way and recounted for every
day whose meals or bookings changed (a trigger on ``meal_booking`` writes a :class:`BookingChange` row per change).
"""
from sqlalchemy import case, delete, distinct, func, literal, or_, select, true, union, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from canteen.models import (Account, EntryTally, HeadcountTally, JournalEntry, MealTally, Person, Posting,
                            PostingTally, RollupPerson, RollupState, utcnow)
from canteen.models.bookings import MealBooking
from canteen.models.diner_tally import DinerTally
from canteen.models.ledger import PERSON_KINDS
from canteen.models.report_rollup import GRAINS, BookingChange, BookingTally
from canteen.reports.base import served

#: Entries added per transaction; a first rollup of a big journal takes several.
BATCH = 500_000
#: Entry kinds whose positive postings to the cash wallet are personal top-up (个人充值).
CASH_IN_KINDS = ("top_up", "card_issue")

ENTRY_KEYS = ("business_date", "grain", "kind", "method", "operator_id", "approver_id", "department_id",
              "category_id", "terminal_id", "meal_period_id", "origin_terminal_id", "origin_period_id")
ENTRY_VALUES = ("entries", "amount", "cash_in", "cash_in_entries")
POSTING_KEYS = ("business_date", "grain", "entry_kind", "account_kind", "department_id", "category_id")
#: Grains filed under the person's department or category, which move when the person does.
PERSON_GRAINS = ("department", "category")
MEAL_KEYS = ("business_date", "meal_period_id", "terminal_id", "person_id")
DINER_KEYS = ("business_date", "meal_period_id", "department_id", "category_id")
DINER_VALUES = ("visits", "diners")
BOOKING_KEYS = ("day", "meal_period_id", "department_id", "category_id")
BOOKING_VALUES = ("booked", "came", "ate")
#: Booking changes deleted per statement (SQLite's limit on parameters).
CHUNK = 500


def _insert(session: Session, model):
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def _add(session: Session, model, keys, values, query) -> None:
    """INSERT the rows of `query` (keys then values), adding the values to the row already there for a key."""
    stmt = _insert(session, model).from_select([*keys, *values], query)
    session.execute(stmt.on_conflict_do_update(
        index_elements=list(keys), set_={v: getattr(model, v) + stmt.excluded[v] for v in values}))


def _zero(column):
    return func.coalesce(column, 0)


def _window(query, entry, low: int, high: int, people=None):
    query = query.where(entry.id > low, entry.id <= high)
    return query.where(entry.person_id.in_(people)) if people is not None else query


def _person_dims(grain: str):
    """(department, category) key columns of a grain, from the snapshot the sums are filed under."""
    zero = literal(0)
    return (_zero(RollupPerson.department_id) if grain == "department" else zero,
            _zero(RollupPerson.category_id) if grain == "category" else zero)


def entry_rows(grain: str, low: int, high: int, *, people=None, sign: int = 1):
    """Per tally key of `grain`, the entries in (low, high] (of `people` only, if given), times `sign`."""
    e, original = JournalEntry, aliased(JournalEntry)
    cash = (select(func.coalesce(func.sum(Posting.amount), 0)).join(Account, Account.id == Posting.account_id)
            .where(Posting.entry_id == e.id, Account.kind == "cash", Posting.amount > 0).scalar_subquery())
    cash_in = case((e.kind.in_(CASH_IN_KINDS), cash), else_=0)
    zero = literal(0)
    if grain == "place":
        dims = [zero, zero, _zero(e.terminal_id), _zero(e.meal_period_id),
                case((e.kind == "refund", _zero(original.terminal_id)), else_=_zero(e.terminal_id)),
                case((e.kind == "refund", _zero(original.meal_period_id)), else_=_zero(e.meal_period_id))]
    else:
        dims = [*_person_dims(grain), zero, zero, zero, zero]
    per_entry = select(e.business_date, literal(grain), e.kind, func.coalesce(e.method, ""), _zero(e.operator_id),
                       _zero(e.approver_id), *dims, e.amount.label("amount"), cash_in.label("cash_in"))
    if grain in PERSON_GRAINS:
        per_entry = per_entry.outerjoin(RollupPerson, RollupPerson.person_id == e.person_id)
    elif grain == "place":
        per_entry = per_entry.outerjoin(original, original.id == e.original_id)
    inner = _window(per_entry, e, low, high, people).subquery()
    keys = list(inner.c)[:len(ENTRY_KEYS)]
    return (select(*keys, sign * func.count(), sign * func.sum(inner.c.amount), sign * func.sum(inner.c.cash_in),
                   sign * func.sum(case((inner.c.cash_in > 0, 1), else_=0)))
            .where(true()).group_by(*keys))


def posting_rows(grain: str, low: int, high: int, *, people=None, sign: int = 1):
    """Per posting tally key of `grain`, the postings to people's wallets of entries in (low, high], times `sign`."""
    e = JournalEntry
    per_posting = (select(e.business_date, literal(grain), e.kind, Account.kind, *_person_dims(grain),
                          Posting.amount.label("amount"))
                   .select_from(Posting).join(e, e.id == Posting.entry_id)
                   .join(Account, Account.id == Posting.account_id))
    if grain in PERSON_GRAINS:
        per_posting = per_posting.outerjoin(RollupPerson, RollupPerson.person_id == Account.person_id)
    per_posting = per_posting.where(Posting.entry_id > low, Posting.entry_id <= high, Account.kind.in_(PERSON_KINDS))
    if people is not None:
        per_posting = per_posting.where(Account.person_id.in_(people))
    inner = per_posting.subquery()
    keys = list(inner.c)[:len(POSTING_KEYS)]
    return select(*keys, sign * func.sum(inner.c.amount)).where(true()).group_by(*keys)


def refunded_before(low: int, high: int, *, upto: int | None = None):
    """Per meal refunded in (low, high]: what was refunded up to `low` and up to `high` (or `upto`)."""
    refund = aliased(JournalEntry)
    touched = select(refund.original_id).where(refund.kind == "refund", refund.id > low)
    if high is not None:
        touched = touched.where(refund.id <= high)
    query = (select(refund.original_id.label("meal_id"),
                    func.sum(case((refund.id <= low, refund.amount), else_=0)).label("before"),
                    func.sum(refund.amount).label("total"))
             .where(refund.kind == "refund", refund.original_id.in_(touched)))
    if high is not None:
        query = query.where(refund.id <= high)
    return query.group_by(refund.original_id).subquery()


def meal_changes(low: int, high: int | None):
    """Per meal tally key, the change in counted meals from entries in (low, high] (None: no upper end).

    New meals count unless refunded in full; an older meal refunded in full only now stops counting.
    """
    meal = JournalEntry
    refunds = refunded_before(low, high)
    keys = (meal.business_date, _zero(meal.meal_period_id), _zero(meal.terminal_id), meal.person_id)
    fresh = (select(*keys, func.count().label("visits")).select_from(meal)
             .outerjoin(refunds, refunds.c.meal_id == meal.id)
             .where(served(meal), meal.id > low, meal.amount - func.coalesce(refunds.c.total, 0) > 0))
    if high is not None:
        fresh = fresh.where(meal.id <= high)
    gone = (select(*keys, -func.count()).select_from(meal).join(refunds, refunds.c.meal_id == meal.id)
            .where(served(meal), meal.id <= low, meal.amount - refunds.c.before > 0,
                   meal.amount - refunds.c.total <= 0))
    return fresh.group_by(*keys), gone.group_by(*keys)


def _rebucket(session: Session, moved: list[int], low: int, sign: int) -> None:
    """Take the history of `moved` people out of (-1) or into (+1) the tallies, filed as the snapshot says."""
    for start in range(0, len(moved), 500):
        people = moved[start:start + 500]
        for grain in PERSON_GRAINS:
            _add(session, EntryTally, ENTRY_KEYS, ENTRY_VALUES, entry_rows(grain, 0, low, people=people, sign=sign))
            _add(session, PostingTally, POSTING_KEYS, ("amount",), posting_rows(grain, 0, low, people=people,
                                                                                sign=sign))
        _add(session, DinerTally, DINER_KEYS, DINER_VALUES,
             _diner_rows(_meals_per_person(MealTally.person_id.in_(people)), sign))
        _add(session, BookingTally, BOOKING_KEYS, BOOKING_VALUES,
             booking_rows(lambda day, person: person.in_(people), sign=sign))


def _file_people(session: Session, low: int) -> int:
    """Add new people to the snapshot and move the history of people whose department or category changed."""
    session.execute(_insert(session, RollupPerson).from_select(
        ["person_id", "department_id", "category_id"],
        select(Person.id, _zero(Person.department_id), _zero(Person.category_id)).where(
            ~select(RollupPerson.person_id).where(RollupPerson.person_id == Person.id).exists())))
    changed = session.execute(select(Person.id, _zero(Person.department_id), _zero(Person.category_id))
                              .join(RollupPerson, RollupPerson.person_id == Person.id)
                              .where(or_(_zero(Person.department_id) != RollupPerson.department_id,
                                         _zero(Person.category_id) != RollupPerson.category_id))).all()
    if not changed:
        return 0
    moved = [row[0] for row in changed]
    _rebucket(session, moved, low, -1)
    for person_id, department_id, category_id in changed:
        session.execute(update(RollupPerson).where(RollupPerson.person_id == person_id)
                        .values(department_id=department_id, category_id=category_id))
    _rebucket(session, moved, low, +1)
    return len(moved)


def touched_days(low: int, high: int | None = None):
    """Subquery (``business_date``): the days of the meals in (low, high] and of the meals refunded in it
    (None: no upper end), whose 人次 and 人数 those entries change."""
    e, meal = JournalEntry, aliased(JournalEntry)
    meals = select(e.business_date).where(e.kind == "meal", e.id > low)
    refunded = (select(meal.business_date).select_from(e).join(meal, meal.id == e.original_id)
                .where(e.kind == "refund", e.id > low))
    if high is not None:
        meals, refunded = meals.where(e.id <= high), refunded.where(e.id <= high)
    return union(meals, refunded).subquery()


def _meals_per_person(*where):
    """Subquery: per day, meal period and person (with the department and category they are filed under),
    the meals in the meal tally, where they ate at least one (`where`: which rows)."""
    t, filed = MealTally, (_zero(RollupPerson.department_id), _zero(RollupPerson.category_id))
    keys = (t.business_date, t.meal_period_id, t.person_id, *filed)
    return (select(*keys[:3], filed[0].label("department_id"), filed[1].label("category_id"),
                   func.sum(t.visits).label("visits"))
            .outerjoin(RollupPerson, RollupPerson.person_id == t.person_id)
            .where(t.visits > 0, *where).group_by(*keys).subquery())


def _diner_rows(per_person, sign: int = 1):
    """Per diner tally key, the meals and different diners of `per_person`, times `sign`."""
    keys = (per_person.c.business_date, per_person.c.meal_period_id, per_person.c.department_id,
            per_person.c.category_id)
    return select(*keys, sign * func.sum(per_person.c.visits), sign * func.count()).where(true()).group_by(*keys)


def booking_rows(*where, sign: int = 1):
    """Per booking tally key, times `sign`: the live bookings and those whose diner ate at a terminal (the meal
    tally holds a meal of theirs at a terminal that day and meal period), and the different diners who ate at a
    terminal. `where`: conditions on the day (``day``) and the person (``person_id``)."""
    b, t = MealBooking, MealTally
    came = select(t.id).where(t.person_id == b.person_id, t.business_date == b.day,
                              t.meal_period_id == b.meal_period_id, t.terminal_id != 0, t.visits > 0).exists()
    filed = (_zero(RollupPerson.department_id), _zero(RollupPerson.category_id))
    zero = literal(0)
    bookings = (select(b.day, b.meal_period_id, *filed, func.count(), func.sum(case((came, 1), else_=0)), zero)
                .outerjoin(RollupPerson, RollupPerson.person_id == b.person_id)
                .where(b.state == "booked", *[w(b.day, b.person_id) for w in where])
                .group_by(b.day, b.meal_period_id, *filed))
    meals = (select(t.business_date, t.meal_period_id, *filed, zero, zero, func.count(distinct(t.person_id)))
             .outerjoin(RollupPerson, RollupPerson.person_id == t.person_id)
             .where(t.terminal_id != 0, t.meal_period_id != 0, t.visits > 0,
                    *[w(t.business_date, t.person_id) for w in where])
             .group_by(t.business_date, t.meal_period_id, *filed))
    parts = union_all(bookings, meals).subquery()
    keys = list(parts.c)[:4]
    return (select(*keys, *[sign * func.sum(column) for column in list(parts.c)[4:]])
            .where(true()).group_by(*keys))


def _recount_bookings(session: Session, low: int, high: int) -> bool:
    """Recount the booking tally of every day whose bookings changed (a :class:`BookingChange` row) or whose meals
    changed in (low, high]; delete the change rows read. Returns whether there was anything to recount."""
    changes = session.execute(select(BookingChange.id, BookingChange.day)).all()
    if not changes and high <= low:
        return False
    days = {day for _, day in changes}
    if high > low:
        days |= set(session.scalars(select(touched_days(low, high).c.business_date)))
    ordered = sorted(days)
    for start in range(0, len(ordered), CHUNK):
        some = ordered[start:start + CHUNK]
        session.execute(delete(BookingTally).where(BookingTally.day.in_(some)))
        session.execute(_insert(session, BookingTally).from_select(
            [*BOOKING_KEYS, *BOOKING_VALUES], booking_rows(lambda day, person, some=some: day.in_(some))))
    ids = [change_id for change_id, _ in changes]
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(BookingChange).where(BookingChange.id.in_(ids[start:start + CHUNK])))
    return True


def _recount_days(session: Session, low: int, high: int) -> None:
    """Recompute 人次 and 人数 of every day whose meals changed in (low, high], from the meal tally."""
    days = select(touched_days(low, high).c.business_date)
    session.execute(delete(HeadcountTally).where(HeadcountTally.business_date.in_(days)))
    session.execute(delete(DinerTally).where(DinerTally.business_date.in_(days)))
    per_person = _meals_per_person(MealTally.business_date.in_(days))
    session.execute(_insert(session, HeadcountTally).from_select(
        ["business_date", "meal_period_id", "visits", "diners"],
        select(per_person.c.business_date, per_person.c.meal_period_id, func.sum(per_person.c.visits),
               func.count(distinct(per_person.c.person_id))).where(true())
        .group_by(per_person.c.business_date, per_person.c.meal_period_id)))
    session.execute(_insert(session, DinerTally).from_select([*DINER_KEYS, *DINER_VALUES], _diner_rows(per_person)))


def lock_state(session: Session) -> RollupState:
    """The state row, locked for this transaction (created on the first rollup)."""
    session.execute(_insert(session, RollupState).values(id=1, watermark=0, version=0).on_conflict_do_nothing())
    if session.get_bind().dialect.name == "sqlite":
        # SQLite: a write takes the database lock at once, so concurrent rollups queue here.
        session.execute(update(RollupState).where(RollupState.id == 1).values(version=RollupState.version))
    return session.scalars(select(RollupState).where(RollupState.id == 1).with_for_update()
                           .execution_options(populate_existing=True)).one()


def rollup_step(session: Session, batch: int = BATCH) -> tuple[int, int]:
    """Add up to `batch` entries after the watermark to the tallies, in the caller's transaction.

    Returns (old watermark, new watermark); equal when there was nothing to add.
    """
    state = lock_state(session)
    low = state.watermark
    head = session.scalar(select(func.max(JournalEntry.id))) or 0
    high = min(head, low + batch)
    moved = _file_people(session, low)
    if high > low:
        for grain in GRAINS:
            _add(session, EntryTally, ENTRY_KEYS, ENTRY_VALUES, entry_rows(grain, low, high))
            if grain != "place":
                _add(session, PostingTally, POSTING_KEYS, ("amount",), posting_rows(grain, low, high))
        for changes in meal_changes(low, high):
            _add(session, MealTally, MEAL_KEYS, ("visits",), changes.where(true()))
        _recount_days(session, low, high)
    bookings = _recount_bookings(session, low, high)
    if high > low or moved or bookings:
        state.watermark, state.version, state.rolled_dt = high, state.version + 1, utcnow()
    session.flush()
    return low, high


def rollup(session: Session, batch: int = BATCH, progress=None) -> tuple[int, int]:
    """Roll up every entry booked so far, committing after each batch; returns (first, last) watermark."""
    first = last = None
    while True:
        low, high = rollup_step(session, batch)
        session.commit()
        first = low if first is None else first
        last = high
        if progress is not None and high > low:
            progress(low, high)
        if high - low < batch:
            return first, last

