"""The meal rules an offline terminal applies itself: the double-tap window and the per-meal and per-day limits.

The rule is the core's (:mod:`canteen.rules.meal_limits`), the one the server applies online; offline the
terminal gives it the person's meals today from its snapshot (what the server had booked when the snapshot was
taken) plus its own outbox since, so a diner who taps twice, or comes back for a second lunch, is refused the
same way with the server out of reach.
"""
from __future__ import annotations

from datetime import datetime

from canteen.rules.meal_limits import Limits, Meal, limit_refusal, needs_meals
from pos.offline.outbox import Outbox
from pos.offline.snapshot import Snapshot


def meals_today(snapshot: Snapshot, outbox: Outbox, uid: str, person_id: int, now: datetime) -> list[Meal]:
    """The person's meals today: booked at the server (as of the snapshot), then charged here offline."""
    body = snapshot.body or {}
    day = snapshot.local_day(now)
    meals = []
    if body.get("day") == day:
        meals = [Meal(period, datetime.fromisoformat(at), fen)
                 for period, at, fen in body.get("meals_today", {}).get(str(person_id), [])]
    for tapped_at, fen in outbox.taps(uid, day, after_seq=snapshot.settled_seq):
        at = datetime.fromisoformat(tapped_at)
        period = snapshot.period_at(at)
        meals.append(Meal(period["id"] if period else None, at, fen))
    return meals


def refusal(snapshot: Snapshot, outbox: Outbox, uid: str, person_id: int, category_id: int, price: int,
            now: datetime) -> str | None:
    """``repeated_tap``, ``meal_limit_reached`` or ``daily_limit_reached`` as the server would say (the core's one
    rule, :func:`canteen.rules.meal_limits.limit_refusal`); else None."""
    body = snapshot.body or {}
    per_meal_count, per_day_count, per_meal_amount, per_day_amount = (
        body.get("limits", {}).get(str(category_id)) or (None, None, None, None))
    limits = Limits(per_meal_count, per_meal_amount, per_day_count, per_day_amount)
    window = int(body.get("double_tap_seconds") or 0)
    if not needs_meals(limits, window, keyed=False):
        return None
    period = snapshot.period_at(now)
    refused = limit_refusal(meals_today(snapshot, outbox, uid, person_id, now), now=now,
                            period_id=period["id"] if period else None, price=price, limits=limits,
                            double_tap_seconds=window)
    return refused[0] if refused else None
