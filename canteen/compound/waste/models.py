"""Waste sorting (垃圾分类): units in scope, collection points, inspections, demonstration units, removals."""
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Id

#: The four categories and their bin colours.
CATEGORIES = {"recyclable": "可回收物（蓝）", "hazardous": "有害垃圾（红）", "kitchen": "厨余垃圾（绿）",
              "other": "其他垃圾（灰）"}


class WasteUnit(Base):
    """A unit (单位) the center leads on sorting: in scope or not, sorting or not, designated or not."""

    __tablename__ = "waste_unit"
    __table_args__ = (CheckConstraint("demo_on IS NULL OR demo_by IS NOT NULL", name="demo_by"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: Counted in the coverage denominator (党政机关 and the public institutions the center leads).
    in_scope: Mapped[bool] = mapped_column(default=True)
    #: Sorting has been put in place (the coverage numerator).
    sorting: Mapped[bool] = mapped_column(default=False)
    sorting_since: Mapped[date | None] = mapped_column(Date)
    #: Designated a demonstration unit (示范单位) by the higher authority on this date.
    demo_on: Mapped[date | None] = mapped_column(Date)
    demo_by: Mapped[str | None] = mapped_column(String(100))


class WasteUnitStatus(Base):
    """A unit's sorting status from a date on (dated: a change adds a row, never overwrites one).

    Coverage on a date reads each unit's latest row on or before it; a unit with no row yet is not counted.
    """

    __tablename__ = "waste_unit_status"
    __table_args__ = (UniqueConstraint("unit_id", "valid_from", name="uq_waste_unit_status_unit_from"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("waste_unit.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    in_scope: Mapped[bool] = mapped_column(Boolean)
    sorting: Mapped[bool] = mapped_column(Boolean)


class CollectionPoint(Base):
    """A place where waste is put out (投放点)."""

    __tablename__ = "waste_collection_point"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    location: Mapped[str] = mapped_column(String(200))
    #: Comma-separated category codes the point takes.
    categories: Mapped[str] = mapped_column(String(100), default="recyclable,hazardous,kitchen,other")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WasteInspection(Base):
    """One check of one unit's waste at one point: sorted correctly or not."""

    __tablename__ = "waste_inspection"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("waste_collection_point.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("waste_unit.id"), index=True)
    inspector: Mapped[str] = mapped_column(String(50))
    correct: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(200))


class WasteRemoval(Base):
    """One removal of sorted waste from the compound (清运台账): date, category, weight, hauler."""

    __tablename__ = "waste_removal"
    __table_args__ = (
        CheckConstraint("category IN ('recyclable', 'hazardous', 'kitchen', 'other')", name="category"),
        CheckConstraint("weight_c > 0", name="weight_c"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    removed_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(16))
    #: Weight in hundredths of a kilogram.
    weight_c: Mapped[int]
    #: The hauler or recycler who took it (清运单位).
    hauler: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))
