"""The booking report (报餐统计) against a direct recomputation from the bookings and the journal."""
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from canteen.clock import business_date
from canteen.models import JournalEntry, Person, utcnow
from canteen.models.bookings import MealBooking
from canteen.reports import Filters
from canteen.reports.bookings import booking_report
from canteen.services.bookings import change_booking
from canteen.services.refunds import refund
from tests.admin.conftest import sign_in

TZ = ZoneInfo("Asia/Shanghai")


def _recompute(session, filters):
    """Straight from the rows: per (department name, meal period name) the five figures."""
    booked = {(b.person_id, b.day, b.meal_period_id) for b in session.scalars(select(MealBooking))
              if b.state == "booked" and filters.start <= b.day <= filters.end}
    meals = session.scalars(select(JournalEntry).where(JournalEntry.kind == "meal")).all()
    refunds = session.scalars(select(JournalEntry).where(JournalEntry.kind == "refund")).all()
    came = set()
    for meal in meals:
        refunded = sum(r.amount for r in refunds if r.original_id == meal.id)
        in_period = filters.start <= meal.business_date <= filters.end
        if meal.terminal_id is not None and meal.amount > refunded and in_period:
            came.add((meal.person_id, meal.business_date, meal.meal_period_id))
    result = {}
    for person_id, day, period_id in booked | came:
        person = session.get(Person, person_id)
        key = (person.department.name, period_id)
        figures = result.setdefault(key, {"booked": 0, "came": 0, "no_show": 0, "walk_in": 0, "ate": 0})
        meal = (person_id, day, period_id)
        figures["booked"] += meal in booked
        figures["came"] += meal in booked and meal in came
        figures["no_show"] += meal in booked and meal not in came
        figures["walk_in"] += meal in came and meal not in booked
        figures["ate"] += meal in came
    return result


def test_the_booking_report_matches_a_recomputation_and_exports(app, client, world):
    period = world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    today = business_date(utcnow(), "Asia/Shanghai")
    yesterday = datetime.combine(today - timedelta(days=1), time(9, 0), TZ)
    departments = [world.department("一科"), world.department("二科")]
    people = [world.diner(cash=10000, department=departments[i % 2]) for i in range(8)]
    for i, (person, _) in enumerate(people):
        if i % 3 != 0:  # 0, 3, 6 do not book
            change_booking(world.session, booker=person, person=person, period=period, day=today, book=True,
                           now=yesterday, tz="Asia/Shanghai", horizon_days=14)
    change_booking(world.session, booker=people[4][0], person=people[4][0], period=period, day=today, book=False,
                   now=yesterday, tz="Asia/Shanghai", horizon_days=14)
    world.session.commit()
    entries = {}
    for i, (person, card) in enumerate(people):
        if i % 2 == 0:  # 0, 2, 4, 6 eat
            reply = client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))
            assert reply.status_code == 200
            entries[i] = reply.json["entry"]["id"]
    cashier = world.cashier()
    refund(world.session, world.actor(cashier), world.rules, original_id=entries[2], amount=1000)  # 2 refunded in full
    world.session.commit()
    filters = Filters(start=today, end=today)
    report = booking_report(world.session, filters)
    expected = _recompute(world.session, filters)
    got = {(r["department"], period.id): {k: r[k] for k in ("booked", "came", "no_show", "walk_in", "ate")}
           for r in report.rows}
    assert got == expected
    assert report.totals == {"booked": 4, "came": 0, "no_show": 4, "walk_in": 3, "ate": 3}
    manager = world.operator("manager")
    admin_client = app.test_client()
    assert sign_in(admin_client, manager.username).status_code == 302
    page = admin_client.get(f"/admin/reports/bookings?start={today}&end={today}")
    assert page.status_code == 200 and "报餐未就餐" in page.get_data(as_text=True)
    export = admin_client.get(f"/admin/reports/bookings/export.xlsx?start={today}&end={today}")
    sheet = load_workbook(io.BytesIO(export.data)).active
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    assert list(totals[2:7]) == [4, 0, 4, 3, 3]
