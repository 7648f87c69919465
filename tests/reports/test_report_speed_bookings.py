"""报餐统计 read through the tallies equals the report read from the bookings and the journal alone, and a plain
recount of the rows: bookings kept and cancelled, no-shows charged, walk-ins, meals at the cash desk without a
terminal, guest tickets, refunds in full and in part, before and after the rollup, with meals and a late refund
after the watermark and a department move (SQLite and PostgreSQL: the `world` fixture runs both)."""
import uuid
from dataclasses import asdict
from datetime import time, timedelta

from sqlalchemy import delete, func, select, text

from canteen.extensions import db
from canteen.models import JournalEntry, MealPeriod, Person
from canteen.models.bookings import MealBooking
from canteen.models.report_rollup import BookingChange, BookingTally
from canteen.reports import Filters
from canteen.reports.bookings import FIGURES, booking_report
from canteen.reports.rollup import rollup
from canteen.reports.tallies import DIRECT, read_cut
from canteen.services.bookings import charge_no_shows, save_rule
from canteen.services.common import Actor
from canteen.services.guest_meals import ticket_code
from canteen.services.meals import charge_meal
from canteen.services.refunds import refund
from tests.admin.dataset import DAYS, MEALS, _meal_of, at
from tests.canteen.test_guest_meals import SECRET, approved, redeem

LAST = DAYS[-1] + timedelta(days=1)


def _act(when, operator=None, terminal=None):
    return Actor(key=f"bk:{uuid.uuid4().hex}", operator=operator, terminal=terminal, at=when)


def _periods():
    return {p.code: p for p in db.session.scalars(select(MealPeriod))}


def _book(person, period, day, state="booked"):
    db.session.add(MealBooking(person_id=person.id, meal_period_id=period.id, day=day, state=state,
                               changed_by_id=person.id))


def _recount(f: Filters) -> dict:
    """Per (department id, period id): the five figures straight from the rows."""
    s = db.session
    people = {p.id: p for p in s.scalars(select(Person))}
    booked = {(b.person_id, b.day, b.meal_period_id) for b in s.scalars(select(MealBooking))
              if b.state == "booked" and f.start <= b.day <= f.end}
    entries = s.scalars(select(JournalEntry)).all()
    refunded = {}
    for e in entries:
        if e.kind == "refund":
            refunded[e.original_id] = refunded.get(e.original_id, 0) + e.amount
    came = {(e.person_id, e.business_date, e.meal_period_id) for e in entries
            if e.kind == "meal" and e.terminal_id is not None and e.meal_period_id is not None
            and f.start <= e.business_date <= f.end and e.amount > refunded.get(e.id, 0)}
    result = {}
    for meal in booked | came:
        person = people[meal[0]]
        if (f.department_ids and person.department_id not in f.department_ids) or (
                f.category_ids and person.category_id not in f.category_ids) or (
                f.meal_period_ids and meal[2] not in f.meal_period_ids):
            continue
        row = result.setdefault((person.department_id, meal[2]), dict.fromkeys(FIGURES, 0))
        row["booked"] += meal in booked
        row["came"] += meal in booked and meal in came
        row["no_show"] += meal in booked and meal not in came
        row["walk_in"] += meal in came and meal not in booked
        row["ate"] += meal in came
    return result


def _filters(canteen):
    lunch = _periods()["lunch"].id
    return [Filters(start=DAYS[0], end=LAST), Filters(start=DAYS[2], end=DAYS[3]),
            Filters(start=DAYS[0], end=LAST, department_ids=(canteen.departments[0].id,)),
            Filters(start=DAYS[0], end=LAST, category_ids=(canteen.people[4].category_id,)),
            Filters(start=DAYS[1], end=LAST, meal_period_ids=(lunch,),
                    department_ids=(canteen.departments[1].id, canteen.departments[2].id)),
            Filters(start=LAST, end=LAST)]


def assert_bookings_equal_a_recount(canteen):
    departments = {d.id: d.name for d in canteen.departments}
    periods = {p.id: p.name for p in _periods().values()}
    for f in _filters(canteen):
        tallied = booking_report(db.session, f)
        assert asdict(tallied) == asdict(booking_report.__wrapped__(db.session, f, cut=DIRECT)), f
        got = {(r["department"], r["meal_period"]): {k: r[k] for k in FIGURES} for r in tallied.rows}
        want = {(departments.get(d, ""), periods[p]): v for (d, p), v in _recount(f).items()}
        assert got == want, f


def test_the_booking_report_through_the_tallies_equals_a_recount(world, canteen):
    s, p, periods = db.session, canteen.people, _periods()
    save_rule(s, periods["lunch"], required=False, walk_in_allowed=True, charge_no_shows=True,
              cutoff_days_before=1, cutoff_time=time(15, 0), now=at(DAYS[0], 6))
    for d, day in enumerate(DAYS):
        for m, (code, _hour) in enumerate(MEALS):
            for i, person in enumerate(p):
                if (i + d + m) % 4 == 1:
                    _book(person, periods[code], day)  # some of them ate, some did not
                elif (i + d + m) % 4 == 2:
                    _book(person, periods[code], day, state="cancelled")
    s.commit()
    # Meals at the cash desk (no terminal) at a lunch p[1] and p[4] did not eat at a terminal: nobody came.
    for person in (p[1], p[4]):
        charge_meal(s, _act(at(DAYS[4], 12, 40), canteen.cashier), world.rules, uid=canteen.uids[person.id],
                    amount=900)
        s.commit()
    assert_bookings_equal_a_recount(canteen)

    rollup(s)
    assert read_cut(s).watermark
    assert_bookings_equal_a_recount(canteen)

    # After the watermark: bookings for the last day, a walk-in, a booked diner who comes and one who does not
    # (charged as a no-show), a guest, a late refund of a rolled-up meal, a partial refund today.
    for person in (p[0], p[2], p[4]):
        _book(person, periods["lunch"], LAST)
    _book(p[6], periods["lunch"], LAST, state="cancelled")
    s.commit()
    eaten = {}
    for person, terminal in ((p[0], 0), (p[2], 1), (p[8], 0)):
        eaten[person.id] = charge_meal(s, _act(at(LAST, 12, 5), terminal=canteen.terminals[terminal]), world.rules,
                                       uid=canteen.uids[person.id]).entry
        s.commit()
    tickets, _ = approved(world, guests=2, when=at(LAST, 8))
    redeem(world, canteen.terminals[0], ticket_code(tickets.tickets[0], SECRET), when=at(LAST, 12, 10))
    run = charge_no_shows(s, _act(at(LAST + timedelta(days=1), 9)), world.rules, day=LAST)
    s.commit()
    assert run.charged
    old = _meal_of(p[8], DAYS[2], 12)
    refund(s, _act(at(LAST, 14), canteen.cashier), world.rules, original_id=old.id, amount=old.amount)
    refund(s, _act(at(LAST, 14, 5), canteen.cashier), world.rules, original_id=eaten[p[2].id].id, amount=100)
    refund(s, _act(at(LAST, 14, 10), canteen.cashier), world.rules, original_id=eaten[p[8].id].id,
           amount=eaten[p[8].id].amount)
    s.commit()
    assert_bookings_equal_a_recount(canteen)

    rollup(s)
    assert_bookings_equal_a_recount(canteen)
    p[1].department = canteen.departments[2]  # moved: read from the journal until the next rollup
    s.commit()
    assert read_cut(s).moved
    assert_bookings_equal_a_recount(canteen)
    rollup(s)
    assert not read_cut(s).moved
    assert_bookings_equal_a_recount(canteen)

    # Bookings of rolled-up days changed with nothing new in the journal: read from the bookings until the
    # rollup recounts those days.
    old_bookings = s.scalars(select(MealBooking).where(MealBooking.day == DAYS[3]).order_by(MealBooking.id)).all()
    for booking in old_bookings[:3]:
        booking.state = "cancelled" if booking.state == "booked" else "booked"
    s.delete(old_bookings[3])
    _book(p[11], periods["breakfast"], DAYS[0] + timedelta(days=1))  # (11 + 1 + 0) % 4 == 0: not booked yet
    s.commit()
    assert s.scalar(select(func.count()).select_from(BookingChange))
    assert_bookings_equal_a_recount(canteen)
    version = read_cut(s).version
    rollup(s)
    assert read_cut(s).version > version and not s.scalar(select(func.count()).select_from(BookingChange))
    assert_bookings_equal_a_recount(canteen)


def test_the_migration_fills_the_booking_tally_as_the_rollup_does(canteen):
    """A database rolled up before the booking tally existed gets the same rows from the migration's backfill."""
    import importlib.util
    from pathlib import Path

    s, p, periods = db.session, canteen.people, _periods()
    for d, day in enumerate(DAYS):
        for i, person in enumerate(p):
            if (i + d) % 3:
                _book(person, periods["lunch"], day, state="booked" if (i + d) % 5 else "cancelled")
    s.commit()
    rollup(s)

    def rows():
        k = BookingTally
        return sorted(tuple(r) for r in s.execute(select(
            k.day, k.meal_period_id, k.department_id, k.category_id, k.booked, k.came, k.ate).where(
            (k.booked != 0) | (k.came != 0) | (k.ate != 0))))

    built = rows()
    assert built and sum(r[5] for r in built) > 0 and sum(r[6] for r in built) > sum(r[5] for r in built)
    path = next(Path(__file__).parents[2].glob("migrations/versions/*_a8c1e5f2b9d7_report_speed.py"))
    spec = importlib.util.spec_from_file_location("report_speed_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    s.execute(delete(BookingTally))
    s.execute(text(migration.BACKFILL))
    s.commit()
    assert rows() == built
