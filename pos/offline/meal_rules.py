"""The meal rules an offline terminal applies itself: the double-tap window and the per-meal and per-day limits.

The server refuses with these codes online; offline the terminal counts the person's meals today from its
snapshot (what the server had booked when the snapshot was taken) plus its own outbox since, so a diner who
taps twice, or comes back for a second lunch, is refused the same way with the server out of reach.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pos.offline.outbox import Outbox
from pos.offline.snapshot import Snapshot


def meals_today(snapshot: Snapshot, outbox: Outbox, uid: str, person_id: int, now: datetime
                ) -> list[tuple[int | None, datetime, int]]:
    """(meal period id, time, fen) of the person's meals today: booked at the server, then charged here offline."""
    body = snapshot.body or {}
    day = snapshot.local_day(now)
    meals = []
    if body.get("day") == day:
        meals = [(period, datetime.fromisoformat(at), fen)
                 for period, at, fen in body.get("meals_today", {}).get(str(person_id), [])]
    for tapped_at, fen in outbox.taps(uid, day, after_seq=snapshot.settled_seq):
        at = datetime.fromisoformat(tapped_at)
        period = snapshot.period_at(at)
        meals.append((period["id"] if period else None, at, fen))
    return meals


def refusal(snapshot: Snapshot, outbox: Outbox, uid: str, person_id: int, category_id: int, price: int,
            now: datetime) -> str | None:
    """``repeated_tap``, ``meal_limit_reached`` or ``daily_limit_reached`` as the server would say; else None."""
    body = snapshot.body or {}
    meals = meals_today(snapshot, outbox, uid, person_id, now)
    window = int(body.get("double_tap_seconds") or 0)
    if window > 0 and any(at > now - timedelta(seconds=window) for _, at, _ in meals):
        return "repeated_tap"
    limits = body.get("limits", {}).get(str(category_id))
    if not limits:
        return None
    per_meal_count, per_day_count, per_meal_amount, per_day_amount = limits
    period = snapshot.period_at(now)
    this_meal = [fen for pid, _, fen in meals if period is not None and pid == period["id"]]
    if per_meal_count is not None and len(this_meal) >= per_meal_count:
        return "meal_limit_reached"
    if per_meal_amount is not None and sum(this_meal) + price > per_meal_amount:
        return "meal_limit_reached"
    if per_day_count is not None and len(meals) >= per_day_count:
        return "daily_limit_reached"
    if per_day_amount is not None and sum(fen for _, _, fen in meals) + price > per_day_amount:
        return "daily_limit_reached"
    return None
