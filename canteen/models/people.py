"""Departments, diner categories and people (diners)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow


class Department(Base):
    """A unit of the compound (科室/部门); subsidies and reports group people by it."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Short stable code used in imports and exports.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class DinerCategory(Base):
    """A kind of diner (在编职工, 聘用人员, 来宾 ...): it decides the price and the limits."""

    __tablename__ = "diner_category"
    __table_args__ = (
        CheckConstraint("per_meal_count IS NULL OR per_meal_count > 0", name="per_meal_count"),
        CheckConstraint("per_meal_amount IS NULL OR per_meal_amount > 0", name="per_meal_amount"),
        CheckConstraint("per_day_count IS NULL OR per_day_count > 0", name="per_day_count"),
        CheckConstraint("per_day_amount IS NULL OR per_day_amount > 0", name="per_day_amount"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    #: Most meals one person may take in one meal period of one day (NULL: no limit).
    per_meal_count: Mapped[int | None]
    #: Most fen one person may spend in one meal period of one day.
    per_meal_amount: Mapped[int | None] = mapped_column(Fen)
    #: Most meals one person may take in one day.
    per_day_count: Mapped[int | None]
    #: Most fen one person may spend in one day.
    per_day_amount: Mapped[int | None] = mapped_column(Fen)


class Person(Base):
    """A diner. The money belongs to the person (their wallets), never to a card."""

    __tablename__ = "person"
    __table_args__ = (CheckConstraint("state IN ('active', 'cancelled')", name="state"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Staff number (工号), unique in the compound.
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("diner_category.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    #: active, or cancelled once 清退 paid everything out.
    state: Mapped[str] = mapped_column(String(16), default="active")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")
    category: Mapped[DinerCategory] = relationship(lazy="joined")
