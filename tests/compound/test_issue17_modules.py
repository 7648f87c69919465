"""Issue 17, service modules: 整改措施 (9), 同比 like for like (10), 综合能耗 with vehicle fuel (11), the
执法执勤 justification (12)."""
from datetime import date
from fractions import Fraction

import pytest

from canteen.compound.energy.reports import energy_report, energy_year, like_for_like
from canteen.compound.energy.services import add_meter, record_reading
from canteen.compound.offices.services import add_building
from canteen.compound.vehicles.fuel import add_station, fuel_volumes, open_card, spend_card, top_up_card
from canteen.compound.vehicles.services import register_vehicle, request_purchase
from canteen.errors import DomainError
from canteen.extensions import db


def _meter(s):
    building = add_building(s, name="机关主楼", floor_area_dm2=1_000_000)
    return add_meter(s, code="E-1", building=building, kind="electricity", opening_c=0)


def test_year_on_year_compares_the_same_months_of_both_years(app):
    """Defect 10: 11 months of this year against the same 11 months of last year, not against 12."""
    s = db.session
    meter = _meter(s)
    reading = 0
    for year, months, per_month in ((2025, 12, 10_000_00), (2026, 11, 9_500_00)):
        for month in range(1, months + 1):
            reading += per_month
            record_reading(s, meter=meter, month=date(year, month, 1), reading_c=reading)
    this, before = like_for_like(s, 2026)
    assert (this.months, before.months) == (11, 11)
    assert Fraction(this.coal_mg, before.coal_mg) - 1 == Fraction(-5, 100)  # -5.0%, like for like
    whole = energy_year(s, 2025)
    assert whole.months == 12 and whole.coal_mg > before.coal_mg
    report = energy_report(s, 2026)
    coal = next(r for r in report.rows if r["item"] == "综合能耗（kgce）")
    assert coal["change"] == "-5.0%" and "1—11月" in report.notes[0]


def test_comprehensive_energy_includes_the_petrol_and_diesel_bought_with_fuel_cards(app):
    """Defect 11: litres x density x the reference factor (gasoline 1.4714, diesel 1.4571 kgce/kg)."""
    s = db.session
    station = add_station(s, name="中石化定点站")
    cars = [register_vehicle(s, plate=plate, vehicle_type="other", energy=energy, seats=5,
                             purchase_date=date(2020, 1, 1)) for plate, energy in (("京A1", "gasoline"),
                                                                                   ("京A2", "diesel"))]
    for n, car in enumerate(cars):
        card = open_card(s, vehicle=car, card_no=f"C{n}", opened_on=date(2026, 1, 1))
        top_up_card(s, card=card, amount_fen=100_000, on=date(2026, 1, 2), key=f"fuel-top-{n}")
        spend_card(s, card=card, station=station, amount_fen=40_000, on=date(2026, 3, 1), key=f"fuel-spend-{n}",
                   volume_ml=50_000)
        with pytest.raises(DomainError):  # a fuel car's spend without litres cannot be counted: refused
            spend_card(s, card=card, station=station, amount_fen=100, on=date(2026, 3, 2), key=f"fuel-x-{n}")
    assert fuel_volumes(s, date(2026, 1, 1), date(2026, 12, 31)) == {"petrol": 50_000, "diesel": 50_000}
    year = energy_year(s, 2026)
    # 50 L x 0.725 kg/L x 1.4714 + 50 L x 0.84 kg/L x 1.4571 = 53.33825 + 61.1982 kgce
    assert year.coal_mg == 53_338_250 + 61_198_200
    rows = {r["item"]: r["this"] for r in energy_report(s, 2026).rows}
    assert rows["车辆汽油（L）"] == "50.00" and rows["车辆柴油（L）"] == "50.00"


def test_a_law_enforcement_car_above_120000_or_1_6_litres_needs_the_special_need(app):
    """Defect 12: a 执法执勤 car of 150,000 yuan / 1.8 L is refused without the justification."""
    s = db.session
    with pytest.raises(DomainError) as refused:
        request_purchase(s, vehicle_type="law_enforcement", energy="gasoline", price_fen=15_000_000,
                         displacement_ml=1800, reason="执法需要", on=date(2026, 5, 1))
    assert refused.value.code == "over_purchase_cap"
    row = request_purchase(s, vehicle_type="law_enforcement", energy="gasoline", price_fen=15_000_000,
                           displacement_ml=1800, reason="执法需要", on=date(2026, 5, 1),
                           special_need="山区执法，需四驱越野")
    assert "特殊需要：山区执法，需四驱越野" in row.reason
    request_purchase(s, vehicle_type="law_enforcement", energy="gasoline", price_fen=12_000_000,
                     displacement_ml=1600, reason="执法需要", on=date(2026, 5, 1))
    with pytest.raises(DomainError):  # above the 180,000 cap even with a reason
        request_purchase(s, vehicle_type="law_enforcement", energy="gasoline", price_fen=18_000_100,
                         displacement_ml=1600, reason="执法需要", on=date(2026, 5, 1), special_need="说明")


def test_rectification_measures_leave_the_rules_out(app):
    """Defect 9: 24 measures + 4 rules are 24 measures and 4 rules, not 28 measures."""
    from canteen.compound.rectification.reports import rectification_figures
    from canteen.compound.rectification.services import add_finding, add_problem, add_round

    s = db.session
    round_ = add_round(s, title="巡察", inspector="区委第二巡察组", start_on=date(2026, 3, 1),
                       end_on=date(2026, 4, 1))
    finding = add_finding(s, round_=round_, aspect="党的领导", category="制度建设", text_="制度不健全",
                          suggestions=["完善制度"])
    for n in range(4):
        add_problem(s, finding=finding, text_=f"问题{n}", leader="主任", deadline=date(2026, 12, 31),
                    measures=[f"措施{n}-{k}" for k in range(6)], rules=[f"制度{n}"])
    figures = rectification_figures(s, round_)
    assert (figures["measures"], figures["rules"]) == (24, 4)
