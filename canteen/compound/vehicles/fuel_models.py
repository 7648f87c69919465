"""Fuel cards and designated stations (一车一卡): their tables. The cards' money moves in
:mod:`canteen.compound.vehicles.fuel`, through the ledger."""
from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.compound.vehicles.models import Vehicle
from canteen.models.base import Base, Id
from canteen.models.ledger import Account


class FuelStation(Base):
    """A designated filling (or charging) station (定点加油站) and its ledger account."""

    __tablename__ = "fuel_station"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))
    #: Only designated stations may be paid with a fuel card.
    designated: Mapped[bool] = mapped_column(Boolean, default=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)


class FuelCard(Base):
    """A vehicle's fuel card (加油卡); the unique vehicle id makes it one card per vehicle."""

    __tablename__ = "fuel_card"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), unique=True)
    card_no: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), unique=True)
    opened_on: Mapped[date] = mapped_column(Date)

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")
    account: Mapped[Account] = relationship(lazy="joined")


class FuelVolume(Base):
    """What a fuel-card spend bought (litres, in millilitres, and which fuel): 综合能耗 counts it."""

    __tablename__ = "fuel_volume"
    __table_args__ = (CheckConstraint("fuel IN ('petrol', 'diesel')", name="fuel"),
                      CheckConstraint("volume_ml > 0", name="volume_ml"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), unique=True)
    fuel: Mapped[str] = mapped_column(String(8))
    volume_ml: Mapped[int]
