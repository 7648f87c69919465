"""Property and compound (物业) in the back office: repair orders through 报修 → 派工 → 完成, visitor and
vehicle entries, patrols, the shared parking windows and their use; the repair report and year figures."""
from flask_login import current_user

from admin.compound.spec import Action, Input, Module, ReportSpec, Resource, by_key
from admin.compound.summary import figures_report
from canteen.compound.common import ZONE, local_today
from canteen.compound.property import services as svc
from canteen.compound.property.models import (
    ENTRY_KINDS,
    REPAIR_STATES,
    EntryRecord,
    ParkingUse,
    ParkingWindow,
    Patrol,
    RepairOrder,
)
from canteen.compound.property.reports import PARKING_SHEET, property_summary, repair_report
from canteen.models import utcnow


def _when(dt):
    return "" if dt is None else dt.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _yuan(fen):
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


def _this_year():
    today = local_today()
    return {"start": f"{today.year}-01-01", "end": today.isoformat()}


RESOURCES = by_key(
    Resource("repairs", "维修工单", RepairOrder, [
        ("编号", lambda o: o.id), ("报修时间", lambda o: _when(o.reported_dt)), ("报修人", lambda o: o.reporter),
        ("地点", lambda o: o.location), ("故障描述", lambda o: o.description), ("维修人", lambda o: o.assignee or ""),
        ("状态", lambda o: REPAIR_STATES[o.state]), ("费用（元）", lambda o: _yuan(o.cost_fen))],
        inputs=[Input("reporter", "报修人"), Input("location", "地点"), Input("description", "故障描述", "textarea")],
        create=lambda s, v: svc.report_repair(s, reporter=v["reporter"], location=v["location"],
                                              description=v["description"], at=utcnow()),
        create_label="报修",
        actions=[Action("assign", "派工", [Input("assignee", "维修人")],
                        lambda s, o, v: svc.assign_repair(s, o, assignee=v["assignee"], at=utcnow()),
                        when=lambda o: o.state == "reported"),
                 Action("finish", "完工", [Input("cost", "费用（元）", "yuan")],
                        lambda s, o, v: svc.finish_repair(s, o, cost_fen=v["cost"], at=utcnow()),
                        when=lambda o: o.state == "assigned"),
                 Action("cancel", "撤销", [], lambda s, o, v: svc.cancel_repair(s, o),
                        when=lambda o: o.state in ("reported", "assigned"))]),
    Resource("entries", "进出登记", EntryRecord, [
        ("类别", lambda e: ENTRY_KINDS[e.kind]), ("姓名", lambda e: e.name), ("车牌号", lambda e: e.plate or ""),
        ("被访单位", lambda e: e.host), ("事由", lambda e: e.purpose), ("进入", lambda e: _when(e.in_dt)),
        ("离开", lambda e: _when(e.out_dt))],
        inputs=[Input("kind", "类别", "choice", choices=ENTRY_KINDS), Input("name", "姓名"),
                Input("plate", "车牌号", required=False), Input("host", "被访单位"), Input("purpose", "事由"),
                Input("in_dt", "进入时间", "datetime")],
        create=lambda s, v: svc.record_entry(s, kind=v["kind"], name=v["name"], host=v["host"], purpose=v["purpose"],
                                             in_dt=v["in_dt"], plate=v["plate"]),
        create_label="登记进入",
        actions=[Action("exit", "登记离开", [Input("out_dt", "离开时间", "datetime")],
                        lambda s, e, v: svc.record_exit(s, e, v["out_dt"]), when=lambda e: e.out_dt is None)]),
    Resource("patrols", "巡查记录", Patrol, [
        ("时间", lambda p: _when(p.patrolled_dt)), ("巡查人", lambda p: p.patroller), ("路线", lambda p: p.route),
        ("发现问题", lambda p: p.issues or ""), ("报修单", lambda p: p.repair_order_id or "")],
        inputs=[Input("at", "巡查时间", "datetime"), Input("route", "巡查路线"),
                Input("issues", "发现问题", "textarea", required=False),
                Input("repair", "关联报修单", "ref", False, model=RepairOrder,
                      show=lambda o: f"{o.id} {o.location}")],
        create=lambda s, v: svc.record_patrol(s, patroller=current_user.operator.name, route=v["route"], at=v["at"],
                                              issues=v["issues"], repair=v["repair"]),
        create_label="登记巡查"),
    Resource("parking", "错时共享停车时段", ParkingWindow, [
        ("名称", lambda w: w.name), ("车位", lambda w: w.spaces), ("开放星期", lambda w: w.weekdays),
        ("开放", lambda w: w.opens.strftime("%H:%M")), ("结束", lambda w: w.closes.strftime("%H:%M")),
        ("启用", lambda w: w.active)],
        inputs=[Input("name", "名称"), Input("spaces", "车位数", "int"), Input("weekdays", "开放星期（如 12345）"),
                Input("opens", "开放时间", "time"), Input("closes", "结束时间", "time")],
        create=lambda s, v: svc.add_parking_window(s, name=v["name"], spaces=v["spaces"], weekdays=v["weekdays"],
                                                   opens=v["opens"], closes=v["closes"]),
        sheet=PARKING_SHEET),
    Resource("parking_uses", "共享停车记录", ParkingUse, [
        ("时段", lambda u: u.window_id), ("车牌号", lambda u: u.plate), ("入场", lambda u: _when(u.in_dt)),
        ("离场", lambda u: _when(u.out_dt))],
        inputs=[Input("window", "时段", "ref", model=ParkingWindow, show=lambda w: w.name),
                Input("plate", "车牌号"), Input("in_dt", "入场时间", "datetime")],
        create=lambda s, v: svc.park(s, window=v["window"], plate=v["plate"], at=v["in_dt"]),
        create_label="登记入场",
        actions=[Action("leave", "登记离场", [Input("out_dt", "离场时间", "datetime")],
                        lambda s, u, v: svc.leave(s, u, v["out_dt"]), when=lambda u: u.out_dt is None)]),
)

MODULE = Module("property", "物业服务", RESOURCES, by_key(
    ReportSpec("repairs", "维修工单与费用", [Input("start", "开始日期", "date"), Input("end", "结束日期", "date")],
               lambda s, v: repair_report(s, v["start"], v["end"]), defaults=_this_year),
    ReportSpec("summary", "物业年度数据", [Input("year", "年度", "int")], lambda s, v: figures_report(
        f"{v['year']}年物业服务数据", property_summary(s, v["year"]), {
            "repairs_reported": "受理报修（件）", "repairs_done": "完成维修（件）", "repair_cost": "维修费用（元）",
            "entries_visitor": "来访人员（人次）", "entries_vehicle": "外来车辆（辆次）", "patrols": "巡查（次）",
            "shared_spaces": "共享车位（个）", "parking_uses": "共享停车（车次）"}, money=("repair_cost",)),
        defaults=lambda: {"year": str(local_today().year)}),
))
