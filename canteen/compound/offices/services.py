"""Office space services: registering buildings and rooms, assigning them, rectifying, tracking projects."""
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from canteen.compound.common import quantity, text
from canteen.compound.offices.models import (
    AUDIT_STATES,
    OfficeBuilding,
    OfficeOccupancy,
    OfficeProject,
    OfficeRectification,
    OfficeRoom,
    OfficeRoomArea,
)
from canteen.compound.offices.standards import allowed_for, area_on, measure_rooms, standard_for, standards

#: A room registered now had its measured area all along (until an alteration changes it from its date).
REGISTERED_FROM = date(2000, 1, 1)
from canteen.errors import DomainError


def building_named(session: Session, name: str, *, create: bool = False) -> OfficeBuilding:
    """A building by name (created when asked and missing)."""
    name = text(name, "楼宇")
    building = session.scalar(select(OfficeBuilding).where(OfficeBuilding.name == name))
    if building is None:
        if not create:
            raise DomainError("not_found", f"楼宇 {name}")
        building = add_building(session, name=name)
    return building


def add_building(session: Session, *, name: str, address: str | None = None,
                 floor_area_dm2: int | None = None) -> OfficeBuilding:
    """A new office building (names are unique)."""
    name = text(name, "楼宇")
    if floor_area_dm2 is not None:
        quantity(floor_area_dm2, "建筑面积", positive=True)
    if session.scalar(select(OfficeBuilding.id).where(OfficeBuilding.name == name)):
        raise DomainError("conflict", f"楼宇 {name} 已存在")
    building = OfficeBuilding(name=name, address=text(address, "地址", limit=200, required=False),
                              floor_area_dm2=floor_area_dm2)
    session.add(building)
    session.flush()
    return building


def add_room(session: Session, *, building: OfficeBuilding, floor: int, room_no: str, unit_name: str,
             usable_area_dm2: int, use: str = "办公室", capacity: int = 1) -> OfficeRoom:
    """A measured room; its area must be positive and its number unique in the building."""
    if not isinstance(floor, int) or isinstance(floor, bool) or not -10 <= floor <= 200:
        raise DomainError("invalid_input", f"楼层: {floor}")
    quantity(usable_area_dm2, "使用面积", positive=True)
    quantity(capacity, "核定人数", positive=True)
    room_no = text(room_no, "房间号", limit=32)
    if session.scalar(select(OfficeRoom.id).where(OfficeRoom.building_id == building.id,
                                                  OfficeRoom.room_no == room_no)):
        raise DomainError("conflict", f"{building.name} {room_no} 已登记")
    room = OfficeRoom(building_id=building.id, floor=floor, room_no=room_no, use=text(use, "用途", limit=50),
                      unit_name=text(unit_name, "单位"), usable_area_dm2=usable_area_dm2, capacity=capacity)
    session.add(room)
    session.flush()
    session.add(OfficeRoomArea(room_id=room.id, valid_from=REGISTERED_FROM, area_dm2=usable_area_dm2))
    session.flush()
    return room


def _current(on: date):
    return (OfficeOccupancy.start_on <= on) & or_(OfficeOccupancy.end_on.is_(None), OfficeOccupancy.end_on > on)


def check_against_standard(session: Session, room: OfficeRoom, rank_codes: list[str], on: date) -> None:
    """Refuse (``over_standard``) putting people of these ranks (with those already there) in an office whose
    measured area on the date is above what the standard allows them. Seats still free count at the smallest
    limit of the organ level, since whoever takes them is allowed at least that."""
    if room.use != "办公室":
        return
    from_standard = allowed_for(session, rank_codes)
    free = max(0, room.capacity - len(rank_codes))
    if free:
        from_standard += free * min(row.limit_dm2 for row in standards(session))
    area = area_on(session, room, on)
    if area > from_standard:
        raise DomainError("over_standard", f"{room.building.name} {room.room_no}：使用面积 {area / 100:.2f} m²，"
                                           f"标准 {from_standard / 100:.2f} m²")


def occupy(session: Session, *, room: OfficeRoom, person_name: str, post: str, rank_code: str,
           start_on: date, over_reason: str | None = None) -> OfficeOccupancy:
    """Assign a room to a person from a date: refused when the room is full or the person has an office, and
    when the room is above the standard for its occupants (``over_standard``) unless `over_reason` says why
    (recording the existing state, 登记现状; kept with the occupancy and printed on the return).

    The room row is locked first, so two clerks assigning the same room cannot both succeed.
    """
    session.scalar(select(OfficeRoom.id).where(OfficeRoom.id == room.id).with_for_update())
    person_name = text(person_name, "使用人", limit=50)
    rank = standard_for(session, rank_code)
    over_reason = text(over_reason, "超标原因", limit=200, required=False)
    open_ = (OfficeOccupancy.end_on.is_(None)) | (OfficeOccupancy.end_on > start_on)
    present = list(session.scalars(select(OfficeOccupancy.rank_code).where(OfficeOccupancy.room_id == room.id,
                                                                           open_)))
    if len(present) >= room.capacity:
        raise DomainError("room_occupied", f"{room.building.name} {room.room_no}")
    if session.scalar(select(OfficeOccupancy.id).where(OfficeOccupancy.person_name == person_name, open_)):
        raise DomainError("person_has_office", person_name)
    if not over_reason:
        check_against_standard(session, room, [*present, rank.rank_code], start_on)
    occupancy = OfficeOccupancy(room_id=room.id, person_name=person_name, post=text(post, "职务"),
                                rank_code=rank.rank_code, start_on=start_on, over_reason=over_reason)
    try:
        with session.begin_nested():  # the unique index settles two rooms assigned to one person at once
            session.add(occupancy)
            session.flush()
    except IntegrityError:
        raise DomainError("person_has_office", person_name) from None
    return occupancy


def vacate(session: Session, occupancy: OfficeOccupancy, on: date) -> None:
    """End an occupancy (a leaver's office is recovered within a month)."""
    if occupancy.end_on is not None:
        raise DomainError("invalid_transition", "已腾退")
    if on < occupancy.start_on:
        raise DomainError("invalid_date", str(on))
    occupancy.end_on = on
    session.flush()


def change_rank(session: Session, occupancy: OfficeOccupancy, *, rank_code: str, post: str, on: date,
                over_reason: str | None = None) -> OfficeOccupancy:
    """A promotion or a new post from a date (dated: the occupancy ends the day before and a new one starts in
    the same room with the new rank, so a report for an earlier date still reads the old rank)."""
    if occupancy.end_on is not None:
        raise DomainError("invalid_transition", "已腾退")
    if on <= occupancy.start_on:
        raise DomainError("invalid_date", str(on))
    room = session.get(OfficeRoom, occupancy.room_id)
    with session.begin_nested():
        vacate(session, occupancy, on)
        return occupy(session, room=room, person_name=occupancy.person_name, post=post, rank_code=rank_code,
                      start_on=on, over_reason=over_reason)


def start_rectification(session: Session, *, room: OfficeRoom, kind: str, started_on: date,
                        note: str | None = None) -> OfficeRectification:
    """Open a rectification of an over-standard office; a room within the standard is refused."""
    if kind not in ("engineering", "swap"):
        raise DomainError("invalid_input", f"整改方式: {kind}")
    found = next((m for m in measure_rooms(session, started_on) if m.room.id == room.id), None)
    if found is None or not found.over_standard:
        raise DomainError("invalid_transition", "该办公室未超标")
    area_before = found.area_dm2
    if session.scalar(select(OfficeRectification.id).where(OfficeRectification.room_id == room.id,
                                                           OfficeRectification.completed_on.is_(None))):
        raise DomainError("invalid_transition", "该办公室已有未完成的整改")
    row = OfficeRectification(room_id=room.id, kind=kind, tier=found.tier, person_name=found.occupants[0].person_name,
                              area_before_dm2=area_before, started_on=started_on,
                              note=text(note, "说明", limit=2000, required=False))
    session.add(row)
    session.flush()
    return row


def complete_rectification(session: Session, rectification: OfficeRectification, *, completed_on: date,
                           new_area_dm2: int | None = None, to_room: OfficeRoom | None = None) -> None:
    """Finish a rectification: 工程改造 gives the room its new measured area; 调换 moves the occupants."""
    if rectification.completed_on is not None:
        raise DomainError("invalid_transition", "整改已完成")
    if completed_on < rectification.started_on:
        raise DomainError("invalid_date", str(completed_on))
    room = session.get(OfficeRoom, rectification.room_id)
    if rectification.kind == "engineering":
        quantity(new_area_dm2, "改造后面积", positive=True)
        if new_area_dm2 >= area_on(session, room, completed_on):
            raise DomainError("invalid_quantity", "改造后面积须小于改造前")
        if session.scalar(select(OfficeRoomArea.id).where(OfficeRoomArea.room_id == room.id,
                                                          OfficeRoomArea.valid_from >= completed_on)):
            raise DomainError("invalid_date", f"{completed_on} 当天或之后已有面积记录")
        # A new dated area from the completion date: the room's history (and every report before it) is kept.
        session.add(OfficeRoomArea(room_id=room.id, valid_from=completed_on, area_dm2=new_area_dm2,
                                   rectification_id=rectification.id))
        room.usable_area_dm2 = new_area_dm2  # the area now, for the room list
        rectification.area_after_dm2 = new_area_dm2
    else:
        if to_room is None or to_room.id == room.id:
            raise DomainError("invalid_input", "须指定调换后的房间")
        movers = list(session.scalars(select(OfficeOccupancy).where(
            OfficeOccupancy.room_id == room.id, _current(completed_on))))
        there = list(session.scalars(select(OfficeOccupancy.rank_code).where(
            OfficeOccupancy.room_id == to_room.id, _current(completed_on))))
        # A move must end within the standard: the target is checked for everyone who will sit there.
        check_against_standard(session, to_room, [*there, *(o.rank_code for o in movers)], completed_on)
        with session.begin_nested():  # all occupants move, or none do
            for occupancy in movers:
                vacate(session, occupancy, completed_on)
                occupy(session, room=to_room, person_name=occupancy.person_name, post=occupancy.post,
                       rank_code=occupancy.rank_code, start_on=completed_on)
        rectification.to_room_id = to_room.id
        rectification.area_after_dm2 = area_on(session, to_room, completed_on)
    rectification.completed_on = completed_on
    session.flush()


def add_project(session: Session, *, name: str, contract_fen: int = 0, building: OfficeBuilding | None = None,
                started_on: date | None = None, completed_on: date | None = None) -> OfficeProject:
    """An engineering project whose settlement audit (结算审计) is to be tracked."""
    quantity(contract_fen, "合同金额")
    name = text(name, "工程名称", limit=200)
    if session.scalar(select(OfficeProject.id).where(OfficeProject.name == name)):
        raise DomainError("conflict", f"工程 {name} 已登记")
    project = OfficeProject(name=name, contract_fen=contract_fen, building_id=building.id if building else None,
                            started_on=started_on, completed_on=completed_on)
    session.add(project)
    session.flush()
    return project


def advance_audit(session: Session, project: OfficeProject, *, audited_fen: int | None = None,
                  on: date | None = None) -> OfficeProject:
    """Move the settlement audit on: 待审计 → 审计中 → 已审计 (with the audited amount and date)."""
    if project.audit_state == "pending":
        project.audit_state = "auditing"
    elif project.audit_state == "auditing":
        if on is None:
            raise DomainError("invalid_date", "须填写审计完成日期")
        project.audited_fen = quantity(audited_fen, "审定金额")
        project.audited_on, project.audit_state = on, "audited"
    else:
        raise DomainError("invalid_transition", AUDIT_STATES[project.audit_state])
    session.flush()
    return project


def edit_building(session: Session, building: OfficeBuilding, *, address: str | None,
                  floor_area_dm2: int | None) -> OfficeBuilding:
    """Correct a building's address or floor area (the denominator of energy per m²)."""
    if floor_area_dm2 is not None:
        quantity(floor_area_dm2, "建筑面积", positive=True)
    building.address = text(address, "地址", limit=200, required=False)
    building.floor_area_dm2 = floor_area_dm2
    session.flush()
    return building


def edit_room(session: Session, room: OfficeRoom, *, use: str, unit_name: str, capacity: int) -> OfficeRoom:
    """Change a room's use, unit or seats; its measured area changes only by a rectification (工程改造).

    Fewer seats than current occupants is refused.
    """
    session.scalar(select(OfficeRoom.id).where(OfficeRoom.id == room.id).with_for_update())
    quantity(capacity, "核定人数", positive=True)
    taken = session.scalar(select(func.count()).select_from(OfficeOccupancy).where(
        OfficeOccupancy.room_id == room.id, OfficeOccupancy.end_on.is_(None)))
    if capacity < taken:
        raise DomainError("room_occupied", f"现有 {taken} 人")
    room.use, room.unit_name, room.capacity = text(use, "用途", limit=50), text(unit_name, "单位"), capacity
    session.flush()
    return room
