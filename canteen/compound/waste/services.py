"""Waste sorting services: units, points, inspections, designations."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import choice, local_today, quantity, text
from canteen.compound.waste.models import (
    CATEGORIES,
    CollectionPoint,
    WasteInspection,
    WasteRemoval,
    WasteUnit,
    WasteUnitStatus,
)
from canteen.errors import DomainError


def add_unit(session: Session, *, name: str, in_scope: bool = True, sorting_since: date | None = None,
             since: date | None = None) -> WasteUnit:
    """A unit, counted from `since` (default: when it starts sorting, else today); it sorts from `sorting_since`
    when given. Its status is dated (:class:`WasteUnitStatus`), so coverage on an earlier date leaves it out."""
    name = text(name, "单位")
    if session.scalar(select(WasteUnit.id).where(WasteUnit.name == name)):
        raise DomainError("conflict", f"单位 {name} 已登记")
    since = since or sorting_since or local_today()
    if sorting_since is not None and sorting_since < since:
        since = sorting_since
    unit = WasteUnit(name=name, in_scope=bool(in_scope), sorting=sorting_since is not None,
                     sorting_since=sorting_since)
    session.add(unit)
    session.flush()
    session.add(WasteUnitStatus(unit_id=unit.id, valid_from=since, in_scope=bool(in_scope),
                                sorting=sorting_since is not None and sorting_since <= since))
    if sorting_since is not None and sorting_since > since:
        session.add(WasteUnitStatus(unit_id=unit.id, valid_from=sorting_since, in_scope=bool(in_scope), sorting=True))
    session.flush()
    return unit


def change_status(session: Session, unit: WasteUnit, *, on: date, in_scope: bool | None = None,
                  sorting: bool | None = None) -> WasteUnitStatus:
    """A change of a unit's scope or sorting from a date: a new dated row (the earlier status is kept)."""
    current = session.scalar(select(WasteUnitStatus).where(WasteUnitStatus.unit_id == unit.id,
                                                           WasteUnitStatus.valid_from <= on)
                             .order_by(WasteUnitStatus.valid_from.desc()).limit(1))
    scope = current.in_scope if in_scope is None and current else bool(in_scope if in_scope is not None else True)
    sorts = current.sorting if sorting is None and current else bool(sorting)
    row = session.scalar(select(WasteUnitStatus).where(WasteUnitStatus.unit_id == unit.id,
                                                       WasteUnitStatus.valid_from == on))
    if row is None:
        row = WasteUnitStatus(unit_id=unit.id, valid_from=on, in_scope=scope, sorting=sorts)
        session.add(row)
    else:
        row.in_scope, row.sorting = scope, sorts
    unit.in_scope, unit.sorting = scope, sorts
    if sorts and (unit.sorting_since is None or on < unit.sorting_since):
        unit.sorting_since = on
    session.flush()
    return row


def unit_named(session: Session, name: str) -> WasteUnit:
    """A unit by name."""
    unit = session.scalar(select(WasteUnit).where(WasteUnit.name == str(name).strip()))
    if unit is None:
        raise DomainError("not_found", f"单位 {name}")
    return unit


def start_sorting(session: Session, unit: WasteUnit, since: date) -> None:
    """Record that a unit has put sorting in place (from `since`, dated)."""
    change_status(session, unit, on=since, sorting=True)
    unit.sorting_since = since
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
