"""Energy reports: a year's use by kind, standard coal, per m² and per person, year on year, targets met.

Standard coal is summed exactly: hundredths of a unit times a factor in 0.0001 kgce per unit gives
milligrams (mgce); ratios stay exact fractions until they are printed.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.common import area, fixed, percent, ratio
from canteen.compound.energy.models import KINDS, UNITS, EnergyBasis, EnergyTarget, Meter, MeterReading
from canteen.compound.energy.services import add_meter, meter_by_code, record_reading
from canteen.compound.offices.services import building_named
from canteen.compound.settings import get_int
from canteen.compound.sheets import Field, Sheet
from canteen.compound.vehicles.fuel import fuel_volumes
from canteen.errors import DomainError
from canteen.reports.base import Column, Report


#: Vehicle fuels bought with fuel cards: their names, counted in 综合能耗 (litres x density x factor).
FUELS = {"petrol": "汽油", "diesel": "柴油"}


@dataclass
class EnergyYear:
    """One year's totals and indicators (exact), over its first `months` months."""

    year: int
    use_c: dict[str, int]
    coal_mg: int
    headcount: int | None
    floor_area_dm2: int | None
    months: int = 12
    #: Millilitres of petrol and diesel bought with fuel cards.
    fuel_ml: dict | None = None

    @property
    def coal_kg(self) -> Fraction:
        return Fraction(self.coal_mg, 10**6)

    @property
    def per_m2(self) -> Fraction | None:
        """kgce per m² of floor area."""
        return ratio(self.coal_mg, self.floor_area_dm2 * 10**4) if self.floor_area_dm2 else None

    @property
    def per_person(self) -> Fraction | None:
        """kgce per person."""
        return ratio(self.coal_mg, self.headcount * 10**6) if self.headcount else None

    @property
    def water_per_person(self) -> Fraction | None:
        """m³ of water per person."""
        return ratio(self.use_c["water"], self.headcount * 100) if self.headcount else None


def months_read(session: Session, year: int) -> int:
    """How many months of `year` have readings (up to the last month read; 0 when none)."""
    last = session.scalar(select(func.max(MeterReading.month)).where(
        MeterReading.month >= date(year, 1, 1), MeterReading.month <= date(year, 12, 1)))
    if last is None:
        return 0
    return (last if isinstance(last, date) else date.fromisoformat(str(last))).month


def fuel_coal_mg(session: Session, fuel_ml: dict[str, int]) -> int:
    """Milligrams of standard coal of the fuel bought: ml x density (0.0001 kg/L) x factor (0.0001 kgce/kg)."""
    total = sum(Fraction(ml * get_int(session, f"energy.density.{fuel}") * get_int(session, f"energy.factor.{fuel}"),
                         10**5) for fuel, ml in fuel_ml.items())
    return int(total + Fraction(1, 2))


def energy_year(session: Session, year: int, months: int = 12) -> EnergyYear:
    """Use by kind over the year's first `months` months, converted with the factors set now; 综合能耗
    includes the petrol and diesel bought with fuel cards in those months."""
    last_month = date(year, max(1, months), 1)
    sums = dict(session.execute(
        select(Meter.kind, func.coalesce(func.sum(MeterReading.consumption_c), 0))
        .join(Meter, Meter.id == MeterReading.meter_id)
        .where(MeterReading.month >= date(year, 1, 1), MeterReading.month <= last_month)
        .group_by(Meter.kind)).all()) if months else {}
    use = {kind: int(sums.get(kind, 0)) for kind in KINDS}
    end = date(year + 1, 1, 1) - timedelta(days=1) if months >= 12 else date(year, months + 1, 1) - timedelta(days=1)
    fuel_ml = fuel_volumes(session, date(year, 1, 1), end) if months else {"petrol": 0, "diesel": 0}
    coal = sum(use[kind] * get_int(session, f"energy.factor.{kind}") for kind in KINDS) \
        + fuel_coal_mg(session, fuel_ml)
    basis = session.scalar(select(EnergyBasis).where(EnergyBasis.year == year))
    return EnergyYear(year, use, coal, basis.headcount if basis else None, basis.floor_area_dm2 if basis else None,
                      months, fuel_ml)


def like_for_like(session: Session, year: int) -> tuple[EnergyYear, EnergyYear]:
    """(the year, the year before) over the same months: the months of `year` read so far (同比, like for like)."""
    months = months_read(session, year) or 12
    return energy_year(session, year, months), energy_year(session, year - 1, months)


def change(now: Fraction | None, before: Fraction | None) -> Fraction | None:
    """Year-on-year change as a ratio (−0.05 is 5% less); None when last year is unknown or zero."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def energy_report(session: Session, year: int) -> Report:
    """The year against the year before and against the targets."""
    this, last = like_for_like(session, year)
    target = session.scalar(select(EnergyTarget).where(EnergyTarget.year == year))
    goals = {"per_m2": Fraction(target.per_m2_gce, 1000), "per_person": Fraction(target.per_person_gce, 1000),
             "water_per_person": Fraction(target.water_per_person_l, 1000)} if target else {}
    rows = []
    for kind, name in KINDS.items():
        now, before = Fraction(this.use_c[kind], 100), Fraction(last.use_c[kind], 100)
        rows.append({"item": f"{name}（{UNITS[kind]}）", "this": fixed(now), "last": fixed(before),
                     "change": percent(change(now, before if last.use_c[kind] else None)), "target": "", "met": ""})
    for fuel, name in FUELS.items():
        now, before = Fraction(this.fuel_ml[fuel], 1000), Fraction(last.fuel_ml[fuel], 1000)
        rows.append({"item": f"车辆{name}（L）", "this": fixed(now), "last": fixed(before),
                     "change": percent(change(now, before if last.fuel_ml[fuel] else None)), "target": "", "met": ""})
    rows.append({"item": "综合能耗（kgce）", "this": fixed(this.coal_kg), "last": fixed(last.coal_kg),
                 "change": percent(change(this.coal_kg, last.coal_kg or None)), "target": "", "met": ""})
    for key, label in (("per_m2", "单位建筑面积能耗（kgce/m²）"), ("per_person", "人均综合能耗（kgce/人）"),
                       ("water_per_person", "人均用水量（m³/人）")):
        now, before = getattr(this, key), getattr(last, key)
        goal = goals.get(key)
        rows.append({"item": label, "this": fixed(now), "last": fixed(before), "change": percent(change(now, before)),
                     "target": fixed(goal) if goal is not None else "",
                     "met": "" if goal is None or now is None else ("达标" if now <= goal else "未达标")})
    factors = "，".join(f"{name} {fixed(Fraction(get_int(session, f'energy.factor.{k}'), 10**4), 4)}"
                       for k, name in (("electricity", "电"), ("gas", "天然气"), ("heat", "热力"), ("petrol", "汽油"),
                                       ("diesel", "柴油")))
    span = "全年" if this.months >= 12 else f"1—{this.months}月（同比按上年同期，同口径）"
    return Report(key="energy_year", title=f"{year}年能源资源消耗", columns=[
        Column("item", "指标"), Column("this", f"{year}年"), Column("last", f"{year - 1}年"),
        Column("change", "同比"), Column("target", "目标"), Column("met", "完成情况")], rows=rows,
        totals={"coal_mg": this.coal_mg},
        notes=[f"统计期间：{span}。用能人数 {this.headcount or '未填'} 人，建筑面积 {area(this.floor_area_dm2) or '未填'} m²；"
               f"折标系数（kgce/单位，汽油柴油为 kgce/kg，按密度由升折算）：{factors}。"
               "综合能耗含公务用车加油卡所购汽油、柴油。"])


def _rows(session: Session) -> list[dict]:
    rows = session.execute(select(MeterReading, Meter).join(Meter, Meter.id == MeterReading.meter_id)
                           .order_by(Meter.code, MeterReading.month)).all()
    return [{"meter": m.code, "building": m.building.name, "kind": KINDS[m.kind], "opening": m.opening_c,
             "month": r.month, "reading": r.reading_c, "old_final": r.old_final_c, "new_start": r.new_start_c}
            for r, m in rows]


def _add(session: Session, row: dict) -> None:
    try:
        meter = meter_by_code(session, row["meter"])
    except DomainError as exc:
        if exc.code != "not_found":
            raise
        meter = add_meter(session, code=row["meter"], building=building_named(session, row["building"], create=True),
                          kind=row["kind"], opening_c=row["opening"] or 0)
    record_reading(session, meter=meter, month=row["month"], reading_c=row["reading"],
                   old_final_c=row["old_final"], new_start_c=row["new_start"])


READING_SHEET = Sheet("energy_readings", "能耗抄表", [
    Field("meter", "表号"), Field("building", "楼宇"), Field("kind", "表计类型"),
    Field("opening", "初始读数", "centi", required=False), Field("month", "月份", "date"),
    Field("reading", "月末读数", "centi"), Field("old_final", "旧表止码（换表）", "centi", required=False),
    Field("new_start", "新表起码（换表）", "centi", required=False),
], _rows, _add)


def building_report(session: Session, year: int) -> Report:
    """Each building's use by kind over the year, its standard coal, and per m² of its floor area."""
    from canteen.compound.offices.models import OfficeBuilding

    sums: dict[int, dict[str, int]] = {}
    for building_id, kind, used in session.execute(
            select(Meter.building_id, Meter.kind, func.coalesce(func.sum(MeterReading.consumption_c), 0))
            .join(Meter, Meter.id == MeterReading.meter_id)
            .where(MeterReading.month >= date(year, 1, 1), MeterReading.month <= date(year, 12, 1))
            .group_by(Meter.building_id, Meter.kind)).all():
        sums.setdefault(building_id, {})[kind] = int(used)
    factors = {kind: get_int(session, f"energy.factor.{kind}") for kind in KINDS}
    rows = []
    for building in session.scalars(select(OfficeBuilding).order_by(OfficeBuilding.name)):
        use = sums.get(building.id, {})
        coal_mg = sum(use.get(kind, 0) * factors[kind] for kind in KINDS)
        per_m2 = ratio(coal_mg, building.floor_area_dm2 * 10**4) if building.floor_area_dm2 else None
        rows.append({"building": building.name, **{kind: fixed(Fraction(use.get(kind, 0), 100)) for kind in KINDS},
                     "coal": fixed(Fraction(coal_mg, 10**6)), "area": area(building.floor_area_dm2),
                     "per_m2": fixed(per_m2), "coal_mg": coal_mg})
    return Report(key="energy_buildings", title=f"{year}年分楼宇能耗", columns=[
        Column("building", "楼宇"), *[Column(kind, f"{name}（{UNITS[kind]}）") for kind, name in KINDS.items()],
        Column("coal", "综合能耗（kgce）"), Column("area", "建筑面积（m²）"), Column("per_m2", "单位面积能耗（kgce/m²）")],
        rows=rows, totals={"coal_mg": sum(r["coal_mg"] for r in rows)})
