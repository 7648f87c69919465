"""Meal booking (报餐): diners, or their department's secretary, book or cancel meals ahead.

Rules are kept per meal period (:class:`BookingRule`; a period without one: booking optional, walk-ins
welcome, no-shows free, deadline 15:00 the day before):

- **deadline** (截止时间): the meal of day D closes for booking and cancelling at ``cutoff_time`` on day
  D - ``cutoff_days_before``, and never later than the period's start. ``1`` and ``15:00`` is the
  kitchen's usual "book by 3 pm the day before" (procurement happens that afternoon); ``0`` and
  ``09:30`` suits a same-day lunch count.
- **required** (报餐制): the kitchen cooks to bookings. A diner without one is refused at the
  terminal (``not_booked``) unless **walk_in_allowed**.
- **charge_no_shows**: a booked meal not eaten is charged its price by
  :func:`charge_no_shows` (``canteen bookings charge-no-shows``), once per booking, whatever
  the number of runs.

Whether a diner came is read from the journal (a meal booked at a terminal for that person, day and
period, not refunded in full), so a tap never writes to the bookings.
"""
import time as monotonic
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.clock import business_date, local
from canteen.errors import DomainError
from canteen.ledger.accounts import system_account
from canteen.ledger.booking import post_entry
from canteen.models import Department, JournalEntry, MealPeriod, MealPrice, Person
from canteen.models.bookings import BookingRule, DepartmentSecretary, MealBooking
from canteen.reports.base import refunded_by_meal
from canteen.rules.wallet_split import split_meal
from canteen.services.common import Actor, Rules
from canteen.services.people import lock_active_person

DEFAULTS = {"required": False, "walk_in_allowed": True, "charge_no_shows": False, "cutoff_days_before": 1,
            "cutoff_time": time(15, 0)}
#: How long a server trusts its copy of which periods refuse walk-ins (a rule saved elsewhere takes this long).
STRICT_TTL_SECONDS = 5.0
#: Per engine (a database): (trusted until, period ids). Keyed by the engine object, not its URL: rendering
#: the URL cost every tap more than the lookup.
_strict_cache: "weakref.WeakKeyDictionary[object, tuple[float, frozenset[int]]]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Rule:
    """A meal period's booking rule (the defaults when none is stored)."""

    meal_period_id: int
    required: bool = False
    walk_in_allowed: bool = True
    charge_no_shows: bool = False
    cutoff_days_before: int = 1
    cutoff_time: time = time(15, 0)

    @property
    def refuses_walk_ins(self) -> bool:
        """True when a diner without a booking is refused at the terminal."""
        return self.required and not self.walk_in_allowed


def as_tuples(result) -> set[tuple]:
    """The rows of a query result as a set of plain tuples."""
    return {tuple(row) for row in result}


def rules_by_period(session: Session) -> dict[int, Rule]:
    """Every active meal period's rule."""
    stored = {r.meal_period_id: r for r in session.scalars(select(BookingRule))}
    result = {}
    for period_id in session.scalars(select(MealPeriod.id).where(MealPeriod.active.is_(True))):
        row = stored.get(period_id)
        result[period_id] = Rule(period_id, **({k: getattr(row, k) for k in DEFAULTS} if row else DEFAULTS))
    return result


def rule_for(session: Session, period_id: int) -> Rule:
    """One meal period's rule."""
    row = session.get(BookingRule, period_id)
    return Rule(period_id, **({k: getattr(row, k) for k in DEFAULTS} if row else DEFAULTS))


def save_rule(session: Session, period: MealPeriod, *, required: bool, walk_in_allowed: bool,
              charge_no_shows: bool, cutoff_days_before: int, cutoff_time: time, now: datetime) -> Rule:
    """Store a meal period's rule (admin page)."""
    if not isinstance(cutoff_days_before, int) or not 0 <= cutoff_days_before <= 7:
        raise DomainError("invalid_input", "截止提前天数须在 0 至 7 之间")
    if not isinstance(cutoff_time, time):
        raise DomainError("invalid_input", "截止时间无效")
    row = session.get(BookingRule, period.id) or BookingRule(meal_period_id=period.id)
    row.required, row.walk_in_allowed, row.charge_no_shows = bool(required), bool(walk_in_allowed), bool(
        charge_no_shows)
    row.cutoff_days_before, row.cutoff_time, row.updated_dt = cutoff_days_before, cutoff_time, now
    session.add(row)
    session.flush()
    _strict_cache.clear()
    return rule_for(session, period.id)


def deadline(rule: Rule, period: MealPeriod, day: date, tz: str) -> datetime:
    """When booking and cancelling the meal of `day` close (aware, in the canteen's zone)."""
    zone = ZoneInfo(tz)
    cutoff = datetime.combine(day - timedelta(days=rule.cutoff_days_before), rule.cutoff_time, zone)
    return min(cutoff, datetime.combine(day, period.start_time, zone))


def secretary_departments(session: Session, person_id: int) -> list[Department]:
    """The departments a person books meals for (部门报餐员)."""
    return list(session.scalars(select(Department).join(
        DepartmentSecretary, DepartmentSecretary.department_id == Department.id)
        .where(DepartmentSecretary.person_id == person_id).order_by(Department.code)))


def set_secretary(session: Session, department: Department, person: Person, on: bool) -> None:
    """Make `person` a booking secretary of `department`, or stop it."""
    row = session.scalar(select(DepartmentSecretary).where(DepartmentSecretary.department_id == department.id,
                                                           DepartmentSecretary.person_id == person.id))
    if on and row is None:
        if person.state != "active":
            raise DomainError("person_cancelled")
        session.add(DepartmentSecretary(department_id=department.id, person_id=person.id))
    elif not on and row is not None:
        session.delete(row)
    session.flush()


def may_book_for(session: Session, booker: Person, person: Person) -> bool:
    """A diner books for themselves; a secretary for anyone of their departments."""
    return booker.id == person.id or session.scalar(select(DepartmentSecretary.id).where(
        DepartmentSecretary.person_id == booker.id,
        DepartmentSecretary.department_id == person.department_id)) is not None


@dataclass(frozen=True)
class Window:
    """Where booking stands for one meal: open, or why not."""

    open: bool
    deadline: datetime | None = None
    refusal: str | None = None


def window(session: Session, period: MealPeriod, day: date, *, now: datetime, tz: str, horizon_days: int,
           rule: Rule | None = None) -> Window:
    """Whether the meal `period` of `day` may still be booked or cancelled at `now`."""
    today = business_date(now, tz)
    if not period.active or str(day.isoweekday()) not in period.weekdays:
        return Window(False, refusal="meal_not_served")
    if day < today:
        return Window(False, refusal="booking_day_past")
    if day > today + timedelta(days=horizon_days):
        return Window(False, refusal="booking_too_far")
    closes = deadline(rule or rule_for(session, period.id), period, day, tz)
    if now >= closes:
        return Window(False, closes, "booking_closed")
    return Window(True, closes)


def change_booking(session: Session, *, booker: Person, person: Person, period: MealPeriod, day: date,
                   book: bool, now: datetime, tz: str, horizon_days: int) -> MealBooking | None:
    """Book (`book` true) or cancel the meal; refused after the deadline, for a past day, or for someone
    the booker may not book for. Booking twice or cancelling nothing changes nothing."""
    if not may_book_for(session, booker, person):
        raise DomainError("forbidden", "只能为本人或本部门人员报餐")
    if person.state != "active":
        raise DomainError("person_cancelled")
    state = window(session, period, day, now=now, tz=tz, horizon_days=horizon_days)
    if not state.open:
        raise DomainError(state.refusal, f"{day} {period.name}")
    found = _booking(session, person.id, period.id, day)
    if found is None and not book:
        return None
    if found is None:
        found = MealBooking(person_id=person.id, meal_period_id=period.id, day=day)
        try:
            with session.begin_nested():
                session.add(found)
                found.state, found.changed_dt, found.changed_by_id = "booked", now, booker.id
        except IntegrityError:  # booked at the same moment elsewhere (another tab, the secretary)
            found = _booking(session, person.id, period.id, day)
    wanted = "booked" if book else "cancelled"
    if found.state != wanted:
        found.state, found.changed_dt, found.changed_by_id = wanted, now, booker.id
    session.flush()
    return found


def _booking(session: Session, person_id: int, period_id: int, day: date) -> MealBooking | None:
    return session.scalar(select(MealBooking).where(
        MealBooking.person_id == person_id, MealBooking.meal_period_id == period_id, MealBooking.day == day))


def booked_meals(session: Session, person_ids, start: date, end: date) -> set[tuple[int, date, int]]:
    """(person id, day, meal period id) of the live bookings of these people between the dates."""
    ids = list(person_ids)
    if not ids:
        return set()
    return as_tuples(session.execute(select(MealBooking.person_id, MealBooking.day, MealBooking.meal_period_id).where(
        MealBooking.person_id.in_(ids), MealBooking.day >= start, MealBooking.day <= end,
        MealBooking.state == "booked")))


def booked_counts(session: Session, start: date, end: date, department_id: int | None = None
                  ) -> dict[tuple[date, int], int]:
    """What the kitchen cooks for: live bookings per (day, meal period)."""
    query = (select(MealBooking.day, MealBooking.meal_period_id, func.count())
             .where(MealBooking.day >= start, MealBooking.day <= end, MealBooking.state == "booked")
             .group_by(MealBooking.day, MealBooking.meal_period_id))
    if department_id is not None:
        query = query.join(Person, Person.id == MealBooking.person_id).where(Person.department_id == department_id)
    return {(day, period_id): count for day, period_id, count in session.execute(query)}


def _strict_periods(session: Session) -> frozenset[int]:
    """Meal periods that refuse walk-ins, cached for a few seconds per database."""
    key = session.get_bind()
    now = monotonic.monotonic()
    hit = _strict_cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    ids = frozenset(session.scalars(select(BookingRule.meal_period_id).where(
        BookingRule.required.is_(True), BookingRule.walk_in_allowed.is_(False))))
    _strict_cache[key] = (now + STRICT_TTL_SECONDS, ids)
    return ids


def require_booking(session: Session, *, person_id: int, period: MealPeriod | None, day: date) -> None:
    """At the tap: refuse (``not_booked``) a diner without a booking where the period refuses walk-ins.

    No query at all for periods that accept walk-ins; otherwise one read of the booking's unique index.
    """
    if period is None or period.id not in _strict_periods(session):
        return
    booked = session.scalar(select(MealBooking.id).where(
        MealBooking.person_id == person_id, MealBooking.meal_period_id == period.id, MealBooking.day == day,
        MealBooking.state == "booked"))
    if booked is None:
        raise DomainError("not_booked", period.name)


@dataclass
class NoShowRun:
    """What :func:`charge_no_shows` did: entries booked, bookings charged before, bookings left (why)."""

    charged: list[tuple[int, int, int]] = field(default_factory=list)
    already: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def eaten_query(start: date, end: date):
    """A select of (person id, day, meal period id) of each meal taken at a terminal between the dates, not refunded
    in full (one row per meal: a person may have two in a meal period).

    A no-show charge has no terminal, so it never counts as having come.
    """
    refunded = refunded_by_meal(since=start)
    return (select(JournalEntry.person_id, JournalEntry.business_date, JournalEntry.meal_period_id)
            .outerjoin(refunded, refunded.c.meal_id == JournalEntry.id)
            .where(JournalEntry.kind == "meal", JournalEntry.terminal_id.is_not(None),
                   JournalEntry.meal_period_id.is_not(None), JournalEntry.business_date >= start,
                   JournalEntry.business_date <= end,
                   JournalEntry.amount - func.coalesce(refunded.c.refunded, 0) > 0))


def eaten_meals(session: Session, start: date, end: date, person_ids=None) -> set[tuple[int, date, int]]:
    """(person id, day, meal period id) of meals taken at a terminal between the dates, not refunded in full
    (:func:`eaten_query`)."""
    query = eaten_query(start, end)
    if person_ids is not None:
        query = query.where(JournalEntry.person_id.in_(list(person_ids)))
    return as_tuples(session.execute(query))


def charge_no_shows(session: Session, actor: Actor, rules: Rules, *, day: date) -> NoShowRun:
    """Charge each booked, uneaten meal of `day` whose period charges no-shows, at the diner's meal price.

    Each charge is one meal entry with the idempotency key ``no-show:<booking id>`` and no terminal, booked
    on today's business date; running this twice (or two at once) charges each booking once. A period
    not yet over, a wallet that cannot pay, or a missing price leaves the booking uncharged and listed.
    """
    today = business_date(actor.at, rules.timezone)
    if day > today:
        raise DomainError("invalid_date", "只能为今天或已过去的日期收取报餐未就餐费用")
    run = NoShowRun()
    strict = {pid: r for pid, r in rules_by_period(session).items() if r.charge_no_shows}
    if not strict:
        return run
    bookings = list(session.scalars(select(MealBooking).where(
        MealBooking.day == day, MealBooking.state == "booked", MealBooking.meal_period_id.in_(list(strict)))
        .order_by(MealBooking.id)))
    came = eaten_meals(session, day, day, {b.person_id for b in bookings})
    local_now = local(actor.at, rules.timezone)
    for booking in bookings:
        period = session.get(MealPeriod, booking.meal_period_id)
        if day == today and local_now.time().replace(tzinfo=None) < period.end_time:
            run.skipped.append((booking.id, "meal_not_over"))
        elif (booking.person_id, day, booking.meal_period_id) not in came:
            _charge_one(session, actor, rules, booking, period, today, run)
    return run


def _charge_one(session, actor, rules, booking, period, today, run) -> None:
    key = f"no-show:{booking.id}"
    if session.scalar(select(JournalEntry.id).where(JournalEntry.idempotency_key == key)) is not None:
        run.already += 1
        return
    try:
        with session.begin_nested():
            person, wallets = lock_active_person(session, booking.person_id)
            price = session.scalar(select(MealPrice.price).where(
                MealPrice.meal_period_id == period.id, MealPrice.category_id == person.category_id))
            if price is None:
                raise DomainError("no_price", f"{period.name}/{person.category.name}")
            cash, subsidy = wallets["cash"], wallets["subsidy"]
            from_subsidy, from_cash, short = split_meal(price, subsidy.balance, cash.balance)
            if short:
                raise DomainError("insufficient_balance")
            booked = post_entry(
                session, kind="meal", amount=price, method="no_show",
                postings=[(subsidy, -from_subsidy), (cash, -from_cash),
                          (system_account(session, "meal_revenue"), price)],
                created_dt=actor.at, business_date=today, idempotency_key=key, person_id=person.id,
                meal_period_id=period.id, memo=f"报餐未就餐 {booking.day} {period.name}", **actor.refs)
        run.charged.append((booking.id, booked.entry.id, price))
    except DomainError as exc:
        run.skipped.append((booking.id, exc.code))
    except IntegrityError:  # another run charged it at the same moment
        run.already += 1
