"""Energy and resources (节能降耗): meters per building, monthly readings, the yearly basis and targets.

Readings and consumption are whole hundredths of the meter's unit (kWh, m³, MJ), never floats.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from canteen.models.base import Base, Id, UTCDateTime, utcnow

KINDS = {"electricity": "电", "water": "水", "gas": "天然气", "heat": "热力"}
UNITS = {"electricity": "kWh", "water": "m³", "gas": "m³", "heat": "MJ"}


class Meter(Base):
    """A meter of one kind in one building."""

    __tablename__ = "energy_meter"
    __table_args__ = (CheckConstraint("kind IN ('electricity', 'water', 'gas', 'heat')", name="kind"),
                      CheckConstraint("opening_c >= 0", name="opening_c"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("office_building.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: The reading when the meter was registered (hundredths of the unit): the first month counts from it.
    opening_c: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(String(200))

    building = relationship("OfficeBuilding", lazy="joined")


class MeterReading(Base):
    """A month's closing reading; after a meter swap, the old meter's final reading and the new one's start."""

    __tablename__ = "energy_meter_reading"
    __table_args__ = (
        UniqueConstraint("meter_id", "month", name="uq_energy_meter_reading_meter_month"),
        CheckConstraint("reading_c >= 0", name="reading_c"),
        CheckConstraint("consumption_c >= 0", name="consumption_c"),
        CheckConstraint("swapped = (old_final_c IS NOT NULL AND new_start_c IS NOT NULL)", name="swap"),
        CheckConstraint("old_final_c IS NULL OR old_final_c >= 0", name="old_final_c"),
        CheckConstraint("new_start_c IS NULL OR (new_start_c >= 0 AND new_start_c <= reading_c)",
                        name="new_start_c"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("energy_meter.id"), index=True)
    #: The first day of the month the reading closes.
    month: Mapped[date] = mapped_column(Date)
    #: The reading at month end, hundredths of the unit.
    reading_c: Mapped[int]
    #: The month's use: this reading less the last (across a swap: both meters' parts).
    consumption_c: Mapped[int]
    #: A meter swap (换表) this month.
    swapped: Mapped[bool] = mapped_column(default=False)
    old_final_c: Mapped[int | None]
    new_start_c: Mapped[int | None]
    recorded_by: Mapped[str | None] = mapped_column(String(50))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EnergyBasis(Base):
    """A year's denominators: people actually working in the compound and its office floor area."""

    __tablename__ = "energy_basis"
    __table_args__ = (CheckConstraint("headcount > 0", name="headcount"),
                      CheckConstraint("floor_area_dm2 > 0", name="floor_area_dm2"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    #: Persons working there, non-establishment staff included.
    headcount: Mapped[int]
    #: Office floor area without housing or dormitories, dm².
    floor_area_dm2: Mapped[int]


class EnergyTarget(Base):
    """A year's targets: grams of standard coal per m² and per person, litres of water per person."""

    __tablename__ = "energy_target"
    __table_args__ = (CheckConstraint("per_m2_gce > 0", name="per_m2_gce"),
                      CheckConstraint("per_person_gce > 0", name="per_person_gce"),
                      CheckConstraint("water_per_person_l > 0", name="water_per_person_l"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    per_m2_gce: Mapped[int]
    per_person_gce: Mapped[int]
    water_per_person_l: Mapped[int]
