"""Waste sorting services: units, points, inspections, designations."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import choice, quantity, text
from canteen.compound.waste.models import CATEGORIES, CollectionPoint, WasteInspection, WasteRemoval, WasteUnit
from canteen.errors import DomainError


def add_unit(session: Session, *, name: str, in_scope: bool = True, sorting_since: date | None = None) -> WasteUnit:
    """A unit; it sorts from `sorting_since` when given."""
    name = text(name, "单位")
    if session.scalar(select(WasteUnit.id).where(WasteUnit.name == name)):
        raise DomainError("conflict", f"单位 {name} 已登记")
    unit = WasteUnit(name=name, in_scope=bool(in_scope), sorting=sorting_since is not None,
                     sorting_since=sorting_since)
    session.add(unit)
    session.flush()
    return unit


def unit_named(session: Session, name: str) -> WasteUnit:
    """A unit by name."""
    unit = session.scalar(select(WasteUnit).where(WasteUnit.name == str(name).strip()))
    if unit is None:
        raise DomainError("not_found", f"单位 {name}")
    return unit


def start_sorting(session: Session, unit: WasteUnit, since: date) -> None:
    """Record that a unit has put sorting in place."""
    unit.sorting, unit.sorting_since = True, since
    session.flush()


def designate_demo(session: Session, unit: WasteUnit, *, on: date, by: str) -> None:
    """Record the higher authority's designation of a demonstration unit (示范单位)."""
    if not unit.sorting:
        raise DomainError("invalid_transition", "未实施分类的单位不能认定为示范单位")
    unit.demo_on, unit.demo_by = on, text(by, "认定机关")
    session.flush()


def add_point(session: Session, *, name: str, location: str, categories: list[str] | None = None) -> CollectionPoint:
    """A collection point taking the given categories (all four by default)."""
    name = text(name, "投放点")
    codes = list(categories or CATEGORIES)
    if not codes or any(code not in CATEGORIES for code in codes):
        raise DomainError("invalid_input", f"分类: {categories}")
    if session.scalar(select(CollectionPoint.id).where(CollectionPoint.name == name)):
        raise DomainError("conflict", f"投放点 {name} 已登记")
    point = CollectionPoint(name=name, location=text(location, "位置", limit=200), categories=",".join(codes))
    session.add(point)
    session.flush()
    return point


def inspect(session: Session, *, point: CollectionPoint, unit: WasteUnit, on: date, inspector: str,
            correct: bool, note: str | None = None) -> WasteInspection:
    """Record one inspection (date, point, inspector, correct or not)."""
    if not isinstance(correct, bool):
        raise DomainError("invalid_input", "是否正确分类")
    row = WasteInspection(inspected_on=on, point_id=point.id, unit_id=unit.id,
                          inspector=text(inspector, "检查人", limit=50), correct=correct,
                          note=text(note, "备注", limit=200, required=False))
    session.add(row)
    session.flush()
    return row


def record_removal(session: Session, *, removed_on: date, category: str, weight_c: int, hauler: str,
                   note: str | None = None) -> WasteRemoval:
    """One removal of one category of waste (清运), weight in hundredths of a kilogram."""
    quantity(weight_c, "重量", positive=True)
    row = WasteRemoval(removed_on=removed_on, category=choice(category, CATEGORIES, "垃圾类别"), weight_c=weight_c,
                       hauler=text(hauler, "清运单位"), note=text(note, "备注", limit=200, required=False))
    session.add(row)
    session.flush()
    return row
