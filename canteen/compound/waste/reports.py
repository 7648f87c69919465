"""Waste sorting reports: each unit's compliance, coverage, demonstration units."""
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from canteen.compound.common import area, local_today, percent, ratio
from canteen.compound.sheets import Field, Sheet
from canteen.compound.waste.models import (
    CATEGORIES,
    CollectionPoint,
    WasteInspection,
    WasteRemoval,
    WasteUnit,
    WasteUnitStatus,
)
from canteen.compound.waste.services import add_unit, designate_demo
from canteen.reports.base import Column, Report

COVERAGE_NOTE = "覆盖率 = 已实施分类的单位数 ÷ 纳入范围的单位数（无官方公式，按此口径计算）。"


def as_of(end: date, start: date | None = None) -> date:
    """The date a period's coverage is measured at: its end, or today for a period still under way (never
    before its start)."""
    day = min(end, local_today())
    return max(day, start) if start else day


def coverage(session: Session, on: date) -> tuple[int, int]:
    """(units sorting on the date, units in scope on it): the coverage fraction's parts, from each unit's dated
    status on the date (units counted only from a later date are left out)."""
    latest = (select(WasteUnitStatus.unit_id, func.max(WasteUnitStatus.valid_from).label("since"))
              .where(WasteUnitStatus.valid_from <= on).group_by(WasteUnitStatus.unit_id).subquery())
    rows = session.execute(select(WasteUnitStatus.in_scope, WasteUnitStatus.sorting).join(
        latest, (latest.c.unit_id == WasteUnitStatus.unit_id) & (latest.c.since == WasteUnitStatus.valid_from))).all()
    scope = [sorting for in_scope, sorting in rows if in_scope]
    return sum(1 for sorting in scope if sorting), len(scope)


def compliance_report(session: Session, start: date, end: date) -> Report:
    """Each unit's inspections in the period and how many were sorted correctly, with coverage."""
    counts = {unit_id: (int(n), int(ok)) for unit_id, n, ok in session.execute(
        select(WasteInspection.unit_id, func.count(),
               func.coalesce(func.sum(case((WasteInspection.correct.is_(True), 1), else_=0)), 0))
        .where(WasteInspection.inspected_on >= start, WasteInspection.inspected_on <= end)
        .group_by(WasteInspection.unit_id))}
    rows = []
    for unit in session.scalars(select(WasteUnit).order_by(WasteUnit.name)):
        n, ok = counts.get(unit.id, (0, 0))
        rows.append({"unit": unit.name, "in_scope": "是" if unit.in_scope else "否",
                     "sorting": "是" if unit.sorting else "否", "inspections": n, "correct": ok,
                     "rate": percent(ratio(ok, n)) if n else "", "demo": str(unit.demo_on or "")})
    sorting, scope = coverage(session, as_of(end, start))
    return Report(key="waste_compliance", title=f"垃圾分类检查情况（{start}至{end}）", columns=[
        Column("unit", "单位"), Column("in_scope", "纳入范围"), Column("sorting", "已实施分类"),
        Column("inspections", "检查次数", "int"), Column("correct", "正确投放次数", "int"),
        Column("rate", "合格率"), Column("demo", "示范单位认定日期")], rows=rows,
        totals={"sorting": sorting, "scope": scope, "coverage": percent(ratio(sorting, scope))},
        notes=[COVERAGE_NOTE, f"覆盖率（截至 {as_of(end, start)}）：{sorting} ÷ {scope} = {percent(ratio(sorting, scope))}"])


def removal_report(session: Session, start: date, end: date) -> Report:
    """The removal ledger for a period: each category's removals and weight (kg)."""
    sums = {cat: (int(n), int(w)) for cat, n, w in session.execute(
        select(WasteRemoval.category, func.count(), func.coalesce(func.sum(WasteRemoval.weight_c), 0))
        .where(WasteRemoval.removed_on >= start, WasteRemoval.removed_on <= end).group_by(WasteRemoval.category))}
    rows = [{"category": name, "removals": sums.get(code, (0, 0))[0], "weight": area(sums.get(code, (0, 0))[1])}
            for code, name in CATEGORIES.items()]
    total = sum(w for _n, w in sums.values())
    return Report(key="waste_removals", title=f"垃圾清运台账（{start}至{end}）", columns=[
        Column("category", "类别"), Column("removals", "清运次数", "int"), Column("weight", "重量（千克）")],
        rows=rows, totals={"removals": sum(n for n, _w in sums.values()), "weight_c": total},
        notes=[f"合计 {area(total)} 千克"])


def waste_summary(session: Session, year: int) -> dict:
    """The waste paragraph's figures: coverage at year end (today, for the year under way), demonstration
    units, collection points."""
    end = as_of(date(year, 12, 31), date(year, 1, 1))
    sorting, scope = coverage(session, end)
    demos = session.scalar(select(func.count()).select_from(WasteUnit).where(WasteUnit.demo_on <= end))
    points = session.scalar(select(func.count()).select_from(CollectionPoint).where(CollectionPoint.active.is_(True)))
    return {"sorting": sorting, "scope": scope, "coverage": ratio(sorting, scope), "demo_units": int(demos),
            "points": int(points)}


def _rows(session: Session) -> list[dict]:
    return [{"name": u.name, "in_scope": u.in_scope, "sorting_since": u.sorting_since, "demo_on": u.demo_on,
             "demo_by": u.demo_by} for u in session.scalars(select(WasteUnit).order_by(WasteUnit.name))]


def _add(session: Session, row: dict) -> None:
    unit = add_unit(session, name=row["name"], in_scope=row["in_scope"], sorting_since=row["sorting_since"])
    if row["demo_on"]:
        designate_demo(session, unit, on=row["demo_on"], by=row["demo_by"])


UNIT_SHEET = Sheet("waste_units", "垃圾分类单位", [
    Field("name", "单位"), Field("in_scope", "纳入范围", "bool"),
    Field("sorting_since", "实施分类日期", "date", required=False),
    Field("demo_on", "示范单位认定日期", "date", required=False), Field("demo_by", "认定机关", required=False),
], _rows, _add)
