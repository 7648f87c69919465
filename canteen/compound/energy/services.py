"""Energy services: meters, monthly readings (a lower reading needs a recorded meter swap), basis, targets."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import choice, month_start, quantity, text
from canteen.compound.energy.models import KINDS, EnergyBasis, EnergyTarget, Meter, MeterReading
from canteen.compound.offices.models import OfficeBuilding
from canteen.errors import DomainError


def add_meter(session: Session, *, code: str, building: OfficeBuilding, kind: str, opening_c: int = 0,
              note: str | None = None) -> Meter:
    """Register a meter with its reading at registration."""
    code = text(code, "表号", limit=32)
    quantity(opening_c, "初始读数")
    if session.scalar(select(Meter.id).where(Meter.code == code)):
        raise DomainError("conflict", f"表号 {code} 已登记")
    meter = Meter(code=code, building_id=building.id, kind=choice(kind, KINDS, "表计类型"), opening_c=opening_c,
                  note=text(note, "备注", limit=200, required=False))
    session.add(meter)
    session.flush()
    return meter


def meter_by_code(session: Session, code: str) -> Meter:
    """A meter by its code."""
    meter = session.scalar(select(Meter).where(Meter.code == str(code).strip()))
    if meter is None:
        raise DomainError("not_found", f"表号 {code}")
    return meter


def last_reading(session: Session, meter: Meter) -> MeterReading | None:
    """The meter's latest month."""
    return session.scalar(select(MeterReading).where(MeterReading.meter_id == meter.id)
                          .order_by(MeterReading.month.desc()).limit(1))


def record_reading(session: Session, *, meter: Meter, month: date, reading_c: int, old_final_c: int | None = None,
                   new_start_c: int | None = None, recorded_by: str | None = None) -> MeterReading:
    """A month's closing reading. Below the last reading it is refused, unless a swap (换表) is recorded:
    the old meter's final reading and the new meter's start, so the month's use is both meters' parts."""
    session.scalar(select(Meter.id).where(Meter.id == meter.id).with_for_update())
    month = month_start(month)
    quantity(reading_c, "读数")
    previous = last_reading(session, meter)
    if previous is not None and previous.month >= month:
        raise DomainError("reading_out_of_order", f"{meter.code} {previous.month:%Y-%m}")
    last = previous.reading_c if previous else meter.opening_c
    swapped = old_final_c is not None or new_start_c is not None
    if swapped:
        quantity(old_final_c, "旧表止码")
        quantity(new_start_c, "新表起码")
        if old_final_c < last:
            raise DomainError("meter_reading_lower", f"旧表止码 {old_final_c} 低于上次 {last}")
        if reading_c < new_start_c:
            raise DomainError("meter_reading_lower", f"读数低于新表起码 {new_start_c}")
        consumption = (old_final_c - last) + (reading_c - new_start_c)
    else:
        if reading_c < last:
            raise DomainError("meter_reading_lower", f"{meter.code}：{reading_c} 低于上次 {last}")
        consumption = reading_c - last
    row = MeterReading(meter_id=meter.id, month=month, reading_c=reading_c, consumption_c=consumption,
                       swapped=swapped, old_final_c=old_final_c, new_start_c=new_start_c,
                       recorded_by=text(recorded_by, "抄表人", limit=50, required=False))
    session.add(row)
    session.flush()
    return row


def set_basis(session: Session, *, year: int, headcount: int, floor_area_dm2: int) -> EnergyBasis:
    """A year's people and floor area, the denominators of the per-person and per-m² figures."""
    quantity(headcount, "用能人数", positive=True)
    quantity(floor_area_dm2, "建筑面积", positive=True)
    row = session.scalar(select(EnergyBasis).where(EnergyBasis.year == year)) or EnergyBasis(year=year)
    row.headcount, row.floor_area_dm2 = headcount, floor_area_dm2
    session.add(row)
    session.flush()
    return row


def set_target(session: Session, *, year: int, per_m2_gce: int, per_person_gce: int,
               water_per_person_l: int) -> EnergyTarget:
    """A year's targets (grams of standard coal per m² and per person, litres of water per person)."""
    for value, label in ((per_m2_gce, "单位面积能耗目标"), (per_person_gce, "人均能耗目标"),
                         (water_per_person_l, "人均水耗目标")):
        quantity(value, label, positive=True)
    row = session.scalar(select(EnergyTarget).where(EnergyTarget.year == year)) or EnergyTarget(year=year)
    row.per_m2_gce, row.per_person_gce, row.water_per_person_l = per_m2_gce, per_person_gce, water_per_person_l
    session.add(row)
    session.flush()
    return row
