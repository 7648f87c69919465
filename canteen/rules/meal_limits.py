"""Meal limits (限次限额) and the double-tap window (防重复刷卡): whether one more meal may be charged today.

The server checks them on every charge against the meals it booked; an offline terminal checks them against the
meals in its snapshot plus those in its outbox. Both call :func:`limit_refusal`, so a diner who taps twice or comes
back for a second lunch is refused the same way, online or not.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    """A diner category's limits; None: no limit."""

    per_meal_count: int | None = None
    per_meal_amount: int | None = None
    per_day_count: int | None = None
    per_day_amount: int | None = None

    def any(self) -> bool:
        """Whether any limit is set."""
        return any(v is not None for v in (self.per_meal_count, self.per_meal_amount, self.per_day_count,
                                            self.per_day_amount))


@dataclass(frozen=True)
class Meal:
    """A meal the diner already had today: its meal period, when, and what it cost net of refunds (fen)."""

    period_id: int | None
    at: datetime
    fen: int


def needs_meals(limits: Limits, double_tap_seconds: int, keyed: bool) -> bool:
    """Whether a limit or the window can refuse this charge (if not, today's meals need no reading)."""
    return limits.any() or (not keyed and double_tap_seconds > 0)


def limit_refusal(meals: list[Meal], *, now: datetime, period_id: int | None, price: int, limits: Limits,
                  double_tap_seconds: int, keyed: bool = False) -> tuple[str, str | None] | None:
    """(refusal code, detail) if one more meal of `price` in meal period `period_id` at `now` is refused, else None.

    A meal refunded in full is not in `meals`. A tap within `double_tap_seconds` of any meal today is
    ``repeated_tap`` (an amount the cashier keys, `keyed`, never is); then the meal's and the day's count and
    amount limits."""
    if not keyed and double_tap_seconds > 0:
        window = now - timedelta(seconds=double_tap_seconds)
        if any(meal.at > window for meal in meals):
            return "repeated_tap", None
    this_meal = [meal.fen for meal in meals if period_id is not None and meal.period_id == period_id]
    if limits.per_meal_count is not None and len(this_meal) >= limits.per_meal_count:
        return "meal_limit_reached", f"{len(this_meal)}/{limits.per_meal_count}"
    if limits.per_meal_amount is not None and sum(this_meal) + price > limits.per_meal_amount:
        return "meal_limit_reached", None
    if limits.per_day_count is not None and len(meals) >= limits.per_day_count:
        return "daily_limit_reached", f"{len(meals)}/{limits.per_day_count}"
    if limits.per_day_amount is not None and sum(meal.fen for meal in meals) + price > limits.per_day_amount:
        return "daily_limit_reached", None
    return None
