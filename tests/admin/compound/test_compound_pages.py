"""The compound pages do what they say: forms create through the services and are audited, bad input is
refused with a 4xx and changes nothing, imports round-trip, money forms replay once, the yearbook opens."""
import io
import re
from datetime import date

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from canteen.compound import sheets
from canteen.compound.common import local_today
from canteen.compound.offices.models import OfficeBuilding, OfficeRoom
from canteen.compound.offices.reports import ROOM_SHEET
from canteen.compound.property.reports import PARKING_SHEET
from canteen.compound.vehicles.fuel import card_balance
from canteen.compound.vehicles.fuel_models import FuelCard, FuelStation
from canteen.compound.vehicles.models import DispatchSlip, Vehicle
from canteen.compound.vehicles.reports import VEHICLE_SHEET
from canteen.compound.waste.reports import UNIT_SHEET
from canteen.extensions import db
from canteen.models import AuditEntry, JournalEntry
from tests.admin.conftest import csrf_of

BASE = "/admin/compound"


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _post(client, path, data, **kw):
    return client.post(path, data=dict(data, csrf_token=csrf_of(client, "/admin/login")), **kw)


def _last_audit():
    db.session.expire_all()
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def test_a_form_creates_through_the_service_and_is_audited(signed_in):
    client = signed_in("manager")
    r = _post(client, f"{BASE}/offices/buildings/new", {"name": "机关东楼", "floor_area": "5200.5"})
    assert r.status_code == 302
    building = db.session.scalar(select(OfficeBuilding))
    assert (building.name, building.floor_area_dm2) == ("机关东楼", 520050)
    audit = _last_audit()
    assert (audit.action, audit.result, audit.operator_id) == ("compound.offices.buildings.create", "ok",
                                                               client.operator.id)
    assert "机关东楼" in client.get(f"{BASE}/offices/buildings").get_data(as_text=True)
    r = _post(client, f"{BASE}/offices/buildings/{building.id}", {"address": "政府路1号", "floor_area": "5300"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(OfficeBuilding, building.id).floor_area_dm2 == 530000


def test_bad_input_is_refused_with_a_4xx_and_nothing_changes(signed_in):
    client = signed_in("admin")
    _post(client, f"{BASE}/offices/buildings/new", {"name": "机关东楼"})
    building_id = db.session.scalar(select(OfficeBuilding.id))
    room = {"building": str(building_id), "floor": "2", "room_no": "201", "use": "办公室", "unit_name": "办公室",
            "capacity": "1"}
    r = _post(client, f"{BASE}/offices/rooms/new", dict(room, area="-12"))
    assert r.status_code == 400 and "-12" in r.get_data(as_text=True)
    assert _count(OfficeRoom) == 0 and _last_audit().result == "failed"
    assert _post(client, f"{BASE}/offices/rooms/new", dict(room, area="9")).status_code == 302
    assert _post(client, f"{BASE}/offices/rooms/new", dict(room, area="14")).status_code == 409
    room_id = db.session.scalar(select(OfficeRoom.id))
    occupy = {"room": str(room_id), "post": "科员", "rank": "below_section", "start_on": "2026-01-01"}
    assert _post(client, f"{BASE}/offices/occupancies/new", dict(occupy, person="张三")).status_code == 302
    r = _post(client, f"{BASE}/offices/occupancies/new", dict(occupy, person="李四"))
    assert r.status_code == 409 and "满员" in r.get_data(as_text=True)
    assert _post(client, f"{BASE}/offices/rooms/{room_id}", {"use": "办公室", "unit_name": "x",
                                                           "capacity": "0"}).status_code == 400
    assert _post(client, f"{BASE}/offices/buildings/new", {"name": "x", "floor_area": "abc"}).status_code == 400
    assert _count(OfficeRoom) == 1 and _count(OfficeBuilding) == 1


def test_an_overlapping_dispatch_slip_is_refused_on_the_page(signed_in):
    client = signed_in("manager")
    car = {"plate": "陕A12345", "type": "other", "energy": "gasoline", "seats": "5", "purchase_date": "2020-01-01",
           "mileage": "1000"}
    assert _post(client, f"{BASE}/vehicles/vehicles/new", car).status_code == 302
    vehicle_id = db.session.scalar(select(Vehicle.id))
    slip = {"vehicle": str(vehicle_id), "requester": "张三", "department": "办公室", "purpose": "送文件",
            "destination": "市政府", "out": "2026-04-01T09:00", "back": "2026-04-01T12:00", "driver": "王师傅"}
    assert _post(client, f"{BASE}/vehicles/slips/new", slip).status_code == 302
    r = _post(client, f"{BASE}/vehicles/slips/new", dict(slip, out="2026-04-01T11:00", back="2026-04-01T15:00"))
    assert r.status_code == 409 and "已有派车" in r.get_data(as_text=True)
    assert _count(DispatchSlip) == 1
    slip_id = db.session.scalar(select(DispatchSlip.id))
    r = _post(client, f"{BASE}/vehicles/slips/{slip_id}/return",
              {"out": "2026-04-01T09:05", "back": "2026-04-01T11:40", "distance": "37"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Vehicle, vehicle_id).mileage_km == 1037


def _filled(sheet, rows) -> bytes:
    book = load_workbook(io.BytesIO(sheets.workbook(sheet)))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROUND_TRIPS = [
    ("offices", "rooms", ROOM_SHEET, [["机关东楼", 3, "301", "办公室", "综合科", "18.50", 1, "王五", "科长", "正科级",
                                      "2026-01-01"], ["机关东楼", 3, "302", "会议室", "综合科", "40", 1, None, None, None,
                                                      None]]),
    ("vehicles", "vehicles", VEHICLE_SHEET, [["陕A00009", "其他按照规定配备的公务用车", "纯电动", "比亚迪", 5, None, "150000.00",
                                              "2024-06-01", 1200]]),
    ("waste", "units", UNIT_SHEET, [["区财政局", "是", "2026-03-01", None, None], ["区档案馆", "否", None, None, None]]),
    ("property", "parking", PARKING_SHEET, [["北院共享车位", 30, "12345", "18:30", "07:30"]]),
]


def test_each_import_round_trips_through_the_export_and_a_bad_file_changes_nothing(signed_in):
    client = signed_in("manager")
    for module, resource, sheet, rows in ROUND_TRIPS:
        bad = _filled(sheet, rows + [["" if i else "坏行" for i in range(len(sheet.fields))]])
        before = _count(sheets_model(module, resource))
        r = _post(client, f"{BASE}/{module}/{resource}/import", {"file": (io.BytesIO(bad), "bad.xlsx")},
                  content_type="multipart/form-data")
        assert r.status_code == 400 and "未导入" in r.get_data(as_text=True), (module, resource)
        assert _count(sheets_model(module, resource)) == before
        good = _filled(sheet, rows)
        r = _post(client, f"{BASE}/{module}/{resource}/import", {"file": (io.BytesIO(good), "good.xlsx")},
                  content_type="multipart/form-data")
        assert r.status_code == 302, (module, resource, r.get_data(as_text=True)[-800:])
        exported = client.get(f"{BASE}/{module}/{resource}/export.xlsx")
        assert exported.status_code == 200
        assert _rows(sheets.read(sheet, exported.data)) == _rows(sheets.read(sheet, good)), (module, resource)


def _rows(rows):
    return sorted(repr(sorted((k, v) for k, v in row.items() if k != "_row")) for row in rows)


def sheets_model(module, resource):
    from admin.compound.registry import MODULES

    return MODULES[module].resources[resource].model


def test_a_fuel_card_top_up_resubmitted_with_its_key_books_once_and_a_spend_cannot_overdraw(signed_in):
    client = signed_in("admin")
    car = {"plate": "陕A55555", "type": "other", "energy": "gasoline", "seats": "5", "purchase_date": "2022-01-01",
           "mileage": "0"}
    _post(client, f"{BASE}/vehicles/vehicles/new", car)
    vehicle_id = db.session.scalar(select(Vehicle.id))
    assert _post(client, f"{BASE}/vehicles/stations/new", {"name": "中石化定点站"}).status_code == 302
    assert _post(client, f"{BASE}/vehicles/fuel_cards/new", {"vehicle": str(vehicle_id), "card_no": "1000123",
                                                             "opened_on": "2026-01-02"}).status_code == 302
    card = db.session.scalar(select(FuelCard))
    page = client.get(f"{BASE}/vehicles/fuel_cards").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', page).group(1)
    form = {"amount": "800.00", "on": "2026-01-02", "request_key": key}
    assert _post(client, f"{BASE}/vehicles/fuel_cards/{card.id}/top_up", form).status_code == 302
    assert _post(client, f"{BASE}/vehicles/fuel_cards/{card.id}/top_up", form).status_code == 302
    db.session.expire_all()
    assert card_balance(db.session, card) == 80_000
    assert _count(JournalEntry) == 1

    station_id = db.session.scalar(select(FuelStation.id))
    spend = {"station": str(station_id), "amount": "900", "litres": "120.00", "on": "2026-01-05",
             "request_key": "b" * 32}
    r = _post(client, f"{BASE}/vehicles/fuel_cards/{card.id}/spend", spend)
    assert r.status_code == 402 and _count(JournalEntry) == 1
    r = _post(client, f"{BASE}/vehicles/fuel_cards/{card.id}/spend", dict(spend, amount="300.50"))
    assert r.status_code == 302 and card_balance(db.session, card) == 80_000 - 30_050
    report = client.get(f"{BASE}/vehicles/reports/accounting?start=2026-01&end=2026-01").get_data(as_text=True)
    assert "加油卡消费" in report and "300.50" in report
    notice = client.get(f"{BASE}/vehicles/reports/accounting/export.xlsx?start=2026-01&end=2026-01")
    assert load_workbook(io.BytesIO(notice.data)).active.cell(row=1, column=1).value.endswith("公示")


def test_a_repair_order_goes_reported_assigned_done_and_its_cost_reaches_the_report(signed_in):
    client = signed_in("manager")
    assert _post(client, f"{BASE}/property/repairs/new", {"reporter": "李四", "location": "东楼302",
                                                         "description": "水龙头漏水"}).status_code == 302
    from canteen.compound.property.models import RepairOrder

    order_id = db.session.scalar(select(RepairOrder.id))
    assert _post(client, f"{BASE}/property/repairs/{order_id}/finish", {"cost": "12"}).status_code == 409
    assert _post(client, f"{BASE}/property/repairs/{order_id}/assign", {"assignee": "维修工老王"}).status_code == 302
    assert _post(client, f"{BASE}/property/repairs/{order_id}/finish", {"cost": "125.50"}).status_code == 302
    today = local_today()
    page = client.get(f"{BASE}/property/reports/repairs?start={today.year}-01-01&end={today.year}-12-31")
    assert "125.50" in page.get_data(as_text=True) and "已完成" in page.get_data(as_text=True)


def test_the_yearbook_page_and_its_docx_carry_the_canteen_summary_figures(signed_in, canteen):
    client = signed_in("auditor")
    year = 2026  # the dataset's week is in November 2026
    page = client.get(f"{BASE}/yearbook?year={year}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    end = min(date(year, 12, 31), max(local_today(), date(year, 1, 1)))
    summary = client.get(f"/admin/summary.txt?start={year}-01-01&end={end}").get_data(as_text=True)
    visits = re.search(r"就餐人数达(\d+)人次", summary).group(1)
    assert f"就餐人数达{visits}人次" in html and "/admin/reports/headcount" in html
    assert "【待填】" in html
    docx = client.get(f"{BASE}/yearbook.docx?year={year}")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert f"就餐人数达{visits}人次" in text and "附表" in text
    assert client.get(f"{BASE}/yearbook?year=abc").status_code == 400
