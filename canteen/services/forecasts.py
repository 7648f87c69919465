"""Forecasts kept as they were made, the manager's calendar, and past forecasts set against what happened.

A forecast row is written once per (made on, day, meal) and never changed, so the kitchen page can show
honestly how each day's forecast did; a day nobody forecast stays missing.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.errors import DomainError
from canteen.forecast import WEEKS, Calendar, ape, mape, predict
from canteen.models import JournalEntry, MealPeriod
from canteen.models.forecast import CalendarDay, Forecast
from canteen.figures.canteen import served_meals
from canteen.services.common import Actor, require_operator

HORIZON = 7
#: History read behind a forecast: the weekday medians' weeks, plus room for holidays in between.
HISTORY_DAYS = WEEKS * 7 + 28
#: Entry kinds that are a meal eaten (就餐人次): diners' meals and guests' tickets.
MEAL_KINDS = ("meal", "guest_meal")


def daily_counts(session: Session, start: date, end: date) -> dict[tuple[date, int], int]:
    """(day, meal period) -> meals eaten in business dates `start`..`end`, by the kitchen's written definition
    (:data:`canteen.figures.definitions.KITCHEN`: no-show charges and fully refunded meals do not count)."""
    return served_meals(session, start, end)


def load_calendar(session: Session) -> Calendar:
    """The manager's calendar as the model reads it."""
    days = session.scalars(select(CalendarDay)).all()
    return Calendar(holidays=frozenset(d.day for d in days if d.kind == "holiday"),
                    workdays={d.day: d.as_weekday for d in days if d.kind == "workday"})


def booked_counts(session: Session, start: date, end: date) -> dict[tuple[date, int], int] | None:
    """(day, meal period) -> meals booked (报餐), or None where this installation has no booking."""
    try:
        from canteen.models.bookings import MealBooking
    except ImportError:  # booking is an optional module
        return None
    rows = session.execute(
        select(MealBooking.day, MealBooking.meal_period_id, func.count())
        .where(MealBooking.state == "booked", MealBooking.day >= start, MealBooking.day <= end)
        .group_by(MealBooking.day, MealBooking.meal_period_id)).all()
    return {(day, period_id): count for day, period_id, count in rows}


def make_forecasts(session: Session, *, made_on: date, horizon: int = HORIZON) -> list[Forecast]:
    """Forecast every active meal for the `horizon` days after `made_on` from the history before it.

    Made once per day: if forecasts made on `made_on` exist, they are returned unchanged.
    """
    existing = session.scalars(select(Forecast).where(Forecast.made_on == made_on)
                               .order_by(Forecast.day, Forecast.meal_period_id)).all()
    if existing:
        return list(existing)
    periods = session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))).all()
    start, end = made_on - timedelta(days=HISTORY_DAYS), made_on - timedelta(days=1)
    counts = daily_counts(session, start, end)
    calendar = load_calendar(session)
    days = [made_on + timedelta(days=n) for n in range(1, horizon + 1)]
    booked = booked_counts(session, days[0], days[-1])
    first_day = session.scalar(select(func.min(JournalEntry.business_date)).where(
        JournalEntry.kind.in_(MEAL_KINDS)))
    made = []
    for period in periods:
        history = {} if first_day is None else {
            start + timedelta(days=n): counts.get((start + timedelta(days=n), period.id), 0)
            for n in range(HISTORY_DAYS) if start + timedelta(days=n) >= first_day}
        for day in days:
            wanted = None if booked is None else booked.get((day, period.id), 0)
            prediction = predict(history, day, calendar, serves=period.weekdays, booked=wanted)
            made.append(Forecast(made_on=made_on, day=day, meal_period_id=period.id, expected=prediction.expected,
                                 booked=wanted, basis=prediction.basis[:100]))
    session.add_all(made)
    session.flush()
    return made


@dataclass
class PastDay:
    """One meal of a past day: what was forecast for it (None: no forecast was made) and what happened."""

    day: date
    meal_period: MealPeriod
    forecast: int | None
    made_on: date | None
    actual: int

    @property
    def error(self) -> int | None:
        """Forecast minus actual."""
        return None if self.forecast is None else self.forecast - self.actual

    @property
    def ape(self) -> float | None:
        """Absolute percentage error, when there is a forecast and someone came."""
        return None if self.forecast is None else ape(self.forecast, self.actual)


def past_days(session: Session, *, today: date, days: int = 28) -> tuple[list[PastDay], float | None, int]:
    """The last `days` days' meals: each day's latest forecast made before it, beside the actual count.

    Returns the rows (newest first), the MAPE over the rows with a forecast and someone coming, and how many
    rows had no forecast at all.
    """
    start, end = today - timedelta(days=days), today - timedelta(days=1)
    periods = session.scalars(select(MealPeriod).where(MealPeriod.active.is_(True))
                              .order_by(MealPeriod.start_time)).all()
    counts = daily_counts(session, start, end)
    latest = (select(Forecast.day, Forecast.meal_period_id, func.max(Forecast.made_on).label("made_on"))
              .where(Forecast.day >= start, Forecast.day <= end, Forecast.made_on < Forecast.day)
              .group_by(Forecast.day, Forecast.meal_period_id).subquery())
    stored = {(f.day, f.meal_period_id): f for f in session.scalars(
        select(Forecast).join(latest, (latest.c.day == Forecast.day)
                              & (latest.c.meal_period_id == Forecast.meal_period_id)
                              & (latest.c.made_on == Forecast.made_on)))}
    rows = []
    for offset in range(1, days + 1):
        day = today - timedelta(days=offset)
        for period in periods:
            found = stored.get((day, period.id))
            rows.append(PastDay(day, period, found.expected if found else None, found.made_on if found else None,
                                counts.get((day, period.id), 0)))
    return (rows, mape((r.forecast, r.actual) for r in rows if r.forecast is not None),
            sum(1 for r in rows if r.forecast is None))


def upcoming(session: Session, *, made_on: date) -> list[Forecast]:
    """The forecasts made on `made_on`, by day and meal."""
    return list(session.scalars(select(Forecast).where(Forecast.made_on == made_on)
                                .order_by(Forecast.day, Forecast.meal_period_id)))


CALENDAR_KINDS = {"holiday": "节假日", "workday": "调休上班"}


def set_calendar_day(session: Session, actor: Actor, *, day, kind, name, as_weekday=None) -> CalendarDay:
    """Add or change one calendar day (manager or admin): a holiday, or a working day following `as_weekday`."""
    operator = require_operator(actor, "manager", "admin")
    if not isinstance(day, date):
        raise DomainError("invalid_date")
    if kind not in CALENDAR_KINDS:
        raise DomainError("invalid_input", "类型须为节假日或调休上班")
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 50:
        raise DomainError("invalid_input", "请填写名称（50 字以内）")
    if kind == "workday":
        if as_weekday not in (1, 2, 3, 4, 5):
            raise DomainError("invalid_input", "调休上班须指明按星期几上班（1-5）")
    else:
        as_weekday = None
    row = session.scalar(select(CalendarDay).where(CalendarDay.day == day)) or CalendarDay(day=day)
    row.kind, row.name, row.as_weekday = kind, name, as_weekday
    row.operator_id, row.updated_dt = operator.id, actor.at
    session.add(row)
    session.flush()
    return row


def delete_calendar_day(session: Session, actor: Actor, *, day_id) -> None:
    """Remove a calendar day (manager or admin): it becomes an ordinary day again."""
    require_operator(actor, "manager", "admin")
    row = session.get(CalendarDay, day_id) if isinstance(day_id, int) else None
    if row is None:
        raise DomainError("not_found", "日历中没有这一天")
    session.delete(row)
    session.flush()
