"""Office space: over-standard detection at every rank, shared offices, rectification, refusals."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from canteen.compound.common import parse_area
from canteen.compound.offices.models import OfficeOccupancy, OfficeRoom
from canteen.compound.offices.reports import office_return, office_summary
from canteen.compound.offices.services import (
    add_building,
    add_project,
    add_room,
    advance_audit,
    complete_rectification,
    occupy,
    start_rectification,
)
from canteen.compound.offices.standards import measure_rooms, set_limit
from canteen.compound.settings import set_setting
from canteen.compound.sheets import report_workbook
from canteen.errors import DomainError
from canteen.extensions import db

DAY = date(2026, 3, 1)
#: County-level limits of the 2014 standard, m², worked out by hand from the reference table.
COUNTY = {"县级正职": 30, "县级副职": 24, "正科级": 18, "副科级": 12, "科级以下": 9}


def _room(building, no, area_text, capacity=1, use="办公室"):
    return add_room(db.session, building=building, floor=3, room_no=no, unit_name="区发改局",
                    usable_area_dm2=parse_area(area_text), use=use, capacity=capacity)


@pytest.mark.parametrize("rank,limit", COUNTY.items())
def test_over_standard_is_found_exactly_above_each_county_rank_limit(app, rank, limit):
    s = db.session
    building = add_building(s, name="机关东楼")
    at = _room(building, "301", f"{limit}")
    over = _room(building, "302", f"{limit}.01")
    occupy(s, room=at, person_name="甲", post="职务", rank_code=rank, start_on=DAY, over_reason="登记现状")
    occupy(s, room=over, person_name="乙", post="职务", rank_code=rank, start_on=DAY, over_reason="登记现状")
    found = {m.room.room_no: m for m in measure_rooms(s, DAY)}
    assert found["301"].allowed_dm2 == limit * 100 and not found["301"].over_standard
    assert found["302"].over_standard and found["302"].over_dm2 == 1


def test_a_shared_office_is_measured_against_the_sum_of_its_occupants_limits(app):
    s = db.session
    building = add_building(s, name="机关西楼")
    shared = _room(building, "201", "27.00", capacity=2)    # 18 + 9 = 27 allowed
    crowded = _room(building, "202", "21.50", capacity=2)   # 12 + 9 = 21 allowed
    occupy(s, room=shared, person_name="丙", post="科长", rank_code="正科级", start_on=DAY, over_reason="登记现状")
    occupy(s, room=shared, person_name="丁", post="科员", rank_code="科级以下", start_on=DAY, over_reason="登记现状")
    occupy(s, room=crowded, person_name="戊", post="副科长", rank_code="副科级", start_on=DAY, over_reason="登记现状")
    occupy(s, room=crowded, person_name="己", post="科员", rank_code="科级以下", start_on=DAY, over_reason="登记现状")
    found = {m.room.room_no: m for m in measure_rooms(s, DAY)}
    assert (found["201"].allowed_dm2, found["201"].over_standard) == (2700, False)
    assert (found["202"].allowed_dm2, found["202"].over_dm2) == (2100, 50)
    report = office_return(s, DAY)
    assert report.totals["over"] == sum(1 for r in report.rows if r["area_dm2"] > 0 and r["over"] == "是") == 1
    sheet = load_workbook(BytesIO(report_workbook(report))).active
    assert [c.value for c in sheet[2]] == ["楼宇", "楼层", "房间号", "实际用途", "单位/科室", "使用面积（m²）",
                                           "标准面积（m²）", "是否超标", "是否已调整", "使用人", "职务", "人数",
                                           "未整改原因"]
    assert [c.value for c in sheet[4]][5:12] == ["21.50", "21.00", "是", "否", "戊、己", "副科长、科员", 2]


def test_the_standard_table_and_organ_level_are_settings(app):
    s = db.session
    building = add_building(s, name="机关北楼")
    room = _room(building, "101", "18")
    occupy(s, room=room, person_name="庚", post="局长", rank_code="正科级", start_on=DAY, over_reason="登记现状")
    assert not measure_rooms(s, DAY)[0].over_standard
    set_limit(s, "county", "section", 1600)
    assert measure_rooms(s, DAY)[0].over_dm2 == 200
    set_setting(s, "office.organ_level", "municipal")
    with pytest.raises(DomainError):  # 正科级 is no rank at municipal level
        measure_rooms(s, DAY)


def test_rectification_by_alteration_and_by_swap_are_counted_by_tier(app):
    s = db.session
    building = add_building(s, name="机关主楼")
    big = _room(building, "501", "40")
    big2 = _room(building, "502", "22")
    small = _room(building, "503", "11")
    occupy(s, room=big, person_name="区长", post="区长", rank_code="县级正职", start_on=DAY, over_reason="登记现状")
    occupy(s, room=big2, person_name="科长", post="科长", rank_code="副科级", start_on=DAY, over_reason="登记现状")
    with pytest.raises(DomainError) as refused:
        start_rectification(s, room=small, kind="swap", started_on=DAY)
    assert refused.value.code == "invalid_transition"
    alter = start_rectification(s, room=big, kind="engineering", started_on=DAY)
    swap = start_rectification(s, room=big2, kind="swap", started_on=DAY)
    complete_rectification(s, alter, completed_on=date(2026, 5, 1), new_area_dm2=2950)
    complete_rectification(s, swap, completed_on=date(2026, 6, 1), to_room=small)
    assert not any(m.over_standard for m in measure_rooms(s, date(2026, 7, 1)))
    assert [o.person_name for o in s.scalars(select(OfficeOccupancy).where(
        OfficeOccupancy.room_id == small.id))] == ["科长"]
    project = add_project(s, name="机关东楼加固改造工程", contract_fen=12_000_000)
    advance_audit(s, project)
    advance_audit(s, project, audited_fen=11_500_000, on=date(2026, 9, 1))
    figures = office_summary(s, 2026)
    assert (figures["top_engineering"], figures["top_swap"], figures["middle_swap"]) == (1, 0, 1)
    assert (figures["top_total"], figures["projects_audited"], figures["over_standard"]) == (1, 1, 0)


@pytest.mark.parametrize("area_text", ["-5", "0", "12.345", "abc", None])
def test_negative_zero_or_malformed_areas_are_refused(app, area_text):
    s = db.session
    building = add_building(s, name="机关南楼")
    with pytest.raises(DomainError) as refused:
        add_room(s, building=building, floor=1, room_no="1", unit_name="单位",
                 usable_area_dm2=parse_area(area_text) if area_text != "0" else 0)
    assert refused.value.code == "invalid_quantity"
    assert s.scalar(select(func.count()).select_from(OfficeRoom)) == 0


def test_a_room_occupied_twice_or_a_person_given_two_offices_is_refused(app):
    s = db.session
    building = add_building(s, name="机关大楼")
    room, other = _room(building, "601", "12"), _room(building, "602", "12")
    occupy(s, room=room, person_name="辛", post="科员", rank_code="科级以下", start_on=DAY, over_reason="登记现状")
    for target, name, code in ((room, "壬", "room_occupied"), (other, "辛", "person_has_office")):
        with pytest.raises(DomainError) as refused:
            occupy(s, room=target, person_name=name, post="科员", rank_code="科级以下", start_on=DAY, over_reason="登记现状")
        assert refused.value.code == code
    assert s.scalar(select(func.count()).select_from(OfficeOccupancy)) == 1
