"""The demo runs through today (up to now), has forecasts for the kitchen page, keeps today live, and its landing
page links every face of the product with the demo accounts and cards."""
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from canteen.clock import local
from canteen.demo import seed_demo
from canteen.demo.live import tick
from canteen.demo.seed import DEMO_PASSWORD, DINER_PASSWORD
from canteen.extensions import db
from canteen.models import JournalEntry, MealPeriod, Shift
from canteen.models.forecast import Forecast
from canteen.services.common import Rules
from canteen.services.diner_accounts import authenticate
from canteen.services.forecasts import past_days

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 2)
NOON = datetime.combine(TODAY, time(12, 5), ZONE)


def _meal_days():
    return db.session.scalars(select(JournalEntry.business_date).where(JournalEntry.kind == "meal").distinct()).all()


def test_the_history_runs_through_today_up_to_now(app):
    seed_demo(db.session, people=40, days=30, today=TODAY, now=NOON)
    assert max(_meal_days()) == TODAY and min(_meal_days()) >= TODAY - timedelta(days=29)
    tz = Rules.from_config(app.config).timezone
    # The canteen's story stops at `now`; the service modules' fuel cards are booked through their services, which
    # stamp the real time of booking (the journal is never backdated) on their business dates of the year.
    latest = db.session.scalar(select(func.max(JournalEntry.created_dt)).where(
        JournalEntry.kind.notin_(("fuel_top_up", "fuel_spend"))))
    assert local(latest, tz) <= NOON
    today_meals = db.session.scalar(select(func.count()).select_from(JournalEntry).where(
        JournalEntry.kind == "meal", JournalEntry.business_date == TODAY))
    assert today_meals > 0
    # Shifts of the days before are closed; today's may still be open.
    for shift in db.session.scalars(select(Shift)):
        if local(shift.opened_dt, tz).date() < TODAY:
            assert shift.closed_dt is not None


def test_the_kitchen_has_a_forecast_for_every_past_meal(app):
    seed_demo(db.session, people=40, days=30, today=TODAY, now=NOON)
    assert db.session.scalar(select(func.count()).select_from(Forecast)) > 0
    rows, _error, missing = past_days(db.session, today=TODAY, days=28)
    assert rows and missing == 0


def test_demo_diners_sign_in_to_self_service(app):
    seed_demo(db.session, people=40, days=3, today=TODAY, now=NOON)
    from canteen.demo.seed import demo_diners

    diners = demo_diners(db.session)
    assert len(diners) == 3
    result = authenticate(db.session, staff_no=diners[0].staff_no, password=DINER_PASSWORD,
                          now=NOON.astimezone(ZONE))
    assert result.person is not None and result.outcome == "ok"


def test_a_live_tick_books_taps_in_a_meal_period(app):
    seed_demo(db.session, people=40, days=3)
    lunch = db.session.scalar(select(MealPeriod).where(MealPeriod.code == "lunch"))
    assert lunch is not None
    before = db.session.scalar(select(func.count()).select_from(JournalEntry))
    done = tick(db.session, Rules.from_config(app.config), random.Random(1), taps=5)
    after = db.session.scalar(select(func.count()).select_from(JournalEntry))
    # Whatever the hour, what was booked is in the journal (meals in meal hours, top-ups otherwise).
    assert after - before == done["meals"] + done["top_ups"]


def test_the_landing_page_links_every_face_with_demo_accounts_and_cards(app):
    seed_demo(db.session, people=40, days=3)
    app.config["DEMO_TERMINAL_PORT"] = 5001
    page = app.test_client().get("/", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    for href in ('href="/admin/"', 'href="/me/"', 'href="http://127.0.0.1:5001/"', 'href="/api/v1/openapi.json"'):
        assert href in page, href
    assert 'href="/pos/"' not in page
    assert DEMO_PASSWORD in page and DINER_PASSWORD in page and "manager" in page
    assert page.count("<tr>") >= 4 + 3 + 3  # accounts, diners, cards
    assert "style=" not in page and "<script" not in page


def test_make_demo_takes_a_port_and_the_quick_start_names_the_font():
    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text()
    assert "PORT ?= 5000" in makefile and "--port $(PORT)" in makefile
    readme = (root / "README.md").read_text()
    quick = readme[readme.index("## Quick start"):]
    quick = quick[:quick.index("\n## ", 3)]
    assert "fonts-noto-cjk" in quick and "make demo PORT=8000" in quick


def test_the_demo_companions_start_the_canteen_command():
    import subprocess

    from canteen.cli.companions import _canteen

    done = subprocess.run(_canteen("demo-live", "--help"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--interval" in done.stdout
