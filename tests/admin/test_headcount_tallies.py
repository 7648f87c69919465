"""就餐人次 and 就餐人数 read from the tallies equal the journal: no-show charges and guest meals around the
watermark, meals and refunds after it on days the rollup already holds, and a department move."""
import uuid
from dataclasses import asdict
from datetime import time, timedelta

from sqlalchemy import select

from canteen import reports
from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import JournalEntry, MealPeriod, utcnow
from canteen.reports import Filters
from canteen.reports.rollup import rollup
from canteen.reports.tallies import DIRECT, read_cut
from canteen.services.bookings import change_booking, charge_no_shows, save_rule
from canteen.services.common import Actor
from canteen.services.guest_meals import ticket_code
from canteen.services.meals import charge_meal
from canteen.services.refunds import refund
from tests.admin.dataset import DAYS, _meal_of, at
from tests.admin.recompute import Journal
from tests.admin.test_reports import _journal_dims, dims
from tests.canteen.test_guest_meals import SECRET, approved, redeem

TODAY = business_date(utcnow(), "Asia/Shanghai")


def _act(when, operator=None, terminal=None):
    return Actor(key=f"hc:{uuid.uuid4().hex}", operator=operator, terminal=terminal, at=when)


def _lunch():
    return db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))


def _book_lunch(person, day):
    change_booking(db.session, booker=person, person=person, period=_lunch(), day=day, book=True,
                   now=at(TODAY - timedelta(days=1), 9), tz="Asia/Shanghai", horizon_days=14)
    db.session.commit()


def _charge_no_shows(world, day):
    """Charge the uneaten bookings of `day` the morning after; returns the entries booked."""
    run = charge_no_shows(db.session, _act(at(day + timedelta(days=1), 9)), world.rules, day=day)
    db.session.commit()
    assert run.charged, run
    return [db.session.get(JournalEntry, entry_id) for _booking, entry_id, _price in run.charged]


def assert_headcount_equals_the_journal(canteen, end):
    """Under every filter: the report read through the tallies equals the report read from the journal alone,
    and both equal a recomputation from the journal's rows (people included)."""
    journal = Journal()
    for kw in [*dims(canteen), {"start": TODAY - timedelta(days=1)}]:
        f = Filters(start=kw.get("start", DAYS[0]), end=kw.get("end", end),
                    **{k: v for k, v in kw.items() if k not in ("start", "end")})
        tallied = reports.headcount(db.session, f)
        assert asdict(tallied) == asdict(reports.headcount.__wrapped__(db.session, f, cut=DIRECT)), kw
        expected = journal.headcount(f.start, f.end, **_journal_dims(kw))
        got = {(r["date"], r["meal_period"]): (r["visits"], r["diners"]) for r in tallied.rows if r["visits"]}
        want = {(d, journal.periods[p].name if p else "时段外"): v for (d, p), v in expected["per_meal"].items()}
        assert got == want, kw
        for key in ("visits", "diners", "people", "busiest_lunch", "average_per_meal"):
            assert tallied.totals[key] == expected[key], (kw, key)
        if not (f.department_ids or f.category_ids):
            assert tallied.totals["guests"] == journal.guest_meals(f.start, f.end, **_journal_dims(kw)), kw


def test_no_shows_guest_meals_late_refunds_and_moves_around_the_watermark(world, canteen):
    s, p = db.session, canteen.people
    save_rule(s, _lunch(), required=False, walk_in_allowed=True, charge_no_shows=True, cutoff_days_before=1,
              cutoff_time=time(15, 0), now=utcnow())
    s.commit()
    for person in (p[0], p[1]):
        _book_lunch(person, TODAY)
    _book_lunch(p[2], TODAY + timedelta(days=1))
    tickets, _ = approved(world, guests=3, when=at(TODAY, 8))
    # Before the rollup: today's lunch for p[0] (booked and came) and p[4] (walked in), a guest, p[1]'s no-show.
    eaten = {}
    for person in (p[0], p[4]):
        eaten[person.id] = charge_meal(s, _act(at(TODAY, 12, 5), terminal=canteen.terminals[0]), world.rules,
                                       uid=canteen.uids[person.id]).entry
        s.commit()
    redeem(world, canteen.terminals[0], ticket_code(tickets.tickets[0], SECRET), when=at(TODAY, 12, 10))
    [no_show] = _charge_no_shows(world, TODAY)
    assert no_show.method == "no_show" and no_show.person_id == p[1].id
    end = TODAY + timedelta(days=2)
    rollup(s)
    assert_headcount_equals_the_journal(canteen, end)

    # After it: p[4]'s meal today refunded in full, a late refund of a rolled-up meal, dinner today, another
    # guest, p[2]'s no-show tomorrow, and p[0] moving to another department.
    refund(s, _act(at(TODAY, 14), canteen.cashier), world.rules, original_id=eaten[p[4].id].id,
           amount=eaten[p[4].id].amount)
    old = _meal_of(p[8], DAYS[2], 12)
    refund(s, _act(at(TODAY, 14, 5), canteen.cashier), world.rules, original_id=old.id, amount=old.amount)
    s.commit()
    charge_meal(s, _act(at(TODAY, 18, 5), terminal=canteen.terminals[1]), world.rules, uid=canteen.uids[p[9].id])
    s.commit()
    redeem(world, canteen.terminals[1], ticket_code(tickets.tickets[1], SECRET), when=at(TODAY, 12, 20))
    _charge_no_shows(world, TODAY + timedelta(days=1))
    p[0].department = canteen.departments[2]
    s.commit()
    assert read_cut(s).watermark < s.scalar(select(JournalEntry.id).order_by(JournalEntry.id.desc()).limit(1))
    assert_headcount_equals_the_journal(canteen, end)
    lunch = reports.headcount(s, Filters(start=TODAY, end=TODAY, meal_period_ids=(_lunch().id,)))
    assert (lunch.totals["visits"], lunch.totals["guests"]) == (1, 2)  # p[0] only; no-shows are not visits

    rollup(s)
    assert not read_cut(s).moved
    assert_headcount_equals_the_journal(canteen, end)


def test_the_migration_fills_the_diner_tally_as_the_rollup_does(canteen):
    """A database rolled up before the diner tally existed gets the same rows from the migration's backfill."""
    import importlib.util
    from pathlib import Path

    from sqlalchemy import delete, text

    from canteen.models.diner_tally import DinerTally

    s = db.session
    canteen.people[3].department = canteen.departments[1]
    s.commit()
    rollup(s)

    def rows():
        return sorted(tuple(r) for r in s.execute(select(
            DinerTally.business_date, DinerTally.meal_period_id, DinerTally.department_id, DinerTally.category_id,
            DinerTally.visits, DinerTally.diners).where(DinerTally.diners != 0)))

    built = rows()
    assert built and sum(r[5] for r in built) == sum(r["diners"] for r in reports.headcount(
        s, Filters(start=DAYS[0], end=TODAY)).rows)
    path = next(Path(__file__).parents[2].glob("migrations/versions/*_c40d612f8bba_diner_tally.py"))
    spec = importlib.util.spec_from_file_location("diner_tally_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    s.execute(delete(DinerTally))
    s.execute(text(migration.BACKFILL))
    s.commit()
    assert rows() == built
