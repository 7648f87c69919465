"""The meal limits and the double-tap window as one pure rule (canteen.rules.meal_limits), which the server and
the offline terminal both apply."""
from datetime import datetime, timedelta, timezone

from canteen.rules.meal_limits import Limits, Meal, limit_refusal, needs_meals

NOW = datetime(2026, 12, 7, 4, 30, tzinfo=timezone.utc)
LUNCH, DINNER = 2, 3


def refused(meals, limits=Limits(), price=700, window=0, keyed=False, period=LUNCH):
    found = limit_refusal(meals, now=NOW, period_id=period, price=price, limits=limits, double_tap_seconds=window,
                          keyed=keyed)
    return found and found[0]


def test_a_tap_inside_the_window_is_a_repeated_tap_unless_the_cashier_keyed_the_amount():
    meals = [Meal(LUNCH, NOW - timedelta(seconds=30), 700)]
    assert refused(meals, window=60) == "repeated_tap"
    assert refused(meals, window=60, keyed=True) is None
    assert refused(meals, window=20) is None


def test_the_meals_count_and_amount_limits_count_only_this_meal_period():
    meals = [Meal(DINNER, NOW - timedelta(hours=20), 700), Meal(LUNCH, NOW - timedelta(minutes=20), 700)]
    assert refused(meals, Limits(per_meal_count=1)) == "meal_limit_reached"
    assert refused(meals, Limits(per_meal_count=1), period=DINNER + 1) is None
    assert refused(meals, Limits(per_meal_amount=1400)) is None
    assert refused(meals, Limits(per_meal_amount=1399)) == "meal_limit_reached"


def test_the_days_count_and_amount_limits_count_every_meal_today():
    meals = [Meal(DINNER, NOW - timedelta(hours=2), 700), Meal(LUNCH, NOW - timedelta(minutes=20), 700)]
    assert refused(meals, Limits(per_day_count=2)) == "daily_limit_reached"
    assert refused(meals, Limits(per_day_count=3)) is None
    assert refused(meals, Limits(per_day_amount=2100)) is None
    assert refused(meals, Limits(per_day_amount=2099)) == "daily_limit_reached"


def test_without_limits_or_window_no_meal_needs_reading():
    assert not needs_meals(Limits(), 0, keyed=False)
    assert not needs_meals(Limits(), 60, keyed=True)
    assert needs_meals(Limits(), 60, keyed=False) and needs_meals(Limits(per_day_count=3), 0, keyed=True)
