"""The headcount forecast: a known weekly pattern with holidays and a swapped working day, within 10% MAPE."""
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from canteen.errors import DomainError
from canteen.extensions import db
from canteen.forecast import Calendar, mape, predict
from canteen.models import MealPeriod
from canteen.models.forecast import Forecast
from canteen.services.common import Actor
from canteen.services.forecasts import (
    delete_calendar_day,
    load_calendar,
    make_forecasts,
    past_days,
    set_calendar_day,
)
from canteen.services.meals import charge_meal

#: Lunch by ISO weekday: busy Monday, quieter Friday, duty staff at weekends.
PATTERN = {1: 320, 2: 300, 3: 290, 4: 280, 5: 220, 6: 60, 7: 30}
HOLIDAY_LEVEL = 25
START = date(2026, 3, 2)  # a Monday
HOLIDAYS = {date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6),          # 清明
            date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5),  # 劳动节
            date(2026, 6, 19)}                                              # 端午 (a Friday)
SWAPS = {date(2026, 4, 26): 1, date(2026, 5, 9): 5}  # Sunday worked as Monday, Saturday worked as Friday


def generated(weeks: int = 16, growth_per_week: float = 0.01, seed: int = 7) -> dict[date, int]:
    """Daily lunch counts: the weekly pattern, a slow growth, ±5% noise, holidays and swapped days."""
    rng = random.Random(seed)
    calendar = Calendar(frozenset(HOLIDAYS), SWAPS)
    counts = {}
    for n in range(weeks * 7):
        day = START + timedelta(days=n)
        weekday = calendar.weekday(day)
        level = HOLIDAY_LEVEL if weekday is None else PATTERN[weekday] * (1 + growth_per_week) ** (n / 7)
        counts[day] = round(level * rng.uniform(0.95, 1.05))
    return counts


def backtest(counts: dict[date, int], calendar: Calendar, days: int = 28) -> list[tuple[date, int, int]]:
    """Each of the last `days` days forecast the evening before, from the days before that."""
    last = max(counts)
    results = []
    for offset in range(days):
        day = last - timedelta(days=offset)
        history = {d: c for d, c in counts.items() if d < day - timedelta(days=1)}
        results.append((day, predict(history, day, calendar).expected, counts[day]))
    return results


def test_a_weekly_pattern_with_holidays_and_swapped_days_is_forecast_within_ten_percent():
    counts = generated()
    calendar = Calendar(frozenset(HOLIDAYS), SWAPS)
    results = backtest(counts, calendar, days=56)
    error = mape((forecast, actual) for _, forecast, actual in results)
    assert error is not None and error < 0.10
    by_day = {day: (forecast, actual) for day, forecast, actual in results}
    assert abs(by_day[date(2026, 5, 9)][0] - by_day[date(2026, 5, 9)][1]) < 0.1 * by_day[date(2026, 5, 9)][1]
    for holiday in (date(2026, 5, 1), date(2026, 5, 4), date(2026, 6, 19)):
        assert by_day[holiday][0] < 2 * HOLIDAY_LEVEL  # not a Monday's 320
    without_calendar = backtest(counts, Calendar(), days=56)
    assert mape((f, a) for _, f, a in without_calendar) > 2 * error


def test_bookings_set_a_floor_and_unserved_days_and_empty_history_forecast_zero():
    counts = generated(weeks=8)
    monday = max(counts) + timedelta(days=(8 - max(counts).isoweekday()) % 7 or 7)
    plain = predict(counts, monday, Calendar()).expected
    assert predict(counts, monday, Calendar(), booked=plain + 50).expected == plain + 50
    assert predict(counts, monday, Calendar(), booked=3).expected == plain
    assert predict(counts, monday + timedelta(days=5), Calendar(), serves="12345").expected == 0
    assert predict({}, monday, Calendar()).expected == 0
    assert predict(counts, monday, Calendar(frozenset({monday}))).expected == 0  # no past holiday known


TZ = ZoneInfo("Asia/Shanghai")


def lunch(world, when: date, diners: list):
    """Each card in `diners` eats lunch on `when` (through the meal service, at 12:00 local time)."""
    for _, card in diners:
        actor = world.actor(terminal=world.terminal()[0])
        actor.at = datetime(when.year, when.month, when.day, 12, 0, tzinfo=TZ)
        charge_meal(db.session, actor, world.rules, uid=card.uid)
    db.session.commit()


def test_forecasts_are_stored_once_a_day_and_past_days_without_one_show_as_missing(world):
    lunch_period = db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))
    diners = [world.diner(cash=100_000) for _ in range(4)]
    today = date.today()
    for weeks_ago in range(1, 4):
        lunch(world, today - timedelta(days=7 * weeks_ago + 1), diners)  # the same weekday as yesterday
    made = make_forecasts(db.session, made_on=today - timedelta(days=2))
    db.session.commit()
    again = make_forecasts(db.session, made_on=today - timedelta(days=2))
    assert sorted(f.id for f in again) == sorted(f.id for f in made)
    yesterday = {f.meal_period_id: f for f in made if f.day == today - timedelta(days=1)}
    assert yesterday[lunch_period.id].expected == 4
    lunch(world, today - timedelta(days=1), diners[:2])
    rows, error, missing = past_days(db.session, today=today, days=7)
    by_key = {(r.day, r.meal_period.code): r for r in rows}
    row = by_key[(today - timedelta(days=1), "lunch")]
    assert (row.forecast, row.actual, row.error) == (4, 2, 2) and row.ape == 1.0
    assert by_key[(today - timedelta(days=3), "lunch")].forecast is None  # nothing was forecast then
    assert error == 1.0 and missing == len(rows) - 3  # breakfast, lunch, dinner of yesterday were forecast


def test_the_calendar_is_kept_by_managers(world):
    manager = world.operator("manager")
    day = date(2026, 10, 1)
    set_calendar_day(db.session, Actor(key="k", operator=manager), day=day, kind="holiday", name="国庆节")
    saturday = set_calendar_day(db.session, Actor(key="k", operator=manager), day=date(2026, 10, 10),
                                kind="workday", name="国庆调休", as_weekday=3)
    db.session.commit()
    calendar = load_calendar(db.session)
    assert calendar.weekday(day) is None and calendar.weekday(date(2026, 10, 10)) == 3
    for bad in ({"kind": "workday", "as_weekday": 6}, {"kind": "party"}, {"name": ""}):
        with pytest.raises(DomainError):
            set_calendar_day(db.session, Actor(key="k", operator=manager),
                             **{"day": day, "kind": "holiday", "name": "x", **bad})
    with pytest.raises(DomainError) as refused:
        set_calendar_day(db.session, Actor(key="k", operator=world.operator("cashier")), day=day,
                         kind="holiday", name="x")
    assert refused.value.code == "forbidden"
    delete_calendar_day(db.session, Actor(key="k", operator=manager), day_id=saturday.id)
    db.session.commit()
    assert load_calendar(db.session).weekday(date(2026, 10, 10)) == 6
    assert db.session.scalar(select(Forecast.id)) is None


def test_the_forecast_command_stores_the_days_ahead_and_refuses_a_bad_date(app, world):
    runner = app.test_cli_runner()
    db.session.commit()
    made = runner.invoke(args=["forecast", "make", "--on", "2026-11-30", "--days", "2"])
    assert made.exit_code == 0, made.output
    assert "6 forecasts made on 2026-11-30" in made.output  # 2 days x breakfast, lunch, dinner
    bad = runner.invoke(args=["forecast", "make", "--on", "2026-13-01"])
    assert bad.exit_code == 2 and "--on must be a date" in bad.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Forecast)) == 6
