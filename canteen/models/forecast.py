"""The headcount forecast: the manager's holiday and workday-swap calendar, and every forecast as it was made."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id, UTCDateTime, utcnow


class CalendarDay(Base):
    """A day off the usual week: a holiday (节假日), or a working day swapped in (调休上班) like a Saturday."""

    __tablename__ = "calendar_day"
    __table_args__ = (
        CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),
        CheckConstraint("(kind = 'workday') = (as_weekday IS NOT NULL)", name="swap"),
        CheckConstraint("as_weekday IS NULL OR as_weekday BETWEEN 1 AND 5", name="as_weekday"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: For a swapped working day, the ISO weekday whose schedule it follows (1 = Monday).
    as_weekday: Mapped[int | None]
    #: 国庆节, 春节调休 ...
    name: Mapped[str] = mapped_column(String(50))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Forecast(Base):
    """The expected headcount (就餐人次) of one meal on one day, as forecast on `made_on`; never changed later."""

    __tablename__ = "forecast"
    __table_args__ = (
        UniqueConstraint("made_on", "day", "meal_period_id", name="uq_forecast_made_on_day_period"),
        CheckConstraint("expected >= 0", name="expected"),
        CheckConstraint("day > made_on", name="ahead"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: The canteen's local date the forecast was made on.
    made_on: Mapped[date] = mapped_column(Date, index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    meal_period_id: Mapped[int] = mapped_column(ForeignKey("meal_period.id"))
    expected: Mapped[int]
    #: Meals booked for that meal when the forecast was made (NULL: no booking data).
    booked: Mapped[int | None]
    #: Which model and inputs (e.g. ``weekday-median/6w trend 1.03``).
    basis: Mapped[str] = mapped_column(String(100))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
