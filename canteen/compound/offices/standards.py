"""The area standard (发改投资〔2014〕2674号) per organ level and rank, and measuring rooms against it."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from canteen.compound.offices.models import LEVELS, OfficeAreaStandard, OfficeOccupancy, OfficeRoom, OfficeRoomArea
from canteen.compound.settings import get_setting
from canteen.errors import DomainError

#: level -> [(rank code, rank name, limit in m², tier)], from the 2014 standard (not the 1999 one).
STANDARD_2014 = {
    "central": [("minister", "部级正职", 54, "top"), ("vice_minister", "部级副职", 42, "top"),
                ("director_general", "正司（局）级", 24, "middle"), ("deputy_dg", "副司（局）级", 18, "middle"),
                ("division", "处级", 12, "staff"), ("below_division", "处级以下", 9, "staff")],
    "provincial": [("governor", "省级正职", 54, "top"), ("vice_governor", "省级副职", 42, "top"),
                   ("bureau", "正厅（局）级", 30, "middle"), ("deputy_bureau", "副厅（局）级", 24, "middle"),
                   ("division", "正处级", 18, "staff"), ("deputy_division", "副处级", 12, "staff"),
                   ("below_division", "处级以下", 9, "staff")],
    "municipal": [("mayor", "市级正职", 42, "top"), ("vice_mayor", "市级副职", 30, "top"),
                  ("bureau", "正局（处）级", 24, "middle"), ("deputy_bureau", "副局（处）级", 18, "middle"),
                  ("below_bureau", "局（处）级以下", 9, "staff")],
    "county": [("county_head", "县级正职", 30, "top"), ("county_deputy", "县级副职", 24, "top"),
               ("section", "正科级", 18, "middle"), ("deputy_section", "副科级", 12, "middle"),
               ("below_section", "科级以下", 9, "staff")],
}


def ensure_standards(session: Session) -> None:
    """Add the 2014 standard's rows that are missing (edited rows are kept as edited)."""
    have = {(s.level, s.rank_code) for s in session.scalars(select(OfficeAreaStandard))}
    for level, ranks in STANDARD_2014.items():
        for sort, (code, name, limit, tier) in enumerate(ranks):
            if (level, code) not in have:
                session.add(OfficeAreaStandard(level=level, rank_code=code, rank_name=name,
                                               limit_dm2=limit * 100, tier=tier, sort=sort))
    session.flush()


def set_limit(session: Session, level: str, rank_code: str, limit_dm2: int) -> OfficeAreaStandard:
    """Change one rank's limit (a local rule may be stricter than the national one)."""
    from canteen.compound.common import quantity

    quantity(limit_dm2, "标准面积", positive=True)
    row = standard_for(session, rank_code, level)
    row.limit_dm2 = limit_dm2
    session.flush()
    return row


def organ_level(session: Session) -> str:
    """The organ level whose standard applies (a setting; county by default)."""
    level = get_setting(session, "office.organ_level")
    if level not in LEVELS:
        raise DomainError("invalid_input", f"机关级别: {level}")
    return level


def standards(session: Session, level: str | None = None) -> list[OfficeAreaStandard]:
    """The standard's ranks at the organ's level, in order."""
    ensure_standards(session)
    level = level or organ_level(session)
    return list(session.scalars(select(OfficeAreaStandard).where(OfficeAreaStandard.level == level)
                                .order_by(OfficeAreaStandard.sort)))


def standard_for(session: Session, rank_code: str, level: str | None = None) -> OfficeAreaStandard:
    """The standard row of a rank at the organ's level (the rank may be given by code or name)."""
    for row in standards(session, level):
        if rank_code in (row.rank_code, row.rank_name):
            return row
    raise DomainError("invalid_input", f"职级: {rank_code}")


@dataclass
class Measure:
    """One room measured against the standard."""

    room: OfficeRoom
    occupants: list[OfficeOccupancy]
    #: The area the standard allows its occupants together (dm²); None for a vacant room or a non-office.
    allowed_dm2: int | None
    #: The highest tier among its occupants.
    tier: str | None
    #: The room's measured usable area on the date measured (dm²): the dated area, not today's.
    area_dm2: int = 0

    @property
    def over_dm2(self) -> int:
        """How far above the standard the room is (0 if within it or not measured)."""
        if self.allowed_dm2 is None:
            return 0
        return max(0, self.area_dm2 - self.allowed_dm2)

    @property
    def over_standard(self) -> bool:
        """超标: the measured usable area exceeds what its occupants are allowed together."""
        return self.over_dm2 > 0


def current_occupants(session: Session, on: date) -> dict[int, list[OfficeOccupancy]]:
    """Room id -> occupancies current on a date."""
    rows = session.scalars(select(OfficeOccupancy).where(
        OfficeOccupancy.start_on <= on, or_(OfficeOccupancy.end_on.is_(None), OfficeOccupancy.end_on > on))
        .order_by(OfficeOccupancy.id))
    found: dict[int, list[OfficeOccupancy]] = {}
    for row in rows:
        found.setdefault(row.room_id, []).append(row)
    return found


def areas_on(session: Session, on: date) -> dict[int, int]:
    """Room id -> its measured usable area (dm²) on a date, from the dated areas (latest row on or before it)."""
    latest = (select(OfficeRoomArea.room_id, func.max(OfficeRoomArea.valid_from).label("since"))
              .where(OfficeRoomArea.valid_from <= on).group_by(OfficeRoomArea.room_id).subquery())
    return dict(session.execute(select(OfficeRoomArea.room_id, OfficeRoomArea.area_dm2).join(
        latest, (latest.c.room_id == OfficeRoomArea.room_id) & (latest.c.since == OfficeRoomArea.valid_from))).all())


def area_on(session: Session, room: OfficeRoom, on: date) -> int:
    """One room's measured usable area on a date (its registered area when it has no dated row yet)."""
    found = session.scalar(select(OfficeRoomArea.area_dm2).where(
        OfficeRoomArea.room_id == room.id, OfficeRoomArea.valid_from <= on)
        .order_by(OfficeRoomArea.valid_from.desc()).limit(1))
    return found if found is not None else room.usable_area_dm2


def allowed_for(session: Session, rank_codes: list[str]) -> int:
    """The area the standard allows people of these ranks together in one office (dm²)."""
    return sum(standard_for(session, code).limit_dm2 for code in rank_codes)


def measure_rooms(session: Session, on: date) -> list[Measure]:
    """Every room with its occupants, ranks and measured area as they were on a date, and the area the
    standard allows them (shared offices: the sum). Later alterations, moves and promotions do not change it."""
    by_rank = {row.rank_code: row for row in standards(session)}
    order = {"top": 0, "middle": 1, "staff": 2}
    occupants = current_occupants(session, on)
    areas = areas_on(session, on)
    rooms = session.scalars(select(OfficeRoom).order_by(OfficeRoom.building_id, OfficeRoom.floor,
                                                        OfficeRoom.room_no))
    result = []
    for room in rooms:
        people = occupants.get(room.id, [])
        area = areas.get(room.id, room.usable_area_dm2)
        if not people or room.use != "办公室":
            result.append(Measure(room, people, None, None, area))
            continue
        missing = [p.person_name for p in people if p.rank_code not in by_rank]
        if missing:
            raise DomainError("invalid_input", f"{'、'.join(missing)} 的职级不在当前机关级别的标准中")
        ranks = [by_rank[p.rank_code] for p in people]
        tier = min((r.tier for r in ranks), key=order.__getitem__)
        result.append(Measure(room, people, sum(r.limit_dm2 for r in ranks), tier, area))
    return result
