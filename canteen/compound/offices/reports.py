"""Office space reports: the room-level annual return (年度办公用房统计) and the summary figures."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import area, local_today, text
from canteen.compound.offices.models import (
    RECTIFICATION_KINDS,
    TIER_NAMES,
    TIERS,
    OfficeProject,
    OfficeRectification,
)
from canteen.compound.offices.services import add_room, building_named, occupy
from canteen.compound.offices.standards import measure_rooms, organ_level, standards
from canteen.compound.sheets import Field, Sheet
from canteen.reports.base import Column, Report

RETURN_COLUMNS = [
    Column("building", "楼宇"), Column("floor", "楼层", "int"), Column("room_no", "房间号"),
    Column("use", "实际用途"), Column("unit_name", "单位/科室"), Column("area", "使用面积（m²）"),
    Column("allowed", "标准面积（m²）"), Column("over", "是否超标"), Column("adjusted", "是否已调整"),
    Column("occupants", "使用人"), Column("posts", "职务"), Column("headcount", "人数", "int"),
    Column("reason", "未整改原因"),
]


def office_return(session: Session, on: date) -> Report:
    """Every room as the annual office-space return lists it, measured against the standard on a date."""
    rectifications = {}
    for row in session.scalars(select(OfficeRectification).where(OfficeRectification.started_on <= on)
                               .order_by(OfficeRectification.id)):  # as known on the date
        rectifications[row.room_id] = row
    rows, over, area_total = [], 0, 0
    for m in measure_rooms(session, on):
        rect = rectifications.get(m.room.id)
        adjusted = rect is not None and rect.completed_on is not None and rect.completed_on <= on
        over += m.over_standard
        area_total += m.area_dm2
        rows.append({
            "building": m.room.building.name, "floor": m.room.floor, "room_no": m.room.room_no, "use": m.room.use,
            "unit_name": m.room.unit_name, "area": area(m.area_dm2), "allowed": area(m.allowed_dm2),
            "over": "是" if m.over_standard else "否", "adjusted": "是" if adjusted else "否",
            "occupants": "、".join(o.person_name for o in m.occupants),
            "posts": "、".join(o.post for o in m.occupants), "headcount": len(m.occupants),
            "reason": ((rect.note or "") if (rect and not adjusted) else
                       "；".join(o.over_reason for o in m.occupants if o.over_reason)) if m.over_standard else "",
            "area_dm2": m.area_dm2, "over_dm2": m.over_dm2,
        })
    level = standards(session)[0].level if rows else ""
    return Report(key="office_return", title=f"办公用房统计（{on}）", columns=RETURN_COLUMNS, rows=rows,
                  totals={"rooms": len(rows), "area": area(area_total), "over": over},
                  notes=[f"标准：党政机关办公用房建设标准（发改投资〔2014〕2674号），机关级别 {level}；"
                         "合用办公室按各使用人标准之和计。面积、使用人和职级均为该日当天的记录（之后的改造、调换、"
                         "职级变动不改写本表）。"])


def office_summary(session: Session, year: int) -> dict:
    """The figures of the office paragraph for a year: rooms, area, occupancy, over-standard, rectified."""
    end = date(year, 12, 31)
    measured = measure_rooms(session, end)
    rect = list(session.scalars(select(OfficeRectification).where(
        OfficeRectification.completed_on >= date(year, 1, 1), OfficeRectification.completed_on <= end)))
    counts = {f"{tier}_{kind}": sum(1 for r in rect if r.tier == tier and r.kind == kind)
              for tier in TIERS for kind in RECTIFICATION_KINDS}
    audited = list(session.scalars(select(OfficeProject).where(
        OfficeProject.audited_on >= date(year, 1, 1), OfficeProject.audited_on <= end).order_by(OfficeProject.id)))
    return {
        "rooms": len(measured), "area_dm2": sum(m.area_dm2 for m in measured),
        "occupied": sum(1 for m in measured if m.occupants),
        "occupants": sum(len(m.occupants) for m in measured),
        "over_standard": sum(1 for m in measured if m.over_standard),
        "rectified": len(rect), **counts,
        "top_total": counts["top_engineering"] + counts["top_swap"],
        "projects_audited": len(audited), "project_names": [p.name for p in audited],
        "middle_name": tier_names(session)["middle"],
    }


def tier_names(session: Session) -> dict[str, str]:
    """How the document names each tier at the organ's level (a county's middle tier is 科级, not 处级)."""
    return TIER_NAMES.get(organ_level(session), TIERS)


def _rows(session: Session) -> list[dict]:
    today = local_today()
    names = {row.rank_code: row.rank_name for row in standards(session)}
    out = []
    for m in measure_rooms(session, today):
        first = m.occupants[0] if len(m.occupants) == 1 else None
        out.append({"building": m.room.building.name, "floor": m.room.floor, "room_no": m.room.room_no,
                    "use": m.room.use, "unit_name": m.room.unit_name, "area": m.room.usable_area_dm2,
                    "capacity": m.room.capacity, "person": first.person_name if first else None,
                    "post": first.post if first else None, "rank": names[first.rank_code] if first else None,
                    "since": first.start_on if first else None})
    return out


def _add(session: Session, row: dict) -> None:
    building = building_named(session, row["building"], create=True)
    room = add_room(session, building=building, floor=row["floor"], room_no=row["room_no"], use=row["use"],
                    unit_name=row["unit_name"], usable_area_dm2=row["area"], capacity=row["capacity"])
    if row["person"]:
        occupy(session, room=room, person_name=row["person"], post=text(row["post"], "职务"),
               rank_code=text(row["rank"], "职级"), start_on=row["since"] or local_today(),
               over_reason="登记现状（导入）")


ROOM_SHEET = Sheet("office_rooms", "办公用房", [
    Field("building", "楼宇"), Field("floor", "楼层", "int"), Field("room_no", "房间号"),
    Field("use", "实际用途"), Field("unit_name", "单位/科室"), Field("area", "使用面积（m²）", "area"),
    Field("capacity", "核定人数", "int"), Field("person", "使用人", required=False),
    Field("post", "职务", required=False), Field("rank", "职级", required=False),
    Field("since", "使用起始日期", "date", required=False),
], _rows, _add)


def leavers_report(session: Session, on: date) -> Report:
    """Offices still held by people who have left (清退 in the canteen roster, no active namesake):
    a leaver's office is to be recovered within a month."""
    from canteen.models import Person

    left = set(session.scalars(select(Person.name).where(Person.state == "cancelled")))
    left -= set(session.scalars(select(Person.name).where(Person.state == "active")))
    rows = []
    for m in measure_rooms(session, on):
        for occupant in m.occupants:
            if occupant.person_name in left:
                rows.append({"building": m.room.building.name, "room_no": m.room.room_no,
                             "person": occupant.person_name, "post": occupant.post, "since": occupant.start_on})
    return Report(key="office_leavers", title=f"离岗人员仍占用的办公室（{on}）", columns=[
        Column("building", "楼宇"), Column("room_no", "房间号"), Column("person", "使用人"), Column("post", "职务"),
        Column("since", "使用起始日期", "date")], rows=rows, totals={"rooms": len(rows)},
        notes=["离岗人员：就餐卡系统人员名单中已清退且无同名在岗人员者；应在一个月内腾退。"])
