"""The diner's own pages: only their own data (IDOR), spending without top-ups, loss, reminder, bookings."""
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from canteen.clock import business_date
from canteen.extensions import db
from canteen.models import AuditEntry, Card, JournalEntry, MealPeriod, utcnow
from canteen.models.bookings import MealBooking
from canteen.services.bookings import change_booking, set_secretary
from canteen.services.refunds import refund
from tests.admin.conftest import sign_in as admin_sign_in
from tests.diner.conftest import csrf_of, set_up

TZ = ZoneInfo("Asia/Shanghai")


def _tap(client, world, terminal, key, card):
    return client.post("/api/v1/taps", json={"uid": card.uid}, headers=world.headers(terminal, key))


def test_the_home_page_shows_only_the_diners_own_money_and_meal_spending(app, world, diner_client):
    free = world.unlimited_category()  # two lunches in one meal period
    world.all_day_meal(price=1200)
    terminal, key = world.terminal()
    me, my_card = world.diner(cash=10000, category=free)
    other, other_card = world.diner(cash=77700)
    client = diner_client(me)
    plain = app.test_client()
    for _ in range(2):
        reply = _tap(plain, world, terminal, key, my_card)
        assert reply.status_code == 200, reply.json
    entry = _tap(plain, world, terminal, key, other_card).json["entry"]["id"]
    first = db.session.scalar(select(JournalEntry.id).where(JournalEntry.person_id == me.id,
                                                            JournalEntry.kind == "meal"))
    refund(world.session, world.actor(world.cashier()), world.rules, original_id=first, amount=500)
    world.top_up(me, 3000)
    world.session.commit()
    page = client.get(f"/me/?person={other.id}").get_data(as_text=True)
    assert re.search(r'id="cash">111.00<', page)  # 100 - 12 - 12 + 5 (refund) + 30 (top-up)
    assert re.search(r'id="month">19.00<', page) and re.search(r'id="year">19.00<', page)  # 24 - 5, no top-up
    assert "777" not in page and other.staff_no not in page
    history = client.get(f"/me/history?person={other.id}").get_data(as_text=True)
    assert f'data-entry="{entry}"' not in history and f'data-entry="{first}"' in history
    meals_only = client.get("/me/history?kind=top_up").get_data(as_text=True)
    assert meals_only.count('data-kind="top_up"') == 1 and 'data-kind="meal"' not in meals_only
    assert client.get("/me/history?start=2026-02-30").status_code == 400
    assert client.get("/me/history?kind=nonsense").status_code == 400


def test_pages_need_a_signed_in_diner(app, world):
    client = app.test_client()
    for path in ("/me/", "/me/history", "/me/bookings", "/me/department"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/me/login")
    assert client.post("/me/loss", data={"csrf_token": csrf_of(client)}).status_code == 302


def test_a_diner_reports_the_card_lost_and_the_terminal_refuses_it(app, world, diner_client):
    world.all_day_meal()
    terminal, key = world.terminal()
    me, card = world.diner(cash=5000)
    client = diner_client(me)
    response = client.post("/me/loss", data={"csrf_token": csrf_of(client, "/me/")})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Card, card.id).state == "lost"
    tap = _tap(app.test_client(), world, terminal, key, card)
    assert tap.status_code == 409 and tap.json["error"]["code"] == "card_lost"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "card.report_loss")).all()
    assert [(a.result, a.username) for a in audit] == [("ok", f"diner:{me.staff_no}")]
    assert 'data-state="lost"' in client.get("/me/").get_data(as_text=True)


def test_the_low_balance_reminder_shows_at_a_tap_below_it(app, world, diner_client):
    free = world.unlimited_category()
    world.all_day_meal(price=1000)
    terminal, key = world.terminal()
    me, card = world.diner(cash=3500, category=free)
    client = diner_client(me)
    saved = client.post("/me/reminder", data={"threshold": "20", "csrf_token": csrf_of(client, "/me/")})
    assert saved.status_code == 302
    plain = app.test_client()
    first = _tap(plain, world, terminal, key, card).json
    assert "low_balance" in first, first
    assert first["low_balance"] is False and first["low_balance_threshold"] == 2000
    second = _tap(plain, world, terminal, key, card).json
    assert second["low_balance"] is True and second["cash_left"] == 1500
    bad = client.post("/me/reminder", data={"threshold": "-3", "csrf_token": csrf_of(client, "/me/")})
    assert bad.status_code == 400
    assert client.post("/me/reminder", data={"threshold": "", "csrf_token": csrf_of(client, "/me/")}).status_code == 302
    assert _tap(plain, world, terminal, key, card).json["low_balance"] is False


def _lunch():
    return db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))


def _next_weekday():
    day = business_date(utcnow(), "Asia/Shanghai") + timedelta(days=2)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def test_a_diner_books_and_cancels_on_the_page_and_a_past_day_is_refused(world, diner_client):
    me, _ = world.diner()
    client = diner_client(me)
    lunch, day = _lunch(), _next_weekday()
    token = csrf_of(client, "/me/bookings")
    ok = client.post("/me/bookings", data={"day": day.isoformat(), "period": lunch.id, "csrf_token": token})
    assert ok.status_code == 302
    assert [(b.person_id, b.day, b.state) for b in db.session.scalars(select(MealBooking))] == [(me.id, day, "booked")]
    past = business_date(utcnow(), "Asia/Shanghai") - timedelta(days=1)
    refused = client.post("/me/bookings", data={"day": past.isoformat(), "period": lunch.id, "csrf_token": token})
    assert refused.status_code == 409 and "已过去" in refused.get_data(as_text=True)
    nonsense = client.post("/me/bookings", data={"day": "someday", "period": lunch.id, "csrf_token": token})
    assert nonsense.status_code == 400
    cancel = client.post("/me/bookings", data={"day": day.isoformat(), "period": lunch.id, "action": "cancel",
                                               "csrf_token": token})
    assert cancel.status_code == 302
    db.session.expire_all()
    assert [b.state for b in db.session.scalars(select(MealBooking))] == ["cancelled"]


def test_a_secretary_books_for_the_department_and_cannot_reach_another(world, diner_client):
    dept, other = world.department("人事科"), world.department("后勤科")
    secretary, _ = world.diner(department=dept)
    colleague, _ = world.diner(department=dept)
    outsider, _ = world.diner(department=other)
    plain = diner_client(colleague)
    assert plain.get("/me/department").status_code == 403  # not a secretary
    set_secretary(world.session, dept, secretary, True)
    world.session.commit()
    client = diner_client(secretary)
    lunch, day = _lunch(), _next_weekday()
    assert client.get(f"/me/department?department={other.id}").status_code == 403
    page = client.get(f"/me/department?day={day}&period={lunch.id}").get_data(as_text=True)
    assert colleague.name in page and outsider.staff_no not in page
    token = csrf_of(client, "/me/")
    forged = client.post("/me/department", data={"department": dept.id, "day": day.isoformat(), "period": lunch.id,
                                                  "person": [colleague.id, outsider.id], "csrf_token": token})
    assert forged.status_code == 403
    assert db.session.scalars(select(MealBooking)).all() == []  # all or nothing
    done = client.post("/me/department", data={"department": dept.id, "day": day.isoformat(), "period": lunch.id,
                                               "person": [colleague.id, secretary.id], "csrf_token": token})
    assert done.status_code == 302
    assert sorted(b.person_id for b in db.session.scalars(select(MealBooking))) == sorted([colleague.id, secretary.id])
    other_dept = client.post("/me/department", data={"department": other.id, "day": day.isoformat(),
                                                     "period": lunch.id, "person": [outsider.id], "csrf_token": token})
    assert other_dept.status_code == 403


def test_a_cashier_creates_a_code_in_the_back_office_and_the_kitchen_sees_counts(app, world):
    person, _ = world.diner()
    lunch, day = _lunch(), _next_weekday()
    change_booking(db.session, booker=person, person=person, period=lunch, day=day, book=True,
                   now=datetime.combine(day - timedelta(days=2), time(9, 0), TZ), tz="Asia/Shanghai", horizon_days=14)
    db.session.commit()
    cashier = world.operator("cashier")
    client = app.test_client()
    assert admin_sign_in(client, cashier.username).status_code == 302
    token = csrf_of(client, "/admin/diner-code")
    page = client.post("/admin/diner-code", data={"staff_no": person.staff_no, "csrf_token": token})
    code = re.search(r'id="setup-code" class="code">([A-Z0-9-]+)<', page.get_data(as_text=True)).group(1)
    assert client.post("/admin/diner-code", data={"staff_no": "nobody", "csrf_token": token}).status_code == 400
    assert client.get("/admin/bookings").status_code == 403  # the kitchen page is for managers
    assert set_up(app.test_client(), person.staff_no, code).status_code == 302
    manager = world.operator("manager")
    kitchen = app.test_client()
    assert admin_sign_in(kitchen, manager.username).status_code == 302
    counts = kitchen.get(f"/admin/bookings?start={day}").get_data(as_text=True)
    assert re.search(rf'data-day="{day}">.*?data-period="lunch">1<', counts, re.S)
    token = csrf_of(kitchen, "/admin/bookings")
    saved = kitchen.post(f"/admin/bookings/rules/{lunch.id}", data={
        "required": "1", "cutoff_days_before": "1", "cutoff_time": "16:30", "csrf_token": token})
    assert saved.status_code == 302
    bad = kitchen.post(f"/admin/bookings/rules/{lunch.id}", data={"cutoff_days_before": "9", "cutoff_time": "16:30",
                                                                  "csrf_token": token})
    assert bad.status_code == 400
    page = kitchen.get("/admin/bookings").get_data(as_text=True)
    assert 'value="16:30"' in page
