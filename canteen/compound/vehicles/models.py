"""Official vehicles (公务用车): ledger, quotas, dispatch slips, per-vehicle costs, approvals, charging piles.

Fuel cards as accounts of the double-entry ledger (一车一卡) are in :mod:`canteen.compound.vehicles.fuel`.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Fen, Id, UTCDateTime, utcnow

#: The five types of 中办发〔2017〕71号.
TYPES = {"confidential": "机要通信用车", "emergency": "应急保障用车", "law_enforcement": "执法执勤用车",
         "special": "特种专业技术用车", "other": "其他按照规定配备的公务用车"}
ENERGY = {"gasoline": "汽油", "diesel": "柴油", "hybrid": "混合动力", "electric": "纯电动", "other": "其他"}
STATES = {"in_service": "在用", "repair": "维修", "disposed": "已处置"}
COST_ITEMS = {"fuel": "燃油（充电）费", "repair": "维修保养费", "insurance": "保险费", "inspection": "年检费",
              "tax": "车船税", "parking": "停车费", "toll": "通行费"}
DISPOSAL_METHODS = {"auction": "拍卖", "buyback": "回收", "scrap": "报废"}

_TYPE_CHECK = "type IN ('confidential', 'emergency', 'law_enforcement', 'special', 'other')"


class VehicleQuota(Base):
    """How many vehicles of a type the establishment allows (编制)."""

    __tablename__ = "vehicle_quota"
    __table_args__ = (CheckConstraint(_TYPE_CHECK, name="type"), CheckConstraint("quota >= 0", name="quota"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    type: Mapped[str] = mapped_column(String(16), unique=True)
    quota: Mapped[int]


class Vehicle(Base):
    """One vehicle of the ledger (台账)."""

    __tablename__ = "vehicle"
    __table_args__ = (
        CheckConstraint(_TYPE_CHECK, name="type"),
        CheckConstraint("energy IN ('gasoline', 'diesel', 'hybrid', 'electric', 'other')", name="energy"),
        CheckConstraint("state IN ('in_service', 'repair', 'disposed')", name="state"),
        CheckConstraint("seats > 0", name="seats"),
        CheckConstraint("mileage_km >= 0", name="mileage_km"),
        CheckConstraint("price_fen >= 0", name="price_fen"),
        CheckConstraint("(state = 'disposed') = (disposed_on IS NOT NULL)", name="disposed_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    energy: Mapped[str] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(100))
    seats: Mapped[int]
    #: Engine displacement in ml (NULL for an electric car).
    displacement_ml: Mapped[int | None]
    price_fen: Mapped[int] = mapped_column(Fen, default=0)
    purchase_date: Mapped[date] = mapped_column(Date)
    #: Odometer in km; every returned trip adds its distance.
    mileage_km: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16), default="in_service")
    disposed_on: Mapped[date | None] = mapped_column(Date)
    disposal_method: Mapped[str | None] = mapped_column(String(16))


class DispatchSlip(Base):
    """A dispatch slip (派车单): who asked, why, where, when, who approved and drove, how far."""

    __tablename__ = "dispatch_slip"
    __table_args__ = (
        CheckConstraint("planned_back_dt > planned_out_dt", name="planned"),
        CheckConstraint("state IN ('approved', 'returned', 'cancelled')", name="state"),
        CheckConstraint("distance_km IS NULL OR distance_km >= 0", name="distance_km"),
        CheckConstraint("actual_back_dt IS NULL OR actual_back_dt >= actual_out_dt", name="actual"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    requester: Mapped[str] = mapped_column(String(50))
    department: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200))
    destination: Mapped[str] = mapped_column(String(200))
    planned_out_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_back_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str] = mapped_column(String(50))
    driver: Mapped[str] = mapped_column(String(50))
    actual_out_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_back_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    distance_km: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(16), default="approved")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")


class VehicleCost(Base):
    """One cost of one vehicle in one month (单车核算)."""

    __tablename__ = "vehicle_cost"
    __table_args__ = (
        CheckConstraint("item IN ('fuel', 'repair', 'insurance', 'inspection', 'tax', 'parking', 'toll')",
                        name="item"),
        CheckConstraint("amount_fen > 0", name="amount_fen"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    #: The first day of the month the cost belongs to.
    month: Mapped[date] = mapped_column(Date, index=True)
    item: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Fen)
    #: Designated station, garage or insurer (定点加油、定点维修、定点保险).
    vendor: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))


class VehicleApproval(Base):
    """A purchase or disposal request and its decision (购置、处置审批)."""

    __tablename__ = "vehicle_approval"
    __table_args__ = (
        CheckConstraint("kind IN ('purchase', 'disposal')", name="kind"),
        CheckConstraint("state IN ('pending', 'approved', 'rejected')", name="state"),
        CheckConstraint("kind = 'purchase' OR vehicle_id IS NOT NULL", name="disposal_vehicle"),
        CheckConstraint("price_fen IS NULL OR price_fen >= 0", name="price_fen"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle.id"))
    type: Mapped[str | None] = mapped_column(String(16))
    energy: Mapped[str | None] = mapped_column(String(16))
    price_fen: Mapped[int | None] = mapped_column(Fen)
    displacement_ml: Mapped[int | None]
    disposal_method: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    requested_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(50))
    decided_on: Mapped[date | None] = mapped_column(Date)


class ChargingPile(Base):
    """A charging pile for new-energy vehicles (充电桩)."""

    __tablename__ = "charging_pile"
    __table_args__ = (CheckConstraint("power_kw > 0", name="power_kw"),
                      UniqueConstraint("code", name="uq_charging_pile_code"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(200))
    power_kw: Mapped[int]
    built_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
