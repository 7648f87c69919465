"""Energy and resources (节能降耗) in the back office: meters per building, monthly readings (a meter
swap recorded as such), the year's basis and targets; consumption per person and per m², year on year,
and each building's use."""
from admin.compound.spec import Input, Module, ReportSpec, Resource, by_key
from canteen.compound.common import area, local_today
from canteen.compound.energy import services as svc
from canteen.compound.energy.models import KINDS, UNITS, EnergyBasis, EnergyTarget, Meter, MeterReading
from canteen.compound.energy.reports import READING_SHEET, building_report, energy_report
from canteen.compound.offices.models import OfficeBuilding
from canteen.extensions import db


def _reading(value):
    return "" if value is None else f"{value // 100}.{value % 100:02d}"


def _meter(reading: MeterReading) -> Meter:
    return db.session.get(Meter, reading.meter_id)


YEAR = [Input("year", "年度", "int")]
THIS_YEAR = lambda: {"year": str(local_today().year)}  # noqa: E731

RESOURCES = by_key(
    Resource("meters", "表计", Meter, [
        ("表号", lambda m: m.code), ("楼宇", lambda m: m.building.name), ("类型", lambda m: KINDS[m.kind]),
        ("初始读数", lambda m: _reading(m.opening_c)), ("备注", lambda m: m.note or "")],
        inputs=[Input("code", "表号"), Input("building", "楼宇", "ref", model=OfficeBuilding, show=lambda b: b.name),
                Input("kind", "表计类型", "choice", choices=KINDS), Input("opening", "初始读数", "hundredths"),
                Input("note", "备注", required=False)],
        create=lambda s, v: svc.add_meter(s, code=v["code"], building=v["building"], kind=v["kind"],
                                          opening_c=v["opening"], note=v["note"]),
        order=lambda: [Meter.code]),
    Resource("readings", "月度抄表", MeterReading, [
        ("表号", lambda r: _meter(r).code), ("月份", lambda r: r.month.strftime("%Y-%m")),
        ("月末读数", lambda r: _reading(r.reading_c)), ("本月用量", lambda r: _reading(r.consumption_c)),
        ("单位", lambda r: UNITS[_meter(r).kind]), ("换表", lambda r: r.swapped),
        ("抄表人", lambda r: r.recorded_by or "")],
        inputs=[Input("meter", "表计", "ref", model=Meter, show=lambda m: f"{m.code}（{KINDS[m.kind]}）"),
                Input("month", "月份", "month"), Input("reading", "月末读数", "hundredths"),
                Input("old_final", "旧表止码（换表时）", "hundredths", False),
                Input("new_start", "新表起码（换表时）", "hundredths", False)],
        create=lambda s, v: svc.record_reading(s, meter=v["meter"], month=v["month"], reading_c=v["reading"],
                                               old_final_c=v["old_final"], new_start_c=v["new_start"],
                                               recorded_by=_operator_name()),
        sheet=READING_SHEET, create_label="录入读数"),
    Resource("basis", "用能人数与面积", EnergyBasis, [
        ("年度", lambda b: b.year), ("用能人数", lambda b: b.headcount), ("建筑面积（m²）", lambda b: area(b.floor_area_dm2))],
        inputs=[Input("year", "年度", "int"), Input("headcount", "用能人数", "int"),
                Input("area", "建筑面积（m²）", "hundredths")],
        create=lambda s, v: svc.set_basis(s, year=v["year"], headcount=v["headcount"], floor_area_dm2=v["area"]),
        create_label="设置年度基数"),
    Resource("targets", "节能目标", EnergyTarget, [
        ("年度", lambda t: t.year), ("单位面积（gce/m²）", lambda t: t.per_m2_gce),
        ("人均（gce/人）", lambda t: t.per_person_gce), ("人均水（L/人）", lambda t: t.water_per_person_l)],
        inputs=[Input("year", "年度", "int"), Input("per_m2", "单位面积能耗目标（克标准煤/m²）", "int"),
                Input("per_person", "人均能耗目标（克标准煤/人）", "int"),
                Input("water", "人均用水目标（升/人）", "int")],
        create=lambda s, v: svc.set_target(s, year=v["year"], per_m2_gce=v["per_m2"],
                                           per_person_gce=v["per_person"], water_per_person_l=v["water"]),
        create_label="设置年度目标"),
)


def _operator_name():
    from flask_login import current_user

    return current_user.operator.name


MODULE = Module("energy", "节能降耗", RESOURCES, by_key(
    ReportSpec("year", "能源资源消耗（人均、单位面积、同比、目标）", YEAR, lambda s, v: energy_report(s, v["year"]),
               defaults=THIS_YEAR),
    ReportSpec("buildings", "分楼宇能耗", YEAR, lambda s, v: building_report(s, v["year"]), defaults=THIS_YEAR),
))
