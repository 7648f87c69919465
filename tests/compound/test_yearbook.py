"""The year-end work summary: the .docx reads back with the same figures the module reports give."""
from datetime import date
from io import BytesIO

from docx import Document

from canteen.compound.common import BLANK, parse_area
from canteen.compound.energy.services import add_meter, record_reading, set_basis
from canteen.compound.offices.reports import office_summary
from canteen.compound.offices.services import (
    add_building,
    add_project,
    add_room,
    advance_audit,
    complete_rectification,
    occupy,
    start_rectification,
)
from canteen.compound.rectification.reports import rectification_figures
from canteen.compound.rectification.services import add_finding, add_problem, add_round, complete_problem
from canteen.compound.vehicles.reports import vehicle_accounting
from canteen.compound.vehicles.services import add_charging_pile, add_cost, register_vehicle
from canteen.compound.waste.services import add_point, add_unit, designate_demo
from canteen.compound.yearbook import build
from canteen.compound.yearbook_render import docx_bytes, html
from canteen.extensions import db

YEAR = 2026


def _world():
    s = db.session
    building = add_building(s, name="机关主楼", floor_area_dm2=500_000)
    big = add_room(s, building=building, floor=5, room_no="501", unit_name="区政府", usable_area_dm2=parse_area("36"))
    occupy(s, room=big, person_name="区长", post="区长", rank_code="县级正职", start_on=date(YEAR, 1, 1), over_reason="登记现状")
    rect = start_rectification(s, room=big, kind="engineering", started_on=date(YEAR, 2, 1))
    complete_rectification(s, rect, completed_on=date(YEAR, 3, 1), new_area_dm2=2_900)
    project = add_project(s, name="机关换热站改造工程", contract_fen=1_000_000)
    advance_audit(s, project)
    advance_audit(s, project, audited_fen=990_000, on=date(YEAR, 8, 1))
    car = register_vehicle(s, plate="陕A88888", vehicle_type="other", energy="electric", seats=5,
                           purchase_date=date(2022, 1, 1))
    add_cost(s, vehicle=car, month=date(YEAR, 5, 1), item="fuel", amount_fen=12_345)
    add_charging_pile(s, code="CD-1", location="北院", power_kw=7, built_on=date(YEAR, 4, 1))
    meter = add_meter(s, code="E1", building=building, kind="electricity")
    record_reading(s, meter=meter, month=date(YEAR, 12, 1), reading_c=10_000_000)
    set_basis(s, year=YEAR, headcount=100, floor_area_dm2=500_000)
    for name, since in (("区委办", date(YEAR - 1, 1, 1)), ("区财政局", None)):
        add_unit(s, name=name, sorting_since=since)
    demo = add_unit(s, name="区民政局", sorting_since=date(YEAR, 1, 1))
    designate_demo(s, demo, on=date(YEAR, 6, 1), by="市城管委")
    add_point(s, name="一号点", location="食堂")
    round_ = add_round(s, title="常规巡察", inspector="区委第二巡察组", start_on=date(YEAR, 3, 1),
                       end_on=date(YEAR, 4, 1), feedback_on=date(YEAR, 5, 1))
    finding = add_finding(s, round_=round_, aspect="党的建设", category="组织生活", text_="不规范",
                          suggestions=["规范组织生活"])
    problem = add_problem(s, finding=finding, text_="三会一课记录不全", leader="黄录", deadline=date(YEAR, 9, 1),
                          measures=["补齐记录"])
    complete_problem(s, problem, date(YEAR, 7, 1))
    add_problem(s, finding=finding, text_="学习计划不细", leader="副主任", deadline=date(YEAR, 12, 1))
    return round_


def test_the_docx_reads_back_with_the_module_figures_and_marked_blanks(app):
    s = db.session
    round_ = _world()
    canteen = {"visits": "123456", "top_up": "100000.00", "busiest_lunch": "812"}
    book = build(s, YEAR, canteen)
    doc = Document(BytesIO(docx_bytes(book)))
    text = "\n".join(p.text for p in doc.paragraphs)
    rect = rectification_figures(s, round_, date(YEAR, 12, 31))
    assert (f"指出{rect['aspects']}方面{rect['categories']}类问题，提出整改建议{rect['suggestions']}条" in text)
    assert f"已完成整改问题{rect['done']}个，未完成{rect['undone']}个" in text and rect["done"] == 1
    offices = office_summary(s, YEAR)
    assert f"工程改造{offices['top_engineering']}套；调换{offices['top_swap']}套" in text
    assert "完成“机关换热站改造工程”等1个工程的结算审计工作" in text
    assert "综合能耗12290.00千克标准煤" in text          # 100 000 kWh × 0.1229
    assert "人均综合能耗122.90千克标准煤/人" in text
    cost = vehicle_accounting(s, date(YEAR, 1, 1), date(YEAR, 12, 31)).totals["total"]
    assert f"单车核算支出合计{cost // 100}.{cost % 100:02d}元" in text and "新建新能源车充电桩1个" in text
    assert "生活垃圾分类66.7%覆盖率（2个已实施分类单位÷3个纳入范围单位）" in text
    assert "市级示范单位有1家" in text
    assert "就餐人数达123456人次，个人充值100000.00元、个人消费【待填】元" in text
    assert "中午就餐人数最多时达812人" in text and "已经超过" not in text  # a peak is reached, not exceeded
    assert f"{BLANK}名工作人员受到党内警告处分" in text and text.count(BLANK) >= 5
    tables = {t.rows[0].cells[0].text for t in doc.tables}
    assert {"楼宇", "车牌号", "指标", "单位", "方面", "项目"} <= tables
    page = html(book)
    assert "<mark class=\"blank\">【待填】</mark>" in page and "123456" in page


def test_an_empty_year_leaves_every_unknown_figure_blank(app):
    book = build(db.session, 2030, None)
    doc = Document(BytesIO(docx_bytes(book)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "指出【待填】方面【待填】类问题" in text and "就餐人数达【待填】人次" in text
    # Defect 12: a module with nothing recorded says so, instead of printing zeros.
    assert "综合能耗【待填】" not in text and "全区0辆公务用车" not in text and "登记办公用房0间" not in text
    assert text.count("无数据（本年度该模块尚未登记任何记录）。") == 5
