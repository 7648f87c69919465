"""Office space (办公用房): buildings, rooms, who occupies them, the area standard, rectifications, projects.

Areas are whole dm² (0.01 m²), never floats.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

#: Organ levels of the 2014 standard (党政机关办公用房建设标准).
LEVELS = {"central": "中央机关", "provincial": "省级机关", "municipal": "市级机关", "county": "县级机关"}
#: Rank tiers the work summary counts by: leaders of the organ, leaders of its departments, staff.
TIERS = {"top": "区级领导", "middle": "处级领导", "staff": "一般工作人员"}
#: The tiers as each organ level names them: at a county (区县) the middle tier is 正科/副科, i.e. 科级领导.
TIER_NAMES = {"central": {"top": "部级领导", "middle": "司局级领导", "staff": "一般工作人员"},
              "provincial": {"top": "省级领导", "middle": "厅局级领导", "staff": "一般工作人员"},
              "municipal": {"top": "市级领导", "middle": "局处级领导", "staff": "一般工作人员"},
              "county": {"top": "区级领导", "middle": "科级领导", "staff": "一般工作人员"}}
RECTIFICATION_KINDS = {"engineering": "工程改造", "swap": "调换"}
AUDIT_STATES = {"pending": "待审计", "auditing": "审计中", "audited": "已审计"}


class OfficeAreaStandard(Base):
    """The usable area one person of a rank may have at an organ level (a configurable table)."""

    __tablename__ = "office_area_standard"
    __table_args__ = (
        UniqueConstraint("level", "rank_code", name="uq_office_area_standard_level_rank"),
        CheckConstraint("limit_dm2 > 0", name="limit_dm2"),
        CheckConstraint("tier IN ('top', 'middle', 'staff')", name="tier"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    rank_code: Mapped[str] = mapped_column(String(32))
    #: The rank as the standard names it (县级正职, 正科 ...).
    rank_name: Mapped[str] = mapped_column(String(50))
    #: Per-person usable area limit in dm² (a leader's en-suite toilet counts inside it).
    limit_dm2: Mapped[int]
    tier: Mapped[str] = mapped_column(String(8))
    sort: Mapped[int] = mapped_column(default=0)


class OfficeBuilding(Base):
    """An office building of the compound (办公楼)."""

    __tablename__ = "office_building"
    __table_args__ = (CheckConstraint("floor_area_dm2 IS NULL OR floor_area_dm2 > 0", name="floor_area_dm2"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))
    #: Floor (building) area in dm², the denominator of energy per m².
    floor_area_dm2: Mapped[int | None]


class OfficeRoom(Base):
    """A room: where it is, what it is used for, whose it is, its measured usable area (使用面积)."""

    __tablename__ = "office_room"
    __table_args__ = (
        UniqueConstraint("building_id", "room_no", name="uq_office_room_building_room"),
        CheckConstraint("usable_area_dm2 > 0", name="usable_area_dm2"),
        CheckConstraint("capacity > 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("office_building.id"), index=True)
    floor: Mapped[int]
    room_no: Mapped[str] = mapped_column(String(32))
    #: Actual use (办公室, 会议室, 档案室 ...); only offices are measured against the standard.
    use: Mapped[str] = mapped_column(String(50), default="办公室")
    #: The unit or section it belongs to (单位/科室).
    unit_name: Mapped[str] = mapped_column(String(100))
    usable_area_dm2: Mapped[int]
    #: How many people it is assigned to seat (a shared office has more than one).
    capacity: Mapped[int] = mapped_column(default=1)

    building: Mapped[OfficeBuilding] = relationship(lazy="joined")


class OfficeOccupancy(Base):
    """One person using a room from a date until a date (open while ``end_on`` is NULL)."""

    __tablename__ = "office_occupancy"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates"),
        # One open office per person, even when two clerks assign two different rooms at once.
        Index("uq_office_occupancy_open_person", "person_name", unique=True,
              sqlite_where=sa_text("end_on IS NULL"), postgresql_where=sa_text("end_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("office_room.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(50), index=True)
    #: Post as printed on the return (职务).
    post: Mapped[str] = mapped_column(String(100))
    #: Rank code of the area standard at the organ's level.
    rank_code: Mapped[str] = mapped_column(String(32))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    #: Why a room above the standard was assigned anyway (recording the existing state, 登记现状); an
    #: allocation above the standard without a reason is refused.
    over_reason: Mapped[str | None] = mapped_column(String(200))


class OfficeRoomArea(Base):
    """A room's measured usable area from a date on (dated: an alteration adds a row, never overwrites one).

    The area on a date is the row with the latest ``valid_from`` on or before it; reports for a past date read
    the area the room had then.
    """

    __tablename__ = "office_room_area"
    __table_args__ = (
        UniqueConstraint("room_id", "valid_from", name="uq_office_room_area_room_from"),
        CheckConstraint("area_dm2 > 0", name="area_dm2"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("office_room.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    area_dm2: Mapped[int]
    #: The alteration (工程改造) that changed it, if any.
    rectification_id: Mapped[int | None] = mapped_column(ForeignKey("office_rectification.id"))


class OfficeRectification(Base):
    """Putting an over-standard office right: 工程改造 (alteration) or 调换 (moving to a smaller room)."""

    __tablename__ = "office_rectification"
    __table_args__ = (
        CheckConstraint("kind IN ('engineering', 'swap')", name="kind"),
        CheckConstraint("completed_on IS NULL OR completed_on >= started_on", name="dates"),
        CheckConstraint("area_after_dm2 IS NULL OR area_after_dm2 > 0", name="area_after_dm2"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("office_room.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: Rank tier of the occupant when found over standard (the summary counts by it).
    tier: Mapped[str] = mapped_column(String(8))
    person_name: Mapped[str] = mapped_column(String(50))
    area_before_dm2: Mapped[int]
    #: After alteration, the room's new area; after a swap, the new room's area.
    area_after_dm2: Mapped[int | None]
    #: The room moved to (调换).
    to_room_id: Mapped[int | None] = mapped_column(ForeignKey("office_room.id"))
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    #: Why it is not rectified yet (未整改原因), printed on the return.
    note: Mapped[str | None] = mapped_column(Text)


class OfficeProject(Base):
    """An engineering project on the compound's buildings and its settlement audit (结算审计)."""

    __tablename__ = "office_project"
    __table_args__ = (
        CheckConstraint("audit_state IN ('pending', 'auditing', 'audited')", name="audit_state"),
        CheckConstraint("contract_fen >= 0", name="contract_fen"),
        CheckConstraint("audited_fen IS NULL OR audited_fen >= 0", name="audited_fen"),
        CheckConstraint("(audit_state = 'audited') = (audited_on IS NOT NULL)", name="audited_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("office_building.id"))
    contract_fen: Mapped[int] = mapped_column(Fen, default=0)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    audit_state: Mapped[str] = mapped_column(String(16), default="pending")
    audited_fen: Mapped[int | None] = mapped_column(Fen)
    audited_on: Mapped[date | None] = mapped_column(Date)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
