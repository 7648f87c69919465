"""Energy per building, offices leavers still hold, the waste removal ledger, one open office per person."""
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from canteen.compound.energy.reports import building_report
from canteen.compound.energy.services import add_meter, record_reading
from canteen.compound.offices.models import OfficeOccupancy, OfficeRoom
from canteen.compound.offices.reports import leavers_report
from canteen.compound.offices.services import add_building, add_room, occupy
from canteen.compound.offices.standards import ensure_standards
from canteen.compound.settings import get_int
from canteen.compound.waste.reports import removal_report
from canteen.compound.waste.services import record_removal
from canteen.errors import DomainError
from canteen.extensions import db
from tests.compound.test_races import _race


def test_each_buildings_use_and_coal_per_m2_against_a_recomputation(app):
    s = db.session
    east, west = add_building(s, name="东楼", floor_area_dm2=400_000), add_building(s, name="西楼")
    meters = [add_meter(s, code="E1", building=east, kind="electricity", opening_c=1000),
              add_meter(s, code="W1", building=east, kind="water"), add_meter(s, code="E2", building=west,
                                                                              kind="electricity")]
    readings = [(0, 1, 51_000), (0, 2, 91_000), (1, 1, 3_000), (2, 1, 20_000), (2, 12, 25_000)]
    for index, month, value in readings:
        record_reading(s, meter=meters[index], month=date(2026, month, 1), reading_c=value)
    rows = {r["building"]: r for r in building_report(s, 2026).rows}
    factor = get_int(s, "energy.factor.electricity")
    assert rows["东楼"]["electricity"] == "900.00" and rows["东楼"]["water"] == "30.00"
    assert rows["东楼"]["coal_mg"] == 90_000 * factor
    per_m2 = Fraction(90_000 * factor, 10**6) / 4000
    assert rows["东楼"]["per_m2"] == f"{float(per_m2):.2f}"
    assert rows["西楼"]["electricity"] == "250.00" and rows["西楼"]["per_m2"] == "【待填】"


def test_a_leaver_still_holding_an_office_is_listed(app, world):
    s = db.session
    room = add_room(s, building=add_building(s, name="东楼"), floor=1, room_no="101", unit_name="办公室",
                    usable_area_dm2=900)
    other = add_room(s, building=room.building, floor=1, room_no="102", unit_name="办公室", usable_area_dm2=900)
    gone, staying = world.person(), world.person()
    gone.name, staying.name = "离岗甲", "在岗乙"
    gone.state = "cancelled"
    s.flush()
    for person, where in ((gone, room), (staying, other)):
        occupy(s, room=where, person_name=person.name, post="科员", rank_code="科级以下", start_on=date(2026, 1, 1),
               over_reason="登记现状")
    report = leavers_report(s, date(2026, 6, 1))
    assert [(r["room_no"], r["person"]) for r in report.rows] == [("101", "离岗甲")]


def test_the_removal_ledger_sums_each_category_and_refuses_nonsense(app):
    s = db.session
    entries = [(date(2026, 3, 1), "kitchen", 12_050), (date(2026, 3, 2), "kitchen", 9_950),
               (date(2026, 3, 2), "recyclable", 3_000), (date(2026, 4, 1), "kitchen", 100)]
    for on, category, weight in entries:
        record_removal(s, removed_on=on, category=category, weight_c=weight, hauler="城管清运队")
    report = removal_report(s, date(2026, 3, 1), date(2026, 3, 31))
    rows = {r["category"]: r for r in report.rows}
    assert rows["厨余垃圾（绿）"]["removals"] == 2 and rows["厨余垃圾（绿）"]["weight"] == "220.00"
    assert report.totals["weight_c"] == sum(w for on, _c, w in entries if on.month == 3)
    for bad in ({"weight_c": 0}, {"weight_c": -5}, {"category": "glass"}):
        with pytest.raises(DomainError):
            record_removal(s, **({"removed_on": date(2026, 3, 1), "category": "other", "weight_c": 10,
                                  "hauler": "队"} | bad))


def test_one_person_assigned_two_rooms_at_once_gets_exactly_one(app):
    building = add_building(db.session, name="机关西楼")
    room_ids = [add_room(db.session, building=building, floor=2, room_no=f"20{i}", unit_name="办公室",
                         usable_area_dm2=1200).id for i in range(4)]
    ensure_standards(db.session)  # the standard's rows are added on first use; here before the race

    def work(i):
        occupy(db.session, room=db.session.get(OfficeRoom, room_ids[i]), person_name="同一人", post="科员",
               rank_code="科级以下", start_on=date(2026, 1, 1),
               over_reason="登记现状")

    outcomes = _race(app, 4, work)
    assert sorted(outcomes) == ["ok"] + ["person_has_office"] * 3
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OfficeOccupancy)) == 1
