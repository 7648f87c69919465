"""Vehicle reports: the ledger with quotas, per-vehicle monthly accounting and its public notice, the year."""
import io
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.common import ZONE
from canteen.compound.settings import get_int
from canteen.compound.sheets import Field, Sheet
from canteen.compound.vehicles.fuel import card_spend
from canteen.compound.vehicles.models import (
    COST_ITEMS,
    ENERGY,
    STATES,
    TYPES,
    ChargingPile,
    DispatchSlip,
    Vehicle,
    VehicleCost,
    VehicleQuota,
)
from canteen.compound.vehicles.services import register_vehicle
from canteen.models.base import fen_sum
from canteen.reports.base import Column, Report

#: The accounting's cost columns: the recorded costs and what each vehicle's fuel card paid.
ITEMS = COST_ITEMS | {"fuel_card": "加油卡消费"}


def vehicle_ledger(session: Session, on: date) -> Report:
    """The ledger (台账) with each type's quota and whether a vehicle is due for renewal."""
    years, km = get_int(session, "vehicle.renewal_years"), get_int(session, "vehicle.renewal_km")
    quotas = dict(session.execute(select(VehicleQuota.type, VehicleQuota.quota)).all())
    rows = []
    for v in session.scalars(select(Vehicle).order_by(Vehicle.type, Vehicle.plate)):
        age = on.year - v.purchase_date.year - ((on.month, on.day) < (v.purchase_date.month, v.purchase_date.day))
        rows.append({"plate": v.plate, "type": TYPES[v.type], "energy": ENERGY[v.energy], "seats": v.seats,
                     "purchase_date": v.purchase_date, "mileage_km": v.mileage_km, "state": STATES[v.state],
                     "renewal": "是" if v.state != "disposed" and (age >= years or v.mileage_km >= km) else "否"})
    in_use = {t: sum(1 for r in rows if r["type"] == name and r["state"] != "已处置") for t, name in TYPES.items()}
    notes = [f"{name}：编制 {quotas.get(t, '未设')} 辆，在编 {in_use[t]} 辆" for t, name in TYPES.items()]
    notes.append(f"更新条件：使用满 {years} 年或里程达 {km} 公里（可在设置中调整）。")
    return Report(key="vehicle_ledger", title="公务用车台账", columns=[
        Column("plate", "车牌号"), Column("type", "车辆类型"), Column("energy", "能源类型"),
        Column("seats", "座位数", "int"), Column("purchase_date", "购置日期", "date"),
        Column("mileage_km", "里程（公里）", "int"), Column("state", "状态"), Column("renewal", "可更新")],
        rows=rows, totals={"vehicles": len(rows), "in_use": sum(in_use.values())}, notes=notes)


def vehicle_accounting(session: Session, start: date, end: date) -> Report:
    """单车核算: each vehicle's costs by item for the months from `start` to `end`, with totals."""
    start, end = start.replace(day=1), end.replace(day=1)
    sums = session.execute(select(VehicleCost.vehicle_id, VehicleCost.item, fen_sum(VehicleCost.amount_fen))
                           .where(VehicleCost.month >= start, VehicleCost.month <= end)
                           .group_by(VehicleCost.vehicle_id, VehicleCost.item)).all()
    by_vehicle: dict[int, dict[str, int]] = {}
    for vehicle_id, item, amount in sums:
        by_vehicle.setdefault(vehicle_id, {})[item] = int(amount)
    distance = dict(session.execute(
        select(DispatchSlip.vehicle_id, func.coalesce(func.sum(DispatchSlip.distance_km), 0))
        .where(DispatchSlip.state == "returned", DispatchSlip.planned_out_dt >= _utc(start),
               DispatchSlip.planned_out_dt < _utc(_next_month(end))).group_by(DispatchSlip.vehicle_id)).all())
    for vehicle_id, fen in card_spend(session, start, _next_month(end) - timedelta(days=1)).items():
        by_vehicle.setdefault(vehicle_id, {})["fuel_card"] = fen
    rows, totals = [], {item: 0 for item in ITEMS} | {"total": 0, "distance_km": 0}
    for v in session.scalars(select(Vehicle).order_by(Vehicle.plate)):
        costs = by_vehicle.get(v.id, {})
        if not costs and v.state == "disposed":
            continue
        row = {"plate": v.plate, "type": TYPES[v.type], **{item: costs.get(item, 0) for item in ITEMS},
               "total": sum(costs.values()), "distance_km": int(distance.get(v.id, 0))}
        rows.append(row)
        for key in totals:
            totals[key] += row[key]
    return Report(key="vehicle_accounting", title=f"公务用车单车核算（{start:%Y年%m月}至{end:%Y年%m月}）",
                  columns=[Column("plate", "车牌号"), Column("type", "车辆类型"),
                           *[Column(item, label, "fen") for item, label in ITEMS.items()],
                           Column("total", "合计", "fen"), Column("distance_km", "行驶里程（公里）", "int")],
                  rows=rows, totals=totals,
                  notes=["加油卡消费取自各车加油卡账户在定点加油站的消费记录（一车一卡、一车一账）。"])


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _utc(day: date) -> datetime:
    """Local midnight of a date (the compound's time zone), as an aware instant."""
    return datetime(day.year, day.month, day.day, tzinfo=ZONE)


def notice_workbook(report: Report, unit: str) -> bytes:
    """The accounting as a notice for publication (单车核算公示), money in yuan."""
    book = Workbook()
    page = book.active
    page.title = "单车核算公示"
    page.cell(row=1, column=1, value=f"{unit}{report.title}公示").font = Font(bold=True, size=14)
    for col, column in enumerate(report.columns, 1):
        page.cell(row=2, column=col, value=column.label).font = Font(bold=True)
    money = lambda v: f"{v // 100}.{v % 100:02d}"  # noqa: E731
    for number, row in enumerate(report.rows + [{"plate": "合计", "type": "", **report.totals}], 3):
        for col, column in enumerate(report.columns, 1):
            value = row.get(column.key)
            cell = page.cell(row=number, column=col, value=money(value) if column.kind == "fen" else value)
            if isinstance(cell.value, str):
                cell.data_type = "s"
    page.cell(row=len(report.rows) + 4, column=1, value="公示期间如有异议，请向机关事务服务中心反映。")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def vehicle_summary(session: Session, year: int) -> dict:
    """The vehicle paragraph's figures: fleet, disposals, new-energy cars, charging piles, trips."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    vehicles = list(session.scalars(select(Vehicle)))
    fleet = [v for v in vehicles if v.purchase_date <= last and (v.disposed_on is None or v.disposed_on > last)]
    quotas = session.scalar(select(func.coalesce(func.sum(VehicleQuota.quota), 0)))
    piles = session.scalar(select(func.count()).select_from(ChargingPile).where(
        ChargingPile.built_on >= first, ChargingPile.built_on <= last))
    trips = session.execute(select(func.count(), func.coalesce(func.sum(DispatchSlip.distance_km), 0)).where(
        DispatchSlip.state == "returned", DispatchSlip.planned_out_dt >= _utc(first),
        DispatchSlip.planned_out_dt < _utc(date(year + 1, 1, 1)))).one()
    return {"fleet": len(fleet), "quota": int(quotas), "short": max(0, int(quotas) - len(fleet)),
            "disposed": sum(1 for v in vehicles if v.disposed_on and first <= v.disposed_on <= last),
            "new_energy": sum(1 for v in fleet if v.energy == "electric"), "piles_built": int(piles),
            "trips": int(trips[0]), "distance_km": int(trips[1])}


def _rows(session: Session) -> list[dict]:
    return [{"plate": v.plate, "type": TYPES[v.type], "energy": ENERGY[v.energy], "model": v.model,
             "seats": v.seats, "displacement_ml": v.displacement_ml, "price": v.price_fen,
             "purchase_date": v.purchase_date, "mileage_km": v.mileage_km}
            for v in session.scalars(select(Vehicle).where(Vehicle.state != "disposed").order_by(Vehicle.plate))]


def _add(session: Session, row: dict) -> None:
    register_vehicle(session, plate=row["plate"], vehicle_type=row["type"], energy=row["energy"],
                     model=row["model"], seats=row["seats"], displacement_ml=row["displacement_ml"],
                     price_fen=row["price"] or 0, purchase_date=row["purchase_date"], mileage_km=row["mileage_km"])


VEHICLE_SHEET = Sheet("vehicles", "公务用车台账", [
    Field("plate", "车牌号"), Field("type", "车辆类型"), Field("energy", "能源类型"),
    Field("model", "品牌型号", required=False), Field("seats", "座位数", "int"),
    Field("displacement_ml", "排量（毫升）", "int", required=False),
    Field("price", "购置价格（元）", "fen", required=False),
    Field("purchase_date", "购置日期", "date"), Field("mileage_km", "里程（公里）", "int"),
], _rows, _add)
