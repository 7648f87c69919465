"""Waste sorting (垃圾分类) in the back office: units, collection points, inspections, removals; each
unit's compliance with the coverage percentage, the removal ledger, demonstration units."""
from admin.compound.spec import Action, Input, Module, ReportSpec, Resource, by_key
from canteen.compound.common import area, local_today
from canteen.compound.waste import services as svc
from canteen.compound.waste.models import CATEGORIES, CollectionPoint, WasteInspection, WasteRemoval, WasteUnit
from canteen.compound.waste.reports import UNIT_SHEET, compliance_report, removal_report
from canteen.extensions import db

PERIOD = [Input("start", "开始日期", "date"), Input("end", "结束日期", "date")]


def _this_year():
    today = local_today()
    return {"start": f"{today.year}-01-01", "end": today.isoformat()}


def _name(model, row_id):
    row = db.session.get(model, row_id)
    return row.name if row else ""


RESOURCES = by_key(
    Resource("units", "单位", WasteUnit, [
        ("单位", lambda u: u.name), ("纳入范围", lambda u: u.in_scope), ("已实施分类", lambda u: u.sorting),
        ("实施日期", lambda u: u.sorting_since or ""), ("示范单位认定", lambda u: u.demo_on or ""),
        ("认定机关", lambda u: u.demo_by or "")],
        inputs=[Input("name", "单位"), Input("in_scope", "纳入范围", "bool"),
                Input("sorting_since", "实施分类日期", "date", False)],
        create=lambda s, v: svc.add_unit(s, name=v["name"], in_scope=v["in_scope"], sorting_since=v["sorting_since"]),
        actions=[Action("sorting", "实施分类", [Input("since", "实施日期", "date")],
                        lambda s, u, v: svc.start_sorting(s, u, v["since"]), when=lambda u: not u.sorting),
                 Action("demo", "认定示范单位", [Input("on", "认定日期", "date"), Input("by", "认定机关")],
                        lambda s, u, v: svc.designate_demo(s, u, on=v["on"], by=v["by"]),
                        when=lambda u: u.sorting and u.demo_on is None)],
        sheet=UNIT_SHEET, order=lambda: [WasteUnit.name]),
    Resource("points", "投放点", CollectionPoint, [
        ("投放点", lambda p: p.name), ("位置", lambda p: p.location),
        ("分类", lambda p: "、".join(CATEGORIES[c] for c in p.categories.split(","))), ("在用", lambda p: p.active)],
        inputs=[Input("name", "投放点"), Input("location", "位置")],
        create=lambda s, v: svc.add_point(s, name=v["name"], location=v["location"])),
    Resource("inspections", "检查记录", WasteInspection, [
        ("日期", lambda i: i.inspected_on), ("投放点", lambda i: _name(CollectionPoint, i.point_id)),
        ("单位", lambda i: _name(WasteUnit, i.unit_id)), ("检查人", lambda i: i.inspector),
        ("分类正确", lambda i: i.correct), ("备注", lambda i: i.note or "")],
        inputs=[Input("on", "日期", "date"),
                Input("point", "投放点", "ref", model=CollectionPoint, show=lambda p: p.name),
                Input("unit", "单位", "ref", model=WasteUnit, show=lambda u: u.name), Input("inspector", "检查人"),
                Input("correct", "分类正确", "bool"), Input("note", "备注", required=False)],
        create=lambda s, v: svc.inspect(s, point=v["point"], unit=v["unit"], on=v["on"], inspector=v["inspector"],
                                        correct=v["correct"], note=v["note"]),
        create_label="登记检查"),
    Resource("removals", "清运台账", WasteRemoval, [
        ("日期", lambda r: r.removed_on), ("类别", lambda r: CATEGORIES[r.category]),
        ("重量（千克）", lambda r: area(r.weight_c)), ("清运单位", lambda r: r.hauler), ("备注", lambda r: r.note or "")],
        inputs=[Input("on", "日期", "date"), Input("category", "类别", "choice", choices=CATEGORIES),
                Input("weight", "重量（千克）", "hundredths"), Input("hauler", "清运单位"),
                Input("note", "备注", required=False)],
        create=lambda s, v: svc.record_removal(s, removed_on=v["on"], category=v["category"], weight_c=v["weight"],
                                               hauler=v["hauler"], note=v["note"]),
        create_label="登记清运"),
)

MODULE = Module("waste", "垃圾分类", RESOURCES, by_key(
    ReportSpec("compliance", "各单位分类检查与覆盖率", PERIOD,
               lambda s, v: compliance_report(s, v["start"], v["end"]), defaults=_this_year),
    ReportSpec("removals", "清运台账汇总", PERIOD, lambda s, v: removal_report(s, v["start"], v["end"]),
               defaults=_this_year),
))
