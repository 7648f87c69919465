"""Property and compound (物业): repair orders, visitor and vehicle entries, patrols, shared parking."""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

REPAIR_STATES = {"reported": "已报修", "assigned": "已派工", "done": "已完成", "cancelled": "已撤销"}
ENTRY_KINDS = {"visitor": "来访人员", "vehicle": "外来车辆"}


class RepairOrder(Base):
    """A repair order (报修单): reported, assigned to someone, done at a cost."""

    __tablename__ = "repair_order"
    __table_args__ = (
        CheckConstraint("state IN ('reported', 'assigned', 'done', 'cancelled')", name="state"),
        CheckConstraint("cost_fen IS NULL OR cost_fen >= 0", name="cost_fen"),
        CheckConstraint("(state = 'done') = (done_dt IS NOT NULL)", name="done_dt"),
        CheckConstraint("state = 'reported' OR state = 'cancelled' OR assignee IS NOT NULL", name="assignee"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reported_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reporter: Mapped[str] = mapped_column(String(50))
    location: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="reported")
    assignee: Mapped[str | None] = mapped_column(String(50))
    assigned_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Materials and labour in fen (日常维修成本核算).
    cost_fen: Mapped[int | None] = mapped_column(Fen)


class EntryRecord(Base):
    """A visitor or an outside vehicle coming into the compound (进出登记)."""

    __tablename__ = "entry_record"
    __table_args__ = (
        CheckConstraint("kind IN ('visitor', 'vehicle')", name="kind"),
        CheckConstraint("kind = 'visitor' OR plate IS NOT NULL", name="plate"),
        CheckConstraint("out_dt IS NULL OR out_dt >= in_dt", name="dates"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(50))
    plate: Mapped[str | None] = mapped_column(String(16))
    #: Whom or which unit they came to see.
    host: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200))
    in_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    out_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Patrol(Base):
    """A patrol round (巡查): who, when, where, what was found (长明灯、长流水 ...)."""

    __tablename__ = "patrol"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    patrolled_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    patroller: Mapped[str] = mapped_column(String(50))
    route: Mapped[str] = mapped_column(String(200))
    issues: Mapped[str | None] = mapped_column(Text)
    #: A repair order raised from what was found.
    repair_order_id: Mapped[int | None] = mapped_column(ForeignKey("repair_order.id"))


class ParkingWindow(Base):
    """Spaces of the compound opened to the public at set times (错时共享停车)."""

    __tablename__ = "parking_window"
    __table_args__ = (CheckConstraint("spaces > 0", name="spaces"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    spaces: Mapped[int]
    #: ISO weekdays it is open on, e.g. "12345" or "67".
    weekdays: Mapped[str] = mapped_column(String(7))
    #: Local opening time; a window closing before it opens runs past midnight.
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    active: Mapped[bool] = mapped_column(default=True)
    since: Mapped[date | None] = mapped_column(Date)


class ParkingUse(Base):
    """One public car parked in a shared window."""

    __tablename__ = "parking_use"
    __table_args__ = (CheckConstraint("out_dt IS NULL OR out_dt >= in_dt", name="dates"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("parking_window.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16))
    in_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    out_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
