"""Meal booking (报餐): who books which meal of which day, the rules per meal period, department secretaries."""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id, UTCDateTime, utcnow


class MealBooking(Base):
    """One person's booking of one meal period on one day. Whether they came is read from the journal."""

    __tablename__ = "meal_booking"
    __table_args__ = (
        UniqueConstraint("person_id", "meal_period_id", "day", name="uq_meal_booking_person_period_day"),
        CheckConstraint("state IN ('booked', 'cancelled')", name="state"),
        Index("ix_meal_booking_day_period", "day", "meal_period_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    meal_period_id: Mapped[int] = mapped_column(ForeignKey("meal_period.id"))
    #: The canteen's local date of the meal.
    day: Mapped[date] = mapped_column(Date)
    #: booked, or cancelled before the deadline (a cancelled booking may be booked again).
    state: Mapped[str] = mapped_column(String(16), default="booked")
    changed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who made the last change: the diner, or their department's secretary (报餐员).
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class BookingRule(Base):
    """How booking works for one meal period; a period without a row takes the defaults (optional booking).

    The deadline (截止时间) for the meal of day D is ``cutoff_time`` on day D - ``cutoff_days_before``
    (never later than the period's start); booking and cancelling both close then.
    """

    __tablename__ = "booking_rule"
    __table_args__ = (CheckConstraint("cutoff_days_before BETWEEN 0 AND 7", name="cutoff_days_before"),)

    meal_period_id: Mapped[int] = mapped_column(ForeignKey("meal_period.id"), primary_key=True, autoincrement=False)
    #: 报餐制: the kitchen cooks to bookings; diners without one are refused unless walk-ins are allowed.
    required: Mapped[bool] = mapped_column(default=False)
    #: With booking required: whether a diner without a booking may still eat (and pays as usual).
    walk_in_allowed: Mapped[bool] = mapped_column(default=True)
    #: Whether a booked meal not eaten is charged (by ``canteen bookings charge-no-shows``).
    charge_no_shows: Mapped[bool] = mapped_column(default=False)
    cutoff_days_before: Mapped[int] = mapped_column(default=1)
    cutoff_time: Mapped[time] = mapped_column(Time, default=time(15, 0))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DepartmentSecretary(Base):
    """A person who books meals for everyone in a department (部门报餐员)."""

    __tablename__ = "department_secretary"
    __table_args__ = (UniqueConstraint("department_id", "person_id", name="uq_department_secretary_department_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
