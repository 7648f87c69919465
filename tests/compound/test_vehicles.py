"""Official vehicles: dispatch overlap and disposal refusals, per-vehicle accounting sums, purchase caps."""
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from canteen.compound.settings import set_setting
from canteen.compound.vehicles.models import COST_ITEMS, DispatchSlip, Vehicle, VehicleApproval, VehicleCost
from canteen.compound.vehicles.reports import notice_workbook, vehicle_accounting, vehicle_ledger, vehicle_summary
from canteen.compound.vehicles.services import (
    add_charging_pile,
    add_cost,
    decide,
    dispatch,
    record_return,
    register_vehicle,
    request_disposal,
    request_purchase,
    set_in_repair,
    set_quota,
)
from canteen.errors import DomainError
from canteen.extensions import db

T0 = datetime(2026, 4, 1, 1, 0, tzinfo=timezone.utc)


def _car(plate="陕A12345", **kw):
    args = dict(vehicle_type="other", energy="gasoline", seats=5, purchase_date=date(2016, 5, 1), mileage_km=1000)
    return register_vehicle(db.session, plate=plate, **(args | kw))


def _trip(vehicle, start, hours=2):
    return dispatch(db.session, vehicle=vehicle, requester="张三", department="办公室", purpose="送文件",
                    destination="市政府", planned_out_dt=start, planned_back_dt=start + timedelta(hours=hours),
                    approved_by="李主任", driver="王师傅")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_overlapping_trip_of_the_same_vehicle_is_refused_and_nothing_written(app):
    car, other = _car(), _car("陕A54321")
    _trip(car, T0)
    with pytest.raises(DomainError) as refused:
        _trip(car, T0 + timedelta(hours=1))
    assert refused.value.code == "vehicle_busy"
    assert _count(DispatchSlip) == 1
    _trip(car, T0 + timedelta(hours=2))     # back-to-back is fine
    _trip(other, T0 + timedelta(minutes=30))  # another vehicle is fine
    set_in_repair(db.session, other, True)
    with pytest.raises(DomainError) as refused:
        _trip(other, T0 + timedelta(days=1))
    assert refused.value.code == "invalid_transition"
    set_in_repair(db.session, other, False)
    _trip(other, T0 + timedelta(days=1))
    assert _count(DispatchSlip) == 4


def test_a_disposed_vehicle_cannot_go_on_a_trip_and_a_vehicle_on_a_trip_cannot_be_disposed(app):
    s = db.session
    car = _car()
    slip = _trip(car, T0)
    request = request_disposal(s, vehicle=car, method="auction", reason="超龄", on=date(2026, 4, 1))
    with pytest.raises(DomainError) as refused:
        decide(s, request, approve=True, by="区财政局", on=date(2026, 4, 2))
    assert refused.value.code == "vehicle_on_trip"
    assert s.get(Vehicle, car.id).state == "in_service" and request.state == "pending"
    record_return(s, slip, actual_out_dt=T0, actual_back_dt=T0 + timedelta(hours=1), distance_km=35)
    decide(s, request, approve=True, by="区财政局", on=date(2026, 4, 2))
    assert (car.state, car.mileage_km) == ("disposed", 1035)
    with pytest.raises(DomainError) as refused:
        _trip(car, T0 + timedelta(days=3))
    assert refused.value.code == "vehicle_disposed"
    assert _count(DispatchSlip) == 1


def test_per_vehicle_accounting_sums_each_item_per_vehicle_and_month(app):
    s = db.session
    cars = [_car("陕A00001"), _car("陕A00002", energy="electric")]
    entries = [(0, date(2026, 1, 5), "fuel", 35_050), (0, date(2026, 1, 20), "fuel", 20_000),
               (0, date(2026, 2, 3), "repair", 120_000), (1, date(2026, 2, 28), "insurance", 480_000),
               (1, date(2026, 3, 1), "toll", 4_500), (0, date(2026, 3, 9), "parking", 1_000),
               (1, date(2025, 12, 31), "tax", 36_000)]
    for index, on, item, fen in entries:
        add_cost(s, vehicle=cars[index], month=on, item=item, amount_fen=fen)
    report = vehicle_accounting(s, date(2026, 1, 1), date(2026, 2, 28))
    inside = [e for e in entries if date(2026, 1, 1) <= e[1] < date(2026, 3, 1)]
    for row, car in zip(report.rows, cars):
        mine = [e for e in inside if cars[e[0]] is car]
        assert row["total"] == sum(e[3] for e in mine)
        for item in COST_ITEMS:
            assert row[item] == sum(e[3] for e in mine if e[2] == item)
    assert report.totals["total"] == sum(e[3] for e in inside) == 655_050
    sheet = load_workbook(BytesIO(notice_workbook(report, "某区"))).active
    assert sheet.cell(row=1, column=1).value.startswith("某区公务用车单车核算")
    assert sheet.cell(row=5, column=len(report.columns) - 1).value == "6550.50"
    with pytest.raises(DomainError) as refused:
        add_cost(s, vehicle=cars[0], month=date(2026, 1, 1), item="fuel", amount_fen=-1)
    assert refused.value.code == "invalid_quantity"
    assert _count(VehicleCost) == len(entries)


def test_purchase_caps_are_settings_and_the_ledger_flags_renewal(app):
    s = db.session
    with pytest.raises(DomainError) as refused:
        request_purchase(s, vehicle_type="confidential", energy="gasoline", price_fen=12_000_001,
                         displacement_ml=1600, reason="更新", on=date(2026, 1, 1))
    assert refused.value.code == "over_purchase_cap"
    with pytest.raises(DomainError):
        request_purchase(s, vehicle_type="other", energy="gasoline", price_fen=10_000_000,
                         displacement_ml=2000, reason="更新", on=date(2026, 1, 1))
    set_setting(s, "vehicle.cap.confidential", "13000000")
    request_purchase(s, vehicle_type="confidential", energy="gasoline", price_fen=12_000_001,
                     displacement_ml=1600, reason="更新", on=date(2026, 1, 1))
    assert _count(VehicleApproval) == 1
    set_quota(s, "other", 3)
    _car("陕A00003")                                   # 2016: over 8 years by 2026
    _car("陕A00004", purchase_date=date(2024, 1, 1))
    add_charging_pile(s, code="CD-01", location="机关大院北侧", power_kw=60, built_on=date(2026, 6, 1))
    ledger = vehicle_ledger(s, date(2026, 12, 31))
    assert [r["renewal"] for r in ledger.rows] == ["是", "否"]
    figures = vehicle_summary(s, 2026)
    assert (figures["fleet"], figures["quota"], figures["short"], figures["piles_built"]) == (2, 3, 1, 1)
