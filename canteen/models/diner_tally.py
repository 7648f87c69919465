"""就餐人数 per day, meal period, department and category: a report pre-aggregate kept by the rollup.

Each diner is filed under one department and category (:class:`~canteen.models.RollupPerson`), so the
different diners of a meal add up over departments and categories: a headcount filtered by either reads
these few rows instead of every diner's meals. Maintained with the other tallies (``canteen.reports.rollup``).
"""
from datetime import date

from sqlalchemy import Date, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id


class DinerTally(Base):
    """Meals (人次) and different diners (人数) per day and meal period, by the diners' department and category,
    over the meals the rollup holds (0 for "none", as in the other tallies)."""

    __tablename__ = "diner_tally"
    __table_args__ = (
        UniqueConstraint("business_date", "meal_period_id", "department_id", "category_id",
                         name="uq_diner_tally_key"),
        #: How filtered headcounts read it: some departments (or categories) over a period.
        Index("ix_diner_tally_department_day", "department_id", "business_date"),
        Index("ix_diner_tally_category_day", "category_id", "business_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    meal_period_id: Mapped[int] = mapped_column(Id, default=0)
    department_id: Mapped[int] = mapped_column(Id, default=0)
    category_id: Mapped[int] = mapped_column(Id, default=0)
    visits: Mapped[int] = mapped_column(Id, default=0)
    diners: Mapped[int] = mapped_column(Id, default=0)
