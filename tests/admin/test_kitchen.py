"""The kitchen page shows the forecast ahead and past forecasts beside what happened, honestly; guest meals' pages."""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from canteen.extensions import db
from canteen.models.forecast import Forecast
from canteen.models.guest_meals import GuestMealRequest
from canteen.services.common import Actor
from canteen.services.forecasts import make_forecasts
from canteen.services.guest_meals import redeem_guest_ticket, ticket_code
from canteen.services.meals import charge_meal
from tests.admin.conftest import csrf_of

TZ = ZoneInfo("Asia/Shanghai")


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=TZ)


def lunch(world, day: date, diners) -> None:
    for _, card in diners:
        actor = world.actor(terminal=world.terminal()[0])
        actor.at = noon(day)
        charge_meal(db.session, actor, world.rules, uid=card.uid)
    db.session.commit()


def row_of(page: str, day: date, period: str) -> str:
    match = re.search(rf'<tr data-day="{day}" data-period="{period}">(.*?)</tr>', page, re.S)
    assert match, (day, period)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_kitchen_page_shows_past_forecasts_beside_actuals_with_mape_and_missing_days(world, signed_in):
    today = datetime.now(TZ).date()
    diners = [world.diner(cash=100_000) for _ in range(5)]
    for weeks_ago in (1, 2, 3):
        lunch(world, today - timedelta(days=7 * weeks_ago + 1), diners[:4])  # yesterday's weekday: 4 people
    make_forecasts(db.session, made_on=today - timedelta(days=2))  # forecasts yesterday's lunch: 4
    db.session.commit()
    lunch(world, today - timedelta(days=1), diners)  # 5 came
    stored_before = db.session.scalar(select(func.count()).select_from(Forecast))

    page = signed_in("auditor").get("/admin/kitchen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert row_of(html, today - timedelta(days=1), "lunch").split()[1:] == [
        "午餐", "4", str(today - timedelta(days=2)), "5", "-1", "20.0%"]
    assert row_of(html, today - timedelta(days=8), "lunch").split()[1:] == ["午餐", "无预测", "4"]
    assert "<strong>20.0%</strong>" in html  # the only forecast meal with diners: |4 - 5| / 5
    db.session.expire_all()
    made_today = db.session.scalar(select(func.count()).select_from(Forecast).where(Forecast.made_on == today))
    assert made_today == 7 * 3  # tomorrow and 6 more days, breakfast, lunch and dinner
    assert db.session.scalar(select(func.count()).select_from(Forecast)) == stored_before + made_today
    assert 'id="forecast-ahead"' in html and str(today + timedelta(days=7)) in html
    signed_in("manager").get("/admin/kitchen")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Forecast).where(Forecast.made_on == today)) == 21


def test_without_any_forecast_the_page_says_mape_cannot_be_computed(world, signed_in):
    html = signed_in("manager").get("/admin/kitchen").get_data(as_text=True)
    assert "无法计算 MAPE" in html and "<strong>" not in html.split('id="mape"')[1].split("</p>")[0]


def test_a_guest_request_is_approved_by_a_second_manager_and_its_tickets_print_as_qr_codes(world, signed_in):
    department = world.department("办公室")
    asker, approver = signed_in("manager"), signed_in("manager")
    today = datetime.now(TZ).date()
    form = {"department": department.id, "day": today.isoformat(), "meal_period": "", "guests": "2",
            "purpose": "兄弟单位交流", "contact": "李主任", "csrf_token": csrf_of(asker, "/admin/guest-meals")}
    from canteen.models import MealPeriod
    form["meal_period"] = db.session.scalar(select(MealPeriod.id).where(MealPeriod.code == "lunch"))
    assert asker.post("/admin/guest-meals", data=form).status_code == 302
    request_id = db.session.scalar(select(GuestMealRequest.id))
    own = asker.post(f"/admin/guest-meals/{request_id}/approve",
                     data={"csrf_token": csrf_of(asker, "/admin/guest-meals")}, follow_redirects=True)
    assert "不能审批自己提交的接待用餐申请" in own.get_data(as_text=True)
    assert asker.get(f"/admin/guest-meals/{request_id}/tickets").status_code == 404  # not approved yet
    approver.post(f"/admin/guest-meals/{request_id}/approve",
                  data={"csrf_token": csrf_of(approver, "/admin/guest-meals")})
    db.session.expire_all()
    found = db.session.get(GuestMealRequest, request_id)
    assert found.state == "approved" and len(found.tickets) == 2
    tickets = asker.get(f"/admin/guest-meals/{request_id}/tickets").get_data(as_text=True)
    codes = [ticket_code(t, "test-secret") for t in found.tickets]
    assert all(code in tickets for code in codes) and tickets.count("<svg") == 2
    terminal, _ = world.terminal()
    redeem_guest_ticket(db.session, Actor(key="t:1", terminal=terminal, at=noon(today)), world.rules,
                        code=codes[0], secret="test-secret")
    db.session.commit()
    listing = signed_in("auditor").get("/admin/guest-meals").get_data(as_text=True)
    balances = listing.split('id="department-balances"')[1]
    assert "办公室" in balances and balances.count("20.00") >= 2  # owed, and the postings say the same


def test_a_forecasts_basis_reads_in_the_pages_language(app):
    """The basis is stored in a fixed form (canteen.forecast.predict); the page words it for the reader."""
    from flask_babel import force_locale

    from admin.kitchen_views import basis_text
    from canteen.forecast import Calendar, predict

    history = {date(2026, 11, 2) + timedelta(days=7 * w): 100 + w for w in range(4)}  # four Mondays
    made = predict(history, date(2026, 11, 30), Calendar(), booked=140)
    with app.test_request_context("/admin/kitchen"):
        assert basis_text(made.basis) == "星期一近几周中位数 101.5 × 近两周趋势 1.01；已报餐 140 人"
        assert basis_text("no history") == "没有历史数据"
    with app.test_request_context("/admin/kitchen"), force_locale("en"):
        assert basis_text(made.basis) == "Median of recent Mondays 101.5 × two-week trend 1.01; 140 booked"
        assert basis_text("not served on weekday 7") == "Not served on Sunday"
