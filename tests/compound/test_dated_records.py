"""Issue 17, defects 7 and 8: office records are dated (a report for a past date is not rewritten by later
alterations, moves or promotions), and every allocation or 调换 is checked against the area standard."""
from datetime import date

import pytest

from canteen.compound.common import parse_area
from canteen.compound.offices.reports import office_return, office_summary
from canteen.compound.offices.services import (
    add_building,
    add_room,
    change_rank,
    complete_rectification,
    occupy,
    start_rectification,
)
from canteen.compound.offices.standards import measure_rooms
from canteen.errors import DomainError
from canteen.extensions import db

FEB = date(2026, 2, 1)


def _room(building, no, area_text, capacity=1):
    return add_room(db.session, building=building, floor=2, room_no=no, unit_name="区机关事务服务中心",
                    usable_area_dm2=parse_area(area_text), capacity=capacity)


def test_the_over_standard_report_for_a_past_date_is_not_rewritten_by_later_alterations(app):
    s = db.session
    building = add_building(s, name="机关主楼")
    rooms = [_room(building, f"20{i}", "14.00") for i in range(3)]
    for i, room in enumerate(rooms):
        occupy(s, room=room, person_name=f"科员{i}", post="科员", rank_code="科级以下", start_on=date(2026, 1, 1),
               over_reason="登记现状")
    before = office_return(s, FEB)
    assert before.totals["over"] == 3
    for room in rooms[:2]:  # 工程改造 in June: two rooms partitioned down to 9 m²
        rect = start_rectification(s, room=room, kind="engineering", started_on=date(2026, 5, 1))
        complete_rectification(s, rect, completed_on=date(2026, 6, 1), new_area_dm2=900)
    after = office_return(s, FEB)
    assert after.totals["over"] == 3 and after.rows == before.rows  # the same report for the same date
    assert office_return(s, date(2026, 7, 1)).totals["over"] == 1
    assert [r["area"] for r in after.rows] == ["14.00"] * 3


def test_a_promotion_is_dated_and_the_earlier_report_keeps_the_old_rank(app):
    s = db.session
    building = add_building(s, name="机关东楼")
    room = _room(building, "301", "12.00")
    clerk = occupy(s, room=room, person_name="甲", post="科员", rank_code="科级以下", start_on=date(2026, 1, 1),
                   over_reason="登记现状")
    change_rank(s, clerk, rank_code="副科级", post="副科长", on=date(2026, 8, 1))
    assert [m.over_standard for m in measure_rooms(s, FEB) if m.room.id == room.id] == [True]
    assert [m.over_standard for m in measure_rooms(s, date(2026, 9, 1)) if m.room.id == room.id] == [False]


def test_a_swap_into_a_room_still_above_the_standard_is_refused(app):
    """Defect 8: a 科级以下 officer moved from 12.50 m² to 14.00 m² is refused; to 9.00 m² is accepted."""
    s = db.session
    building = add_building(s, name="机关西楼")
    big, bigger, fit = _room(building, "401", "12.50"), _room(building, "402", "14.00"), _room(building, "403", "9.00")
    occupy(s, room=big, person_name="乙", post="科员", rank_code="科级以下", start_on=date(2026, 1, 1),
           over_reason="登记现状")
    rect = start_rectification(s, room=big, kind="swap", started_on=date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        complete_rectification(s, rect, completed_on=date(2026, 3, 10), to_room=bigger)
    assert refused.value.code == "over_standard"
    assert rect.completed_on is None and [o.person_name for m in measure_rooms(s, date(2026, 3, 11))
                                          if m.room.id == big.id for o in m.occupants] == ["乙"]
    complete_rectification(s, rect, completed_on=date(2026, 3, 10), to_room=fit)
    assert office_return(s, date(2026, 3, 11)).totals["over"] == 0
    assert office_return(s, FEB).totals["over"] == 1


def test_allocating_a_room_above_the_standard_needs_a_reason(app):
    """Defect 8: a 县级正职 allocated 36.50 m² is refused; recorded as found, the reason is kept and printed."""
    s = db.session
    building = add_building(s, name="机关北楼")
    room = _room(building, "501", "36.50")
    with pytest.raises(DomainError) as refused:
        occupy(s, room=room, person_name="区长", post="区长", rank_code="县级正职", start_on=FEB)
    assert refused.value.code == "over_standard"
    occupy(s, room=room, person_name="区长", post="区长", rank_code="县级正职", start_on=FEB,
           over_reason="历史遗留，待工程改造")
    [row] = office_return(s, FEB).rows
    assert row["over"] == "是" and row["reason"] == "历史遗留，待工程改造"
    fits = _room(building, "502", "30.00")
    occupy(s, room=fits, person_name="副区长", post="副区长", rank_code="县级正职", start_on=FEB)


def test_the_document_names_a_countys_middle_tier_ke_not_chu(app):
    """Defect 12: 正科/副科 are 科级领导 in the document, not 处级."""
    from canteen.compound.yearbook import build

    _room(add_building(db.session, name="机关南楼"), "101", "9.00")
    book = build(db.session, 2026, None)
    offices = next(p.text for p in book.paragraphs if p.heading == "（二）办公用房管理")
    assert "二是科级领导超标办公室" in offices and "处级领导" not in offices
    assert office_summary(db.session, 2026)["middle_name"] == "科级领导"


def test_waste_coverage_of_a_year_under_way_is_measured_today_and_leaves_later_units_out(app):
    """Defect 12: coverage for a year in progress is as of today, not 31 December; units are dated."""
    from canteen.compound.common import local_today
    from canteen.compound.waste.reports import coverage, waste_summary
    from canteen.compound.waste.services import add_unit, start_sorting

    s = db.session
    today = local_today()
    year = today.year
    early = add_unit(s, name="区委办", sorting_since=date(year, 1, 1))
    late = add_unit(s, name="区财政局", since=date(year, 1, 1))
    start_sorting(s, late, date(year, 12, 31))  # planned for the last day of the year
    add_unit(s, name="区检察院", since=date(year + 1, 1, 1), sorting_since=date(year + 1, 1, 1))
    figures = waste_summary(s, year)
    expected = (1, 2) if today < date(year, 12, 31) else (2, 2)
    assert (figures["sorting"], figures["scope"]) == expected
    assert coverage(s, date(year, 12, 31)) == (2, 2)
    assert coverage(s, date(year - 1, 6, 1)) == (0, 0)  # before any unit was counted
    assert early.sorting
