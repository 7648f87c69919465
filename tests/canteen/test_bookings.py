"""Meal booking (报餐): the deadline, department secretaries, each rule combination at the terminal, no-shows."""
import itertools
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from canteen.clock import business_date
from canteen.errors import DomainError
from canteen.models import JournalEntry, MealPeriod, utcnow
from canteen.models.bookings import MealBooking
from canteen.reports.base import Filters
from canteen.reports.headcount import headcount
from canteen.services.bookings import change_booking, charge_no_shows, save_rule, set_secretary
from canteen.services.common import Actor

TZ = ZoneInfo("Asia/Shanghai")


def _lunch(world):
    return world.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))


def _book(world, person, period, day, *, now, booker=None, book=True):
    result = change_booking(world.session, booker=booker or person, person=person, period=period, day=day, book=book,
                            now=now, tz="Asia/Shanghai", horizon_days=14)
    world.session.commit()
    return result


def _rule(world, period, **kwargs):
    values = dict(required=False, walk_in_allowed=True, charge_no_shows=False, cutoff_days_before=1,
                  cutoff_time=time(15, 0))
    values.update(kwargs)
    save_rule(world.session, period, now=utcnow(), **values)
    world.session.commit()


def _bookings(world):
    world.session.expire_all()
    return [(b.person_id, b.day, b.state) for b in world.session.scalars(select(MealBooking).order_by(MealBooking.id))]


def _next_weekday(start):
    day = start + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def test_booking_closes_at_the_cut_off_the_day_before_and_cancelling_too(world):
    person, _ = world.diner()
    lunch = _lunch(world)
    _rule(world, lunch, cutoff_days_before=1, cutoff_time=time(15, 0))
    day = _next_weekday(business_date(utcnow(), "Asia/Shanghai") + timedelta(days=2))
    before = datetime.combine(day - timedelta(days=1), time(14, 59), TZ)
    at = datetime.combine(day - timedelta(days=1), time(15, 0), TZ)
    _book(world, person, lunch, day, now=before)
    assert _bookings(world) == [(person.id, day, "booked")]
    with pytest.raises(DomainError) as refused:
        _book(world, person, lunch, day, now=at, book=False)
    assert refused.value.code == "booking_closed"
    world.session.rollback()
    assert _bookings(world) == [(person.id, day, "booked")]
    _book(world, person, lunch, day, now=before, book=False)
    assert _bookings(world) == [(person.id, day, "cancelled")]


def test_a_same_day_cut_off_never_falls_after_the_meal_starts(world):
    person, _ = world.diner()
    lunch = _lunch(world)
    _rule(world, lunch, cutoff_days_before=0, cutoff_time=time(23, 0))
    day = _next_weekday(business_date(utcnow(), "Asia/Shanghai") + timedelta(days=2))
    with pytest.raises(DomainError) as refused:
        _book(world, person, lunch, day, now=datetime.combine(day, lunch.start_time, TZ))
    assert refused.value.code == "booking_closed"
    _book(world, person, lunch, day, now=datetime.combine(day, lunch.start_time, TZ) - timedelta(minutes=1))


@pytest.mark.parametrize("offset, code", [(-1, "booking_day_past"), (30, "booking_too_far")])
def test_a_past_or_far_day_is_refused_and_nothing_is_written(world, offset, code):
    person, _ = world.diner()
    lunch = _lunch(world)
    lunch.weekdays = "1234567"
    world.session.commit()
    day = business_date(utcnow(), "Asia/Shanghai") + timedelta(days=offset)
    with pytest.raises(DomainError) as refused:
        _book(world, person, lunch, day, now=utcnow())
    assert refused.value.code == code
    world.session.rollback()
    assert _bookings(world) == []


def test_a_secretary_books_for_the_department_and_nobody_else(world):
    dept, other = world.department("财务科"), world.department("办公室")
    secretary, _ = world.diner(department=dept)
    colleague, _ = world.diner(department=dept)
    outsider, _ = world.diner(department=other)
    lunch = _lunch(world)
    day = _next_weekday(business_date(utcnow(), "Asia/Shanghai") + timedelta(days=2))
    early = datetime.combine(day - timedelta(days=2), time(9, 0), TZ)
    with pytest.raises(DomainError) as refused:
        _book(world, colleague, lunch, day, now=early, booker=secretary)
    assert refused.value.code == "forbidden"
    world.session.rollback()
    set_secretary(world.session, dept, secretary, True)
    world.session.commit()
    _book(world, colleague, lunch, day, now=early, booker=secretary)
    with pytest.raises(DomainError) as refused:
        _book(world, outsider, lunch, day, now=early, booker=secretary)
    assert refused.value.code == "forbidden"
    world.session.rollback()
    with pytest.raises(DomainError):
        _book(world, secretary, lunch, day, now=early, booker=colleague)
    world.session.rollback()
    assert _bookings(world) == [(colleague.id, day, "booked")]
    booking = world.session.scalar(select(MealBooking))
    assert booking.changed_by_id == secretary.id


COMBINATIONS = list(itertools.product((False, True), repeat=3))


@pytest.mark.parametrize("required, walk_in, charge", COMBINATIONS)
def test_each_rule_combination_at_the_terminal(client, world, required, walk_in, charge):
    period = world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    booked, booked_card = world.diner(cash=5000)
    walker, walker_card = world.diner(cash=5000)
    no_show, _ = world.diner(cash=5000)
    _rule(world, period, required=required, walk_in_allowed=walk_in, charge_no_shows=charge)
    today = business_date(utcnow(), "Asia/Shanghai")
    yesterday = datetime.combine(today - timedelta(days=1), time(9, 0), TZ)
    for person in (booked, no_show):
        _book(world, person, period, today, now=yesterday)

    def tap(card):
        return client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))

    assert tap(booked_card).status_code == 200
    walk = tap(walker_card)
    if required and not walk_in:
        assert walk.status_code == 409 and walk.json["error"]["code"] == "not_booked"
        assert world.session.scalar(select(JournalEntry.id).where(JournalEntry.person_id == walker.id,
                                                                  JournalEntry.kind == "meal")) is None
    else:
        assert walk.status_code == 200
    tomorrow = Actor(key=f"test:{uuid.uuid4()}", at=utcnow() + timedelta(days=1))
    run = charge_no_shows(world.session, tomorrow, world.rules, day=today)
    world.session.commit()
    again = charge_no_shows(world.session, Actor(key="x", at=tomorrow.at), world.rules, day=today)
    world.session.commit()
    charges = world.session.scalars(select(JournalEntry).where(JournalEntry.idempotency_key.like("no-show:%"))).all()
    if charge:
        assert [(c.person_id, c.amount, c.terminal_id) for c in charges] == [(no_show.id, 1000, None)]
        assert len(run.charged) == 1 and again.charged == [] and again.already == 1
    else:
        assert charges == [] and run.charged == []
    # A no-show charge is money spent but not a meal eaten: 就餐人次 counts the taps only.
    served = 1 + (not required or walk_in)
    days = Filters(start=today, end=today + timedelta(days=1))
    assert headcount(world.session, days).totals["visits"] == served


def test_english_refusal_for_a_diner_without_a_booking(client, world):
    period = world.all_day_meal()
    terminal, key = world.terminal()
    _, card = world.diner(cash=5000)
    _rule(world, period, required=True, walk_in_allowed=False)
    reply = client.post("/api/v1/taps", json={"uid": card.uid},
                        headers={**world.headers(terminal, key), "Accept-Language": "en"})
    assert reply.status_code == 409 and "walk-ins" in reply.json["error"]["message"]


def test_charging_no_shows_from_the_command_line_is_safe_to_run_twice(app, world):
    period = world.all_day_meal(price=800)
    person, _ = world.diner(cash=5000)
    _rule(world, period, charge_no_shows=True)
    day = business_date(utcnow(), "Asia/Shanghai") - timedelta(days=1)
    _book(world, person, period, day, now=datetime.combine(day - timedelta(days=1), time(9, 0), TZ))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["bookings", "charge-no-shows", "--date", day.isoformat()])
    second = runner.invoke(args=["bookings", "charge-no-shows", "--date", day.isoformat()])
    assert first.exit_code == 0 and "charged 1 (800 fen)" in first.output, first.output
    assert second.exit_code == 0 and "charged 0" in second.output and "charged before 1" in second.output
    world.session.expire_all()
    charged = select(JournalEntry.amount).where(JournalEntry.idempotency_key.like("no-show:%"))
    assert world.session.scalars(charged).all() == [800]
    bad = runner.invoke(args=["bookings", "charge-no-shows", "--date", "2026-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
