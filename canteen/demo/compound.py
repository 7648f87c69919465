"""Sample records for every service module (offices, energy, vehicles, waste, property, rectification), dated
in the demo's year up to the day before `today`, so the year-end document has its module figures filled.

Built through the modules' services, like the canteen's demo; the same `today` gives the same records.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from canteen.compound.energy.services import add_meter, record_reading, set_basis
from canteen.compound.offices import services as offices
from canteen.compound.offices.models import OfficeBuilding
from canteen.compound.property import services as prop
from canteen.compound.rectification import services as rect
from canteen.compound.vehicles import fuel
from canteen.compound.vehicles import services as cars
from canteen.compound.waste import services as waste

ZONE = ZoneInfo("Asia/Shanghai")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def seed_compound(session: Session, today: date) -> str:
    """Add the sample records unless the modules have some already; return a one-line summary."""
    if session.scalar(select(func.count()).select_from(OfficeBuilding)):
        return "compound sample data not added: the modules have records already"
    year = today.year
    first = date(year, 1, 1)
    last = max(first, today - timedelta(days=1))
    main = _offices(session, year, last)
    months = _energy(session, main, year, last)
    _vehicles(session, year, last)
    _waste(session, year, last)
    _property(session, year, last)
    _rectification(session, year, last)
    session.commit()
    return f"compound sample data: offices, {months} months of meter readings, vehicles, waste, property, rectification"


def _offices(session: Session, year: int, last: date) -> OfficeBuilding:
    main = offices.add_building(session, name="机关综合楼", address="人民路1号", floor_area_dm2=1_250_000)
    offices.add_building(session, name="机关附楼", address="人民路1号", floor_area_dm2=420_000)
    plan = [("501", 3650, "区长", "区长", "county_head"), ("502", 3000, "副区长", "副区长", "county_deputy"),
            ("401", 2400, "主任", "主任", "county_deputy"), ("402", 2100, "科长甲", "科长", "section"),
            ("403", 1800, "科长乙", "科长", "section"), ("301", 1400, "副科长甲", "副科长", "deputy_section"),
            ("302", 1250, "科员甲", "科员", "below_section"), ("303", 900, "科员乙", "科员", "below_section")]
    rooms = {}
    start = date(year - 1, 1, 1)
    for no, area, person, post, rank in plan:
        room = offices.add_room(session, building=main, floor=int(no[0]), room_no=no, unit_name="区机关事务服务中心",
                                usable_area_dm2=area)
        rooms[no] = room
        offices.occupy(session, room=room, person_name=person, post=post, rank_code=rank, start_on=start,
                       over_reason="登记现状（历史遗留）")
    spare = offices.add_room(session, building=main, floor=3, room_no="304", unit_name="区机关事务服务中心",
                             usable_area_dm2=880)
    # 工程改造 of the district head's office, 调换 of a clerk into the spare room, both in the spring.
    spring = min(last, date(year, 4, 1))
    done = min(last, spring + timedelta(days=20))
    works = offices.start_rectification(session, room=rooms["501"], kind="engineering", started_on=spring)
    offices.complete_rectification(session, works, completed_on=done, new_area_dm2=3000)
    swap = offices.start_rectification(session, room=rooms["302"], kind="swap", started_on=spring)
    offices.complete_rectification(session, swap, completed_on=done, to_room=spare)
    middle = offices.start_rectification(session, room=rooms["402"], kind="engineering", started_on=spring)
    offices.complete_rectification(session, middle, completed_on=done, new_area_dm2=1800)
    project = offices.add_project(session, name="机关综合楼办公室改造工程", contract_fen=48_600_000, building=main,
                                  started_on=spring, completed_on=done)
    offices.advance_audit(session, project)
    offices.advance_audit(session, project, audited_fen=46_950_000, on=done)
    return main


def _energy(session: Session, main: OfficeBuilding, year: int, last: date) -> int:
    set_basis(session, year=year, headcount=186, floor_area_dm2=1_670_000)
    set_basis(session, year=year - 1, headcount=180, floor_area_dm2=1_670_000)
    meters = {kind: add_meter(session, code=f"{kind[:2].upper()}-01", building=main, kind=kind, opening_c=0)
              for kind in ("electricity", "water", "gas")}
    use = {"electricity": 3_200_000, "water": 42_000, "gas": 150_000}  # hundredths per month
    readings = dict.fromkeys(use, 0)
    months = 0
    for y in (year - 1, year):
        for month in range(1, 13):
            if date(y + (month == 12), month % 12 + 1, 1) > last:  # only months already over are read
                break
            for kind, meter in meters.items():
                saving = 97 if y == year else 100  # a little less each month this year
                readings[kind] += use[kind] * saving // 100 + (month % 3) * use[kind] // 50
                record_reading(session, meter=meter, month=date(y, month, 1), reading_c=readings[kind])
            months += y == year
    return months


def _vehicles(session: Session, year: int, last: date) -> None:
    for vehicle_type, quota in (("confidential", 2), ("emergency", 2), ("other", 4)):
        cars.set_quota(session, vehicle_type, quota)
    fleet = [cars.register_vehicle(session, plate=plate, vehicle_type=kind, energy=energy, seats=5,
                                   purchase_date=date(bought, 6, 1), price_fen=price, displacement_ml=ml,
                                   mileage_km=km)
             for plate, kind, energy, bought, price, ml, km in (
                 ("京A·10001", "confidential", "gasoline", year - 6, 11_500_000, 1598, 96_000),
                 ("京A·10002", "emergency", "diesel", year - 4, 17_200_000, 1798, 71_000),
                 ("京A·10003", "other", "gasoline", year - 10, 16_000_000, 1798, 262_000),
                 ("京A·D0004", "other", "electric", year - 1, 16_800_000, None, 18_000))]
    station = fuel.add_station(session, name="中石化人民路定点加油站", address="人民路88号")
    day = first = date(year, 1, 5)
    for n, car in enumerate(fleet):
        card = fuel.open_card(session, vehicle=car, card_no=f"FC{year}{n:03d}", opened_on=date(year, 1, 2))
        fuel.top_up_card(session, card=card, amount_fen=600_000, on=date(year, 1, 3), key=f"demo-fuel-top-{n}")
        day = first
        month = 0
        while day <= last and month < 12:
            fuel.spend_card(session, card=card, station=station, amount_fen=40_000, on=day,
                            key=f"demo-fuel-{n}-{month}", volume_ml=None if car.energy == "electric" else 52_000)
            cars.add_cost(session, vehicle=car, month=day.replace(day=1), item="repair", amount_fen=35_000,
                          vendor="定点维修厂")
            month += 1
            day = date(year + (day.month == 12), day.month % 12 + 1, 5)
        for trip in range(min(6, (last - first).days // 30 + 1)):
            out = min(last, first + timedelta(days=trip * 30 + n))
            slip = cars.dispatch(session, vehicle=car, requester="办公室", department="区机关事务服务中心",
                                 purpose="公务出行", destination="市政府", planned_out_dt=_at(out, 9),
                                 planned_back_dt=_at(out, 12), approved_by="主任", driver="王师傅")
            cars.record_return(session, slip, actual_out_dt=_at(out, 9), actual_back_dt=_at(out, 11, 30),
                               distance_km=36 + trip)
    old = fleet[2]
    approval = cars.request_disposal(session, vehicle=old, method="auction", reason="使用超过8年、里程超过25万公里",
                                     on=last)
    cars.decide(session, approval, approve=True, by="区财政局", on=last)
    cars.add_charging_pile(session, code="CP-01", location="机关大院停车场", power_kw=60, built_on=min(last, date(year, 5, 1)))


def _waste(session: Session, year: int, last: date) -> None:
    since = date(year - 1, 1, 1)
    units = [waste.add_unit(session, name=name, since=since, sorting_since=sorting)
             for name, sorting in (("区委办公室", date(year - 1, 3, 1)), ("区政府办公室", date(year - 1, 3, 1)),
                                   ("区财政局", min(last, date(year, 3, 1))), ("区机关事务服务中心", date(year - 1, 1, 1)),
                                   ("区档案馆", None))]
    waste.designate_demo(session, units[3], on=min(last, date(year, 6, 1)), by="市城市管理委员会")
    points = [waste.add_point(session, name=f"{n}号投放点", location=where)
              for n, where in ((1, "食堂东侧"), (2, "综合楼北门"), (3, "附楼西侧"))]
    for n, day in enumerate((min(last, date(year, m, 10)) for m in range(1, 13))):
        waste.inspect(session, point=points[n % 3], unit=units[n % 4], on=day, inspector="监督员", correct=n % 5 != 0)
        waste.record_removal(session, removed_on=day, category=("kitchen", "other", "recyclable")[n % 3],
                             weight_c=120_000 + n * 1000, hauler="区环卫中心")


def _property(session: Session, year: int, last: date) -> None:
    for n in range(12):
        day = min(last, date(year, n + 1, 8))
        order = prop.report_repair(session, reporter="科员", location=f"综合楼{n + 1}0{n % 3 + 1}室",
                                   description="灯具损坏", at=_at(day, 9))
        if n % 4 != 3:
            prop.assign_repair(session, order, assignee="物业维修组", at=_at(day, 10))
            prop.finish_repair(session, order, cost_fen=8_000 + n * 500, at=_at(day, 15))
        entry = prop.record_entry(session, kind="visitor", name=f"来访{n + 1}", host="办公室", purpose="办事",
                                  in_dt=_at(day, 10))
        prop.record_exit(session, entry, _at(day, 11))
        prop.record_entry(session, kind="vehicle", name="送货", host="食堂", purpose="送菜", in_dt=_at(day, 7),
                          plate=f"京B·2{n:04d}")
        prop.record_patrol(session, patroller="保安", route="大院一周", at=_at(day, 22))
    prop.add_parking_window(session, name="错时共享停车（夜间）", spaces=40, weekdays="12345", opens=time(19, 0),
                            closes=time(23, 59))


def _rectification(session: Session, year: int, last: date) -> None:
    start = min(last, date(year, 3, 1))
    round_ = rect.add_round(session, title=f"{year}年区委巡察", inspector="区委第二巡察组", start_on=start,
                            end_on=min(last, start + timedelta(days=31)),
                            feedback_on=min(last, start + timedelta(days=61)))
    plan = [("党的领导", "学习贯彻不够深入"), ("党的领导", "主体责任落实不到位"), ("全面从严治党", "财务管理不规范"),
            ("全面从严治党", "公务用车管理不严")]
    for n, (aspect, category) in enumerate(plan):
        finding = rect.add_finding(session, round_=round_, aspect=aspect, category=category, text_=f"{category}的问题",
                                   suggestions=[f"{category}整改建议"])
        for k in range(2):
            problem = rect.add_problem(session, finding=finding, text_=f"{category}（{k + 1}）",
                                       leader="主任" if k == 0 else "副主任", deadline=date(year, 12, 31),
                                       measures=[f"措施{n}-{k}-{m}" for m in range(3)],
                                       rules=[f"修订{category}制度"] if k == 0 else [])
            if (n + k) % 3 != 2:
                rect.complete_problem(session, problem, min(last, start + timedelta(days=90)))
