"""Meal periods (早餐, 午餐, 晚餐 ...) and the price of each for each diner category."""
from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id


class MealPeriod(Base):
    """A meal's time window on some weekdays, in the canteen's local time."""

    __tablename__ = "meal_period"
    __table_args__ = (
        CheckConstraint("start_time < end_time", name="window"),
        CheckConstraint("length(weekdays) BETWEEN 1 AND 7", name="weekdays"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    #: ISO weekdays it is served on, e.g. ``12345`` for Monday to Friday.
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")
    active: Mapped[bool] = mapped_column(default=True)

    def serves(self, weekday: int, at: time) -> bool:
        """Whether this period is open on ISO `weekday` at local time `at`."""
        return self.active and str(weekday) in self.weekdays and self.start_time <= at < self.end_time


class MealPrice(Base):
    """Fixed price (定额) of one meal period for one diner category."""

    __tablename__ = "meal_price"
    __table_args__ = (
        UniqueConstraint("meal_period_id", "category_id", name="uq_meal_price_period_category"),
        CheckConstraint("price > 0", name="price"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    meal_period_id: Mapped[int] = mapped_column(ForeignKey("meal_period.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("diner_category.id"))
    price: Mapped[int] = mapped_column(Fen)
