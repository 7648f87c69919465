"""Every module's .xlsx template: a filled-in template imports and exports back the same; a bad file
changes nothing."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from canteen.compound.energy.models import MeterReading
from canteen.compound.energy.reports import READING_SHEET
from canteen.compound.offices.models import OfficeOccupancy, OfficeRoom
from canteen.compound.offices.reports import ROOM_SHEET
from canteen.compound.property.models import ParkingWindow
from canteen.compound.property.reports import PARKING_SHEET
from canteen.compound.rectification.models import RectProblem
from canteen.compound.rectification.reports import PROBLEM_SHEET
from canteen.compound.rectification.services import add_round
from canteen.compound.sheets import export, import_rows, workbook
from canteen.compound.vehicles.models import Vehicle
from canteen.compound.vehicles.reports import VEHICLE_SHEET
from canteen.compound.waste.models import WasteUnit
from canteen.compound.waste.reports import UNIT_SHEET
from canteen.errors import DomainError
from canteen.extensions import db

D = "2026-03-01"
#: sheet, rows as a clerk types them, a bad row, the table that must not change.
CASES = {
    "offices": (ROOM_SHEET, [
        ["机关东楼", 3, "301", "办公室", "区发改局", "18.50", 1, "张三", "局长", "正科级", D],
        ["机关东楼", 3, "302", "会议室", "区发改局", "60.00", 1, None, None, None, None],
        ["机关西楼", 1, "101", "办公室", "区财政局", "27.00", 2, None, None, None, None]],
        ["机关西楼", 1, "102", "办公室", "区财政局", "-3", 1, None, None, None, None], OfficeRoom),
    "vehicles": (VEHICLE_SHEET, [
        ["陕A00001", "其他按照规定配备的公务用车", "汽油", "大众", 5, 1598, "150000.00", D, 12000],
        ["陕A00002", "执法执勤用车", "纯电动", None, 5, None, "0.00", D, 0]],
        ["陕A00003", "豪华用车", "汽油", None, 5, None, None, D, 0], Vehicle),
    "energy": (READING_SHEET, [
        ["E-1", "机关东楼", "电", "100.00", "2026-01-01", "900.50", None, None],
        ["E-1", "机关东楼", "电", "100.00", "2026-02-01", "30.00", "1000.00", "0.00"],
        ["W-1", "机关东楼", "水", "0.00", "2026-01-01", "12.00", None, None]],
        ["E-1", "机关东楼", "电", "100.00", "2026-03-01", "10.00", None, None], MeterReading),
    "waste": (UNIT_SHEET, [
        ["区委办", "是", "2025-03-01", "2026-06-01", "市城管委"], ["区法院", "否", None, None, None]],
        ["区财政局", "也许", None, None, None], WasteUnit),
    "property": (PARKING_SHEET, [["大院东侧", 20, "12345", "18:00", "08:00"], ["大院西侧", 5, "67", "08:00", "20:00"]],
                 ["大院北侧", 0, "12345", "18:00", "08:00"], ParkingWindow),
    "rectification": (PROBLEM_SHEET, [
        ["常规巡察", "党的建设", "组织生活", "不规范", "建议一；建议二", "记录不全", "黄录", D, "补齐记录", "修订制度",
         "2026-02-01"],
        ["常规巡察", "党的建设", "组织生活", "不规范", "建议一；建议二", "计划不细", "副主任", D, None, None, None]],
        ["常规巡察", "党的建设", "组织生活", "不规范", None, "无措施却已完成", "黄录", D, None, None, "2026-02-01"],
        RectProblem),
}


def _file(sheet, rows) -> bytes:
    book = load_workbook(BytesIO(workbook(sheet)))
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _values(data: bytes) -> list[list]:
    return [["" if v is None else str(v) for v in row] for row in load_workbook(BytesIO(data)).active.iter_rows(
        min_row=2, values_only=True)]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def rounds(app):
    add_round(db.session, title="常规巡察", inspector="区委第二巡察组", start_on=date(2026, 1, 1),
              end_on=date(2026, 1, 31))


@pytest.mark.parametrize("module", CASES)
def test_a_filled_in_template_round_trips(rounds, module):
    sheet, rows, _, model = CASES[module]
    assert import_rows(db.session, sheet, _file(sheet, rows)) == len(rows)
    again = export(db.session, sheet)
    assert sorted(_values(again)) == sorted(_values(_file(sheet, rows)))
    assert _count(model) == len(rows)


@pytest.mark.parametrize("module", CASES)
def test_a_bad_row_refuses_the_whole_file_and_writes_nothing(rounds, module):
    sheet, rows, bad, model = CASES[module]
    before = _count(model)
    with pytest.raises(DomainError) as refused:
        import_rows(db.session, sheet, _file(sheet, rows + [bad]))
    assert refused.value.code == "import_invalid" and f"第{len(rows) + 2}行" in refused.value.detail
    db.session.commit()
    assert _count(model) == before == 0


def test_not_a_workbook_or_the_wrong_header_is_refused(app):
    other = Workbook()
    other.active.append(["随便", "什么"])
    out = BytesIO()
    other.save(out)
    for data in (b"not a spreadsheet", out.getvalue()):
        with pytest.raises(DomainError) as refused:
            import_rows(db.session, ROOM_SHEET, data)
        assert refused.value.code == "import_invalid"
    assert _count(OfficeRoom) == _count(OfficeOccupancy) == 0
