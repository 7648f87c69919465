"""Vehicle services: the ledger, dispatching (no overlapping trips), costs, approvals, charging piles."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from canteen.compound.common import choice, month_start, quantity, text
from canteen.compound.settings import get_int
from canteen.compound.vehicles.models import (
    COST_ITEMS,
    DISPOSAL_METHODS,
    ENERGY,
    TYPES,
    ChargingPile,
    DispatchSlip,
    Vehicle,
    VehicleApproval,
    VehicleCost,
    VehicleQuota,
)
from canteen.errors import DomainError


def set_quota(session: Session, vehicle_type: str, quota: int) -> VehicleQuota:
    """The establishment's quota (编制) for a vehicle type."""
    vehicle_type = choice(vehicle_type, TYPES, "车辆类型")
    quantity(quota, "编制数")
    row = session.scalar(select(VehicleQuota).where(VehicleQuota.type == vehicle_type))
    if row is None:
        row = VehicleQuota(type=vehicle_type, quota=quota)
        session.add(row)
    row.quota = quota
    session.flush()
    return row


def register_vehicle(session: Session, *, plate: str, vehicle_type: str, energy: str, seats: int,
                     purchase_date: date, mileage_km: int = 0, price_fen: int = 0,
                     displacement_ml: int | None = None, model: str | None = None) -> Vehicle:
    """Enter a vehicle in the ledger (台账); plates are unique."""
    plate = text(plate, "车牌号", limit=16).upper()
    quantity(seats, "座位数", positive=True)
    quantity(mileage_km, "里程")
    quantity(price_fen, "购置价格")
    if displacement_ml is not None:
        quantity(displacement_ml, "排量")
    if session.scalar(select(Vehicle.id).where(Vehicle.plate == plate)):
        raise DomainError("conflict", f"车牌 {plate} 已登记")
    vehicle = Vehicle(plate=plate, type=choice(vehicle_type, TYPES, "车辆类型"),
                      energy=choice(energy, ENERGY, "能源类型"), seats=seats, purchase_date=purchase_date,
                      mileage_km=mileage_km, price_fen=price_fen, displacement_ml=displacement_ml,
                      model=text(model, "品牌型号", required=False))
    session.add(vehicle)
    session.flush()
    return vehicle


def _lock(session: Session, vehicle: Vehicle) -> Vehicle:
    """Lock the vehicle row, so trips and disposal of one vehicle are decided one at a time."""
    return session.scalars(select(Vehicle).where(Vehicle.id == vehicle.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def dispatch(session: Session, *, vehicle: Vehicle, requester: str, department: str, purpose: str,
             destination: str, planned_out_dt: datetime, planned_back_dt: datetime, approved_by: str,
             driver: str) -> DispatchSlip:
    """Issue a dispatch slip (派车单): refused for a disposed vehicle or a time the vehicle is already out."""
    vehicle = _lock(session, vehicle)
    if planned_back_dt <= planned_out_dt:
        raise DomainError("invalid_date", "返回时间须晚于出车时间")
    if vehicle.state == "disposed":
        raise DomainError("vehicle_disposed", vehicle.plate)
    if vehicle.state == "repair":
        raise DomainError("invalid_transition", f"{vehicle.plate} 维修中")
    clash = session.scalar(select(DispatchSlip.id).where(
        DispatchSlip.vehicle_id == vehicle.id, DispatchSlip.state != "cancelled",
        DispatchSlip.planned_out_dt < planned_back_dt, DispatchSlip.planned_back_dt > planned_out_dt))
    if clash:
        raise DomainError("vehicle_busy", f"{vehicle.plate}（派车单 {clash}）")
    slip = DispatchSlip(vehicle_id=vehicle.id, requester=text(requester, "用车人", limit=50),
                        department=text(department, "用车部门"), purpose=text(purpose, "事由", limit=200),
                        destination=text(destination, "目的地", limit=200), planned_out_dt=planned_out_dt,
                        planned_back_dt=planned_back_dt, approved_by=text(approved_by, "审批人", limit=50),
                        driver=text(driver, "驾驶员", limit=50))
    session.add(slip)
    session.flush()
    return slip


def set_in_repair(session: Session, vehicle: Vehicle, in_repair: bool) -> Vehicle:
    """Send a vehicle to the garage (no trips meanwhile) or back into service; disposal goes by approval."""
    vehicle = _lock(session, vehicle)
    if vehicle.state == "disposed":
        raise DomainError("vehicle_disposed", vehicle.plate)
    vehicle.state = "repair" if in_repair else "in_service"
    session.flush()
    return vehicle


def record_return(session: Session, slip: DispatchSlip, *, actual_out_dt: datetime, actual_back_dt: datetime,
                  distance_km: int) -> DispatchSlip:
    """Close a slip with the actual times and distance; the vehicle's mileage grows by it."""
    if slip.state != "approved":
        raise DomainError("invalid_transition", "派车单已结束")
    quantity(distance_km, "行驶里程")
    if actual_back_dt < actual_out_dt:
        raise DomainError("invalid_date", "返回时间早于出车时间")
    vehicle = _lock(session, slip.vehicle)
    slip.actual_out_dt, slip.actual_back_dt, slip.distance_km = actual_out_dt, actual_back_dt, distance_km
    slip.state = "returned"
    vehicle.mileage_km += distance_km
    session.flush()
    return slip


def cancel_slip(session: Session, slip: DispatchSlip) -> None:
    """Cancel a slip not yet returned."""
    if slip.state != "approved":
        raise DomainError("invalid_transition", "派车单已结束")
    slip.state = "cancelled"
    session.flush()


def add_cost(session: Session, *, vehicle: Vehicle, month: date, item: str, amount_fen: int,
             vendor: str | None = None, note: str | None = None) -> VehicleCost:
    """One cost of a vehicle in a month (单车核算)."""
    quantity(amount_fen, "金额", positive=True)
    cost = VehicleCost(vehicle_id=vehicle.id, month=month_start(month), item=choice(item, COST_ITEMS, "费用项目"),
                       amount_fen=amount_fen, vendor=text(vendor, "定点单位", required=False),
                       note=text(note, "备注", limit=200, required=False))
    session.add(cost)
    session.flush()
    return cost


def request_purchase(session: Session, *, vehicle_type: str, energy: str, price_fen: int,
                     displacement_ml: int | None, reason: str, on: date,
                     special_need: str | None = None) -> VehicleApproval:
    """A purchase request, refused above the cap for its type (price, displacement; new-energy sedans).

    A 执法执勤 car above 120,000 yuan or 1.6 L (up to 180,000 / 1.8 L) needs the special need written down
    (`special_need`), kept with the reason.
    """
    vehicle_type, energy = choice(vehicle_type, TYPES, "车辆类型"), choice(energy, ENERGY, "能源类型")
    quantity(price_fen, "购置价格", positive=True)
    cap = get_int(session, f"vehicle.cap.{vehicle_type}")
    if energy == "electric":
        cap = min(cap, get_int(session, "vehicle.cap.new_energy_sedan")) if vehicle_type != "special" else cap
    if price_fen > cap:
        raise DomainError("over_purchase_cap", f"价格 {price_fen // 100} 元，上限 {cap // 100} 元")
    if displacement_ml is not None:
        quantity(displacement_ml, "排量")
        if displacement_ml > get_int(session, f"vehicle.displacement.{vehicle_type}"):
            raise DomainError("over_purchase_cap", f"排量 {displacement_ml} 毫升")
    reason = text(reason, "理由", limit=1000)
    special_need = text(special_need, "特殊需要的说明", limit=900, required=False)
    if vehicle_type == "law_enforcement" and (
            price_fen > get_int(session, "vehicle.cap.law_enforcement_base")
            or (displacement_ml or 0) > get_int(session, "vehicle.displacement.law_enforcement_base")):
        if not special_need:
            raise DomainError("over_purchase_cap", "执法执勤用车超过12万元或1.6升，须说明特殊需要")
        reason = f"{reason}；特殊需要：{special_need}"
    row = VehicleApproval(kind="purchase", type=vehicle_type, energy=energy, price_fen=price_fen,
                          displacement_ml=displacement_ml, reason=reason, requested_on=on)
    session.add(row)
    session.flush()
    return row


def request_disposal(session: Session, *, vehicle: Vehicle, method: str, reason: str, on: date) -> VehicleApproval:
    """A disposal request (拍卖、回收、报废) for a vehicle still in the ledger."""
    if vehicle.state == "disposed":
        raise DomainError("vehicle_disposed", vehicle.plate)
    row = VehicleApproval(kind="disposal", vehicle_id=vehicle.id, disposal_method=choice(
        method, DISPOSAL_METHODS, "处置方式"), reason=text(reason, "理由", limit=2000), requested_on=on)
    session.add(row)
    session.flush()
    return row


def decide(session: Session, approval: VehicleApproval, *, approve: bool, by: str, on: date) -> VehicleApproval:
    """Approve or reject; an approved disposal takes the vehicle out of service, unless it has a trip open."""
    if approval.state != "pending":
        raise DomainError("request_decided")
    if approve and approval.kind == "disposal":
        vehicle = _lock(session, session.get(Vehicle, approval.vehicle_id))
        if vehicle.state == "disposed":
            raise DomainError("vehicle_disposed", vehicle.plate)
        if session.scalar(select(DispatchSlip.id).where(DispatchSlip.vehicle_id == vehicle.id,
                                                        DispatchSlip.state == "approved")):
            raise DomainError("vehicle_on_trip", vehicle.plate)
        vehicle.state, vehicle.disposed_on, vehicle.disposal_method = "disposed", on, approval.disposal_method
    approval.state = "approved" if approve else "rejected"
    approval.decided_by, approval.decided_on = text(by, "审批人", limit=50), on
    session.flush()
    return approval


def add_charging_pile(session: Session, *, code: str, location: str, power_kw: int, built_on: date) -> ChargingPile:
    """A new charging pile (codes are unique)."""
    code = text(code, "编号", limit=32)
    quantity(power_kw, "功率", positive=True)
    if session.scalar(select(ChargingPile.id).where(ChargingPile.code == code)):
        raise DomainError("conflict", f"充电桩 {code} 已登记")
    pile = ChargingPile(code=code, location=text(location, "位置", limit=200), power_kw=power_kw, built_on=built_on)
    session.add(pile)
    session.flush()
    return pile


def edit_vehicle(session: Session, vehicle: Vehicle, *, model: str | None, seats: int) -> Vehicle:
    """Correct a vehicle's model or seats (mileage grows only by trips, state only by its procedures)."""
    quantity(seats, "座位数", positive=True)
    vehicle.model, vehicle.seats = text(model, "品牌型号", required=False), seats
    session.flush()
    return vehicle
