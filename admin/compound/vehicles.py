"""Official vehicles (公务用车) in the back office: the ledger, dispatch slips and their approval, costs,
purchase and disposal approvals, charging piles, quotas, fuel cards (一车一卡) and designated stations;
the per-vehicle accounting with its notice for publication."""
from flask_login import current_user

from admin.compound.spec import Action, Input, Module, ReportSpec, Resource, by_key
from admin.compound.summary import figures_report
from canteen.compound.common import ZONE, local_today
from canteen.compound.vehicles import fuel
from canteen.compound.vehicles import services as svc
from canteen.compound.vehicles.fuel_models import FuelCard, FuelStation
from canteen.compound.vehicles.models import (
    COST_ITEMS,
    DISPOSAL_METHODS,
    ENERGY,
    STATES,
    TYPES,
    ChargingPile,
    DispatchSlip,
    Vehicle,
    VehicleApproval,
    VehicleCost,
    VehicleQuota,
)
from canteen.compound.vehicles.reports import (
    VEHICLE_SHEET,
    notice_workbook,
    vehicle_accounting,
    vehicle_ledger,
    vehicle_summary,
)
from canteen.reports.base import Column, Report


def _yuan(fen):
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


def _when(dt):
    return "" if dt is None else dt.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _me() -> str:
    return current_user.operator.name


IN_SERVICE = Input("vehicle", "车辆", "ref", model=Vehicle, show=lambda v: f"{v.plate}（{STATES[v.state]}）",
                   where=lambda: Vehicle.state != "disposed")
APPROVAL_STATES = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}
SLIP_STATES = {"approved": "已批准", "returned": "已回车", "cancelled": "已取消"}


def _plate(vehicle_id):
    from canteen.extensions import db

    vehicle = db.session.get(Vehicle, vehicle_id) if vehicle_id else None
    return vehicle.plate if vehicle else ""


def _dispatch(s, v):
    return svc.dispatch(s, vehicle=v["vehicle"], requester=v["requester"], department=v["department"],
                        purpose=v["purpose"], destination=v["destination"], planned_out_dt=v["out"],
                        planned_back_dt=v["back"], approved_by=_me(), driver=v["driver"])


def _statement(session, v) -> Report:
    card = v["card"]
    rows = [dict(r, kind="充值" if r["kind"] == "fuel_top_up" else "加油") for r in fuel.card_statement(session, card)]
    return Report(key="fuel_statement", title=f"加油卡账户明细：{card.vehicle.plate}（{card.card_no}）", columns=[
        Column("entry_id", "凭证号", "int"), Column("date", "日期", "date"), Column("kind", "类型"),
        Column("amount", "金额", "fen"), Column("balance", "余额", "fen"), Column("memo", "摘要")], rows=rows,
        totals={"balance": fuel.card_balance(session, card)})


RESOURCES = by_key(
    Resource("vehicles", "车辆台账", Vehicle, [
        ("车牌号", lambda v: v.plate), ("类型", lambda v: TYPES[v.type]), ("能源", lambda v: ENERGY[v.energy]),
        ("座位", lambda v: v.seats), ("购置日期", lambda v: v.purchase_date), ("里程（公里）", lambda v: v.mileage_km),
        ("状态", lambda v: STATES[v.state])],
        inputs=[Input("plate", "车牌号"), Input("type", "车辆类型", "choice", choices=TYPES),
                Input("energy", "能源类型", "choice", choices=ENERGY), Input("model", "品牌型号", required=False),
                Input("seats", "座位数", "int"), Input("displacement", "排量（毫升）", "int", False),
                Input("price", "购置价格（元）", "yuan", False), Input("purchase_date", "购置日期", "date"),
                Input("mileage", "里程（公里）", "int")],
        create=lambda s, v: svc.register_vehicle(
            s, plate=v["plate"], vehicle_type=v["type"], energy=v["energy"], model=v["model"], seats=v["seats"],
            displacement_ml=v["displacement"], price_fen=v["price"] or 0, purchase_date=v["purchase_date"],
            mileage_km=v["mileage"]),
        edit_inputs=[Input("model", "品牌型号", required=False), Input("seats", "座位数", "int")],
        edit=lambda s, veh, v: svc.edit_vehicle(s, veh, model=v["model"], seats=v["seats"]),
        current=lambda v: {"model": v.model, "seats": v.seats},
        actions=[Action("repair", "送修", [], lambda s, veh, v: svc.set_in_repair(s, veh, True),
                        when=lambda veh: veh.state == "in_service"),
                 Action("back", "修毕", [], lambda s, veh, v: svc.set_in_repair(s, veh, False),
                        when=lambda veh: veh.state == "repair"),
                 Action("dispose", "申请处置", [Input("method", "处置方式", "choice", choices=DISPOSAL_METHODS),
                                            Input("reason", "理由", "textarea")],
                        lambda s, veh, v: svc.request_disposal(s, vehicle=veh, method=v["method"],
                                                               reason=v["reason"], on=local_today()),
                        when=lambda veh: veh.state != "disposed")],
        sheet=VEHICLE_SHEET, order=lambda: [Vehicle.plate], create_label="登记车辆"),
    Resource("slips", "派车单", DispatchSlip, [
        ("编号", lambda d: d.id), ("车辆", lambda d: d.vehicle.plate), ("用车人", lambda d: d.requester),
        ("部门", lambda d: d.department), ("事由", lambda d: d.purpose), ("目的地", lambda d: d.destination),
        ("出车", lambda d: _when(d.planned_out_dt)), ("返回", lambda d: _when(d.planned_back_dt)),
        ("审批人", lambda d: d.approved_by), ("驾驶员", lambda d: d.driver), ("里程", lambda d: d.distance_km or ""),
        ("状态", lambda d: SLIP_STATES[d.state])],
        inputs=[IN_SERVICE, Input("requester", "用车人"), Input("department", "用车部门"), Input("purpose", "事由"),
                Input("destination", "目的地"), Input("out", "出车时间", "datetime"),
                Input("back", "预计返回时间", "datetime"), Input("driver", "驾驶员")],
        create=_dispatch, create_label="审批派车",
        actions=[Action("return", "回车登记", [Input("out", "实际出车", "datetime"), Input("back", "实际返回", "datetime"),
                                           Input("distance", "行驶里程（公里）", "int")],
                        lambda s, d, v: svc.record_return(s, d, actual_out_dt=v["out"], actual_back_dt=v["back"],
                                                          distance_km=v["distance"]),
                        when=lambda d: d.state == "approved"),
                 Action("cancel", "取消", [], lambda s, d, v: svc.cancel_slip(s, d),
                        when=lambda d: d.state == "approved")]),
    Resource("costs", "单车费用", VehicleCost, [
        ("车辆", lambda c: _plate(c.vehicle_id)), ("月份", lambda c: c.month.strftime("%Y-%m")),
        ("项目", lambda c: COST_ITEMS[c.item]), ("金额（元）", lambda c: _yuan(c.amount_fen)),
        ("定点单位", lambda c: c.vendor or ""), ("备注", lambda c: c.note or "")],
        inputs=[Input("vehicle", "车辆", "ref", model=Vehicle, show=lambda v: v.plate),
                Input("month", "月份", "month"), Input("item", "费用项目", "choice", choices=COST_ITEMS),
                Input("amount", "金额（元）", "yuan"), Input("vendor", "定点单位", required=False),
                Input("note", "备注", required=False)],
        create=lambda s, v: svc.add_cost(s, vehicle=v["vehicle"], month=v["month"], item=v["item"],
                                         amount_fen=v["amount"], vendor=v["vendor"], note=v["note"])),
    Resource("approvals", "购置与处置审批", VehicleApproval, [
        ("类别", lambda a: "购置" if a.kind == "purchase" else "处置"), ("车辆", lambda a: _plate(a.vehicle_id)),
        ("类型", lambda a: TYPES.get(a.type, "")), ("价格（元）", lambda a: _yuan(a.price_fen)),
        ("处置方式", lambda a: DISPOSAL_METHODS.get(a.disposal_method, "")), ("理由", lambda a: a.reason),
        ("申请日期", lambda a: a.requested_on), ("状态", lambda a: APPROVAL_STATES[a.state]),
        ("审批人", lambda a: a.decided_by or "")],
        inputs=[Input("type", "车辆类型", "choice", choices=TYPES), Input("energy", "能源类型", "choice", choices=ENERGY),
                Input("price", "购置价格（元）", "yuan"), Input("displacement", "排量（毫升）", "int", False),
                Input("reason", "理由", "textarea"),
                Input("special_need", "特殊需要的说明（执法执勤用车超过12万元或1.6升时必填）", "textarea", False)],
        create=lambda s, v: svc.request_purchase(s, vehicle_type=v["type"], energy=v["energy"], price_fen=v["price"],
                                                 displacement_ml=v["displacement"], reason=v["reason"],
                                                 on=local_today(), special_need=v.get("special_need")),
        create_label="申请购置",
        actions=[Action("approve", "批准", [], lambda s, a, v: svc.decide(s, a, approve=True, by=_me(),
                                                                        on=local_today()),
                        when=lambda a: a.state == "pending"),
                 Action("reject", "驳回", [], lambda s, a, v: svc.decide(s, a, approve=False, by=_me(),
                                                                       on=local_today()),
                        when=lambda a: a.state == "pending")]),
    Resource("piles", "充电桩", ChargingPile, [
        ("编号", lambda p: p.code), ("位置", lambda p: p.location), ("功率（kW）", lambda p: p.power_kw),
        ("建成日期", lambda p: p.built_on)],
        inputs=[Input("code", "编号"), Input("location", "位置"), Input("power", "功率（kW）", "int"),
                Input("built_on", "建成日期", "date")],
        create=lambda s, v: svc.add_charging_pile(s, code=v["code"], location=v["location"], power_kw=v["power"],
                                                  built_on=v["built_on"])),
    Resource("quotas", "编制数", VehicleQuota, [("车辆类型", lambda q: TYPES[q.type]), ("编制（辆）", lambda q: q.quota)],
             inputs=[Input("type", "车辆类型", "choice", choices=TYPES), Input("quota", "编制数", "int")],
             create=lambda s, v: svc.set_quota(s, v["type"], v["quota"]), create_label="设置编制"),
    Resource("stations", "定点加油站", FuelStation, [
        ("名称", lambda st: st.name), ("地址", lambda st: st.address or ""), ("定点", lambda st: st.designated)],
        inputs=[Input("name", "名称"), Input("address", "地址", required=False)],
        create=lambda s, v: fuel.add_station(s, name=v["name"], address=v["address"])),
    Resource("fuel_cards", "加油卡（一车一卡）", FuelCard, [
        ("车辆", lambda c: c.vehicle.plate), ("卡号", lambda c: c.card_no), ("开卡日期", lambda c: c.opened_on),
        ("余额（元）", lambda c: _yuan(c.account.balance))],
        inputs=[IN_SERVICE, Input("card_no", "卡号"), Input("opened_on", "开卡日期", "date")],
        create=lambda s, v: fuel.open_card(s, vehicle=v["vehicle"], card_no=v["card_no"], opened_on=v["opened_on"]),
        create_label="开卡",
        actions=[Action("top_up", "充值", [Input("amount", "金额（元）", "yuan"), Input("on", "日期", "date")],
                        lambda s, c, v: fuel.top_up_card(s, card=c, amount_fen=v["amount"], on=v["on"], key=v["key"],
                                                         operator_id=current_user.operator.id), keyed=True),
                 Action("spend", "加油", [Input("station", "定点加油站", "ref", model=FuelStation,
                                               show=lambda st: st.name), Input("amount", "金额（元）", "yuan"),
                                         Input("litres", "加油量（升，燃油车必填）", "hundredths", False),
                                         Input("on", "日期", "date")],
                        lambda s, c, v: fuel.spend_card(s, card=c, station=v["station"], amount_fen=v["amount"],
                                                        on=v["on"], key=v["key"],
                                                        volume_ml=None if v.get("litres") is None else v["litres"] * 10,
                                                        operator_id=current_user.operator.id), keyed=True)]),
)


def _months():
    today = local_today()
    return {"start": f"{today.year}-01", "end": today.strftime("%Y-%m")}


MODULE = Module("vehicles", "公务用车", RESOURCES, by_key(
    ReportSpec("ledger", "公务用车台账", [Input("on", "日期", "date")], lambda s, v: vehicle_ledger(s, v["on"]),
               defaults=lambda: {"on": local_today().isoformat()}),
    ReportSpec("accounting", "单车核算（导出为公示表）", [Input("start", "起始月份", "month"), Input("end", "截止月份", "month")],
               lambda s, v: vehicle_accounting(s, v["start"], v["end"]), defaults=_months,
               export=lambda report: notice_workbook(report, "区机关事务服务中心")),
    ReportSpec("fuel_statement", "加油卡账户明细（一车一账）", [
        Input("card", "加油卡", "ref", model=FuelCard, show=lambda c: f"{c.vehicle.plate} {c.card_no}")],
        _statement),
    ReportSpec("summary", "公务用车年度数据", [Input("year", "年度", "int")], lambda s, v: figures_report(
        f"{v['year']}年公务用车数据", vehicle_summary(s, v["year"]), {
            "fleet": "在编车辆（辆）", "quota": "编制（辆）", "short": "缺编（辆）", "disposed": "处置（辆）",
            "new_energy": "新能源车（辆）", "piles_built": "新建充电桩（个）", "trips": "派车（次）",
            "distance_km": "行驶里程（公里）"}), defaults=lambda: {"year": str(local_today().year)}),
))
