"""Waste coverage and compliance, property workflows, rectification figures: each against a recount."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from canteen.compound.common import percent, ratio
from canteen.compound.property.models import ParkingUse, RepairOrder
from canteen.compound.property.reports import property_summary, repair_report
from canteen.compound.property.services import (
    add_parking_window,
    assign_repair,
    finish_repair,
    park,
    record_entry,
    record_patrol,
    report_repair,
)
from canteen.compound.rectification.reports import problem_ledger, rectification_figures
from canteen.compound.rectification.services import add_finding, add_problem, add_round, complete_problem, defer_problem
from canteen.compound.waste.reports import COVERAGE_NOTE, compliance_report, waste_summary
from canteen.compound.waste.services import add_point, add_unit, designate_demo, inspect
from canteen.errors import DomainError
from canteen.extensions import db

NOON = datetime(2026, 5, 6, 4, 0, tzinfo=timezone.utc)  # Wednesday 12:00 in Shanghai


def test_coverage_is_units_sorting_over_units_in_scope_and_said_so(app):
    s = db.session
    spec = [("区委办", True, date(2025, 3, 1)), ("区政府办", True, date(2026, 2, 1)), ("区财政局", True, None),
            ("区法院", False, date(2025, 1, 1)), ("区检察院", True, date(2027, 1, 1))]
    units = {name: add_unit(s, name=name, in_scope=scope, sorting_since=since) for name, scope, since in spec}
    designate_demo(s, units["区委办"], on=date(2026, 6, 1), by="市城管委")
    with pytest.raises(DomainError):
        designate_demo(s, units["区财政局"], on=date(2026, 6, 1), by="市城管委")
    point = add_point(s, name="1号投放点", location="食堂东侧")
    checks = [("区委办", True), ("区委办", True), ("区委办", False), ("区政府办", True)]
    for day, (name, ok) in enumerate(checks, 1):
        inspect(s, point=point, unit=units[name], on=date(2026, 7, day), inspector="监督员", correct=ok)
    report = compliance_report(s, date(2026, 1, 1), date(2026, 12, 31))
    # Defect 12: 区检察院 starts in 2027, so it is not counted in 2026 (neither sorting nor in scope).
    in_scope = [n for n, scope, since in spec if scope and not (since and since > date(2026, 12, 31))]
    sorting = [n for n, scope, since in spec if scope and since and since <= date(2026, 12, 31)]
    assert (report.totals["sorting"], report.totals["scope"]) == (len(sorting), len(in_scope)) == (2, 3)
    assert report.totals["coverage"] == "66.7%" and COVERAGE_NOTE in report.notes
    row = next(r for r in report.rows if r["unit"] == "区委办")
    assert (row["inspections"], row["correct"], row["rate"]) == (3, 2, percent(ratio(2, 3)))
    figures = waste_summary(s, 2026)
    assert (figures["demo_units"], figures["points"], figures["coverage"]) == (1, 1, ratio(2, 3))


def test_repair_orders_move_reported_assigned_done_and_their_costs_add_up(app):
    s = db.session
    orders = [report_repair(s, reporter="科员", location=f"{n}01室", description="灯不亮", at=NOON) for n in range(3)]
    for order, cost in zip(orders[:2], (3_500, 12_000)):
        with pytest.raises(DomainError):
            finish_repair(s, order, cost_fen=cost, at=NOON)
        assign_repair(s, order, assignee="物业电工", at=NOON)
        finish_repair(s, order, cost_fen=cost, at=NOON + timedelta(hours=1))
    with pytest.raises(DomainError) as refused:
        assign_repair(s, orders[2], assignee="物业电工", at=NOON) and finish_repair(s, orders[2], cost_fen=-5, at=NOON)
    assert refused.value.code == "invalid_quantity" and orders[2].state == "assigned" and orders[2].cost_fen is None
    report = repair_report(s, date(2026, 5, 1), date(2026, 5, 31))
    assert (report.totals["orders"], report.totals["done"], report.totals["cost"]) == (3, 2, 15_500)
    record_entry(s, kind="visitor", name="访客", host="区信访局", purpose="咨询", in_dt=NOON)
    record_entry(s, kind="vehicle", name="司机", plate="陕A1", host="区财政局", purpose="送货", in_dt=NOON)
    with pytest.raises(DomainError):
        record_entry(s, kind="vehicle", name="司机", host="区财政局", purpose="送货", in_dt=NOON)
    record_patrol(s, patroller="保安", route="大院一圈", at=NOON, issues="长明灯", repair=orders[2])
    figures = property_summary(s, 2026)
    assert (figures["repairs_done"], figures["repair_cost"], figures["entries_vehicle"], figures["patrols"]) == \
        (2, s.scalar(select(func.sum(RepairOrder.cost_fen))), 1, 1)


def test_shared_parking_opens_at_its_hours_and_refuses_when_full(app):
    s = db.session
    window = add_parking_window(s, name="大院错时共享停车", spaces=2, weekdays="12345", opens=time(18, 0),
                                closes=time(8, 0))
    evening = datetime(2026, 5, 6, 11, 30, tzinfo=timezone.utc)  # 19:30 local
    with pytest.raises(DomainError):
        park(s, window=window, plate="陕A1", at=NOON)
    park(s, window=window, plate="陕A1", at=evening)
    park(s, window=window, plate="陕A2", at=evening + timedelta(hours=8))  # 03:30 the next morning
    with pytest.raises(DomainError) as refused:
        park(s, window=window, plate="陕A3", at=evening)
    assert refused.value.code == "parking_full"
    assert s.scalar(select(func.count()).select_from(ParkingUse)) == 2
    assert property_summary(s, 2026)["parking_uses"] == 2


def test_rectification_figures_match_a_recount_of_the_ledger(app):
    s = db.session
    round_ = add_round(s, title="区委第二巡察组常规巡察", inspector="区委第二巡察组", start_on=date(2026, 3, 1),
                       end_on=date(2026, 4, 30), feedback_on=date(2026, 6, 1))
    plan = {("党的领导", "学习不够深入"): 2, ("党的领导", "落实不够到位"): 1, ("全面从严治党", "财务管理"): 3}
    problems = []
    for (aspect, category), count in plan.items():
        finding = add_finding(s, round_=round_, aspect=aspect, category=category, text_=f"{category}的问题",
                              suggestions=[f"建议{n}" for n in range(count)])
        for n in range(count):
            problems.append(add_problem(s, finding=finding, text_=f"{category}{n}", leader="黄录" if n else "副主任",
                                        deadline=date(2026, 12, 31), measures=["措施甲", "措施乙"][: n % 2 + 1],
                                        rules=["修订财务制度"] if category == "财务管理" and n == 0 else []))
    for problem in problems[:4]:
        complete_problem(s, problem, date(2026, 9, 1))
    defer_problem(s, problems[4])
    figures = rectification_figures(s, round_)
    assert (figures["aspects"], figures["categories"], figures["suggestions"]) == (2, 3, sum(plan.values()))
    assert figures["problems"] == len(problems) == 6
    # Defect 9: the rule is counted once, as a rule, not again among the measures.
    assert figures["measures"] == sum(n % 2 + 1 for c in plan.values() for n in range(c))
    assert (figures["done"], figures["undone"], figures["rules"]) == (4, 2, 1)
    assert figures["claims"] == {"副主任": 3, "黄录": 3}
    assert rectification_figures(s, round_, on=date(2026, 8, 31))["done"] == 0
    ledger = problem_ledger(s, round_)
    assert len(ledger.rows) == 6 and "指出2方面3类问题，提出整改建议6条" in ledger.notes[0]
