"""Office space (办公用房) in the back office: buildings, rooms, occupants, the standard, rectifications,
projects; the annual return, the over-standard list and the offices leavers still hold."""
from admin.compound.spec import Action, Input, Module, ReportSpec, Resource, by_key
from admin.compound.summary import figures_report
from canteen.compound.common import area, local_today
from canteen.compound.offices import services as svc
from canteen.compound.offices.models import (
    AUDIT_STATES,
    RECTIFICATION_KINDS,
    OfficeAreaStandard,
    OfficeBuilding,
    OfficeOccupancy,
    OfficeProject,
    OfficeRectification,
    OfficeRoom,
)
from canteen.compound.offices.reports import ROOM_SHEET, leavers_report, office_return, office_summary
from canteen.compound.offices.standards import set_limit, standards
from canteen.extensions import db


def _room_label(room: OfficeRoom) -> str:
    return f"{room.building.name} {room.room_no}（{area(room.usable_area_dm2)} m²）"


def _room_of(room_id: int) -> str:
    return _room_label(db.session.get(OfficeRoom, room_id))


def _ranks() -> dict:
    return {row.rank_code: f"{row.rank_name}（{area(row.limit_dm2)} m²）" for row in standards(db.session)}


def _yuan(fen):
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


ROOM = Input("room", "房间", "ref", model=OfficeRoom, show=_room_label)
TODAY = {"on": lambda: {"on": local_today().isoformat()}}


def _over_standard(session, v):
    report = office_return(session, v["on"])
    report.rows = [r for r in report.rows if r["over"] == "是"]
    report.title = f"超标办公室（{v['on']}）"
    return report


RESOURCES = by_key(
    Resource("buildings", "楼宇", OfficeBuilding, [
        ("楼宇", lambda b: b.name), ("地址", lambda b: b.address or ""),
        ("建筑面积（m²）", lambda b: area(b.floor_area_dm2))],
        inputs=[Input("name", "楼宇"), Input("address", "地址", required=False),
                Input("floor_area", "建筑面积（m²）", "hundredths", required=False)],
        create=lambda s, v: svc.add_building(s, name=v["name"], address=v["address"],
                                             floor_area_dm2=v["floor_area"]),
        edit_inputs=[Input("address", "地址", required=False),
                     Input("floor_area", "建筑面积（m²）", "hundredths", required=False)],
        edit=lambda s, b, v: svc.edit_building(s, b, address=v["address"], floor_area_dm2=v["floor_area"]),
        current=lambda b: {"address": b.address, "floor_area": b.floor_area_dm2}),
    Resource("rooms", "房间", OfficeRoom, [
        ("楼宇", lambda r: r.building.name), ("楼层", lambda r: r.floor), ("房间号", lambda r: r.room_no),
        ("用途", lambda r: r.use), ("单位/科室", lambda r: r.unit_name),
        ("使用面积（m²）", lambda r: area(r.usable_area_dm2)), ("核定人数", lambda r: r.capacity)],
        inputs=[Input("building", "楼宇", "ref", model=OfficeBuilding, show=lambda b: b.name),
                Input("floor", "楼层", "int"), Input("room_no", "房间号"), Input("use", "实际用途"),
                Input("unit_name", "单位/科室"), Input("area", "使用面积（m²）", "hundredths"),
                Input("capacity", "核定人数", "int")],
        create=lambda s, v: svc.add_room(s, building=v["building"], floor=v["floor"], room_no=v["room_no"],
                                         use=v["use"], unit_name=v["unit_name"], usable_area_dm2=v["area"],
                                         capacity=v["capacity"]),
        edit_inputs=[Input("use", "实际用途"), Input("unit_name", "单位/科室"), Input("capacity", "核定人数", "int")],
        edit=lambda s, r, v: svc.edit_room(s, r, use=v["use"], unit_name=v["unit_name"], capacity=v["capacity"]),
        current=lambda r: {"use": r.use, "unit_name": r.unit_name, "capacity": r.capacity},
        sheet=ROOM_SHEET, order=lambda: [OfficeRoom.building_id, OfficeRoom.floor, OfficeRoom.room_no]),
    Resource("occupancies", "使用人", OfficeOccupancy, [
        ("房间", lambda o: _room_of(o.room_id)), ("使用人", lambda o: o.person_name), ("职务", lambda o: o.post),
        ("职级", lambda o: o.rank_code), ("起始", lambda o: o.start_on), ("腾退", lambda o: o.end_on or "")],
        inputs=[ROOM, Input("person", "使用人"), Input("post", "职务"), Input("rank", "职级", "choice", choices=_ranks),
                Input("start_on", "起始日期", "date"),
                Input("over_reason", "超标原因（仅登记现状时填写）", required=False)],
        create=lambda s, v: svc.occupy(s, room=v["room"], person_name=v["person"], post=v["post"],
                                       rank_code=v["rank"], start_on=v["start_on"], over_reason=v.get("over_reason")),
        actions=[Action("vacate", "腾退", [Input("on", "腾退日期", "date")],
                        lambda s, o, v: svc.vacate(s, o, v["on"]), when=lambda o: o.end_on is None),
                 Action("rank", "职级变动", [Input("rank", "新职级", "choice", choices=_ranks), Input("post", "新职务"),
                                          Input("on", "变动日期", "date")],
                        lambda s, o, v: svc.change_rank(s, o, rank_code=v["rank"], post=v["post"], on=v["on"]),
                        when=lambda o: o.end_on is None)],
        create_label="安排办公室"),
    Resource("standards", "面积标准", OfficeAreaStandard, [
        ("机关级别", lambda r: r.level), ("职级", lambda r: r.rank_name), ("标准（m²）", lambda r: area(r.limit_dm2))],
        edit_inputs=[Input("limit", "标准面积（m²）", "hundredths")],
        edit=lambda s, r, v: set_limit(s, r.level, r.rank_code, v["limit"]),
        current=lambda r: {"limit": r.limit_dm2},
        order=lambda: [OfficeAreaStandard.level, OfficeAreaStandard.sort]),
    Resource("rectifications", "超标整改", OfficeRectification, [
        ("房间", lambda r: _room_of(r.room_id)), ("方式", lambda r: RECTIFICATION_KINDS[r.kind]),
        ("使用人", lambda r: r.person_name),
        ("整改前（m²）", lambda r: area(r.area_before_dm2)), ("整改后（m²）", lambda r: area(r.area_after_dm2)),
        ("开始", lambda r: r.started_on), ("完成", lambda r: r.completed_on or "")],
        inputs=[ROOM, Input("kind", "整改方式", "choice", choices=RECTIFICATION_KINDS),
                Input("started_on", "开始日期", "date"), Input("note", "说明", "textarea", required=False)],
        create=lambda s, v: svc.start_rectification(s, room=v["room"], kind=v["kind"], started_on=v["started_on"],
                                                    note=v["note"]),
        actions=[Action("complete", "完成整改", [
            Input("completed_on", "完成日期", "date"), Input("new_area", "改造后面积（m²，工程改造）", "hundredths", False),
            Input("to_room", "调换后房间（调换）", "ref", False, model=OfficeRoom, show=_room_label)],
            lambda s, r, v: svc.complete_rectification(s, r, completed_on=v["completed_on"],
                                                       new_area_dm2=v["new_area"], to_room=v["to_room"]),
            when=lambda r: r.completed_on is None)]),
    Resource("projects", "工程项目", OfficeProject, [
        ("工程", lambda p: p.name), ("合同金额（元）", lambda p: _yuan(p.contract_fen)),
        ("审计状态", lambda p: AUDIT_STATES[p.audit_state]), ("审定金额（元）", lambda p: _yuan(p.audited_fen)),
        ("审计完成", lambda p: p.audited_on or "")],
        inputs=[Input("name", "工程名称"), Input("contract", "合同金额（元）", "yuan"),
                Input("started_on", "开工日期", "date", False), Input("completed_on", "竣工日期", "date", False)],
        create=lambda s, v: svc.add_project(s, name=v["name"], contract_fen=v["contract"],
                                            started_on=v["started_on"], completed_on=v["completed_on"]),
        actions=[Action("advance", "推进结算审计", [Input("audited", "审定金额（元，审计完成时）", "yuan", False),
                                                Input("on", "审计完成日期", "date", False)],
                        lambda s, p, v: svc.advance_audit(s, p, audited_fen=v["audited"], on=v["on"]),
                        when=lambda p: p.audit_state != "audited")]),
)

ON = [Input("on", "日期", "date")]
YEAR = [Input("year", "年度", "int")]
THIS_YEAR = lambda: {"year": str(local_today().year)}  # noqa: E731

MODULE = Module("offices", "办公用房", RESOURCES, by_key(
    ReportSpec("return", "办公用房统计（年报）", ON, lambda s, v: office_return(s, v["on"]),
               defaults=TODAY["on"]),
    ReportSpec("over_standard", "超标办公室", ON, _over_standard, defaults=TODAY["on"]),
    ReportSpec("leavers", "离岗人员占用办公室", ON, lambda s, v: leavers_report(s, v["on"]), defaults=TODAY["on"]),
    ReportSpec("summary", "办公用房年度数据", YEAR, lambda s, v: figures_report(
        f"{v['year']}年办公用房数据", office_summary(s, v["year"]), {
            "rooms": "登记办公用房（间）", "area_dm2": "使用面积（m²）", "occupied": "在用房间（间）",
            "occupants": "使用人数", "over_standard": "超标办公室（间）", "rectified": "完成整改（套）",
            "top_engineering": "区级领导·工程改造", "top_swap": "区级领导·调换",
            "middle_engineering": "科级领导·工程改造", "middle_swap": "科级领导·调换",
            "projects_audited": "完成结算审计工程（个）"}, areas=("area_dm2",)), defaults=THIS_YEAR),
))
